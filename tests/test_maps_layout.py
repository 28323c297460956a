"""The layered layout (kg.maps.layout): it reads as the chain, keeps labels apart, is
deterministic, and picks the column order with fewest crossings.

Checked on the positions the map pages carry, with each node's class read from the RDF.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from mapbrowser import page_data

from kg.maps.layout import COLUMN_ORDERS, Layout, crossings, layered_layout, legible_layout
from kg.maps.style import node_extent
from kg.model import ChainModel

PROBLEM = {"cbec:Challenge", "cbec:Cause", "cbec:Effect"}
REMEDY = {"cbec:Countermeasure", "cbec:Action"}
AGENT = {"cbec:Actor", "cbec:Platform"}


@pytest.fixture(scope="module")
def model(kg_graph):
    return ChainModel.from_graph(kg_graph)


def _pages(maps):
    for name, path in sorted(maps.items()):
        if name != "index":
            yield name, page_data(path)


def _placed(data: dict) -> list[dict]:
    s, classes = data["s"], data["c"]
    return [
        {
            "key": s[r[0]],
            "cls": classes[r[1]][0],
            "x": r[6],
            "y": r[7],
            "size": r[10],
            "labels": [s[r[2]], s[r[3]]],
            "font": classes[r[1]][5],
        }
        for r in data["n"]
    ]


def test_each_map_reads_as_the_chain(maps):
    """Row: the problem tree left of the remedies, trends right of them, actors in a column
    next to the actions'. Bands: the problem tree above everything else."""
    for name, data in _pages(maps):
        nodes = _placed(data)
        by = {
            k: [n for n in nodes if n["cls"] in k] for k in map(frozenset, (PROBLEM, REMEDY, AGENT))
        }
        problems, remedies, agents = (
            by[frozenset(PROBLEM)],
            by[frozenset(REMEDY)],
            by[frozenset(AGENT)],
        )
        trends = [n for n in nodes if n["cls"] == "cbec:Trend"]
        if data["l"]["bands"]:
            top = max(n["y"] for n in problems)
            assert all(n["y"] > top for n in remedies + agents + trends), name
            continue
        assert max(n["x"] for n in problems) < min(n["x"] for n in remedies), name
        if trends:
            assert min(n["x"] for n in trends) > max(n["x"] for n in remedies + agents), name
        actions = [n for n in nodes if n["cls"] == "cbec:Action"]
        if agents and actions:
            lo = min(max(n["x"] for n in agents), max(n["x"] for n in actions))
            hi = max(min(n["x"] for n in agents), min(n["x"] for n in actions))
            between = [n["key"] for n in nodes if lo < n["x"] < hi and n["cls"] not in AGENT]
            assert not [k for k in between if k not in {n["key"] for n in actions}], name


def test_no_two_label_boxes_overlap_at_any_zoom(maps):
    """Every node keeps a box for its shape and its label in either language (the widest and
    tallest), and the boxes of a map never meet: labels cannot overlap at any zoom."""
    for name, data in _pages(maps):
        boxes = []
        for n in _placed(data):
            width, above, below = node_extent(n["cls"], n["size"], n["labels"], n["font"])
            boxes.append(
                (n["key"], n["x"] - width / 2, n["y"] - above, n["x"] + width / 2, n["y"] + below)
            )
        for a, b in itertools.combinations(boxes, 2):
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, (name, a[0], b[0])


def test_the_layout_is_deterministic(chain_view, model):
    first = layered_layout(chain_view, model)
    again = layered_layout(nx.MultiDiGraph(chain_view), model)
    assert first.positions == again.positions
    assert all(isinstance(v, int) for p in first.positions.values() for v in p)


def test_the_order_with_fewest_crossings_wins(chain_view, model):
    layout = layered_layout(chain_view, model)
    assert set(layout.tried) == set(COLUMN_ORDERS)
    score = {order: sum(s) for order, s in layout.tried.items()}
    assert score[layout.order] == min(score.values())
    pairs = [(u, v) for u, v in chain_view.edges() if u != v]
    assert crossings(pairs, layout.positions)[0] == layout.crossings


def test_crossings_by_hand():
    square = {"a": (0, 0), "b": (2, 2), "c": (0, 2), "d": (2, 0), "e": (1, 5)}
    assert crossings([("a", "b"), ("c", "d")], square) == (1, 0)
    assert crossings([("a", "c"), ("b", "d")], square) == (0, 0)
    assert crossings([("a", "b"), ("a", "d")], square) == (0, 0)  # a shared end is no crossing
    box = {"m": (0.5, 0.5, 1.5, 1.5)}
    assert crossings([("a", "b")], {**square, "m": (1, 1)}, box) == (0, 1)
    assert crossings([("a", "c")], {**square, "m": (1, 1)}, box) == (0, 0)


def test_scale_is_vis_networks_fit_scale_by_hand():
    assert Layout({}, box=(0, 0, 900, 390)).scale == 1.0  # never above 1
    assert Layout({}, box=(-1000, -100, 1000, 100)).scale == pytest.approx(1079 / 2200)


def test_headline_fonts_grow_to_be_read_on_the_overview(chain_view, model):
    heads = {"cbec:Challenge", "cbec:Countermeasure", "cbec:Trend"}
    layout = legible_layout(chain_view, model, heads)
    for cls in heads:
        assert layout.fonts[cls] * layout.scale >= 12  # drawn, and fully opaque
    assert layout.positions.keys() == set(chain_view)
