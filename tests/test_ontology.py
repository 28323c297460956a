"""The ontology is documented in both languages and carries its metadata."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg import paths
from kg.loader import parse_file
from kg.namespaces import CBEC

ONTOLOGY = URIRef("https://w3id.org/cbec-kg/ontology")


@pytest.fixture(scope="module")
def onto() -> Graph:
    g = Graph()
    for f in paths.ontology_files():
        parse_file(g, f)
    return g


def _terms(onto: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {s for k in kinds for s in onto.subjects(RDF.type, k) if str(s).startswith(str(CBEC))}
    )


def test_ontology_has_many_terms(onto):
    terms = _terms(onto)
    assert len(terms) > 50
    for needed in (
        "Challenge",
        "Cause",
        "Countermeasure",
        "Action",
        "Trend",
        "Indicator",
        "Observation",
        "Actor",
        "Policy",
        "Standard",
        "BusinessModel",
        "Source",
        "Evidence",
        "addresses",
        "addressedBy",
        "hasCause",
        "hasAction",
        "partOf",
        "supports",
        "responsibleActor",
        "evidence",
    ):
        assert CBEC[needed] in terms, needed


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_term_has_label_and_definition_in_both_languages(onto, lang):
    missing = []
    for term in _terms(onto):
        for prop in (RDFS.label, SKOS.definition):
            if not any(getattr(v, "language", None) == lang for v in onto.objects(term, prop)):
                missing.append(f"{term} {prop} @{lang}")
    assert missing == []


def test_inverses_are_declared_both_ways(onto):
    pairs = [
        ("addresses", "addressedBy"),
        ("hasCause", "causeOf"),
        ("hasAction", "partOf"),
        ("supports", "supportedBy"),
        ("responsibleActor", "responsibleFor"),
    ]
    for a, b in pairs:
        assert (CBEC[a], OWL.inverseOf, CBEC[b]) in onto
        assert (CBEC[b], OWL.inverseOf, CBEC[a]) in onto


def test_ontology_metadata(onto):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in onto
    for prop in (
        DCTERMS.title,
        DCTERMS.description,
        OWL.versionIRI,
        DCTERMS.license,
        DCTERMS.creator,
    ):
        assert onto.value(ONTOLOGY, prop) is not None, prop
    titles = {t.language for t in onto.objects(ONTOLOGY, DCTERMS.title)}
    assert titles == {"en", "zh"}
    assert str(onto.value(ONTOLOGY, OWL.versionIRI)).startswith("https://w3id.org/cbec-kg/")


def test_domain_classes_are_skos_concepts(onto):
    for cls in ("Challenge", "Cause", "Effect", "Countermeasure", "Action", "Trend", "Actor"):
        supers = set(onto.transitive_objects(CBEC[cls], RDFS.subClassOf))
        assert CBEC.DomainConcept in supers, cls
    for cls in ("Challenge", "Cause", "Effect"):
        assert CBEC.Problem in set(onto.transitive_objects(CBEC[cls], RDFS.subClassOf))
    for cls in ("Countermeasure", "Action"):
        assert CBEC.Remedy in set(onto.transitive_objects(CBEC[cls], RDFS.subClassOf))
    assert (CBEC.DomainConcept, RDFS.subClassOf, SKOS.Concept) in onto
