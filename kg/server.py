"""``kg serve``: a read-only SPARQL 1.1 Protocol endpoint over the embedded Oxigraph store.

* ``GET /sparql?query=…`` (also ``/``), ``POST`` form data (``query=…``) or a raw
  ``application/sparql-query`` body;
* results as SPARQL JSON (default), XML, CSV or TSV; graphs as Turtle (default), N-Triples,
  JSON-LD or RDF/XML — by ``Accept`` header or ``?format=``/``?output=`` (``json``, ``xml``,
  ``csv``, ``tsv``, ``turtle``, ``nt``, ``jsonld``, ``rdf+xml`` or a media type; a value that
  does not fit the query form falls back to ``Accept``, so SPARQLWrapper's defaults work);
* the prefixes of ``kg queries --prefixes`` are predeclared;
* updates (``update=``, ``application/sparql-update``, or update text) → **403**; ``SERVICE``
  → **403** (the endpoint never sends a request anywhere on a client's behalf); malformed or
  too deeply nested queries → **400** with the parser's line and column;
* every query runs in a worker process (:mod:`kg.server_worker`), which parses it too, with a
  **time limit** (``--timeout``, default 10 s) whose clock starts when a worker takes the
  query: past it the worker is replaced and the client gets **503** *timed out*. A query waits
  at most 3 × ``--timeout`` for a free worker (at most 64 queries per worker wait); past that
  it gets **503** *busy* with ``Retry-After``, and no worker is stopped;
* answers are cut at ``--max-results`` rows or triples (default 10,000); a cut answer carries
  the header ``X-KG-Truncated: limit=N`` and, in the body, a ``"truncated"`` member (JSON), a
  ``<link>`` and comment (XML), or a comment (Turtle, N-Triples, RDF/XML) — never a silently
  short result: CSV, TSV and JSON-LD cannot carry the mark, so a cut answer in those falls back
  to a format the client also accepts that can, or gets **406** saying how to narrow it;
* one store, one truth: before each query the server checks whether the store folder was
  replaced (``kg build --store`` swaps in a new one); if so every idle worker is retired at
  once, new ones open the new store, and no query is answered from the old one afterwards;
* ``/`` in a browser: a small offline page to type or pick a named query, whose URL
  (``/#query=…``) shares the query without running it; ``/queries.json`` lists the named
  queries.

**HTTP stack.** The endpoint is an ASGI application served by Hypercorn (the Pallets
project's server, on asyncio and h11). Hypercorn was chosen over Uvicorn because it bounds
every phase of a connection out of the box: ``keep_alive_timeout`` runs from the moment a
connection opens until a request's headers are complete (Uvicorn has no such timer, so a
client that trickles header bytes holds a connection for ever), ``h11_max_incomplete_size``
caps the request line and headers, and malformed framing (``Content-Length: abc``, ``-1``,
pipelined garbage) is refused by h11. Granian would need a Rust toolchain-built wheel for a
small gain. The body limit (1 MiB) and a per-read body timeout are enforced by the application
(:mod:`kg.server_app`); a refused body closes the connection, so it is never read as the next
request. A stalled connection costs a coroutine, not a thread.

The parts: :mod:`kg.server_app` (the ASGI application: routes, limits, status codes),
:mod:`kg.server_pool` (the worker processes and the queue), :mod:`kg.server_worker` (one
worker: parsing, checks, content negotiation, evaluation, serialisation); this module listens
and runs Hypercorn.

Serving a store from Python (what ``kg serve --store kg.store`` does)::

    server = make_server("kg.store", port=7878)
    server.serve_forever()          # shutdown() from another thread, then server_close()
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from pathlib import Path

from kg.errors import InputError
from kg.server_app import SparqlApp
from kg.server_pool import DEFAULT_TIMEOUT, WorkerPool

__all__ = ["DEFAULT_MAX_RESULTS", "DEFAULT_PORT", "SparqlServer", "make_server"]

DEFAULT_PORT = 7878
DEFAULT_MAX_RESULTS = 10_000
MAX_HEADERS = 64 << 10  # request line + headers (a GET query travels in the URL)
IDLE_TIMEOUT = 5.0  # a connection without a complete request is closed after this


class SparqlServer:
    """The endpoint: a listening socket, the worker pool and the Hypercorn configuration."""

    def __init__(self, sock: socket.socket, pool: WorkerPool, app: SparqlApp, quiet: bool = True):
        from hypercorn.config import Config

        self.socket = sock
        self.pool = pool
        self.app = app
        self.server_address = sock.getsockname()[:2]
        config = Config()
        config.keep_alive_timeout = IDLE_TIMEOUT
        config.h11_max_incomplete_size = MAX_HEADERS
        config.graceful_timeout = 3.0
        config.accesslog = None if quiet else "-"
        config.errorlog = "-"
        config.loglevel = "WARNING" if quiet else "INFO"
        self.config = config
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._serving = threading.Event()
        self._done = threading.Event()
        self._done.set()

    @property
    def url(self) -> str:
        """The endpoint's URL."""
        host, port = self.server_address
        return f"http://{host}:{port}/sparql"

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown` (or Ctrl-C)."""
        self._done.clear()
        try:
            asyncio.run(self._serve())
        finally:
            self._done.set()

    async def _serve(self) -> None:
        from hypercorn.asyncio import serve

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        fd = self.socket.detach()  # Hypercorn owns (and closes) the listening socket now
        self.config.bind = [f"fd://{fd}"]
        self._serving.set()
        await serve(self.app, self.config, shutdown_trigger=self._stop.wait, mode="asgi")

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait for it."""
        if self._serving.is_set() and self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                self._loop.call_soon_threadsafe(self._stop.set)
        self._done.wait(30)

    def server_close(self) -> None:
        """Close the socket (when it never served) and stop the workers."""
        if not self._serving.is_set():
            self.socket.close()
        self.pool.close()


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
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        with contextlib.suppress(NameError):
            sock.close()
        raise InputError(f"cannot listen on {host}:{port}: {exc}") from exc
    try:
        pool = WorkerPool(store, workers, timeout)
    except RuntimeError as exc:
        sock.close()
        raise InputError(f"cannot start the query workers: {exc}") from exc
    return SparqlServer(sock, pool, SparqlApp(pool, timeout, max_results), quiet)


if __name__ == "__main__":  # pragma: no cover
    import sys

    srv = make_server(sys.argv[1], port=int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_PORT)
    print(srv.url, flush=True)
    srv.serve_forever()
