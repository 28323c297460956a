"""Trace the chain around a node: challenge → causes → actions → countermeasures → trends,
with the actors responsible and the evidence of every node and link.

The trace works from any kind of node (a trend traces back to the challenges it answers) and
follows every link the KG holds, including links that cross the paper's one-to-one pairing of
challenges and countermeasures. It runs as a few SPARQL queries, so it works the same on every
backend.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> t = trace(MemoryBackend(load_graph()), "id:challenge-talent")
>>> t["focus"]["label"]["en"]
'Shortage of cross-border e-commerce talent'
>>> sorted(item["iri"].rsplit("/", 1)[1] for item in t["countermeasures"])
['countermeasure-talent']
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import URIRef

from kg.backends import Backend
from kg.namespaces import CBEC, curie
from kg.terms import Match, label_index, resolve

__all__ = ["KEYS", "trace"]

#: Keys of the JSON contract, in display order.
KEYS = ("challenges", "causes", "actions", "countermeasures", "trends", "actors")
_TYPE_KEY = {
    "cbec:Challenge": "challenges",
    "cbec:Cause": "causes",
    "cbec:Action": "actions",
    "cbec:Countermeasure": "countermeasures",
    "cbec:Trend": "trends",
    "cbec:Actor": "actors",
    "cbec:Platform": "actors",
}
_CHAIN_TYPES = {"cbec:Challenge", "cbec:Cause", "cbec:Action", "cbec:Countermeasure", "cbec:Trend"}
CURATED_QUERY = "SELECT ?p WHERE { ?p cbec:curated true }"


def _values(nodes: Iterable[str]) -> str:
    return " ".join(URIRef(n).n3() for n in sorted(set(nodes)))


def _step(backend: Backend, nodes: set[str], predicate: str, forward: bool = True) -> set[str]:
    """Objects (forward) or subjects (backward) of ``predicate`` for ``nodes``."""
    if not nodes:
        return set()
    p = CBEC[predicate].n3()
    pattern = f"?x {p} ?y" if forward else f"?y {p} ?x"
    text = f"SELECT DISTINCT ?y WHERE {{ VALUES ?x {{ {_values(nodes)} }} {pattern} }}"
    return {str(row[0]) for row in backend.query(text).rows}


class _Chain:
    def __init__(self, backend: Backend, types: dict[str, set[str]]):
        self.b, self.types = backend, types

    def of(self, nodes: set[str], *kinds: str) -> set[str]:
        return {n for n in nodes if self.types.get(n, set()) & set(kinds)}

    def add_parents(self, remedies: set[str]) -> set[str]:
        actions = self.of(remedies, "cbec:Action")
        return remedies | _step(self.b, actions, "partOf")

    def problems_of(self, remedies: set[str]) -> set[str]:
        problems = _step(self.b, remedies, "addresses")
        causes = self.of(problems, "cbec:Cause")
        return problems | _step(self.b, causes, "hasCause", forward=False)

    def trends_of(self, remedies: set[str]) -> set[str]:
        return _step(self.b, remedies, "supports")


def _neighbours(backend: Backend, node: str, relations: list[str]) -> set[str]:
    """Nodes linked to ``node`` by any curated relation, in either direction."""
    preds = " ".join(URIRef(p).n3() for p in relations)
    n = URIRef(node).n3()
    text = f"""SELECT DISTINCT ?y WHERE {{
      VALUES ?p {{ {preds} }} {{ {n} ?p ?y }} UNION {{ ?y ?p {n} }} }}"""
    return {str(row[0]) for row in backend.query(text).rows}


def _collect(
    backend: Backend, focus: Match, types: dict[str, set[str]], relations: list[str]
) -> set[str]:
    """Nodes of the chain around ``focus``. A node outside the chain (an actor, driver, law,
    standard, statistic, category …) is traced through the chain nodes it is linked to."""
    kinds = set(focus.types)
    if kinds & _CHAIN_TYPES:
        return _collect_chain(backend, focus.iri, kinds, types)
    nodes = {focus.iri}
    for seed in sorted(_neighbours(backend, focus.iri, relations)):
        if types.get(seed, set()) & _CHAIN_TYPES:
            nodes |= _collect_chain(backend, seed, types[seed], types)
    return nodes


def _collect_chain(
    backend: Backend, iri: str, kinds: set[str], types: dict[str, set[str]]
) -> set[str]:
    c = _Chain(backend, types)
    f = {iri}
    if "cbec:Challenge" in kinds:
        problems = f | _step(backend, f, "hasCause")
        remedies = c.add_parents(_step(backend, problems, "addresses", forward=False))
        trends = c.trends_of(remedies)
    elif "cbec:Cause" in kinds:
        problems = f | _step(backend, f, "hasCause", forward=False)
        remedies = c.add_parents(_step(backend, f, "addresses", forward=False))
        trends = c.trends_of(remedies)
    elif kinds & {"cbec:Action", "cbec:Countermeasure"}:
        remedies = c.add_parents(f | _step(backend, c.of(f, "cbec:Countermeasure"), "hasAction"))
        problems = c.problems_of(remedies)
        trends = c.trends_of(remedies)
    else:  # a trend
        trends = f
        remedies = c.add_parents(_step(backend, trends, "supports", forward=False))
        problems = c.problems_of(remedies)
    actors = _step(backend, remedies, "responsibleActor")
    return f | problems | remedies | trends | actors


def _evidence(backend: Backend, nodes: set[str]) -> dict[str, list[dict]]:
    if not nodes:
        return {}
    text = f"""
    SELECT ?x ?section ?quote ?start WHERE {{
      VALUES ?x {{ {_values(nodes)} }}
      ?x cbec:evidence ?ev .
      ?ev cbec:inSection/skos:notation ?section ; oa:hasSelector ?q , ?p .
      ?q oa:exact ?quote . ?p oa:start ?start .
    }}"""
    rows = sorted(backend.query(text).rows, key=lambda r: (str(r[0]), int(r[3]), str(r[2])))
    out: dict[str, list[dict]] = {}
    for x, section, quote, _ in rows:
        out.setdefault(str(x), []).append({"section": str(section), "quote": str(quote)})
    return out


def _links(backend: Backend, nodes: set[str], relations: list[str]) -> list[dict]:
    if not nodes:
        return []
    preds = " ".join(URIRef(p).n3() for p in relations)
    values = _values(nodes)
    text = f"""
    SELECT ?link ?s ?p ?o ?mode ?rationale WHERE {{
      VALUES ?s {{ {values} }} VALUES ?o {{ {values} }} VALUES ?p {{ {preds} }}
      ?link cbec:linkSubject ?s ; cbec:linkPredicate ?p ; cbec:linkObject ?o ;
            cbec:assertion ?mode .
      OPTIONAL {{ ?link cbec:rationale ?rationale }}
    }}"""
    rows = sorted(backend.query(text).rows, key=lambda r: tuple(str(x) for x in r[1:4]))
    link_ev = _evidence(backend, {str(r[0]) for r in rows})
    links = []
    for link, s, p, o, mode, rationale in rows:
        stated = mode == CBEC.Stated
        links.append(
            {
                "source": str(s),
                "predicate": curie(str(p)),
                "target": str(o),
                "stated": bool(stated),
                "rationale": str(rationale) if rationale is not None else None,
                "evidence": [{**e, "stated": bool(stated)} for e in link_ev.get(str(link), [])],
            }
        )
    return links


def trace(backend: Backend, term: str, index: list[Match] | None = None) -> dict:
    """The chain around ``term`` as the documented JSON contract (see README)."""
    index = label_index(backend) if index is None else index
    focus = resolve(backend, term, index)
    by_iri = {m.iri: m for m in index}
    types = {m.iri: set(m.types) for m in index}
    if focus.iri not in types:
        types[focus.iri] = set(focus.types)
    relations = sorted(str(row[0]) for row in backend.query(CURATED_QUERY).rows)
    nodes = _collect(backend, focus, types, relations)
    evidence = _evidence(backend, nodes)

    def item(iri: str) -> dict:
        m = by_iri.get(iri, Match(iri, curie(iri), curie(iri), ""))
        return {
            "iri": iri,
            "type": m.type,
            "label": {"en": m.label_en, "zh": m.label_zh},
            "evidence": [{**e, "stated": True} for e in evidence.get(iri, [])],
        }

    result: dict = {"focus": item(focus.iri)}
    for key in KEYS:
        result[key] = []
    for iri in sorted(nodes):
        key = next((_TYPE_KEY[t] for t in sorted(types.get(iri, ())) if t in _TYPE_KEY), None)
        if key is not None:
            result[key].append(item(iri))
    result["links"] = _links(backend, nodes, relations)
    return result
