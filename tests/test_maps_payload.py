"""The JSON a map page reads (kg.maps.payload): compact, escaped, and carrying what the page
shows in both languages — compared with the RDF (SPARQL), the ontology and kg.trace."""

from __future__ import annotations

import json
import re

import networkx as nx
import pytest
from mapbrowser import page_data
from rdflib import URIRef

from kg.backends import MemoryBackend
from kg.maps import node_key
from kg.maps.payload import (
    figures,
    json_for_script,
    map_payload,
    sections,
    statistics,
    ui_strings,
)
from kg.model import ChainModel
from kg.trace import empty_statement

EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_QUOTE = "</script><script>alert(2)</script>"


@pytest.fixture(scope="module")
def model(kg_graph):
    return ChainModel.from_graph(kg_graph)


@pytest.fixture(scope="module")
def data(maps):
    return page_data(maps["map"])


def test_json_for_script_escapes_markup_and_round_trips():
    sample = {"q": EVIL_QUOTE, "l": EVIL_LABEL, "a": "A & B", "zh": "信用", "ls": "\u2028"}
    text = json_for_script(sample)
    assert not set("<>&\u2028") & set(text)
    assert "信用" in text  # compact UTF-8, not \\u escapes
    assert json.loads(text) == sample


def test_json_for_script_is_compact_and_sorted():
    # the same data always gives the same bytes (the pages are compared byte for byte)
    assert json_for_script({"b": [1, {"d": 2, "c": 3}], "a": "é"}) == (
        '{"a":"é","b":[1,{"c":3,"d":2}]}'
    )


def test_json_for_script_escapes_markup_exactly():
    # the escapes are those of JSON (\\u003c …), lower-case, and non-ASCII text stays as it is
    assert json_for_script({"s": "<b>&</b> 人才"}) == (
        '{"s":"\\u003cb\\u003e\\u0026\\u003c/b\\u003e 人才"}'
    )


def test_json_for_script_escapes_line_separators():
    # U+2028/U+2029 end a line in older JavaScript parsers: escaped, and still the same JSON
    data = {"s": "a\u2028b\u2029c"}
    text = json_for_script(data)
    assert "\u2028" not in text and "\u2029" not in text
    assert text == '{"s":"a\\u2028b\\u2029c"}'
    assert json.loads(text) == data


def test_the_overview_carries_the_chain_view(chain_view, data):
    strings = data["s"]
    assert len(strings) == len(set(strings))  # each string stored once
    assert {strings[row[0]] for row in data["n"]} == {node_key(n) for n in chain_view}
    assert len(data["e"]) == chain_view.number_of_edges()
    inferred = sum(1 for *_, s in chain_view.edges(data="stated") if not s)
    assert sum(1 for row in data["e"] if row[3] == 0) == inferred


def test_relations_carry_their_role_and_direction_from_the_ontology(kg_graph, data):
    rows = kg_graph.query(
        """SELECT ?p ?role ?dir WHERE {
             ?p cbec:chainRole ?role . OPTIONAL { ?p cbec:chainDirection ?dir } }"""
    )
    ns = "https://w3id.org/cbec-kg/ontology#"
    declared = {
        "cbec:" + str(p)[len(ns) :]: (
            str(role)[len(ns) : -len("Role")].lower(),
            int(dir_ is None or str(dir_) == ns + "Along"),
        )
        for p, role, dir_ in rows
    }
    assert data["p"]
    for curie, _en, _zh, role, along in data["p"]:
        assert (role, along) == declared[curie], curie


def test_inferred_links_carry_their_rationale_in_both_languages(kg_graph, chain_view, data):
    rationale = {
        (str(s), str(o), why.language): str(why)
        for s, o, why in kg_graph.query(
            """SELECT ?s ?o ?why WHERE { ?l cbec:linkSubject ?s ; cbec:linkObject ?o ;
                 cbec:assertion cbec:Inferred ; cbec:rationale ?why }"""
        )
    }
    keys = [data["s"][row[0]] for row in data["n"]]
    by_key = {node_key(n): n for n in chain_view}
    shown = {
        (by_key[keys[row[0]]], by_key[keys[row[1]]]): (data["s"][row[5]], data["s"][row[6]])
        for row in data["e"]
        if row[3] == 0
    }
    assert shown
    for (s, o), (en, zh) in shown.items():
        assert en == rationale[s, o, "en"]
        assert zh == rationale[s, o, "zh"]
    # a stated link carries no rationale in either language
    assert {(data["s"][row[5]], data["s"][row[6]]) for row in data["e"] if row[3] == 1} == {
        ("", "")
    }


def test_none_sentences_are_kg_traces(model, data):
    strings, classes = data["s"], [row[0] for row in data["c"]]
    assert {row[0] for row in data["x"]} == set(model.group_keys())
    for group, cls, en, zh in data["x"]:
        said = empty_statement(model, group, classes[cls])
        assert (strings[en], strings[zh]) == (said["en"], said["zh"])


def test_groups_and_class_labels_come_from_the_ontology(kg_graph, data):
    headings = {
        str(key): {
            lab.language: str(lab)
            for lab in kg_graph.objects(c, URIRef("https://w3id.org/cbec-kg/ontology#pluralLabel"))
        }
        for c, key in kg_graph.query("SELECT ?c ?key WHERE { ?c cbec:groupKey ?key }")
    }
    strings = data["s"]
    assert [g[0] for g in data["g"]] and {g[0] for g in data["g"]} == set(headings)
    for key, en, zh in data["g"]:
        assert (strings[en], strings[zh]) == (headings[key]["en"], headings[key]["zh"])


def test_figures_are_the_observations_substantiating_each_node(kg_graph):
    backend = MemoryBackend(kg_graph)
    found = figures(backend)
    expected = {
        (str(n), str(v))
        for n, v in kg_graph.query(
            "SELECT ?n ?v WHERE { ?o a cbec:Observation ; cbec:substantiates ?n ; cbec:value ?v }"
        )
    }
    assert expected
    assert {(n, f["value"].split(" ")[0]) for n, fs in found.items() for f in fs} == expected
    every = statistics(backend)
    n_obs = len(list(kg_graph.query("SELECT ?o WHERE { ?o a cbec:Observation }")))
    assert len(every) <= n_obs and len(every) >= len({v for _, v in expected})
    assert all(f["indicator"]["en"] and f["indicator"]["zh"] and f["quotes"] for f in every)


def test_section_titles_in_both_languages(kg_graph):
    titles = sections(MemoryBackend(kg_graph))
    assert titles["2.4"]["zh"].endswith("跨境电商人才缺乏")
    assert titles["2.4"]["en"] and all(t["en"] and t["zh"] for t in titles.values())


def test_every_word_of_the_page_exists_in_both_languages():
    words = ui_strings()
    for key, pair in words.items():
        assert len(pair) == 2 and all(p.strip() for p in pair), key
        placeholders = [sorted(re.findall(r"\{(\w+)\}", p)) for p in pair]
        assert placeholders[0] == placeholders[1], key


def test_an_empty_view_has_an_empty_payload(kg_graph, model):
    empty = map_payload(nx.MultiDiGraph(), model)
    assert empty["n"] == [] and empty["e"] == []
