"""The streaming build (kg.build_streaming): a synthetic corpus bulk-loaded into Oxigraph, its
files dumped from the store, the manifest counted there, and a failure that leaves the previous
outputs as they were.

Expected counts come from the corpus generator's own figures (kg.synth) and from rdflib parsing
the written files, not from the code under test.
"""

from __future__ import annotations

import hashlib
import json

import pytest
from helpers import tree_hashes
from rdflib import Graph

import kg.build as build_module
import kg.build_streaming as streaming_module
from kg.backends import OxigraphBackend
from kg.build import build
from kg.synth import synth


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "corpus.nt"
    synth(2, path)
    return path


@pytest.fixture(autouse=True)
def streaming(monkeypatch):
    """Take the streaming path even for a small corpus."""
    monkeypatch.setattr(build_module, "IN_MEMORY_LIMIT", 0)


def test_every_format_is_dumped_from_the_store_and_hashed_in_the_manifest(tmp_path, corpus):
    out = tmp_path / "out"
    result = build([corpus], out_dir=out, formats="ttl,nt,jsonld")
    assert result.graph is None and result.manifest["build"]["mode"] == "streaming"
    assert sorted(result.files) == ["kg.jsonld", "kg.nt", "kg.ttl"]
    manifest = json.loads((out / "manifest.json").read_text())
    graphs = {}
    for name, fmt in (("kg.nt", "nt"), ("kg.ttl", "turtle"), ("kg.jsonld", "json-ld")):
        body = (out / name).read_bytes()
        assert manifest["files"][name] == {
            "bytes": len(body),
            "sha256": hashlib.sha256(body).hexdigest(),
        }
        graphs[name] = Graph().parse(data=body, format=fmt)
    # the three files hold the same triples, as many as the manifest counts
    assert len(graphs["kg.nt"]) == len(graphs["kg.ttl"]) == len(graphs["kg.jsonld"])
    assert manifest["triples"] == len(graphs["kg.nt"])
    # 4 challenges of the paper and 6 per synthetic source (kg.synth: 2 sources here)
    challenges = graphs["kg.nt"].query(
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a <https://w3id.org/cbec-kg/ontology#Challenge> }"
    )
    assert manifest["classes"]["cbec:Challenge"] == int(next(iter(challenges))[0])
    # stated and inferred links, as the files hold them
    modes = graphs["kg.nt"].query(
        "SELECT ?m (COUNT(?l) AS ?n) WHERE { ?l <https://w3id.org/cbec-kg/ontology#assertion> ?m }"
        " GROUP BY ?m"
    )
    expected = {str(m).rsplit("#", 1)[-1].lower(): int(n) for m, n in modes}
    assert manifest["links"] == expected and expected["stated"] > 0


def test_a_store_inside_the_outputs_is_published_with_them(tmp_path, corpus):
    out = tmp_path / "out"
    build([corpus], out_dir=out, store=out / "kg.store")
    manifest = json.loads((out / "manifest.json").read_text())
    store = OxigraphBackend(out / "kg.store")
    assert len(store) == manifest["triples"]
    # nothing left beside it but the builds' lock file (kg.locks)
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]


def test_a_failed_publish_leaves_the_previous_outputs_and_no_staging(tmp_path, corpus, monkeypatch):
    out = tmp_path / "out"
    build([corpus], out_dir=out, store=out / "kg.store")
    before = tree_hashes(out)

    def fail(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(streaming_module, "publish_folder", fail)
    with pytest.raises(OSError, match="disk full"):
        build([corpus], out_dir=out, store=out / "kg.store", formats="ttl,nt")
    assert tree_hashes(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".out.lock", "out"]
