"""The ASGI application of `kg serve` (kg.server_app), driven directly with ASGI messages and a
stand-in worker pool: which status, headers and body each kind of request gets, without a
socket or a worker process.

Expectations come from the SPARQL 1.1 Protocol (query operation only; updates refused) and the
limits the endpoint documents, never from the application's code.
"""

from __future__ import annotations

import asyncio
import json
import urllib.parse

import pytest
from helpers import run_async

from kg import server_app
from kg.query import named_queries
from kg.server_app import MAX_BODY, TRUNCATED_HEADER, SparqlApp
from kg.server_pool import Busy, QueryTimedOut, WorkerCrashed

ASK = "ASK { ?s ?p ?o }"
OK = ("ok", "application/sparql-results+json", b'{"head": {}, "boolean": true}', False, 1)


class FakePool:
    """Records each request and answers with ``reply`` (or raises it, if an exception)."""

    size = 2

    def __init__(self, reply=OK):
        self.reply = reply
        self.requests = []
        self.waiters = []

    async def run(self, request):
        self.requests.append(request)
        if isinstance(self.reply, BaseException):
            raise self.reply
        return self.reply


def call(app, method, path, query="", headers=(), body=b"", chunks=None):
    """Send one request; return (status, headers as a dict, body), or None without an answer."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers],
    }
    incoming = list(chunks) if chunks is not None else [{"type": "http.request", "body": body}]
    sent = []

    async def receive():
        if incoming:
            return incoming.pop(0)
        await asyncio.sleep(3600)  # the client stopped sending

    async def send(message):
        sent.append(message)

    run_async(app(scope, receive, send))
    if not sent:
        return None
    start, answer = sent
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, answer["body"]


@pytest.fixture
def pool():
    return FakePool()


@pytest.fixture
def app(pool):
    return SparqlApp(pool, timeout=10.0, max_results=100)


def form(**fields) -> bytes:
    return urllib.parse.urlencode(fields).encode()


FORM = ("Content-Type", "application/x-www-form-urlencoded")


# --- the three ways to send a query --------------------------------------------------------------


def test_get_post_form_and_post_body_reach_the_pool_alike(app, pool):
    accept = ("Accept", "text/csv")
    assert call(app, "GET", "/sparql", urllib.parse.urlencode({"query": ASK}), [accept])[0] == 200
    assert call(app, "POST", "/sparql", "", [FORM, accept], form(query=ASK))[0] == 200
    body = ("Content-Type", "application/sparql-query")
    assert call(app, "POST", "/", "", [body, accept], ASK.encode())[0] == 200
    # (query text, Accept, explicit format values, the answer's row limit)
    assert pool.requests == [(ASK, "text/csv", [], 100)] * 3


def test_format_and_output_values_are_passed_on(app, pool):
    query = urllib.parse.urlencode({"query": ASK, "format": "xml", "output": "json"})
    call(app, "GET", "/sparql", query)
    assert pool.requests == [(ASK, "*/*", ["xml", "json"], 100)]


def test_an_answer_carries_its_count_and_no_caching(app):
    status, headers, body = call(app, "GET", "/sparql", urllib.parse.urlencode({"query": ASK}))
    assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
    assert headers["Content-Type"] == "application/sparql-results+json; charset=utf-8"
    assert headers["Content-Length"] == str(len(body))
    assert headers["X-KG-Results"] == "1" and headers["Cache-Control"] == "no-store"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert TRUNCATED_HEADER not in headers


def test_a_cut_answer_says_so_in_a_header(pool):
    pool.reply = ("ok", "text/turtle", b"# cut\n", True, 7)
    app = SparqlApp(pool, timeout=10.0, max_results=7)
    _, headers, _ = call(app, "GET", "/sparql", "query=CONSTRUCT+WHERE+%7B%3Fs+%3Fp+%3Fo%7D")
    assert headers[TRUNCATED_HEADER] == "limit=7"


def test_head_has_the_headers_of_get_and_no_body(app):
    query = urllib.parse.urlencode({"query": ASK})
    _, get_headers, get_body = call(app, "GET", "/sparql", query)
    status, headers, body = call(app, "HEAD", "/sparql", query)
    assert status == 200 and body == b""
    assert headers["Content-Length"] == str(len(get_body)) == get_headers["Content-Length"]


# --- what the endpoint refuses -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "query", "headers", "body"),
    [
        ("GET", "update=DROP+ALL", [], b""),
        ("POST", "", [FORM], form(update="DROP ALL")),
        ("POST", "", [("Content-Type", "application/sparql-update")], b"DROP ALL"),
        ("POST", "update=DROP+ALL", [("Content-Type", "application/sparql-query")], b"ASK {}"),
    ],
)
def test_updates_are_403_and_never_reach_a_worker(app, pool, method, query, headers, body):
    status, _, text = call(app, method, "/sparql", query, headers, body)
    assert status == 403 and b"read-only" in text
    assert pool.requests == []


def test_other_methods_are_405_with_allow(app):
    status, headers, _ = call(app, "PUT", "/sparql", body=b"x")
    assert status == 405 and headers["Allow"] == "GET, HEAD, POST"


def test_other_media_types_are_415_and_close_the_connection(app, pool):
    status, headers, _ = call(app, "POST", "/sparql", "", [("Content-Type", "text/plain")], b"x")
    assert status == 415 and headers["Connection"] == "close"
    assert pool.requests == []


@pytest.mark.parametrize(
    ("method", "query", "headers", "body", "message"),
    [
        ("GET", "", [("Accept", "application/json")], b"", b"missing 'query'"),
        ("GET", "query=ASK+%7B%7D&query=ASK+%7B%7D", [], b"", b"given 2 times"),
        ("POST", "", [FORM], form(format="json"), b"missing 'query'"),
        ("POST", "query=ASK+%7B%7D", [FORM], form(query="ASK {}"), b"given twice"),
        ("GET", "query=ASK+%7B%7D&default-graph-uri=urn:g", [], b"", b"not supported"),
        ("GET", "query=%FF", [], b"", b"not UTF-8"),
        ("POST", "", [("Content-Type", "application/sparql-query")], b"\xff", b"not UTF-8"),
    ],
)
def test_malformed_requests_are_400_saying_why(app, pool, method, query, headers, body, message):
    status, _, text = call(app, method, "/sparql", query, headers, body)
    assert status == 400 and message in text, text
    assert pool.requests == []


def test_unknown_paths_are_404(app):
    assert call(app, "GET", "/nowhere")[0] == 404
    assert call(app, "POST", "/queries.json", "", [FORM], form(query=ASK))[0] == 404


def test_a_body_over_the_limit_is_413_by_its_length_or_its_bytes(app, pool):
    big = [FORM, ("Content-Length", str(MAX_BODY + 1))]
    status, headers, _ = call(app, "POST", "/sparql", "", big, b"")
    assert status == 413 and headers["Connection"] == "close"
    half = b"q" * (MAX_BODY // 2 + 1)
    chunks = [{"type": "http.request", "body": half, "more_body": True}] * 2
    status, _, _ = call(app, "POST", "/sparql", "", [FORM], chunks=chunks)
    assert status == 413 and pool.requests == []


def test_a_body_that_stops_arriving_is_408(app, monkeypatch):
    monkeypatch.setattr(server_app, "BODY_READ_TIMEOUT", 0.2)
    chunks = [{"type": "http.request", "body": b"query=ASK", "more_body": True}]
    status, headers, _ = call(app, "POST", "/sparql", "", [FORM], chunks=chunks)
    assert status == 408 and headers["Connection"] == "close"


def test_a_client_that_disconnects_gets_no_answer(app, pool):
    chunks = [{"type": "http.disconnect"}]
    assert call(app, "POST", "/sparql", "", [FORM], chunks=chunks) is None
    assert pool.requests == []


# --- what the pool says --------------------------------------------------------------------------


def test_a_worker_error_keeps_its_status_and_message(pool, app):
    pool.reply = ("error", 400, "line 1, column 5: expected '{'")
    status, headers, body = call(app, "GET", "/sparql", "query=ASK")
    assert (status, body) == (400, b"line 1, column 5: expected '{'\n")
    assert headers["Content-Type"] == "text/plain; charset=utf-8"


@pytest.mark.parametrize(
    ("failure", "status", "message"),
    [
        (QueryTimedOut(), 503, b"query timed out after 10 s"),
        (Busy(), 503, b"busy: all 2 query workers are taken"),
        (WorkerCrashed(), 500, b"crashed"),
        (RuntimeError("a bug"), 500, b"internal server error"),
    ],
)
def test_no_reply_is_a_clear_answer(pool, app, failure, status, message):
    pool.reply = failure
    got, headers, body = call(app, "GET", "/sparql", "query=ASK")
    assert got == status and message in body
    assert ("Retry-After" in headers) == isinstance(failure, Busy)


# --- the query page ------------------------------------------------------------------------------


def test_a_browser_gets_the_page_with_a_strict_policy(app, pool):
    browser = [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")]
    for path in ("/", "/sparql", "/index.html"):
        status, headers, body = call(app, "GET", path, "", browser)
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        assert b"<html" in body.lower()
        assert "default-src 'none'" in headers["Content-Security-Policy"]
        assert headers["Referrer-Policy"] == "no-referrer"
    assert pool.requests == []


def test_static_files_and_the_named_queries(app):
    for path, media in (("/ui.js", "text/javascript"), ("/ui.css", "text/css")):
        status, headers, body = call(app, "GET", path)
        assert status == 200 and headers["Content-Type"].startswith(media) and body
    status, _, body = call(app, "GET", "/queries.json")
    listed = json.loads(body)
    assert status == 200 and [q["name"] for q in listed] == [q.name for q in named_queries()]
    assert all(not line.startswith("#") for q in listed for line in q["text"].splitlines())


def test_lifespan_is_acknowledged():
    app = SparqlApp(FakePool(), timeout=1.0, max_results=1)
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]
    sent = []

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message)

    run_async(app({"type": "lifespan"}, receive, send))
    assert [m["type"] for m in sent] == [
        "lifespan.startup.complete",
        "lifespan.shutdown.complete",
    ]
