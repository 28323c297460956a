"""Graph analysis of the remedy network: leverage, coverage, centrality, communities and paths.

Every measure works on a projection made by :func:`kg.graph.project` and comes with a one-line
explanation for researchers (:data:`EXPLANATIONS`). :func:`analyse` gathers them into one
JSON-ready, deterministic dictionary; :func:`write_analysis` writes it as ``analysis.json`` and
a Markdown report ``analysis.md``.

Path semantics
--------------
A path from a challenge to a trend reads the curated links the way the paper argues
(:data:`PATH_STEPS`): a challenge *has cause* a cause; a challenge or cause is *addressed by* a
countermeasure or action (``cbec:addresses`` walked backwards); a countermeasure *has action*
an action and an action is *part of* its countermeasure (``cbec:hasAction`` both ways); a
countermeasure or action *supports* a trend. No other links are followed, so a path never goes
from a remedy to another problem it addresses, nor from a cause back to its challenge.

>>> from kg.loader import load_graph
>>> from kg.graph import project
>>> G = project(load_graph())
>>> leverage_scores(G)["https://w3id.org/cbec-kg/id/countermeasure-talent"] >= 1
True
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise
from pathlib import Path
from typing import Any

import networkx as nx
from rdflib import Graph

from kg.graph import project, section_key
from kg.namespaces import curie
from kg.serialize import write_files

__all__ = [
    "EXPLANATIONS",
    "PATH_STEPS",
    "analyse",
    "bridges",
    "centrality",
    "challenge_trend_paths",
    "communities",
    "coverage",
    "leverage",
    "leverage_scores",
    "pagerank",
    "print_analysis",
    "render_markdown",
    "render_path",
    "resolve",
    "shortest_paths",
    "to_json",
    "uncovered_causes",
    "write_analysis",
]

CHALLENGE, CAUSE, ACTION = "cbec:Challenge", "cbec:Cause", "cbec:Action"
COUNTERMEASURE, TREND = "cbec:Countermeasure", "cbec:Trend"
HAS_CAUSE, ADDRESSES, HAS_ACTION = "cbec:hasCause", "cbec:addresses", "cbec:hasAction"

#: Default Louvain seed, top-N and path length limit of :func:`analyse`.
SEED, TOP, CUTOFF = 42, 5, 5

#: How a challenge → trend path may walk each predicate: (forward reading, backward reading).
PATH_STEPS: dict[str, tuple[str | None, str | None]] = {
    HAS_CAUSE: ("has cause", None),
    ADDRESSES: (None, "addressed by"),
    HAS_ACTION: ("has action", "part of"),
    "cbec:supports": ("supports", None),
}

#: One line per measure, for researchers reading the JSON or the report.
EXPLANATIONS: dict[str, str] = {
    "leverage": (
        "For each countermeasure and action, the distinct causes and challenges it reaches: what "
        "it (and, for a countermeasure, its actions) addresses, plus the challenges of the "
        "causes addressed."
    ),
    "coverage": (
        "Challenge × countermeasure: how many cbec:addresses links connect the countermeasure "
        "or one of its actions to the challenge or one of its causes, stated by the source vs "
        "inferred by a curator."
    ),
    "uncovered_causes": (
        "Causes that no countermeasure or action addresses directly; their challenge may still "
        "be addressed as a whole."
    ),
    "centrality": (
        "Degree (share of other nodes linked to), betweenness (share of shortest paths through "
        "the node, direction ignored) and PageRank (how much the links' directions converge on "
        "the node) in the remedy view, top N per type."
    ),
    "communities": (
        "Louvain communities (fixed seed, direction ignored, parallel links add weight): groups "
        "of problems and remedies linked more densely to each other than to the rest."
    ),
    "bridges": (
        "Nodes with neighbours in two or more communities, ranked by the number of communities "
        "and of cross-community links: where strands of the argument meet."
    ),
    "paths": (
        "Every simple challenge → trend path of at most `cutoff` steps, walking has cause, "
        "addressed by, has action / part of and supports (see the module's path semantics)."
    ),
}

Node = str
Step = dict[str, Any]


# --- small helpers ---------------------------------------------------------------------------


def _nodes_of(G: nx.MultiDiGraph, *types: str) -> list[Node]:
    """Nodes of the given types, in the paper's order (section, then English label, then IRI)."""
    chosen = [n for n, t in G.nodes(data="type") if t in types]
    return sorted(chosen, key=lambda n: _order_key(G, n))


def _order_key(G: nx.MultiDiGraph, n: Node) -> tuple:
    data = G.nodes[n]
    return section_key(data.get("section", "")), data.get("label_en", ""), n


def _out(G: nx.MultiDiGraph, n: Node, predicate: str) -> list[Node]:
    return sorted(v for _, v, k in G.out_edges(n, keys=True) if k == predicate)


def _in(G: nx.MultiDiGraph, n: Node, predicate: str) -> list[Node]:
    return sorted(u for u, _, k in G.in_edges(n, keys=True) if k == predicate)


def _ref(G: nx.MultiDiGraph, n: Node) -> dict[str, str]:
    """The IRI, CURIE, type and both labels of a node: how every result names a node."""
    data = G.nodes[n]
    return {
        "iri": n,
        "id": curie(n),
        "type": data.get("type", ""),
        "label_en": data.get("label_en", n),
        "label_zh": data.get("label_zh", n),
    }


def _undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """Simple undirected graph of ``G``; ``weight`` counts the links between two nodes."""
    U = nx.Graph()
    U.add_nodes_from(G)
    for u, v in G.edges():
        if U.has_edge(u, v):
            U[u][v]["weight"] += 1
        else:
            U.add_edge(u, v, weight=1)
    return U


def _jsonready(value: Any) -> Any:
    """Sort dict keys, turn tuples into lists and round floats to 6 places, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonready(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_jsonready(v) for v in value]
    if isinstance(value, float):
        return round(value, 6) + 0.0
    return value


# --- leverage and coverage -------------------------------------------------------------------


def _reach(G: nx.MultiDiGraph, remedy: Node) -> tuple[set[Node], set[Node]]:
    """The causes and challenges ``remedy`` (with its actions) reaches."""
    doers = {remedy, *_out(G, remedy, HAS_ACTION)}
    targets = {t for d in doers for t in _out(G, d, ADDRESSES)}
    causes = {t for t in targets if G.nodes[t].get("type") == CAUSE}
    challenges = {t for t in targets if G.nodes[t].get("type") == CHALLENGE}
    challenges |= {h for c in causes for h in _in(G, c, HAS_CAUSE)}
    return causes, challenges


def leverage(G: nx.MultiDiGraph) -> dict[Node, dict[str, Any]]:
    """How many distinct causes and challenges each countermeasure and action reaches.

    An action reaches what it addresses and the challenges of the causes it addresses; a
    countermeasure reaches what it and its actions address, likewise. ``score`` is the number
    of causes plus the number of challenges reached.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"type": COUNTERMEASURE}), ("a", {"type": ACTION}),
    ...                   ("h", {"type": CHALLENGE}), ("c", {"type": CAUSE})])
    >>> _ = G.add_edge("m", "a", key=HAS_ACTION); _ = G.add_edge("a", "c", key=ADDRESSES)
    >>> _ = G.add_edge("h", "c", key=HAS_CAUSE)
    >>> leverage(G)["m"]["causes"], leverage(G)["m"]["challenges"], leverage(G)["m"]["score"]
    (['c'], ['h'], 2)
    """
    result = {}
    for n in _nodes_of(G, COUNTERMEASURE, ACTION):
        causes, challenges = _reach(G, n)
        result[n] = {
            **_ref(G, n),
            "causes": sorted(causes),
            "challenges": sorted(challenges),
            "n_causes": len(causes),
            "n_challenges": len(challenges),
            "score": len(causes) + len(challenges),
        }
    return result


def leverage_scores(G: nx.MultiDiGraph) -> dict[Node, int]:
    """Leverage score (causes + challenges reached) of every countermeasure and action.

    Other nodes are absent: use ``scores.get(node, 0)``.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"type": COUNTERMEASURE}), ("h", {"type": CHALLENGE})])
    >>> _ = G.add_edge("m", "h", key=ADDRESSES)
    >>> leverage_scores(G)
    {'m': 1}
    """
    return {n: item["score"] for n, item in leverage(G).items()}


def _rank_leverage(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    items = leverage(G).values()
    return sorted(items, key=lambda i: (-i["score"], i["type"], _order_key(G, i["iri"])))


def _cell(G: nx.MultiDiGraph, challenge: Node, countermeasure: Node) -> dict[str, int]:
    targets = {challenge, *_out(G, challenge, HAS_CAUSE)}
    doers = {countermeasure, *_out(G, countermeasure, HAS_ACTION)}
    links = [
        G.edges[d, t, ADDRESSES]
        for d in sorted(doers)
        for t in sorted(targets)
        if G.has_edge(d, t, ADDRESSES)
    ]
    stated = sum(1 for e in links if e.get("stated"))
    return {"stated": stated, "inferred": len(links) - stated, "total": len(links)}


def coverage(G: nx.MultiDiGraph) -> dict[str, Any]:
    """Challenge × countermeasure matrix of supporting ``cbec:addresses`` links.

    A link counts for (challenge, countermeasure) when the countermeasure or one of its
    actions addresses the challenge or one of its causes.

    Returns
    -------
    dict
        ``challenges`` and ``countermeasures`` (node references, in the paper's order) and
        ``matrix[challenge][countermeasure] = {"stated", "inferred", "total"}``.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"type": COUNTERMEASURE}), ("h", {"type": CHALLENGE}),
    ...                   ("c", {"type": CAUSE})])
    >>> _ = G.add_edge("h", "c", key=HAS_CAUSE)
    >>> _ = G.add_edge("m", "h", key=ADDRESSES, stated=True)
    >>> _ = G.add_edge("m", "c", key=ADDRESSES, stated=False)
    >>> coverage(G)["matrix"]["h"]["m"]
    {'stated': 1, 'inferred': 1, 'total': 2}
    """
    challenges = _nodes_of(G, CHALLENGE)
    countermeasures = _nodes_of(G, COUNTERMEASURE)
    matrix = {h: {m: _cell(G, h, m) for m in countermeasures} for h in challenges}
    return {
        "challenges": [_ref(G, h) for h in challenges],
        "countermeasures": [_ref(G, m) for m in countermeasures],
        "matrix": matrix,
        "uncovered_challenges": [
            h for h in challenges if not any(c["total"] for c in matrix[h].values())
        ],
    }


def uncovered_causes(G: nx.MultiDiGraph) -> list[dict[str, Any]]:
    """Causes no countermeasure or action addresses directly, with their challenges.

    ``challenge_addressed`` tells whether some remedy addresses one of those challenges.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("h", {"type": CHALLENGE}), ("c", {"type": CAUSE})])
    >>> _ = G.add_edge("h", "c", key=HAS_CAUSE)
    >>> [(u["iri"], u["challenges"], u["challenge_addressed"]) for u in uncovered_causes(G)]
    [('c', ['h'], False)]
    """
    result = []
    for c in _nodes_of(G, CAUSE):
        if _in(G, c, ADDRESSES):
            continue
        challenges = _in(G, c, HAS_CAUSE)
        addressed = any(_in(G, h, ADDRESSES) for h in challenges)
        result.append({**_ref(G, c), "challenges": challenges, "challenge_addressed": addressed})
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


def _top(G: nx.MultiDiGraph, values: dict[Node, float], nodes: Iterable[Node], n: int) -> list:
    ranked = sorted(nodes, key=lambda x: (-values[x], _order_key(G, x)))
    return [{**_ref(G, x), "value": values[x]} for x in ranked[:n]]


def centrality(G: nx.MultiDiGraph, top: int = TOP) -> dict[str, Any]:
    """Degree, betweenness and PageRank of every node, and the top ``top`` per type.

    Degree and betweenness ignore direction (on the simple undirected graph); PageRank follows
    the links' directions.

    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("m", {"type": COUNTERMEASURE}), ("h", {"type": CHALLENGE}),
    ...                   ("c", {"type": CAUSE})])
    >>> _ = G.add_edge("m", "h", key=ADDRESSES); _ = G.add_edge("h", "c", key=HAS_CAUSE)
    >>> c = centrality(G)
    >>> c["nodes"]["h"]["betweenness"], c["top"][CHALLENGE]["degree"][0]["iri"]
    (1.0, 'h')
    """
    U = _undirected(G)
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
    U = _undirected(G)
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
    U = _undirected(G)
    betweenness = betweenness or {}
    found = []
    for n in U:
        touched = sorted({membership[m] for m in U[n]})
        if len(touched) < 2:
            continue
        cross = sum(1 for m in U[n] if membership[m] != membership[n])
        found.append(
            {
                **_ref(G, n),
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
            _order_key(G, b["iri"]),
        ),
    )


# --- paths -----------------------------------------------------------------------------------


def _step(G: nx.MultiDiGraph, u: Node, v: Node, key: str, direction: str) -> Step:
    """One step of a path: walking the link ``key`` from ``u`` to ``v``."""
    s, o = (u, v) if direction == "forward" else (v, u)
    data = G.edges[s, o, key]
    return {
        "from": u,
        "to": v,
        "predicate": key,
        "direction": direction,
        "stated": bool(data.get("stated")),
        "recorded": bool(data.get("recorded", True)),
        "evidence": list(data.get("evidence", [])),
    }


def _reading_graph(G: nx.MultiDiGraph) -> nx.DiGraph:
    """The directed graph of the steps :data:`PATH_STEPS` allows, each with its reading."""
    R = nx.DiGraph()
    R.add_nodes_from(G)
    for u, v, key in sorted(G.edges(keys=True)):
        forward, backward = PATH_STEPS.get(key, (None, None))
        if forward and not R.has_edge(u, v):
            R.add_edge(u, v, key=key, direction="forward", reading=forward)
        if backward and not R.has_edge(v, u):
            R.add_edge(v, u, key=key, direction="reverse", reading=backward)
    return R


def challenge_trend_paths(
    G: nx.MultiDiGraph, cutoff: int = CUTOFF, per_pair: int | None = None
) -> list[dict[str, Any]]:
    """Every (challenge, trend) pair with the simple paths joining them (see path semantics).

    Parameters
    ----------
    cutoff
        Longest path, in steps.
    per_pair
        Keep at most this many paths per pair (shortest first); ``count`` stays the full count.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from([("h", {"type": CHALLENGE}), ("c", {"type": CAUSE}),
    ...                   ("a", {"type": ACTION}), ("t", {"type": TREND})])
    >>> for u, v, k in [("h", "c", HAS_CAUSE), ("a", "c", ADDRESSES), ("a", "t", "cbec:supports")]:
    ...     _ = G.add_edge(u, v, key=k, stated=True)
    >>> [p["nodes"] for p in challenge_trend_paths(G)[0]["paths"]]
    [['h', 'c', 'a', 't']]
    """
    R = _reading_graph(G)
    pairs = []
    for h in _nodes_of(G, CHALLENGE):
        for t in _nodes_of(G, TREND):
            found = sorted(nx.all_simple_paths(R, h, t, cutoff=cutoff), key=lambda p: (len(p), p))
            paths = [_path_record(G, R, p) for p in found[:per_pair]]
            shortest = len(found[0]) - 1 if found else None
            pairs.append(
                {
                    "challenge": _ref(G, h),
                    "trend": _ref(G, t),
                    "count": len(found),
                    "shortest": shortest,
                    "paths": paths,
                }
            )
    return pairs


def _path_record(G: nx.MultiDiGraph, R: nx.DiGraph, nodes: list[Node]) -> dict[str, Any]:
    steps = []
    for u, v in pairwise(nodes):
        step = _step(G, u, v, R[u][v]["key"], R[u][v]["direction"])
        steps.append({**step, "reading": R[u][v]["reading"]})
    return {
        "nodes": nodes,
        "length": len(steps),
        "all_stated": all(s["stated"] for s in steps),
        "steps": steps,
    }


def resolve(G: nx.MultiDiGraph, term: str) -> Node:
    """The node named by ``term``: an IRI, a CURIE, or an English or Chinese label.

    The same rules as ``kg trace`` (:func:`kg.terms.resolve`): case and spaces are ignored, an
    exact label wins over partial ones, several matches are listed, unknown terms get the
    closest labels.

    Raises
    ------
    kg.errors.InputError
        No node matches (close labels are suggested), or several do (they are listed).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="Talent gap", label_zh="人才缺口", type="cbec:Cause")
    >>> G.add_node("urn:b", label_en="Talent gap in SMEs", label_zh="中小企业人才缺口")
    >>> resolve(G, "talent gap"), resolve(G, "中小企业")
    ('urn:a', 'urn:b')
    >>> resolve(G, "Talent")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.InputError: 'Talent' matches 2 nodes; ...
    """
    from kg.terms import Match
    from kg.terms import resolve as resolve_term

    index = [
        Match(
            n, d.get("label_en", ""), d.get("label_zh", ""), d.get("type", ""), (d.get("type", ""),)
        )
        for n, d in sorted(G.nodes(data=True))
    ]
    return resolve_term(None, term, index).iri


def _link_steps(G: nx.MultiDiGraph, u: Node, v: Node) -> list[Step]:
    """Every link between ``u`` and ``v`` as a step from ``u`` (forward links first)."""
    forward = [_step(G, u, v, k, "forward") for k in sorted(G[u][v])] if G.has_edge(u, v) else []
    backward = [_step(G, u, v, k, "reverse") for k in sorted(G[v][u])] if G.has_edge(v, u) else []
    return forward + backward


def shortest_paths(G: nx.MultiDiGraph, a: str, b: str, limit: int = 20) -> list[list[Step]]:
    """The shortest paths (direction ignored) between the nodes named ``a`` and ``b``.

    ``a`` and ``b`` are resolved with :func:`resolve`. Each step names the predicate it walks,
    its ``direction`` (``forward`` when the link points from ``from`` to ``to``), whether the
    source states it, and its evidence; other links between the same two nodes are listed
    under ``alternatives``. Returns ``[]`` when the nodes are not connected.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:h", label_en="Talent shortage", label_zh="人才缺乏")
    >>> G.add_node("urn:m", label_en="Train talent", label_zh="培育人才")
    >>> _ = G.add_edge("urn:m", "urn:h", key=ADDRESSES, stated=True, evidence=[])
    >>> [(s["predicate"], s["direction"]) for s in shortest_paths(G, "人才缺乏", "train")[0]]
    [('cbec:addresses', 'reverse')]
    """
    source, target = resolve(G, a), resolve(G, b)
    U = _undirected(G)
    if not nx.has_path(U, source, target):
        return []
    paths = sorted(nx.all_shortest_paths(U, source, target))[:limit]
    result = []
    for nodes in paths:
        steps = []
        for u, v in pairwise(nodes):
            first, *others = _link_steps(G, u, v)
            steps.append({**first, **_end_labels(G, u, v), "alternatives": others})
        result.append(steps)
    return result


def _end_labels(G: nx.MultiDiGraph, u: Node, v: Node) -> dict[str, str]:
    return {
        f"{end}_label_{lang}": G.nodes[n].get(f"label_{lang}", n)
        for end, n in (("from", u), ("to", v))
        for lang in ("en", "zh")
    }


def render_path(steps: list[Step]) -> str:
    """A path from :func:`shortest_paths` as text: one line per step, then its evidence.

    >>> step = {"from_label_en": "Train talent", "to_label_en": "Talent shortage",
    ...         "predicate": "cbec:addresses", "direction": "forward", "stated": True,
    ...         "evidence": [{"section": "3.4", "quote": "人才的培育"}], "alternatives": []}
    >>> print(render_path([step]))
    Train talent --[cbec:addresses]--> Talent shortage  (stated)
        3.4 「人才的培育」
    """
    lines = []
    for step in steps:
        arrow = (
            f"--[{step['predicate']}]-->"
            if step["direction"] == "forward"
            else f"<--[{step['predicate']}]--"
        )
        mode = (
            "stated"
            if step["stated"]
            else ("inferred" if step.get("recorded", True) else "no link record: unvalidated")
        )
        lines.append(f"{step['from_label_en']} {arrow} {step['to_label_en']}  ({mode})")
        lines += [f"    {e['section']} 「{e['quote']}」" for e in step["evidence"]]
        lines += [f"    also {a['predicate']} ({a['direction']})" for a in step["alternatives"]]
    return "\n".join(lines)


# --- the whole analysis ----------------------------------------------------------------------


def _summary(G: nx.MultiDiGraph) -> dict[str, Any]:
    stated = sum(1 for *_, s in G.edges(data="stated") if s)
    return {
        "nodes": G.number_of_nodes(),
        "links": G.number_of_edges(),
        "stated": stated,
        "inferred": G.number_of_edges() - stated,
        "by_type": dict(Counter(t for _, t in G.nodes(data="type"))),
        "by_predicate": dict(Counter(k for *_, k in G.edges(keys=True))),
    }


def analyse(
    graph: Graph, *, top: int = TOP, cutoff: int = CUTOFF, seed: int = SEED, per_pair: int = 10
) -> dict[str, Any]:
    """Every measure on the remedy view of ``graph``, JSON-ready and deterministic.

    Dictionary keys are sorted and floats rounded to 6 places, so the same graph always gives
    the same ``json.dumps``.

    >>> from kg.loader import load_graph
    >>> data = analyse(load_graph())
    >>> sorted(data)[:4]
    ['bridges', 'centrality', 'communities', 'coverage']
    """
    G = project(graph, "remedy")
    cent = centrality(G, top)
    comm = communities(G, seed)
    betweenness = {n: v["betweenness"] for n, v in cent["nodes"].items()}
    hubs = {c["id"]: _ref(G, c["hub"]) for c in comm["communities"]}
    for c in comm["communities"]:
        c["hub"] = hubs[c["id"]]
        c["members"] = [_ref(G, n) for n in c["members"]]
    data = {
        "view": "remedy",
        "summary": _summary(G),
        "leverage": {"ranking": _rank_leverage(G)},
        "coverage": coverage(G),
        "uncovered_causes": {"causes": uncovered_causes(G)},
        "centrality": cent,
        "communities": comm,
        "bridges": {"nodes": bridges(G, comm["membership"], betweenness)},
        "paths": {
            "cutoff": cutoff,
            "per_pair": per_pair,
            "pairs": challenge_trend_paths(G, cutoff, per_pair),
        },
    }
    for name, text in EXPLANATIONS.items():
        data[name]["explanation"] = text.replace("`cutoff`", str(cutoff))
    return _jsonready(data)


def to_json(data: dict[str, Any]) -> str:
    """The analysis as indented UTF-8 JSON with sorted keys and a final newline.

    >>> to_json({"b": 1, "a": "信用"})
    '{\\n  "a": "信用",\\n  "b": 1\\n}\\n'
    """
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_analysis(graph: Graph, out_dir: str | Path, **options: Any) -> dict[str, Path]:
    """Write ``analysis.json`` and ``analysis.md`` into ``out_dir``, each atomically.

    Both are computed before the first is written. ``options`` go to :func:`analyse`.

    >>> import tempfile
    >>> from kg.loader import load_graph
    >>> sorted(write_analysis(load_graph(), tempfile.mkdtemp()))
    ['analysis.json', 'analysis.md']
    """
    contents = analysis_files(graph, **options)
    write_files(out_dir, contents)
    return {name: Path(out_dir) / name for name in contents}


def analysis_files(graph: Graph, **options: Any) -> dict[str, str]:
    """The contents of ``analysis.json`` and ``analysis.md``, keyed by file name."""
    data = analyse(graph, **options)
    return {"analysis.json": to_json(data), "analysis.md": render_markdown(data)}


# --- Markdown report -------------------------------------------------------------------------


def _cell_text(cell: dict[str, int]) -> str:
    if not cell["total"]:
        return "–"
    return f"{cell['total']} ({cell['stated']} S / {cell['inferred']} I)"


def _name(ref: dict[str, str]) -> str:
    text = f"{ref['label_en']} ({ref['label_zh']})"
    return text.replace("|", "\\|")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return lines


def _md_coverage(data: dict[str, Any]) -> list[str]:
    cov = data["coverage"]
    header = ["Challenge \\ Countermeasure", *(_name(m) for m in cov["countermeasures"])]
    rows = [
        [_name(h), *(_cell_text(cov["matrix"][h["iri"]][m["iri"]]) for m in cov["countermeasures"])]
        for h in cov["challenges"]
    ]
    return [
        "## Coverage: challenges × countermeasures",
        "",
        cov["explanation"],
        "",
        *_table(header, rows),
        "",
        "Cells: links in all (S stated by the source / I inferred by a curator); – none.",
        "",
    ]


def _md_leverage(data: dict[str, Any], top: int) -> list[str]:
    ranking = data["leverage"]["ranking"][:top]
    rows = [
        [str(i), _name(r), r["type"], str(r["n_causes"]), str(r["n_challenges"]), str(r["score"])]
        for i, r in enumerate(ranking, 1)
    ]
    header = ["#", "Remedy", "Type", "Causes", "Challenges", "Leverage"]
    return [
        "## Top remedies by leverage",
        "",
        data["leverage"]["explanation"],
        "",
        *_table(header, rows),
        "",
    ]


def _md_uncovered(data: dict[str, Any], names: dict[str, str]) -> list[str]:
    causes = data["uncovered_causes"]["causes"]
    lines = ["## Uncovered causes", "", data["uncovered_causes"]["explanation"], ""]
    for c in causes:
        of = ", ".join(names.get(h, h) for h in c["challenges"]) or "no challenge"
        whole = "challenge addressed" if c["challenge_addressed"] else "challenge not addressed"
        lines.append(f"- {_name(c)}, cause of {of} ({whole})")
    return [*lines, *([] if causes else ["None: every cause is addressed directly."]), ""]


def _md_bridges(data: dict[str, Any], top: int) -> list[str]:
    nodes = data["bridges"]["nodes"][:top]
    rows = [
        [_name(b), b["type"], ", ".join(map(str, b["communities"])), str(b["cross_links"])]
        for b in nodes
    ]
    lines = ["## Bridges between communities", "", data["bridges"]["explanation"], ""]
    if not rows:
        return [*lines, "None: no node links two communities.", ""]
    return [*lines, *_table(["Node", "Type", "Communities", "Cross links"], rows), ""]


def _md_communities(data: dict[str, Any]) -> list[str]:
    comm = data["communities"]
    lines = [
        "## Communities",
        "",
        comm["explanation"],
        "",
        f"Modularity {comm['modularity']:.3f} (Louvain, seed {comm['seed']}).",
        "",
    ]
    for c in comm["communities"]:
        size = f"{c['size']} node{'s' * (c['size'] != 1)}"
        lines.append(f"- **{c['id']}** ({size}, around {_name(c['hub'])})")
    return [*lines, ""]


def _md_paths(data: dict[str, Any]) -> list[str]:
    paths = data["paths"]
    rows = [
        [_name(p["challenge"]), _name(p["trend"]), str(p["count"]), str(p["shortest"] or "–")]
        for p in paths["pairs"]
    ]
    header = ["Challenge", "Trend", "Paths", "Shortest (steps)"]
    return [
        "## Paths from challenges to trends",
        "",
        paths["explanation"],
        "",
        *_table(header, rows),
        "",
    ]


def _md_centrality(data: dict[str, Any]) -> list[str]:
    cent = data["centrality"]
    measures = ("degree", "betweenness", "pagerank")
    rows = [
        [t, *(f"{_name(top[m][0])}: {top[m][0]['value']:.3f}" if top[m] else "–" for m in measures)]
        for t, top in cent["top"].items()
    ]
    header = ["Type", "Highest degree", "Highest betweenness", "Highest PageRank"]
    return ["## Most central nodes", "", cent["explanation"], "", *_table(header, rows), ""]


def render_markdown(data: dict[str, Any], top: int = 10) -> str:
    """A Markdown report of :func:`analyse`'s result, ready to paste into a paper.

    >>> from kg.loader import load_graph
    >>> render_markdown(analyse(load_graph())).splitlines()[0]
    '# Graph analysis of the cross-border e-commerce knowledge graph'
    """
    s = data["summary"]
    names = {m["iri"]: _name(m) for m in data["coverage"]["challenges"]}
    lines = [
        "# Graph analysis of the cross-border e-commerce knowledge graph",
        "",
        f"Remedy view: {s['nodes']} nodes and {s['links']} curated links "
        f"({s['stated']} stated by the source, {s['inferred']} inferred by curators).",
        "",
        *_md_coverage(data),
        *_md_leverage(data, top),
        *_md_uncovered(data, names),
        *_md_bridges(data, top),
        *_md_centrality(data),
        *_md_communities(data),
        *_md_paths(data),
    ]
    return "\n".join(lines).rstrip() + "\n"


# --- terminal output -------------------------------------------------------------------------


def print_analysis(data: dict[str, Any], console: Any = None, top: int = 10) -> None:
    """Print the analysis as readable rich tables (English labels).

    >>> import io
    >>> from rich.console import Console
    >>> from kg.loader import load_graph
    >>> out = Console(file=io.StringIO(), width=100)
    >>> print_analysis(analyse(load_graph()), out)
    >>> "Top leverage" in out.file.getvalue()
    True
    """
    from rich.console import Console

    console = console or Console(highlight=False)
    s = data["summary"]
    console.print(
        f"[bold]Remedy view[/bold]: {s['nodes']} nodes, {s['links']} links "
        f"({s['stated']} stated, {s['inferred']} inferred)."
    )
    console.print(_coverage_table(data))
    console.print(_leverage_table(data, top))
    unc = data["uncovered_causes"]["causes"]
    names = "; ".join(c["label_en"] for c in unc) or "none"
    console.print(f"[bold]Uncovered causes[/bold] ({len(unc)}): {names}")
    if data["bridges"]["nodes"]:
        console.print(_bridges_table(data, top))
    else:
        console.print("[bold]Bridges[/bold]: none")
    comm, paths = data["communities"], data["paths"]
    console.print(
        f"[bold]Communities[/bold]: {len(comm['communities'])}, modularity "
        f"{comm['modularity']:.3f}. [bold]Paths[/bold] challenge → trend: "
        f"{sum(p['count'] for p in paths['pairs'])} (at most {paths['cutoff']} steps)."
    )


def _coverage_table(data: dict[str, Any]) -> Any:
    from rich.table import Table

    cov = data["coverage"]
    table = Table("challenge \\ countermeasure", title="Coverage (links: stated/inferred)")
    for m in cov["countermeasures"]:
        table.add_column(m["label_en"], justify="center")
    for h in cov["challenges"]:
        cells = [cov["matrix"][h["iri"]][m["iri"]] for m in cov["countermeasures"]]
        texts = [f"{c['stated']}/{c['inferred']}" if c["total"] else "–" for c in cells]
        table.add_row(h["label_en"], *texts)
    return table


def _leverage_table(data: dict[str, Any], top: int) -> Any:
    from rich.table import Table

    table = Table("#", "remedy", "type", "causes", "challenges", "leverage", title="Top leverage")
    for i, r in enumerate(data["leverage"]["ranking"][:top], 1):
        counts = (r["n_causes"], r["n_challenges"], r["score"])
        table.add_row(str(i), r["label_en"], r["type"].removeprefix("cbec:"), *map(str, counts))
    return table


def _bridges_table(data: dict[str, Any], top: int) -> Any:
    from rich.table import Table

    table = Table("node", "type", "communities", "cross links", title="Bridges")
    for b in data["bridges"]["nodes"][:top]:
        communities_ = ", ".join(map(str, b["communities"]))
        kind = b["type"].removeprefix("cbec:")
        table.add_row(b["label_en"], kind, communities_, str(b["cross_links"]))
    return table
