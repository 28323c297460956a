"""Where the paper leaves a problem without a remedy: gaps found by named queries.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> g = gaps(MemoryBackend(load_graph()))
>>> sorted(g) == sorted(GAP_QUERIES)
True
>>> g["links_without_evidence"]
[]
"""

from __future__ import annotations

from typing import Any

from kg.backends import Backend
from kg.labels import labels as fetch_labels
from kg.namespaces import curie
from kg.query import get_named_query

__all__ = ["GAP_QUERIES", "gap_titles", "gaps"]

#: Gap kind → named query that finds it.
GAP_QUERIES = {
    "problems_without_remedy": "problems-without-remedy",
    "challenges_without_countermeasure": "challenges-without-countermeasure",
    "countermeasures_without_trend": "countermeasures-without-trend",
    "trends_without_support": "trends-without-support",
    "links_without_evidence": "links-without-evidence",
}


def gap_titles() -> dict[str, str]:
    """Each gap kind's heading: the title of its named query."""
    return {kind: get_named_query(name).title for kind, name in GAP_QUERIES.items()}


def gaps(backend: Backend, lang: str = "en") -> dict[str, list[dict[str, Any]]]:
    """Each gap kind with the rows of its named query, IRIs given with labels in ``lang``."""
    out: dict[str, list[dict[str, Any]]] = {}
    for kind, name in GAP_QUERIES.items():
        result = backend.query(get_named_query(name).text)
        names = fetch_labels(backend, {str(t) for row in result.rows for t in row if t is not None})
        out[kind] = [
            {
                var: None
                if t is None
                else {"iri": str(t), "curie": curie(str(t)), "label": names[str(t)][lang]}
                for var, t in zip(result.variables, row, strict=True)
            }
            for row in result.rows
        ]
    return out
