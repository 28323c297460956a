"""Tracing the chain around any node (kg.trace): the JSON contract, the problem tree, remedies
with who acts, trends, explicit "none stated" groups; the same answer on every backend.

Hand-derived answers use the fixture of test_projection (drawn in test_measures) with a deeper
problem tree added (:data:`TREE`): c5 lies beneath c1 (c1 hasCause c5), the effect e1 comes of
h1, the effect e2 of c4, and a3 also addresses c5.
"""

from __future__ import annotations

import json

import pytest
from helpers import DATA
from test_projection import FIXTURE_TTL, FX, fixture_graph

from kg.backends import MemoryBackend, OxigraphBackend
from kg.build import build, materialise_inverses
from kg.cli import main
from kg.loader import load_graph
from kg.model import ChainModel
from kg.namespaces import CBEC as CBEC_NS
from kg.namespaces import ID
from kg.trace import trace

TALENT = str(ID["challenge-talent"])
CREDIT = str(ID["challenge-credit-guarantee"])

TREE = """
id:fx-c5 a cbec:Cause ; skos:prefLabel "Weak payment law"@en , "支付法律薄弱"@zh .
id:fx-e1 a cbec:Effect ; skos:prefLabel "Slow early growth"@en , "早期发展缓慢"@zh .
id:fx-e2 a cbec:Effect ; skos:prefLabel "Unfilled posts"@en , "岗位空缺"@zh .
id:fx-c1 cbec:hasCause id:fx-c5 .
id:fx-e1 cbec:hasCause id:fx-h1 .
id:fx-e2 cbec:hasCause id:fx-c4 .
id:fx-a3 cbec:addresses id:fx-c5 .
"""


@pytest.fixture(scope="module")
def tree():
    g = fixture_graph(TREE)
    materialise_inverses(g)
    return MemoryBackend(g)


def groups(t: dict) -> dict[str, list[str]]:
    keys = [k for k in t if k not in ("focus", "links", "none")]
    return {k: sorted(i["iri"].removeprefix(FX) for i in t[k]) for k in keys if t[k]}


# --- the contract ------------------------------------------------------------------------------


def test_json_contract(tree):
    t = trace(tree, "Credit gap")
    model = ChainModel.from_backend(tree)
    assert list(t) == ["focus", *model.group_keys(), "links", "none"]
    assert model.group_keys() == [
        "challenges",
        "effects",
        "causes",
        "countermeasures",
        "actions",
        "trends",
        "actors",
        "related",
        "statistics",
    ]
    for key in model.group_keys():
        for item in t[key]:
            assert set(item) >= {"iri", "type", "label", "evidence"}
            assert set(item["label"]) == {"en", "zh"}
            for ev in item["evidence"]:
                assert set(ev) == {"section", "quote", "stated"} and ev["stated"] is True
    for link in t["links"]:
        assert {"source", "predicate", "target", "stated", "rationale", "evidence"} <= set(link)
        assert set(link) - {"rationales"} == {
            "source",
            "predicate",
            "target",
            "stated",
            "rationale",
            "evidence",
        }
    assert t["focus"]["iri"] == FX + "h1"


def test_stated_links_have_a_null_rationale_inferred_ones_a_sentence():
    t = trace(MemoryBackend(load_graph([DATA / "cross-link.ttl"])), CREDIT)
    stated = [lk for lk in t["links"] if lk["stated"]]
    inferred = [lk for lk in t["links"] if not lk["stated"]]
    assert stated and all(lk["rationale"] is None for lk in stated)
    assert inferred and all(isinstance(lk["rationale"], str) for lk in inferred)
    assert '"rationale": null' in json.dumps(t)  # JSON null, never the string "None"
    assert '"None"' not in json.dumps(t)


# --- by hand on the fixture ------------------------------------------------------------------


def test_challenge_trace_by_hand(tree):
    t = trace(tree, "Credit gap")
    # below h1: c1, c2 and c5 beneath c1; above: the effect e1; remedies of c1, c2, c5, h1:
    # a1, a2 (c2), a3 (c5), m1 (h1) with one step in the remedy tree: m1's actions a1, a2 and
    # the countermeasures m1, m2 of the actions; trends of those: t1 (a1), t2 (m2); actors of
    # those remedies: gov (a1), plat (a3)
    assert groups(t) == {
        "challenges": ["h1"],
        "effects": ["e1"],
        "causes": ["c1", "c2", "c5"],
        "countermeasures": ["m1", "m2"],
        "actions": ["a1", "a2", "a3"],
        "trends": ["t1", "t2"],
        "actors": ["gov", "plat"],
        "statistics": ["obs"],  # the observation substantiates h1
    }
    assert t["none"] == {}
    items = {i["iri"].removeprefix(FX): i for k in ("actions", "causes") for i in t[k]}
    assert [a.removeprefix(FX) for a in items["a1"]["actors"]] == ["gov"]
    assert items["a2"]["actors"] == []
    assert [c.removeprefix(FX) for c in items["c1"]["causes"]] == ["c5"]


def test_what_only_inferred_links_reach_is_marked(tree):
    t = trace(tree, "Credit gap")
    via = {
        i["iri"].removeprefix(FX)
        for k in t
        if isinstance(t[k], list) and k != "links"
        for i in t[k]
        if i.get("via_inferred")
    }
    # through stated links alone h1 reaches c1, c2, m1 and its actions a1, a2, t1 and gov; the
    # tree's links (c1 → c5, e1 → h1, a3 → c5) have no record and m2 → t2 is inferred
    assert via == {"c5", "e1", "a3", "m2", "t2", "plat"}


def test_context_shows_drivers_and_what_a_focus_outside_the_chain_touches():
    extra = """
id:fx-d1 a cbec:Driver ; skos:prefLabel "Big data"@en , "大数据"@zh .
id:fx-t1 cbec:hasDriver id:fx-d1 .
id:fx-link-d1 a cbec:Link ; cbec:linkSubject id:fx-t1 ; cbec:linkPredicate cbec:hasDriver ;
    cbec:linkObject id:fx-d1 ; cbec:assertion cbec:Stated ; cbec:evidence id:fx-ev-h1a ."""
    g = fixture_graph(TREE + extra)
    materialise_inverses(g)
    backend = MemoryBackend(g)
    t = trace(backend, "Digitalisation")
    assert groups(t)["related"] == ["d1"]  # the trend's driver, beside the chain
    d = trace(backend, "Big data")
    # a driver is outside the chain: its trace is the chain of the trend it drives, and no
    # "the paper states no …" sentence pretends the chain was asked for and found empty
    assert groups(d)["trends"] == ["t1"] and groups(d)["related"] == ["d1"]
    island = trace(backend, "Government")  # an actor responsible for a1 only
    assert "a1" in groups(island)["actions"]


def test_a_cause_deep_in_the_tree_reaches_its_remedy(tree):
    t = trace(tree, "Weak payment law")
    # above c5: c1, h1 and h1's effect e1; below: c5 alone, remedied by a3 (part of m2)
    assert groups(t) == {
        "challenges": ["h1"],
        "effects": ["e1"],
        "causes": ["c1", "c5"],
        "countermeasures": ["m2"],
        "actions": ["a3"],
        "trends": ["t2"],
        "actors": ["plat"],
        "statistics": ["obs"],  # the observation substantiates h1
    }


def test_an_effect_is_traced_through_what_produces_it(tree):
    t = trace(tree, "Unfilled posts")
    # e2 comes of c4, which nothing remedies
    assert groups(t) == {"challenges": ["h2"], "effects": ["e2"], "causes": ["c4"]}
    assert set(t["none"]) == {"countermeasures", "actions", "trends", "actors"}
    assert t["none"]["trends"] == {
        "en": "The paper states no trends for this effect.",
        "zh": "原文未说明此后果的趋势。",
    }


def test_an_action_traces_to_its_countermeasure_not_its_siblings(tree):
    t = trace(tree, "Credit data sharing")
    # a2 addresses c2 and c3; above them h1 (and its effect e1) and h2; its countermeasure m1
    # but not m1's other action a1
    assert groups(t) == {
        "challenges": ["h1", "h2"],
        "effects": ["e1"],
        "causes": ["c2", "c3"],
        "countermeasures": ["m1"],
        "actions": ["a2"],
        "statistics": ["obs"],  # the observation substantiates h1
    }
    assert set(t["none"]) == {"trends", "actors"}


def test_a_countermeasure_traces_through_its_actions(tree):
    t = trace(tree, "Talent training")
    # m2 and its action a3; they address h2, c3 and c5; above: c1, h1, e1
    assert groups(t) == {
        "challenges": ["h1", "h2"],
        "effects": ["e1"],
        "causes": ["c1", "c3", "c5"],
        "countermeasures": ["m2"],
        "actions": ["a3"],
        "trends": ["t2"],
        "actors": ["plat"],
        "statistics": ["obs"],  # the observation substantiates h1
    }


def test_a_trend_traces_back_to_the_problems(tree):
    t = trace(tree, "Digitalisation")
    # t1 ← a1, with one step in the remedy tree: m1; they address c1 and h1; above: e1
    assert groups(t) == {
        "challenges": ["h1"],
        "effects": ["e1"],
        "causes": ["c1"],
        "countermeasures": ["m1"],
        "actions": ["a1"],
        "trends": ["t1"],
        "actors": ["gov"],
        "statistics": ["obs"],  # the observation substantiates h1
    }


def test_an_actor_traces_through_what_it_must_do(tree):
    t = trace(tree, "Marketplace")
    # plat is responsible for a3: the chain around a3
    assert groups(t) == {
        "challenges": ["h1", "h2"],
        "effects": ["e1"],
        "causes": ["c1", "c3", "c5"],
        "countermeasures": ["m2"],
        "actions": ["a3"],
        "trends": ["t2"],
        "actors": ["plat"],
        "statistics": ["obs"],  # the observation substantiates h1
    }


def test_trace_follows_links_that_cross_the_pairing():
    g = load_graph([DATA / "cross-link.ttl"])
    materialise_inverses(g)
    t = trace(MemoryBackend(g), CREDIT)
    assert str(ID["countermeasure-talent"]) in {i["iri"] for i in t["countermeasures"]}
    cross = [
        lk
        for lk in t["links"]
        if lk["source"] == str(ID["countermeasure-talent"])
        and lk["target"] == str(ID["cause-information-asymmetry"])
    ]
    assert cross and cross[0]["stated"] is False
    assert "Test only" in cross[0]["rationale"]


def test_same_trace_on_the_embedded_store(tmp_path):
    g = load_graph()
    materialise_inverses(g)
    store = tmp_path / "kg.store"
    build(out_dir=tmp_path / "out", store=store)
    assert trace(OxigraphBackend(store), TALENT) == trace(MemoryBackend(g), TALENT)


# --- the command -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_trace_command_formats(runner, fmt):
    result = runner.invoke(main, ["trace", "跨境电商人才缺乏", "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["focus"]["iri"] == TALENT
    elif fmt == "markdown":
        assert result.output.startswith("## Shortage of cross-border e-commerce talent")
        assert "| from | relation | to | status | evidence |" in result.output
    else:
        assert result.output.startswith("Trace of Shortage of cross-border e-commerce talent")
        assert "Countermeasures (" in result.output and "§3.4" in result.output


def test_trace_text_shows_the_tree_who_acts_and_what_is_missing(runner, tmp_path, monkeypatch):
    ttl = tmp_path / "tree.ttl"
    ttl.write_text(FIXTURE_TTL + TREE, encoding="utf-8")
    monkeypatch.setattr("kg.paths.data_files", lambda: [])  # the fixture without the paper
    text = runner.invoke(main, ["trace", "Credit gap", "--with", str(ttl)]).output
    effect = runner.invoke(main, ["trace", "Unfilled posts", "--with", str(ttl)]).output
    lines = text.splitlines()
    # c5 is printed beneath c1, indented
    c1 = next(i for i, line in enumerate(lines) if "Payment risk" in line)
    assert lines[c1 + 1].startswith("    • Weak payment law")
    assert any(line.startswith("  • Payment law  — Government") for line in lines)
    assert "Effects (1)" in text
    assert "Trends (0)\n  The paper states no trends for this effect." in effect


def test_trace_marks_inferred_links_in_text(runner):
    result = runner.invoke(main, ["trace", CREDIT, "--with", str(DATA / "cross-link.ttl")])
    assert result.exit_code == 0, result.output
    assert "INFERRED: Test only" in result.output


def test_trace_in_chinese(runner):
    result = runner.invoke(main, ["trace", "id:challenge-talent", "--lang", "zh"])
    assert result.output.startswith("追溯 跨境电商人才缺乏")
    assert "对策 (" in result.output


def test_words_of_a_label_find_it(runner):
    result = runner.invoke(main, ["trace", "talent shortage", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["focus"]["iri"] == TALENT


def test_ambiguous_term_lists_candidates_with_their_class(runner):
    result = runner.invoke(main, ["trace", "talent"])
    assert result.exit_code == 2
    lines = result.output.splitlines()
    assert "matches" in lines[0]
    assert lines[1].strip().endswith("<id:challenge-talent> [cbec:Challenge]")  # challenges first


def test_unknown_term_suggests(runner):
    result = runner.invoke(main, ["trace", "brand bilding"])
    assert result.exit_code == 2
    assert "no node matches 'brand bilding'; did you mean:" in result.output


def test_the_pandemic_is_traced_to_the_finding_it_drives():
    # §1.2: 疫情期间人们的购物方式有所改变…因此，电商用户人数日渐增多
    g = load_graph()
    materialise_inverses(g)
    t = trace(MemoryBackend(g), "COVID-19")
    assert t["focus"]["iri"] == str(ID["driver-covid-19"])
    assert str(ID["finding-import-users-grow"]) in {i["iri"] for i in t["related"]}
    assert t["none"] == {}  # outside the chain: nothing is claimed to be missing
    drives = [lk for lk in t["links"] if lk["predicate"] == "cbec:hasDriver"]
    assert drives and drives[0]["stated"] and drives[0]["evidence"][0]["section"] == "1.2"


def test_an_actor_traces_the_same_without_materialised_inverses():
    # the actor is only ever the object of cbec:responsibleActor: without the inverse triples
    # (cbec:responsibleFor) the walk must still find what it is responsible for
    t = trace(MemoryBackend(fixture_graph(TREE)), "Marketplace")
    assert groups(t) == {
        "challenges": ["h1", "h2"],
        "effects": ["e1"],
        "causes": ["c1", "c3", "c5"],
        "countermeasures": ["m2"],
        "actions": ["a3"],
        "trends": ["t2"],
        "actors": ["plat"],
        "statistics": ["obs"],  # the observation substantiates h1
    }


def test_links_are_those_among_the_traced_nodes(tree):
    # "Unfilled posts" (e2) comes of c4, beneath h2: of the fixture's link records only
    # h2 hasCause c4 lies among them (h2 hasCause c3 leads out of the trace; e2 hasCause c4 has
    # no record)
    t = trace(tree, "Unfilled posts")
    assert [
        (lk["source"].removeprefix(FX), lk["predicate"], lk["target"].removeprefix(FX))
        for lk in t["links"]
    ] == [("h2", "cbec:hasCause", "c4")]
    assert t["links"][0]["stated"] is True


def test_items_and_links_in_full_by_hand(tree):
    t = trace(tree, "Credit gap")
    focus = t["focus"]
    assert {k: v for k, v in focus.items() if k != "evidence"} == {
        "iri": FX + "h1",
        "type": "cbec:Challenge",
        "label": {"en": "Credit gap", "zh": "信用缺口"},
        "causes": [FX + "c1", FX + "c2"],
    }
    assert sorted((e["section"], e["quote"], e["stated"]) for e in focus["evidence"]) == [
        ("2.10", "第十节引文", True),
        ("2.9", "第九节引文", True),
    ]
    types = {i["iri"].removeprefix(FX): i["type"] for k in t if k not in ("focus", "links", "none")
             for i in t[k]}  # fmt: skip
    assert {n: types[n] for n in ("c1", "c5", "e1", "m1", "a3", "t1", "gov")} == {
        "c1": "cbec:Cause",
        "c5": "cbec:Cause",
        "e1": "cbec:Effect",
        "m1": "cbec:Countermeasure",
        "a3": "cbec:Action",
        "t1": "cbec:Trend",
        "gov": "cbec:Actor",
    }
    links = {
        (lk["source"].removeprefix(FX), lk["target"].removeprefix(FX)): lk for lk in t["links"]
    }
    assert links["m1", "h1"] == {
        "source": FX + "m1",
        "predicate": "cbec:addresses",
        "target": FX + "h1",
        "stated": True,
        "rationale": "fixture",
        "rationales": {"en": "fixture", "zh": "夹具"},
        "evidence": [{"section": "3.1", "quote": "m1 addresses h1", "stated": True}],
    }
    assert links["a2", "c2"]["stated"] is False
    assert links["a2", "c2"]["evidence"] == [
        {"section": "3.1", "quote": "a2 addresses c2", "stated": False}
    ]


@pytest.mark.parametrize("term", ["Credit gap", "Talent training", "Marketplace"])
def test_links_come_sorted_by_source_relation_target(tree, term):
    t = trace(tree, term)
    keys = [(lk["source"], str(CBEC_NS) + lk["predicate"].removeprefix("cbec:"), lk["target"])
            for lk in t["links"]]  # fmt: skip
    assert len(keys) >= 5 and keys == sorted(keys)
    assert len(set(keys)) == len(keys)


def test_a_trend_does_not_bring_the_other_trends_of_its_supporters():
    # a1 supports t1 and (here) t2: around t1 are what supports t1 and back, not t2
    g = fixture_graph(TREE + "id:fx-a1 cbec:supports id:fx-t2 .")
    materialise_inverses(g)
    t = trace(MemoryBackend(g), "Digitalisation")
    assert groups(t)["trends"] == ["t1"]
    assert groups(t)["actions"] == ["a1"] and groups(t)["countermeasures"] == ["m1"]


def test_a_node_off_the_chain_traces_the_chains_of_its_links(tree):
    # the observation substantiates h1: its trace is the chain around h1 (see the first test)
    t = trace(tree, FX + "obs")
    assert groups(t) == {
        "challenges": ["h1"],
        "effects": ["e1"],
        "causes": ["c1", "c2", "c5"],
        "countermeasures": ["m1", "m2"],
        "actions": ["a1", "a2", "a3"],
        "trends": ["t1", "t2"],
        "actors": ["gov", "plat"],
        "statistics": ["obs"],
    }


def test_a_driver_of_two_trends_traces_both_chains():
    # d1 drives t1 and t2: the chains around t1 (a1, m1; c1, h1, e1; gov) and around t2
    # (m2 and its action a3; h2, c3, c5 and above c5: c1, h1, e1; plat)
    g = fixture_graph(
        TREE
        + 'id:fx-d1 a cbec:Driver ; skos:prefLabel "Policy push"@en , "政策推动"@zh .\n'
        + "id:fx-t1 cbec:hasDriver id:fx-d1 .\nid:fx-t2 cbec:hasDriver id:fx-d1 .\n"
    )
    materialise_inverses(g)
    t = trace(MemoryBackend(g), "Policy push")
    assert groups(t) == {
        "challenges": ["h1", "h2"],
        "effects": ["e1"],
        "causes": ["c1", "c3", "c5"],
        "countermeasures": ["m1", "m2"],
        "actions": ["a1", "a3"],
        "trends": ["t1", "t2"],
        "actors": ["gov", "plat"],
        "statistics": ["obs"],
        "related": ["d1"],  # the focus, in its own group
    }


# --- the details of items, order and rationales, by hand (what `make mutation` found unchecked)


ORDERED = """
id:fx-c6 a cbec:Cause ; skos:prefLabel "Alpha"@en , "甲"@zh ; cbec:evidence id:fx-ev-c6 .
id:fx-c7 a cbec:Cause ; skos:prefLabel "Beta"@en , "乙"@zh ; cbec:evidence id:fx-ev-c7 .
id:fx-c8 a cbec:Cause ; skos:prefLabel "Gamma"@en , "丙"@zh .
id:fx-c9 a cbec:Cause ; skos:prefLabel "Delta"@en , "丁"@zh .
id:fx-c0 a cbec:Cause .
id:fx-h2 cbec:hasCause id:fx-c6 , id:fx-c7 , id:fx-c8 , id:fx-c9 , id:fx-c0 .
id:fx-ev-c6 a cbec:Evidence ; cbec:inSection id:fx-sec-2.9 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "后" ] ,
                   [ a oa:TextPositionSelector ; oa:start 90 ; oa:end 91 ] .
id:fx-ev-c7 a cbec:Evidence ; cbec:inSection id:fx-sec-2.9 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "前" ] ,
                   [ a oa:TextPositionSelector ; oa:start 40 ; oa:end 41 ] .
"""


def test_a_group_lists_its_items_in_the_papers_order_then_by_label():
    # c7 is quoted at offset 40, c6 at 90 (the paper's order beats the labels' order); c9, c8,
    # c3, c0 and c4 have no position: then by English label — "Delta", "Gamma", "Talent gap",
    # then c0's local name (it has no label) and c4's Chinese label (it has no English one)
    t = trace(MemoryBackend(fixture_graph(ORDERED)), "Talent shortage")
    assert [i["iri"].removeprefix(FX) for i in t["causes"]] == [
        "c7",
        "c6",
        "c9",
        "c8",
        "c3",
        "c0",
        "c4",
    ]


def test_a_node_without_a_label_keeps_its_class_and_is_named_by_its_local_name():
    t = trace(MemoryBackend(fixture_graph(ORDERED)), "Talent shortage")
    (c0,) = [i for i in t["causes"] if i["iri"] == FX + "c0"]
    assert c0 == {
        "iri": FX + "c0",
        "type": "cbec:Cause",
        "label": {"en": "fx-c0", "zh": "fx-c0"},
        "evidence": [],
        "causes": [],
        "via_inferred": True,  # h2 hasCause c0 has no cbec:Link record: nothing states it
    }
    # the focus lists it among its causes, like every other
    assert FX + "c0" in t["focus"]["causes"]


def test_a_node_without_a_label_is_traced_by_its_curie():
    # not in the term index (no label): resolved through the store, named by its local name
    t = trace(MemoryBackend(fixture_graph(ORDERED)), "id:fx-c0")
    assert t["focus"]["iri"] == FX + "c0" and t["focus"]["type"] == "cbec:Cause"
    assert t["focus"]["label"] == {"en": "fx-c0", "zh": "fx-c0"}
    assert [i["iri"].removeprefix(FX) for i in t["challenges"]] == ["h2"]


def test_a_list_of_matches_serves_as_the_index(tree):
    from kg.terms import label_index

    assert trace(tree, "Credit gap", label_index(tree)) == trace(tree, "Credit gap")


def test_one_rationale_per_language_english_first():
    # a link with rationales in both languages; one in Chinese only; one without a language tag
    extra = """
id:fx-r1 a cbec:Link ; cbec:linkSubject id:fx-e1 ; cbec:linkPredicate cbec:hasCause ;
    cbec:linkObject id:fx-h1 ; cbec:assertion cbec:Inferred ;
    cbec:rationale "b because"@en , "a 因为"@zh .
id:fx-a2 cbec:addresses id:fx-c5 .
id:fx-r4 a cbec:Link ; cbec:linkSubject id:fx-a2 ; cbec:linkPredicate cbec:addresses ;
    cbec:linkObject id:fx-c5 ; cbec:assertion cbec:Inferred ;
    cbec:rationale "z second"@en , "m first"@en .
id:fx-r2 a cbec:Link ; cbec:linkSubject id:fx-c1 ; cbec:linkPredicate cbec:hasCause ;
    cbec:linkObject id:fx-c5 ; cbec:assertion cbec:Inferred ; cbec:rationale "只有中文"@zh .
id:fx-r3 a cbec:Link ; cbec:linkSubject id:fx-a3 ; cbec:linkPredicate cbec:addresses ;
    cbec:linkObject id:fx-c5 ; cbec:assertion cbec:Inferred ; cbec:rationale "untagged" .
"""
    t = trace(MemoryBackend(fixture_graph(TREE + extra)), "Credit gap")
    by_pair = {
        (lk["source"].removeprefix(FX), lk["target"].removeprefix(FX)): lk for lk in t["links"]
    }
    both, zh_only, untagged = by_pair["e1", "h1"], by_pair["c1", "c5"], by_pair["a3", "c5"]
    assert (both["rationale"], both["rationales"]) == (
        "b because",
        {"en": "b because", "zh": "a 因为"},
    )
    assert (zh_only["rationale"], zh_only["rationales"]) == ("只有中文", {"zh": "只有中文"})
    assert (untagged["rationale"], untagged["rationales"]) == ("untagged", {"": "untagged"})
    # two rationales in one language: the first in code-point order, whatever order the rows
    # came in
    assert by_pair["a2", "c5"]["rationales"] == {"en": "m first"}
    # links without a record of evidence list none (rather than failing)
    assert both["evidence"] == [] and zh_only["evidence"] == []


@pytest.mark.parametrize(
    ("extra", "term", "said"),
    [
        # a lone challenge, action or trend: the chain is only the focus, yet it is on the chain
        (
            'id:fx-hx a cbec:Challenge ; skos:prefLabel "Lone challenge"@en .',
            "Lone challenge",
            True,
        ),
        ('id:fx-ax a cbec:Action ; skos:prefLabel "Lone action"@en .', "Lone action", True),
        ('id:fx-tx a cbec:Trend ; skos:prefLabel "Lone trend"@en .', "Lone trend", True),
        # an actor responsible for one action: a chain of two nodes, the actor on no layer
        (
            'id:fx-ux a cbec:Actor ; skos:prefLabel "Lone actor"@en .\n'
            'id:fx-ay a cbec:Action ; skos:prefLabel "Its action"@en ; '
            "cbec:responsibleActor id:fx-ux .",
            "Lone actor",
            True,
        ),
        # a driver of nothing: off the chain, nothing is claimed missing
        ('id:fx-dx a cbec:Driver ; skos:prefLabel "Lone driver"@en .', "Lone driver", False),
    ],
)
def test_what_is_said_missing_for_a_focus_on_or_off_the_chain(extra, term, said):
    t = trace(MemoryBackend(fixture_graph(extra)), term)
    assert bool(t["none"]) is said
    focus_group = {
        "Challenge": "challenges",
        "Action": "actions",
        "Trend": "trends",
        "Actor": "actors",
        "Driver": "related",
    }[t["focus"]["type"].removeprefix("cbec:")]
    assert focus_group not in t["none"]  # the focus's own group is never "missing"
    if said:
        assert "countermeasures" in t["none"]
        assert set(t["none"]["countermeasures"]) == {"en", "zh"}


def test_terms_resolve_against_the_index_given(tree):
    # an index without "Credit gap": the term is unknown to this trace, although the backend's
    # own index knows it
    from kg.errors import InputError
    from kg.terms import label_index

    partial = [m for m in label_index(tree) if m.label_en != "Credit gap"]
    with pytest.raises(InputError, match="Credit gap"):
        trace(tree, "Credit gap", partial)


def test_a_node_of_no_domain_class_traces_to_nothing(tree):
    # a section is named and found, but it is on no chain and of no domain class
    t = trace(tree, "id:fx-sec-2.9")
    assert t["focus"] == {
        "iri": FX + "sec-2.9",
        "type": "",
        "label": {"en": "Section 2.9", "zh": "Section 2.9"},
        "evidence": [],
    }
    assert t["links"] == [] and t["none"] == {}
    assert not any(t[k] for k in t if k not in ("focus", "links", "none"))
