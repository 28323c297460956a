"""Rendering query results (kg.formats): standard SPARQL results where clients expect them,
safe cells for spreadsheets, escaped Markdown, labels beside IRIs."""

from __future__ import annotations

import csv
import io
import json

import pytest
from rdflib import Literal, URIRef

from kg.backends import QueryResult
from kg.errors import InputError
from kg.formats import render, spreadsheet_safe

IRI = URIRef("https://w3id.org/cbec-kg/id/challenge-talent")
RESULT = QueryResult(
    "SELECT",
    ["node", "note", "n"],
    [(IRI, Literal('=HYPERLINK("http://x")'), Literal(4)), (IRI, Literal("<b>|x"), None)],
)
LABELS = {str(IRI): "Talent <shortage>"}


def test_csv_neutralises_formulas_and_adds_label_columns():
    rows = list(csv.reader(io.StringIO(render(RESULT, "csv", LABELS))))
    assert rows[0] == ["node", "node_label", "note", "n"]
    assert rows[1] == ["id:challenge-talent", "Talent <shortage>", '\'=HYPERLINK("http://x")', "4"]
    assert rows[2][2:] == ["<b>|x", ""]


def test_spreadsheet_safe_leaves_numbers_and_text_alone():
    cells = ("=1", "+A1", "@A1", "\tx", "-3.5", "+1", "12", "abc")
    assert [spreadsheet_safe(x) for x in cells] == [
        "'=1",
        "'+A1",
        "'@A1",
        "'\tx",
        "-3.5",  # numbers stay numbers
        "+1",
        "12",
        "abc",
    ]


def test_json_is_sparql_results_json():
    doc = json.loads(render(RESULT, "json"))
    assert doc["head"]["vars"] == ["node", "note", "n"]
    first = doc["results"]["bindings"][0]
    assert first["node"] == {"type": "uri", "value": str(IRI)}
    assert first["n"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert "n" not in doc["results"]["bindings"][1]  # unbound stays absent


def test_markdown_escapes_html_and_pipes():
    md = render(RESULT, "markdown", LABELS)
    assert "<b>" not in md and "&lt;b&gt;\\|x" in md
    assert "Talent &lt;shortage&gt;" in md


def test_ask_and_wrong_formats():
    assert render(QueryResult("ASK", boolean=True), "table") == "true\n"
    assert json.loads(render(QueryResult("ASK", boolean=False), "json"))["boolean"] is False
    with pytest.raises(InputError, match="does not fit a SELECT query"):
        render(RESULT, "turtle")
