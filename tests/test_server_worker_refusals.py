"""The query worker of ``kg serve`` (kg.server_worker.handle) in-process: what it refuses and
how, with answers worked out by hand on a two-triple store.

The endpoint tests (test_server*.py) check the same refusals over HTTP; here each reply is
checked whole, status and message, without a server or a child process.
"""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest

from kg.server_worker import handle
from kg.sparql import MAX_DEPTH, SERVICE_REFUSED, UPDATE_REFUSED

A, P, B = ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.NamedNode("urn:b")


@pytest.fixture
def store():
    s = ox.Store()
    s.add(ox.Quad(A, P, B))
    s.add(ox.Quad(B, P, ox.Literal("x")))
    return s


def request(text, accept="", explicit=(), limit=100):
    return (text, accept, list(explicit), limit)


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:c> <urn:p> <urn:d> }",
        "DELETE WHERE { ?s ?p ?o }",
        "CLEAR ALL",
        "DROP GRAPH <urn:g>",
        "PREFIX p: <urn:> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_403_and_change_nothing(store, update):
    assert handle(store, request(update)) == ("error", 403, UPDATE_REFUSED)
    assert len(store) == 2


def test_service_is_403_before_anything_runs(store):
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert handle(store, request(text)) == (
        "error",
        403,
        SERVICE_REFUSED + "; this endpoint makes no outbound requests",
    )


def test_service_deep_inside_a_query_is_found(store):
    text = (
        "SELECT * WHERE { ?s ?p ?o . OPTIONAL { { ?s ?p ?x } UNION "
        "{ SERVICE <http://127.0.0.1:9/sparql> { ?x ?p ?o } } } }"
    )
    assert handle(store, request(text))[:2] == ("error", 403)


def test_nesting_past_the_limit_is_400_and_at_the_limit_runs(store):
    deep = "SELECT * WHERE " + "{ " * (MAX_DEPTH + 1) + "?s ?p ?o " + "} " * (MAX_DEPTH + 1)
    kind, status, message = handle(store, request(deep))
    assert (kind, status) == ("error", 400)
    assert message.startswith(f"query nested too deeply ({MAX_DEPTH + 1} levels of ")
    assert f"at most {MAX_DEPTH}" in message
    fits = "SELECT * WHERE " + "{ " * MAX_DEPTH + "?s ?p ?o " + "} " * MAX_DEPTH
    kind, media, _body, truncated, count = handle(store, request(fits))
    assert (kind, media, truncated, count) == (
        "ok",
        "application/sparql-results+json",
        False,
        2,
    )


def test_brackets_inside_strings_and_iris_do_not_count(store):
    text = 'SELECT ?s WHERE { ?s ?p ?o FILTER(STR(?o) != "' + "{(" * 40 + '") }'
    kind, _, _body, _, count = handle(store, request(text))
    assert (kind, count) == ("ok", 2)


def test_syntax_error_is_400_with_line_and_column(store):
    kind, status, message = handle(store, request("SELECT ?s\nWHERE {\n  ?s ?p ?o .\n  FILTER( }"))
    assert (kind, status) == ("error", 400)
    assert message.startswith("SPARQL syntax error at line 4, column 11: ")


def test_empty_query_is_400(store):
    assert handle(store, request("  # nothing\n")) == (
        "error",
        400,
        "empty query: the text holds no SPARQL (only whitespace or comments)",
    )


def test_a_select_is_answered_in_the_negotiated_format(store):
    text = "SELECT ?o WHERE { <urn:a> <urn:p> ?o }"
    kind, media, body, truncated, count = handle(store, request(text, "text/csv"))
    assert (kind, media, truncated, count) == ("ok", "text/csv", False, 1)
    assert body.decode().splitlines() == ["o", "urn:b"]
    kind, media, body, _, _ = handle(store, request(text))
    assert media == "application/sparql-results+json"
    assert json.loads(body)["results"]["bindings"] == [{"o": {"type": "uri", "value": "urn:b"}}]


def test_a_construct_cannot_be_answered_as_csv(store):
    text = "CONSTRUCT WHERE { ?s ?p ?o }"
    kind, status, message = handle(store, request(text, "text/csv"))
    assert (kind, status) == ("error", 406)
    assert message.startswith("cannot answer a CONSTRUCT query in that format (one of ")
    assert "text/turtle" in message and "text/csv" not in message


def test_a_cut_answer_falls_back_to_a_format_that_marks_it(store):
    text = "SELECT ?s WHERE { ?s ?p ?o }"
    kind, status, message = handle(store, request(text, "text/csv", limit=1))
    # CSV cannot say that an answer was cut: JSON, which can, is the fallback only if the
    # client accepts it; with Accept: text/csv alone the answer is refused
    assert (kind, status) == ("error", 406)
    assert message.startswith("the answer has more than 1 results (the server's --max-results)")
    kind, media, body, truncated, _count = handle(
        store, request(text, "text/csv, application/sparql-results+json;q=0.5", limit=1)
    )
    assert (kind, media, truncated) == ("ok", "application/sparql-results+json", True)
    assert len(json.loads(body)["results"]["bindings"]) == 1


def test_ask_is_answered_as_results(store):
    kind, media, body, _truncated, _count = handle(store, request("ASK { <urn:a> ?p ?o }"))
    assert (kind, media) == ("ok", "application/sparql-results+json")
    assert json.loads(body)["boolean"] is True


def test_format_values_choose_over_accept(store):
    text = "SELECT ?o WHERE { <urn:a> <urn:p> ?o }"
    kind, media, body, _, _ = handle(store, request(text, "application/json", explicit=["csv"]))
    assert (kind, media, body.decode().splitlines()) == ("ok", "text/csv", ["o", "urn:b"])


def test_the_406_lists_the_formats_of_the_query_form(store):
    assert handle(store, request("CONSTRUCT WHERE { ?s ?p ?o }", "text/csv")) == (
        "error",
        406,
        "cannot answer a CONSTRUCT query in that format (one of text/turtle, "
        "application/n-triples, application/ld+json, application/rdf+xml)",
    )


def test_the_endpoints_prefixes_serve_queries_and_answers(store):
    prefixes = {"ex": "urn:"}
    kind, media, body, _, count = handle(
        store, request("CONSTRUCT WHERE { ex:a ex:p ?o }", "text/turtle"), prefixes
    )
    assert (kind, media, count) == ("ok", "text/turtle", 1)  # only <urn:a> <urn:p> <urn:b>
    assert body.decode().startswith("@prefix ex: <urn:> .")


def test_cut_answers_in_each_kind(store):
    kind, media, body, truncated, _ = handle(
        store, request("CONSTRUCT WHERE { ?s ?p ?o }", "text/turtle", limit=1)
    )
    assert (kind, media, truncated) == ("ok", "text/turtle", True)
    assert body.decode().endswith("# truncated: result cut at 1 triples\n")
    assert handle(
        store, request("CONSTRUCT WHERE { ?s ?p ?o }", "application/ld+json", limit=1)
    ) == (
        "error",
        406,
        "the answer has more than 1 results (the server's --max-results) and application/ld+json "
        "cannot mark a cut answer; add LIMIT/OFFSET to the query or accept text/turtle",
    )
    assert handle(store, request("SELECT * WHERE { ?s ?p ?o }", "text/csv", limit=1)) == (
        "error",
        406,
        "the answer has more than 1 results (the server's --max-results) and text/csv cannot "
        "mark a cut answer; add LIMIT/OFFSET to the query or accept "
        "application/sparql-results+json",
    )


def test_an_evaluation_error_is_the_clients_400(store):
    assert handle(store, request("SELECT (<urn:fn>(1) AS ?x) {}")) == (
        "error",
        400,
        "query failed: RuntimeError: The custom function <urn:fn> is not supported",
    )
