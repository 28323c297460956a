"""Query parsing: forms, syntax errors with line/column/caret, updates refused."""

from __future__ import annotations

import pytest

from kg.errors import InputError
from kg.sparql import query_form


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <urn:x>", "DESCRIBE"),
    ],
)
def test_query_forms(text, form):
    assert query_form(text) == form


def test_syntax_error_gives_line_column_and_caret():
    text = "SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER( }"
    with pytest.raises(InputError) as err:
        query_form(text)
    lines = str(err.value).splitlines()
    assert lines[0].startswith("SPARQL syntax error at line 4, column 11: ")
    assert lines[1] == "    FILTER( }"
    assert lines[2].index("^") == lines[1].index("}")


def test_syntax_error_on_the_line_after_a_cut_off_clause():
    # "?s ?p" lacks its object: the parser meets "}" where the object should be, the first
    # character of line 3 (counted by hand), not the start of the clause on line 2
    with pytest.raises(InputError) as err:
        query_form("SELECT ?s WHERE {\n  ?s ?p \n}")
    lines = str(err.value).splitlines()
    assert lines[0].startswith("SPARQL syntax error at line 3, column 1: ")
    assert lines[1:] == ["  }", "  ^"]


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
    ],
)
def test_updates_are_refused(update):
    with pytest.raises(InputError, match=r"updates .* are not allowed"):
        query_form(update)
