"""Tracing cause → remedy → trend chains from any node, on every backend."""

from __future__ import annotations

import json

import pytest
from helpers import DATA
from rdflib import URIRef

from kg.backends import MemoryBackend, OxigraphBackend
from kg.build import build, materialise_inverses
from kg.cli import main
from kg.loader import load_graph
from kg.namespaces import CBEC, ID
from kg.trace import KEYS, trace

TALENT = str(ID["challenge-talent"])
CREDIT = str(ID["challenge-credit-guarantee"])


@pytest.fixture(scope="module")
def graph():
    g = load_graph()
    materialise_inverses(g)
    return g


@pytest.fixture(scope="module")
def backend(graph):
    return MemoryBackend(graph)


def iris(t: dict, key: str) -> set[str]:
    return {item["iri"] for item in t[key]}


def test_json_contract(backend):
    t = trace(backend, "id:challenge-talent")
    assert set(t) == {"focus", *KEYS, "links"}
    for key in KEYS:
        for item in t[key]:
            assert set(item) >= {"iri", "type", "label", "evidence"}
            assert set(item["label"]) == {"en", "zh"}
            for ev in item["evidence"]:
                assert set(ev) >= {"section", "quote", "stated"} and isinstance(ev["stated"], bool)
    for link in t["links"]:
        assert set(link) >= {"source", "predicate", "target", "stated"}
    assert t["focus"]["iri"] == TALENT


def test_challenge_trace_matches_the_graph(backend, graph):
    t = trace(backend, TALENT)
    ch = URIRef(TALENT)
    causes = {str(c) for c in graph.objects(ch, CBEC.hasCause)}
    assert iris(t, "causes") == causes
    remedies = {
        str(r)
        for target in [ch, *map(URIRef, causes)]
        for r in graph.subjects(CBEC.addresses, target)
    }
    actions = {r for r in remedies if (URIRef(r), CBEC.partOf, None) in graph}
    assert iris(t, "actions") == actions
    cms = {r for r in remedies if r not in actions}
    cms |= {str(cm) for a in actions for cm in graph.objects(URIRef(a), CBEC.partOf)}
    assert iris(t, "countermeasures") == cms
    trends = {str(tr) for r in actions | cms for tr in graph.objects(URIRef(r), CBEC.supports)}
    assert iris(t, "trends") == trends
    actors = {
        str(a) for r in actions | cms for a in graph.objects(URIRef(r), CBEC.responsibleActor)
    }
    assert iris(t, "actors") == actors
    # every link is between traced nodes and carries its stated flag and evidence
    nodes = {TALENT} | causes | actions | cms | trends | actors
    assert t["links"] and all(lk["source"] in nodes and lk["target"] in nodes for lk in t["links"])
    assert all(lk["evidence"] for lk in t["links"])


def test_trace_from_a_trend_reaches_back_to_challenges(backend, graph):
    supported = sorted(set(graph.objects(None, CBEC.supports)))
    assert supported, "the KG links remedies to trends"
    trend = supported[0]
    t = trace(backend, str(trend))
    supporters = {str(s) for s in graph.subjects(CBEC.supports, trend)}
    assert supporters <= iris(t, "actions") | iris(t, "countermeasures")
    assert t["challenges"], "a supported trend traces back to at least one challenge"
    assert t["trends"] == [t["focus"]]


def test_trace_follows_links_that_cross_the_pairing(tmp_path):
    g = load_graph([DATA / "cross-link.ttl"])
    materialise_inverses(g)
    t = trace(MemoryBackend(g), CREDIT)
    assert str(ID["countermeasure-talent"]) in iris(t, "countermeasures")
    cross = [
        lk
        for lk in t["links"]
        if lk["source"] == str(ID["countermeasure-talent"])
        and lk["target"] == str(ID["cause-payment-security-risk"])
    ]
    assert cross and cross[0]["stated"] is False
    assert "Test only" in cross[0]["rationale"]


def test_trace_from_an_action_and_an_actor(backend, graph):
    action = sorted(graph.subjects(CBEC.partOf, URIRef(str(ID["countermeasure-talent"]))))[0]
    t = trace(backend, str(action))
    assert str(ID["countermeasure-talent"]) in iris(t, "countermeasures")
    addressed = {str(o) for o in graph.objects(action, CBEC.addresses)}
    assert addressed <= iris(t, "causes") | iris(t, "challenges")
    actor = sorted(graph.objects(None, CBEC.responsibleActor))[0]
    ta = trace(backend, str(actor))
    responsible = {str(r) for r in graph.subjects(CBEC.responsibleActor, actor)}
    assert responsible <= iris(ta, "actions") | iris(ta, "countermeasures")


def test_same_trace_on_the_embedded_store(backend, tmp_path):
    store = tmp_path / "kg.store"
    build(out_dir=tmp_path / "out", store=store)
    assert trace(OxigraphBackend(store), TALENT) == trace(backend, TALENT)


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_trace_command_formats(runner, fmt):
    result = runner.invoke(main, ["trace", "跨境电商人才缺乏", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["focus"]["iri"] == TALENT
    elif fmt == "markdown":
        assert result.output.startswith("## Trace: Shortage of cross-border e-commerce talent")
        assert "| from | relation | to | status | evidence |" in result.output
    else:
        assert result.output.startswith("Trace of Shortage of cross-border e-commerce talent")
        assert "Countermeasures (" in result.output and "§3.4" in result.output


def test_trace_marks_inferred_links_in_text(runner):
    result = runner.invoke(main, ["trace", CREDIT, "--with", str(DATA / "cross-link.ttl")])
    assert result.exit_code == 0, result.output
    assert "INFERRED: Test only" in result.output


def test_trace_in_chinese(runner):
    result = runner.invoke(main, ["trace", "id:challenge-talent", "--lang", "zh"])
    assert result.output.startswith("Trace of 跨境电商人才缺乏")
    assert "对策 (" in result.output


def test_ambiguous_term_lists_candidates(runner):
    result = runner.invoke(main, ["trace", "talent"])
    assert result.exit_code == 2
    assert "matches" in result.output and "id:challenge-talent" in result.output


def test_unknown_term_suggests(runner):
    result = runner.invoke(main, ["trace", "brand bilding"])
    assert result.exit_code == 2
    assert "no node matches 'brand bilding'; did you mean:" in result.output
