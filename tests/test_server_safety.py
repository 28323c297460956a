"""`kg serve` tried the way users and attackers would (issue #12): each test starts a real
server on 127.0.0.1 and failed against the `http.server` endpoint it replaced.
"""

from __future__ import annotations

import gc
import json
import socket
import threading
import time
import tracemalloc
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import IN_CI
from rdflib import Graph

from kg import server as server_module
from kg import server_app
from kg.backends import load_store
from kg.build import build
from kg.cli import main
from kg.server import make_server

pytestmark = pytest.mark.server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?c a cbec:Challenge }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve-safety")
    build(out_dir=folder / "out", store=folder / "kg.store", formats="nt")
    return folder / "kg.store"


class Running:
    """A server in a background thread, stopped on exit."""

    def __init__(self, store, **limits):
        self.server = make_server(store, port=0, **limits)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = self.server.url
        self.host, self.port = self.server.server_address

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


@pytest.fixture(scope="module")
def served(store):
    with Running(store, workers=2) as running:
        yield running


def http(url, data=None, headers=None, timeout=30):
    req = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def post_query(url, text, accept="application/sparql-results+json", timeout=30):
    return http(
        url,
        data=text.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": accept},
        timeout=timeout,
    )


def raw(host, port, payload: bytes, timeout=5.0, wait_close=True) -> bytes:
    """Send raw bytes; return everything the server answers until it closes (or times out)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.sendall(payload)
        data = b""
        try:
            while chunk := s.recv(65536):
                data += chunk
                if not wait_close and b"\r\n\r\n" in data:
                    break
        except TimeoutError:
            pass
    return data


def n_of(body: bytes) -> int:
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


# --- 0: many clients at once ---------------------------------------------------------------


def test_eight_clients_ten_distinct_queries_at_once_all_answered(served):
    """Item 0: 8 threads × 10 distinct queries at once → 80 correct answers, then still alive."""
    barrier = threading.Barrier(8)

    def client(k: int) -> list[int]:
        barrier.wait()
        out = []
        for i in range(10):
            text = (
                f"SELECT (COUNT(*) AS ?n) WHERE {{ ?c a cbec:Challenge "
                f'FILTER(STR(?c) != "urn:client:{k}:{i}") }}'
            )
            status, _, body = post_query(served.url, text, timeout=60)
            out.append(n_of(body) if status == 200 else -status)
        return out

    with ThreadPoolExecutor(8) as pool:
        answers = [n for batch in pool.map(client, range(8)) for n in batch]
    assert answers == [4] * 80
    status, _, body = post_query(served.url, COUNT.replace("?n", "?m").replace("AS ?m", "AS ?n"))
    assert status == 200 and n_of(body) == 4


# --- 2: no request on a client's behalf ------------------------------------------------------


class Listener:
    """A TCP listener on 127.0.0.1 that counts connections (a would-be SSRF target)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self.sock.settimeout(0.2)
        self.running = True
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self.running = False
        self.sock.close()


def test_service_is_refused_and_nothing_is_contacted(served, runner):
    """Item 2: SERVICE → 403 with a clear message; the target never sees a connection."""
    target = Listener()
    try:
        query = (
            f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{target.port}/admin> {{ ?x ?y ?z }} }}"
        )
        status, _, body = post_query(served.url, query)
        assert status == 403
        assert b"SERVICE" in body and b"outbound" in body
        silent = query.replace("SERVICE", "service SILENT")
        status, _, _ = http(f"{served.url}?{urllib.parse.urlencode({'query': silent})}")
        assert status == 403
        cli = runner.invoke(main, ["query", "--sparql", query])
        assert cli.exit_code == 2 and "SERVICE" in cli.output
        time.sleep(0.5)
        assert target.hits == 0
    finally:
        target.close()


def test_shared_link_fills_the_query_but_does_not_run_it(served):
    """Item 2: opening `/#query=…` shows the query; only the Run button sends it."""
    # Playwright's sync API in a thread of its own (another test may hold one in this thread)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(_shared_link_check, served).result()


def _shared_link_check(served):
    from kg.maps import BrowserUnavailable, chromium

    try:
        with chromium() as browser:
            page = browser.new_page()
            posts = []
            page.on("request", lambda r: r.method == "POST" and posts.append(r.url))
            text = "ASK { ?s ?p ?o }"
            page.goto(
                served.url.removesuffix("sparql") + "#" + urllib.parse.urlencode({"query": text})
            )
            page.wait_for_selector("#example option:nth-child(2)", state="attached")
            assert page.input_value("#query") == text
            page.wait_for_timeout(300)
            assert posts == []
            page.click("#run")
            page.wait_for_selector("#result p")
            assert len(posts) == 1
    except BrowserUnavailable as exc:
        if IN_CI:
            pytest.fail(str(exc))
        pytest.skip(str(exc))


def test_kg_query_allow_service_unreachable_is_a_clean_error(runner):
    """Item 13: an unreachable SERVICE in `kg query` (allowed) is a message, no traceback."""
    with socket.create_server(("127.0.0.1", 0)) as s:
        port = s.getsockname()[1]  # closed below: nothing listens there
    query = f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    result = runner.invoke(main, ["query", "--allow-service", "--sparql", query])
    assert result.exit_code in (1, 2)
    assert "error:" in result.output and "SERVICE" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --- 5: the time limit means what it says ----------------------------------------------------


def test_waiting_for_a_worker_is_not_a_timeout(store):
    """Item 5: with both workers on heavy queries, a light query waits and is answered; only
    the two heavy queries time out, and only their workers are replaced."""
    with Running(store, workers=2, timeout=2.0) as running:
        with ThreadPoolExecutor(3) as pool:
            heavy = [pool.submit(post_query, running.url, HEAVY) for _ in range(2)]
            time.sleep(0.3)  # both workers are taken now
            light = pool.submit(post_query, running.url, "ASK { ?s ?p ?o }")
            heavy_status = [f.result()[0] for f in heavy]
            status, _, body = light.result()
        assert heavy_status == [503, 503]
        assert status == 200 and json.loads(body)["boolean"] is True
        assert running.server.pool.replaced == 2


def test_full_queue_is_busy_with_retry_after_and_kills_nothing(store):
    """Item 5: a full queue answers 503 *busy* with Retry-After, not *timed out*."""
    with Running(store, workers=1, timeout=2.0) as running:
        running.server.pool.max_queue = 1
        with ThreadPoolExecutor(3) as pool:
            first = pool.submit(post_query, running.url, HEAVY)
            time.sleep(0.3)
            queued = pool.submit(post_query, running.url, "ASK { ?s ?p ?o }")
            time.sleep(0.3)
            status, headers, body = post_query(running.url, "ASK { ?s ?p ?o }")
            assert status == 503 and b"busy" in body and b"timed out" not in body
            assert int(headers["Retry-After"]) > 0
            assert first.result()[0] == 503
            assert queued.result()[0] == 200
        assert running.server.pool.replaced == 1  # the heavy query's worker only


# --- 6: one store, one truth ----------------------------------------------------------------


def test_rebuilt_store_is_served_by_every_worker_at_once(tmp_path):
    """Item 6: after the store is replaced, no answer comes from the old one."""
    base = tmp_path / "a.nt"
    base.write_text("<urn:a> <urn:p> <urn:b> .\n")
    store_path = tmp_path / "s.store"
    load_store(store_path, base)
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with Running(store_path, workers=3) as running:
        assert n_of(post_query(running.url, query)[2]) == 1
        bigger = tmp_path / "b.nt"
        bigger.write_text("".join(f"<urn:a> <urn:p> <urn:b{i}> .\n" for i in range(5)))
        load_store(store_path, bigger)
        with ThreadPoolExecutor(6) as pool:
            answers = list(pool.map(lambda _: n_of(post_query(running.url, query)[2]), range(30)))
        assert answers == [5] * 30


# --- 7: parsing inside the limit, bounded memory ----------------------------------------------


def test_slow_parse_is_inside_the_time_limit(store):
    """Item 7: a query that takes rdflib many seconds to parse is stopped at the limit."""
    text = (
        "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(8000)) + ") }"
    )
    assert len(text) > 90_000
    with Running(store, workers=1, timeout=1.0) as running:
        start = time.monotonic()
        status, _, body = post_query(running.url, text, timeout=60)
        elapsed = time.monotonic() - start
        assert status == 503 and b"timed out after 1 s" in body
        assert elapsed < 5
        status, _, body = post_query(running.url, COUNT)
        assert status == 200 and n_of(body) == 4


def test_parse_cache_does_not_pin_large_queries():
    """Item 7: distinct large queries leave no lasting memory behind."""
    from kg.sparql import query_form

    def text(i: int) -> str:
        return f'SELECT * WHERE {{ ?s ?p "{i:06d}{"x" * 200_000}" }}'

    tracemalloc.start()
    for i in range(10):
        assert query_form(text(i)) == "SELECT"
    gc.collect()  # count what is kept, not garbage that a collection would free
    after_10 = tracemalloc.get_traced_memory()[0]
    for i in range(10, 40):
        assert query_form(text(i)) == "SELECT"
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - after_10
    tracemalloc.stop()
    assert grown < 3_000_000, f"{grown:,} bytes more after 30 more queries of 200 KB"


# --- 8: nesting ---------------------------------------------------------------------------


def test_deep_nesting_is_400_and_exit_2(served, runner):
    """Item 8: deeply nested queries get a 400 (server) and exit 2 (CLI), never a dropped
    connection or a traceback."""
    for depth in (40, 200):
        query = "SELECT * WHERE " + "{" * depth + " ?s ?p ?o " + "}" * depth
        status, _, body = post_query(served.url, query)
        assert status == 400 and b"nested too deeply" in body
        filters = "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
        assert post_query(served.url, filters)[0] == 400
        result = runner.invoke(main, ["query", "--sparql", query])
        assert result.exit_code == 2 and "nested too deeply" in result.output
    assert post_query(served.url, COUNT)[0] == 200


# --- 9: SPARQLWrapper with its defaults -----------------------------------------------------


def test_sparqlwrapper_defaults_for_every_query_form(served):
    """Item 9: SPARQLWrapper with no return format set works for all four query forms."""
    from SPARQLWrapper import SPARQLWrapper

    prologue = "PREFIX cbec: <https://w3id.org/cbec-kg/ontology#>\n"
    client = SPARQLWrapper(served.url)
    client.setQuery(prologue + "SELECT ?c WHERE { ?c a cbec:Challenge }")
    doc = client.query().convert()  # an XML DOM by default
    assert len(doc.getElementsByTagName("result")) == 4
    client = SPARQLWrapper(served.url)
    client.setQuery(prologue + "ASK { ?c a cbec:Challenge }")
    assert client.query().convert().getElementsByTagName("boolean")[0].firstChild.data == "true"
    for form in (
        "CONSTRUCT { ?c a cbec:Challenge } WHERE { ?c a cbec:Challenge }",
        "DESCRIBE ?c WHERE { ?c a cbec:Challenge }",
    ):
        client = SPARQLWrapper(served.url)
        client.setQuery(prologue + form)
        graph = client.query().convert()
        assert isinstance(graph, Graph) and len(graph) >= 4, form


@pytest.mark.parametrize("value", ["rdf+xml", "xml", "rdf", "bogus", "application/rdf+xml"])
def test_format_values_fit_the_query_form_or_fall_back_to_accept(served, value):
    """Item 9: format= values name graph formats too; unknown ones fall back to Accept."""
    query = "CONSTRUCT { ?c a cbec:Challenge } WHERE { ?c a cbec:Challenge }"
    url = f"{served.url}?{urllib.parse.urlencode({'query': query, 'format': value})}"
    status, headers, body = http(url, headers={"Accept": "application/rdf+xml"})
    assert status == 200 and headers["Content-Type"].startswith("application/rdf+xml")
    assert len(Graph().parse(data=body, format="xml")) == 4
    url = f"{served.url}?{urllib.parse.urlencode({'query': COUNT, 'output': value})}"
    status, headers, _ = http(url, headers={"Accept": "application/sparql-results+json"})
    assert status == 200


# --- 10: HTTP robustness ------------------------------------------------------------------


def test_refused_body_is_never_read_as_the_next_request(served):
    """Item 10: after a 413 the unread body must not be parsed as another request."""
    smuggled = b"GET /queries.json HTTP/1.1\r\nHost: x\r\n\r\n"
    body = smuggled * ((2 << 20) // len(smuggled))
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    answer = raw(served.host, served.port, head + body[:65536])
    assert answer.startswith(b"HTTP/1.1 413")
    assert answer.count(b"HTTP/1.1 ") == 1


@pytest.mark.parametrize("length", [b"abc", b"-1", b"1" * 40])
def test_bad_content_length_is_a_400(served, length):
    """Item 10: malformed lengths get a 400, not an empty reply or a hang."""
    answer = raw(
        served.host,
        served.port,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: " + length + b"\r\n\r\nASK {}",
    )
    assert answer.startswith((b"HTTP/1.1 400", b"HTTP/1.1 413")), answer[:80]


def test_body_shorter_than_its_length_times_out_with_408(served, monkeypatch):
    """Item 10: a body that stops arriving is answered (408), not waited for forever."""
    monkeypatch.setattr(server_app, "BODY_READ_TIMEOUT", 1.0)
    start = time.monotonic()
    answer = raw(
        served.host,
        served.port,
        b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        b"Content-Length: 100\r\n\r\nASK {",
        timeout=10,
    )
    assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 8


def test_stalled_connections_cost_no_threads_and_are_closed(store, monkeypatch):
    """Item 10: 300 connections that never finish their headers neither hold threads nor keep
    the endpoint from answering, and are closed after the idle timeout."""
    monkeypatch.setattr(server_module, "IDLE_TIMEOUT", 2.0)
    with Running(store, workers=1) as running:
        threads = threading.active_count()
        stalled = []
        for _ in range(300):
            s = socket.create_connection((running.host, running.port), timeout=10)
            s.sendall(b"GET /sparql?query=ASK")
            stalled.append(s)
        time.sleep(0.5)
        assert threading.active_count() - threads < 20
        start = time.monotonic()
        status, _, _ = http(f"{running.url}?{urllib.parse.urlencode({'query': COUNT})}")
        assert status == 200 and time.monotonic() - start < 5
        time.sleep(3)
        closed = 0
        for s in stalled:
            try:
                s.settimeout(0.05)
                closed += s.recv(1024) == b""
            except (TimeoutError, OSError):
                pass
            s.close()
        assert closed > 290


def test_protocol_details(served):
    """Item 10: duplicate query= refused; no query with a JSON Accept is a 400, not the page;
    a favicon is served."""
    url = f"{served.url}?{urllib.parse.urlencode([('query', COUNT), ('query', 'ASK {}')])}"
    status, _, body = http(url)
    assert status == 400 and b"exactly one" in body
    status, headers, _ = http(served.url, headers={"Accept": "application/sparql-results+json"})
    assert status == 400 and headers["Content-Type"].startswith("text/plain")
    status, headers, _ = http(served.url, headers={"Accept": "text/html"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    status, headers, _ = http(served.url.removesuffix("sparql") + "favicon.ico")
    assert status == 200 and headers["Content-Type"].startswith("image/")


def test_keep_alive_serves_several_requests_on_one_connection(served):
    """Item 10: keep-alive done right: two requests, two complete answers, one connection."""
    target = f"/sparql?{urllib.parse.urlencode({'query': COUNT})}".encode()
    request = b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
    answer = raw(
        served.host,
        served.port,
        request * 2 + b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    )
    assert answer.count(b"HTTP/1.1 200") == 3 and answer.count(b"n\r\n4\r\n") == 2


# --- 13: a cut answer is never silently short ------------------------------------------------


def test_cut_answer_is_marked_in_every_format(store):
    """Item 13: CSV/TSV/JSON-LD cannot mark a cut answer: they fall back to an accepted format
    that can, or get a 406 that says why; RDF/XML carries a comment."""
    select = "SELECT ?s WHERE { ?s a cbec:Evidence }"
    construct = "CONSTRUCT { ?s a cbec:Evidence } WHERE { ?s a cbec:Evidence }"
    with Running(store, workers=1, max_results=5) as running:
        status, _, body = post_query(running.url, select, accept="text/csv")
        assert status == 406 and b"more than 5" in body and b"LIMIT" in body
        status, _, body = post_query(running.url, select, accept="text/tab-separated-values")
        assert status == 406
        status, _, body = post_query(
            running.url, select, accept="text/csv, application/sparql-results+json;q=0.5"
        )
        assert status == 200 and json.loads(body)["truncated"]["limit"] == 5
        status, _, body = post_query(running.url, construct, accept="application/ld+json")
        assert status == 406
        status, _, body = post_query(running.url, construct, accept="application/rdf+xml")
        assert status == 200 and b"truncated" in body
        assert len(Graph().parse(data=body, format="xml")) == 5
        small = select + " LIMIT 3"
        status, _, body = post_query(running.url, small, accept="text/csv")
        assert status == 200 and body.count(b"\r\n") == 4


def test_kg_query_csv_is_safe_for_spreadsheets_and_the_endpoint_csv_standard(served, runner):
    """CSV meant for spreadsheets (kg query) neutralises formula cells; the endpoint's SPARQL
    CSV results stay standard."""
    query = 'SELECT ?f ?n WHERE { VALUES (?f ?n) { ("=HYPERLINK(1)" -2) ("@x" 3) } }'
    result = runner.invoke(main, ["query", "--sparql", query, "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["'=HYPERLINK(1),-2", "'@x,3"]
    status, _, body = post_query(served.url, query, accept="text/csv")
    assert status == 200 and body.splitlines()[1:] == [b"=HYPERLINK(1),-2", b"@x,3"]
