"""One way to name a node and to cite its evidence, for every view.

A node's label is its ``skos:prefLabel`` (else ``rdfs:label``) in the language asked for, else in
the other language, else in none, else the end of its IRI. Evidence is listed in the paper's
order: by position in the source text (``oa:start``), which is also section order.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> b = MemoryBackend(load_graph())
>>> labels(b, ["https://w3id.org/cbec-kg/id/challenge-talent"])[
...     "https://w3id.org/cbec-kg/id/challenge-talent"]["zh"]
'跨境电商人才缺乏'
>>> evidence(b, ["https://w3id.org/cbec-kg/id/challenge-talent"])[
...     "https://w3id.org/cbec-kg/id/challenge-talent"][0]["section"]
'2.4'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rdflib import URIRef
from rdflib.namespace import RDFS, SKOS

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = [
    "Evidence",
    "choose",
    "evidence",
    "label_of",
    "labels",
    "local_name",
    "pick",
    "section_key",
]

#: One quote: ``{"section": "2.2", "quote": "…", "start": 1274}``.
Evidence = dict[str, Any]

LANGS = ("en", "zh")

_LABELS_QUERY = """
SELECT ?s ?prop ?l WHERE {
  { ?s skos:prefLabel ?l BIND("prefLabel" AS ?prop) }
  UNION { ?s rdfs:label ?l BIND("label" AS ?prop) }
}
"""

_EVIDENCE_QUERY = """
SELECT ?x ?ev ?section ?quote ?start WHERE {
  ?x cbec:evidence ?ev .
  ?ev cbec:inSection/skos:notation ?section ; oa:hasSelector ?q .
  ?q oa:exact ?quote .
  OPTIONAL { ?ev oa:hasSelector/oa:start ?start }
}
"""


def section_key(notation: str) -> tuple[tuple[int, Any], ...]:
    """Sort key that orders section notations numerically ("2.10" after "2.9").

    >>> sorted(["2.10", "2.9", "10", "3"], key=section_key)
    ['2.9', '2.10', '3', '10']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\s]+", notation))


def local_name(iri: str) -> str:
    """The end of an IRI, used when a node has no label.

    >>> local_name("https://w3id.org/cbec-kg/id/challenge-talent")
    'challenge-talent'
    """
    return iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1] if iri.startswith("http") else iri


def choose(found: Mapping[str, Mapping[str, str]], lang: str, fallback: str) -> str:
    """Pick a label from ``{property: {language: text}}`` (``skos:prefLabel`` first)."""
    other = "zh" if lang == "en" else "en"
    for prop in ("prefLabel", "label"):
        by_lang = found.get(prop, {})
        for key in (lang, other, "", *sorted(k for k in by_lang if k)):
            if key in by_lang:
                return by_lang[key]
    return fallback


def label_of(graph: Graph, node: Any, lang: str = "en") -> str:
    """The label of ``node`` in an rdflib graph (see the module's rule).

    >>> from rdflib import Graph, Literal
    >>> g = Graph()
    >>> n = URIRef("https://example.org/x")
    >>> _ = g.add((n, SKOS.prefLabel, Literal("信用", lang="zh")))
    >>> label_of(g, n)
    '信用'
    """
    found: dict[str, dict[str, str]] = {}
    for prop, name in ((SKOS.prefLabel, "prefLabel"), (RDFS.label, "label")):
        for lbl in sorted(graph.objects(node, prop), key=str):
            found.setdefault(name, {}).setdefault(getattr(lbl, "language", None) or "", str(lbl))
    return choose(found, lang, local_name(str(node)))


def _values(iris: Iterable[str]) -> str:
    return " ".join(URIRef(i).n3() for i in sorted(set(iris)))


def _with_values(query: str, var: str, iris: Iterable[str]) -> str:
    head, _, rest = query.partition("{")
    return f"{head}{{\n  VALUES ?{var} {{ {_values(iris)} }}{rest}"


def labels(backend: Backend, iris: Iterable[str]) -> dict[str, dict[str, str]]:
    """``{iri: {"en": …, "zh": …}}`` for every IRI in ``iris`` (one query).

    Each language falls back to the other, then to the local name, so both keys are always set.
    """
    from kg.oxterms import gc_paused
    from kg.termindex import available

    iris = sorted(set(iris))
    if not iris:
        return {}
    known: dict[str, dict[str, str]] = {}
    index = available(backend)
    if index is not None:  # a domain node's labels, as the rule above picks them, are indexed
        with gc_paused():  # thousands of new objects, none in a cycle (see gc_paused)
            for iri, m in index.get_many(iris).items():
                if m.label_en and m.label_zh:
                    known[iri] = {"en": m.label_en, "zh": m.label_zh}
        iris = [i for i in iris if i not in known]
        if not iris:
            return known
    found: dict[str, dict[str, dict[str, str]]] = {i: {} for i in iris}
    rows = backend.query(_with_values(_LABELS_QUERY, "s", iris)).rows
    for s, prop, lbl in sorted(rows, key=lambda r: tuple(str(x) for x in r)):
        name = str(prop)
        lang = getattr(lbl, "language", None) or ""
        found[str(s)].setdefault(name, {}).setdefault(lang, str(lbl))
    named = {i: {lang: choose(f, lang, local_name(i)) for lang in LANGS} for i, f in found.items()}
    return {**known, **named}


def pick(names: Mapping[str, Mapping[str, str]], lang: str) -> dict[str, str]:
    """``{iri: label in lang}`` from the result of :func:`labels`."""
    return {iri: by_lang.get(lang, "") for iri, by_lang in names.items()}


def evidence(backend: Backend, nodes: Iterable[str]) -> dict[str, list[Evidence]]:
    """The quotes supporting each of ``nodes`` (nodes or link records), in the paper's order."""
    nodes = sorted(set(nodes))
    if not nodes:
        return {}
    rows = backend.query(_with_values(_EVIDENCE_QUERY, "x", nodes)).rows
    seen: set[tuple[str, str]] = set()
    out: dict[str, list[Evidence]] = {}

    def key(row: tuple[Any, ...]) -> tuple[Any, ...]:  # the paper's order; unanchored last
        start = int(row[4]) if row[4] is not None else None
        return (str(row[0]), start is None, start or 0, section_key(str(row[2])), str(row[3]))

    for x, ev, section, quote, start in sorted(rows, key=key):
        if (str(x), str(ev)) in seen:
            continue
        seen.add((str(x), str(ev)))
        item = {
            "section": str(section),
            "quote": str(quote),
            "start": int(str(start)) if start is not None else None,
        }
        out.setdefault(str(x), []).append(item)
    return out
