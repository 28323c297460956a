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
small gain. The body limit (1 MiB) and a per-read body timeout are enforced here; a refused
body closes the connection, so it is never read as the next request. A stalled connection
costs a coroutine, not a thread.

Serving a store from Python (what ``kg serve --store kg.store`` does)::

    server = make_server("kg.store", port=7878)
    server.serve_forever()          # shutdown() from another thread, then server_close()
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import json
import logging
import multiprocessing
import os
import socket
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from kg import paths
from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.server_worker import RESULT_TYPES, negotiate, run_worker

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnContext

    from hypercorn.typing import ASGIReceiveCallable, ASGISendCallable, HTTPScope, Scope

    from kg.server_worker import Reply, Request, WorkerMessage

    #: (status, body, media type, extra headers) of an answer
    Answer: TypeAlias = tuple[int, bytes, str, dict[str, str]]

__all__ = [
    "DEFAULT_PORT",
    "Busy",
    "QueryTimedOut",
    "SparqlApp",
    "SparqlServer",
    "WorkerPool",
    "make_server",
    "negotiate",
]

DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
MAX_BODY = 1 << 20
MAX_HEADERS = 64 << 10  # request line + headers (a GET query travels in the URL)
BODY_READ_TIMEOUT = 10.0  # longest wait for the next piece of a request body
IDLE_TIMEOUT = 5.0  # a connection without a complete request is closed after this
QUEUE_PER_WORKER = 64
WORKER_START_TIMEOUT = 60.0
UI_DIR = paths.PACKAGE_DIR / "sparql_ui"
TRUNCATED_HEADER = "X-KG-Truncated"
READ_ONLY = "SPARQL updates are not allowed: this endpoint is read-only."

log = logging.getLogger("kg.server")


class QueryTimedOut(Exception):
    """The worker did not answer within the time limit."""


class Busy(Exception):
    """No worker became free in time, or too many queries are waiting already."""


class WorkerCrashed(Exception):
    """The worker process died while answering."""


class _Failure(enum.Enum):
    """Why :meth:`_Worker.exchange` has no reply."""

    TIMED_OUT = "timed out"
    CRASHED = "crashed"


def store_identity(path: str | Path) -> tuple[int, int, int] | None:
    """What tells one store folder from its replacement (inode of the folder and of its
    ``CURRENT`` file), or ``None`` while there is no store at ``path``."""
    try:
        folder = os.stat(path)
        current = os.stat(Path(path) / "CURRENT")
    except OSError:
        return None
    return folder.st_dev, folder.st_ino, current.st_ino


_SPAWN_LOCK = threading.Lock()


class _Worker:
    def __init__(self, ctx: SpawnContext, store: str, generation: int):
        self.generation = generation
        self.stopped = False
        self.conn: Connection[Request, WorkerMessage]
        with _SPAWN_LOCK:  # one process start at a time: pipes never cross between workers
            self.conn, child = ctx.Pipe()
            self.process = ctx.Process(
                target=run_worker, args=(store, child, PREFIXES), daemon=True
            )
            self.process.start()
            child.close()

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker's ``ready``; raise :class:`RuntimeError` otherwise."""
        try:
            if not self.conn.poll(timeout):
                raise RuntimeError(f"query worker did not start within {timeout:g} s")
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError("query worker exited while starting") from exc
        if message[0] != "ready":
            raise RuntimeError(message[1])

    def exchange(self, request: Request, timeout: float) -> Reply | _Failure:
        """Send a request and wait at most ``timeout`` for the answer (in a pool thread)."""
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout):
                return _Failure.TIMED_OUT
            message = self.conn.recv()
        except (EOFError, OSError):
            return _Failure.CRASHED
        if message[0] == "ok" or message[0] == "error":
            return message
        return _Failure.CRASHED  # pragma: no cover - "ready"/"failed" come once, before any request

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - terminate is honoured on Linux
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only, shared by an asyncio server.

    :meth:`run` waits (first come, first served) for a free worker, at most ``queue_wait``
    seconds and behind at most ``max_queue`` other queries, else raises :class:`Busy`; then the
    worker has ``timeout`` seconds. A late or crashed worker is replaced in the background.
    """

    def __init__(
        self,
        store: str | Path,
        size: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        max_queue: int | None = None,
        queue_wait: float | None = None,
    ):
        self.store = str(store)
        self.size = max(1, size)
        self.timeout = timeout
        self.max_queue = max_queue if max_queue is not None else QUEUE_PER_WORKER * self.size
        self.queue_wait = queue_wait if queue_wait is not None else 3 * timeout
        self.ctx = multiprocessing.get_context("spawn")
        self.executor = ThreadPoolExecutor(self.size * 2 + 4, thread_name_prefix="kg-pool")
        self.idle: list[_Worker] = []
        self.waiters: deque[asyncio.Future[_Worker]] = deque()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        self.generation = 0
        self.store_id = store_identity(self.store)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False
        self.replaced = 0  # workers replaced after a timeout or crash (for tests and benchmarks)
        started = [self._new_worker(0) for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready(WORKER_START_TIMEOUT)
        except RuntimeError:
            self.close()
            raise
        self.idle.extend(started)

    def _new_worker(self, generation: int) -> _Worker:
        worker = _Worker(self.ctx, self.store, generation)
        with self.lock:
            self.all.add(worker)
        return worker

    # --- on the event loop ---------------------------------------------------------------

    async def run(self, request: Request) -> Reply:
        """Answer ``request`` (see :mod:`kg.server_worker`) in a free worker."""
        self.loop = asyncio.get_running_loop()
        self._check_store()
        worker = await self._acquire()
        # the clock starts now: the worker is idle and takes the query at once
        future = self.loop.run_in_executor(self.executor, worker.exchange, request, self.timeout)
        future.add_done_callback(partial(self._finished, worker))
        outcome = await asyncio.shield(future)
        if outcome is _Failure.TIMED_OUT:
            raise QueryTimedOut
        if outcome is _Failure.CRASHED:
            raise WorkerCrashed
        return outcome

    async def _acquire(self) -> _Worker:
        if self.idle and not self.waiters:
            return self.idle.pop()
        if len(self.waiters) >= self.max_queue:
            raise Busy
        assert self.loop is not None
        waiter: asyncio.Future[_Worker] = self.loop.create_future()
        self.waiters.append(waiter)
        expiry = self.loop.call_later(self.queue_wait, self._expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:  # the client went away
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())
            raise
        finally:
            expiry.cancel()
            with contextlib.suppress(ValueError):
                self.waiters.remove(waiter)

    def _expire(self, waiter: asyncio.Future[_Worker]) -> None:
        if not waiter.done():
            waiter.set_exception(Busy())

    def _release(self, worker: _Worker) -> None:
        if self.closed or worker.generation != self.generation:
            self._retire(worker)
            return
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.idle.append(worker)

    def _finished(self, worker: _Worker, future: asyncio.Future[Reply | _Failure]) -> None:
        outcome = _Failure.CRASHED if future.cancelled() or future.exception() else future.result()
        if outcome is _Failure.TIMED_OUT or outcome is _Failure.CRASHED:
            self.replaced += 1
            self._retire(worker)
            self._replace(worker.generation)
        else:
            self._release(worker)

    def _retire(self, worker: _Worker) -> None:
        with self.lock:
            self.all.discard(worker)
        if not self.closed:
            self.executor.submit(worker.stop)
        else:
            worker.stop()

    def _replace(self, generation: int) -> None:
        if self.closed or generation != self.generation:
            return
        self.executor.submit(self._start_worker, generation)

    def _start_worker(self, generation: int) -> None:  # in a pool thread
        worker = self._new_worker(generation)
        try:
            worker.wait_ready(WORKER_START_TIMEOUT)
        except RuntimeError as exc:
            if not self.closed:
                log.warning("query worker failed to start: %s; retrying", exc)
            with self.lock:
                self.all.discard(worker)
            worker.stop()
            time.sleep(1.0)
            if self.loop is not None and not self.closed:
                self.loop.call_soon_threadsafe(self._replace, generation)
            return
        if self.loop is not None and not self.closed:
            self.loop.call_soon_threadsafe(self._release, worker)
        else:  # pragma: no cover - closed meanwhile
            worker.stop()

    def _check_store(self) -> None:
        """Switch every worker to a replaced store at once."""
        ident = store_identity(self.store)
        if ident is None or ident == self.store_id:
            return
        self.store_id = ident
        self.generation += 1
        idle, self.idle = self.idle, []
        for worker in idle:
            self._retire(worker)
        for _ in range(self.size):
            self._replace(self.generation)

    # --- anywhere --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        with self.lock:
            workers, self.all = list(self.all), set()
        for worker in workers:
            worker.stop()
        self.executor.shutdown(wait=False, cancel_futures=True)


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


class HttpError(Exception):
    """An answer other than 200, with a plain-text message."""

    def __init__(self, status: int, message: str, headers: Mapping[str, str] | None = None):
        super().__init__(message)
        self.status, self.message, self.headers = status, message, dict(headers or {})


class _Gone(Exception):
    """The client disconnected."""


_STATIC = {
    "/ui.js": ("ui.js", "text/javascript"),
    "/ui.css": ("ui.css", "text/css"),
    "/favicon.svg": ("favicon.svg", "image/svg+xml"),
    "/favicon.ico": ("favicon.svg", "image/svg+xml"),
}
_PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


_RESULT_MEDIA = frozenset(
    [m for m, _ in RESULT_TYPES.values()] + ["application/json", "application/xml", "text/xml"]
)


def _wants_page(accept: str) -> bool:
    """Whether ``Accept`` prefers HTML to every SPARQL result type (a browser, not a client).

    >>> _wants_page("text/html,application/xhtml+xml,*/*;q=0.8"), _wants_page("*/*")
    (True, True)
    >>> _wants_page("application/sparql-results+json"), _wants_page("application/json, */*;q=0.1")
    (False, False)
    """
    html = other = 0.0
    for item in (accept or "*/*").split(","):
        media, *params = [x.strip() for x in item.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        media = media.lower()
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif media in ("*/*", "text/*"):
            html = max(html, q * 0.999)  # a wildcard counts a little less than a named type
        elif media in _RESULT_MEDIA:
            other = max(other, q)
    return html > 0 and html >= other


def _params(raw: str, what: str) -> dict[str, list[str]]:
    try:
        return urllib.parse.parse_qs(
            raw, keep_blank_values=True, encoding="utf-8", errors="strict", max_num_fields=100
        )
    except UnicodeDecodeError:
        raise HttpError(400, f"the {what} is not UTF-8") from None
    except ValueError as exc:
        raise HttpError(400, f"malformed {what}: {exc}") from None


def _one(params: Mapping[str, list[str]], name: str) -> str | None:
    values = params.get(name)
    if not values:
        return None
    if len(values) > 1:
        raise HttpError(400, f"'{name}' given {len(values)} times; send exactly one")
    return values[0]


class SparqlApp:
    """The ASGI application: SPARQL 1.1 Protocol (query operation only) and the query page."""

    def __init__(self, pool: WorkerPool, timeout: float, max_results: int):
        self.pool = pool
        self.timeout = timeout
        self.max_results = max_results
        self.queries_json = _named_queries_json()
        self.files = {path: (UI_DIR / name).read_bytes() for path, (name, _) in _STATIC.items()}
        self.page = (UI_DIR / "index.html").read_bytes()

    async def __call__(
        self, scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable
    ) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        method = scope["method"]
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[name] = f"{headers[name]}, {text}" if name in headers else text
        try:
            status, body, media, extra = await self._route(scope, method, headers, receive)
        except HttpError as exc:
            status, body, media = exc.status, (exc.message.rstrip() + "\n").encode(), "text/plain"
            extra = exc.headers
        except _Gone:
            return
        except Exception:  # a bug here must still give the client an answer
            log.exception("internal error")
            status, body, media, extra = 500, b"internal server error\n", "text/plain", {}
        charset = "; charset=utf-8" if media.startswith(("text/", "application/")) else ""
        # h11 keeps the case of header names: some clients compare them case-sensitively
        out = [
            (b"Content-Type", (media + charset).encode()),
            (b"Content-Length", str(len(body)).encode()),
            (b"Cache-Control", b"no-store"),
            (b"X-Content-Type-Options", b"nosniff"),
        ]
        out += [(k.encode(), v.encode("latin-1")) for k, v in extra.items()]
        await send({"type": "http.response.start", "status": status, "headers": out})
        await send(
            {
                "type": "http.response.body",
                "body": b"" if method == "HEAD" else body,
                "more_body": False,  # ASGI's default, spelled out as Hypercorn's types want it
            }
        )

    async def _route(
        self, scope: HTTPScope, method: str, headers: dict[str, str], receive: ASGIReceiveCallable
    ) -> Answer:
        path = scope["path"]
        query_string = scope["query_string"].decode("latin-1")
        params = _params(query_string, "query string")
        if method in ("GET", "HEAD"):
            if "update" in params:
                raise HttpError(403, READ_ONLY)
            text = _one(params, "query")
            if text is not None:
                return await self._query(text, params, headers)
            if path in ("/", "/sparql", "/index.html"):
                if not _wants_page(headers.get("accept", "")):
                    raise HttpError(400, "missing 'query' parameter")
                return (
                    200,
                    self.page,
                    "text/html",
                    {
                        "Content-Security-Policy": _PAGE_CSP,
                        "Referrer-Policy": "no-referrer",
                    },
                )
            if path == "/queries.json":
                return 200, self.queries_json, "application/json", {}
            if path in self.files:
                return 200, self.files[path], _STATIC[path][1], {}
            raise HttpError(404, f"not found: {path}")
        if method != "POST":
            raise HttpError(405, f"method {method} not allowed", {"Allow": "GET, HEAD, POST"})
        if path not in ("/", "/sparql"):
            raise HttpError(404, f"not found: {path}")
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype == "application/sparql-update" or "update" in params:
            raise HttpError(403, READ_ONLY, {"Connection": "close"})
        if ctype not in ("application/sparql-query", "application/x-www-form-urlencoded"):
            raise HttpError(
                415,
                "POST needs application/sparql-query or application/x-www-form-urlencoded",
                {"Connection": "close"},
            )
        body = await self._body(headers, receive)
        if ctype == "application/sparql-query":
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                raise HttpError(400, "the query is not UTF-8") from None
            return await self._query(text, params, headers)
        form = _params(body.decode("latin-1"), "form body")
        if "update" in form:
            raise HttpError(403, READ_ONLY)
        text = _one(form, "query")
        if text is None:
            raise HttpError(400, "missing 'query' parameter")
        if "query" in params:
            raise HttpError(400, "'query' given twice (URL and body); send exactly one")
        return await self._query(text, {**params, **form}, headers)

    async def _body(self, headers: dict[str, str], receive: ASGIReceiveCallable) -> bytes:
        too_big = HttpError(
            413, f"request body larger than {MAX_BODY} bytes", {"Connection": "close"}
        )
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > MAX_BODY:
            raise too_big
        chunks: list[bytes] = []
        size = 0
        while True:
            try:
                message = await asyncio.wait_for(receive(), BODY_READ_TIMEOUT)
            except TimeoutError:
                raise HttpError(
                    408, "the request body stopped arriving", {"Connection": "close"}
                ) from None
            if message["type"] != "http.request":  # http.disconnect, the only other in http
                raise _Gone
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > MAX_BODY:
                raise too_big
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _query(
        self, text: str, params: Mapping[str, list[str]], headers: dict[str, str]
    ) -> Answer:
        if params.get("default-graph-uri") or params.get("named-graph-uri"):
            raise HttpError(400, "default-graph-uri / named-graph-uri are not supported")
        explicit = [*params.get("format", []), *params.get("output", [])]
        request = (text, headers.get("accept", "*/*"), explicit, self.max_results)
        try:
            reply = await self.pool.run(request)
        except QueryTimedOut:
            raise HttpError(
                503,
                f"query timed out after {self.timeout:g} s (the server's limit, "
                "kg serve --timeout); narrow the query",
            ) from None
        except Busy:
            raise HttpError(
                503,
                f"busy: all {self.pool.size} query workers are taken and "
                f"{len(self.pool.waiters)} queries wait; retry in a moment",
                {"Retry-After": "2"},
            ) from None
        except WorkerCrashed:
            raise HttpError(
                500, "the query worker crashed on this query; it was replaced"
            ) from None
        if reply[0] == "error":
            raise HttpError(reply[1], reply[2])
        _, media, body, truncated, count = reply
        extra = {"X-KG-Results": str(count)}
        if truncated:
            extra[TRUNCATED_HEADER] = f"limit={self.max_results}"
        return 200, body, media, extra


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
