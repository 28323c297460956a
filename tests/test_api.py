"""The notebook API (kg.api, ``kg.load()``): the same answers as the commands, as plain values."""

from __future__ import annotations

from decimal import Decimal

import pytest

import kg
from kg.api import Answer, KnowledgeGraph
from kg.errors import InputError


@pytest.fixture(scope="module")
def graph() -> KnowledgeGraph:
    return kg.load()


def test_load_adds_inverses_and_figure_flags_like_the_build(graph):
    assert graph.query("ASK { ?p cbec:addressedBy ?r }").boolean
    assert graph.query("ASK { ?f a cbec:InconsistencyFlag }").boolean


def test_dicts_are_plain_values_with_the_labels_the_cli_shows(graph):
    answer = graph.query(name="statistics-by-indicator")
    assert isinstance(answer, Answer)
    rows = answer.dicts()
    first = rows[0]
    # the paper's first figure: 2019 exports of 7981 (亿元), reported by the customs administration
    assert first["indicator"] == "https://w3id.org/cbec-kg/id/indicator-cbec-export-value"
    assert first["indicator_label"] == "Cross-border e-commerce export value"
    assert (first["period"], first["value"]) == ("2019", Decimal("7981"))
    assert first["businessModel"] is None and first["businessModel_label"] is None
    assert answer.dicts("zh")[0]["unit_label"] == "亿元"
    shares = {
        (r["businessModel_label"], r["period"]): r["value"] for r in rows if r["businessModel"]
    }
    assert shares == {
        ("Business-to-business (B2B)", "2020"): Decimal("77.3"),
        ("Business-to-consumer (B2C)", "2020"): Decimal("22.7"),
        ("Business-to-business (B2B)", "2021"): Decimal("68.6"),
        ("Business-to-consumer (B2C)", "2021"): Decimal("31.4"),
    }


def test_query_needs_text_or_a_name(graph):
    with pytest.raises(InputError, match="either a SPARQL string or a named query"):
        graph.query()
    with pytest.raises(InputError, match="either a SPARQL string or a named query"):
        graph.query("ASK {}", name="glossary")


def test_names_and_labels(graph):
    iri = "https://w3id.org/cbec-kg/id/challenge-talent"
    assert graph.names([iri])[iri] == {
        "en": "Shortage of cross-border e-commerce talent",
        "zh": "跨境电商人才缺乏",
    }
    assert graph.labels([iri], "zh") == {iri: "跨境电商人才缺乏"}


def test_resolve_trace_path_gaps_and_views(graph):
    assert graph.resolve("talent shortage").iri.endswith("/challenge-talent")
    assert graph.trace("人才缺乏")["focus"]["iri"].endswith("/challenge-talent")
    found = graph.path("品牌建设能力不足", "出口产品品牌化")
    assert found["mode"] == "chain" and found["paths"]
    assert set(graph.gaps()) >= {"problems_without_remedy", "links_without_evidence"}
    G = graph.to_networkx("remedy")
    assert {layer for _, layer in G.nodes(data="layer")} == {"problem", "remedy", "outcome"}
    assert graph.model.heading("causes", "zh") == "成因"
    assert graph.analyse()["summary"]["nodes"] == G.number_of_nodes()


def test_store_and_endpoint_exclude_extra_files():
    with pytest.raises(InputError, match="either --store or --endpoint"):
        KnowledgeGraph.open(store="a", endpoint="http://b")
    with pytest.raises(InputError, match="--with files can only be merged"):
        KnowledgeGraph.open(extra=["x.ttl"], endpoint="http://b")
