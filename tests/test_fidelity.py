"""Fidelity to the source paper: quotes, numbers and sections.

These tests read the paper's text from $KG_SOURCE_DIR (default ../shared/sources). Without it
they skip with a reason on a user's machine; under CI (CI=true) they fail instead.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from kg.evidence import verify_evidence
from kg.namespaces import CBEC, ID, OA

pytestmark = pytest.mark.source

NUMBER = re.compile(r"(?<![A-Za-z0-9.])\d+(?:\.\d+)?(?![A-Za-z0-9])")
TEXT_NODE = ID["source-xiang-text"]


def test_every_quote_is_found_at_its_offsets(kg_graph, source_text):
    problems = verify_evidence(kg_graph, source_text, TEXT_NODE)
    assert problems == []
    n = len(set(kg_graph.subjects(OA.hasSource, TEXT_NODE)))
    assert n > 100


def test_a_moved_or_altered_quote_is_reported_by_name(kg_graph, source_text):
    g = kg_graph.__class__()
    for triple in kg_graph:
        g.add(triple)
    ev = ID["ev-2.1-6d1b114387"]  # the heading of section 2.1, also the challenge's evidence
    sel = next(s for s in g.objects(ev, OA.hasSelector) if g.value(s, OA.exact) is not None)
    g.set((sel, OA.exact, Literal("信用保障体系完善")))  # look-alike text, not in the paper
    problems = verify_evidence(g, source_text, TEXT_NODE)
    assert [p.kind for p in problems] == ["orphan"]
    # the quote supports the challenge and the heading of section 2.1 (challenges.ttl and
    # source.ttl); the owner named is the first by IRI, id:challenge-… before id:section-…
    assert problems[0].owner == "Lack of a credit guarantee system"
    assert problems[0].evidence == str(ev)
    assert problems[0].detail == "quote not in source: '信用保障体系完善'"


def test_quotes_are_short(kg_graph):
    long = [str(q) for q in kg_graph.objects(None, OA.exact) if len(str(q)) > 100]
    assert long == []


def test_repository_keeps_the_text_out(kg_graph, source_text):
    """Quotes are clauses, not passages: no run of adjacent quoted text is longer than 150
    characters. (Evidence on every node and link of a 4,500-character paper does touch most
    of its sentences; the share of characters quoted is reported by `kg build`'s manifest.)"""
    covered = set()
    for sel in kg_graph.subjects(RDF.type, OA.TextPositionSelector):
        covered.update(range(int(kg_graph.value(sel, OA.start)), int(kg_graph.value(sel, OA.end))))
    longest = run = 0
    previous = -2
    for i in sorted(covered):
        run = run + 1 if i == previous + 1 else 1
        previous = i
        longest = max(longest, run)
    assert 0 < longest <= 150


def test_every_number_in_the_paper_is_represented_or_skipped(kg_graph, source_text):
    numbers = set(NUMBER.findall(source_text))
    assert {"7981", "10850", "13918", "39.2", "52982.7", "410211"} <= numbers
    structured = set()
    for p in (CBEC.value, CBEC.refPeriod, DCTERMS.date):
        for lit in kg_graph.objects(None, p):
            structured.update(Decimal(x) for x in NUMBER.findall(str(lit)))
    skipped = {str(s).split(":", 1)[0].strip() for s in kg_graph.objects(None, CBEC.skippedNumber)}
    missing = sorted(n for n in numbers if Decimal(n) not in structured and n not in skipped)
    assert missing == []
    for reason in kg_graph.objects(None, CBEC.skippedNumber):
        assert ":" in str(reason) and str(reason).split(":", 1)[1].strip(), reason


def test_every_figure_is_an_observation_value(kg_graph, source_text):
    values = {Decimal(str(v)) for v in kg_graph.objects(None, CBEC.value)}
    for figure in (
        "7981",
        "10850",
        "13918",
        "30.5",
        "39.2",
        "28.3",
        "1.25",
        "35.5",
        "1.4",
        "11.99",
        "1.6",
        "77.3",
        "22.7",
        "68.6",
        "31.4",
        "52982.7",
        "18",
        "35",
        "26.9",
        "22.3",
    ):
        assert Decimal(figure) in values, figure
        assert figure in source_text


def _section_spans(kg_graph) -> dict[str, tuple[int, int]]:
    """Each section's span: from its heading to the next heading at the same or a higher level."""
    starts = {}
    for sec in kg_graph.subjects(RDF.type, CBEC.Section):
        notation = str(kg_graph.value(sec, SKOS.notation))
        ev = kg_graph.value(sec, CBEC.evidence)
        pos = next(
            s
            for s in kg_graph.objects(ev, OA.hasSelector)
            if kg_graph.value(s, OA.start) is not None
        )
        starts[notation] = int(kg_graph.value(pos, OA.start))
    ordered = sorted(starts.items(), key=lambda kv: kv[1])
    spans = {}
    for i, (notation, start) in enumerate(ordered):
        level = notation.count(".")
        end = next((s for n, s in ordered[i + 1 :] if n.count(".") <= level), 10**9)
        spans[notation] = (start, end)
    return spans


def test_every_quote_lies_in_its_section(kg_graph):
    spans = _section_spans(kg_graph)
    wrong = []
    for ev in kg_graph.subjects(RDF.type, CBEC.Evidence):
        notation = str(kg_graph.value(kg_graph.value(ev, CBEC.inSection), SKOS.notation))
        for sel in kg_graph.objects(ev, OA.hasSelector):
            start = kg_graph.value(sel, OA.start)
            if start is not None:
                lo, hi = spans[notation]
                if not lo <= int(start) < hi:
                    wrong.append((str(ev), notation, int(start)))
    assert wrong == []


@pytest.mark.parametrize(
    "section",
    [
        "2.1",
        "2.2",
        "2.3",
        "2.4",
        "3.1",
        "3.2",
        "3.3",
        "3.4",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
        "1.1",
        "1.2",
        "1.3",
    ],
)
def test_every_section_is_covered_beyond_its_heading(kg_graph, section):
    sec = ID[f"section-{section}"]
    heading = kg_graph.value(sec, CBEC.evidence)
    evidence = {ev for ev in kg_graph.subjects(CBEC.inSection, sec) if ev != heading}
    nodes = {
        n
        for ev in evidence
        for n in kg_graph.subjects(CBEC.evidence, ev)
        if (n, RDF.type, CBEC.Link) not in kg_graph
    }
    assert len(nodes) >= 2, f"section {section} has {len(nodes)} node(s) with their own quotes"


@pytest.mark.parametrize("cls", [CBEC.Challenge, CBEC.Countermeasure, CBEC.Trend])
def test_headline_zh_labels_use_the_papers_terms(kg_graph, source_text, cls):
    for node in kg_graph.subjects(RDF.type, cls):
        zh = [
            str(label) for label in kg_graph.objects(node, SKOS.prefLabel) if label.language == "zh"
        ]
        assert zh and zh[0].replace(" ", "") in source_text, (node, zh)


def test_fourth_countermeasure_is_modelled_as_fourth(kg_graph):
    cm = ID["countermeasure-talent"]
    assert int(kg_graph.value(cm, CBEC.order)) == 4
    notes = {str(n) for n in kg_graph.objects(cm, CBEC.sourceNote)} | {
        str(n) for n in kg_graph.objects(ID["source-xiang"], CBEC.sourceNote)
    }
    assert any("（三）" in n for n in notes)
