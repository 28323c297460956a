"""Oxigraph's terms as rdflib's (kg.oxterms): built directly, yet equal to rdflib's own in every
slot, so nothing downstream can tell them apart."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef


@pytest.mark.parametrize(
    "value, lang", [("信用", "zh"), ("credit", "en"), ("", None), ("a b", None)]
)
def test_string_literals_from_the_store_are_rdflibs_own(value, lang):
    from kg.oxterms import string_literal

    fast, made = string_literal(value, lang), Literal(value, lang=lang)
    assert (fast, hash(fast), fast.n3(), fast.toPython()) == (
        made,
        hash(made),
        made.n3(),
        made.toPython(),
    )
    assert [getattr(fast, s) for s in Literal.__slots__] == [
        getattr(made, s) for s in Literal.__slots__
    ]


def test_iris_from_the_store_are_rdflibs_own():
    import pyoxigraph as ox

    from kg.oxterms import node_from_ox

    iri = "https://w3id.org/cbec-kg/id/challenge-talent"
    fast, made = node_from_ox(ox.NamedNode(iri)), URIRef(iri)
    assert (type(fast), fast, hash(fast), fast.n3()) == (URIRef, made, hash(made), made.n3())
