"""The notebook-friendly facade: one object for querying, tracing, gap finding and analysis.

>>> import kg
>>> graph = kg.load()
>>> graph.query("ASK { ?c a cbec:Challenge }").boolean
True
>>> graph.trace("人才缺乏")["focus"]["iri"]
'https://w3id.org/cbec-kg/id/challenge-talent'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from rdflib import Graph

from kg.backends import Backend, EndpointBackend, MemoryBackend, OxigraphBackend, QueryResult
from kg.errors import InputError

__all__ = ["KnowledgeGraph"]


class KnowledgeGraph:
    """A KG on one backend (in-memory rdflib, embedded Oxigraph store, or remote endpoint)."""

    def __init__(self, backend: Backend):
        self.backend = backend
        self._index = None

    @classmethod
    def open(
        cls,
        extra: Iterable[str | Path] = (),
        store: str | Path | None = None,
        endpoint: str | None = None,
        inverses: bool = True,
    ) -> KnowledgeGraph:
        """Open the embedded KG (+ ``extra`` files), a store made by ``kg build --store``, or an
        endpoint URL. Inverse properties are materialised for the in-memory graph."""
        extra = list(extra)
        if store is not None and endpoint is not None:
            raise InputError("use either --store or --endpoint, not both")
        if (store is not None or endpoint is not None) and extra:
            raise InputError("--with files can only be merged into the in-memory KG")
        if store is not None:
            return cls(OxigraphBackend(store))
        if endpoint is not None:
            return cls(EndpointBackend(endpoint))
        from kg.build import materialise_inverses
        from kg.checks import add_flags, run_checks
        from kg.loader import load_graph

        graph = load_graph(extra)
        if inverses:
            materialise_inverses(graph)
        add_flags(graph, run_checks(graph))  # as `kg build` does for its outputs and store
        return cls(MemoryBackend(graph))

    # --- querying --------------------------------------------------------------------------

    def query(
        self,
        sparql: str | None = None,
        *,
        name: str | None = None,
        params: Mapping[str, str] | None = None,
        timeout: float | None = None,
        allow_service: bool = False,
    ) -> QueryResult:
        """Run SPARQL text or a named query with ``name=value`` parameters (``SERVICE`` only
        with ``allow_service``)."""
        from kg.query import coerce_params, get_named_query, run_query

        if (sparql is None) == (name is None):
            raise InputError("give either a SPARQL string or a named query")
        named = get_named_query(name) if name is not None else None
        text = named.text if named is not None else sparql
        bindings = coerce_params(params or {}, named, self.backend, text)
        return run_query(self.backend, text, bindings, timeout, allow_service)

    def labels(self, iris: Iterable[str], lang: str = "en") -> dict[str, str]:
        """Display labels of ``iris`` in ``lang`` (falling back to the other language)."""
        from kg.formats import fetch_labels

        return fetch_labels(self.backend, set(iris), lang)

    # --- tracing and gaps --------------------------------------------------------------------

    def index(self):
        """The label index used to resolve terms (cached)."""
        from kg.terms import label_index

        if self._index is None:
            self._index = label_index(self.backend)
        return self._index

    def resolve(self, term: str):
        """The node a term (IRI, CURIE or label fragment) names."""
        from kg.terms import resolve

        return resolve(self.backend, term, self.index())

    def trace(self, term: str) -> dict:
        """Challenge → causes → actions → countermeasures → trends around ``term``."""
        from kg.trace import trace

        return trace(self.backend, term, self.index())

    def gaps(self, lang: str = "en") -> dict[str, list[dict]]:
        """Causes without remedy, challenges without countermeasure, and the like."""
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

    def to_networkx(self, view: str = "remedy"):
        """A networkx MultiDiGraph of a named view (see :mod:`kg.graph`)."""
        from kg.graph import project

        return project(self.rdflib_graph(), view)
