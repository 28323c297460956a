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

The parts: this module holds the procedure and the lock; :mod:`kg.push_client` the HTTP client
and the store's SPARQL calls; :mod:`kg.push_scan` the file's triples and the comparison.

Pushing the built KG to a local Virtuoso::

    result = push("outputs/kg.nt", "http://localhost:8890/sparql-auth",
                  "https://example.org/kg", user="dba", password="dba")
    result.triples, result.batches, result.warnings

>>> temporary_graph("https://example.org/kg#x", "1f2e")
'https://example.org/kg#kg-push-tmp-1f2e'
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from kg.errors import InputError, KGError
from kg.push_client import HttpClient, Store, sparql_iri, sparql_literal
from kg.push_scan import FileStats, batches, compare, scan, store_stats

__all__ = [
    "PushBusy",
    "PushFailed",
    "PushResult",
    "acquire_lock",
    "lock_graph",
    "push",
    "temporary_graph",
]

PASSWORD_ENV = "KG_PUSH_PASSWORD"
TMP_SUFFIX = "#kg-push-tmp"
LOCK_SUFFIX = "#kg-push-lock"
LOCK_NS = "https://w3id.org/cbec-kg/push#"
DEFAULT_STALE_AFTER = 6 * 3600.0


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


# --- the lock ----------------------------------------------------------------------------------

_ACTIVE: set[str] = set()  # ids of the pushes running in this process
_ACTIVE_LOCK = threading.Lock()


def _claims(store: Store, lock: str) -> list[dict[str, str]]:
    rows = store.select(
        f"SELECT ?id ?host ?pid ?since WHERE {{ GRAPH {sparql_iri(lock)} {{ ?c <{LOCK_NS}id> ?id ; "
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
    claim = f"?c <{LOCK_NS}id> {sparql_literal(push_id)} ; ?p ?o"
    store.update(f"DELETE WHERE {{ GRAPH {sparql_iri(lock)} {{ {claim} }} }}")


def acquire_lock(store: Store, graph: str, push_id: str, stale_after: float) -> None:
    """Claim the push lock of ``graph``; raise :class:`PushBusy` if another push holds it."""
    lock = lock_graph(graph)
    for claim in _claims(store, lock):
        if _is_stale(claim, stale_after):
            _drop_claim(store, lock, claim["id"])
    claim_iri = sparql_iri(f"{LOCK_NS}claim-{push_id}")
    since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    store.update(
        f"INSERT DATA {{ GRAPH {sparql_iri(lock)} {{ {claim_iri} "
        f"<{LOCK_NS}id> {sparql_literal(push_id)} ; "
        f"<{LOCK_NS}host> {sparql_literal(socket.gethostname())} ; "
        f"<{LOCK_NS}pid> {sparql_literal(str(os.getpid()))} ; "
        f"<{LOCK_NS}since> {sparql_literal(since)} ; "
        f"<{LOCK_NS}target> {sparql_iri(graph)} }} }}"
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
        f"FILTER(STRSTARTS(STR(?g), {sparql_literal(prefix)})) }}"
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
    sparql_iri(graph)
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
            store.update(f"DROP SILENT GRAPH {sparql_iri(old)}")
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
            store.update(f"DROP SILENT GRAPH {sparql_iri(tmp)}")
            cleanup = "the temporary graph was dropped"
        except KGError:
            cleanup = "the temporary graph will be dropped by the next push"
        raise PushFailed(f"push failed, <{graph}> unchanged ({cleanup}): {exc}") from exc
    try:
        store.update(f"MOVE GRAPH {sparql_iri(tmp)} TO GRAPH {sparql_iri(graph)}")
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
