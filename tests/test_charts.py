"""Charts of the paper's statistics (kg.charts): every chart has data, its rows (read back
from its CSV) are exactly the KG's observations, and the recomputed growth rate is the paper's
own values' ratio. Drawing: tests/test_chart_drawing.py; files: tests/test_chart_files.py.

Expectations come from SPARQL queries written here (plain UNIONs, not the charts' property
paths) and from arithmetic on the values they return.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from rdflib import Graph, URIRef

from kg.api import KnowledgeGraph
from kg.chart_files import csv_text
from kg.charts import CHARTS, build_charts, chart_rows
from kg.namespaces import curie, expand

#: The observations a chart of each kind must hold, written independently of kg.charts.
EXPECTED = {
    "values": """
        SELECT ?obs ?period ?value ?unit WHERE {
          { ?obs cbec:indicator ?focus } UNION { ?i cbec:growthOf ?focus . ?obs cbec:indicator ?i }
          ?obs cbec:refPeriod ?period ; cbec:value ?value ; cbec:unit ?unit .
        }""",
    "shares": """
        SELECT ?obs ?period ?value ?unit WHERE {
          ?i cbec:shareOf ?focus . ?obs cbec:indicator ?i ;
             cbec:refPeriod ?period ; cbec:value ?value ; cbec:unit ?unit .
        }""",
    "parts": """
        SELECT ?obs ?period ?value ?unit WHERE {
          { ?i cbec:growthOf ?focus } UNION { ?part skos:broader ?focus . ?i cbec:growthOf ?part }
          ?obs cbec:indicator ?i ; cbec:refPeriod ?period ; cbec:value ?value ; cbec:unit ?unit .
        }""",
}

FLAGGED = "SELECT DISTINCT ?obs WHERE { ?f a cbec:InconsistencyFlag ; prov:wasDerivedFrom ?obs }"


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.open()  # with the figure checks' flags, as kg build writes them


@pytest.fixture(scope="module")
def charts(kg):
    return build_charts(kg.backend, render=False)  # the data; drawing is tested on its own


def _rows(chart) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(csv_text(chart))))


def test_every_chart_is_drawn_from_observations(charts):
    assert [c.spec.slug for c in charts] == [s.slug for s in CHARTS]
    for c in charts:
        assert c.points, c.spec.slug


def test_csv_rows_equal_the_kgs_observations(kg, charts):
    graph = kg.rdflib_graph()
    flagged = {curie(str(r[0])) for r in graph.query(FLAGGED)}
    for c in charts:
        rows = _rows(c)
        focus = URIRef(expand(c.spec.focus))
        expected = {
            (curie(str(o)), str(p), str(v), curie(str(u)))
            for o, p, v, u in graph.query(EXPECTED[c.spec.kind], initBindings={"focus": focus})
        }
        got = {(r["observation"], r["period"], r["value"], r["unit"]) for r in rows}
        assert got == expected, c.spec.slug
        assert len(rows) == len(expected)  # one row per observation
        for r in rows:
            assert (r["inconsistent"] == "true") == (r["observation"] in flagged), r
            assert Decimal(r["value"]) == Decimal(
                str(graph.value(URIRef(expand(r["observation"])), URIRef(expand("cbec:value"))))
            )


def test_recomputed_growth_is_the_ratio_of_the_papers_values(kg, charts):
    graph = kg.rdflib_graph()
    value = URIRef(expand("cbec:value"))
    seen_mismatch = False
    for c in charts:
        rows = _rows(c)
        by_period = {
            r["period"]: Decimal(r["value"])
            for r in rows
            if not r["growth_of"] and not r["qualifier"]
        }
        for r in rows:
            if not r["growth_of"]:
                continue
            prev = str(int(r["period"]) - 1) if r["period"].isdigit() else None
            if r["period"] in by_period and prev in by_period:
                ratio = (by_period[r["period"]] / by_period[prev] - 1) * 100
                assert Decimal(r["recomputed_growth"]) == ratio.quantize(Decimal("0.01"))
            else:
                assert r["recomputed_growth"] == ""
            printed = Decimal(str(graph.value(URIRef(expand(r["observation"])), value)))
            assert Decimal(r["value"]) == printed  # the paper's number, never corrected
            if r["inconsistent"] == "true" and r["recomputed_growth"]:
                assert Decimal(r["recomputed_growth"]) != printed
                seen_mismatch = True
    assert seen_mismatch  # the 2020 export growth: printed 39.2, recomputed 35.95


def test_data_only_charts_are_not_drawn_and_rows_keep_chart_order(charts):
    assert all(c.svg == b"" and c.png == b"" for c in charts)
    assert chart_rows(charts) == [p for c in charts for p in c.points]


def test_a_chart_without_observations_is_left_out():
    assert build_charts(Graph(), render=False) == []
