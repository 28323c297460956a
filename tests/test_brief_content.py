"""What the brief says, gathered once for both formats (kg.brief.content): the
printed-against-recomputed growth sentence, the content hash, and — from the KG — the leverage
with its stated part, the statistics in the paper's order and the one flagged figure.

Expected values are worked out by hand from the hand-made trace (tests/briefdata.py) or from
the paper's figures, never taken from the code's output.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal

import pytest
from briefdata import ID
from rdflib import Graph, Literal, URIRef

from kg.brief.content import Num, _growth_sentence, collect, content_hash


def test_growth_sentence_prints_the_paper_and_the_recomputation():
    names = {ID + "value": {"en": "Export value", "zh": "出口额"}}
    growth = {"iri": ID + "g", "value": "30", "period": "2020", "base": ID + "value"}
    prev = {"iri": ID + "a", "value": "80", "period": "2019"}
    cur = {"iri": ID + "b", "value": "100", "period": "2020"}
    point, sentence = _growth_sentence(growth, prev, cur, names)
    assert point == Decimal(25)  # 100 / 80 − 1 = 25 %
    en = sentence["en"]
    assert en[0] == "Export value, "
    numbers = [s for s in en if isinstance(s, Num)]
    assert Num("30", "obs", (ID + "g",)) in numbers
    assert Num("25.00", "recomputed", (ID + "a", ID + "b")) in numbers
    assert "".join(s.text if isinstance(s, Num) else s for s in sentence["zh"]).startswith(
        "出口额，2020年：原文所载增长率为 30%"
    )


def test_content_hash_is_the_sha256_of_the_canonical_ntriples():
    g = Graph()
    g.add((URIRef("urn:a"), URIRef("urn:b"), Literal("c")))
    expected = hashlib.sha256(b'<urn:a> <urn:b> "c" .\n').hexdigest()
    assert content_hash(g) == expected


# --- gathered from the KG -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def content():
    from kg.api import KnowledgeGraph
    from kg.charts import build_charts

    kg = KnowledgeGraph.open()
    return collect(kg, build_charts(kg.backend, render=False), kg_hash="0" * 64)


def test_leverage_carries_what_it_reaches_through_stated_links(content):
    assert content.leverage
    for r in content.leverage:
        assert r["score"].kind == "leverage" and r["stated"].kind == "stated-leverage"
        assert r["score"].refs == r["stated"].refs == (r["iri"],)
        assert 0 <= int(r["stated"].text) <= int(r["score"].text) == len(r["problems"])
    (facilitation,) = [r for r in content.leverage if r["iri"] == ID + "action-trade-facilitation"]
    # 'Facilitate trade at every stage' addresses the credit challenge (stated) and 2.2's
    # procedures (inferred): 7 problems in all; by stated links, the credit challenge and the
    # three effects the paper says it causes
    assert (facilitation["score"].text, facilitation["stated"].text) == ("7", "4")


def test_statistics_are_every_figure_in_the_papers_order(content):
    values = [p.value for p in content.statistics]
    assert values == [
        "7981", "30.5", "10850", "39.2", "13918", "28.3",  # 1.1: each year, then its growth
        "1.25", "35.5", "1.4", "11.99", "1.6",  # 1.2
        "77.3", "22.7", "68.6", "31.4",  # 1.3: B2B and B2C, as each sentence gives them
        "52982.7", "18", "35", "26.9", "22.3",  # 4.2: the services total, then the growths
    ]  # fmt: skip
    services = content.statistics[15]
    assert (services.period, services.section) == ("2021", "4.2")
    assert "52982.7" in services.quote
    charted = {p.iri for c in content.charts for p in c.points}
    assert services.iri not in charted  # in no chart, yet in the statistics


def test_the_one_flagged_figure_is_printed_against_its_recomputation(content):
    (mismatch,) = content.mismatches
    numbers = {(s.kind, s.text) for s in mismatch["en"] if isinstance(s, Num)}
    # 10850 / 7981 − 1 = 0.35948… → 35.95 %, where the paper prints 39.2 %
    assert {("obs", "39.2"), ("obs", "7981"), ("obs", "10850"), ("recomputed", "35.95")} <= numbers
