"""Paths along the chain and over any link (kg.pathfinding), on the fixture of test_projection
(drawn in test_measures) with values worked out by hand, and through the ``kg path`` command.

Along the chain (kg.chain.GRAMMAR) the fixture allows these steps: down h1 → c1, c2 and
h2 → c3, c4; from a problem to a remedy addressing it (h1 → m1, c1 → a1, c2 → a2, c3 → a2, a3,
h2 → m2); one step inside the remedy tree (a1, a2 → m1; m1 → a1, a2; a3 → m2; m2 → a3); on to
a trend (a1 → t1, m2 → t2).
"""

from __future__ import annotations

import json

import pytest
from test_projection import FIXTURE_TTL, FX, fixture_graph

from kg.cli import main
from kg.errors import InputError
from kg.model import ChainModel
from kg.pathfinding import challenge_trend_paths, resolve, shortest_paths
from kg.projection import project
from kg.render.text import path_text


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


def _paths(G, model, cutoff):
    return {
        (short(p["challenge"]["iri"]), short(p["trend"]["iri"])): [
            [short(n) for n in path["nodes"]] for path in p["paths"]
        ]
        for p in challenge_trend_paths(G, model, cutoff)
    }


def test_challenge_trend_paths_by_hand(G, model):
    assert _paths(G, model, 5) == {
        ("h1", "t1"): [["h1", "c1", "a1", "t1"], ["h1", "m1", "a1", "t1"]],
        ("h1", "t2"): [],  # the credit strand never reaches m2
        # c3 → a2 → m1 is one step inside the remedy tree; m1 → a1 would be a second: a2's
        # sibling a1 does not remedy the talent shortage
        ("h2", "t1"): [],
        ("h2", "t2"): [["h2", "m2", "t2"], ["h2", "c3", "a3", "m2", "t2"]],
    }
    assert _paths(G, model, 3)[("h2", "t2")] == [["h2", "m2", "t2"]]


def test_path_steps_carry_reading_and_stated(G, model):
    pair = next(
        p
        for p in challenge_trend_paths(G, model)
        if (short(p["challenge"]["iri"]), short(p["trend"]["iri"])) == ("h2", "t2")
    )
    assert (pair["count"], pair["shortest"]) == (2, 2)
    first = pair["paths"][0]
    assert [(s["predicate"], s["direction"], s["reading"]["en"]) for s in first["steps"]] == [
        ("cbec:addresses", "reverse", "addressed by"),
        ("cbec:supports", "forward", "supports"),
    ]
    assert [s["reading"]["zh"] for s in first["steps"]] == ["由……应对", "助推"]
    assert first["all_stated"] is False  # m2 supports t2 is inferred
    assert first["steps"][0]["evidence"] == [{"section": "3.1", "quote": "m2 addresses h2"}]


def test_per_pair_limit_keeps_the_count(G, model):
    pair = next(
        p
        for p in challenge_trend_paths(G, model, per_pair=1)
        if (short(p["challenge"]["iri"]), short(p["trend"]["iri"])) == ("h1", "t1")
    )
    assert (pair["count"], len(pair["paths"])) == (2, 1)


# --- naming nodes ----------------------------------------------------------------------------


def test_resolve_by_label_iri_and_curie(G):
    assert resolve(G, "credit GAP") == FX + "h1"  # exact, case-insensitive
    assert resolve(G, "人才短缺") == FX + "h2"
    assert resolve(G, "id:fx-a3") == FX + "a3"
    assert resolve(G, FX + "t1") == FX + "t1"
    assert resolve(G, "Talent gap") == FX + "c3"  # exact wins over partial
    assert resolve(G, "courses") == FX + "a3"  # a single partial match
    assert resolve(G, "shortage talent") == FX + "h2"  # every word, in any order


def test_resolve_ambiguous_lists_candidates(G):
    with pytest.raises(InputError) as err:
        resolve(G, "credit")
    message = str(err.value)
    assert "matches 3 nodes" in message
    for label in ("Credit gap", "Credit supervision", "Credit data sharing"):
        assert label in message


def test_resolve_unknown_suggests_close_labels(G):
    with pytest.raises(InputError, match="did you mean: 'Talent shortage', "):
        resolve(G, "Talent shortgae")


# --- shortest paths --------------------------------------------------------------------------


def test_chain_paths_follow_the_chain(G, model):
    found = shortest_paths(G, model, "Credit gap", "Digitalisation")
    assert (found["mode"], found["reversed"]) == ("chain", False)
    assert [[short(s["to"]) for s in p] for p in found["paths"]] == [
        ["c1", "a1", "t1"],
        ["m1", "a1", "t1"],
    ]
    steps = found["paths"][1]
    assert [(s["predicate"], s["direction"], s["reading"]["en"]) for s in steps] == [
        ("cbec:addresses", "reverse", "addressed by"),
        ("cbec:hasAction", "forward", "has action"),
        ("cbec:supports", "forward", "supports"),
    ]
    assert all(s["along_chain"] for p in found["paths"] for s in p)
    assert found["through"] == []


def test_a_path_read_the_other_way_is_marked_reversed(G, model):
    found = shortest_paths(G, model, "Digitalisation", "Credit gap")
    assert found["reversed"] is True
    assert [short(s["from"]) for s in found["paths"][0]] == ["h1", "c1", "a1"]


def test_no_chain_path_between_strands(G, model):
    # Payment risk (c1) and Talent training (m2) meet only through a2's concerns link and c3
    found = shortest_paths(G, model, "Payment risk", "Talent training")
    assert found["paths"] == []


def test_any_link_paths_say_where_they_leave_the_chain(G, model):
    found = shortest_paths(G, model, "Payment risk", "Talent training", any_link=True)
    assert found["mode"] == "any"
    # direction ignored: c1 - a2 (a2 concerns c1) - c3 - then h2 or a3 - m2, 4 steps
    assert [[short(s["to"]) for s in p] for p in found["paths"]] == [
        ["a2", "c3", "a3", "m2"],
        ["a2", "c3", "h2", "m2"],
    ]
    step = found["paths"][0][0]
    assert (step["predicate"], step["direction"], step["stated"], step["along_chain"]) == (
        "cbec:concerns",
        "reverse",
        True,
        False,
    )
    assert step["evidence"] == [{"section": "3.1", "quote": "a2 concerns c1"}]
    assert (step["from_label_zh"], step["to_label_en"]) == ("支付风险", "Credit data sharing")
    assert [(s["predicate"], s["direction"], s["along_chain"]) for s in found["paths"][1]] == [
        ("cbec:concerns", "reverse", False),  # a2 concerns c1: outside the chain
        ("cbec:addresses", "forward", False),  # a2 addresses c3, walked from the remedy
        ("cbec:hasCause", "reverse", False),  # h2 has cause c3, walked up
        ("cbec:addresses", "reverse", True),  # m2 addresses h2: problem → remedy
    ]
    assert "[against the chain]" in path_text(found)


def test_any_link_paths_name_the_actors_they_pass(graph, model):
    G = project(graph, "full")
    found = shortest_paths(G, model, "Payment law", "University courses", any_link=True)
    assert [short(n) for n in found["through"]] == []  # a1 - c1 - a2 - c3 - a3: no actor
    extra = "id:fx-a1 cbec:responsibleActor id:fx-plat ."
    G2 = project(fixture_graph(extra), "full")
    found = shortest_paths(G2, model, "Payment law", "University courses", any_link=True)
    assert [[short(s["to"]) for s in p] for p in found["paths"]] == [["plat", "a3"]]
    assert [short(n) for n in found["through"]] == ["plat"]


def test_shortest_paths_unconnected_is_empty(G, model):
    H = G.copy()
    H.add_node("urn:x", label_en="Island", label_zh="孤岛", type="cbec:Trend", layer="outcome")
    assert shortest_paths(H, model, "Island", "Credit gap")["paths"] == []
    assert shortest_paths(H, model, "Island", "Credit gap", any_link=True)["paths"] == []


# --- command line ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fx") / "fixture.ttl"
    path.write_text(FIXTURE_TTL, encoding="utf-8")
    return path


@pytest.fixture
def only_fixture(monkeypatch, fixture_file):
    """CLI arguments that load the ontology and the fixture, without the embedded KG."""
    monkeypatch.setattr("kg.paths.data_files", lambda: [])
    return ["--with", str(fixture_file)]


def test_cli_path(runner, only_fixture):
    args = ["path", *only_fixture, "--view", "remedy"]
    ok = runner.invoke(main, [*args, "Fraud", "信用监管"])
    assert ok.exit_code == 0, ok.output
    assert "Path 1 (2 steps, along the chain):" in ok.output and "Path 2" not in ok.output
    assert "Fraud —addressed by→ Credit data sharing  (inferred: fixture)" in ok.output
    assert "Credit data sharing —part of→ Credit supervision  (stated)" in ok.output
    assert "§3.1 「a2 addresses c2」" in ok.output
    as_json = runner.invoke(main, [*args, "Fraud", "信用监管", "--format", "json"])
    assert len(json.loads(as_json.output)["paths"]) == 1
    zh = runner.invoke(main, [*args, "Fraud", "信用监管", "--lang", "zh"])
    assert "欺诈 —由……应对→ 信用数据共享" in zh.output


def test_cli_path_errors(runner, only_fixture):
    args = ["path", *only_fixture, "--view", "remedy"]
    ambiguous = runner.invoke(main, [*args, "credit", "Fraud"])
    assert ambiguous.exit_code == 2
    assert "matches 3 nodes" in ambiguous.output
    unknown = runner.invoke(main, [*args, "Fruad", "Fraud"])
    assert unknown.exit_code == 2 and "did you mean: 'Fraud'" in unknown.output
    bad_view = runner.invoke(main, ["path", "--view", "remedies", "a", "b"])
    assert bad_view.exit_code == 2 and "remedy, chain, actors, full" in bad_view.output
    apart = runner.invoke(main, [*args, "Payment risk", "Talent training"])
    assert apart.exit_code == 1
    assert "no path between 'Payment risk' and 'Talent training'" in apart.output
    assert "--any-link" in apart.output
    anyway = runner.invoke(main, [*args, "--any-link", "Payment risk", "Talent training"])
    assert anyway.exit_code == 0 and "over any link" in anyway.output
