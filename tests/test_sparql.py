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


def test_service_is_refused_unless_allowed():
    from kg.sparql import SERVICE_REFUSED, check_query

    text = "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <http://127.0.0.1:9/> { ?s ?q ?r } } }"
    with pytest.raises(InputError) as err:
        check_query(text)
    assert str(err.value) == SERVICE_REFUSED
    assert check_query(text, allow_service=True) == "SELECT"
    assert check_query("ASK { ?s ?p ?o }") == "ASK"


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", 1),
        ('SELECT * WHERE { FILTER(STR(?x) = "((((") }', 3),
        ("SELECT * WHERE { ?s ?p ?o } # {{{{ ((((", 1),
        ("SELECT * WHERE { ?s ?p '''{{\n(('''  }", 1),
        ('SELECT * WHERE { ?s ?p """[[[""" }', 1),
        ("SELECT * WHERE { ?s <urn:a(b)> [ ?p (1 2) ] }", 3),
        ("}}} SELECT * WHERE { { } }", 2),  # stray closing brackets never go below zero
        ("SELECT * WHERE { ?s ?p 'it\\'s {' }", 1),
        ("{{}}", 2),  # brackets side by side
        ("{}{{}}", 2),
        ("{ { } { { } } }", 3),  # closing one level at a time
        ("{X}", 1),  # letters are not brackets
        ("{X{}}", 2),
        ("SELECT * WHERE { ?s ?p 'unterminated }", 1),  # a lone quote is one character
        ("{ '{ }", 2),
    ],
)
def test_nesting_depth_by_hand(text, depth):
    from kg.sparql import check_nesting

    assert check_nesting(text) == depth


def test_nesting_past_the_limit_names_the_depth():
    from kg.sparql import MAX_DEPTH, check_nesting

    assert check_nesting("{" * 3, limit=3) == 3
    with pytest.raises(InputError) as err:
        check_nesting("{" * 4, limit=3)
    assert str(err.value) == (
        f"query nested too deeply (4 levels of {{ }}, ( ) or [ ]; at most {MAX_DEPTH}): flatten it"
    )


@pytest.mark.parametrize("text", ["", "   \n\t", "# only a comment\n  # another"])
def test_empty_text_is_named_as_such(text):
    with pytest.raises(InputError, match=r"^empty query: the text holds no SPARQL"):
        query_form(text)


def test_a_parser_that_still_recurses_too_deep_gives_the_nesting_error(monkeypatch):
    # nesting is checked before parsing, but should rdflib's parser still run out of stack
    # (its depth per bracket varies), the answer is the same refusal, one level past the limit
    from kg import sparql

    def deep(text):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(sparql, "parseQuery", deep)
    with pytest.raises(InputError) as err:
        sparql.analyse("SELECT * WHERE { ?s ?p ?o . FILTER(?o != 1) }")
    assert str(err.value) == (
        f"query nested too deeply ({sparql.MAX_DEPTH + 1} levels of {{ }}, ( ) or [ ]; "
        f"at most {sparql.MAX_DEPTH}): flatten it"
    )
