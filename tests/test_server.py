"""`kg serve`: a real HTTP server on 127.0.0.1, queried by real clients.

Every named query must give the in-memory answers through our EndpointBackend, `kg query
--endpoint`, SPARQLWrapper, rdflib's SPARQLStore and curl; limits must be reported, updates
refused, and concurrent clients must always get complete, correct answers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import IN_CI, NAMED_QUERY_PARAMS
from rdflib import Graph, Literal

from kg.api import memory_backend
from kg.backends import EndpointBackend, _values_clause
from kg.build import build
from kg.cli import main
from kg.errors import KGError
from kg.namespaces import PREFIXES
from kg.query import coerce_params, named_queries, run_query
from kg.server import make_server

pytestmark = pytest.mark.server

PARAMS = NAMED_QUERY_PARAMS
QUERIES = named_queries()
PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


def normal(term):
    """Compare typed literals by value (stores write canonical lexical forms)."""
    if term is None:
        return ("unbound", "")
    if isinstance(term, Literal) and term.datatype is not None:
        value = term.toPython()
        return ("typed", str(value if not isinstance(value, Literal) else term), str(term.datatype))
    return ("term", term.n3())


def rows_of(result) -> list:
    return sorted(tuple(normal(t) for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def memory():
    """The in-memory KG as `kg query` sees it: inverses and figure flags, as the build adds."""
    return memory_backend()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    build(out_dir=folder / "out", store=folder / "kg.store", formats="nt")
    return folder / "kg.store"


def _start(store, **limits):
    server = make_server(store, port=0, **limits)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join(10)


@pytest.fixture(scope="module")
def server(store):
    srv, thread = _start(store, workers=2)
    yield srv
    _stop(srv, thread)


@pytest.fixture(scope="module")
def expected(memory):
    """In-memory answers of every named query (with its parameters bound)."""
    out = {}
    for q in QUERIES:
        raw = {p.name: PARAMS[p.name] for p in q.params if p.required}
        bindings = coerce_params(raw, q, memory)
        out[q.name] = (bindings, run_query(memory, q.text, bindings))
    return out


def full_text(query, bindings) -> str:
    """The query as a client would send it: prefixes, text, parameters as VALUES."""
    body = "\n".join(line for line in query.text.splitlines() if not line.startswith("#"))
    return PROLOGUE + body + _values_clause(bindings)


def http(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


# --- same answers through every client ------------------------------------------------------


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_endpoint_backend_matches_memory(server, expected, query):
    bindings, want = expected[query.name]
    got = run_query(EndpointBackend(server.url), query.text, bindings)
    assert got.variables == want.variables
    assert rows_of(got) == rows_of(want)


def test_every_named_query_through_sparqlwrapper(server, expected):
    from SPARQLWrapper import JSON, SPARQLWrapper

    client = SPARQLWrapper(server.url)
    client.setReturnFormat(JSON)
    for q in QUERIES:
        bindings, want = expected[q.name]
        client.setQuery(full_text(q, bindings))
        doc = client.query().convert()
        assert doc["head"]["vars"] == want.variables, q.name
        assert len(doc["results"]["bindings"]) == len(want.rows), q.name
        assert _rows_from_json(doc) == rows_of(want), q.name


def _rows_from_json(doc) -> list:
    from kg.backends import _parse_results_json

    return rows_of(_parse_results_json("SELECT", doc))


def test_every_named_query_through_rdflib_sparqlstore(server, expected):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    graph = Graph(store=SPARQLStore(server.url, returnFormat="xml"))
    for q in QUERIES:
        bindings, want = expected[q.name]
        result = graph.query(full_text(q, bindings))
        assert [str(v) for v in result.vars] == want.variables, q.name
        got = sorted(tuple(normal(t) for t in row) for row in result)
        assert got == rows_of(want), q.name


def test_every_named_query_through_curl(server, expected):
    if shutil.which("curl") is None:
        reason = "curl is not installed (apt-get install curl)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    for q in QUERIES:
        bindings, want = expected[q.name]
        out = subprocess.run(
            [
                "curl",
                "-sS",
                "--fail",
                "-H",
                "Accept: application/sparql-results+json",
                "--data-urlencode",
                f"query={full_text(q, bindings)}",
                server.url,
            ],
            capture_output=True,
            check=True,
            timeout=60,
        )
        assert _rows_from_json(json.loads(out.stdout)) == rows_of(want), q.name


def test_kg_query_endpoint_prints_the_memory_answer(server, runner):
    args = [
        "query",
        "causes-of-challenge",
        "--param",
        "challenge=id:challenge-talent",
        "--format",
        "csv",
    ]
    local = runner.invoke(main, args)
    remote = runner.invoke(main, [*args, "--endpoint", server.url])
    assert local.exit_code == 0 and remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote.output.count("\n") > 2


# --- protocol details ------------------------------------------------------------------------


COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a cbec:Challenge }"


@pytest.mark.parametrize(
    ("accept", "media", "check"),
    [
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<literal"),
        ("text/csv", "text/csv", b"n\r\n4\r\n"),
        (
            "text/tab-separated-values",
            "text/tab-separated-values",
            b'?n\n"4"^^<http://www.w3.org/2001/XMLSchema#integer>\n',
        ),
        ("application/json", "application/sparql-results+json", b'"value": "4"'),
    ],
)
def test_select_content_negotiation(server, accept, media, check):
    status, headers, body = http(
        f"{server.url}?{urllib.parse.urlencode({'query': COUNT})}", headers={"Accept": accept}
    )
    assert status == 200
    assert headers["Content-Type"].startswith(media)
    assert check in body


@pytest.mark.parametrize(
    ("accept", "fmt"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ],
)
def test_construct_content_negotiation(server, accept, fmt):
    query = "CONSTRUCT { ?c a cbec:Challenge } WHERE { ?c a cbec:Challenge }"
    status, headers, body = http(
        server.url,
        data=query.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
    )
    assert status == 200, body
    assert headers["Content-Type"].startswith(accept)
    assert len(Graph().parse(data=body, format=fmt)) == 4


def test_unacceptable_format_is_406(server):
    status, _, _ = http(
        f"{server.url}?{urllib.parse.urlencode({'query': COUNT})}", headers={"Accept": "image/png"}
    )
    assert status == 406


@pytest.mark.parametrize(
    ("data", "ctype", "url_suffix"),
    [
        (b"update=DELETE+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D", "application/x-www-form-urlencoded", ""),
        (b"DELETE WHERE { ?s ?p ?o }", "application/sparql-update", ""),
        (b"DELETE WHERE { ?s ?p ?o }", "application/sparql-query", ""),
        (None, None, "?update=DROP+ALL"),
    ],
)
def test_updates_are_refused_and_change_nothing(server, data, ctype, url_suffix):
    headers = {"Content-Type": ctype} if ctype else {}
    status, _, body = http(server.url + url_suffix, data=data, headers=headers)
    assert status == 403
    assert b"read-only" in body or b"not allowed" in body
    status, _, body = http(f"{server.url}?{urllib.parse.urlencode({'query': COUNT})}")
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "4"


def test_malformed_query_is_400_with_line_and_column(server):
    status, _, body = http(
        server.url,
        data=b"SELECT ?s WHERE {\n  ?s ?p \n}",
        headers={"Content-Type": "application/sparql-query"},
    )
    assert status == 400
    # "?s ?p" lacks its object: the error is the "}" opening line 3 (counted by hand)
    assert b"SPARQL syntax error at line 3, column 1: " in body
    assert body.decode().splitlines()[-2:] == ["  }", "  ^"], body


def test_query_page_is_offline_and_lists_named_queries(server):
    status, headers, body = http(server.url.removesuffix("sparql"))
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert b"http" not in body.replace(b'content="width', b"")  # no CDN or remote asset
    _, _, js = http(server.url.removesuffix("sparql") + "ui.js")
    assert b"textContent" in js and b"innerHTML" not in js
    assert b"#" in js and b"query" in js  # the query is kept in the URL fragment
    _, _, listing = http(server.url.removesuffix("sparql") + "queries.json")
    assert {q["name"] for q in json.loads(listing)} == {q.name for q in QUERIES}


# --- limits ---------------------------------------------------------------------------------


def test_result_limit_is_marked_never_silent(store):
    srv, thread = _start(store, workers=1, max_results=5)
    try:
        query = "SELECT ?s WHERE { ?s a cbec:Evidence }"
        status, headers, body = http(f"{srv.url}?{urllib.parse.urlencode({'query': query})}")
        assert status == 200
        assert headers["X-KG-Truncated"] == "limit=5"
        doc = json.loads(body)
        assert len(doc["results"]["bindings"]) == 5 and doc["truncated"]["limit"] == 5
        _, headers, body = http(
            f"{srv.url}?{urllib.parse.urlencode({'query': query})}",
            headers={"Accept": "application/sparql-results+xml"},
        )
        assert b"truncated" in body and headers["X-KG-Truncated"] == "limit=5"
        with pytest.raises(KGError, match="result limit"):
            EndpointBackend(srv.url).query(query)
        small = "SELECT ?c WHERE { ?c a cbec:Challenge } LIMIT 3"
        _, headers, _ = http(f"{srv.url}?{urllib.parse.urlencode({'query': small})}")
        assert "X-KG-Truncated" not in headers
    finally:
        _stop(srv, thread)


def test_timeout_is_a_clear_503_and_the_server_recovers(store):
    srv, thread = _start(store, workers=1, timeout=1.0)
    try:
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        start = time.monotonic()
        status, _, body = http(
            srv.url, data=heavy.encode(), headers={"Content-Type": "application/sparql-query"}
        )
        assert status == 503
        assert b"timed out after 1 s" in body
        assert time.monotonic() - start < 10
        status, _, body = http(f"{srv.url}?{urllib.parse.urlencode({'query': COUNT})}")
        assert status == 200 and b'"4"' in body
    finally:
        _stop(srv, thread)


def test_concurrent_clients_always_get_complete_correct_answers(server, expected):
    """8 client threads × 25 queries each; every answer is checked against memory."""
    picks = [q for q in QUERIES if len(expected[q.name][1].rows) > 0]
    deadline = time.monotonic() + 120

    def client(worker: int) -> int:
        backend = EndpointBackend(server.url, timeout=60)
        done = 0
        for i in range(25):
            assert time.monotonic() < deadline, "load test ran out of time"
            q = picks[(worker * 7 + i) % len(picks)]
            bindings, want = expected[q.name]
            got = backend.query(q.text, bindings)
            assert rows_of(got) == rows_of(want), q.name
            done += 1
        return done

    with ThreadPoolExecutor(8) as pool:
        assert sum(pool.map(client, range(8))) == 200


def test_serve_refuses_a_folder_that_is_not_a_store(tmp_path, runner):
    result = runner.invoke(main, ["serve", "--store", str(tmp_path), "--port", "0"])
    assert result.exit_code == 2
    assert "not a store" in result.output


# --- the routes, on a two-triple store (no build): every refusal with its status and text ---

READ_ONLY_TEXT = b"SPARQL updates are not allowed: this endpoint is read-only.\n"


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    import pyoxigraph as ox

    path = tmp_path_factory.mktemp("tiny") / "kg.store"
    s = ox.Store(str(path))
    a, p = ox.NamedNode("urn:a"), ox.NamedNode("urn:p")
    s.add(ox.Quad(a, p, ox.NamedNode("urn:b")))
    s.add(ox.Quad(a, p, ox.Literal("x")))
    s.flush()
    del s
    server = make_server(path, port=0, workers=1)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.url.removesuffix("/").removesuffix("/sparql")
    server.shutdown()
    server.server_close()
    thread.join(10)


def _q(**params) -> str:
    return "?" + urllib.parse.urlencode(params)


FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.mark.parametrize(
    ("path", "data", "headers"),
    [
        ("/" + _q(update="DROP ALL"), None, {}),
        ("/sparql" + _q(query="ASK {}", update="DROP ALL"), None, {}),
        ("/", b"DROP ALL", {"Content-Type": "application/sparql-update"}),
        ("/sparql", b"DROP ALL", {"Content-Type": "application/sparql-update; charset=utf-8"}),
        ("/", b"update=DROP+ALL", FORM),
        ("/" + _q(update="DROP ALL"), b"query=ASK+%7B%7D", FORM),
    ],
)
def test_every_way_of_sending_an_update_is_403(tiny, path, data, headers):
    status, hdrs, body = http(tiny + path, data=data, headers=headers)
    assert (status, body) == (403, READ_ONLY_TEXT)
    assert hdrs["Content-Type"] == "text/plain; charset=utf-8"
    status, _, body = http(tiny + _q(query="SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"))
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == "2"


@pytest.mark.parametrize(
    ("method", "path", "data", "headers", "status", "text"),
    [
        ("GET", "/", None, {"Accept": "application/sparql-results+json"}, 400,
         "missing 'query' parameter"),
        ("GET", "/" + _q(query="ASK {}") + "&query=ASK+%7B%7D", None, {}, 400,
         "'query' given 2 times; send exactly one"),
        ("GET", "/?query=%FF", None, {}, 400, "the query string is not UTF-8"),
        ("GET", "/nowhere", None, {}, 404, "not found: /nowhere"),
        ("PUT", "/", b"x", {}, 405, "method PUT not allowed"),
        ("POST", "/nowhere", b"query=ASK+%7B%7D", FORM, 404, "not found: /nowhere"),
        ("POST", "/", b"ASK {}", {"Content-Type": "text/plain"}, 415,
         "POST needs application/sparql-query or application/x-www-form-urlencoded"),
        ("POST", "/", b"\xff", {"Content-Type": "application/sparql-query"}, 400,
         "the query is not UTF-8"),
        ("POST", "/", b"format=json", FORM, 400, "missing 'query' parameter"),
        ("POST", "/" + _q(query="ASK {}"), b"query=ASK+%7B%7D", FORM, 400,
         "'query' given twice (URL and body); send exactly one"),
        ("POST", "/", b"query=ASK+%7B%7D&query=ASK+%7B%7D", FORM, 400,
         "'query' given 2 times; send exactly one"),
        ("POST", "/", b"query=%FF", FORM, 400, "the form body is not UTF-8"),
    ],
)  # fmt: skip
def test_malformed_requests_get_their_status_and_reason(
    tiny, method, path, data, headers, status, text
):
    got, hdrs, body = http(tiny + path, data=data, headers=headers, method=method)
    assert (got, body.decode()) == (status, text + "\n")
    if status == 405:
        assert hdrs["Allow"] == "GET, HEAD, POST"


def test_routes_that_answer(tiny):
    status, hdrs, body = http(tiny + "/sparql" + _q(query="ASK { <urn:a> <urn:p> <urn:b> }"))
    assert (status, json.loads(body)["boolean"]) == (200, True)
    status, hdrs, body = http(tiny + "/", data=b"ASK { <urn:b> ?p ?o }",
                              headers={"Content-Type": "application/sparql-query"})  # fmt: skip
    assert (status, json.loads(body)["boolean"]) == (200, False)
    status, hdrs, body = http(
        tiny + "/", data=b"query=ASK+%7B+%3Furn+%3Fp+%3Fo+%7D&format=json", headers=FORM
    )
    assert status == 200 and json.loads(body)["boolean"] is True
    for path in ("/", "/sparql", "/index.html"):
        status, hdrs, body = http(tiny + path, headers={"Accept": "text/html"})
        assert status == 200 and hdrs["Content-Type"] == "text/html; charset=utf-8", path
        assert "default-src 'none'" in hdrs["Content-Security-Policy"]
        assert hdrs["Referrer-Policy"] == "no-referrer"
    status, hdrs, body = http(tiny + "/queries.json")
    assert status == 200 and hdrs["Content-Type"] == "application/json; charset=utf-8"
    assert {q["name"] for q in json.loads(body)} == {q.name for q in named_queries()}
    status, hdrs, _ = http(tiny + "/ui.js")
    assert (status, hdrs["Content-Type"]) == (200, "text/javascript; charset=utf-8")
    status, hdrs, _ = http(tiny + "/favicon.ico")
    assert (status, hdrs["Content-Type"]) == (200, "image/svg+xml")
