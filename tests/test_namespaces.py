"""Prefixes (kg.namespaces): CURIEs in, IRIs out, and back."""

from __future__ import annotations

from rdflib import Graph

from kg.namespaces import CBEC, ID, PREFIXES, bind_prefixes, curie, expand


def test_curie_and_expand_are_inverse_for_known_prefixes():
    for prefix, iri in PREFIXES.items():
        assert curie(iri + "x") == f"{prefix}:x"
        assert expand(f"{prefix}:x") == iri + "x"
    assert curie(str(ID["challenge-talent"])) == "id:challenge-talent"
    assert curie("https://example.org/x") == "https://example.org/x"
    assert expand("nope:x") == "nope:x" and expand("https://a/b") == "https://a/b"


def test_the_longest_namespace_wins():
    # cbec: is a prefix of no other; id: is not a prefix of cbec: — a CURIE must use the longest
    longest = sorted(PREFIXES.values(), key=len)[-1]
    assert curie(longest + "a").endswith(":a")
    assert curie(str(CBEC.Challenge)) == "cbec:Challenge"


def test_bind_prefixes_replaces_rdflib_defaults():
    g = Graph()
    bind_prefixes(g)
    bound = dict(g.namespaces())
    assert {p: str(bound[p]) for p in PREFIXES} == PREFIXES
