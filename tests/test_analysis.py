"""The whole analysis (kg.analysis): one deterministic, explained JSON document and its
Markdown report, on the fixture of test_projection (values by hand, see test_measures)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from test_projection import FIXTURE_TTL, FX, fixture_graph

from kg.analysis import EXPLANATIONS, analyse, analysis_files, write_analysis
from kg.cli import main
from kg.render.markdown import analysis_markdown


@pytest.fixture(scope="module")
def graph():
    return fixture_graph()


@pytest.fixture(scope="module")
def data(graph):
    return analyse(graph)


def short(iri: str) -> str:
    return iri.removeprefix(FX)


def test_analyse_is_json_ready_and_explained(data):
    assert json.loads(json.dumps(data)) == data
    assert list(data) == sorted(data)
    for name in EXPLANATIONS:
        assert data[name]["explanation"].strip()
    assert data["summary"]["links"] == 16
    assert (data["summary"]["stated"], data["summary"]["inferred"]) == (12, 4)
    degree = data["centrality"]["nodes"][FX + "a2"]["degree"]
    assert degree == round(4 / 12, 6) == 0.333333  # m1, c1, c2, c3
    assert [short(r["iri"]) for r in data["leverage"]["ranking"]] == ["m1", "a2", "a1", "a3", "m2"]
    assert [short(p["iri"]) for p in data["unremedied"]["problems"]] == ["c4"]
    counts = {
        (short(p["challenge"]["iri"]), short(p["trend"]["iri"])): p["count"]
        for p in data["paths"]["pairs"]
    }
    assert counts == {("h1", "t1"): 2, ("h1", "t2"): 0, ("h2", "t1"): 0, ("h2", "t2"): 2}


def test_markdown_report(data):
    md = analysis_markdown(data)
    assert "| Credit gap (信用缺口) | 3 (2 S / 1 I) | – |" in md
    assert "| Talent shortage (人才短缺) | 1 (0 S / 1 I) | 2 (2 S / 0 I) |" in md
    assert (
        "| 1 | Credit supervision (信用监管) | cbec:Countermeasure | 3 causes, 2 challenges"
        " | 5 (2 stated) |" in md
    )
    assert "- 仅有中文 (仅有中文) (cbec:Cause), in the tree of Talent shortage (人才短缺)" in md
    assert "| Credit data sharing (信用数据共享) | cbec:Action | 0, 1 | 1 |" in md


def test_markdown_report_escapes_html_and_markdown_in_labels():
    evil = "<img src=x onerror=alert(1)>*boom*|[link](http://x)"
    g = fixture_graph(f'id:fx-h3 a cbec:Challenge ; skos:prefLabel "{evil}"@en , "恶意"@zh .')
    md = analysis_files(g)["analysis.md"]
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in md
    assert "\\*boom\\*\\|\\[link\\](http://x)" in md


def test_write_analysis(graph, tmp_path):
    written = write_analysis(graph, tmp_path / "out")
    assert sorted(written) == ["analysis.json", "analysis.md"]
    data = json.loads(written["analysis.json"].read_text(encoding="utf-8"))
    assert data["coverage"]["matrix"][FX + "h1"][FX + "m1"]["total"] == 3
    assert written["analysis.md"].read_text(encoding="utf-8").startswith("# Graph analysis")
    assert [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")] == []


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fx") / "fixture.ttl"
    path.write_text(FIXTURE_TTL, encoding="utf-8")
    return path


@pytest.fixture
def only_fixture(monkeypatch, fixture_file):
    """CLI arguments that load the ontology and the fixture, without the embedded KG."""
    monkeypatch.setattr("kg.paths.data_files", lambda: [])
    return ["--with", str(fixture_file)]


def test_cli_analyze_text_and_json(runner, only_fixture, tmp_path):
    text = runner.invoke(main, ["analyze", *only_fixture, "--out", str(tmp_path)])
    assert text.exit_code == 0, text.output
    assert "Top leverage" in text.output and "Credit supervision" in text.output
    assert (tmp_path / "analysis.md").is_file()
    out = runner.invoke(
        main, ["analyze", *only_fixture, "--out", str(tmp_path), "--format", "json"]
    )
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert data == json.loads((tmp_path / "analysis.json").read_text(encoding="utf-8"))
    assert data["leverage"]["ranking"][0]["iri"] == FX + "m1"


DETERMINISM_SCRIPT = """
import hashlib, sys
from kg.analysis import analyse, to_json
from kg.export import FORMATS, export_files
from kg.projection import VIEWS, project
from kg.loader import load_graph
graph = load_graph([sys.argv[1]])
print(hashlib.sha256(to_json(analyse(graph)).encode()).hexdigest())
for view in VIEWS:
    G = project(graph, view)
    for fmt in FORMATS:
        for name, text in sorted(export_files(G, fmt).items()):
            print(name, hashlib.sha256(text.encode()).hexdigest())
"""


def test_analysis_and_exports_are_deterministic_across_hash_seeds(fixture_file):
    """The embedded KG + the fixture, in two processes with different string hashing."""
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", DETERMINISM_SCRIPT, str(fixture_file)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        for seed in ("1", "2")
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0]
    assert outputs[0] == outputs[1]
    assert len(outputs[0].splitlines()) == 1 + 4 * 5  # analysis + 4 views × 5 files
