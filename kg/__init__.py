"""cbec-kg: a knowledge graph of China's cross-border e-commerce problems, remedies and trends.

The library comes first; the ``kg`` command is a thin layer over it.

>>> import kg
>>> graph = kg.load()                      # ontology + the embedded paper's KG
>>> graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?c a cbec:Challenge }").rows[0][0].toPython()
4
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.errors import InputError, KGError, ValidationFailed

if TYPE_CHECKING:
    from kg.loader import load_graph
    from kg.validate import ValidationReport, validate

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

__version__ = "0.1.0"

#: Names imported on first use, so that ``import kg`` (and ``kg --help``) stays light:
#: neither rdflib's SPARQL engine nor pySHACL is loaded until something needs them.
_LAZY = {
    "load_graph": "kg.loader",
    "ValidationReport": "kg.validate",
    "validate": "kg.validate",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'kg' has no attribute {name!r}")


__all__ = [
    "InputError",
    "KGError",
    "ValidationFailed",
    "ValidationReport",
    "__version__",
    "load",
    "load_graph",
    "validate",
]


def load(*extra: str, store: str | None = None, endpoint: str | None = None) -> KnowledgeGraph:
    """Load the knowledge graph and return a :class:`kg.api.KnowledgeGraph`.

    By default the store ``kg build`` left beside its outputs (``outputs/kg.store``, or
    ``$KG_STORE``) while it matches the current ontology, data and package version; else, and
    always with ``extra`` files, the KG parsed into memory (see :mod:`kg.defaultstore`).

    Parameters
    ----------
    *extra
        Paths of extra Turtle files to merge with the embedded KG (read in memory).
    store
        Path of an embedded pyoxigraph store made by ``kg build --store PATH``.
    endpoint
        URL of a remote SPARQL 1.1 endpoint to read from.
    """
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.open(extra=list(extra), store=store, endpoint=endpoint)
