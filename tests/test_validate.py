"""The SHACL shapes accept the minimal fixture and reject each rule's deliberate breakage."""

from __future__ import annotations

import pytest
from helpers import DATA
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import SKOS

from kg import paths
from kg.loader import load_graph
from kg.namespaces import CBEC, OA
from kg.validate import validate

T = "https://example.org/test/"


def fixture_graph() -> Graph:
    return load_graph([*paths.ontology_files(), DATA / "minimal.ttl"], include_default=False)


def test_minimal_fixture_conforms():
    report = validate(fixture_graph())
    assert report.conforms, report.text()


def test_embedded_kg_conforms(kg_graph):
    report = validate(kg_graph)
    assert report.conforms, report.text()


def _remove(g: Graph, s: str, p: URIRef, o=None) -> Graph:
    obj = o if o is None or isinstance(o, Literal) else URIRef(T + o)
    g.remove((URIRef(T + s), p, obj))
    return g


def _remove_link(g: Graph, link: str) -> Graph:
    g.remove((URIRef(T + link), None, None))
    return g


BREAKAGES = {
    "challenge without cause": (
        lambda g: _remove_link(_remove(g, "ch", CBEC.hasCause, "cause"), "l1"),
        "every challenge needs at least one cause",
        "ch",
    ),
    "action without responsible actor": (
        lambda g: _remove_link(_remove(g, "act", CBEC.responsibleActor, "actor"), "l6"),
        "every action needs at least one responsible actor",
        "act",
    ),
    "countermeasure addressing no challenge": (
        lambda g: _remove_link(_remove(g, "cm", CBEC.addresses, "ch"), "l2"),
        "every countermeasure must address at least one challenge",
        "cm",
    ),
    "missing zh label": (
        lambda g: _remove(g, "trend", SKOS.prefLabel, Literal("趋势", lang="zh")),
        "exactly one @en and one @zh",
        "trend",
    ),
    "two en labels": (
        lambda g: g.add((URIRef(T + "cause"), SKOS.prefLabel, Literal("reason", lang="en"))) and g,
        "exactly one @en and one @zh",
        "cause",
    ),
    "addresses link without evidence record": (
        lambda g: _remove_link(g, "l4"),
        "has no cbec:Link record with evidence",
        "act",
    ),
    "supports link without evidence": (
        lambda g: _remove(g, "l5", CBEC.evidence, "ev"),
        "has no cbec:Link record with evidence",
        "cm",
    ),
    "inferred link without rationale": (
        lambda g: g.remove((URIRef(T + "l4"), CBEC.rationale, None)) and g,
        "an inferred link needs a one-line cbec:rationale",
        "l4",
    ),
    "observation without period": (
        lambda g: g.remove((URIRef(T + "obs"), CBEC.refPeriod, None)) and g,
        "an observation needs exactly one period",
        "obs",
    ),
    "observation without value": (
        lambda g: g.remove((URIRef(T + "obs"), CBEC.value, None)) and g,
        "exactly one xsd:decimal value",
        "obs",
    ),
    "observation without unit": (
        lambda g: g.remove((URIRef(T + "obs"), CBEC.unit, None)) and g,
        "an observation needs exactly one unit",
        "obs",
    ),
    "observation without source": (
        lambda g: g.remove((URIRef(T + "obs"), CBEC.source, None)) and g,
        "an observation needs a source",
        "obs",
    ),
    "node without evidence": (
        lambda g: g.remove((URIRef(T + "trend"), CBEC.evidence, None)) and g,
        "needs at least one cbec:evidence quote",
        "trend",
    ),
    "evidence without position selector": (
        lambda g: (
            [
                g.remove((URIRef(T + "ev"), OA.hasSelector, s))
                for s in list(g.objects(URIRef(T + "ev"), OA.hasSelector))
                if g.value(s, OA.start) is not None
            ]
            and g
        ),
        "exactly one oa:TextPositionSelector",
        "ev",
    ),
}


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_shapes_reject_broken_data(name):
    mutate, message, focus = BREAKAGES[name]
    g = fixture_graph()
    before = len(g)
    g = mutate(g)
    assert len(g) != before, "the mutation must change the fixture"
    report = validate(g)
    assert not report.conforms
    hits = [v for v in report.violations if message in v.message]
    assert hits, report.text()
    assert any(v.focus == T + focus for v in hits), report.text()


def test_report_names_focus_by_label_and_property():
    g = fixture_graph()
    g.remove((URIRef(T + "trend"), SKOS.prefLabel, Literal("趋势", lang="zh")))
    text = validate(g).text()
    assert "Violation: trend <https://example.org/test/trend> [skos:prefLabel]" in text


def test_missing_definition_is_only_a_warning():
    g = fixture_graph()
    g.remove((URIRef(T + "trend"), SKOS.definition, None))
    report = validate(g)
    assert report.conforms
    assert [w.focus_label for w in report.warnings] == ["trend"]
