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
from kg.loader import load_graph
from kg.validate import ValidationReport, validate

if TYPE_CHECKING:
    from kg.api import KnowledgeGraph

__version__ = "0.1.0"

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

    Parameters
    ----------
    *extra
        Paths of extra Turtle files to merge with the embedded KG.
    store
        Path of an embedded pyoxigraph store made by ``kg build --store PATH``.
    endpoint
        URL of a remote SPARQL 1.1 endpoint to read from.
    """
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.open(extra=list(extra), store=store, endpoint=endpoint)
