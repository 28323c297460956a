"""The ASGI application of ``kg serve``: the SPARQL 1.1 Protocol routes and the query page.

It reads a request (``GET``/``HEAD``/``POST``, the 1 MiB body limit, the per-read body timeout),
refuses what the endpoint never does (updates → 403, other methods → 405, other media types →
415), hands the query to the :class:`~kg.server_pool.WorkerPool` and turns its reply, or why
there is none, into an answer: 503 *timed out* or *busy* (with ``Retry-After``), 500 when a
worker crashed, and the header ``X-KG-Truncated`` on a cut answer. A browser asking for ``/``
gets the offline query page; ``/queries.json`` lists the named queries.

Serving it with any ASGI server (``kg serve`` uses Hypercorn, see :mod:`kg.server`)::

    pool = WorkerPool("kg.store")
    app = SparqlApp(pool, timeout=10.0, max_results=10_000)

>>> _wants_page("text/html"), _wants_page("application/sparql-results+json")
(True, False)
"""

from __future__ import annotations

import asyncio
import json
import logging
import urllib.parse
from collections.abc import Mapping
from typing import TYPE_CHECKING, TypeAlias

from kg import paths
from kg.server_pool import Busy, QueryTimedOut, WorkerCrashed
from kg.server_worker import RESULT_TYPES, media_ranges

if TYPE_CHECKING:
    from hypercorn.typing import ASGIReceiveCallable, ASGISendCallable, HTTPScope, Scope

    from kg.server_pool import WorkerPool

    #: (status, body, media type, extra headers) of an answer
    Answer: TypeAlias = tuple[int, bytes, str, dict[str, str]]

__all__ = ["MAX_BODY", "TRUNCATED_HEADER", "HttpError", "SparqlApp"]

MAX_BODY = 1 << 20
BODY_READ_TIMEOUT = 10.0  # longest wait for the next piece of a request body
UI_DIR = paths.PACKAGE_DIR / "sparql_ui"
TRUNCATED_HEADER = "X-KG-Truncated"
READ_ONLY = "SPARQL updates are not allowed: this endpoint is read-only."

log = logging.getLogger("kg.server")  # the endpoint's one logger (see kg.server_pool)


def _named_queries_json() -> bytes:
    from kg.query import named_queries

    return json.dumps(
        [
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "params": [p.name for p in q.params],
                "text": q.body,
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
    for media, q in media_ranges(accept):
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
