"""Columns of the layered layout (kg.maps.columns): which column, which order, which height.

Column expectations come from the RDF through SPARQL (what causes what, what has which action)
or from small graphs drawn by hand.
"""

from __future__ import annotations

import itertools

import networkx as nx
import pytest
from rdflib import URIRef

from kg.maps.columns import _crossed, _isotonic, _order_columns, arrange, column_kinds
from kg.maps.layout import VIEW
from kg.model import ChainModel


def _graph(nodes: dict[str, tuple[str, str]], links: list[tuple[str, str, str]]):
    G = nx.MultiDiGraph()
    for n, (cls, layer) in nodes.items():
        G.add_node(n, type=cls, layer=layer)
    for u, v, k in links:
        G.add_edge(u, v, key=k)
    return G


@pytest.fixture(scope="module")
def model(kg_graph):
    return ChainModel.from_graph(kg_graph)


def test_columns_by_hand(model):
    """c2 → c1 → h → e1 → e2 (cause of a cause, challenge, effect of an effect); m has action
    a; t a trend; x an actor; d a driver (no chain layer)."""
    G = _graph(
        {
            "h": ("cbec:Challenge", "problem"),
            "c1": ("cbec:Cause", "problem"),
            "c2": ("cbec:Cause", "problem"),
            "e1": ("cbec:Effect", "problem"),
            "e2": ("cbec:Effect", "problem"),
            "m": ("cbec:Countermeasure", "remedy"),
            "a": ("cbec:Action", "remedy"),
            "t": ("cbec:Trend", "outcome"),
            "x": ("cbec:Actor", "agent"),
            "d": ("cbec:Driver", ""),
        },
        [
            ("h", "c1", "cbec:hasCause"),
            ("c1", "c2", "cbec:hasCause"),
            ("e1", "h", "cbec:hasCause"),
            ("e2", "e1", "cbec:hasCause"),
            ("m", "a", "cbec:hasAction"),
            ("a", "c2", "cbec:addresses"),
            ("m", "t", "cbec:supports"),
            ("a", "x", "cbec:responsibleActor"),
            ("t", "d", "cbec:hasDriver"),
        ],
    )
    assert column_kinds(G, model) == {
        "c2": ("problem", -2),
        "c1": ("problem", -1),
        "h": ("problem", 0),
        "e1": ("problem", 1),
        "e2": ("problem", 2),
        "m": ("whole", 0),
        "a": ("part", 0),
        "t": ("outcome", 0),
        "x": ("agent", 0),
        "d": ("other", 0),
    }


def test_columns_of_the_kg_follow_the_rdf(kg_graph, chain_view, model):
    kinds = column_kinds(chain_view, model)

    def typed(cls: str) -> set[str]:
        rows = kg_graph.query("SELECT ?n WHERE { ?n a ?c }", initBindings={"c": URIRef(cls)})
        return {str(r[0]) for r in rows} & set(chain_view)

    ns = "https://w3id.org/cbec-kg/ontology#"
    assert {kinds[n] for n in typed(ns + "Challenge")} == {("problem", 0)}
    below = {
        str(r[0])
        for r in kg_graph.query("SELECT ?c WHERE { ?h a cbec:Challenge ; cbec:hasCause+ ?c }")
    } & set(chain_view)
    assert below and all(kinds[n][0] == "problem" and kinds[n][1] < 0 for n in below)
    for x, y in kg_graph.query("SELECT ?x ?y WHERE { ?x cbec:hasCause ?y }"):
        x, y = str(x), str(y)
        if x in chain_view and y in chain_view:
            assert kinds[y][1] < kinds[x][1], (x, y)  # what produces a problem lies left of it
    assert {kinds[n] for n in typed(ns + "Countermeasure")} == {("whole", 0)}
    assert {kinds[n] for n in typed(ns + "Action")} == {("part", 0)}
    assert {kinds[n] for n in typed(ns + "Trend")} == {("outcome", 0)}
    assert {kinds[n] for n in typed(ns + "Actor") | typed(ns + "Platform")} == {("agent", 0)}


def test_isotonic_keeps_the_gaps_and_moves_least():
    assert _isotonic([5.0, 6.0, 30.0], [10.0, 10.0]) == [0.5, 10.5, 30.0]  # by hand
    targets, gaps = [3.0, -4.0, 8.0, 8.0, 2.0], [5.0, 1.0, 2.0, 4.0]
    placed = _isotonic(targets, gaps)
    assert all(
        b - a >= g - 1e-9 for (a, b), g in zip(itertools.pairwise(placed), gaps, strict=True)
    )
    # optimal: no shift of the whole solution lowers the squared distance
    cost = sum((p - t) ** 2 for p, t in zip(placed, targets, strict=True))
    for d in (-0.1, 0.1):
        assert cost <= sum((p + d - t) ** 2 for p, t in zip(placed, targets, strict=True))
    assert _isotonic([0.0, 50.0], [10.0]) == [0.0, 50.0]  # already apart: untouched


def test_ordering_removes_crossings_by_hand():
    # columns 0: a1 a2 a3, 1: b1 b2 b3; links a1-b3, a2-b2, a3-b1 all cross in index order
    column = [0, 0, 0, 1, 1, 1]
    edges = [(0, 5), (1, 4), (2, 3)]
    rank = [0.0, 0.5, 1.0, 0.0, 0.5, 1.0]
    assert _crossed(edges, column, rank) == 3
    ordered = _order_columns(["a1", "a2", "a3", "b1", "b2", "b3"], edges, column)
    position = {i: k / 2 for col in ordered for k, i in enumerate(col)}
    assert _crossed(edges, column, [position[i] for i in range(6)]) == 0


def test_a_column_is_stacked_without_overlap_and_staggered_when_too_tall():
    n = 40  # one column of tall nodes: too tall for the screen, so staggered
    ext = [(100.0, 10.0, 60.0)] * n + [(100.0, 10.0, 20.0)]
    column = [1] * n + [0]
    pairs = [(n, i) for i in range(n)]  # one node on the left linked to all of them
    placed = arrange(list(range(n + 1)), pairs, ext, column, VIEW)
    xs = sorted({placed[i][0] for i in range(n)})
    assert len(xs) >= 2  # staggered over sub-columns
    for i, j in itertools.combinations(range(n), 2):
        if placed[i][0] == placed[j][0]:
            top, bottom = sorted((i, j), key=lambda k: placed[k][1])
            assert placed[bottom][1] - placed[top][1] >= ext[top][2] + ext[bottom][1]
    assert placed[n][0] < min(xs)
