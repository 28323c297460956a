"""The query worker of `kg serve` (kg.server_worker): content negotiation, the serialisations of
each query form, the result limit (cut answers are marked, or refused with 406), the errors a
request can get, and the worker loop over a pipe.

The time limit is not the worker's: the pool replaces a worker that runs past it (see
tests/test_server_pool.py). Everything here runs in this process over small stores.
"""

from __future__ import annotations

import json
import os
import threading
from multiprocessing import Pipe

import pyoxigraph as ox
import pytest

from kg.server_worker import (
    MARKABLE,
    RESULT_TYPES,
    answer,
    collect,
    format_key,
    handle,
    negotiate,
    run_worker,
)
from kg.sparql import SERVICE_REFUSED, UPDATE_REFUSED
from kg.stores import load_store

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"
P = ox.NamedNode("urn:p")
SELECT = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s"
CONSTRUCT = "CONSTRUCT WHERE { ?s <urn:p> ?o }"
JSON = "application/sparql-results+json"


TRIPLES = (
    '<urn:a> <urn:p> "x, y"@en .\n'
    f'<urn:b> <urn:p> "5"^^<{XSD_INTEGER}> .\n'
    "<urn:c> <urn:p> _:b1 .\n"
    '<urn:d> <urn:p> "plain <&> \\"q\\"" .\n'
)


def ox_store():
    """A fresh in-memory store of :data:`TRIPLES` (the blank node keeps its label)."""
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("urn:a"), P, ox.Literal("x, y", language="en")))
    s.add(ox.Quad(ox.NamedNode("urn:b"), P, ox.Literal("5", datatype=ox.NamedNode(XSD_INTEGER))))
    s.add(ox.Quad(ox.NamedNode("urn:c"), P, ox.BlankNode("b1")))
    s.add(ox.Quad(ox.NamedNode("urn:d"), P, ox.Literal('plain <&> "q"')))
    return s


@pytest.fixture(scope="module")
def store():
    """Four subjects, one value each: a tagged literal with a comma, an integer, a blank node and
    a plain literal with XML's special characters (:data:`TRIPLES`)."""
    return ox_store()


def request(text, accept=JSON, explicit=(), limit=100):
    return (text, accept, list(explicit), limit)


# --- negotiation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "kind", "key"),
    [
        ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "results", "xml"),
        ("text/csv, application/json", "results", "csv"),  # equal q: the first named
        ("application/sparql-results+json;q=0, text/csv", "results", "csv"),  # q=0: not at all
        ("application/json;q=oops, text/tab-separated-values", "results", "tsv"),  # bad q: 0
        ("", "results", "json"),  # no Accept: anything, the default
        ("*/*", "graph", "turtle"),
        ("application/rdf+xml;q=0.2, text/plain", "graph", "nt"),
        ("application/json", "graph", None),  # JSON results do not fit a graph
        ("text/turtle", "results", None),
        ("image/png", "results", None),
        ("text/*", "results", "csv"),  # a range: a type inside it, never one outside
        ("text/*", "graph", "turtle"),
        ("application/*", "graph", "nt"),
        ("application/*", "results", "json"),
    ],
)
def test_negotiate_by_accept(accept, kind, key):
    assert negotiate(accept, kind) == key


def test_explicit_format_wins_when_it_fits_the_kind_and_is_allowed():
    assert negotiate(JSON, "results", ["tsv"]) == "tsv"
    assert negotiate(JSON, "results", ["nonsense", "csv"]) == "csv"  # the first that fits
    assert negotiate(JSON, "results", ["turtle"]) == "json"  # a graph format: Accept decides
    assert negotiate("text/csv", "results", ["csv"], allowed=MARKABLE) is None
    assert negotiate("*/*", "results", allowed={"csv", "xml"}) == "xml"  # default not allowed
    assert negotiate("text/*", "results", allowed=MARKABLE) is None  # no marked text format


@pytest.mark.parametrize(
    ("value", "kind", "key"),
    [
        ("SRJ", "results", "json"),
        (" tsv ", "results", "tsv"),
        ("json", "graph", "jsonld"),
        ("xml", "graph", "rdfxml"),
        ("n-triples", "graph", "nt"),
        ("text/csv; charset=utf-8", "results", "csv"),
        ("text/turtle", "results", None),
        ("", "results", None),
    ],
)
def test_format_key(value, kind, key):
    assert format_key(value, kind) == key


# --- answers in every format -----------------------------------------------------------------


def test_select_as_csv_follows_the_standard(store):
    kind, media, body, truncated, n = answer(store, SELECT, "csv", 10)
    assert (kind, media, truncated, n) == ("ok", "text/csv", False, 4)
    assert body.decode() == (
        's,o\r\nurn:a,"x, y"\r\nurn:b,5\r\nurn:c,_:b1\r\nurn:d,"plain <&> ""q"""\r\n'
    )


def test_select_as_tsv_writes_terms_in_turtle_syntax(store):
    body = answer(store, SELECT, "tsv", 10)[2].decode()
    assert body.splitlines() == [
        "?s\t?o",
        '<urn:a>\t"x, y"@en',
        f'<urn:b>\t"5"^^<{XSD_INTEGER}>',
        "<urn:c>\t_:b1",
        '<urn:d>\t"plain <&> \\"q\\""',
    ]


def test_select_as_json_types_every_term(store):
    doc = json.loads(answer(store, SELECT, "json", 10)[2])
    assert doc == {
        "head": {"vars": ["s", "o"]},
        "results": {
            "bindings": [
                {
                    "s": {"type": "uri", "value": "urn:a"},
                    "o": {"type": "literal", "value": "x, y", "xml:lang": "en"},
                },
                {
                    "s": {"type": "uri", "value": "urn:b"},
                    "o": {"type": "literal", "value": "5", "datatype": XSD_INTEGER},
                },
                {"s": {"type": "uri", "value": "urn:c"}, "o": {"type": "bnode", "value": "b1"}},
                {
                    "s": {"type": "uri", "value": "urn:d"},
                    "o": {"type": "literal", "value": 'plain <&> "q"'},
                },
            ]
        },
    }


def test_select_as_xml_escapes_values_and_leaves_unbound_out(store):
    text = "SELECT ?s ?x WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?x } } ORDER BY ?s"
    assert b"<binding" in answer(store, text, "xml", 1)[2]
    body = answer(store, SELECT, "xml", 10)[2].decode()
    assert '<variable name="s"/><variable name="o"/>' in body
    assert '<binding name="o"><literal xml:lang="en">x, y</literal></binding>' in body
    assert f'<literal datatype="{XSD_INTEGER}">5</literal>' in body
    assert "<bnode>b1</bnode>" in body
    assert '<literal>plain &lt;&amp;&gt; "q"</literal>' in body
    unbound = answer(store, text, "xml", 10)[2].decode()
    assert (
        'name="x"' in unbound.split("<results>")[0]
        and 'name="x"' not in (unbound.split("<results>")[1])
    )


def test_unbound_values_are_left_out_of_json_and_empty_in_csv(store):
    text = "SELECT ?s ?x WHERE { ?s <urn:p> ?o OPTIONAL { ?s <urn:q> ?x } } ORDER BY ?s"
    doc = json.loads(answer(store, text, "json", 10)[2])
    assert doc["results"]["bindings"][0] == {"s": {"type": "uri", "value": "urn:a"}}
    assert answer(store, text, "csv", 10)[2].decode().split("\r\n")[1] == "urn:a,"


@pytest.mark.parametrize(
    ("fmt", "body"),
    [
        ("json", {"head": {}, "boolean": True}),
        ("xml", "<boolean>true</boolean>"),
        ("csv", "true\n"),
    ],
)
def test_ask(store, fmt, body):
    _, media, got, truncated, n = answer(store, "ASK { ?s <urn:p> 5 }", fmt, 10)
    assert (media, truncated, n) == (RESULT_TYPES[fmt][0], False, 1)
    if fmt == "json":
        assert json.loads(got) == body
    else:
        assert body in got.decode()
    false = answer(store, "ASK { ?s <urn:p> 6 }", fmt, 10)[2].decode()
    assert "false" in false and "true" not in false


def test_construct_in_each_rdf_format(store):
    from rdflib import Graph

    expected = Graph().parse(data=TRIPLES, format="nt")
    for fmt, rdflib_name in [("turtle", "turtle"), ("nt", "nt"), ("rdfxml", "xml")]:
        body = answer(store, CONSTRUCT, fmt, 10)[2]
        got = Graph().parse(data=body, format=rdflib_name)
        assert len(got) == 4 and got.isomorphic(expected), fmt
    jsonld = json.loads(answer(store, CONSTRUCT, "jsonld", 10)[2])
    assert "urn:d" in json.dumps(jsonld)


def test_turtle_uses_the_prefixes_given(store):
    body = answer(store, CONSTRUCT, "turtle", 10, prefixes={"u": "urn:"})[2].decode()
    assert "@prefix u: <urn:> ." in body and "u:a u:p" in body


# --- the result limit --------------------------------------------------------------------------


def test_collect_cuts_at_the_limit_and_says_so(store):
    assert collect(store, SELECT, 4)[2:] == (False, 4)  # exactly the limit: not cut
    kind, (variables, rows), truncated, n = collect(store, SELECT, 3)
    assert (kind, variables, truncated, n) == ("select", ["s", "o"], True, 3)
    assert [r[0].value for r in rows] == ["urn:a", "urn:b", "urn:c"]
    kind, triples, truncated, n = collect(store, CONSTRUCT, 2)
    assert (kind, len(triples), truncated, n) == ("graph", 2, True, 2)


def test_a_cut_answer_is_marked_in_its_body(store):
    doc = json.loads(answer(store, SELECT, "json", 2)[2])
    assert len(doc["results"]["bindings"]) == 2
    assert doc["truncated"] == {"limit": 2, "message": "result cut at 2 rows"}
    xml = answer(store, SELECT, "xml", 2)[2].decode()
    assert '<link href="urn:kg:truncated:limit=2"/>' in xml and xml.count("<result>") == 2
    for fmt in ("turtle", "nt"):
        body = answer(store, CONSTRUCT, fmt, 2)[2].decode()
        assert body.endswith("# truncated: result cut at 2 triples\n"), fmt
    rdfxml = answer(store, CONSTRUCT, "rdfxml", 2)[2].decode()
    assert rdfxml.endswith("<!-- truncated: result cut at 2 triples -->\n")
    whole = json.loads(answer(store, SELECT, "json", 4)[2])
    assert "truncated" not in whole


def test_a_cut_answer_in_a_format_that_cannot_say_so_falls_back_or_is_refused(store):
    reply = handle(store, request(SELECT, "text/csv, application/sparql-results+json;q=0.1", (), 2))
    assert reply[:2] == ("ok", JSON) and reply[3:] == (True, 2)
    refused = handle(store, request(SELECT, "text/csv", (), 2))
    assert refused[:2] == ("error", 406)
    assert "more than 2 results" in refused[2] and "LIMIT" in refused[2]
    assert refused[2].endswith("application/sparql-results+json")
    graph = handle(store, request(CONSTRUCT, "application/ld+json", (), 2))
    assert graph[:2] == ("error", 406) and graph[2].endswith("text/turtle")
    whole = handle(store, request(SELECT, "text/csv", (), 4))
    assert whole[:2] == ("ok", "text/csv") and whole[3] is False


# --- requests ----------------------------------------------------------------------------------


def test_handle_answers_a_query_in_the_negotiated_format(store):
    kind, media, body, truncated, n = handle(store, request(SELECT, "text/csv"))
    assert (kind, media, truncated, n) == ("ok", "text/csv", False, 4)
    assert body.decode().splitlines()[0] == "s,o"
    kind, media, body, _, n = handle(store, request(CONSTRUCT, "*/*", ["nt"]))
    assert (kind, media, n) == ("ok", "application/n-triples", 4)


def test_handle_passes_the_prefixes_to_the_store(store):
    text = "SELECT ?o WHERE { <urn:b> u:p ?o }"
    kind, _, body, _, _ = handle(store, request(text, "text/csv"), {"u": "urn:"})
    assert (kind, body.decode()) == ("ok", "o\r\n5\r\n")


@pytest.mark.parametrize(
    ("text", "accept", "status", "message"),
    [
        ("INSERT DATA { <urn:x> <urn:p> 1 }", JSON, 403, UPDATE_REFUSED),
        ("SELECT * WHERE { SERVICE <http://e/> { ?s ?p ?o } }", JSON, 403, SERVICE_REFUSED),
        ("SELECT ?s WHERE { ?s ?p }", JSON, 400, "SPARQL syntax error at line 1"),
        ("   # nothing", JSON, 400, "empty query"),
        ("SELECT * WHERE { ?s nope:p ?o }", JSON, 400, "SPARQL syntax error"),  # Oxigraph's
        (CONSTRUCT, "text/csv", 406, "cannot answer a CONSTRUCT query in that format"),
        (SELECT, "text/turtle", 406, "cannot answer a SELECT query in that format"),
    ],
)
def test_handle_refuses_with_a_status_and_a_message(store, text, accept, status, message):
    reply = handle(store, request(text, accept))
    assert reply[:2] == ("error", status) and message in reply[2]


def test_too_deep_a_query_is_a_400(store):
    deep = "SELECT * WHERE " + "{ " * 30 + "?s ?p ?o" + " }" * 30
    reply = handle(store, request(deep))
    assert reply[:2] == ("error", 400) and "nest" in reply[2]


def test_an_evaluation_error_is_the_clients_answer_not_a_crash():
    class Failing:
        def query(self, text, prefixes=None):
            raise ValueError("boom")

    assert handle(Failing(), request(SELECT)) == ("error", 400, "query failed: ValueError: boom")


# --- the worker loop ---------------------------------------------------------------------------


def test_run_worker_says_ready_answers_and_stops_when_the_pipe_closes(tmp_path):
    data = tmp_path / "data.nt"
    data.write_text(TRIPLES)
    load_store(tmp_path / "store", data)
    ours, theirs = Pipe()
    worker = threading.Thread(target=run_worker, args=(str(tmp_path / "store"), theirs, {}))
    worker.start()
    try:
        assert ours.recv() == ("ready", os.getpid())
        ours.send(request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "text/csv"))
        assert ours.recv() == ("ok", "text/csv", b"n\r\n4\r\n", False, 1)
        ours.send(request("DELETE WHERE { ?s ?p ?o }"))
        assert ours.recv() == ("error", 403, UPDATE_REFUSED)
        ours.send(request(SELECT, "text/csv", (), 1))
        assert ours.recv()[:2] == ("error", 406)  # the limit of the request is kept
    finally:
        ours.close()
        worker.join(30)
    assert not worker.is_alive()


def test_run_worker_reports_a_store_it_cannot_open(tmp_path):
    ours, theirs = Pipe()
    run_worker(str(tmp_path / "missing"), theirs, {})
    kind, message = ours.recv()
    assert kind == "failed" and message.startswith(f"cannot open {tmp_path / 'missing'}: ")
