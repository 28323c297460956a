"""One way to name a node and cite its evidence (kg.labels), the same in an rdflib graph and
through SPARQL on any backend."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS
from test_projection import FX, fixture_graph

from kg.backends import MemoryBackend
from kg.labels import evidence, label_of, labels, local_name, pick, section_key

X = URIRef("https://example.org/x")


def test_label_of_falls_back_to_the_other_language_then_rdfs_label_then_the_iri():
    g = Graph()
    assert label_of(g, X) == "x"
    g.add((X, RDFS.label, Literal("plain")))
    assert label_of(g, X, "zh") == "plain"
    g.add((X, SKOS.prefLabel, Literal("信用", lang="zh")))
    assert label_of(g, X, "en") == "信用"  # a preferred label in another language wins
    g.add((X, SKOS.prefLabel, Literal("credit", lang="en")))
    assert (label_of(g, X, "zh"), label_of(g, X, "en")) == ("信用", "credit")


def test_labels_through_sparql_agree_with_label_of():
    g = fixture_graph()
    nodes = sorted({str(s) for s in g.subjects() if str(s).startswith(FX)})
    found = labels(MemoryBackend(g), nodes)
    assert set(found) == set(nodes)
    for n in nodes:
        assert found[n] == {lang: label_of(g, URIRef(n), lang) for lang in ("en", "zh")}, n
    assert found[FX + "c4"] == {"en": "仅有中文", "zh": "仅有中文"}
    assert pick(found, "zh")[FX + "h1"] == "信用缺口"


def test_labels_are_deterministic_when_a_node_has_two_in_one_language():
    g = fixture_graph('id:fx-h1 skos:prefLabel "Another credit gap"@en .')
    picks = {labels(MemoryBackend(g), [FX + "h1"])[FX + "h1"]["en"] for _ in range(5)}
    assert picks == {"Another credit gap"}  # the first in code-point order


def test_evidence_in_the_papers_order():
    g = fixture_graph()
    found = evidence(MemoryBackend(g), [FX + "h1", FX + "link-0"])
    assert [(e["section"], e["start"]) for e in found[FX + "h1"]] == [("2.9", 0), ("2.10", 1)]
    assert found[FX + "link-0"] == [
        {"section": "2.9", "quote": "h1 hasCause c1", "start": None}  # no position: last
    ]


def test_small_helpers():
    assert local_name("https://w3id.org/cbec-kg/id/challenge-talent") == "challenge-talent"
    assert local_name("urn:x") == "urn:x"
    assert sorted(["2.10", "2.9", "10"], key=section_key) == ["2.9", "2.10", "10"]
