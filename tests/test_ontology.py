"""The ontology is documented in both languages, carries its metadata, and together with the
data is an OWL 2 DL ontology that HermiT finds consistent."""

from __future__ import annotations

import shutil

import pytest
from helpers import IN_CI
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg import paths
from kg.build import build
from kg.loader import load_graph, parse_file
from kg.namespaces import CBEC, ID, curie

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


# --- OWL 2 DL ------------------------------------------------------------------------------------

#: The OWL 2 datatype map (OWL 2 Structural Specification, section 4), plus rdf:langString, the
#: datatype RDF 1.1 gives language-tagged strings. xsd:gYear, xsd:date and the other XSD
#: date/time types except xsd:dateTime(Stamp) are not in it (HermiT: UnsupportedDatatypeException).
OWL2_DATATYPES = {
    RDF.PlainLiteral, RDF.XMLLiteral, RDF.langString, RDFS.Literal, OWL.real, OWL.rational,
    XSD.string, XSD.normalizedString, XSD.token, XSD.language, XSD.Name, XSD.NCName, XSD.NMTOKEN,
    XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.nonPositiveInteger,
    XSD.positiveInteger, XSD.negativeInteger, XSD.long, XSD.int, XSD.short, XSD.byte,
    XSD.unsignedLong, XSD.unsignedInt, XSD.unsignedShort, XSD.unsignedByte,
    XSD.double, XSD.float, XSD.boolean, XSD.hexBinary, XSD.base64Binary, XSD.anyURI,
    XSD.dateTime, XSD.dateTimeStamp,
}  # fmt: skip
#: Annotation properties OWL 2 has built in (they need no declaration).
BUILTIN_ANNOTATIONS = {
    RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.deprecated,
    OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith,
}  # fmt: skip
PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
RESERVED = (str(RDF), str(RDFS), str(OWL), str(XSD))


def owl2_dl_problems(graph: Graph) -> list[str]:
    """What keeps ``graph`` out of OWL 2 DL, as far as this KG's constructs go: literals whose
    datatype is outside the OWL 2 datatype map, reserved vocabulary used as a class (such as a
    class of properties, ``X rdfs:subClassOf owl:ObjectProperty``), classes and properties used
    without a declaration, an IRI declared as two kinds of property, and object or datatype
    properties used with the wrong kind of value. A quick structural check that needs no Java;
    HermiT and the OWL API's profile checker are the full story (ontology/README.md)."""
    problems = []
    related = [*graph.subject_objects(RDFS.subPropertyOf), *graph.subject_objects(OWL.inverseOf)]
    kinds = {
        p: {k for k in PROPERTY_KINDS if (p, RDF.type, k) in graph}
        for p in {*graph.predicates(), *(p for pair in related for p in pair)}
    }
    for sub, sup in related:
        if len(kinds[sub]) == len(kinds[sup]) == 1 and kinds[sub] != kinds[sup]:
            problems.append(f"{curie(sub)} and {curie(sup)}: related properties of two kinds")
        for prop in (sub, sup):
            if not kinds[prop]:
                problems.append(f"{curie(prop)}: a property without declaration")
    classes = set(graph.subjects(RDF.type, OWL.Class))
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is not None and o.datatype not in OWL2_DATATYPES:
            problems.append(f"{curie(s)} {curie(p)} {o.n3()}: datatype outside the OWL 2 map")
        if str(p).startswith(RESERVED):
            continue
        if len(kinds[p]) != 1 and p not in BUILTIN_ANNOTATIONS:
            found = sorted(curie(k) for k in kinds[p]) or "no declaration"
            problems.append(
                f"{curie(p)}: needs one of owl:ObjectProperty, owl:DatatypeProperty, "
                f"owl:AnnotationProperty ({found})"
            )
        elif OWL.ObjectProperty in kinds[p] and isinstance(o, Literal):
            problems.append(f"{curie(s)} {curie(p)} {o.n3()}: literal value of an object property")
        elif OWL.DatatypeProperty in kinds[p] and not isinstance(o, Literal):
            problems.append(f"{curie(s)} {curie(p)} {curie(o)}: IRI value of a datatype property")
    # rdf:type may name an OWL built-in type (a declaration); the other class positions may not
    built_in_types = {OWL.Class, *PROPERTY_KINDS, OWL.NamedIndividual, OWL.Ontology,
                      OWL.Restriction, RDFS.Datatype, OWL.TransitiveProperty,
                      OWL.SymmetricProperty, OWL.FunctionalProperty,
                      OWL.InverseFunctionalProperty}  # fmt: skip
    used_as_class = set(graph.objects(None, RDF.type)) - built_in_types
    for p in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        used_as_class |= set(graph.subjects(p, None)) | set(graph.objects(None, p))
    used_as_class |= set(graph.objects(None, RDFS.domain))
    for prop in graph.subjects(RDF.type, OWL.ObjectProperty):
        used_as_class |= set(graph.objects(prop, RDFS.range))
    for union in list(graph.objects(None, OWL.unionOf)):
        used_as_class |= set(Collection(graph, union))
    for cls in sorted(used_as_class - {OWL.Thing, OWL.Nothing}):
        if isinstance(cls, BNode):
            continue  # class expressions (owl:unionOf …)
        if str(cls).startswith(RESERVED):
            problems.append(f"{curie(cls)}: reserved vocabulary used as a class")
        elif cls not in classes:
            problems.append(f"{curie(cls)}: used as a class but not declared owl:Class")
    return sorted(set(problems))


@pytest.fixture(scope="module")
def built_kg(tmp_path_factory):
    """The KG as `kg build` writes it (ontology + data + inverses + flags), as N-Triples."""
    out = tmp_path_factory.mktemp("kg")
    result = build(out_dir=out, formats="nt")
    return out / "kg.nt", result.graph


def test_kg_is_declared_as_owl2_dl(built_kg):
    """Every term the KG uses is declared once, every literal has an OWL 2 datatype, and no
    reserved IRI stands for a class (no class of properties, no xsd:gYear)."""
    _, graph = built_kg
    assert owl2_dl_problems(graph) == []


def test_dl_check_catches_a_class_of_properties_and_a_gyear():
    graph = load_graph()
    graph.add((CBEC.CuratedRelation, RDF.type, OWL.Class))
    graph.add((CBEC.CuratedRelation, RDFS.subClassOf, OWL.ObjectProperty))
    graph.add((ID["obs-x"], CBEC.refPeriod, Literal("2020", datatype=XSD.gYear)))
    graph.add((ID["obs-x"], URIRef("http://example.org/undeclared"), Literal("x")))
    graph.add((CBEC.value, RDFS.subPropertyOf, URIRef("http://example.org/obsValue")))
    assert owl2_dl_problems(graph) == [
        "http://example.org/obsValue: a property without declaration",
        "http://example.org/undeclared: needs one of owl:ObjectProperty, owl:DatatypeProperty, "
        "owl:AnnotationProperty (no declaration)",
        'id:obs-x cbec:refPeriod "2020"^^<http://www.w3.org/2001/XMLSchema#gYear>: datatype '
        "outside the OWL 2 map",
        "owl:ObjectProperty: reserved vocabulary used as a class",
    ]


def _owlready2():
    """Owlready2 with a Java runtime for its bundled HermiT; skips on a user's machine without
    them, fails under CI."""
    try:
        import owlready2
    except ImportError:
        reason = "owlready2 is not installed (pip install -e '.[test]')"
    else:
        if shutil.which(owlready2.JAVA_EXE):
            return owlready2
        reason = f"no Java runtime ({owlready2.JAVA_EXE!r} not on PATH) to run HermiT"
    if IN_CI:
        pytest.fail(reason)
    pytest.skip(reason)


def test_hermit_finds_the_kg_consistent_with_no_unsatisfiable_class(built_kg):
    owlready2 = _owlready2()
    nt, _ = built_kg
    world = owlready2.World()  # fresh: nothing of other tests' ontologies
    onto = world.get_ontology(nt.as_uri()).load(format="ntriples")
    challenge = world[str(CBEC.Challenge)]
    assert isinstance(challenge, owlready2.ThingClass)
    assert world[str(CBEC.DomainConcept)] in challenge.ancestors()
    assert isinstance(world[str(CBEC.hasCause)], owlready2.ObjectPropertyClass)
    try:
        with onto:
            owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        pytest.fail("HermiT finds ontology + data inconsistent")
    assert list(world.inconsistent_classes()) == []
