"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded Oxigraph store.

* ``GET /sparql?query=…`` (also ``/``), ``POST`` form data (``query=…``) or a raw
  ``application/sparql-query`` body;
* results as SPARQL JSON (default), XML, CSV or TSV; graphs as Turtle (default), N-Triples,
  JSON-LD or RDF/XML — by ``Accept`` header or ``?format=json|xml|csv|tsv|turtle|nt|jsonld``;
* the prefixes of ``kg queries --prefixes`` are predeclared;
* updates (``update=``, ``application/sparql-update``, or update text) → **403**;
  malformed queries → **400** with the parser's line and column;
* every query runs in a worker process with a **time limit** (``--timeout``, default 10 s):
  past it the worker is stopped and the client gets **503** saying so;
* answers are cut at ``--max-results`` rows or triples (default 10,000); a cut answer carries
  the header ``X-KG-Truncated: limit=N`` and, in the body, a ``"truncated"`` member (JSON), a
  ``<link>`` and comment (XML) or a ``# truncated`` comment (Turtle, N-Triples) — never a
  silently short result;
* ``/`` in a browser: a small offline page to type or pick a named query, whose URL
  (``/#query=…``) shares the query; ``/queries.json`` lists the named queries.

Serving a store from Python (what ``kg serve --store kg.store`` does)::

    server = make_server("kg.store", port=7878)
    server.serve_forever()
"""

from __future__ import annotations

import json
import multiprocessing
import queue
import threading
import time
import urllib.parse
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from kg import paths
from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.server_worker import RESULT_TYPES, run_worker

__all__ = ["DEFAULT_PORT", "SparqlServer", "WorkerPool", "make_server", "negotiate"]

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
MAX_BODY = 1 << 20
UI_DIR = paths.PACKAGE_DIR / "sparql_ui"
TRUNCATED_HEADER = "X-KG-Truncated"

_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
_DEFAULT = {"results": "json", "graph": "turtle"}


class QueryTimedOut(Exception):
    """The worker did not answer within the time limit."""


class Busy(Exception):
    """No worker became free within the time limit."""


def negotiate(accept: str, kind: str, explicit: str | None = None) -> str | None:
    """The result type key for an ``Accept`` header and a result kind (``results``/``graph``).

    >>> negotiate("application/sparql-results+xml", "results")
    'xml'
    >>> negotiate("text/csv;q=0.5, application/json", "results")
    'json'
    >>> negotiate("*/*", "graph"), negotiate("text/csv", "graph")
    ('turtle', None)
    """
    if explicit:
        return explicit if RESULT_TYPES.get(explicit, ("", ""))[1] == kind else None
    ranges = []
    for i, item in enumerate((accept or "*/*").split(",")):
        media, *params = [x.strip() for x in item.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        ranges.append((-q, i, media.lower()))
    for _q, _i, media in sorted(ranges):
        if _q == 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            return _DEFAULT[kind]
        key = _MEDIA.get(media)
        if key is not None and RESULT_TYPES[key][1] == kind:
            return key
    return None


class _Worker:
    def __init__(self, ctx, store: str):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=run_worker, args=(store, child, PREFIXES), daemon=True)
        self.process.start()
        child.close()

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - terminate is honoured on Linux
            self.process.kill()
        self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only; a late worker is replaced."""

    def __init__(self, store: str | Path, size: int = 2, timeout: float = DEFAULT_TIMEOUT):
        self.store = str(store)
        self.timeout = timeout
        self.ctx = multiprocessing.get_context("spawn")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        for _ in range(max(1, size)):
            self._add()

    def _add(self) -> None:
        worker = _Worker(self.ctx, self.store)
        with self.lock:
            self.all.add(worker)
        self.idle.put(worker)

    def run(self, text: str, fmt: str, limit: int) -> tuple:
        """Answer a query in a free worker within the time limit."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self.idle.get(timeout=self.timeout)
        except queue.Empty:
            raise Busy from None
        try:
            worker.conn.send((text, fmt, limit))
            if not worker.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryTimedOut
            reply = worker.conn.recv()
        except (QueryTimedOut, EOFError, OSError):
            with self.lock:
                self.all.discard(worker)
            worker.stop()
            self._add()
            raise QueryTimedOut from None
        self.idle.put(worker)
        return reply

    def close(self) -> None:
        """Stop every worker."""
        with self.lock:
            workers, self.all = list(self.all), set()
        for worker in workers:
            worker.stop()


def _named_queries_json() -> bytes:
    from kg.query import named_queries

    return json.dumps(
        [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [p.name for p in q.params],
                "text": "\n".join(
                    line for line in q.text.splitlines() if not line.startswith("#")
                ).strip(),
            }
            for q in named_queries()
        ],
        ensure_ascii=False,
    ).encode()


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: holds the worker pool and the limits."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(
        self,
        address: tuple[str, int],
        pool: WorkerPool,
        timeout: float,
        max_results: int,
        quiet: bool = True,
    ):
        super().__init__(address, SparqlHandler)
        self.pool = pool
        self.query_timeout = timeout
        self.max_results = max_results
        self.quiet = quiet
        self.queries_json = _named_queries_json()

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class SparqlHandler(BaseHTTPRequestHandler):
    """SPARQL 1.1 Protocol (query operation only)."""

    server: SparqlServer
    server_version = "cbec-kg-sparql/1"
    protocol_version = "HTTP/1.1"

    # --- plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)

    def _send(
        self,
        status: int,
        body: bytes,
        media: str,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if media.startswith(("text/", "application/")) else ""
        self.send_header("Content-Type", media + charset)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message.rstrip() + "\n").encode(), "text/plain")

    # --- routes -----------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            return self._error(403, "SPARQL updates are not allowed: this endpoint is read-only.")
        if "query" in params:
            return self._query(params["query"][0], params)
        if url.path in ("/", "/sparql", "/index.html"):
            return self._page()
        if url.path == "/queries.json":
            return self._send(200, self.server.queries_json, "application/json")
        if url.path in ("/ui.js", "/ui.css"):
            media = "text/javascript" if url.path.endswith(".js") else "text/css"
            return self._send(200, (UI_DIR / url.path[1:]).read_bytes(), media)
        return self._error(404, f"not found: {url.path}")

    do_HEAD = do_GET

    def do_POST(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._error(413, f"request body larger than {MAX_BODY} bytes")
        body = self.rfile.read(length).decode("utf-8", "replace")
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update" or "update" in params:
            return self._error(403, "SPARQL updates are not allowed: this endpoint is read-only.")
        if ctype == "application/sparql-query":
            return self._query(body, params)
        if ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(body, keep_blank_values=True)
            if "update" in form:
                return self._error(
                    403, "SPARQL updates are not allowed: this endpoint is read-only."
                )
            if "query" in form:
                return self._query(form["query"][0], {**params, **form})
            return self._error(400, "missing 'query' parameter")
        return self._error(
            415, "POST needs application/sparql-query or application/x-www-form-urlencoded"
        )

    def _page(self) -> None:
        html = (UI_DIR / "index.html").read_bytes()
        csp = (
            "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
            "img-src 'self'; base-uri 'none'; form-action 'self'"
        )
        self._send(200, html, "text/html", {"Content-Security-Policy": csp})

    def _query(self, text: str, params: Mapping[str, list[str]]) -> None:
        from kg.sparql import UPDATE_REFUSED, query_form

        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            return self._error(400, "default-graph-uri / named-graph-uri are not supported")
        try:
            form = query_form(text)
        except InputError as exc:
            status = 403 if str(exc) == UPDATE_REFUSED else 400
            return self._error(status, str(exc))
        kind = "results" if form in ("SELECT", "ASK") else "graph"
        explicit = (params.get("format") or [None])[0]
        fmt = negotiate(self.headers.get("Accept", "*/*"), kind, explicit)
        if fmt is None:
            wanted = "|".join(k for k, (_, kd) in RESULT_TYPES.items() if kd == kind)
            return self._error(406, f"cannot answer a {form} query in that format ({wanted})")
        limit = self.server.max_results
        try:
            reply = self.server.pool.run(text, fmt, limit)
        except QueryTimedOut:
            return self._error(
                503,
                f"query timed out after {self.server.query_timeout:g} s (the server's limit, "
                "kg serve --timeout); narrow the query",
            )
        except Busy:
            return self._error(503, "all query workers are busy; try again")
        if reply[0] == "syntax":
            return self._error(400, f"SPARQL syntax error: {reply[1]}")
        if reply[0] == "error":
            return self._error(400, f"query failed: {reply[1]}")
        _, media, body, truncated, count = reply
        headers = {"X-KG-Results": str(count)}
        if truncated:
            headers[TRUNCATED_HEADER] = f"limit={limit}"
        self._send(200, body, media, headers)


def make_server(
    store: str | Path,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    timeout: float = DEFAULT_TIMEOUT,
    max_results: int = DEFAULT_MAX_RESULTS,
    workers: int = 2,
    quiet: bool = True,
) -> SparqlServer:
    """A ready :class:`SparqlServer` on ``host:port`` (0 = a free port) over ``store``.

    Call ``serve_forever()`` (e.g. in a thread) and ``shutdown()``/``server_close()``.
    """
    from kg.backends import OxigraphBackend

    OxigraphBackend(store)  # fails early and clearly when ``store`` is not a store
    if timeout <= 0 or max_results <= 0:
        raise InputError("--timeout and --max-results must be positive")
    pool = WorkerPool(store, workers, timeout)
    try:
        return SparqlServer((host, port), pool, timeout, max_results, quiet)
    except OSError as exc:
        pool.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc}") from exc


if __name__ == "__main__":  # pragma: no cover
    import sys

    srv = make_server(sys.argv[1], port=int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_PORT)
    print(srv.url, flush=True)
    srv.serve_forever()
