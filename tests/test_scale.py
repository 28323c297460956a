"""Synthetic corpora, per-source validation with its cache, and the streaming build path."""

from __future__ import annotations

import json

import pytest
from rdflib import Graph

import kg.build as build_module
from kg.backends import OxigraphBackend
from kg.build import build
from kg.cli import main
from kg.errors import InputError, ValidationFailed
from kg.sources import collect_sources, index_sources, validation_units
from kg.synth import synth


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "corpus.nt"
    stats = synth(3, path)
    return path, stats


def test_sections_are_sources_and_references_need_no_merge(corpus):
    path, _ = corpus
    sources = collect_sources([path])
    assert [s.name.rsplit("#", 1)[-1] for s in sources[1:]] == [
        "https://w3id.org/cbec-kg/id/synth-shared",
        *(f"https://w3id.org/cbec-kg/id/synth-{i:05d}" for i in (1, 2, 3)),
    ]
    index_sources(sources)
    units = validation_units(sources)
    assert len(units) == 5  # curated folder, shared block, 3 sources: each validated alone
    assert any("synth-shared-trend" in line for u in units for line in u.context)


def test_syntax_error_names_the_absolute_line(tmp_path, corpus):
    path, _ = corpus
    lines = path.read_text().splitlines(keepends=True)
    broken = tmp_path / "broken.nt"
    target = len(lines) - 5
    lines[target - 1] = '<urn:a> <urn:b> "oops .\n'
    broken.write_text("".join(lines))
    with pytest.raises(InputError, match=rf"broken\.nt:{target}: "):
        build([broken], out_dir=tmp_path / "out")


@pytest.fixture
def streaming(monkeypatch):
    """Take the streaming path even for small inputs."""
    monkeypatch.setattr(build_module, "IN_MEMORY_LIMIT", 0)


def test_rebuild_revalidates_only_the_changed_source(tmp_path, corpus, streaming, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    path, _stats = corpus
    first = build([path], out_dir=tmp_path / "out", store=tmp_path / "store")
    assert first.manifest["build"]["mode"] == "streaming"
    assert first.manifest["build"]["validated"] == first.manifest["build"]["units"] == 5
    again = build([path], out_dir=tmp_path / "out", store=tmp_path / "store")
    assert again.manifest["build"]["validated"] == 0
    changed = tmp_path / "changed.nt"
    text = path.read_text()
    changed.write_text(text.replace("Synthetic paper 2 on", "Synthetic paper number 2 on"))
    third = build([changed], out_dir=tmp_path / "out", store=tmp_path / "store")
    assert third.manifest["build"]["validated"] == 1
    assert third.manifest["triples"] == first.manifest["triples"]


def test_a_violation_in_one_source_fails_the_build_and_names_it(tmp_path, corpus, streaming):
    path, _ = corpus
    bad = tmp_path / "bad.nt"
    subject = "<https://w3id.org/cbec-kg/id/synth-00002-challenge-1> "
    label = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
    kept = [
        line
        for line in path.read_text().splitlines(keepends=True)
        if not (line.startswith(subject + label) and line.rstrip().endswith("@zh ."))
    ]
    bad.write_text("".join(kept))
    (tmp_path / "out").mkdir()
    with pytest.raises(ValidationFailed, match="exactly one @en and one @zh"):
        build([bad], out_dir=tmp_path / "out", store=tmp_path / "store")
    assert not (tmp_path / "store").exists() and list((tmp_path / "out").iterdir()) == []


def test_streaming_build_writes_nt_from_the_store_and_read_commands_use_it(
    tmp_path, corpus, streaming, runner
):
    path, _stats = corpus
    result = build([path], out_dir=tmp_path / "out", store=tmp_path / "store")
    assert result.graph is None and sorted(result.files) == ["kg.nt"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["files"]["kg.nt"]["bytes"] == (tmp_path / "out" / "kg.nt").stat().st_size
    assert manifest["classes"]["cbec:Challenge"] == 4 + 12
    store = OxigraphBackend(tmp_path / "store")
    assert len(store) == manifest["triples"] == len(Graph().parse(tmp_path / "out" / "kg.nt"))
    addressed = store.query("ASK { ?c cbec:addressedBy ?r }")  # inverses materialised
    assert addressed.boolean is True
    s = str(tmp_path / "store")
    out = runner.invoke(
        main,
        [
            "query",
            "--store",
            s,
            "--format",
            "csv",
            "--sparql",
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cbec:Challenge }",
        ],
    )
    assert out.output == "n\n16\n"
    # each read command answers from the store exactly as from the same corpus in memory
    # (--with), and the trace holds what an independent SPARQL query over the file finds
    focus = "id:synth-00001-challenge-1"

    def both(*args: str, out_dir: str | None = None) -> tuple[str, str]:
        answers = []
        for i, source in enumerate((["--store", s], ["--with", str(path)])):
            extra = ["--out", f"{out_dir}{i}"] if out_dir else []
            done = runner.invoke(main, [*args, *source, *extra])
            assert done.exit_code == 0, done.output
            answers.append(done.stdout)  # the note on stderr says where the KG was read
        return answers[0], answers[1]

    stored, memory = both("trace", focus, "--format", "json")
    assert stored == memory
    trace = json.loads(stored)
    file = Graph().parse(path, format="nt")
    beneath = {
        str(row[0])
        for row in file.query(
            "SELECT ?c WHERE { <https://w3id.org/cbec-kg/id/synth-00001-challenge-1> "
            "<https://w3id.org/cbec-kg/ontology#hasCause>+ ?c . "
            "?c a <https://w3id.org/cbec-kg/ontology#Cause> }"
        )
    }
    assert beneath and beneath == {item["iri"] for item in trace["causes"]}
    stored, memory = both("gaps", "--format", "json")
    assert stored == memory and set(json.loads(stored)) >= {"problems_without_remedy"}
    stored, memory = both("analyze", "--format", "json", out_dir=str(tmp_path / "a"))
    assert json.loads(stored) == json.loads(memory)
    both("export", "--format", "csv", out_dir=str(tmp_path / "e"))
    exported = [{p.name: p.read_bytes() for p in (tmp_path / f"e{i}").iterdir()} for i in (0, 1)]
    assert exported[0] == exported[1] and exported[0]


def test_formats_option(tmp_path, runner):
    out = runner.invoke(
        main, ["build", "--out", str(tmp_path / "o"), "--formats", "nt", "--no-progress"]
    )
    assert out.exit_code == 0, out.output
    # the embedded store the reading commands use is built unless --no-store
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == [
        "kg.nt",
        "kg.store",
        "manifest.json",
    ]
    out = runner.invoke(
        main,
        ["build", "--out", str(tmp_path / "n"), "--formats", "nt", "--no-progress", "--no-store"],
    )
    assert out.exit_code == 0, out.output
    assert sorted(p.name for p in (tmp_path / "n").iterdir()) == ["kg.nt", "manifest.json"]
    bad = runner.invoke(main, ["build", "--out", str(tmp_path / "p"), "--formats", "xml"])
    assert bad.exit_code == 2 and "unknown output format 'xml'" in bad.output


def test_kg_synth_command(tmp_path, runner):
    out = runner.invoke(main, ["synth", "--sources", "1", "--out", str(tmp_path / "s.nt")])
    assert out.exit_code == 0, out.output
    assert "triples from 1 sources" in out.output
    assert (tmp_path / "s.nt").stat().st_size > 100_000
