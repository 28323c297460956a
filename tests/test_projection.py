"""The RDF → networkx projection (kg.projection), on a small hand-made fixture and on the real KG.

The fixture (:func:`fixture_graph`, also used by test_measures, test_pathfinding, test_analysis
and test_export) has two
challenges with four causes, two countermeasures with three actions, two trends, three actors
(one a platform), sections, one observation, and curated links, some stated, some inferred.
"""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.backends import MemoryBackend
from kg.build import materialise_inverses
from kg.errors import InputError
from kg.labels import evidence, section_key
from kg.loader import load_graph
from kg.model import ChainModel
from kg.namespaces import ID
from kg.pathfinding import shortest_paths
from kg.paths import ontology_files
from kg.projection import VIEWS, project
from kg.render.text import path_text

FX = str(ID) + "fx-"

PREFIXES = """
@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix id:   <https://w3id.org/cbec-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@prefix owl:  <http://www.w3.org/2002/07/owl#> .
"""

NODES = """
id:fx-h1 a cbec:Challenge ; skos:prefLabel "Credit gap"@en , "信用缺口"@zh ;
    skos:definition "No credit system."@en , "缺乏信用体系。"@zh ;
    cbec:evidence id:fx-ev-h1a , id:fx-ev-h1b .
id:fx-h2 a cbec:Challenge ; skos:prefLabel "Talent shortage"@en , "人才短缺"@zh .
id:fx-c1 a cbec:Cause ; skos:prefLabel "Payment risk"@en , "支付风险"@zh .
id:fx-c2 a cbec:Cause ; skos:prefLabel "Fraud"@en , "欺诈"@zh .
id:fx-c3 a cbec:Cause ; skos:prefLabel "Talent gap"@en , "人才缺口"@zh .
id:fx-c4 a cbec:Cause ; skos:prefLabel "仅有中文"@zh .
id:fx-m1 a cbec:Countermeasure ; skos:prefLabel "Credit supervision"@en , "信用监管"@zh .
id:fx-m2 a cbec:Countermeasure ; skos:prefLabel "Talent training"@en , "人才培育"@zh .
id:fx-a1 a cbec:Action ; skos:prefLabel "Payment law"@en , "支付立法"@zh .
id:fx-a2 a cbec:Action ; skos:prefLabel "Credit data sharing"@en , "信用数据共享"@zh .
id:fx-a3 a cbec:Action ; skos:prefLabel "University courses"@en , "高校课程"@zh .
id:fx-t1 a cbec:Trend ; skos:prefLabel "Digitalisation"@en , "数字化"@zh .
id:fx-t2 a cbec:Trend ; skos:prefLabel "Branding"@en , "品牌化"@zh .
id:fx-gov a cbec:Actor ; skos:prefLabel "Government"@en , "政府"@zh .
id:fx-plat a cbec:Platform , cbec:Actor ; skos:prefLabel "Marketplace"@en , "电商平台"@zh .
id:fx-customs a cbec:Actor ; skos:prefLabel "Customs"@en , "海关"@zh .
id:fx-obs a cbec:Observation ; skos:prefLabel "Export value 2021"@en , "2021年出口额"@zh .
id:fx-sec-2.9 a cbec:Section ; skos:notation "2.9" ; skos:prefLabel "Section 2.9"@en .
id:fx-sec-2.10 a cbec:Section ; skos:notation "2.10" ; skos:prefLabel "Section 2.10"@en .
id:fx-sec-3.1 a cbec:Section ; skos:notation "3.1" ; skos:prefLabel "Section 3.1"@en .
id:fx-ev-h1a a cbec:Evidence ; cbec:inSection id:fx-sec-2.10 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "第十节引文" ] ,
                   [ a oa:TextPositionSelector ; oa:start 1 ; oa:end 5 ] .
id:fx-ev-h1b a cbec:Evidence ; cbec:inSection id:fx-sec-2.9 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "第九节引文" ] ,
                   [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 1 ] .
"""

#: (subject, predicate, object, stated?) of the curated links among remedy-view nodes.
REMEDY_LINKS = [
    ("h1", "hasCause", "c1", True),
    ("h1", "hasCause", "c2", True),
    ("h2", "hasCause", "c3", False),
    ("h2", "hasCause", "c4", True),
    ("m1", "hasAction", "a1", True),
    ("m1", "hasAction", "a2", True),
    ("m2", "hasAction", "a3", True),
    ("m1", "addresses", "h1", True),
    ("a1", "addresses", "c1", True),
    ("a2", "addresses", "c2", False),
    ("a2", "addresses", "c3", False),
    ("m2", "addresses", "h2", True),
    ("a3", "addresses", "c3", True),
    ("a1", "supports", "t1", True),
    ("m2", "supports", "t2", False),
    ("a2", "concerns", "c1", True),  # walked by no path; ties a2 to the credit strand
]
#: Curated links whose ends are not both in the remedy view.
OTHER_LINKS = [
    ("a1", "responsibleActor", "gov", True),
    ("a3", "responsibleActor", "plat", True),
    ("obs", "substantiates", "h1", True),
]

SECTION_OF = {"hasCause": "2.9", "hasAction": "3.1", "addresses": "3.1"}


def link_turtle(links: list[tuple[str, str, str, bool]]) -> str:
    """Turtle for curated links: the plain triple, the cbec:Link record and its evidence."""
    out = []
    for i, (s, p, o, stated) in enumerate(links):
        section = SECTION_OF.get(p, "3.1")
        mode = "cbec:Stated" if stated else "cbec:Inferred"
        out.append(
            f"""
id:fx-{s} cbec:{p} id:fx-{o} .
id:fx-link-{i} a cbec:Link ; cbec:linkSubject id:fx-{s} ; cbec:linkPredicate cbec:{p} ;
    cbec:linkObject id:fx-{o} ; cbec:assertion {mode} ; cbec:evidence id:fx-ev-link-{i} ;
    cbec:rationale "fixture"@en, "夹具"@zh .
id:fx-ev-link-{i} a cbec:Evidence ; cbec:inSection id:fx-sec-{section} ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{s} {p} {o}" ] ."""
        )
    return "".join(out)


LINKS = REMEDY_LINKS + OTHER_LINKS
FIXTURE_TTL = PREFIXES + NODES + link_turtle(LINKS)


def fixture_graph(extra_turtle: str = "") -> Graph:
    """Ontology + the fixture (+ ``extra_turtle``, which may use the fixture's prefixes)."""
    graph = load_graph(ontology_files(), include_default=False)
    graph.parse(data=FIXTURE_TTL + extra_turtle, format="turtle")
    return graph


def fx(*names: str) -> set[str]:
    return {FX + n for n in names}


REMEDY_NODES = fx("h1", "h2", "c1", "c2", "c3", "c4", "m1", "m2", "a1", "a2", "a3", "t1", "t2")


@pytest.fixture(scope="module")
def graph() -> Graph:
    return fixture_graph()


def edge_set(G) -> set[tuple[str, str, str]]:
    return {(u.removeprefix(FX), k, v.removeprefix(FX)) for u, v, k in G.edges(keys=True)}


# --- views -----------------------------------------------------------------------------------


def test_views_are_the_contract():
    assert VIEWS == ("remedy", "chain", "actors", "full")


def test_remedy_view_nodes_and_links(graph):
    G = project(graph)
    assert G.graph["view"] == "remedy"
    assert set(G) == REMEDY_NODES
    expected = {(s, f"cbec:{p}", o) for s, p, o, _ in REMEDY_LINKS}
    assert edge_set(G) == expected
    assert G.number_of_edges() == 16


def test_chain_view_adds_the_responsible_actors(graph):
    G = project(graph, "chain")
    assert set(G) == REMEDY_NODES | fx("gov", "plat")  # customs is responsible for nothing
    assert G.has_edge(FX + "a3", FX + "plat", "cbec:responsibleActor")


def test_actors_view(graph):
    G = project(graph, "actors")
    # every actor, the actions they are responsible for, and what those address
    assert set(G) == fx("gov", "plat", "customs", "a1", "a3", "c1", "c3")
    assert edge_set(G) == {
        ("a1", "cbec:responsibleActor", "gov"),
        ("a3", "cbec:responsibleActor", "plat"),
        ("a1", "cbec:addresses", "c1"),
        ("a3", "cbec:addresses", "c3"),
    }


def test_full_view_has_every_cbec_instance_but_records(graph):
    G = project(graph, "full")
    others = fx("gov", "plat", "customs", "obs", "sec-2.9", "sec-2.10", "sec-3.1")
    assert set(G) == REMEDY_NODES | others  # no Evidence, Link or ontology terms
    assert G.number_of_edges() == len(LINKS)
    assert G.has_edge(FX + "obs", FX + "h1", "cbec:substantiates")
    assert G.nodes[FX + "sec-2.10"]["type"] == "cbec:Section"
    assert G.nodes[FX + "obs"]["type"] == "cbec:Observation"


def test_unknown_view_names_the_valid_ones(graph):
    with pytest.raises(InputError, match=r"remedy, chain, actors, full.*'actors'"):
        project(graph, "actor")


# --- node attributes -------------------------------------------------------------------------


def test_node_attributes(graph):
    h1 = project(graph).nodes[FX + "h1"]
    assert h1 == {
        "type": "cbec:Challenge",
        "layer": "problem",
        "group": "challenges",
        "label_en": "Credit gap",
        "label_zh": "信用缺口",
        "definition_en": "No credit system.",
        "definition_zh": "缺乏信用体系。",
        "section": "2.9",  # the paper's order: by position in the text
        "evidence": [
            {"section": "2.9", "quote": "第九节引文"},
            {"section": "2.10", "quote": "第十节引文"},
        ],
    }


def test_missing_label_and_definition_fall_back(graph):
    c4 = project(graph).nodes[FX + "c4"]
    assert (c4["label_en"], c4["label_zh"]) == ("仅有中文", "仅有中文")
    assert (c4["definition_en"], c4["definition_zh"], c4["section"], c4["evidence"]) == (
        "",
        "",
        "",
        [],
    )


def test_type_is_the_most_specific_class(graph):
    G = project(graph, "actors")
    assert G.nodes[FX + "plat"]["type"] == "cbec:Platform"
    assert G.nodes[FX + "gov"]["type"] == "cbec:Actor"


# --- edge attributes -------------------------------------------------------------------------


def test_edge_attributes(graph):
    G = project(graph)
    assert G.edges[FX + "m1", FX + "h1", "cbec:addresses"] == {
        "predicate": "cbec:addresses",
        "role": "remedy",
        "stated": True,
        "recorded": True,
        "rationale": "fixture",
        "rationale_zh": "夹具",
        "evidence_count": 1,
        "evidence": [{"section": "3.1", "quote": "m1 addresses h1"}],
    }
    inferred = G.edges[FX + "a2", FX + "c3", "cbec:addresses"]
    assert inferred["stated"] is False and inferred["recorded"] is True
    assert inferred["evidence"] == [{"section": "3.1", "quote": "a2 addresses c3"}]


def test_edge_without_link_record_is_not_stated():
    G = project(fixture_graph("id:fx-m2 cbec:addresses id:fx-c1 ."))
    edge = G.edges[FX + "m2", FX + "c1", "cbec:addresses"]
    assert (edge["stated"], edge["evidence_count"], edge["evidence"]) == (False, 0, [])
    assert edge["recorded"] is False  # shown as unrecorded, never as "inferred by a curator"
    graph = fixture_graph("id:fx-m2 cbec:addresses id:fx-c1 .")
    found = shortest_paths(project(graph), ChainModel.from_graph(graph), FX + "c1", FX + "m2")
    assert "no link record: unvalidated" in path_text(found)


def test_two_link_records_merge_their_evidence():
    extra = """
id:fx-link-extra a cbec:Link ; cbec:linkSubject id:fx-m1 ; cbec:linkPredicate cbec:addresses ;
    cbec:linkObject id:fx-h1 ; cbec:assertion cbec:Inferred ; cbec:evidence id:fx-ev-h1b ."""
    edge = project(fixture_graph(extra)).edges[FX + "m1", FX + "h1", "cbec:addresses"]
    assert edge["stated"] is True  # one record says Stated
    assert edge["evidence_count"] == 2
    assert [e["section"] for e in edge["evidence"]] == ["2.9", "3.1"]  # anchored quotes first


# --- driven by the ontology ------------------------------------------------------------------


def test_materialised_inverses_are_ignored():
    g = fixture_graph()
    before = project(g, "full")
    assert materialise_inverses(g) > 0
    after = project(g, "full")
    assert list(after.edges(keys=True)) == list(before.edges(keys=True))
    assert "cbec:addressedBy" not in {k for *_, k in after.edges(keys=True)}


def test_predicates_come_from_the_ontology():
    extra = """
cbec:blocks a owl:ObjectProperty ; cbec:curated true .
id:fx-c2 cbec:blocks id:fx-t1 .
id:fx-c1 cbec:growthOf id:fx-t1 ."""
    G = project(fixture_graph(extra))
    assert G.has_edge(FX + "c2", FX + "t1", "cbec:blocks")  # declared curated: an edge
    assert not G.has_edge(FX + "c1", FX + "t1")  # cbec:growthOf is not curated


def test_curated_predicates_are_primary_directions(graph):
    names = [
        r.curie.removeprefix("cbec:")
        for r in ChainModel.from_graph(graph).relations_for(
            "causal", "remedy", "composition", "outcome", "responsibility", "driver", "context"
        )
    ]
    assert names == [
        "addresses",
        "concerns",
        "hasAction",
        "hasCause",
        "hasDriver",
        "requires",
        "responsibleActor",
        "substantiates",
        "supports",
        "usesBusinessModel",
    ]


def test_insertion_order_is_sorted_and_stable(graph):
    G = project(graph, "full")
    assert list(G) == sorted(G)
    edges = [(u, k, v) for u, v, k in G.edges(keys=True)]
    assert edges == sorted(edges)
    again = project(graph, "full")
    assert list(again.nodes(data=True)) == list(G.nodes(data=True))
    assert list(again.edges(keys=True, data=True)) == list(G.edges(keys=True, data=True))


def test_section_key_and_evidence(graph):
    assert sorted(["3.1", "2.10", "2.9", "2"], key=section_key) == ["2", "2.9", "2.10", "3.1"]
    found = evidence(MemoryBackend(graph), [FX + "h1"])[FX + "h1"]
    assert [(e["section"], e["quote"], e["start"]) for e in found] == [
        ("2.9", "第九节引文", 0),
        ("2.10", "第十节引文", 1),
    ]


# --- the paper's KG (values read off kg/data/xiang/*.ttl by hand) ----------------------------


def test_paper_remedy_view_counts(kg_graph):
    G = project(kg_graph)
    types = {}
    for _, t in G.nodes(data="type"):
        types[t] = types.get(t, 0) + 1
    # challenges.ttl: 4 challenges, 11 causes, 7 effects, 21 hasCause; trends.ttl: 4 trends;
    # countermeasures.ttl: 4 countermeasures, 28 actions, 28 hasAction, 40 addresses, 7 supports
    # (counted with grep over the Turtle, not with the code under test)
    assert types == {
        "cbec:Challenge": 4,
        "cbec:Cause": 11,
        "cbec:Effect": 7,
        "cbec:Countermeasure": 4,
        "cbec:Action": 28,
        "cbec:Trend": 4,
    }
    keys = [k for *_, k in G.edges(keys=True)]
    assert {k: keys.count(k) for k in set(keys)} == {
        "cbec:hasCause": 21,
        "cbec:hasAction": 28,
        "cbec:addresses": 40,
        "cbec:supports": 7,
    }


def test_paper_edge_evidence(kg_graph):
    G = project(kg_graph)
    ids = str(ID)
    edge = G.edges[
        ids + "countermeasure-credit-supervision",
        ids + "challenge-credit-guarantee",
        "cbec:addresses",
    ]
    assert edge["stated"] is True
    assert [e["section"] for e in edge["evidence"]] == ["0", "2.1", "3.1"]
    assert edge["evidence"][2]["quote"] == "跨境电商的健康发展，离不开信用监管体系的建立"
    inferred = G.edges[
        ids + "action-trade-facilitation", ids + "cause-cumbersome-procedures", "cbec:addresses"
    ]
    assert inferred["stated"] is False  # the curator's rationale: filed under 3.1, fits 2.2


def test_paper_actors_view(kg_graph):
    G = project(kg_graph, "actors")
    responsible = [(u, v) for u, v, k in G.edges(keys=True) if k == "cbec:responsibleActor"]
    # 33 responsibleActor triples in countermeasures.ttl, from 32 remedies: every one of the 28
    # actions and the 4 countermeasures (the industry, named by the conclusion)
    assert len(responsible) == 33
    assert len({u for u, _ in responsible}) == 32
    assert {G.nodes[u]["type"] for u, _ in responsible} == {"cbec:Action", "cbec:Countermeasure"}
    assert (str(ID) + "action-customs-clearance-process", str(ID) + "actor-customs") in responsible
