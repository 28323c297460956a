"""Anchoring and re-finding quotes (kg.evidence) on a made-up source text, worked out by hand.

The text is ``跨境电商出口额持续增长，进口额也在增长`` once normalised (20 characters; offsets
count characters of the normalised text). test_fidelity checks the same functions against the
paper itself.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.errors import InputError
from kg.evidence import (
    anchor,
    evidence_iri,
    normalise,
    quoted_share,
    turtle_snippet,
    verify_evidence,
)
from kg.namespaces import CBEC, ID, OA

RAW = "跨境电商 出口额\n持续增长，\u3000进口额也在增长"
TEXT = "跨境电商出口额持续增长，进口额也在增长"
SOURCE = ID["source-test-text"]


def test_normalise_drops_every_whitespace_and_composes():
    assert normalise(RAW) == TEXT
    assert len(TEXT) == 19
    assert normalise("Cafe\u0301 \t x") == "Caféx"  # NFC: e + combining acute → é


def test_anchor_by_hand():
    a = anchor("出口额", TEXT, context=2)
    assert (a.exact, a.start, a.end, a.prefix, a.suffix) == ("出口额", 4, 7, "电商", "持续")
    # at the very start and end the context is cut short
    first = anchor("跨境", TEXT, context=3)
    assert (first.start, first.end, first.prefix, first.suffix) == (0, 2, "", "电商出")
    last = anchor("在增长", TEXT, context=3)
    assert (last.start, last.end, last.prefix, last.suffix) == (16, 19, "口额也", "")
    # the default context is 8 characters each side
    mid = anchor("，", TEXT)
    assert (mid.start, mid.prefix, mid.suffix) == (11, "商出口额持续增长", "进口额也在增长")


def test_anchor_normalises_the_quote():
    assert anchor("出口 额", TEXT).start == 4


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("出境", "quote not found in the source: '出境'"),
        ("", "quote not found in the source: ''"),
        ("增长", "quote occurs more than once in the source, make it longer: '增长'"),
    ],
)
def test_anchor_refuses_absent_empty_and_ambiguous_quotes(quote, message):
    with pytest.raises(InputError) as err:
        anchor(quote, TEXT)
    assert str(err.value) == message


def test_evidence_iri_is_section_plus_a_hash_of_the_normalised_quote():
    iri = evidence_iri("出口额", "1.1")
    assert iri.startswith("https://w3id.org/cbec-kg/id/ev-1.1-")
    assert len(iri.rsplit("-", 1)[1]) == 10
    assert evidence_iri("出口 额", "1.1") == iri  # whitespace does not matter
    assert evidence_iri("出口额", "1.2") != iri
    assert evidence_iri("进口额", "1.1") != iri


def test_turtle_snippet_by_hand():
    snippet = turtle_snippet('进口额也"在', "2.3", TEXT + '进口额也"在')
    iri = evidence_iri('进口额也"在', "2.3").removeprefix("https://w3id.org/cbec-kg/id/")
    assert snippet.splitlines() == [
        f"id:{iri} a cbec:Evidence ;",
        "    oa:hasSource id:source-xiang-text ;",
        "    cbec:inSection id:section-2.3 ;",
        "    oa:hasSelector [ a oa:TextQuoteSelector ;",
        '        oa:exact "进口额也\\"在" ;',
        '        oa:prefix "，进口额也在增长" ;',
        '        oa:suffix "" ] ,',
        "      [ a oa:TextPositionSelector ; oa:start 19 ; oa:end 25 ] .",
    ]
    assert 'oa:exact "a\\\\b"' in turtle_snippet("a\\b", "1", "xa\\by")


def _evidence(g: Graph, name: str, exact: str, start: int | None, prefix="", suffix="") -> URIRef:
    ev = ID[name]
    g.add((ev, RDF.type, CBEC.Evidence))
    g.add((ev, OA.hasSource, SOURCE))
    quote = BNode()
    g.add((ev, OA.hasSelector, quote))
    g.add((quote, RDF.type, OA.TextQuoteSelector))
    g.add((quote, OA.exact, Literal(exact)))
    g.add((quote, OA.prefix, Literal(prefix)))
    g.add((quote, OA.suffix, Literal(suffix)))
    if start is not None:
        pos = BNode()
        g.add((ev, OA.hasSelector, pos))
        g.add((pos, RDF.type, OA.TextPositionSelector))
        g.add((pos, OA.start, Literal(start)))
        g.add((pos, OA.end, Literal(start + len(exact))))
    return ev


@pytest.fixture
def graph() -> Graph:
    g = Graph()
    node = ID["fx-export"]
    g.add((node, SKOS.prefLabel, Literal("Exports", lang="en")))
    g.add((node, CBEC.evidence, ID["ev-good"]))
    _evidence(g, "ev-good", "出口额", 4, prefix="电商", suffix="持续")
    return g


def test_a_quote_where_the_data_says_is_fine(graph):
    assert verify_evidence(graph, TEXT, SOURCE) == []


def test_a_quote_without_positions_only_needs_to_be_in_the_text(graph):
    _evidence(graph, "ev-loose", "进口额", None, prefix="nonsense", suffix="nonsense")
    assert verify_evidence(graph, TEXT, SOURCE) == []


def test_each_kind_of_problem_by_hand(graph):
    _evidence(graph, "ev-orphan", "出境额", 4)
    _evidence(graph, "ev-moved", "进口额", 4)  # in the text, but at 12–15
    _evidence(graph, "ev-context", "出口额", 4, prefix="境电", suffix="持续")
    _evidence(graph, "ev-suffix", "出口额", 4, prefix="电商", suffix="增长")
    _evidence(graph, "ev-other-source", "不在", 0)
    graph.set((ID["ev-other-source"], OA.hasSource, ID["source-elsewhere"]))
    problems = verify_evidence(graph, TEXT, SOURCE)
    assert [(p.evidence.rsplit("/", 1)[1], p.kind, p.detail) for p in problems] == [
        ("ev-context", "context", "prefix/suffix differ around '出口额'"),
        ("ev-moved", "offset", "'进口额' is not at 4–7"),
        ("ev-orphan", "orphan", "quote not in source: '出境额'"),
        ("ev-suffix", "context", "prefix/suffix differ around '出口额'"),
    ]
    assert {p.owner for p in problems} == {"(unused evidence)"}
    assert str(problems[2]) == (
        f"orphan: (unused evidence) — quote not in source: '出境额' ({ID['ev-orphan']})"
    )


def test_a_problem_names_the_node_or_the_link_it_supports(graph):
    ev = _evidence(graph, "ev-bad", "出境额", None)
    graph.add((ID["fx-export"], CBEC.evidence, ev))
    link = ID["link-x"]
    graph.add((link, RDF.type, CBEC.Link))
    graph.add((link, CBEC.linkSubject, ID["fx-export"]))
    graph.add((link, CBEC.linkPredicate, CBEC.supports))
    graph.add((link, CBEC.linkObject, ID["fx-trend"]))
    graph.add((ID["fx-trend"], SKOS.prefLabel, Literal("Growth", lang="en")))
    graph.add((CBEC.supports, SKOS.prefLabel, Literal("supports", lang="en")))
    ev2 = _evidence(graph, "ev-bad-link", "出境额额", None)
    graph.add((link, CBEC.evidence, ev2))
    problems = {p.evidence.rsplit("/", 1)[1]: p.owner for p in verify_evidence(graph, TEXT, SOURCE)}
    assert problems == {"ev-bad": "Exports", "ev-bad-link": "link Exports —supports→ Growth"}


def test_a_missing_quote_selector_is_an_orphan():
    g = Graph()
    ev = ID["ev-empty"]
    g.add((ev, OA.hasSource, SOURCE))
    problems = verify_evidence(g, TEXT, SOURCE)
    assert [(p.kind, p.detail) for p in problems] == [("orphan", "quote not in source: ''")]


def test_quoted_share_counts_each_character_once(graph):
    assert quoted_share(graph, TEXT, SOURCE) == round(3 / 19, 4)
    _evidence(graph, "ev-overlap", "口额持续", 5)  # 5–9 overlaps 4–7 on 5 and 6
    assert quoted_share(graph, TEXT, SOURCE) == round(5 / 19, 4)
    assert quoted_share(graph, "", SOURCE) == 0.0


def test_find_source_text_reads_the_named_file_normalised(tmp_path, monkeypatch):
    from kg.evidence import find_source_text

    monkeypatch.setenv("KG_SOURCE_DIR", str(tmp_path))
    (tmp_path / "paper.txt").write_text(RAW, encoding="utf-8")
    g = Graph()
    g.add((SOURCE, CBEC.textFile, Literal("paper.txt")))
    g.add((ID["source-gone"], CBEC.textFile, Literal("gone.txt")))
    assert find_source_text(g, SOURCE) == TEXT
    assert find_source_text(g, ID["source-gone"]) is None  # named, but not on disk
    assert find_source_text(g, ID["source-unnamed"]) is None  # no text file at all


def test_anchor_edges_by_hand():
    # a quote that overlaps itself is ambiguous too: 长长 at 0 and at 1 of 长长长
    with pytest.raises(InputError, match="more than once"):
        anchor("长长", "长长长")
    # near the start the prefix is what there is: 电商 at 2 with 3 characters of context
    a = anchor("电商", TEXT, context=3)
    assert (a.start, a.prefix, a.suffix) == (2, "跨境", "出口额")


def test_only_evidence_of_the_source_is_checked(graph):
    from rdflib.namespace import DCTERMS, RDFS

    # a node that merely cites the source is not evidence
    graph.add((ID["fx-export"], DCTERMS.source, SOURCE))
    # a quote at its offsets with no prefix or suffix recorded
    ev = ID["ev-bare"]
    graph.add((ev, OA.hasSource, SOURCE))
    quote, pos = BNode(), BNode()
    graph.add((ev, OA.hasSelector, quote))
    graph.add((quote, RDF.type, OA.TextQuoteSelector))
    graph.add((quote, OA.exact, Literal("进口额")))
    graph.add((ev, OA.hasSelector, pos))
    graph.add((pos, RDF.type, OA.TextPositionSelector))
    graph.add((pos, OA.start, Literal(12)))
    graph.add((pos, OA.end, Literal(15)))
    assert verify_evidence(graph, TEXT, SOURCE) == []
    # a selector linked otherwise than by oa:hasSelector is not the evidence's selector
    other = ID["ev-other-link"]
    graph.add((other, OA.hasSource, SOURCE))
    stray = BNode()
    graph.add((other, RDFS.seeAlso, stray))
    graph.add((stray, RDF.type, OA.TextQuoteSelector))
    graph.add((stray, OA.exact, Literal("出口额")))
    assert [(p.evidence, p.kind) for p in verify_evidence(graph, TEXT, SOURCE)] == [
        (str(other), "orphan")
    ]
