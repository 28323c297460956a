"""The chain walk (kg.chain): one set of rules, the same answer over SPARQL (any backend) and over
a networkx projection, for every node of every view of the paper's KG."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kg.backends import MemoryBackend
from kg.build import materialise_inverses
from kg.chain import GRAMMAR, START, BackendAdjacency, GraphAdjacency, around, problem_tree
from kg.loader import load_graph
from kg.model import model_of
from kg.projection import VIEWS, project
from kg.termindex import TermIndex
from kg.terms import label_index
from kg.trace import trace


@pytest.fixture(scope="module")
def backend():
    g = load_graph()
    materialise_inverses(g)
    return MemoryBackend(g)


@pytest.fixture(scope="module")
def model(backend):
    return model_of(backend)


@pytest.fixture(scope="module")
def sparql(backend, model):
    layers = {m.iri: model.layer_of(m.types) for m in label_index(backend)}
    return BackendAdjacency(backend, model, layers)


def test_grammar_states_and_starts():
    states = {s for s, *_ in GRAMMAR} | {after for *_, after in GRAMMAR}
    assert states == {"problem", "remedy", "means", "trend"}
    assert set(START.values()) <= states
    # one step inside the remedy tree, never two: "means" leads only to trends
    assert [(role, after) for s, role, _, after in GRAMMAR if s == "means"] == [
        ("outcome", "trend")
    ]


@pytest.mark.parametrize("view", VIEWS)
def test_sparql_and_networkx_walks_agree_on_every_node(backend, model, sparql, view):
    G = project(backend, view)
    graph_walk = GraphAdjacency(project(backend, "full"), model)
    for node in sorted(G):
        assert around(graph_walk, node) == around(sparql, node), node


def test_trace_lists_exactly_the_walk(backend, model, sparql):
    matches = label_index(backend)
    types = {m.iri: m.types for m in matches}
    index = TermIndex.of(matches)  # built once: trace() would index the KG at every call
    for node in sorted(project(backend, "chain")):
        t = trace(backend, node, index)
        chain_groups = [c.group for c in model.groups() if c.layer]  # not the context groups
        listed = {i["iri"] for key in chain_groups for i in t[key]}
        walked = around(sparql, node)
        assert listed == {n for n in walked if model.group_of(types.get(n, ())) in chain_groups}, (
            node
        )


def test_problem_tree_of_a_challenge_lies_beneath_it(backend, model, sparql):
    talent = "https://w3id.org/cbec-kg/id/challenge-talent"
    below, above = problem_tree(sparql, talent)
    assert talent in below and talent not in above
    # everything below is reached by hasCause from the challenge (checked with SPARQL)
    rows = backend.query("SELECT ?x WHERE { ?h cbec:hasCause* ?x }", {"h": URIRef(talent)}).rows
    assert below == {str(r[0]) for r in rows}


# --- the networkx adjacency on the hand-drawn fixture of test_projection --------------------


@pytest.fixture(scope="module")
def fixture_adjacency():
    from test_projection import FX, fixture_graph

    g = fixture_graph()
    model = model_of(MemoryBackend(g))
    return FX, GraphAdjacency(project(g, "remedy"), model)


def test_networkx_steps_by_hand(fixture_adjacency):
    fx, adj = fixture_adjacency

    def step(nodes, role, along):
        return sorted(n.removeprefix(fx) for n in adj.step({fx + x for x in nodes}, role, along))

    # h1 hasCause c1, c2 (causal, along the chain: down to the causes); back up: c1 → h1
    assert step({"h1"}, "causal", True) == ["c1", "c2"]
    assert step({"c1"}, "causal", False) == ["h1"]
    # what addresses c3 (a2, a3): a remedy relation walked against its direction
    assert step({"c3"}, "remedy", True) == ["a2", "a3"]
    assert step({"a3"}, "remedy", False) == ["c3"]
    # nodes outside the projection are skipped, not the end of the walk
    missing = {f"missing-{i}" for i in range(20)}
    assert step({"h1", "h2", *missing}, "causal", True) == ["c1", "c2", "c3", "c4"]


def test_networkx_layer_and_links_by_hand(fixture_adjacency):
    fx, adj = fixture_adjacency
    assert adj.layer(fx + "h1") == "problem" and adj.layer(fx + "a2") == "remedy"
    assert adj.layer(fx + "t1") == "outcome"
    assert adj.layer(fx + "missing") is None
    # a2: part of m1, addresses c2 and c3, concerns c1
    assert sorted(n.removeprefix(fx) for n in adj.linked(fx + "a2")) == ["c1", "c2", "c3", "m1"]
    assert adj.linked(fx + "missing") == set()
