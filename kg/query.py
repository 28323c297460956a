"""Named SPARQL queries, safe parameters, and query execution with a timeout.

Named queries are ``kg/queries/*.rq`` files whose header comment says what they do::

    # title: Remedies for a challenge
    # description: Countermeasures and actions that address a challenge or one of its causes.
    # param: challenge iri  The challenge (IRI, CURIE or label)

A query whose answer grows with the KG may add ``# precompute: PARAM PATTERN``: ``kg build``
then answers it for every value of ``?PARAM`` that the group pattern finds, into the store
(:mod:`kg.answers`; reports without required parameters are answered there anyway).

>>> [q.name for q in named_queries()][:1]
['actions-by-actor']
>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> backend = MemoryBackend(load_graph())
>>> result = run_query(backend, "ASK { ?c a cbec:Challenge }")
>>> result.boolean
True
"""

from __future__ import annotations

import difflib
import functools
import multiprocessing
import re
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node, _is_valid_uri

from kg import paths
from kg.backends import Backend, OxigraphBackend, QueryResult
from kg.errors import InputError, KGError
from kg.namespaces import PREFIXES, bind_prefixes, expand

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

__all__ = [
    "NamedQuery",
    "Param",
    "QueryTimeout",
    "coerce_params",
    "get_named_query",
    "named_queries",
    "run_query",
]

PARAM_TYPES = ("iri", "string", "integer", "decimal", "year", "lang")


class QueryTimeout(KGError):
    """A query ran longer than its timeout and was stopped."""

    exit_code = 3


@dataclass(frozen=True)
class Param:
    """A declared parameter of a named query."""

    name: str
    type: str
    description: str
    required: bool = True
    of_class: str | None = None


@dataclass(frozen=True)
class NamedQuery:
    """A ``.rq`` file with its header."""

    name: str
    title: str
    description: str
    params: tuple[Param, ...] = ()
    text: str = field(default="", repr=False)
    path: Path | None = None
    #: ``(parameter, group pattern)`` of each ``# precompute:`` line (:mod:`kg.answers`).
    precompute: tuple[tuple[str, str], ...] = ()

    @property
    def body(self) -> str:
        """The query without its comment lines: what the endpoint's page shows and sends.

        >>> get_named_query("glossary").body.splitlines()[0]
        'SELECT ?node ?type ?en ?zh WHERE {'
        """
        return "\n".join(ln for ln in self.text.splitlines() if not ln.startswith("#")).strip()

    def to_dict(self) -> dict[str, Any]:
        """Name, title, description and parameters, JSON-ready (``kg queries --format json``)."""
        params = [p.__dict__ for p in self.params]
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "params": params,
        }


_HEADER = re.compile(r"^#\s*(title|description|param|precompute):\s*(.*)$")


def parse_named_query(path: Path) -> NamedQuery:
    """Read a ``.rq`` file and its header comment (parsed once while the file is unchanged)."""
    return _parse_named_query(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=256)
def _parse_named_query(path: Path, _mtime: int) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    title = description = ""
    params: list[Param] = []
    precompute: list[tuple[str, str]] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        m = _HEADER.match(line)
        if not m:
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "title":
            title = value
        elif key == "description":
            description = f"{description} {value}".strip()
        elif key == "precompute":
            name, _, pattern = value.partition(" ")
            precompute.append((name, pattern.strip()))
        else:
            name, typ, *rest = value.split(None, 2)
            optional = typ.endswith("?")
            typ, _, of_class = typ.rstrip("?").partition("(")
            if typ not in PARAM_TYPES:
                raise KGError(f"{path}: parameter {name} has unknown type {typ!r}")
            desc = rest[0] if rest else ""
            params.append(Param(name, typ, desc, not optional, of_class.rstrip(")") or None))
    if not title:
        raise KGError(f"{path}: named query without '# title:' header")
    declared = {p.name for p in params}
    for name, pattern in precompute:
        if name not in declared or not pattern:
            raise KGError(
                f"{path}: '# precompute: {name}' needs a declared parameter and a pattern"
            )
    return NamedQuery(path.stem, title, description, tuple(params), text, path, tuple(precompute))


def named_queries() -> list[NamedQuery]:
    """Every named query shipped with the package, sorted by name."""
    return [parse_named_query(p) for p in sorted(paths.queries_dir().glob("*.rq"))]


def get_named_query(name: str) -> NamedQuery:
    """The named query ``name``; unknown names get the closest names suggested."""
    path = paths.queries_dir() / f"{name}.rq"
    if "/" not in name and path.is_file():
        return parse_named_query(path)
    queries = {q.name: q for q in named_queries()}
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3, cutoff=0.4)
    hint = f"; did you mean: {', '.join(close)}?" if close else "; see `kg queries`"
    raise InputError(f"unknown named query {name!r}{hint}")


def coerce_value(
    value: str, typ: str | None, backend: Backend | None = None, of_class: str | None = None
) -> Node:
    """Turn a ``--param`` value into an RDF term of the declared type.

    >>> coerce_value("cbec:Challenge", "iri")
    rdflib.term.URIRef('https://w3id.org/cbec-kg/ontology#Challenge')
    >>> coerce_value("2020", "year")
    rdflib.term.Literal('2020')
    """
    looks_iri = value.startswith(("<", "http://", "https://", "urn:")) or (
        ":" in value and value.split(":", 1)[0] in PREFIXES
    )
    if typ == "iri" or (typ is None and looks_iri):
        if looks_iri and of_class is not None and backend is not None:
            from kg.terms import resolve

            return URIRef(resolve(backend, value, of_type=of_class).iri)
        if looks_iri:
            iri = expand(value.strip().removeprefix("<").removesuffix(">"))
            if not _is_valid_uri(iri) or not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", iri):
                raise InputError(f"not a valid IRI: {value!r}")
            return URIRef(iri)
        if backend is None:
            raise InputError(f"not an IRI or CURIE: {value!r}")
        from kg.terms import resolve

        return URIRef(resolve(backend, value, of_type=of_class).iri)
    try:
        if typ == "integer" or (typ is None and re.fullmatch(r"-?\d+", value)):
            return Literal(int(value), datatype=XSD.integer)
        if typ == "decimal":
            return Literal(value, datatype=XSD.decimal)
        if typ == "year":
            if not re.fullmatch(r"\d{4}(-H[12])?", value):
                raise ValueError(value)
            return Literal(value)  # periods are plain strings: YYYY or YYYY-H1/H2
    except ValueError:
        raise InputError(f"parameter value {value!r} is not a valid {typ}") from None
    return Literal(value)


def coerce_params(
    raw: Mapping[str, str],
    query: NamedQuery | None = None,
    backend: Backend | None = None,
    text: str | None = None,
) -> dict[str, Node]:
    """Check and convert ``name=value`` parameters (declared ones for a named query).

    For ad-hoc queries (``text``), each name must be a variable of the query.
    """
    declared = {p.name: p for p in query.params} if query else {}
    if query is None and text is not None:
        for name in raw:
            if not re.search(rf"[?$]{re.escape(name)}\b", text):
                raise InputError(f"--param {name}: the query has no variable ?{name}")
    if query is not None:
        unknown = sorted(set(raw) - set(declared))
        if unknown:
            names = ", ".join(declared) or "none"
            raise InputError(f"{query.name} has no parameter {unknown[0]!r} (parameters: {names})")
        missing = [p.name for p in query.params if p.required and p.name not in raw]
        if missing:
            raise InputError(f"{query.name} needs --param {missing[0]}=VALUE")
    out = {}
    for name, value in raw.items():
        p = declared.get(name)
        out[name] = coerce_value(value, p.type if p else None, backend, p.of_class if p else None)
    return out


def run_query(
    backend: Backend,
    text: str,
    bindings: Mapping[str, Node] | None = None,
    timeout: float | None = None,
    allow_service: bool = False,
    trusted: bool = False,
) -> QueryResult:
    """Run a query; with ``timeout`` (seconds) it runs in a child process stopped in time.

    A query with ``SERVICE`` (which would send requests to other servers) is refused with
    :class:`InputError` unless ``allow_service``; an unreachable service is a
    :class:`KGError`. ``trusted`` text (a named query of this package, which the tests parse
    and which holds no SERVICE) is not parsed again for that check: parsing with rdflib costs
    a cold ``kg query`` a third of its time.
    """
    if not trusted:
        from kg.sparql import check_query

        check_query(text, allow_service=allow_service)
    if timeout is None:
        return backend.query(text, bindings)
    if timeout <= 0:
        raise InputError("--timeout must be positive")
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(backend, text, dict(bindings or {}), sender))
    child.start()
    sender.close()
    ready = receiver.poll(timeout)
    if not ready:
        child.terminate()
        child.join(5)
        if child.is_alive():  # pragma: no cover - terminate is honoured on Linux
            child.kill()
        raise QueryTimeout(
            f"query stopped after {timeout:g} s (--timeout); narrow it or raise the limit"
        )
    status, payload = receiver.recv()
    child.join()
    if status == "error":
        exc_type, message = payload
        raise (InputError if exc_type == "InputError" else KGError)(message)
    form, variables, rows, boolean, nt = payload
    graph = None
    if nt is not None:
        graph = Graph()
        bind_prefixes(graph)
        graph.parse(data=nt, format="nt")
    return QueryResult(form, variables, rows, boolean, graph)


def _child(backend: Backend, text: str, bindings: Mapping[str, Node], sender: Connection) -> None:
    try:
        if isinstance(backend, OxigraphBackend):  # never share a store handle across fork
            backend = OxigraphBackend(backend.path)
        r = backend.query(text, bindings)
        nt = r.graph.serialize(format="nt") if r.graph is not None else None
        sender.send(("ok", (r.form, r.variables, r.rows, r.boolean, nt)))
    except KGError as exc:
        sender.send(("error", (type(exc).__name__, str(exc))))
    except Exception:
        sender.send(("error", ("KGError", traceback.format_exc(limit=1))))
    finally:
        sender.close()
