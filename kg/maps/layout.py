"""The layered layout of a map: columns by role in the chain, legible at the first view.

:func:`layered_layout` puts nodes in columns by their role in the chain (Sugiyama-style, see
:mod:`kg.maps.columns`): the problem tree from left to right — causes (deeper causes further
left), the challenges, their effects — then the remedies (countermeasures and their actions),
the actors beside the actions they own, and the trends last. Which role a node plays comes
from the ontology through :class:`kg.model.ChainModel`: no relation is named here. Of a few
column orders that keep actors beside actions and trends last (:data:`COLUMN_ORDERS`), the one
whose links cross each other and pass through other nodes least (:func:`crossings`) is chosen.
When the problem tree's columns and the remedies' would not fit side by side, they can form two
bands, one above the other. Every node keeps a box for its label (in both languages), so labels
never overlap at any zoom.

:func:`legible_layout` grows label fonts until the labels can be read with the whole map in
view on a 1400 × 900 window (:data:`VIEW`): all of them if that is possible, else the
headline classes'. :func:`kg.maps.force.force_positions` is the force layout kept as an option.
Everything is deterministic: nodes are taken in sorted order and positions rounded to integers.

>>> import networkx as nx
>>> from kg.loader import load_graph
>>> from kg.model import ChainModel
>>> model = ChainModel.from_graph(load_graph())
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("ch", {"type": "cbec:Challenge", "layer": "problem"}),
...                   ("ca", {"type": "cbec:Cause", "layer": "problem"}),
...                   ("cm", {"type": "cbec:Countermeasure", "layer": "remedy"}),
...                   ("tr", {"type": "cbec:Trend", "layer": "outcome"})])
>>> for u, v, k in [("ch", "ca", "cbec:hasCause"), ("cm", "ca", "cbec:addresses"),
...                 ("cm", "tr", "cbec:supports")]:
...     _ = G.add_edge(u, v, key=k)
>>> pos = layered_layout(G, model).positions
>>> pos["ca"][0] < pos["ch"][0] < pos["cm"][0] < pos["tr"][0]
True
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from kg.maps.columns import BAND_GAP, Extent, arrange, column_kinds
from kg.maps.force import centred
from kg.maps.style import node_extent, node_size, style_of
from kg.model import ChainModel

__all__ = [
    "COLUMN_ORDERS",
    "VIEW",
    "Layout",
    "crossings",
    "layered_layout",
    "legible_layout",
]

#: The map's drawing area on a 1400 × 900 window (the side panel and the bar take the rest):
#: the shape the layered layout aims for.
VIEW = (1079.0, 858.0)

#: Screen size (px) of labels at a map's first view (see :func:`legible_layout`) when all are
#: shown, and of headline labels when only those are; how much a class's font may grow to make
#: every label legible; the largest font of a headline class.
LEGIBLE_PX, HEADLINE_PX, DETAIL_GROWTH, MAX_FONT = 12.5, 15.0, 1.5, 44

#: Orders of the columns after the problem tree, tried in turn: ``whole`` remedies
#: (countermeasures), their ``part``s (actions), the ``agent``s beside the parts, ``outcome``s
#: (trends) last. Nodes of no chain layer go in an ``other`` column at the end.
COLUMN_ORDERS: tuple[tuple[str, ...], ...] = (
    ("whole", "part", "agent", "outcome"),
    ("whole", "agent", "part", "outcome"),
    ("agent", "part", "whole", "outcome"),
    ("part", "agent", "whole", "outcome"),
)

#: Above this many links the column order is not searched and crossings are not counted
#: (counting is quadratic): the first of :data:`COLUMN_ORDERS` is taken.
SEARCH_MAX_EDGES = 1500

Point = tuple[float, float]
Box = tuple[float, float, float, float]  # x0, y0, x1, y1


@dataclass
class Layout:
    """Positions by node, and how the layered layout came out: the column order, its
    crossings, links through other nodes, the scores of every order tried, the box around all
    nodes and labels, and the label font of each class (where it differs from its style)."""

    positions: dict[str, tuple[int, int]]
    order: tuple[str, ...] = ()
    crossings: int = 0
    through: int = 0
    tried: dict[tuple[str, ...], tuple[int, int]] = field(default_factory=dict)
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    fonts: dict[str, int] = field(default_factory=dict)
    bands: bool = False

    @property
    def scale(self) -> float:
        """The scale at which vis-network's ``fit()`` shows the whole layout in :data:`VIEW`
        (it leaves 10 % around and never zooms in past 1)."""
        x0, y0, x1, y1 = self.box
        width, height = 1.1 * (x1 - x0), 1.1 * (y1 - y0)
        return min(1.0, VIEW[0] / max(width, 1.0), VIEW[1] / max(height, 1.0))


# --- columns -----------------------------------------------------------------------------------


def _segments_cross(p1: Point, p2: Point, p3: Point, p4: Point) -> bool:
    def orient(a: Point, b: Point, c: Point) -> float:
        return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])

    d1, d2 = orient(p3, p4, p1), orient(p3, p4, p2)
    d3, d4 = orient(p1, p2, p3), orient(p1, p2, p4)
    return d1 * d2 < 0 and d3 * d4 < 0


def _through_box(p1: Point, p2: Point, box: Box) -> bool:
    """Whether segment p1–p2 passes through the rectangle ``box`` (x0, y0, x1, y1)."""
    x0, y0, x1, y1 = box
    t0, t1 = 0.0, 1.0
    dx, dy = p2[0] - p1[0], p2[1] - p1[1]
    for p, q in ((-dx, p1[0] - x0), (dx, x1 - p1[0]), (-dy, p1[1] - y0), (dy, y1 - p1[1])):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def crossings(
    edges: Sequence[tuple[Any, Any]],
    positions: Mapping[Any, Point],
    boxes: Mapping[Any, Box] | None = None,
) -> tuple[int, int]:
    """``(crossings, through)``: pairs of straight links that cross, and links that pass
    through the box of a node they do not end at.

    >>> crossings([("a", "b"), ("c", "d")], {"a": (0, 0), "b": (2, 2), "c": (0, 2), "d": (2, 0)})
    (1, 0)
    """
    pairs = sorted({(u, v) if str(u) <= str(v) else (v, u) for u, v in edges if u != v}, key=str)
    count = 0
    for k, (a, b) in enumerate(pairs):
        for c, d in pairs[k + 1 :]:
            if len({a, b, c, d}) == 4 and _segments_cross(
                positions[a], positions[b], positions[c], positions[d]
            ):
                count += 1
    through = 0
    if boxes:
        for a, b in pairs:
            for n, box in boxes.items():
                if n not in (a, b) and _through_box(positions[a], positions[b], box):
                    through += 1
    return count, through


def _extents(
    G: nx.MultiDiGraph, leverage: Mapping[str, int], fonts: Mapping[str, int]
) -> dict[str, Extent]:
    out = {}
    for n, a in G.nodes(data=True):
        cls = a.get("type", "")
        size = node_size(cls, int(leverage.get(n, 0)))
        labels = [a.get("label_en") or "", a.get("label_zh") or ""]
        out[n] = node_extent(cls, size, labels, fonts.get(cls))
    return out


def layered_layout(
    G: nx.MultiDiGraph,
    model: ChainModel,
    *,
    leverage: Mapping[str, int] | None = None,
    orders: Sequence[tuple[str, ...]] = COLUMN_ORDERS,
    fonts: Mapping[str, int] | None = None,
    bands: bool = False,
) -> Layout:
    """The layered layout of ``G`` (see the module); positions keyed by node, centred on 0.

    ``fonts`` overrides the label font of some classes (class CURIE → px). With ``bands`` the
    problem tree's columns form a band above the others (remedies, actors, trends) instead of
    beside them: half as wide, for maps whose many columns would not fit a screen's width."""
    leverage, fonts = leverage or {}, dict(fonts or {})
    nodes = sorted(G.nodes, key=str)
    if not nodes:
        return Layout({})
    index = {n: i for i, n in enumerate(nodes)}
    kinds = column_kinds(G, model)
    extents = _extents(G, leverage, fonts)
    ext = [extents[n] for n in nodes]
    pairs = sorted({(index[u], index[v]) for u, v in G.edges() if u != v})
    depths = sorted({d for k, d in kinds.values() if k == "problem"})
    problem = [i for i, n in enumerate(nodes) if kinds[n][0] == "problem"]
    rest = [i for i, n in enumerate(nodes) if kinds[n][0] != "problem"]
    split = bands and problem and rest
    search = list(orders) if len(pairs) <= SEARCH_MAX_EDGES else list(orders[:1])
    best: Layout | None = None
    tried: dict[tuple[str, ...], tuple[int, int]] = {}
    for tail in search:
        sequence = [("problem", d) for d in depths] + [(k, 0) for k in (*tail, "other")]
        rank = {kind: r for r, kind in enumerate(sequence)}
        column = [rank[kinds[n]] for n in nodes]
        if split:
            view = (VIEW[0], VIEW[1] / 2)
            top = arrange(problem, pairs, ext, column, view)
            bottom = arrange(rest, pairs, ext, column, view)
            placed_map = {**_shift(top, ext, 0.0), **_shift(bottom, ext, 0.0)}
            gap = (
                max(placed_map[i][1] + ext[i][2] for i in problem)
                + BAND_GAP
                - min(placed_map[i][1] - ext[i][1] for i in rest)
            )
            placed_map.update({i: (x, y + gap) for i, (x, y) in placed_map.items() if i in rest})
        else:
            placed_map = arrange(list(range(len(nodes))), pairs, ext, column, VIEW)
        # counted on the positions drawn (rounded), so the figures are those of the map
        positions = centred(nodes, [placed_map[i] for i in range(len(nodes))])
        drawn = {i: positions[n] for i, n in enumerate(nodes)}
        boxes = {
            i: (px - ext[i][0] / 2, py - ext[i][1], px + ext[i][0] / 2, py + ext[i][2])
            for i, (px, py) in drawn.items()
        }
        if len(pairs) <= SEARCH_MAX_EDGES:
            cross, through = crossings(pairs, drawn, boxes)
        else:  # too many links to count pairs of them: the first order, uncounted
            cross = through = -1
        tried[tail] = (cross, through)
        if best is None or cross + through < best.crossings + best.through:
            box = (
                min(positions[n][0] - ext[i][0] / 2 for i, n in enumerate(nodes)),
                min(positions[n][1] - ext[i][1] for i, n in enumerate(nodes)),
                max(positions[n][0] + ext[i][0] / 2 for i, n in enumerate(nodes)),
                max(positions[n][1] + ext[i][2] for i, n in enumerate(nodes)),
            )
            best = Layout(positions, tail, cross, through, box=box, fonts=fonts, bands=bool(split))
    assert best is not None
    best.tried = tried
    return best


def _shift(
    placed: dict[int, tuple[float, float]], ext: list[tuple[float, float, float]], y: float
) -> dict[int, tuple[float, float]]:
    """``placed`` centred horizontally on 0 and starting at height ``y``."""
    x0 = min(p[0] - ext[i][0] / 2 for i, p in placed.items())
    x1 = max(p[0] + ext[i][0] / 2 for i, p in placed.items())
    y0 = min(p[1] - ext[i][1] for i, p in placed.items())
    return {i: (px - (x0 + x1) / 2, py - y0 + y) for i, (px, py) in placed.items()}


def legible_layout(
    G: nx.MultiDiGraph,
    model: ChainModel,
    headline: set[str],
    *,
    leverage: Mapping[str, int] | None = None,
    orders: Sequence[tuple[str, ...]] = COLUMN_ORDERS,
) -> Layout:
    """:func:`layered_layout` with labels large enough to read when the whole map is in view:
    every label (:data:`LEGIBLE_PX`) if fonts up to :data:`DETAIL_GROWTH` times their class's
    can do it, else the labels of the ``headline`` classes (:data:`HEADLINE_PX`, fonts up to
    :data:`MAX_FONT`); the other labels then show from the zoom at which they can be read.
    One row of columns reads best as the chain; two bands are used only when they make every
    label legible and the row cannot. Fonts only grow, so this ends."""
    present = sorted({G.nodes[n].get("type", "") for n in G})

    def grow(plain: Layout, classes: list[str], cap: Any, px: float, bands: bool) -> Layout:
        fonts: dict[str, int] = {}
        layout = plain
        for _ in range(10):
            want = {
                c: min(cap(c), max(fonts.get(c, style_of(c).font), math.ceil(px / layout.scale)))
                for c in classes
            }
            if want == fonts:
                break
            fonts = want
            layout = layered_layout(
                G, model, leverage=leverage, orders=orders, fonts=fonts, bands=bands
            )
        return layout

    def legible(layout: Layout, classes: list[str], px: float) -> bool:
        return all(
            layout.fonts.get(c, style_of(c).font) * layout.scale >= px - 0.05 for c in classes
        )

    tops = [c for c in present if c in headline]
    results = []
    for bands in (False, True):
        plain = layered_layout(G, model, leverage=leverage, orders=orders, bands=bands)
        if bands and not plain.bands:
            continue
        layout = plain
        if not legible(plain, present, LEGIBLE_PX):
            detail = lambda c: math.floor(DETAIL_GROWTH * style_of(c).font)  # noqa: E731
            layout = grow(plain, present, detail, LEGIBLE_PX, bands)
            if not legible(layout, present, LEGIBLE_PX):
                layout = grow(plain, tops, lambda c: MAX_FONT, HEADLINE_PX, bands)
        results.append((legible(layout, present, LEGIBLE_PX), not bands, layout.scale, layout))
    return max(results, key=lambda r: r[:3])[3]
