"""Anchoring and re-finding quotes (kg.evidence), on a small text written for the test."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.errors import InputError
from kg.evidence import anchor, evidence_iri, normalise, turtle_snippet, verify_evidence
from kg.namespaces import CBEC, OA

TEXT = normalise("跨境电商 出口额\n持续增长，跨境电商进口额\r\n也在增长。")
SOURCE = URIRef("urn:text")


def test_normalise_removes_every_whitespace_and_composes():
    assert normalise(" a\tb\u3000c\n") == "abc"  # ideographic space too
    assert normalise("e\u0301") == "\u00e9"  # NFC


def test_anchor_offsets_prefix_and_suffix():
    a = anchor("出口额", TEXT, context=2)
    assert (a.exact, a.start, a.end, a.prefix, a.suffix) == ("出口额", 4, 7, "电商", "持续")
    assert TEXT[a.start : a.end] == a.exact


def test_anchor_refuses_absent_and_ambiguous_quotes():
    with pytest.raises(InputError, match="not found"):
        anchor("不存在", TEXT)
    with pytest.raises(InputError, match="more than once"):
        anchor("跨境电商", TEXT)


def test_evidence_iri_is_stable_and_whitespace_blind():
    assert evidence_iri("出口额", "1.1") == evidence_iri(" 出口 额 ", "1.1")
    assert evidence_iri("出口额", "1.1") != evidence_iri("出口额", "1.2")
    assert str(evidence_iri("出口额", "1.1")).startswith("https://w3id.org/cbec-kg/id/ev-1.1-")


def test_turtle_snippet_parses_to_a_node_that_verifies():
    snippet = turtle_snippet("进口额", "1.2", TEXT, source="id:s")
    prefixes = (
        "@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .\n"
        "@prefix id: <https://w3id.org/cbec-kg/id/> .\n@prefix oa: <http://www.w3.org/ns/oa#> .\n"
    )
    g = Graph().parse(data=prefixes + snippet, format="turtle")
    source = URIRef("https://w3id.org/cbec-kg/id/s-text")
    assert verify_evidence(g, TEXT, source) == []


def _evidence(exact: str, start: int, end: int, prefix: str = "", suffix: str = "") -> Graph:
    g = Graph()
    ev, q, p = URIRef("urn:ev"), URIRef("urn:q"), URIRef("urn:p")
    g.add((ev, OA.hasSource, SOURCE))
    g.add((URIRef("urn:node"), CBEC.evidence, ev))
    g.add((ev, OA.hasSelector, q))
    g.add((ev, OA.hasSelector, p))
    g.add((q, RDF.type, OA.TextQuoteSelector))
    g.add((q, OA.exact, Literal(exact)))
    g.add((q, OA.prefix, Literal(prefix)))
    g.add((q, OA.suffix, Literal(suffix)))
    g.add((p, RDF.type, OA.TextPositionSelector))
    g.add((p, OA.start, Literal(start)))
    g.add((p, OA.end, Literal(end)))
    return g


@pytest.mark.parametrize(
    ("args", "kind"),
    [
        (("出口额", 4, 7, "电商", "持续"), None),
        (("出口值", 4, 7, "电商", "持续"), "orphan"),  # not in the text at all
        (("出口额", 5, 8, "电商", "持续"), "offset"),  # in the text, not where it is said to be
        (("出口额", 4, 7, "外贸", "持续"), "context"),  # right place, wrong surroundings
    ],
)
def test_verify_names_what_is_wrong_and_never_reattaches(args, kind):
    problems = verify_evidence(_evidence(*args), TEXT, SOURCE)
    assert [p.kind for p in problems] == ([kind] if kind else [])
    if kind:
        assert problems[0].evidence == "urn:ev" and "urn:node" in problems[0].owner
