"""The force layout of a map, kept as an option beside the layered one: deterministic positions
from igraph's C layouts, one connected component at a time.

>>> import networkx as nx
>>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
>>> pos = force_positions(G)
>>> pos == force_positions(G), sorted(pos)
(True, ['a', 'b', 'c', 'x', 'y'])
"""

from __future__ import annotations

import math
import random
from typing import Any

import networkx as nx

__all__ = ["KAMADA_KAWAI_MAX", "LAYOUT_SEED", "centred", "force_positions"]

#: Seed of the force layout's random number generator: same KG, same picture.
LAYOUT_SEED = 20240607

#: Components up to this size get Kamada–Kawai, larger ones Fruchterman–Reingold.
KAMADA_KAWAI_MAX = 300


def centred(nodes: list[str], placed: list[tuple[float, float]]) -> dict[str, tuple[int, int]]:
    """Positions rounded to integers, the middle of their extent at (0, 0)."""
    xs, ys = [p[0] for p in placed], [p[1] for p in placed]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {n: (round(x - cx), round(y - cy)) for n, (x, y) in zip(nodes, placed, strict=True)}


def force_positions(
    G: nx.MultiDiGraph, *, seed: int = LAYOUT_SEED, spacing: float = 190.0
) -> dict[str, tuple[int, int]]:
    """Deterministic force-directed positions from igraph's C layouts.

    Each connected component is laid out on its own — Kamada–Kawai up to
    :data:`KAMADA_KAWAI_MAX` nodes, else Fruchterman–Reingold (grid variant, seeded) — scaled
    to about ``spacing`` units per node, and the components are packed in rows, largest first.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = force_positions(G)
    >>> pos == force_positions(G), sorted(pos)
    (True, ['a', 'b', 'c', 'x', 'y'])
    """
    import igraph

    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v})
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), min(c)))
    igraph.set_random_number_generator(random.Random(seed))
    try:
        boxes = [_component_layout(graph, members, spacing) for members in components]
    finally:
        igraph.set_random_number_generator(random)
    placed = _pack(boxes, spacing)
    if not placed:
        return {}
    return centred([nodes[i] for i in sorted(placed)], [placed[i] for i in sorted(placed)])


def _component_layout(
    graph: Any, members: list[int], spacing: float
) -> dict[int, tuple[float, float]]:
    if len(members) == 1:
        return {members[0]: (0.0, 0.0)}
    sub = graph.induced_subgraph(members)
    if len(members) <= KAMADA_KAWAI_MAX:
        coords = sub.layout_kamada_kawai().coords  # starts from a circle: no randomness
    else:
        coords = sub.layout_fruchterman_reingold(grid="auto").coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = spacing * math.sqrt(len(members)) / extent
    return {
        m: ((x - min(xs)) * scale, (y - min(ys)) * scale)
        for m, (x, y) in zip(sorted(members), coords, strict=True)
    }


def _pack(
    boxes: list[dict[int, tuple[float, float]]], gap: float
) -> dict[int, tuple[float, float]]:
    sizes = [
        (max(x for x, _ in b.values()) + gap, max(y for _, y in b.values()) + gap) for b in boxes
    ]
    row_width = max([w for w, _ in sizes] + [math.sqrt(1.8 * sum(w * h for w, h in sizes))])
    placed: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for box, (w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.update({m: (x + bx, y + by) for m, (bx, by) in box.items()})
        x, row_height = x + w, max(row_height, h)
    return placed
