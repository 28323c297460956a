"""Three places the KG can live, one interface: ``backend.query(text, bindings) -> QueryResult``.

* :class:`MemoryBackend` — an rdflib graph in memory (the default: the embedded KG);
* :class:`OxigraphBackend` — an embedded persistent pyoxigraph store made by
  ``kg build --store PATH``, queried without re-parsing any RDF;
* :class:`EndpointBackend` — a remote SPARQL 1.1 endpoint, read-only.

Common prefixes (:data:`kg.namespaces.PREFIXES`) are predeclared on every backend, and
parameters are bound as RDF terms (rdflib ``initBindings``; a trailing ``VALUES`` clause of
serialised terms for Oxigraph and endpoints), never pasted into the query text as strings.

>>> from kg.loader import load_graph
>>> backend = MemoryBackend(load_graph())
>>> result = backend.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a cbec:Challenge }")
>>> int(result.rows[0][0])
4
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from rdflib import BNode, Graph, Literal, URIRef, Variable
from rdflib.term import Node

from kg.errors import InputError, KGError
from kg.namespaces import PREFIXES, bind_prefixes
from kg.sparql import query_form

__all__ = [
    "Backend",
    "EndpointBackend",
    "MemoryBackend",
    "OxigraphBackend",
    "QueryResult",
    "load_store",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


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


class MemoryBackend:
    """An rdflib graph in memory."""

    name = "memory"

    def __init__(self, graph: Graph):
        self.graph = graph

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run ``text`` with rdflib, binding ``bindings`` through ``initBindings``."""
        form = query_form(text)
        init = {Variable(k): v for k, v in (bindings or {}).items()}
        try:
            res = self.graph.query(text, initNs=PREFIXES, initBindings=init)
        except Exception as exc:  # rdflib raises plain Exceptions for unknown prefixes etc.
            raise InputError(f"query failed: {exc}") from exc
        if form == "ASK":
            return QueryResult(form, boolean=bool(res.askAnswer))
        if form in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            bind_prefixes(g)
            for triple in res:
                g.add(triple)
            return QueryResult(form, graph=g)
        variables = [str(v) for v in res.vars]
        rows = [tuple(row) for row in res]
        return QueryResult(form, variables, rows)


def _to_ox(term: Node):
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"cannot bind {term!r}")


def _from_ox(term) -> Node | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        dt = term.datatype.value
        return Literal(term.value, datatype=None if dt == XSD_STRING else URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphBackend:
    """An embedded persistent pyoxigraph store (read-only)."""

    name = "oxigraph"

    def __init__(self, path: str | Path):
        import pyoxigraph as ox

        path = Path(path)
        if not (path / "CURRENT").is_file():
            raise InputError(f"{path}: not a store made by `kg build --store PATH`")
        self.path = path
        self.store = ox.Store.read_only(str(path))

    def __len__(self) -> int:
        return len(self.store)

    def query(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Run ``text`` with Oxigraph, binding ``bindings`` with a trailing ``VALUES`` clause.

        (Oxigraph's substitutions only accept projected variables, so VALUES is used.)
        """
        form = query_form(text)
        try:
            res = self.store.query(text + _values_clause(bindings or {}), prefixes=PREFIXES)
        except (SyntaxError, ValueError, RuntimeError) as exc:
            raise InputError(f"query failed: {exc}") from exc
        except OSError as exc:
            raise KGError(f"store error: {exc}") from exc
        if form == "ASK":
            return QueryResult(form, boolean=bool(res))
        if form in ("CONSTRUCT", "DESCRIBE"):
            g = Graph()
            bind_prefixes(g)
            for t in res:
                g.add((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
            return QueryResult(form, graph=g)
        variables = [v.value for v in res.variables]
        rows = [tuple(_from_ox(sol[v]) for v in variables) for sol in res]
        return QueryResult(form, variables, rows)


def load_store(path: str | Path, ntriples: str | Path) -> int:
    """Create (or replace) a pyoxigraph store at ``path`` from N-Triples; return its size."""
    import shutil

    import pyoxigraph as ox

    path = Path(path)
    if path.exists():
        if not (path / "CURRENT").is_file():
            raise InputError(f"{path} exists and is not a store; refusing to overwrite it")
        shutil.rmtree(path)
    store = ox.Store(str(path))
    store.bulk_load(path=str(ntriples), format=ox.RdfFormat.N_TRIPLES)
    store.optimize()
    size = len(store)
    store.flush()
    del store
    return size


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
        form = query_form(text)
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
        body = prologue + text + _values_clause(bindings or {})
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
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace").strip()[:500]
            raise KGError(f"endpoint answered HTTP {exc.code}: {detail}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise KGError(f"cannot reach endpoint {self.url}: {exc}") from exc
        if form in ("SELECT", "ASK"):
            return _parse_results_json(form, json.loads(payload))
        g = Graph()
        bind_prefixes(g)
        fmt = "turtle" if "turtle" in ctype else "nt"
        g.parse(data=payload.decode("utf-8"), format=fmt)
        return QueryResult(form, graph=g)


def _values_clause(bindings: Mapping[str, Node]) -> str:
    if not bindings:
        return ""
    names = sorted(bindings)
    head = " ".join(f"?{n}" for n in names)
    row = " ".join(bindings[n].n3() for n in names)
    return f"\nVALUES ({head}) {{ ({row}) }}\n"


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


def _parse_results_json(form: str, doc: Mapping) -> QueryResult:
    if form == "ASK":
        return QueryResult(form, boolean=bool(doc["boolean"]))
    variables = list(doc["head"]["vars"])
    rows = [tuple(_json_term(b.get(v)) for v in variables) for b in doc["results"]["bindings"]]
    return QueryResult(form, variables, rows)
