"""Measures of the remedy network (kg.measures) on the hand-made fixture of test_projection, with
values worked out by hand.

The fixture's remedy view (13 nodes, 16 links; S = stated, I = inferred)::

    h1 Credit gap      --hasCause--> c1 (S), c2 (S)
    h2 Talent shortage --hasCause--> c3 (I), c4 (S)
    m1 Credit supervision --hasAction--> a1, a2 ;  m2 Talent training --hasAction--> a3
    m1 → h1 (S)   a1 → c1 (S)   a2 → c2 (I)   a2 → c3 (I)   m2 → h2 (S)   a3 → c3 (S)  [addresses]
    a1 --supports--> t1 (S) ;  m2 --supports--> t2 (I) ;  a2 --concerns--> c1 (S)
"""

from __future__ import annotations

import networkx as nx
import pytest
from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python
from test_projection import FX, fixture_graph

from kg.measures import (
    bridges,
    centrality,
    communities,
    coverage,
    leverage,
    leverage_scores,
    pagerank,
    rank_leverage,
    unremedied_problems,
)
from kg.model import ChainModel
from kg.projection import project


def short(iri: str) -> str:
    return iri.removeprefix(FX)


@pytest.fixture(scope="module")
def graph():
    return fixture_graph()


@pytest.fixture(scope="module")
def model(graph):
    return ChainModel.from_graph(graph)


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


# --- leverage --------------------------------------------------------------------------------


def test_leverage_by_hand(G, model):
    lev = {short(n): (i["by_group"], i["score"]) for n, i in leverage(G, model).items()}
    assert lev == {
        "a1": ({"causes": 1, "challenges": 1}, 2),  # c1, and h1 above it
        "a2": ({"causes": 2, "challenges": 2}, 4),  # c2, c3, and h1, h2 above them
        "a3": ({"causes": 1, "challenges": 1}, 2),  # c3 → h2
        "m1": ({"causes": 3, "challenges": 2}, 5),  # h1 itself; c1 via a1; c2, c3 via a2
        "m2": ({"causes": 1, "challenges": 1}, 2),  # h2 itself; c3 via a3 (→ h2 again)
    }
    assert [short(c) for c in leverage(G, model)[FX + "m1"]["problems"]] == [
        "c1",
        "c2",
        "c3",
        "h1",
        "h2",
    ]


def test_leverage_reaches_up_a_deeper_tree(graph):
    # c5 lies beneath c1; an action on c5 reaches c5, c1 and h1, and the effect e1 of h1
    extra = """
id:fx-c5 a cbec:Cause ; skos:prefLabel "Weak law"@en , "法律薄弱"@zh .
id:fx-e1 a cbec:Effect ; skos:prefLabel "Slow growth"@en , "发展缓慢"@zh .
id:fx-c1 cbec:hasCause id:fx-c5 . id:fx-e1 cbec:hasCause id:fx-h1 .
id:fx-a3 cbec:addresses id:fx-c5 ."""
    g = fixture_graph(extra)
    item = leverage(project(g), ChainModel.from_graph(g))[FX + "a3"]
    assert [short(p) for p in item["problems"]] == ["c1", "c3", "c5", "e1", "h1", "h2"]
    assert item["by_group"] == {"causes": 3, "challenges": 2, "effects": 1}


def test_leverage_scores_only_remedies(G, model):
    scores = leverage_scores(G, model)
    assert {short(n): s for n, s in scores.items()} == {"a1": 2, "a2": 4, "a3": 2, "m1": 5, "m2": 2}
    assert FX + "h1" not in scores


def test_leverage_ranking(G, model):
    # ties (score 2) break by type (actions first), then by English label
    assert [short(r["iri"]) for r in rank_leverage(G, model)] == ["m1", "a2", "a1", "a3", "m2"]


# --- coverage --------------------------------------------------------------------------------


def test_coverage_matrix_by_hand(G, model):
    cov = coverage(G, model)
    cells = {
        (short(h), short(m)): (c["stated"], c["inferred"], c["total"])
        for h, row in cov["matrix"].items()
        for m, c in row.items()
    }
    assert cells == {
        ("h1", "m1"): (2, 1, 3),  # m1 → h1 (S), a1 → c1 (S), a2 → c2 (I)
        ("h1", "m2"): (0, 0, 0),
        ("h2", "m1"): (0, 1, 1),  # a2 → c3 (I)
        ("h2", "m2"): (2, 0, 2),  # m2 → h2 (S), a3 → c3 (S)
    }
    assert [short(h["iri"]) for h in cov["challenges"]] == ["h1", "h2"]
    assert cov["uncovered_challenges"] == []


def test_unremedied_problems(G, model):
    found = unremedied_problems(G, model)
    assert [(short(c["iri"]), c["label_en"]) for c in found] == [("c4", "仅有中文")]
    assert [short(h) for h in found[0]["challenges"]] == ["h2"]


def test_an_effect_is_remedied_through_its_causes():
    extra = """
id:fx-e1 a cbec:Effect ; skos:prefLabel "Slow growth"@en , "发展缓慢"@zh .
id:fx-e2 a cbec:Effect ; skos:prefLabel "Lost orders"@en , "订单流失"@zh .
id:fx-e1 cbec:hasCause id:fx-c1 .
id:fx-e2 cbec:hasCause id:fx-c4 ."""
    g = fixture_graph(extra)
    found = unremedied_problems(project(g), ChainModel.from_graph(g))
    # e1 is remedied through c1 (a1 addresses it); c4 has no remedy, so neither has e2
    assert [short(p["iri"]) for p in found] == ["e2", "c4"]  # no section: by English label
    assert [short(h) for h in found[0]["challenges"]] == ["h2"]


# --- centrality ------------------------------------------------------------------------------


def test_pagerank_matches_the_closed_form():
    # a → b, b dangling: a = 0.15/2 + 0.85·b/2 and a + b = 1, so a = 0.5 / 1.425
    ranks = pagerank(nx.MultiDiGraph([("a", "b")]))
    assert ranks["a"] == pytest.approx(0.5 / 1.425, abs=1e-9)
    assert ranks["b"] == pytest.approx(1 - 0.5 / 1.425, abs=1e-9)


def test_pagerank_agrees_with_networkx_reference(G):
    ours = pagerank(G)
    reference = _pagerank_python(G, tol=1e-12, max_iter=1000)
    assert ours == pytest.approx(reference, abs=1e-9)
    assert sum(ours.values()) == pytest.approx(1.0)


def test_centrality(G):
    cent = centrality(G, top=2)
    h1 = cent["nodes"][FX + "h1"]
    assert h1["degree"] == pytest.approx(3 / 12)  # c1, c2, m1 of 12 other nodes
    assert cent["nodes"][FX + "c4"]["betweenness"] == 0.0  # a leaf
    assert cent["nodes"][FX + "t2"]["betweenness"] == 0.0
    # c3 is the only cause joining the credit and talent strands
    assert short(cent["top"]["cbec:Cause"]["betweenness"][0]["iri"]) == "c3"
    assert len(cent["top"]["cbec:Action"]["degree"]) == 2
    types = {"Action", "Cause", "Challenge", "Countermeasure", "Trend"}
    assert set(cent["top"]) == {f"cbec:{t}" for t in types}


# --- communities and bridges -----------------------------------------------------------------


def test_communities_split_credit_and_talent(G):
    comm = communities(G)
    members = [{short(n) for n in c["members"]} for c in comm["communities"]]
    assert members == [
        {"h1", "c1", "c2", "m1", "a1", "a2", "t1"},
        {"h2", "c3", "c4", "m2", "a3", "t2"},
    ]
    # 16 links; 9 inside the first (degree sum 19), 6 inside the second (13), 1 across:
    # Q = 9/16 - (19/32)² + 6/16 - (13/32)² = 430/1024. (Splitting {a2, c2} off the first
    # gives 5/16 - (13/32)² + 1/16 - (6/32)² + 6/16 - (13/32)² = 394/1024, less.)
    assert comm["modularity"] == pytest.approx(430 / 1024)
    assert comm["seed"] == 42


def test_bridges(G):
    comm = communities(G)
    betweenness = {n: v["betweenness"] for n, v in centrality(G)["nodes"].items()}
    found = bridges(G, comm["membership"], betweenness)
    # a2 lies on 36 cross pairs, c3 on 35: a2 ranks first
    assert [(short(b["iri"]), b["communities"], b["cross_links"]) for b in found] == [
        ("a2", [0, 1], 1),
        ("c3", [0, 1], 1),
    ]
