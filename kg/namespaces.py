"""Namespaces used across the toolkit, and the prefixes every query gets for free."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

CBEC = Namespace("https://w3id.org/cbec-kg/ontology#")
ID = Namespace("https://w3id.org/cbec-kg/id/")
OA = Namespace("http://www.w3.org/ns/oa#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
DOCO = Namespace("http://purl.org/spar/doco/")
SH = Namespace("http://www.w3.org/ns/shacl#")

#: Prefixes bound in every output file and predeclared in every SPARQL query.
PREFIXES: dict[str, str] = {
    "cbec": str(CBEC),
    "id": str(ID),
    "skos": str(SKOS),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "oa": str(OA),
    "qb": str(QB),
    "bibo": str(BIBO),
    "doco": str(DOCO),
}


def bind_prefixes(graph: Graph) -> None:
    """Bind :data:`PREFIXES` on an rdflib graph (replacing rdflib's defaults)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)


def curie(iri: str) -> str:
    """Shorten an IRI with :data:`PREFIXES`, or return it unchanged.

    >>> curie("https://w3id.org/cbec-kg/ontology#Challenge")
    'cbec:Challenge'
    """
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(ns):
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def expand(term: str) -> str:
    """Expand a CURIE with :data:`PREFIXES`; IRIs and unknown prefixes pass through.

    >>> expand("cbec:Challenge")
    'https://w3id.org/cbec-kg/ontology#Challenge'
    """
    if ":" in term and not term.startswith(("http://", "https://", "urn:")):
        prefix, local = term.split(":", 1)
        if prefix in PREFIXES:
            return PREFIXES[prefix] + local
    return term
