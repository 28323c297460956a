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

from kg.backends import Backend
from kg.formats import fetch_labels
from kg.namespaces import curie
from kg.query import get_named_query

__all__ = ["GAP_QUERIES", "gaps"]

#: Gap kind → named query that finds it.
GAP_QUERIES = {
    "causes_without_remedy": "causes-without-remedy",
    "challenges_without_countermeasure": "challenges-without-countermeasure",
    "countermeasures_without_trend": "countermeasures-without-trend",
    "trends_without_support": "trends-without-support",
    "links_without_evidence": "links-without-evidence",
}


def gaps(backend: Backend, lang: str = "en") -> dict[str, list[dict]]:
    """Each gap kind with the rows of its named query, IRIs given with labels."""
    out: dict[str, list[dict]] = {}
    for kind, name in GAP_QUERIES.items():
        result = backend.query(get_named_query(name).text)
        iris = {str(t) for row in result.rows for t in row if t is not None}
        labels = fetch_labels(backend, iris, lang)
        rows = []
        for row in result.rows:
            rows.append(
                {
                    var: (
                        {
                            "iri": str(t),
                            "curie": curie(str(t)),
                            "label": labels.get(str(t), curie(str(t))),
                        }
                        if t is not None
                        else None
                    )
                    for var, t in zip(result.variables, row, strict=True)
                }
            )
        out[kind] = rows
    return out
