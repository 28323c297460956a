"""The notebook-friendly API: one object for querying, tracing, paths, gaps and analysis.

>>> import kg
>>> graph = kg.load()
>>> graph.query("ASK { ?c a cbec:Challenge }").boolean
True
>>> graph.trace("人才缺乏")["focus"]["iri"]
'https://w3id.org/cbec-kg/id/challenge-talent'
>>> row = graph.query(name="causes-of-challenge", params={"challenge": "talent"}).dicts()[0]
>>> sorted(row)[:2], type(row["cause"]).__name__
(['cause', 'cause_label'], 'str')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, URIRef

from kg.backends import Backend, EndpointBackend, MemoryBackend, OxigraphBackend, QueryResult
from kg.errors import InputError
from kg.model import ChainModel, model_of

__all__ = ["Answer", "KnowledgeGraph"]


def _plain(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


@dataclass
class Answer(QueryResult):
    """A query's answer with the labels of the IRIs it holds (both languages)."""

    names: dict[str, dict[str, str]] = field(default_factory=dict)

    def dicts(self, lang: str = "en") -> list[dict[str, Any]]:
        """Rows as dictionaries of plain Python values: IRIs as strings, literals as numbers or
        strings; every column that holds IRIs gets a ``<name>_label`` column in ``lang`` — the
        labels ``kg query`` shows."""
        iri_columns = {
            v
            for i, v in enumerate(self.variables)
            if any(isinstance(r[i], URIRef) for r in self.rows)
        }
        out = []
        for row in self.rows:
            record: dict[str, Any] = {}
            for var, term in zip(self.variables, row, strict=True):
                record[var] = _plain(term)
                if var in iri_columns:
                    names = self.names.get(str(term), {}) if isinstance(term, URIRef) else {}
                    record[f"{var}_label"] = names.get(lang) if names else None
            out.append(record)
        return out


def memory_backend(extra: Iterable[str | Path] = (), inverses: bool = True) -> MemoryBackend:
    """The embedded KG (+ ``extra`` files) parsed into memory, with what ``kg build`` adds to
    its outputs and store: the materialised inverse properties and the figure checks' flags."""
    from kg.build import materialise_inverses
    from kg.checks import add_flags, run_checks
    from kg.loader import load_graph

    graph = load_graph(extra)
    if inverses:
        materialise_inverses(graph)
    add_flags(graph, run_checks(graph))
    return MemoryBackend(graph)


class KnowledgeGraph:
    """A KG on one backend (in-memory rdflib, embedded Oxigraph store, or remote endpoint)."""

    def __init__(self, backend: Backend):
        self.backend = backend

    @classmethod
    def open(
        cls,
        extra: Iterable[str | Path] = (),
        store: str | Path | None = None,
        endpoint: str | None = None,
        inverses: bool = True,
    ) -> KnowledgeGraph:
        """Open a store made by ``kg build``, an endpoint URL, or by default the embedded KG:
        from the built store (:mod:`kg.defaultstore`) while it matches the current ontology,
        data and package version, else parsed into memory (:func:`memory_backend`; always
        with ``extra`` files), saying why once on stderr."""
        extra = list(extra)
        if store is not None and endpoint is not None:
            raise InputError("use either --store or --endpoint, not both")
        if (store is not None or endpoint is not None) and extra:
            raise InputError("--with files can only be merged into the in-memory KG")
        if store is not None:
            return cls(OxigraphBackend(store))
        if endpoint is not None:
            return cls(EndpointBackend(endpoint))
        from kg.defaultstore import default_backend

        built = default_backend(extra, inverses)
        if built is not None:
            return cls(built)
        return cls(memory_backend(extra, inverses))

    @property
    def model(self) -> ChainModel:
        """The chain model the ontology declares (:class:`kg.model.ChainModel`)."""
        return model_of(self.backend)

    # --- querying --------------------------------------------------------------------------

    def query(
        self,
        sparql: str | None = None,
        *,
        name: str | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
    ) -> Answer:
        """Run SPARQL text or a named query with ``name=value`` parameters (``SERVICE`` only
        with ``allow_service``)."""
        from kg.query import coerce_params, get_named_query, run_query

        if (sparql is None) == (name is None):
            raise InputError("give either a SPARQL string or a named query")
        named = get_named_query(name) if name is not None else None
        text = named.text if named is not None else sparql
        assert text is not None
        bindings = coerce_params(params or {}, named, self.backend, text)
        result = run_query(
            self.backend, text, bindings, timeout, allow_service, trusted=named is not None
        )
        iris = {str(t) for row in result.rows for t in row if isinstance(t, URIRef)}
        return Answer(**result.__dict__, names=self.names(iris))

    def names(self, iris: Iterable[str]) -> dict[str, dict[str, str]]:
        """``{iri: {"en": …, "zh": …}}``: the labels of ``iris`` (:func:`kg.labels.labels`)."""
        from kg.labels import labels

        return labels(self.backend, iris)

    def labels(self, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
        """Display labels of ``iris`` in ``lang`` (falling back to the other language)."""
        from kg.labels import pick

        return pick(self.names(iris), lang)

    # --- tracing and gaps --------------------------------------------------------------------

    def index(self) -> Any:
        """The term index used to resolve terms (:func:`kg.termindex.index_of`: the one
        ``kg build`` wrote into the store, else one built once from the labels)."""
        from kg.termindex import index_of

        return index_of(self.backend)

    def resolve(self, term: str) -> Any:
        """The node a term (IRI, CURIE or label fragment) names."""
        from kg.terms import resolve

        return resolve(self.backend, term, self.index())

    def trace(self, term: str) -> dict[str, Any]:
        """The chain around ``term``: problem tree, remedies, who acts, trends (JSON contract)."""
        from kg.trace import trace

        return trace(self.backend, term, self.index())

    def gaps(self, lang: str = "en") -> dict[str, list[dict[str, Any]]]:
        """Problems without remedy, challenges without countermeasure, and the like."""
        from kg.gaps import gaps

        return gaps(self.backend, lang)

    # --- analysis ------------------------------------------------------------------------------

    def rdflib_graph(self) -> Graph:
        """The whole KG as an rdflib graph (fetched with CONSTRUCT from stores and endpoints)."""
        if isinstance(self.backend, MemoryBackend):
            return self.backend.graph
        result = self.backend.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert result.graph is not None
        return result.graph

    def to_networkx(self, view: str = "remedy") -> Any:
        """A networkx MultiDiGraph of a named view (see :mod:`kg.projection`)."""
        from kg.projection import project

        return project(self.backend, view)

    def path(
        self, a: str, b: str, *, view: str = "chain", any_link: bool = False, limit: int = 20
    ) -> dict[str, Any]:
        """The shortest paths from ``a`` to ``b`` along the chain (or over any link)."""
        from kg.pathfinding import resolve, shortest_paths

        G = self.to_networkx(view)
        for term in (a, b):
            try:
                resolve(G, term)
            except InputError as exc:
                if view == "full":
                    raise
                try:  # a node of the KG the view leaves out: say which view has it
                    found = resolve(self.to_networkx("full"), term)
                except InputError:
                    raise exc from None
                kind = self.to_networkx("full").nodes[found].get("type", "")
                raise InputError(
                    f"{term!r} is a {kind} <{found}>, outside the {view} view; use --view full"
                ) from None
        return shortest_paths(G, self.model, a, b, any_link=any_link, limit=limit)

    def analyse(self, **options: Any) -> dict[str, Any]:
        """Leverage, coverage, centrality, communities, bridges and paths (:mod:`kg.analysis`)."""
        from kg.analysis import analyse

        return analyse(self.backend, **options)
