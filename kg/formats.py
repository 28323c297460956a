"""Render query results: table, csv, tsv, json (SPARQL 1.1 results), markdown; graphs as Turtle,
JSON-LD or N-Triples. Labels for IRIs are looked up in the chosen language (falling back).

>>> from kg.backends import QueryResult
>>> from rdflib import Literal
>>> r = QueryResult("SELECT", ["n"], [(Literal(4),)])
>>> print(render(r, "csv"), end="")
n
4
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Mapping

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.backends import QueryResult
from kg.errors import InputError
from kg.namespaces import curie

__all__ = ["GRAPH_FORMATS", "TABLE_FORMATS", "render", "spreadsheet_safe"]

TABLE_FORMATS = ("table", "csv", "tsv", "json", "markdown")
GRAPH_FORMATS = ("turtle", "jsonld", "nt")


def _cell(term: Node | None, labels: Mapping[str, str]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return labels.get(str(term), curie(str(term)))
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _raw(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    return str(term) if not isinstance(term, BNode) else f"_:{term}"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    cell = {"type": "literal", "value": str(term)}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype:
        cell["datatype"] = str(term.datatype)
    return cell


def to_results_json(result: QueryResult, indent: int | None = 2) -> str:
    """SPARQL 1.1 Query Results JSON (on one line with ``indent=None``)."""
    if result.form == "ASK":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=indent)
    bindings = [
        {v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    separators = (",", ":") if indent is None else None
    return json.dumps(doc, ensure_ascii=False, indent=indent, separators=separators)


def _iri_columns(result: QueryResult) -> list[bool]:
    return [
        any(isinstance(row[i], URIRef) for row in result.rows) for i in range(len(result.variables))
    ]


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """A cell a spreadsheet will not run as a formula: text starting with ``= + - @`` (or a tab
    or carriage return) gets a leading ``'``; numbers such as ``-3.5`` stay as they are.

    >>> print(spreadsheet_safe("=1+2"), spreadsheet_safe("@SUM(A1)"), spreadsheet_safe("-3.5"))
    '=1+2 '@SUM(A1) -3.5
    """
    if cell and cell[0] in "=+-@\t\r" and not _NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _delimited(result: QueryResult, labels: Mapping[str, str], delimiter: str) -> str:
    """CSV/TSV for people and spreadsheets (``kg query --format csv``): cells are made
    :func:`spreadsheet_safe`. (SPARQL CSV results from ``kg serve`` stay standard.)"""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\n")
    iri_cols = _iri_columns(result)
    header = []
    for var, has_iri in zip(result.variables, iri_cols, strict=True):
        header += [var, f"{var}_label"] if has_iri and labels else [var]
    writer.writerow(header)
    for row in result.rows:
        cells = []
        for term, has_iri in zip(row, iri_cols, strict=True):
            cells.append(_raw(term))
            if has_iri and labels:
                cells.append(_cell(term, labels) if isinstance(term, URIRef) else "")
        writer.writerow([spreadsheet_safe(c) for c in cells])
    return buf.getvalue()


def _markdown(result: QueryResult, labels: Mapping[str, str]) -> str:
    from kg.render.markdown import table

    rows = [[_cell(t, labels) for t in row] for row in result.rows]
    return "\n".join(table(result.variables, rows)) + "\n"


def _table(result: QueryResult, labels: Mapping[str, str]) -> str:
    from rich.console import Console
    from rich.table import Table

    table = Table(*result.variables, show_lines=False)
    for row in result.rows:
        table.add_row(*(_cell(t, labels) for t in row))
    buffer = io.StringIO()
    console = Console(file=buffer, width=160, highlight=False, color_system=None)
    console.print(table)
    console.print(f"{len(result.rows)} row(s)")
    return buffer.getvalue()


RENDERERS: dict[str, Callable[[QueryResult, Mapping[str, str]], str]] = {
    "table": _table,
    "markdown": _markdown,
    "csv": lambda r, labels: _delimited(r, labels, ","),
    "tsv": lambda r, labels: _delimited(r, labels, "\t"),
    "json": lambda r, labels: to_results_json(r) + "\n",
}


def render(result: QueryResult, fmt: str, labels: Mapping[str, str] | None = None) -> str:
    """Render ``result`` in ``fmt``; ``labels`` maps IRIs to display labels."""
    labels = labels or {}
    if result.form in ("CONSTRUCT", "DESCRIBE"):
        fmt = "turtle" if fmt in TABLE_FORMATS else fmt
        if fmt not in GRAPH_FORMATS:
            raise InputError(
                f"format {fmt!r} does not fit a {result.form} query; use {GRAPH_FORMATS}"
            )
        assert result.graph is not None
        from kg.serialize import to_jsonld, to_ntriples, to_turtle

        return {"turtle": to_turtle, "jsonld": to_jsonld, "nt": to_ntriples}[fmt](result.graph)
    if fmt not in TABLE_FORMATS:
        raise InputError(f"format {fmt!r} does not fit a {result.form} query; use {TABLE_FORMATS}")
    if result.form == "ASK":
        if fmt == "json":
            return to_results_json(result) + "\n"
        return ("true" if result.boolean else "false") + "\n"
    return RENDERERS[fmt](result, labels)


def iris_in(result: QueryResult) -> set[str]:
    """Every IRI that appears in a SELECT result."""
    return {str(t) for row in result.rows for t in row if isinstance(t, URIRef)}
