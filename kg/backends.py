"""Three places the KG can live, one interface: ``backend.query(text, bindings) -> QueryResult``.

* :class:`MemoryBackend` — an rdflib graph in memory (the default: the embedded KG);
* :class:`OxigraphBackend` — an embedded persistent pyoxigraph store made by ``kg build``
  (built and swapped by :mod:`kg.stores`), queried without re-parsing any RDF;
* :class:`EndpointBackend` — a remote SPARQL 1.1 endpoint, read-only.

Common prefixes (:data:`kg.namespaces.PREFIXES`) are predeclared on every backend, and
parameters are bound the same way on every backend: as one ``VALUES`` row of serialised RDF
terms at the start of the query's WHERE group (:func:`inline_values`), so the variables are
bound before anything else is evaluated, as rdflib's ``initBindings`` would. Values are never
pasted into the query as strings.

>>> from kg.loader import load_graph
>>> backend = MemoryBackend(load_graph())
>>> result = backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a cbec:Challenge }")
>>> int(result.rows[0][0])
4
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.query import ResultRow
from rdflib.term import Node

from kg.errors import InputError, KGError
from kg.namespaces import PREFIXES, bind_prefixes
from kg.oxterms import XSD_STRING, converter, from_ox, gc_paused, node_from_ox

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.answers import Answers
    from kg.stores import StoreInput as StoreInput
    from kg.stores import check_store_target as check_store_target
    from kg.stores import commit_store as commit_store
    from kg.stores import load_store as load_store
    from kg.stores import stage_store as stage_store

__all__ = [
    "Backend",
    "EndpointBackend",
    "MemoryBackend",
    "OxigraphBackend",
    "QueryResult",
    "inline_values",
]

#: Store building moved to :mod:`kg.stores`; these names are still importable from here.
_MOVED = ("check_store_target", "commit_store", "load_store", "stage_store", "StoreInput")


def __getattr__(name: str) -> object:
    if name in _MOVED:
        from kg import stores

        return getattr(stores, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: A pyoxigraph term that an rdflib term maps to.


@dataclass
class QueryResult:
    """The answer to a query, the same whatever the backend.

    ``rows`` holds tuples of rdflib terms (``None`` for unbound) in the order of ``variables``
    for SELECT; ``boolean`` answers ASK; ``graph`` holds CONSTRUCT/DESCRIBE triples.
    """

    form: str
    variables: list[str] = field(default_factory=list)
    rows: list[tuple[Node | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None

    def dicts(self) -> list[dict[str, Node | None]]:
        """Rows as dictionaries keyed by variable name."""
        return [dict(zip(self.variables, row, strict=True)) for row in self.rows]


class Backend(Protocol):
    """What every backend offers."""

    name: str

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run a read-only SPARQL query."""
        ...


def ordered_in_python(
    run: Callable[[str, Mapping[str, Node] | None], QueryResult],
    text: str,
    bindings: Mapping[str, Node] | None,
) -> QueryResult:
    """``run(text, bindings)``, with a final ORDER BY of simple keys applied in Python
    (:mod:`kg.ordering`) when it can be applied exactly; else ``text`` as written."""
    from kg.ordering import plan

    ordered = plan(text)
    if ordered is not None:
        result = run(ordered.text, bindings)
        if result.form == "SELECT":
            with gc_paused():  # sorting makes thousands of keys, none in a cycle
                done = ordered.sort(result.variables, result.rows)
            if done is not None:
                return QueryResult("SELECT", *done)
    return run(text, bindings)


class MemoryBackend:
    """An rdflib graph in memory."""

    name = "memory"

    def __init__(self, graph: Graph):
        self.graph = graph

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run ``text`` with rdflib; ``bindings`` as a ``VALUES`` row (:func:`inline_values`).

        A final ORDER BY of simple keys is applied in Python (:mod:`kg.ordering`), as on the
        embedded store: the same order on both, and rdflib's own ORDER BY fails on an unbound
        value (``'<' not supported between instances of 'NoneType' and 'tuple'``).
        """
        return ordered_in_python(self._run, text, bindings)

    def _run(self, text: str, bindings: Mapping[str, Node] | None) -> QueryResult:
        from kg.sparql import query_form

        form = query_form(text)
        try:
            res = self.graph.query(inline_values(text, bindings or {}), initNs=PREFIXES)
            if form == "ASK":
                return QueryResult(form, boolean=bool(res.askAnswer))
            if form in ("CONSTRUCT", "DESCRIBE"):
                g = Graph()
                bind_prefixes(g)
                assert res.graph is not None  # rdflib sets it for CONSTRUCT and DESCRIBE
                for triple in res.graph:
                    g.add(triple)
                return QueryResult(form, graph=g)
            variables = [str(v) for v in res.vars or ()]
            # a SELECT answer iterates ResultRows (rdflib types it as any answer's items)
            rows: list[tuple[Node | None, ...]] = [
                tuple(row) for row in res if isinstance(row, ResultRow)
            ]
        except OSError as exc:  # an unreachable SERVICE (urllib.error.URLError is an OSError)
            raise KGError(f"query failed: a SERVICE could not be reached: {exc}") from exc
        except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes etc.
            raise InputError(f"query failed: {exc}") from exc
        return QueryResult(form, variables, rows)


class OxigraphBackend:
    """An embedded persistent pyoxigraph store (read-only)."""

    name = "oxigraph"
    answers: Answers | None

    def __init__(self, path: str | Path):
        import pyoxigraph as ox

        path = Path(path)
        if not (path / "CURRENT").is_file():
            raise InputError(f"{path}: not a store made by `kg build --store PATH`")
        self.path = path
        try:
            self.store = ox.Store.read_only(str(path))
        except OSError as exc:
            raise KGError(f"cannot open the store {path}: {exc}") from exc
        from kg.answers import Answers

        self.answers = Answers.of_store(path)

    @classmethod
    def over(cls, store: ox.Store, path: str | Path) -> OxigraphBackend:
        """A backend over an already open ``pyoxigraph.Store`` (e.g. one being built): every
        query is evaluated (no answers of :mod:`kg.answers` are looked up)."""
        backend = cls.__new__(cls)
        backend.path, backend.store, backend.answers = Path(path), store, None
        return backend

    def __len__(self) -> int:
        return len(self.store)

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run ``text`` with Oxigraph, ``bindings`` as a ``VALUES`` row (see :func:`inline_values`).

        (Oxigraph's substitutions only accept projected variables, so VALUES is used.) Oxigraph
        parses the query itself; only a query it refuses is parsed again, by
        :func:`kg.sparql.query_form`, to report the error with its line and column. A final
        ORDER BY of simple keys is applied in Python (:mod:`kg.ordering`), in the same order.
        The answers the build worked out (:mod:`kg.answers`) are looked up, not evaluated.
        """
        if self.answers is not None:
            found = self.answers.result(text, bindings)
            if found is not None:
                return found
        return ordered_in_python(self._run, text, bindings)

    def _run(self, text: str, bindings: Mapping[str, Node] | None) -> QueryResult:
        import pyoxigraph as ox

        try:
            res = self.store.query(inline_values(text, bindings or {}), prefixes=PREFIXES)
            # Results are lazy: a SERVICE or the store can still fail while they are read.
            if isinstance(res, ox.QueryBoolean):
                return QueryResult("ASK", boolean=bool(res))
            if isinstance(res, ox.QueryTriples):
                node = converter(node_from_ox)
                g = Graph()
                bind_prefixes(g)
                for t in res:
                    g.add((node(t.subject), node(t.predicate), node(t.object)))
                return QueryResult(_graph_form(text), graph=g)
            conv = converter(from_ox)
            variables = [v.value for v in res.variables]
            with gc_paused():
                rows = [tuple(map(conv, sol)) for sol in res]
        except SyntaxError as exc:
            from kg.sparql import query_form

            query_form(text)  # raises the precise error (or refuses an update) …
            raise InputError(f"query failed: {exc}") from exc  # … or Oxigraph's own
        except (ValueError, RuntimeError) as exc:
            raise InputError(f"query failed: {exc}") from exc
        except OSError as exc:  # the store, or an unreachable SERVICE
            if _SERVICE.search(text):
                raise KGError(f"query failed: a SERVICE could not be reached: {exc}") from exc
            raise KGError(f"query failed: store error: {exc}") from exc
        return QueryResult("SELECT", variables, rows)


#: A SERVICE clause (a rough test, only to word an error message).
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)


_PROLOGUE = re.compile(r"(?is)(?:\s+|#[^\n]*|(?:PREFIX\s+[^:\s]*:\s*|BASE\s+)<[^>]*>)*")


def _graph_form(text: str) -> str:
    """CONSTRUCT or DESCRIBE: the keyword after the prologue of a query that returned triples.

    >>> _graph_form("PREFIX a: <urn:a#>  # c\\n DESCRIBE <urn:x>")
    'DESCRIBE'
    """
    start = _PROLOGUE.match(text)
    rest = text[start.end() if start else 0 :]
    return "DESCRIBE" if rest[:8].upper() == "DESCRIBE" else "CONSTRUCT"


class EndpointBackend:
    """A remote SPARQL 1.1 endpoint, queried over HTTP POST (read-only)."""

    name = "endpoint"

    def __init__(self, url: str, timeout: float = 60.0, headers: Mapping[str, str] | None = None):
        if not url.startswith(("http://", "https://")):
            raise InputError(f"endpoint must be an http(s) URL: {url}")
        self.url = url
        self.timeout = timeout
        self.headers = dict(headers or {})

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Send ``text`` (with our prefixes and a VALUES clause for ``bindings``)."""
        import urllib.error
        import urllib.parse
        import urllib.request

        from kg.sparql import query_form

        form = query_form(text)
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        body = prologue + inline_values(text, bindings or {})
        accept = (
            "application/sparql-results+json"
            if form in ("SELECT", "ASK")
            else "application/n-triples, text/turtle;q=0.9"
        )
        data = urllib.parse.urlencode({"query": body}).encode()
        req = urllib.request.Request(
            self.url,
            data=data,
            headers={
                "Accept": accept,
                "Content-Type": "application/x-www-form-urlencoded",
                **self.headers,
            },
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                ctype = resp.headers.get("Content-Type", "")
                payload = resp.read()
                truncated = resp.headers.get("X-KG-Truncated")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise KGError(f"endpoint answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise KGError(f"cannot reach endpoint {self.url}: {exc}") from exc
        if truncated:  # a `kg serve` answer cut at its --max-results: never use it silently
            raise KGError(
                f"the endpoint cut the answer at its result limit ({truncated}); narrow the "
                "query (LIMIT, FILTER) or raise the server's --max-results"
            )
        try:
            if form in ("SELECT", "ASK"):
                return _parse_results_json(form, json.loads(payload))
            g = Graph()
            bind_prefixes(g)
            fmt = "turtle" if "turtle" in ctype else "nt"
            g.parse(data=payload.decode("utf-8"), format=fmt)
        except (ValueError, KeyError, TypeError, SyntaxError) as exc:  # not what we asked for
            raise KGError(
                f"endpoint {self.url} sent an answer that is not SPARQL results "
                f"({ctype or 'no content type'}): {str(exc)[:200]}"
            ) from exc
        return QueryResult(form, graph=g)


def _values_clause(bindings: Mapping[str, Node]) -> str:
    if not bindings:
        return ""
    names = sorted(bindings)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(bindings[n].n3() for n in names)
    return f"\nVALUES ({head}) {{ ({row}) }}\n"


def _group_start(text: str) -> int | None:
    """Index just after the ``{`` that opens the query's WHERE group (strings, comments and
    IRIs skipped), or ``None``."""
    i, n, depth_seen_where = 0, len(text), False
    construct = re.match(r"(?is)^(?:\s|#[^\n]*\n|(?:PREFIX|BASE)[^\n]*\n)*CONSTRUCT\b", text)
    while i < n:
        c = text[i]
        if c == "#":
            i = text.find("\n", i)
            i = n if i < 0 else i
        elif c in "\"'":
            long = text.startswith(c * 3, i)
            end = text.find(c * 3, i + 3) + 3 if long else i + 1
            if not long:
                while end < n and text[end] != c:
                    end += 2 if text[end] == "\\" else 1
                end += 1
            i = end if end > i else n
            continue
        elif c == "<" and (iri := re.match(r"<[^\s<>\"{}|^`]*>", text[i:])):
            i += iri.end()
            continue
        elif text[i : i + 5].upper() == "WHERE" and not text[i - 1 : i].isalnum():
            depth_seen_where = True
        elif c == "{" and (depth_seen_where or not construct):
            return i + 1
        i += 1
    return None


def inline_values(text: str, bindings: Mapping[str, Node]) -> str:
    """``text`` with a ``VALUES`` row for ``bindings`` at the start of its WHERE group.

    Some stores (Virtuoso) apply a trailing ``VALUES`` block after projection and reject one
    that names a variable the query does not project; at the start of the group it means the
    same everywhere.

    >>> from rdflib import URIRef
    >>> print(inline_values("SELECT ?x WHERE { ?c <urn:p> ?x }", {"c": URIRef("urn:c")}))
    SELECT ?x WHERE {
    VALUES (?c) { (<urn:c>) }
     ?c <urn:p> ?x }
    """
    if not bindings:
        return text
    at = _group_start(text)
    if at is None:
        return text + _values_clause(bindings)
    return text[:at] + _values_clause(bindings).rstrip("\n") + "\n" + text[at:]


def _json_term(cell: Mapping[str, str] | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    dt = cell.get("datatype")
    return Literal(value, datatype=URIRef(dt) if dt and dt != XSD_STRING else None)


def _parse_results_json(form: str, doc: Mapping[str, Any]) -> QueryResult:
    if form == "ASK":
        return QueryResult(form, boolean=bool(doc["boolean"]))
    variables = list(doc["head"]["vars"])
    rows = [tuple(_json_term(b.get(v)) for v in variables) for b in doc["results"]["bindings"]]
    return QueryResult(form, variables, rows)
