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
    rationales: dict[str, dict[str, str]] = {}
    for r in sorted(rows, key=lambda r: str(r[5])):  # one rationale per language, stable
        if r[5] is not None:
            lang = getattr(r[5], "language", None) or ""
            rationales.setdefault(str(r[0]), {}).setdefault(lang, str(r[5]))
    unique = {str(r[0]): r for r in sorted(rows, key=lambda r: tuple(str(x) for x in r))}
    link_ev = fetch_evidence(backend, set(unique))
    links = []
    for link, s, p, o, mode, _ in sorted(unique.values(), key=lambda r: tuple(map(str, r[1:4]))):
        stated = mode == CBEC.Stated
        by_lang = rationales.get(str(link), {})
        entry: dict[str, Any] = {
            "source": str(s),
            "predicate": curie(str(p)),
            "target": str(o),
            "stated": bool(stated),
            "rationale": by_lang.get("en") or next(iter(by_lang.values()), None),
            "evidence": [
                {"section": e["section"], "quote": e["quote"], "stated": bool(stated)}
                for e in link_ev.get(str(link), [])
            ],
        }
        if by_lang:
            entry["rationales"] = by_lang
        links.append(entry)
    return links


def _context(adjacency: BackendAdjacency, focus: str, nodes: set[str]) -> set[str]:
    """What the chain around ``focus`` rests on or is explained by, outside the chain: the
    drivers of its trends, what its remedies rest on or concern, the statistics and the like
    that concern its problems and trends, and every node linked to the focus itself — only
    nodes of no chain layer (drivers, laws, standards, categories, statistics …)."""

    def of(layer: str) -> set[str]:
        return {n for n in nodes if adjacency.layer(n) == layer}

    found = adjacency.linked(focus)
    found |= adjacency.step(of("outcome"), "driver", along=False)
    found |= adjacency.step(of("remedy"), "context", along=True)
    found |= adjacency.step(of("problem") | of("outcome"), "context", along=False)
    # only what lies outside the chain: a remedy or an actor that merely *concerns* a node of
    # the chain must not be listed as if it remedied or carried out anything
    return {n for n in found - nodes if adjacency.layer(n) is None}


def _stated_only(
    model: ChainModel, adjacency: BackendAdjacency, focus: str, links: list[dict[str, Any]]
) -> set[str]:
    """The nodes the trace reaches through links the paper states (no curator's inference)."""
    import networkx as nx

    from kg.chain import GraphAdjacency

    G = nx.MultiDiGraph()
    for link in links:
        if link["stated"]:
            G.add_edge(link["source"], link["target"], key=link["predicate"])
    G.add_node(focus)
    for n in G:
        G.nodes[n]["layer"] = adjacency.layer(n)
    reached = around(GraphAdjacency(G, model), focus)
    stated_links = [lk for lk in links if lk["stated"]]
    touching = {lk["source"] for lk in stated_links if lk["target"] in reached}
    touching |= {lk["target"] for lk in stated_links if lk["source"] in reached}
    return reached | touching


def trace(
    backend: Backend, term: str, index: list[Match] | TermIndex | None = None
) -> dict[str, Any]:
    """The chain around ``term`` as the documented JSON contract (see README).

    Only the nodes the walk reaches are looked up (in the term index, :mod:`kg.termindex`), so
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
    chain = around(adjacency, focus.iri)
    nodes = chain | _context(adjacency, focus.iri, chain)
    by_iri = index.get_many(nodes)
    by_iri[focus.iri] = by_iri.get(focus.iri, focus)
    links = _links(backend, nodes, model)
    ev = fetch_evidence(backend, nodes)
    names = fetch_labels(backend, nodes - set(by_iri))
    stated = _stated_only(model, adjacency, focus.iri, links)

    problems = {n for n in chain if adjacency.layer(n) == "problem"}
    remedies = {n for n in chain if adjacency.layer(n) == "remedy"}
    causes: dict[str, list[str]] = {}
    for effect, cause in adjacency.pairs(problems, "causal", along=True):
        if cause in chain:
            causes.setdefault(effect, []).append(cause)
    responsible: dict[str, list[str]] = {}
    for remedy, actor in adjacency.pairs(remedies, "responsibility", along=True):
        responsible.setdefault(remedy, []).append(actor)

    def types_of(iri: str) -> list[str]:
        return list(by_iri[iri].types) if iri in by_iri else adjacency.types.get(iri, [])

    def item(iri: str) -> dict[str, Any]:
        m = by_iri.get(iri)
        # a node outside the term index (no label of its own) is named as labels() names it
        label = {"en": m.label_en, "zh": m.label_zh} if m is not None else names[iri]
        kinds = types_of(iri)
        out: dict[str, Any] = {
            "iri": iri,
            # a focus outside the term index comes from resolve() without its class
            "type": (m.type if m is not None else "") or (kinds[0] if kinds else ""),
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
        if iri not in stated:
            out["via_inferred"] = True
        return out

    def paper_order(iri: str) -> tuple[Any, ...]:
        starts = [e["start"] for e in ev.get(iri, []) if e["start"] is not None]
        m = by_iri.get(iri)
        en = m.label_en if m is not None else names[iri]["en"]
        return (min(starts) if starts else float("inf"), en, iri)

    result: dict[str, Any] = {"focus": item(focus.iri)}
    groups = model.group_keys()
    for key in groups:
        result[key] = []
    for iri in sorted(nodes, key=paper_order):
        group = model.group_of(types_of(iri))
        if group in result:
            result[group].append(item(iri))
    result["links"] = links
    focus_group = model.group_of(focus.types)
    focus_class = focus.type or "cbec:DomainConcept"
    in_chain = len(chain) > 1 or adjacency.layer(focus.iri) in ("problem", "remedy", "outcome")
    chain_groups = [c.group for c in model.groups() if c.layer]
    result["none"] = {
        key: empty_statement(model, key, focus_class)
        for key in groups
        if in_chain and key in chain_groups and not result[key] and key != focus_group
    }
    return result
