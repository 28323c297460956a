"""The whole graph analysis of the remedy view, as one JSON-ready, deterministic dictionary.

:func:`analyse` gathers the measures (:mod:`kg.measures`) and the challenge → trend paths
(:mod:`kg.pathfinding`), each with a one-line explanation for researchers
(:data:`EXPLANATIONS`); :func:`analysis_files` renders it as ``analysis.json`` and a Markdown
report ``analysis.md`` (:mod:`kg.render.markdown`).

>>> from kg.loader import load_graph
>>> data = analyse(load_graph())
>>> sorted(data)[:4]
['bridges', 'centrality', 'communities', 'coverage']
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg import measures
from kg.model import model_of
from kg.pathfinding import CUTOFF, challenge_trend_paths
from kg.projection import as_backend, project
from kg.serialize import write_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = ["EXPLANATIONS", "analyse", "analysis_files", "to_json", "write_analysis"]

#: One line per measure, for researchers reading the JSON or the report.
EXPLANATIONS: dict[str, str] = {
    "leverage": (
        "For each countermeasure and action, the distinct problems it reaches: what it (and, for "
        "a countermeasure, its actions) addresses and everything above that in the problem tree "
        "(the cause a sub-cause belongs to, the challenge, its effects)."
    ),
    "coverage": (
        "Challenge × countermeasure: how many remedy links connect the countermeasure or one of "
        "its actions to the challenge or a problem beneath it, stated by the source vs inferred "
        "by a curator."
    ),
    "unremedied": (
        "Causes and effects that no remedy reaches: nothing addresses them or anything beneath "
        "them in the problem tree."
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
        "Every challenge → trend path of at most `cutoff` steps along the chain: down the "
        "problem tree, to a remedy that addresses it, from an action to its countermeasure, on "
        "to a trend it supports."
    ),
}


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


def _jsonready(value: Any) -> Any:
    """Sort dict keys, turn tuples into lists and round floats to 6 places, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonready(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_jsonready(v) for v in value]
    if isinstance(value, float):
        return round(value, 6) + 0.0
    return value


def analyse(
    source: Graph | Backend,
    *,
    top: int = measures.TOP,
    cutoff: int = CUTOFF,
    seed: int = measures.SEED,
    per_pair: int = 10,
) -> dict[str, Any]:
    """Every measure on the remedy view of ``source``, JSON-ready and deterministic.

    Dictionary keys are sorted and floats rounded to 6 places, so the same graph always gives
    the same ``json.dumps``.
    """
    backend = as_backend(source)
    model = model_of(backend)
    G = project(backend, "remedy")
    cent = measures.centrality(G, top)
    comm = measures.communities(G, seed)
    betweenness = {n: v["betweenness"] for n, v in cent["nodes"].items()}
    membership = comm["membership"]
    for c in comm["communities"]:
        c["hub"] = measures.node_ref(G, c["hub"])
        c["members"] = [measures.node_ref(G, n) for n in c["members"]]
    data: dict[str, Any] = {
        "view": "remedy",
        "summary": _summary(G),
        "leverage": {"ranking": measures.rank_leverage(G, model)},
        "coverage": measures.coverage(G, model),
        "unremedied": {"problems": measures.unremedied_problems(G, model)},
        "centrality": cent,
        "communities": comm,
        "bridges": {"nodes": measures.bridges(G, membership, betweenness)},
        "paths": {
            "cutoff": cutoff,
            "per_pair": per_pair,
            "pairs": challenge_trend_paths(G, model, cutoff, per_pair),
        },
    }
    for name, text in EXPLANATIONS.items():
        data[name]["explanation"] = text.replace("`cutoff`", str(cutoff))
    ready: dict[str, Any] = _jsonready(data)
    return ready


def to_json(data: dict[str, Any]) -> str:
    """The analysis as indented UTF-8 JSON with sorted keys and a final newline.

    >>> to_json({"b": 1, "a": "信用"})
    '{\\n  "a": "信用",\\n  "b": 1\\n}\\n'
    """
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def analysis_files(source: Graph | Backend, **options: Any) -> dict[str, str]:
    """The contents of ``analysis.json`` and ``analysis.md``, keyed by file name."""
    from kg.render.markdown import analysis_markdown

    data = analyse(source, **options)
    return {"analysis.json": to_json(data), "analysis.md": analysis_markdown(data)}


def write_analysis(source: Graph | Backend, out_dir: str | Path, **options: Any) -> dict[str, Path]:
    """Write ``analysis.json`` and ``analysis.md`` into ``out_dir``, each atomically.

    Both are computed before the first is written. ``options`` go to :func:`analyse`.

    >>> import tempfile
    >>> from kg.loader import load_graph
    >>> sorted(write_analysis(load_graph(), tempfile.mkdtemp()))
    ['analysis.json', 'analysis.md']
    """
    contents = analysis_files(source, **options)
    write_files(out_dir, contents)
    return {name: Path(out_dir) / name for name in contents}
