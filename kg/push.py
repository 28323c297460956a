"""``kg push``: replace a named graph of a production triple store with the built KG, atomically.

Readers of the target graph see either the old KG or the new one, never a mix:

1. parse the file with an RDF parser (Oxigraph): a syntax error, a blank node, non-UTF-8 bytes
   or an empty file (unless ``allow_empty``) stop the push before anything is sent; only
   re-serialised triples are ever sent, never the file's text, so a file cannot smuggle SPARQL
   into an ``INSERT DATA`` request;
2. take the target's **lock**: a claim (push id, host, process, start time) in the lock graph
   ``<TARGET#kg-push-lock>``, written and then read back — a push proceeds only when its claim
   is the only one, so of two pushes to one graph at most one goes on and the other stops with
   :class:`PushBusy`, the target untouched. A claim is stale (and removed) after
   ``stale_after`` seconds, or at once when it was made on this host by a process that is gone
   or by this process outside any push (a push cut off by a lost connection);
3. drop the temporary graphs ``<TARGET#kg-push-tmp-…>`` of earlier pushes that were cut off,
   and upload into a temporary graph unique to this push, in batches — SPARQL 1.1 Update
   ``INSERT DATA`` or, with ``graph_store``, Graph Store Protocol ``POST``s;
4. compare the temporary graph with the file: the number of triples, the triples of each
   predicate (any difference fails the push) and the datatypes of literals (a store that
   rewrites them, as Virtuoso turns ``"7"^^xsd:decimal`` into ``xsd:integer``, is reported in
   :attr:`PushResult.warnings`);
5. replace the target in one update request: ``MOVE GRAPH <tmp> TO GRAPH <target>`` (which
   empties the target first; one request is one transaction in Virtuoso, Fuseki, GraphDB and
   Oxigraph), check the target's count, and release the lock.

On any failure before step 5 the target graph is untouched and the temporary graph is dropped
(or, when the connection is gone, by the next push). Authentication: HTTP basic or digest
(Virtuoso's ``/sparql-auth``), with a password from ``KG_PUSH_PASSWORD``.

>>> count_triples_text("<urn:a> <urn:b> <urn:c> .\\n# comment\\n\\n")
1
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import os
import re
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias, TypeGuard

from kg.errors import InputError, KGError

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "FileStats",
    "HttpClient",
    "PushBusy",
    "PushFailed",
    "PushResult",
    "push",
    "scan",
    "temporary_graph",
]

PASSWORD_ENV = "KG_PUSH_PASSWORD"
TMP_SUFFIX = "#kg-push-tmp"
LOCK_SUFFIX = "#kg-push-lock"
LOCK_NS = "https://w3id.org/cbec-kg/push#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
DEFAULT_STALE_AFTER = 6 * 3600.0

#: One row of SPARQL JSON results: variable → {"type": …, "value": …, maybe "datatype"…}.
Binding: TypeAlias = dict[str, dict[str, str]]


class PushFailed(KGError):
    """The push did not complete; the target graph was not changed."""

    exit_code = 1


class PushBusy(PushFailed):
    """Another push to the same target graph is under way."""


@dataclass
class PushResult:
    """What a push did."""

    graph: str
    triples: int
    batches: int
    seconds: float
    protocol: str
    warnings: list[str] = field(default_factory=list)


def temporary_graph(graph: str, push_id: str | None = None) -> str:
    """The temporary graph a push to ``graph`` loads into (without ``push_id``: the prefix
    every push's temporary graph starts with).

    >>> temporary_graph("https://example.org/kg")
    'https://example.org/kg#kg-push-tmp'
    >>> temporary_graph("https://example.org/kg#x", "1f2e")
    'https://example.org/kg#kg-push-tmp-1f2e'
    """
    base = graph.split("#", 1)[0] + TMP_SUFFIX
    return f"{base}-{push_id}" if push_id else base


def lock_graph(graph: str) -> str:
    """The graph that holds the push lock of ``graph``."""
    return graph.split("#", 1)[0] + LOCK_SUFFIX


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
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
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

    def select(self, text: str) -> list[Binding]:
        """Bindings of a SELECT query (SPARQL JSON results)."""
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
            rows = json.loads(payload)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            answer = _short(payload.decode("utf-8", "replace"))
            raise KGError(f"unexpected answer to a SELECT query: {answer}") from exc
        if not _is_bindings(rows):
            answer = _short(payload.decode("utf-8", "replace"))
            raise KGError(f"unexpected answer to a SELECT query: {answer}")
        return rows

    def count(self, graph: str) -> int:
        """Triples in ``graph``."""
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}"
        )
        try:
            return int(rows[0]["n"]["value"]) if rows else 0
        except (KeyError, ValueError) as exc:
            raise KGError(f"unexpected answer to a COUNT query: {rows[:1]}") from exc

    def upload(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` (Graph Store POST, else INSERT DATA)."""
        if self.graph_store_url:
            sep = "&" if "?" in self.graph_store_url else "?"
            url = f"{self.graph_store_url}{sep}{urllib.parse.urlencode({'graph': graph})}"
            self.client.request(
                "POST", url, ntriples, {"Content-Type": "application/n-triples; charset=utf-8"}
            )
        else:
            # ``ntriples`` is Oxigraph's serialisation of parsed triples, never file text
            self.update(f"INSERT DATA {{ GRAPH {_iri(graph)} {{\n{ntriples.decode()}\n}} }}")


def _is_bindings(rows: object) -> TypeGuard[list[Binding]]:
    """Whether ``rows`` has the shape of SPARQL JSON bindings (every term has a string value).

    >>> _is_bindings([{"n": {"type": "literal", "value": "3"}}]), _is_bindings([{"n": "3"}])
    (True, False)
    """
    return isinstance(rows, list) and all(
        isinstance(row, dict)
        and all(
            isinstance(var, str)
            and isinstance(term, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in term.items())
            and "value" in term
            for var, term in row.items()
        )
        for row in rows
    )


def _iri(value: str) -> str:
    """An IRI as a SPARQL term (re-serialised; refuses what cannot be one)."""
    import pyoxigraph as ox

    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise InputError(f"not a valid IRI: {value!r}") from exc


def _literal(value: str) -> str:
    import pyoxigraph as ox

    return str(ox.Literal(value))


# --- the file ---------------------------------------------------------------------------------


@dataclass
class FileStats:
    """What a file holds: triples, triples per predicate, literals per (predicate, datatype)."""

    triples: int = 0
    predicates: Counter[str] = field(default_factory=Counter)
    datatypes: Counter[tuple[str, str]] = field(default_factory=Counter)


def _parse(path: Path) -> Iterator[ox.Quad]:
    """The file's triples, parsed by Oxigraph; errors name the file and line."""
    import pyoxigraph as ox

    from kg.sources import ox_format, rdf_format

    fmt = rdf_format(path)
    try:
        for triple in ox.parse(path=str(path), format=ox_format(fmt)):
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                raise InputError(
                    f"{path}: blank node in {triple}; push needs skolemised triples "
                    "(kg build writes them for the embedded KG)"
                )
            yield triple
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None) or "?"
        reason = re.sub(r" \([^()]*, line \d+\)$", "", str(exc))
        reason = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", reason)
        raise InputError(f"{path}:{line}: {reason}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def scan(path: str | Path) -> FileStats:
    """Parse the whole file once: counts per predicate and datatype; raise :class:`InputError`
    for a malformed file (nothing is sent before this succeeds)."""
    import pyoxigraph as ox

    path = Path(path)
    stats = FileStats()
    for triple in _parse(path):
        stats.triples += 1
        p = triple.predicate.value
        stats.predicates[p] += 1
        obj = triple.object
        if isinstance(obj, ox.Literal):
            dt = RDF_LANGSTRING if obj.language else obj.datatype.value
            stats.datatypes[(p, dt)] += 1
    return stats


def batches(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """(N-Triples bytes, statements) of at most ``size`` statements each: the parsed triples
    serialised again by Oxigraph."""
    import pyoxigraph as ox

    def serialised(batch: list[ox.Quad]) -> bytes:
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None  # serialize returns bytes when it is given no output
        return data

    batch: list[ox.Quad] = []
    for triple in _parse(path):
        batch.append(triple)
        if len(batch) == size:
            yield serialised(batch), len(batch)
            batch = []
    if batch:
        yield serialised(batch), len(batch)


# --- what the store holds ---------------------------------------------------------------------


def store_stats(store: Store, graph: str) -> FileStats:
    """The same counts as :func:`scan`, asked of the store for ``graph``."""
    g = _iri(graph)
    stats = FileStats(store.count(graph))
    for row in store.select(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} GROUP BY ?p"
    ):
        stats.predicates[_binding(row, "p")] += _count(row)
    for row in store.select(
        f"SELECT ?p ?dt (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o FILTER(isLiteral(?o)) "
        'BIND(IF(LANG(?o) != "", <' + RDF_LANGSTRING + ">, DATATYPE(?o)) AS ?dt) } } "
        "GROUP BY ?p ?dt"
    ):
        dt = row.get("dt", {}).get("value", XSD + "string")
        stats.datatypes[(_binding(row, "p"), dt)] += _count(row)
    return stats


def _binding(row: Binding, var: str) -> str:
    """The value of ``var`` in a row of a count per predicate; :class:`KGError` if unbound."""
    if var not in row:
        raise KGError(f"unexpected answer to a count per predicate, no ?{var}: {row}")
    return row[var]["value"]


def _count(row: Binding) -> int:
    """``?n`` of a row of a count per predicate; :class:`KGError` unless a whole number."""
    try:
        return int(_binding(row, "n"))
    except ValueError:
        raise KGError(f"unexpected answer to a count per predicate: {row}") from None


def _short_iri(iri: str) -> str:
    return "xsd:" + iri[len(XSD) :] if iri.startswith(XSD) else f"<{iri}>"


def compare(file: FileStats, stored: FileStats) -> tuple[list[str], list[str]]:
    """(errors, warnings): triples missing or extra, per predicate; datatypes rewritten.

    >>> a = FileStats(2, Counter({"urn:p": 2}), Counter({("urn:p", XSD + "decimal"): 2}))
    >>> b = FileStats(2, Counter({"urn:p": 2}), Counter({("urn:p", XSD + "integer"): 2}))
    >>> compare(a, b)
    ([], ['<urn:p>: 2 literal(s) of xsd:decimal came back as xsd:integer'])
    >>> compare(a, FileStats(1, Counter({"urn:p": 1}), Counter()))[0][0]
    'the temporary graph holds 1 triples, the file 2'
    """
    errors = []
    if stored.triples != file.triples:
        errors.append(
            f"the temporary graph holds {stored.triples} triples, the file {file.triples}"
        )
    for p in sorted(set(file.predicates) | set(stored.predicates)):
        if file.predicates[p] != stored.predicates[p]:
            errors.append(
                f"<{p}>: {stored.predicates[p]} triple(s) in the store, {file.predicates[p]} "
                "in the file"
            )
    warnings = []
    if not errors:
        for p in sorted({p for p, _ in file.datatypes} | {p for p, _ in stored.datatypes}):
            mine = {dt: n for (q, dt), n in file.datatypes.items() if q == p}
            theirs = {dt: n for (q, dt), n in stored.datatypes.items() if q == p}
            if mine == theirs:
                continue
            lost = {dt: n - theirs.get(dt, 0) for dt, n in mine.items() if n > theirs.get(dt, 0)}
            got = {dt: n - mine.get(dt, 0) for dt, n in theirs.items() if n > mine.get(dt, 0)}
            came = ", ".join(_short_iri(dt) for dt in sorted(got)) or "other datatypes"
            for dt, n in sorted(lost.items()):
                warnings.append(f"<{p}>: {n} literal(s) of {_short_iri(dt)} came back as {came}")
    return errors, warnings


# --- the lock ----------------------------------------------------------------------------------

_ACTIVE: set[str] = set()  # ids of the pushes running in this process
_ACTIVE_LOCK = threading.Lock()


def _claims(store: Store, lock: str) -> list[dict[str, str]]:
    rows = store.select(
        f"SELECT ?id ?host ?pid ?since WHERE {{ GRAPH {_iri(lock)} {{ ?c <{LOCK_NS}id> ?id ; "
        f"<{LOCK_NS}host> ?host ; <{LOCK_NS}pid> ?pid ; <{LOCK_NS}since> ?since }} }}"
    )
    return [{k: v["value"] for k, v in row.items()} for row in rows]


def _is_stale(claim: Mapping[str, str], stale_after: float) -> bool:
    try:
        since = datetime.fromisoformat(claim["since"].replace("Z", "+00:00"))
        age = (datetime.now(UTC) - since).total_seconds()
    except (KeyError, ValueError):
        return True
    if age > stale_after:
        return True
    if claim.get("host") != socket.gethostname():
        return False
    try:
        pid = int(claim.get("pid", "0"))
    except ValueError:
        return True
    if pid == os.getpid():
        with _ACTIVE_LOCK:
            return claim.get("id") not in _ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def _drop_claim(store: Store, lock: str, push_id: str) -> None:
    store.update(
        f"DELETE WHERE {{ GRAPH {_iri(lock)} {{ ?c <{LOCK_NS}id> {_literal(push_id)} ; ?p ?o }} }}"
    )


def acquire_lock(store: Store, graph: str, push_id: str, stale_after: float) -> None:
    """Claim the push lock of ``graph``; raise :class:`PushBusy` if another push holds it."""
    lock = lock_graph(graph)
    for claim in _claims(store, lock):
        if _is_stale(claim, stale_after):
            _drop_claim(store, lock, claim["id"])
    claim_iri = _iri(f"{LOCK_NS}claim-{push_id}")
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    store.update(
        f"INSERT DATA {{ GRAPH {_iri(lock)} {{ {claim_iri} <{LOCK_NS}id> {_literal(push_id)} ; "
        f"<{LOCK_NS}host> {_literal(socket.gethostname())} ; "
        f"<{LOCK_NS}pid> {_literal(str(os.getpid()))} ; "
        f"<{LOCK_NS}since> {_literal(since)} ; "
        f"<{LOCK_NS}target> {_iri(graph)} }} }}"
    )
    others = [c for c in _claims(store, lock) if c.get("id") != push_id]
    if others:
        _drop_claim(store, lock, push_id)
        c = others[0]
        raise PushBusy(
            f"another push to <{graph}> is under way (push {c.get('id')} from "
            f"{c.get('host')}, process {c.get('pid')}, since {c.get('since')}); <{graph}> "
            f"unchanged. Wait for it; a push that died leaves its claim in <{lock}> for "
            f"{stale_after / 3600:g} h (DROP GRAPH <{lock}> to clear it at once)"
        )


# --- the push -------------------------------------------------------------------------------


def _leftovers(store: Store, graph: str) -> list[str]:
    prefix = temporary_graph(graph)
    rows = store.select(
        "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(STRSTARTS(STR(?g), {_literal(prefix)})) }}"
    )
    return [row["g"]["value"] for row in rows if "g" in row]


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
    allow_empty: bool = False,
    stale_after: float = DEFAULT_STALE_AFTER,
) -> PushResult:
    """Replace ``graph`` at ``endpoint`` by the RDF ``file`` (see the module docstring).

    ``batch_size`` defaults to 1,000 triples per ``INSERT DATA`` (Virtuoso's SPARQL compiler
    runs out of memory on much larger ones) and 50,000 per Graph Store ``POST``. ``progress``
    is called with the number of statements of each uploaded batch. An empty file is refused
    unless ``allow_empty`` (it would empty the target).

    Raises :class:`PushFailed` (the target graph unchanged) when a step fails,
    :class:`PushBusy` when another push to ``graph`` is under way, :class:`InputError` for a
    bad file or option.
    """
    started = time.monotonic()
    path = Path(file)
    if not path.exists():
        raise InputError(f"{path}: no such file (run `kg build` first)")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not an RDF file")
    if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", graph) or "#kg-push-" in graph:
        raise InputError(f"--graph must be an absolute IRI (not a push's own graph): {graph!r}")
    _iri(graph)
    if password is None:
        password = os.environ.get(PASSWORD_ENV)
    store = Store(endpoint, query_endpoint, graph_store, HttpClient(user, password, auth, timeout))
    expected = scan(path)
    if expected.triples == 0 and not allow_empty:
        raise InputError(
            f"{path} holds no triples: pushing it would empty <{graph}>; "
            "pass --allow-empty if that is what you want"
        )
    batch_size = batch_size or (50_000 if graph_store else 1_000)
    push_id = uuid.uuid4().hex[:16]
    tmp = temporary_graph(graph, push_id)
    with _ACTIVE_LOCK:
        _ACTIVE.add(push_id)
    try:
        try:
            acquire_lock(store, graph, push_id, stale_after)
        except PushBusy:
            raise
        except KGError as exc:
            raise PushFailed(f"push failed, <{graph}> unchanged: {exc}") from exc
        try:
            return _push_locked(
                store, path, graph, tmp, expected, batch_size, progress, started, graph_store
            )
        finally:
            with contextlib.suppress(KGError):  # if the connection is gone, the claim goes
                _drop_claim(store, lock_graph(graph), push_id)  # stale (see _is_stale)
    finally:
        with _ACTIVE_LOCK:
            _ACTIVE.discard(push_id)


def _push_locked(
    store: Store,
    path: Path,
    graph: str,
    tmp: str,
    expected: FileStats,
    batch_size: int,
    progress: Callable[[int], None] | None,
    started: float,
    graph_store: str | None,
) -> PushResult:
    n_batches = 0
    try:
        for old in _leftovers(store, graph):  # cut-off earlier pushes (we hold the lock)
            store.update(f"DROP SILENT GRAPH {_iri(old)}")
        for data, n in batches(path, batch_size):
            store.upload(tmp, data)
            n_batches += 1
            if progress is not None:
                progress(n)
        errors, warnings = compare(expected, store_stats(store, tmp))
        if errors:
            shown = "; ".join(errors[:5]) + (
                f"; and {len(errors) - 5} more" if len(errors) > 5 else ""
            )
            raise KGError(shown)
    except KGError as exc:
        try:
            store.update(f"DROP SILENT GRAPH {_iri(tmp)}")
            cleanup = "the temporary graph was dropped"
        except KGError:
            cleanup = "the temporary graph will be dropped by the next push"
        raise PushFailed(f"push failed, <{graph}> unchanged ({cleanup}): {exc}") from exc
    try:
        store.update(f"MOVE GRAPH {_iri(tmp)} TO GRAPH {_iri(graph)}")
    except KGError as exc:
        raise PushFailed(
            f"the final MOVE failed: {exc}. A store that runs one update request as one "
            f"transaction leaves <{graph}> unchanged; re-run the push"
        ) from exc
    final = store.count(graph)
    if final != expected.triples:
        raise PushFailed(
            f"<{graph}> holds {final} triples after the push, expected {expected.triples}"
        )
    protocol = "graph-store" if graph_store else "update"
    return PushResult(
        graph, expected.triples, n_batches, time.monotonic() - started, protocol, warnings
    )
