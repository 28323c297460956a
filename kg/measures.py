"""Measures of the remedy network: leverage, coverage, unremedied problems, centrality,
communities and bridges.

Every measure works on a projection made by :func:`kg.projection.project` (nodes with ``type``,
``layer`` and labels; edges keyed by predicate CURIE) and reads the chain through
:mod:`kg.chain` and :class:`kg.model.ChainModel`, so "what a remedy reaches" means the same here as
in ``kg trace``: the problems it (and, for a countermeasure, its actions) addresses and
everything above those in the problem tree.

>>> from kg.loader import load_graph
>>> from kg.model import ChainModel
>>> from kg.projection import project
>>> rdf = load_graph()
>>> G, model = project(rdf), ChainModel.from_graph(rdf)
>>> leverage(G, model)["https://w3id.org/cbec-kg/id/countermeasure-talent"]["score"] >= 1
True
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import networkx as nx

from kg.chain import GraphAdjacency, closure, problem_tree
from kg.labels import section_key
from kg.model import ChainModel
from kg.namespaces import curie

__all__ = [
    "SEED",
    "TOP",
    "bridges",
    "centrality",
    "communities",
    "coverage",
    "leverage",
    "leverage_scores",
    "node_ref",
    "nodes_in_order",
    "pagerank",
    "rank_leverage",
    "stated_links",
    "undirected",
    "unremedied_problems",
]

#: Default Louvain seed and top-N.
SEED, TOP = 42, 5

Node = str


# --- small helpers ---------------------------------------------------------------------------


def order_key(G: nx.MultiDiGraph, n: Node) -> tuple[Any, ...]:
    """The paper's order: section of the first quote, then English label, then IRI."""
    data = G.nodes[n]
    return section_key(data.get("section", "")), data.get("label_en", ""), n


def nodes_in_order(
    G: nx.MultiDiGraph, *, group: str | None = None, layer: str | None = None
) -> list[Node]:
    """Nodes of a trace group (``challenges`` …) or layer, in the paper's order."""
    chosen = [
        n
        for n, d in G.nodes(data=True)
        if (group is None or d.get("group") == group) and (layer is None or d.get("layer") == layer)
    ]
    return sorted(chosen, key=lambda n: order_key(G, n))


def node_ref(G: nx.MultiDiGraph, n: Node) -> dict[str, str]:
    """The IRI, CURIE, type and both labels of a node: how every result names a node."""
    data = G.nodes[n]
    return {
        "iri": n,
        "id": curie(n),
        "type": data.get("type", ""),
        "label_en": data.get("label_en", n),
        "label_zh": data.get("label_zh", n),
    }


def undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """Simple undirected graph of ``G``; ``weight`` counts the links between two nodes."""
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v in G.edges():
        if U.has_edge(u, v):
            U[u][v]["weight"] += 1
        else:
            U.add_edge(u, v, weight=1)
    return U


def _unit(adj: GraphAdjacency, remedy: Node) -> set[Node]:
    """A remedy with its actions (for a countermeasure)."""
    return {remedy} | adj.step({remedy}, "composition", along=False)


# --- leverage and coverage -------------------------------------------------------------------


def reached(adj: GraphAdjacency, remedy: Node) -> set[Node]:
    """The problems a remedy reaches: what it (with its actions) addresses and everything above
    that in the problem tree."""
    targets = adj.step(_unit(adj, remedy), "remedy", along=False)
    return closure(adj, targets, "causal", along=False)


def leverage(G: nx.MultiDiGraph, model: ChainModel) -> dict[Node, dict[str, Any]]:
    """How many distinct problems each countermeasure and action reaches, by group.

    ``score`` is the number of problems (challenges, causes, effects) reached; ``stated_score``
    the number reached through links the source states (without a curator's inferences).

    Examples
    --------
    >>> from kg.loader import load_graph
    >>> m = ChainModel.from_graph(load_graph())
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"layer": "remedy", "group": "countermeasures"}),
    ...                   ("a", {"layer": "remedy", "group": "actions"}),
    ...                   ("h", {"layer": "problem", "group": "challenges"}),
    ...                   ("c", {"layer": "problem", "group": "causes"})])
    >>> for u, v, k in [("m", "a", "cbec:hasAction"), ("a", "c", "cbec:addresses"),
    ...                 ("h", "c", "cbec:hasCause")]:
    ...     _ = G.add_edge(u, v, key=k)
    >>> r = leverage(G, m)["m"]
    >>> r["problems"], r["by_group"], r["score"], r["stated_score"]
    (['c', 'h'], {'causes': 1, 'challenges': 1}, 2, 0)
    """
    adj = GraphAdjacency(G, model)
    stated = GraphAdjacency(stated_links(G), model)
    result = {}
    for n in nodes_in_order(G, layer="remedy"):
        problems = sorted(reached(adj, n))
        by_group: dict[str, int] = {}
        for p in problems:
            key = G.nodes[p].get("group") or "other"
            by_group[key] = by_group.get(key, 0) + 1
        result[n] = {
            **node_ref(G, n),
            "problems": problems,
            "by_group": by_group,
            "score": len(problems),
            "stated_score": len(reached(stated, n)),
        }
    return result


def stated_links(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """``G`` with only the links the source states (what a curator inferred left out).

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", key="k", stated=True); _ = G.add_edge("a", "c", key="k")
    >>> sorted(stated_links(G).edges())
    [('a', 'b')]
    """
    S = nx.MultiDiGraph()
    S.add_nodes_from(G.nodes(data=True))
    S.add_edges_from(
        (u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True) if d.get("stated")
    )
    return S


def leverage_scores(G: nx.MultiDiGraph, model: ChainModel) -> dict[Node, int]:
    """Leverage score of every countermeasure and action (others are absent: use ``.get``)."""
    return {n: item["score"] for n, item in leverage(G, model).items()}


def rank_leverage(G: nx.MultiDiGraph, model: ChainModel) -> list[dict[str, Any]]:
    """Remedies by decreasing leverage, then type, then the paper's order."""
    items = leverage(G, model).values()
    return sorted(items, key=lambda i: (-i["score"], i["type"], order_key(G, i["iri"])))


def _cell(
    adj: GraphAdjacency, G: nx.MultiDiGraph, challenge: Node, measure: Node
) -> dict[str, int]:
    below, _ = problem_tree(adj, challenge)
    links = [
        data
        for d in sorted(_unit(adj, measure))
        for _, t, data in G.out_edges(d, data=True)
        if data.get("role") == "remedy" and t in below
    ]
    stated = sum(1 for e in links if e.get("stated"))
    return {"stated": stated, "inferred": len(links) - stated, "total": len(links)}


def coverage(G: nx.MultiDiGraph, model: ChainModel) -> dict[str, Any]:
    """Challenge × countermeasure matrix of the remedy links between them.

    A link counts for (challenge, countermeasure) when the countermeasure or one of its actions
    addresses the challenge or a problem beneath it.

    Returns
    -------
    dict
        ``challenges`` and ``countermeasures`` (node references, in the paper's order) and
        ``matrix[challenge][countermeasure] = {"stated", "inferred", "total"}``.
    """
    adj = GraphAdjacency(G, model)
    challenges = nodes_in_order(G, group="challenges")
    measures = nodes_in_order(G, group="countermeasures")
    matrix = {h: {m: _cell(adj, G, h, m) for m in measures} for h in challenges}
    return {
        "challenges": [node_ref(G, h) for h in challenges],
        "countermeasures": [node_ref(G, m) for m in measures],
        "matrix": matrix,
        "uncovered_challenges": [
            h for h in challenges if not any(c["total"] for c in matrix[h].values())
        ],
    }


def unremedied_problems(G: nx.MultiDiGraph, model: ChainModel) -> list[dict[str, Any]]:
    """Causes and effects that no remedy reaches: nothing addresses them or anything beneath
    them. Each comes with the challenges in its problem tree.
    """
    adj = GraphAdjacency(G, model)
    result = []
    for p in nodes_in_order(G, layer="problem"):
        if G.nodes[p].get("group") == "challenges":
            continue
        below, above = problem_tree(adj, p)
        if adj.step(below, "remedy", along=True):
            continue
        tree = below | above
        challenges = [h for h in nodes_in_order(G, group="challenges") if h in tree]
        result.append({**node_ref(G, p), "challenges": challenges})
    return result


# --- centrality, communities, bridges --------------------------------------------------------


def pagerank(G: nx.MultiDiGraph, alpha: float = 0.85) -> dict[Node, float]:
    """PageRank with python-igraph's PRPACK solver (networkx's own needs SciPy).

    Parallel links add weight and dangling nodes spread their rank uniformly, as in
    :func:`networkx.pagerank`.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a")])
    >>> {n: round(r, 4) for n, r in pagerank(G).items()}
    {'a': 0.3333, 'b': 0.3333, 'c': 0.3333}
    """
    import igraph

    nodes = list(G)
    if not nodes:
        return {}
    index = {n: i for i, n in enumerate(nodes)}
    edges = [(index[u], index[v]) for u, v in G.edges()]
    ig = igraph.Graph(n=len(nodes), edges=edges, directed=True)
    ranks = ig.pagerank(directed=True, damping=alpha)
    return dict(zip(nodes, ranks, strict=True))


def _top(
    G: nx.MultiDiGraph, values: dict[Node, float], nodes: Iterable[Node], n: int
) -> list[dict[str, Any]]:
    ranked = sorted(nodes, key=lambda x: (-values[x], order_key(G, x)))
    return [{**node_ref(G, x), "value": values[x]} for x in ranked[:n]]


def centrality(G: nx.MultiDiGraph, top: int = TOP) -> dict[str, Any]:
    """Degree, betweenness and PageRank of every node, and the top ``top`` per type.

    Degree and betweenness ignore direction (on the simple undirected graph); PageRank follows
    the links' directions.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"type": "cbec:Countermeasure"}),
    ...                   ("h", {"type": "cbec:Challenge"}), ("c", {"type": "cbec:Cause"})])
    >>> _ = G.add_edge("m", "h", key="cbec:addresses")
    >>> _ = G.add_edge("h", "c", key="cbec:hasCause")
    >>> c = centrality(G)
    >>> c["nodes"]["h"]["betweenness"], c["top"]["cbec:Challenge"]["degree"][0]["iri"]
    (1.0, 'h')
    """
    U = undirected(G)
    measures = {
        "degree": nx.degree_centrality(U) if len(U) > 1 else dict.fromkeys(U, 0.0),
        "betweenness": nx.betweenness_centrality(U, normalized=True),
        "pagerank": pagerank(G),
    }
    per_node = {n: {m: float(v[n]) for m, v in measures.items()} for n in G}
    types = sorted({t for _, t in G.nodes(data="type")})
    by_type = {t: [n for n in G if G.nodes[n].get("type") == t] for t in types}
    top_n = {t: {m: _top(G, v, by_type[t], top) for m, v in measures.items()} for t in types}
    return {"nodes": per_node, "top": top_n}


def communities(G: nx.MultiDiGraph, seed: int = SEED) -> dict[str, Any]:
    """Louvain communities of ``G`` (direction ignored), with a fixed ``seed``.

    Communities are numbered by decreasing size, then by their first member; each is named by
    its best-connected member (``hub``).

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> [c["members"] for c in communities(G)["communities"]]
    [['a', 'b', 'c'], ['x', 'y']]
    """
    U = undirected(G)
    parts = nx.community.louvain_communities(U, weight="weight", seed=seed)
    ordered = sorted((sorted(p) for p in parts), key=lambda p: (-len(p), p[0]))
    modularity = nx.community.modularity(U, ordered, weight="weight") if U.size() else 0.0
    items = []
    for i, members in enumerate(ordered):
        hub = min(members, key=lambda n: (-U.degree(n, weight="weight"), n))
        items.append({"id": i, "size": len(members), "hub": hub, "members": members})
    membership = {n: c["id"] for c in items for n in c["members"]}
    return {"seed": seed, "modularity": modularity, "communities": items, "membership": membership}


def bridges(
    G: nx.MultiDiGraph, membership: dict[Node, int], betweenness: dict[Node, float] | None = None
) -> list[dict[str, Any]]:
    """Nodes whose neighbours (direction ignored) fall in two or more communities, ranked.

    Ranked by number of communities touched, then cross-community neighbours, then
    betweenness (if given), then the paper's order.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "x"), ("x", "y")])
    >>> [(b["iri"], b["communities"]) for b in bridges(G, {"a": 0, "b": 0, "x": 1, "y": 1})]
    [('b', [0, 1]), ('x', [0, 1])]
    """
    U = undirected(G)
    betweenness = betweenness or {}
    found = []
    for n in U:
        touched = sorted({membership[m] for m in U[n]})
        if len(touched) < 2:
            continue
        cross = sum(1 for m in U[n] if membership[m] != membership[n])
        found.append(
            {
                **node_ref(G, n),
                "community": membership[n],
                "communities": touched,
                "cross_links": cross,
                "betweenness": betweenness.get(n, 0.0),
            }
        )
    return sorted(
        found,
        key=lambda b: (
            -len(b["communities"]),
            -b["cross_links"],
            -b["betweenness"],
            order_key(G, b["iri"]),
        ),
    )
