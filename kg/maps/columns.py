"""The columns of the layered layout: which column each node goes in, in which order, and at
which height.

A node's column comes from its role in the chain, read through :class:`kg.model.ChainModel`:
problems by their depth in the problem tree (the first problem class in the ontology's display
order at depth 0, what produces it further left, what it produces further right), remedies as
wholes (countermeasures) or parts (actions: they have a whole by a composition link), then
agents, outcomes and anything else. Barycentre sweeps (Sugiyama's heuristic) order each
column to reduce crossings — written here because igraph's ``layout_sugiyama`` crashed the
interpreter now and then on these graphs, and because it cannot count crossings of links that
span several columns as drawn. A column too tall for the screen is staggered over sub-columns;
each node then sits as close to the mean height of its neighbours as the labels above and below
it allow (an isotonic regression per column, repeated in sweeps).

>>> _isotonic([0.0, 0.0, 0.0], [10.0, 10.0])
[-10.0, 0.0, 10.0]
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence

import networkx as nx

from kg.chain import GraphAdjacency
from kg.model import ChainModel

__all__ = ["BAND_GAP", "COLUMN_GAP", "MAX_SPLIT", "ROW_GAP", "SUB_GAP", "arrange", "column_kinds"]

Extent = tuple[float, float, float]  # width, above the centre, below it

#: Space between columns, between staggered sub-columns, between stacked nodes and between the
#: two bands (:func:`kg.maps.layout.layered_layout`).
COLUMN_GAP, SUB_GAP, ROW_GAP, BAND_GAP = 60.0, 16.0, 12.0, 70.0

#: A column is staggered over at most this many sub-columns.
MAX_SPLIT = 3

#: Up to this many links, crossings are counted to keep the best order of the sweeps.
COUNT_MAX_EDGES = 600


def _anchor_class(G: nx.MultiDiGraph, model: ChainModel, problems: list[str]) -> str | None:
    """The first problem class in the ontology's display order that has nodes here."""
    present = {G.nodes[n].get("type") for n in problems}
    for info in model.groups():
        if info.layer == "problem" and info.curie in present:
            return info.curie
    return None


def column_kinds(G: nx.MultiDiGraph, model: ChainModel) -> dict[str, tuple[str, int]]:
    """The column of every node: ``("problem", depth)`` with the first problem class at depth
    0, what produces it at negative depths and what it produces at positive ones;
    ``("whole", 0)`` and ``("part", 0)`` for remedies (parts have a whole by a composition
    link); ``("agent", 0)``, ``("outcome", 0)``, ``("other", 0)``."""
    adj = GraphAdjacency(G, model)
    layer = {n: G.nodes[n].get("layer") or "" for n in G}
    kinds: dict[str, tuple[str, int]] = {}
    problems = sorted(n for n in G if layer[n] == "problem")
    anchor = _anchor_class(G, model, problems)
    depth = {n: 0 for n in problems if G.nodes[n].get("type") == anchor}
    for _ in range(len(problems)):  # longest paths down the problem tree (bounded: cycles)
        changed = False
        for n in sorted(depth):
            for cause in sorted(adj.step({n}, "causal", True)):
                if depth.get(cause, 1) > depth[n] - 1:
                    depth[cause] = depth[n] - 1
                    changed = True
        if not changed:
            break
    effects: dict[str, int] = {}
    for _ in range(len(problems)):  # and up to what the tree produces
        changed = False
        for n in problems:
            if n in depth:
                continue
            below = [depth.get(c, effects.get(c)) for c in adj.step({n}, "causal", True)]
            known = [d for d in below if d is not None]
            if known and effects.get(n) != max(1, 1 + max(known)):
                effects[n] = max(1, 1 + max(known))
                changed = True
        if not changed:
            break
    for n in problems:
        d = depth.get(n, effects.get(n))
        kinds[n] = ("problem", d if d is not None else -1)
    remedies = sorted(n for n in G if layer[n] == "remedy")
    part_classes = {G.nodes[n].get("type") for n in remedies if adj.step({n}, "composition", True)}
    for n in remedies:
        kinds[n] = ("part" if G.nodes[n].get("type") in part_classes else "whole", 0)
    for n in G:
        if n not in kinds:
            kinds[n] = (layer[n] if layer[n] in ("agent", "outcome") else "other", 0)
    return kinds


# --- the layered layout -------------------------------------------------------------------------


def _isotonic(targets: list[float], seps: list[float]) -> list[float]:
    """Heights closest (least squares) to ``targets`` keeping ``y[i+1] - y[i] >= seps[i]``."""
    offsets = [0.0]
    for s in seps:
        offsets.append(offsets[-1] + s)
    blocks: list[list[float]] = []  # [sum, count] of pooled values
    for t, o in zip(targets, offsets, strict=True):
        blocks.append([t - o, 1.0])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    pooled = [b[0] / b[1] for b in blocks for _ in range(int(b[1]))]
    return [z + o for z, o in zip(pooled, offsets, strict=True)]


def _order_columns(
    nodes: Sequence[object], edges: list[tuple[int, int]], column: list[int], sweeps: int = 16
) -> list[list[int]]:
    """See :func:`_ordered`; the order depends on the links and columns only (not on fonts), so
    it is computed once for each."""
    return [list(c) for c in _ordered(len(nodes), tuple(edges), tuple(column), sweeps)]


@functools.lru_cache(maxsize=256)
def _ordered(
    n: int, edges: tuple[tuple[int, int], ...], column: tuple[int, ...], sweeps: int
) -> tuple[tuple[int, ...], ...]:
    """Node indices of each column, ordered to reduce crossings: the barycentre heuristic of
    Sugiyama et al., sweeping left to right and back, each node placed at the mean rank of its
    neighbours in the columns already swept; the order with fewest crossings is kept (counted
    for maps of up to :data:`COUNT_MAX_EDGES` links, else the last sweep's)."""
    cols = sorted(set(column))
    members = {c: [i for i in range(n) if column[i] == c] for c in cols}
    neighbours: list[list[int]] = [[] for _ in range(n)]
    for a, b in edges:
        neighbours[a].append(b)
        neighbours[b].append(a)
    rank = [0.0] * n

    def rerank(c: int) -> None:
        span = max(1, len(members[c]) - 1)
        for k, i in enumerate(members[c]):
            rank[i] = k / span

    for c in cols:
        rerank(c)
    count = len(edges) <= COUNT_MAX_EDGES
    best = ({c: list(m) for c, m in members.items()}, _crossed(edges, column, rank) if count else 0)
    for sweep in range(sweeps):
        sign = 1 if sweep % 2 == 0 else -1  # left to right, then back
        for c in cols[::sign]:
            members[c].sort(
                key=functools.partial(
                    _centre, c=c, sign=sign, neighbours=neighbours, column=column, rank=rank
                )
            )
            rerank(c)
        if count:
            crossed = _crossed(edges, column, rank)
            if crossed < best[1]:
                best = ({c: list(m) for c, m in members.items()}, crossed)
    chosen = best[0] if count else members
    return tuple(tuple(chosen[c]) for c in cols)


def _centre(
    i: int,
    c: int,
    sign: int,
    neighbours: list[list[int]],
    column: Sequence[int],
    rank: list[float],
) -> tuple[float, float, int]:
    """Sort key of node ``i`` in column ``c``: the mean rank of its neighbours in the columns
    swept before (left of ``c`` when ``sign`` is 1, right of it when -1), then its own rank."""
    swept = [rank[j] for j in neighbours[i] if (column[j] - c) * sign < 0]
    return (sum(swept) / len(swept) if swept else rank[i], rank[i], i)


def _crossed(edges: Sequence[tuple[int, int]], column: Sequence[int], rank: list[float]) -> int:
    """Crossings of straight links drawn from column to column at the nodes' ranks."""
    segments = [((column[a], rank[a]), (column[b], rank[b])) for a, b in edges]
    count = 0
    for k, (p1, p2) in enumerate(segments):
        for p3, p4 in segments[k + 1 :]:
            if p1 in (p3, p4) or p2 in (p3, p4):
                continue
            lo, hi = max(p1[0], p3[0]), min(p2[0], p4[0])
            if lo >= hi:
                continue
            d0 = _at(p1, p2, lo) - _at(p3, p4, lo)
            d1 = _at(p1, p2, hi) - _at(p3, p4, hi)
            if d0 * d1 < 0:
                count += 1
    return count


def _at(p: tuple[float, float], q: tuple[float, float], x: float) -> float:
    return p[1] + (q[1] - p[1]) * (x - p[0]) / (q[0] - p[0])


def _stack_height(members: list[int], ext: list[tuple[float, float, float]]) -> float:
    return sum(ext[i][1] + ext[i][2] for i in members) + ROW_GAP * max(0, len(members) - 1)


def _stagger(
    columns: list[list[int]], ext: list[tuple[float, float, float]], view: tuple[float, float]
) -> list[list[list[int]]]:
    """Split the tallest columns over sub-columns while that lets the map show larger."""
    splits = [1] * len(columns)

    def stacks(c: int, k: int) -> list[list[int]]:
        return [columns[c][j::k] for j in range(k)]

    def scale(sp: list[int]) -> float:
        width = height = 0.0
        for c, k in enumerate(sp):
            subs = stacks(c, k)
            width += sum(max(ext[i][0] for i in s) for s in subs if s) + SUB_GAP * (k - 1)
            height = max([height] + [_stack_height(s, ext) for s in subs])
        width += COLUMN_GAP * max(0, len(sp) - 1)
        return min(view[0] / max(1.1 * width, 1.0), view[1] / max(1.1 * height, 1.0))

    while True:
        heights = [max(_stack_height(s, ext) for s in stacks(c, k)) for c, k in enumerate(splits)]
        tallest = max(range(len(splits)), key=lambda c: (heights[c], -c), default=None)
        if tallest is None or splits[tallest] >= min(MAX_SPLIT, len(columns[tallest])):
            break
        trial = [*splits[:tallest], splits[tallest] + 1, *splits[tallest + 1 :]]
        if scale(trial) <= scale(splits) * 1.02:
            break
        splits = trial
    return [stacks(c, k) for c, k in enumerate(splits)]


def _place(
    nodes: Sequence[object],
    neighbours: list[list[int]],
    ext: list[tuple[float, float, float]],
    columns: list[list[list[int]]],
) -> list[tuple[float, float]]:
    """x from the column widths; y by sweeps of barycentres kept apart per stack."""
    x = [0.0] * len(nodes)
    left = 0.0
    for c, subs in enumerate(columns):
        if c:
            left += COLUMN_GAP
        for j, stack in enumerate(subs):
            if not stack:
                continue
            if j:
                left += SUB_GAP
            width = max(ext[i][0] for i in stack)
            for i in stack:
                x[i] = left + width / 2
            left += width
    stacks = [s for subs in columns for s in subs if s]
    seps = [[ext[a][2] + ROW_GAP + ext[b][1] for a, b in itertools.pairwise(s)] for s in stacks]
    y = [0.0] * len(nodes)
    for s, sep in zip(stacks, seps, strict=True):
        start = -sum(sep) / 2
        for k, i in enumerate(s):
            y[i] = start + sum(sep[:k])
    numbered = list(zip(stacks, seps, strict=True))
    for sweep in range(16):
        for s, sep in numbered if sweep % 2 == 0 else numbered[::-1]:
            targets = [
                sum(y[j] for j in neighbours[i]) / len(neighbours[i]) if neighbours[i] else y[i]
                for i in s
            ]
            for i, value in zip(s, _isotonic(targets, sep), strict=True):
                y[i] = value
    return list(zip(x, y, strict=True))


def arrange(
    members: list[int],
    pairs: list[tuple[int, int]],
    ext: list[tuple[float, float, float]],
    column: list[int],
    view: tuple[float, float],
) -> dict[int, tuple[float, float]]:
    """Columns, crossing reduction, staggering and placement of the nodes ``members``."""
    local = {m: k for k, m in enumerate(members)}
    inside = [(local[a], local[b]) for a, b in pairs if a in local and b in local]
    col = [column[m] for m in members]
    oriented = [(a, b) if col[a] < col[b] else (b, a) for a, b in inside if col[a] != col[b]]
    sub_ext = [ext[m] for m in members]
    neighbours: list[list[int]] = [[] for _ in members]
    for a, b in sorted({tuple(sorted(p)) for p in inside}):
        neighbours[a].append(b)
        neighbours[b].append(a)
    staggered = _stagger(_order_columns(members, oriented, col), sub_ext, view)
    placed = _place(members, neighbours, sub_ext, staggered)
    return {m: placed[k] for k, m in enumerate(members)}
