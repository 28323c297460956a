"""The default read path (the store `kg build` leaves beside its outputs), the term index in the
store, and a light `import kg` / `kg --help`."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from helpers import REPO

from kg.api import KnowledgeGraph, memory_backend
from kg.backends import MemoryBackend, OxigraphBackend
from kg.build import build
from kg.cli import main
from kg.defaultstore import freshness
from kg.stores import META_FILE, data_key, read_meta
from kg.termindex import TermIndex, index_of
from kg.terms import label_index, resolve


def test_kg_build_leaves_a_store_with_its_content_hash_in_the_manifest(runner, tmp_path):
    result = runner.invoke(main, ["build", "--out", str(tmp_path), "--formats", "nt"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    meta = read_meta(tmp_path / "kg.store")
    assert manifest["store"]["sha256"] == meta["sha256"] == manifest["files"]["kg.nt"]["sha256"]
    assert manifest["store"]["key"] == meta["key"] == data_key()
    assert manifest["store"]["quads"] == meta["triples"] == manifest["triples"]
    skipped = runner.invoke(main, ["build", "--out", str(tmp_path / "b"), "--no-store"])
    assert skipped.exit_code == 0 and not (tmp_path / "b" / "kg.store").exists()


def test_a_fresh_default_store_is_read_and_answers_as_memory(default_store):
    graph = KnowledgeGraph.open()
    assert isinstance(graph.backend, OxigraphBackend) and graph.backend.path == default_store
    memory = KnowledgeGraph(memory_backend())
    assert graph.trace("人才缺乏") == memory.trace("人才缺乏")
    assert graph.gaps() == memory.gaps()


def test_a_store_named_relative_to_the_working_folder_answers_with_labels(
    default_store, monkeypatch
):
    # as in a notebook started in the project folder: outputs/kg.store is a relative path
    monkeypatch.chdir(default_store.parent.parent)
    monkeypatch.setenv("KG_STORE", f"{default_store.parent.name}/kg.store")
    graph = KnowledgeGraph.open()
    assert isinstance(graph.backend, OxigraphBackend)
    rows = graph.query(sparql="SELECT ?c WHERE { ?c a cbec:Challenge } ORDER BY ?c LIMIT 1").dicts()
    assert rows == [{"c": "https://w3id.org/cbec-kg/id/challenge-brand-building",
                     "c_label": "Insufficient brand-building capacity"}]  # fmt: skip


def test_after_a_build_kg_trace_reads_outputs_kg_store_from_the_working_folder(
    default_store, runner, tmp_path, monkeypatch
):
    # the README's first steps: `make run`, then `kg trace ...` in the project folder, where
    # the default store is the relative path outputs/kg.store (KG_STORE unset)
    (tmp_path / "outputs").symlink_to(default_store.parent, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KG_STORE")
    result = runner.invoke(main, ["trace", "人才缺乏", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "reading the KG in memory" not in result.output  # the store, not the fallback
    trace = json.loads(result.output)
    assert trace["focus"]["label"]["zh"] == "跨境电商人才缺乏"


def test_a_stale_store_falls_back_to_memory_saying_why_once(tmp_path, monkeypatch, capsys):
    store = tmp_path / "kg.store"
    build(out_dir=tmp_path, store=store, formats="none")
    meta = json.loads((store / META_FILE).read_text())
    (store / META_FILE).write_text(json.dumps({**meta, "key": "0" * 64}))
    monkeypatch.setenv("KG_STORE", str(store))
    first = KnowledgeGraph.open()
    again = KnowledgeGraph.open()
    assert isinstance(first.backend, MemoryBackend) and isinstance(again.backend, MemoryBackend)
    err = capsys.readouterr().err
    assert err.count("note: reading the KG in memory") == 1 and "out of date" in err


def test_a_store_whose_metadata_is_not_a_json_object_is_not_read(tmp_path):
    store = tmp_path / "kg.store"
    store.mkdir()
    (store / "CURRENT").write_text("")
    for text in ("[1]", '"x"', "3"):  # JSON, but not the object kg build writes
        (store / META_FILE).write_text(text)
        assert "made by another version" in (freshness(store) or "")  # not AttributeError
        assert read_meta(store) is None


def test_with_files_read_in_memory_and_a_missing_store_is_named(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("KG_STORE", str(tmp_path / "nowhere"))
    result = runner.invoke(main, ["trace", "id:challenge-talent", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["focus"]["iri"].endswith("challenge-talent")
    assert f"no built store at {tmp_path / 'nowhere'}" in result.stderr
    monkeypatch.setenv("KG_STORE", "none")
    quiet = runner.invoke(main, ["trace", "id:challenge-talent"])
    assert quiet.exit_code == 0 and "note:" not in quiet.stderr


def test_the_stores_term_index_is_the_label_index(default_store, kg_graph):
    stored = index_of(OxigraphBackend(default_store))
    memory = MemoryBackend(kg_graph)
    everything = label_index(memory)
    assert stored.get_many(m.iri for m in everything) == {m.iri: m for m in everything}
    for term in ["talent", "credit", "customs", "人才", "shortage talent", "credit guarantea"]:
        outcome = []
        for index in (stored, TermIndex.of(everything)):
            try:
                outcome.append(resolve(None, term, index).iri)
            except Exception as exc:  # the same error, candidates and suggestions
                outcome.append(str(exc))
        assert outcome[0] == outcome[1]


@pytest.mark.parametrize("argv", [["--help"], ["query", "--help"]])
def test_kg_help_loads_neither_pyshacl_nor_the_sparql_engine(argv):
    code = (
        "import sys, runpy\n"
        f"sys.argv = ['kg', *{argv!r}]\n"
        "try:\n    runpy.run_module('kg', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "heavy = [m for m in sys.modules if m.startswith(('pyshacl', 'rdflib.plugins.sparql'))]\n"
        "print(heavy, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert done.stderr.strip().splitlines()[-1] == "[]"
    import_kg = subprocess.run(
        [sys.executable, "-c", "import kg, sys; print('pyshacl' in sys.modules)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert import_kg.stdout.strip() == "False"


#: How label_index found nodes before it read the classes from the chain model: a property path
#: over every type (kept here to check the faster query finds the same nodes and classes).
PATH_QUERY = """
SELECT ?node ?label ?type WHERE {
  ?node a/rdfs:subClassOf* ?type ; skos:prefLabel ?label .
  ?type rdfs:subClassOf* cbec:DomainConcept .
  FILTER(STRSTARTS(STR(?type), STR(cbec:)))
}
"""


def test_label_index_finds_what_the_property_path_finds(kg_graph):
    from kg.namespaces import curie

    backend = MemoryBackend(kg_graph)
    want: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for node, label, typ in backend.query(PATH_QUERY).rows:
        want.setdefault(str(node), set()).add(curie(str(typ)))
        labels.setdefault(str(node), set()).add(str(label))
    found = label_index(backend)
    assert {m.iri: set(m.types) for m in found} == want
    assert all({m.label_en, m.label_zh} <= labels[m.iri] for m in found)
