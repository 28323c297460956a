"""Paths through the chain: how a problem reaches a remedy and a trend, step by step.

By default a path follows the chain the ontology declares (:class:`kg.model.ChainModel`), by the
walk of :data:`kg.chain.GRAMMAR`: from a problem down its causes, to a remedy that addresses one
of them, at most one step inside the remedy tree (an action's countermeasure, a countermeasure's
actions), and on to the trends they support — so a path never runs from a remedy back to another
problem, from one action to its sibling, nor through an actor; and a trend lies on a path from a
problem exactly when ``kg trace`` lists it for that problem. ``any_link=True``
asks for the shortest paths over every link in either direction instead; each step then says
whether it follows the chain, and a path through a node outside the chain (an actor, a law …)
says so.

>>> from kg.loader import load_graph
>>> from kg.model import ChainModel
>>> from kg.projection import project
>>> rdf = load_graph()
>>> G, model = project(rdf, "full"), ChainModel.from_graph(rdf)
>>> found = shortest_paths(G, model, "信用保障体系缺乏", "构建信用监管体系")
>>> found["mode"], [s["reading"]["en"] for s in found["paths"][0]]
('chain', ['addressed by'])
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

import networkx as nx

from kg.chain import GRAMMAR, START
from kg.measures import node_ref, nodes_in_order, undirected
from kg.model import ChainModel

__all__ = ["CHAIN_LAYERS", "chain_graph", "challenge_trend_paths", "resolve", "shortest_paths"]

#: Layers a chain path may pass through.
CHAIN_LAYERS = ("problem", "remedy", "outcome")

#: Longest challenge → trend path :func:`challenge_trend_paths` looks for, in steps.
CUTOFF = 5

Node = str
Step = dict[str, Any]


def chain_graph(G: nx.MultiDiGraph, model: ChainModel) -> nx.DiGraph:
    """The walk of :data:`kg.chain.GRAMMAR` over ``G``: a directed graph whose nodes are
    ``(node, state)`` pairs and whose edges are the steps the grammar allows, each with the
    link's ``key``, its ``direction`` (``forward`` when the step follows the link's arrow) and
    its ``reading`` in both languages.

    >>> from kg.loader import load_graph
    >>> m = ChainModel.from_graph(load_graph())
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "c", key="cbec:addresses")
    >>> C = chain_graph(G, m)
    >>> list(C.edges(data="direction")), C["c", "problem"]["a", "remedy"]["reading"]["en"]
    ([(('c', 'problem'), ('a', 'remedy'), 'reverse')], 'addressed by')
    """
    C = nx.DiGraph()
    for u, v, key in sorted(G.edges(keys=True)):
        relation = model.relation(key)
        if relation is None:
            continue
        ends = [((u, v) if relation.along else (v, u), True)]  # the chain's own direction
        ends.append((ends[0][0][::-1], False))
        for state, role, along, after in GRAMMAR:
            if role != relation.role:
                continue
            for (a, b), forward_in_chain in ends:
                if along is not None and along != forward_in_chain:
                    continue
                if C.has_edge((a, state), (b, after)):
                    continue
                reading = {
                    lang: model.reading(key, along=forward_in_chain, lang=lang)
                    for lang in ("en", "zh")
                }
                direction = "forward" if (a, b) == (u, v) else "reverse"
                C.add_edge((a, state), (b, after), key=key, direction=direction, reading=reading)
    return C


def _walks(
    C: nx.DiGraph, G: nx.MultiDiGraph, source: Node, target: Node, cutoff: int | None = None
) -> list[list[tuple[Node, str]]]:
    """Shortest (``cutoff`` None) or all simple walks of the grammar from ``source`` to
    ``target``, as lists of (node, state)."""
    start = (source, START.get(G.nodes[source].get("layer") or "", ""))
    ends = [n for n in C if n[0] == target]
    if start not in C or not ends:
        return []
    sink = ("", "sink")
    H = C.copy()
    H.add_edges_from((end, sink) for end in ends)
    if cutoff is None:
        if not nx.has_path(H, start, sink):
            return []
        return sorted(path[:-1] for path in nx.all_shortest_paths(H, start, sink))
    found = nx.all_simple_paths(H, start, sink, cutoff=cutoff + 1)
    return sorted((path[:-1] for path in found), key=lambda p: (len(p), p))


def _step(
    G: nx.MultiDiGraph, model: ChainModel, u: Node, v: Node, key: str, direction: str
) -> Step:
    s, o = (u, v) if direction == "forward" else (v, u)
    data = G.edges[s, o, key]
    relation = model.relation(key)
    forwards = s == u  # walking the link from its subject to its object
    along = (relation.along if relation else True) == forwards  # ...in the chain's direction
    along_chain = relation is not None and any(
        role == relation.role and allowed in (None, along) for _, role, allowed, _ in GRAMMAR
    )
    reading = {lang: model.reading(key, along=along, lang=lang) for lang in ("en", "zh")}
    return {
        "from": u,
        "to": v,
        "predicate": key,
        "direction": direction,
        "reading": reading,
        "along_chain": bool(along_chain),
        "outside_chain": relation is None or not relation.walked,
        "stated": bool(data.get("stated")),
        "recorded": bool(data.get("recorded", True)),
        "rationale": data.get("rationale") or None,
        "evidence": list(data.get("evidence", [])),
        **{
            f"{end}_label_{lang}": G.nodes[n].get(f"label_{lang}", n)
            for end, n in (("from", u), ("to", v))
            for lang in ("en", "zh")
        },
    }


def _links_between(G: nx.MultiDiGraph, model: ChainModel, u: Node, v: Node) -> list[Step]:
    """Every link between ``u`` and ``v`` as a step from ``u``, chain steps first."""
    steps = (
        [_step(G, model, u, v, k, "forward") for k in sorted(G[u][v])] if G.has_edge(u, v) else []
    )
    if G.has_edge(v, u):
        steps += [_step(G, model, u, v, k, "reverse") for k in sorted(G[v][u])]
    return sorted(steps, key=lambda s: not s["along_chain"])


def resolve(G: nx.MultiDiGraph, term: str) -> Node:
    """The node of ``G`` named by ``term`` (IRI, CURIE, or a label in either language), by the
    same rules as ``kg trace`` (:func:`kg.terms.resolve`); the chain's nodes are searched first,
    so a challenge wins over the section whose heading names it.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="Talent gap", label_zh="人才缺口", type="cbec:Cause")
    >>> G.add_node("urn:b", label_en="Talent gap in SMEs", label_zh="中小企业人才缺口")
    >>> resolve(G, "talent gap"), resolve(G, "中小企业")
    ('urn:a', 'urn:b')
    """
    from kg.errors import InputError
    from kg.terms import Match
    from kg.terms import resolve as resolve_term

    def index(nodes: list[tuple[str, dict[str, Any]]]) -> list[Match]:
        return [
            Match(
                n,
                d.get("label_en", ""),
                d.get("label_zh", ""),
                d.get("type", ""),
                (d.get("type", ""),),
            )
            for n, d in nodes
        ]

    everything = sorted(G.nodes(data=True))
    grouped = [(n, d) for n, d in everything if d.get("group")]
    try:  # the nodes of the chain first (a challenge, not the section that names it)
        return resolve_term(None, term, index(grouped)).iri
    except InputError:
        return resolve_term(None, term, index(everything)).iri


def shortest_paths(
    G: nx.MultiDiGraph,
    model: ChainModel,
    a: str,
    b: str,
    *,
    limit: int = 20,
    any_link: bool = False,
) -> dict[str, Any]:
    """The shortest paths between the nodes named ``a`` and ``b``.

    Along the chain (the default) the path runs from ``a`` to ``b``, or from ``b`` to ``a``
    when only that way exists (``reversed`` is then true). With ``any_link`` every link counts,
    in either direction. Each step names its predicate, its reading in both languages, its
    ``direction`` against the link's arrow, whether it follows the chain, whether the source
    states it, and its evidence; other links between the same two nodes are listed under
    ``alternatives``. ``through`` lists the nodes outside the chain a path passes (actors …).

    Returns
    -------
    dict
        ``{"source", "target", "mode": "chain"|"any", "reversed", "paths": [[step, …], …]}``;
        ``paths`` is empty when no path exists.
    """
    source, target = resolve(G, a), resolve(G, b)
    result: dict[str, Any] = {
        "source": node_ref(G, source),
        "target": node_ref(G, target),
        "mode": "any" if any_link else "chain",
        "reversed": False,
        "paths": [],
    }
    if any_link:
        U = undirected(G)
        found = (
            sorted(nx.all_shortest_paths(U, source, target))
            if nx.has_path(U, source, target)
            else []
        )
        walks = [[(n, "") for n in nodes] for nodes in found]
    else:
        C = chain_graph(G, model)
        walks = _walks(C, G, source, target)
        if not walks:
            walks = _walks(C, G, target, source)
            result["reversed"] = bool(walks)
    seen: set[tuple[Node, ...]] = set()
    for walk in walks:
        nodes = tuple(n for n, _ in walk)
        if nodes in seen or len(result["paths"]) >= limit:
            continue
        seen.add(nodes)
        steps = []
        for (u, su), (v, sv) in pairwise(walk):
            if any_link:
                first, *others = _links_between(G, model, u, v)
            else:
                edge = C[u, su][v, sv]
                first = _step(G, model, u, v, edge["key"], edge["direction"])
                others = [
                    x for x in _links_between(G, model, u, v) if x["predicate"] != edge["key"]
                ]
            steps.append({**first, "alternatives": others})
        result["paths"].append(steps)
    result["through"] = sorted(
        {
            n
            for path in result["paths"]
            for step in path[1:]
            for n in [step["from"]]
            if G.nodes[n].get("layer") not in CHAIN_LAYERS
        }
    )
    return result


def challenge_trend_paths(
    G: nx.MultiDiGraph, model: ChainModel, cutoff: int = CUTOFF, per_pair: int | None = None
) -> list[dict[str, Any]]:
    """Every (challenge, trend) pair with the chain paths joining them, shortest first.

    ``count`` is the number of simple paths of at most ``cutoff`` steps; ``per_pair`` keeps at
    most that many of them in ``paths``.

    >>> from kg.loader import load_graph
    >>> m = ChainModel.from_graph(load_graph())
    >>> G = nx.MultiDiGraph()
    >>> P, R, O = ({"layer": x} for x in ("problem", "remedy", "outcome"))
    >>> G.add_nodes_from([("h", {"group": "challenges", **P}), ("c", {"group": "causes", **P}),
    ...                   ("a", {"group": "actions", **R}), ("t", {"group": "trends", **O})])
    >>> for u, v, k in [("h", "c", "cbec:hasCause"), ("a", "c", "cbec:addresses"),
    ...                 ("a", "t", "cbec:supports")]:
    ...     _ = G.add_edge(u, v, key=k, stated=True)
    >>> [p["nodes"] for p in challenge_trend_paths(G, m)[0]["paths"]]
    [['h', 'c', 'a', 't']]
    """
    C = chain_graph(G, model)
    pairs = []
    for h in nodes_in_order(G, group="challenges"):
        for t in nodes_in_order(G, group="trends"):
            walks = _walks(C, G, h, t, cutoff=cutoff)
            records = []
            for walk in walks[:per_pair]:
                steps = [
                    _step(G, model, u, v, C[u, su][v, sv]["key"], C[u, su][v, sv]["direction"])
                    for (u, su), (v, sv) in pairwise(walk)
                ]
                records.append(
                    {
                        "nodes": [n for n, _ in walk],
                        "length": len(steps),
                        "all_stated": all(x["stated"] for x in steps),
                        "steps": steps,
                    }
                )
            pairs.append(
                {
                    "challenge": node_ref(G, h),
                    "trend": node_ref(G, t),
                    "count": len(walks),
                    "shortest": len(walks[0]) - 1 if walks else None,
                    "paths": records,
                }
            )
    return pairs
