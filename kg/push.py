"""``kg push``: replace a named graph of a production triple store with the built KG, atomically.

Readers of the target graph see either the old KG or the new one, never a mix:

1. drop the push's temporary graph ``<TARGET>#kg-push-tmp`` (a leftover of an earlier push that
   was cut off is removed here);
2. upload the N-Triples into the temporary graph in batches — SPARQL 1.1 Update ``INSERT DATA``
   or, with ``graph_store``, Graph Store Protocol ``POST``s;
3. count the temporary graph's triples and compare with the file;
4. replace the target in one update request: ``MOVE GRAPH <tmp> TO GRAPH <target>`` (which
   empties the target first; one request is one transaction in Virtuoso, Fuseki, GraphDB and
   Oxigraph);
5. check the target's count.

On any failure before step 4 the target graph is untouched and the temporary graph is dropped
(or, when the connection is gone, at the start of the next push). Authentication: HTTP basic
or digest (Virtuoso's ``/sparql-auth``), with a password from ``KG_PUSH_PASSWORD``.

>>> count_triples_text("<urn:a> <urn:b> <urn:c> .\\n# comment\\n\\n")
1
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kg.errors import InputError, KGError

__all__ = ["HttpClient", "PushFailed", "PushResult", "push", "temporary_graph"]

PASSWORD_ENV = "KG_PUSH_PASSWORD"
TMP_SUFFIX = "#kg-push-tmp"


class PushFailed(KGError):
    """The push did not complete; the target graph was not changed."""

    exit_code = 1


@dataclass
class PushResult:
    """What a push did."""

    graph: str
    triples: int
    batches: int
    seconds: float
    protocol: str


def temporary_graph(graph: str) -> str:
    """The temporary graph a push to ``graph`` loads into.

    >>> temporary_graph("https://example.org/kg")
    'https://example.org/kg#kg-push-tmp'
    """
    return graph.split("#", 1)[0] + TMP_SUFFIX


def count_triples_text(text: str) -> int:
    """Statements in N-Triples text (non-blank, non-comment lines)."""
    lines = (line.strip() for line in text.splitlines())
    return sum(1 for line in lines if line and not line.startswith("#"))


# --- HTTP with basic or digest authentication ---------------------------------------------------


class HttpClient:
    """POSTs with preemptive basic auth, or digest auth that reuses the server's challenge.

    (urllib's digest handler answers every request's 401 anew, sending each batch twice.)
    """

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        timeout: float = 300.0,
    ):
        if auth not in ("digest", "basic"):
            raise InputError(f"--auth must be digest or basic, not {auth!r}")
        self.user, self.password, self.auth, self.timeout = user, password, auth, timeout
        self._challenge: dict[str, str] | None = None
        self._nc = 0

    def _authorization(self, method: str, url: str) -> str | None:
        if self.user is None:
            return None
        if self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        c = self._challenge
        if c is None:
            return None
        self._nc += 1
        nc = f"{self._nc:08x}"
        cnonce = os.urandom(8).hex()
        uri = urllib.parse.urlsplit(url)
        path = uri.path + (f"?{uri.query}" if uri.query else "")
        algorithm = c.get("algorithm", "MD5")

        def h(x: str) -> str:
            return hashlib.md5(x.encode()).hexdigest()  # HTTP digest is defined on MD5

        ha1 = h(f"{self.user}:{c['realm']}:{self.password or ''}")
        if algorithm.upper() == "MD5-SESS":
            ha1 = h(f"{ha1}:{c['nonce']}:{cnonce}")
        ha2 = h(f"{method}:{path}")
        qop = "auth" if "auth" in c.get("qop", "").split(",") else None
        if qop:
            response = h(f"{ha1}:{c['nonce']}:{nc}:{cnonce}:{qop}:{ha2}")
        else:
            response = h(f"{ha1}:{c['nonce']}:{ha2}")
        parts = [
            f'username="{self.user}"',
            f'realm="{c["realm"]}"',
            f'nonce="{c["nonce"]}"',
            f'uri="{path}"',
            f'response="{response}"',
            f"algorithm={algorithm}",
        ]
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        if "opaque" in c:
            parts.append(f'opaque="{c["opaque"]}"')
        return "Digest " + ", ".join(parts)

    def request(
        self, method: str, url: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, str, bytes]:
        """Send a request; return (status, content type, body). HTTP errors raise KGError."""
        for attempt in range(2):
            hdrs = dict(headers or {})
            auth = self._authorization(method, url)
            if auth:
                hdrs["Authorization"] = auth
            req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.headers.get("Content-Type", ""), resp.read()
            except urllib.error.HTTPError as exc:
                challenge = exc.headers.get("WWW-Authenticate", "")
                detail = exc.read().decode("utf-8", "replace").strip()
                if (
                    exc.code == 401
                    and self.user
                    and attempt == 0
                    and challenge.lower().startswith("digest")
                    and self.auth == "digest"
                ):
                    self._challenge = _parse_challenge(challenge)
                    self._nc = 0
                    continue
                if exc.code == 401:
                    who = "no credentials" if not self.user else f"user {self.user!r}"
                    raise KGError(f"{url} refused {who} (HTTP 401, {self.auth} auth)") from None
                raise KGError(f"{url} answered HTTP {exc.code}: {_short(detail)}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise KGError(f"connection to {url} failed: {reason}") from None
        raise KGError(f"{url} kept asking for authentication")  # pragma: no cover


def _parse_challenge(header: str) -> dict[str, str]:
    fields = {k: v or w for k, v, w in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header)}
    if "realm" not in fields or "nonce" not in fields:
        raise KGError(f"cannot understand the digest challenge: {header}")
    return fields


def _short(text: str, limit: int = 400) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- the push -------------------------------------------------------------------------------


class Store:
    """A SPARQL 1.1 endpoint to push to (update, query and optional Graph Store URLs)."""

    def __init__(
        self,
        update_url: str,
        query_url: str | None,
        graph_store_url: str | None,
        client: HttpClient,
    ):
        for url in (update_url, query_url, graph_store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise InputError(f"not an http(s) URL: {url}")
        self.update_url = update_url
        self.query_url = query_url or update_url
        self.graph_store_url = graph_store_url
        self.client = client

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        body = urllib.parse.urlencode({"update": text}).encode()
        self.client.request(
            "POST",
            self.update_url,
            body,
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def count(self, graph: str) -> int:
        """Triples in ``graph``."""
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        body = urllib.parse.urlencode({"query": text}).encode()
        _, _, payload = self.client.request(
            "POST",
            self.query_url,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            bindings = json.loads(payload)["results"]["bindings"]
            return int(bindings[0]["n"]["value"]) if bindings else 0
        except (ValueError, KeyError, IndexError) as exc:
            answer = _short(payload.decode("utf-8", "replace"))
            raise KGError(f"unexpected answer to a COUNT query: {answer}") from exc

    def upload(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` (Graph Store POST, else INSERT DATA)."""
        if self.graph_store_url:
            sep = "&" if "?" in self.graph_store_url else "?"
            url = f"{self.graph_store_url}{sep}{urllib.parse.urlencode({'graph': graph})}"
            self.client.request(
                "POST", url, ntriples, {"Content-Type": "application/n-triples; charset=utf-8"}
            )
        else:
            self.update(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples.decode()}\n}} }}")


def batches(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """(N-Triples bytes, statements) of at most ``size`` statements each."""
    lines: list[bytes] = []
    with path.open("rb") as handle:
        for line in handle:
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            lines.append(stripped + b"\n")
            if len(lines) == size:
                yield b"".join(lines), len(lines)
                lines = []
    if lines:
        yield b"".join(lines), len(lines)


def scan(path: Path) -> int:
    """Count the file's statements; refuse blank nodes (batches would split them)."""
    n = 0
    with path.open("rb") as handle:
        for line_no, line in enumerate(handle, 1):
            stripped = line.strip()
            if not stripped or stripped.startswith(b"#"):
                continue
            if stripped.startswith(b"_:") or b" _:" in stripped:
                raise InputError(
                    f"{path}:{line_no}: blank node; push needs skolemised N-Triples "
                    "(kg build writes them for the embedded KG)"
                )
            n += 1
    return n


def push(
    file: str | Path,
    endpoint: str,
    graph: str,
    *,
    query_endpoint: str | None = None,
    graph_store: str | None = None,
    user: str | None = None,
    password: str | None = None,
    auth: str = "digest",
    batch_size: int | None = None,
    timeout: float = 300.0,
    progress: Callable[[int], None] | None = None,
) -> PushResult:
    """Replace ``graph`` at ``endpoint`` by the N-Triples ``file`` (see the module docstring).

    ``batch_size`` defaults to 1,000 triples per ``INSERT DATA`` (Virtuoso's SPARQL compiler
    runs out of memory on much larger ones) and 50,000 per Graph Store ``POST``. ``progress``
    is called with the number of statements of each uploaded batch.

    Raises :class:`PushFailed` (the target graph unchanged) when a step fails.
    """
    import time

    started = time.monotonic()
    path = Path(file)
    if not path.is_file():
        raise InputError(f"{path}: no such file (run `kg build` first)")
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", graph):
        raise InputError(f"--graph must be an absolute IRI: {graph!r}")
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    store = Store(endpoint, query_endpoint, graph_store, HttpClient(user, password, auth, timeout))
    expected = scan(path)
    batch_size = batch_size or (50_000 if graph_store else 1_000)
    tmp = temporary_graph(graph)
    if tmp == graph:
        raise InputError(f"--graph must not end with {TMP_SUFFIX}")
    store.update(f"DROP SILENT GRAPH <{tmp}>")  # also clears a cut-off earlier push
    n_batches = 0
    try:
        for data, n in batches(path, batch_size):
            store.upload(tmp, data)
            n_batches += 1
            if progress is not None:
                progress(n)
        loaded = store.count(tmp)
        if loaded != expected:
            raise KGError(f"the temporary graph holds {loaded} triples, the file {expected}")
    except KGError as exc:
        try:
            store.update(f"DROP SILENT GRAPH <{tmp}>")
            cleanup = "the temporary graph was dropped"
        except KGError:
            cleanup = "the temporary graph will be dropped by the next push"
        raise PushFailed(f"push failed, <{graph}> unchanged ({cleanup}): {exc}") from exc
    try:
        store.update(f"MOVE GRAPH <{tmp}> TO GRAPH <{graph}>")
    except KGError as exc:
        raise PushFailed(
            f"the final MOVE failed: {exc}. A store that runs one update request as one "
            f"transaction leaves <{graph}> unchanged; re-run the push"
        ) from exc
    final = store.count(graph)
    if final != expected:
        raise PushFailed(f"<{graph}> holds {final} triples after the push, expected {expected}")
    protocol = "graph-store" if graph_store else "update"
    return PushResult(graph, expected, n_batches, time.monotonic() - started, protocol)
