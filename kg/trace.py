"""Trace the chain around a node: its problem tree, the remedies for it, who must act, and the
trends they lead to — with the evidence of every node and link.

The walk is :func:`kg.chain.around` over SPARQL, so it works the same on every backend; which
relations it follows and how the nodes are grouped come from the ontology
(:class:`kg.model.ChainModel`). The result is the JSON contract documented in the README:
one list per group (``challenges``, ``effects``, ``causes``, ``countermeasures``, ``actions``,
``trends``, ``actors``), every curated link among the nodes, each remedy's responsible actors,
and for every group the focus has nothing in, a sentence saying that the paper states none.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> t = trace(MemoryBackend(load_graph()), "id:challenge-talent")
>>> t["focus"]["label"]["en"]
'Shortage of cross-border e-commerce talent'
>>> [item["iri"].rsplit("/", 1)[1] for item in t["countermeasures"]]
['countermeasure-talent']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.backends import Backend
from kg.chain import BackendAdjacency, around
from kg.labels import evidence as fetch_evidence
from kg.labels import labels as fetch_labels
from kg.model import ChainModel, model_of
from kg.namespaces import CBEC, curie
from kg.terms import Match, resolve

if TYPE_CHECKING:
    from kg.termindex import TermIndex

__all__ = ["empty_statement", "trace"]


def empty_statement(model: ChainModel, group: str, focus_class: str) -> dict[str, str]:
    """The sentence shown for a group the paper leaves empty around a node of ``focus_class``.

    >>> from kg.loader import load_graph
    >>> m = ChainModel.from_graph(load_graph())
    >>> empty_statement(m, "trends", "cbec:Countermeasure")["en"]
    'The paper states no trends for this countermeasure.'
    """
    return {
        "en": f"The paper states no {model.heading(group, 'en').lower()} for this "
        f"{model.class_label(focus_class, 'en')}.",
        "zh": f"原文未说明此{model.class_label(focus_class, 'zh')}的{model.heading(group, 'zh')}。",
    }


def _links(backend: Backend, nodes: set[str], model: ChainModel) -> list[dict[str, Any]]:
    if not nodes:
        return []
    values = " ".join(URIRef(n).n3() for n in sorted(nodes))
    text = f"""
    SELECT ?link ?s ?p ?o ?mode ?rationale WHERE {{
      VALUES ?s {{ {values} }}
      ?link cbec:linkSubject ?s ; cbec:linkPredicate ?p ; cbec:linkObject ?o ;
            cbec:assertion ?mode .
      OPTIONAL {{ ?link cbec:rationale ?rationale }}
    }}"""
    rows = [
        r
        for r in backend.query(text).rows
        if str(r[3]) in nodes and model.relation(str(r[2])) is not None
    ]
    rows.sort(key=lambda r: tuple(str(x) for x in r[1:4]))
    link_ev = fetch_evidence(backend, {str(r[0]) for r in rows})
    links = []
    for link, s, p, o, mode, rationale in rows:
        stated = mode == CBEC.Stated
        links.append(
            {
                "source": str(s),
                "predicate": curie(str(p)),
                "target": str(o),
                "stated": bool(stated),
                "rationale": None if rationale is None else str(rationale),
                "evidence": [
                    {"section": e["section"], "quote": e["quote"], "stated": bool(stated)}
                    for e in link_ev.get(str(link), [])
                ],
            }
        )
    return links


def trace(
    backend: Backend, term: str, index: list[Match] | TermIndex | None = None
) -> dict[str, Any]:
    """The chain around ``term`` as the documented JSON contract (see README).

    Only the nodes of the chain are looked up (in the term index, :mod:`kg.termindex`), so
    the cost follows the size of the answer, not of the KG.
    """
    from kg.termindex import TermIndex, index_of

    if index is None:
        index = index_of(backend)
    elif not isinstance(index, TermIndex):
        index = TermIndex.of(index)
    model = model_of(backend)
    focus = resolve(backend, term, index)
    adjacency = BackendAdjacency(
        backend, model, {focus.iri: model.layer_of(focus.types)}, index=index
    )
    nodes = around(adjacency, focus.iri)
    by_iri = index.get_many(nodes)
    by_iri[focus.iri] = by_iri.get(focus.iri, focus)
    links = _links(backend, nodes, model)
    ev = fetch_evidence(backend, nodes)
    names = fetch_labels(backend, nodes - set(by_iri))

    problems = {n for n in nodes if adjacency.layer(n) == "problem"}
    remedies = {n for n in nodes if adjacency.layer(n) == "remedy"}
    causes: dict[str, list[str]] = {}
    for effect, cause in adjacency.pairs(problems, "causal", along=True):
        if cause in nodes:
            causes.setdefault(effect, []).append(cause)
    responsible: dict[str, list[str]] = {}
    for remedy, actor in adjacency.pairs(remedies, "responsibility", along=True):
        responsible.setdefault(remedy, []).append(actor)

    def item(iri: str) -> dict[str, Any]:
        m = by_iri.get(iri)
        label = ({"en": m.label_en, "zh": m.label_zh} if m is not None else names.get(iri, {})) or {
            "en": curie(iri),
            "zh": curie(iri),
        }
        out: dict[str, Any] = {
            "iri": iri,
            "type": m.type if m is not None else "",
            "label": label,
            "evidence": [
                {"section": e["section"], "quote": e["quote"], "stated": True}
                for e in ev.get(iri, [])
            ],
        }
        if iri in remedies:
            out["actors"] = sorted(responsible.get(iri, []))
        elif iri in problems:
            out["causes"] = sorted(causes.get(iri, []))
        return out

    result: dict[str, Any] = {"focus": item(focus.iri)}
    groups = model.group_keys()
    for key in groups:
        result[key] = []
    for iri in sorted(nodes):
        key = model.group_of(by_iri[iri].types) if iri in by_iri else None
        if key in result:
            result[key].append(item(iri))
    result["links"] = links
    focus_group = model.group_of(focus.types)
    focus_class = focus.type or "cbec:DomainConcept"
    result["none"] = {
        key: empty_statement(model, key, focus_class)
        for key in groups
        if not result[key] and key != focus_group
    }
    return result
