"""What ``manifest.json`` says of a build: its files (size, SHA-256), triples, classes, links,
validation, checks, store and tool versions. The only artefact with a timestamp (``generated``).

>>> from rdflib import Graph, URIRef
>>> from rdflib.namespace import RDF
>>> g = Graph()
>>> for n in "ab":
...     _ = g.add((URIRef(f"urn:{n}"), RDF.type, CBEC.Cause))
>>> _ = g.add((URIRef("urn:l"), CBEC.assertion, CBEC.Stated))
>>> class_counts(g), link_counts(g)
({'cbec:Cause': 2}, {'stated': 1})
>>> file_info(b"abc")["bytes"]
3
"""

from __future__ import annotations

import hashlib
import platform
from collections import Counter
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph
from rdflib.namespace import RDF

from kg.namespaces import CBEC, curie

if TYPE_CHECKING:
    from kg.checks import Finding
    from kg.validate import ValidationReport

__all__ = ["class_counts", "file_info", "link_counts", "manifest", "manifest_of", "store_entry"]

#: The distributions whose versions the manifest records.
DISTRIBUTIONS = (
    "cbec-kg",
    "rdflib",
    "pyshacl",
    "networkx",
    "pyvis",
    "click",
    "pyoxigraph",
    "matplotlib",
    "weasyprint",
)


def file_info(data: bytes) -> dict[str, Any]:
    """The size and SHA-256 of a file's bytes, as the manifest lists them."""
    return {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}


def class_counts(graph: Graph) -> dict[str, int]:
    """Number of instances of each class used in the graph, keyed by CURIE."""
    counts = Counter(curie(str(o)) for o in graph.objects(None, RDF.type))
    return dict(sorted(counts.items()))


def link_counts(graph: Graph) -> dict[str, int]:
    """Number of curated links by assertion mode (stated / inferred)."""
    counts = Counter(
        curie(str(mode)).removeprefix("cbec:").lower()
        for mode in graph.objects(None, CBEC.assertion)
    )
    return dict(sorted(counts.items()))


def manifest_of(
    graph: Graph,
    files: dict[str, dict[str, Any]],
    report: ValidationReport,
    extra: Iterable[str | Path],
    checked: int,
    status: str,
    findings: Iterable[Finding],
    inverses: bool,
) -> dict[str, Any]:
    """The manifest of a build whose KG is ``graph`` (see :func:`manifest`)."""
    return manifest(
        len(graph),
        class_counts(graph),
        link_counts(graph),
        files,
        report,
        extra,
        checked,
        status,
        findings,
        inverses,
    )


def manifest(
    triples: int,
    classes: dict[str, int],
    links: dict[str, int],
    files: dict[str, dict[str, Any]],
    report: ValidationReport,
    extra: Iterable[str | Path],
    checked: int,
    status: str,
    findings: Iterable[Finding],
    inverses: bool,
) -> dict[str, Any]:
    """The manifest from counts already made (a streaming build counts in the store)."""
    versions: dict[str, str | None] = {"python": platform.python_version()}
    for dist in DISTRIBUTIONS:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": {"embedded": True, "extra": [str(p) for p in extra]},
        "files": files,
        "triples": triples,
        "inverses_materialised": inverses,
        "classes": classes,
        "links": links,
        "validation": {"conforms": report.conforms, "warnings": len(report.warnings)},
        "evidence": {"checked": checked, "status": status},
        "checks": [f.to_dict() for f in findings],
        "tool_versions": versions,
    }


def store_entry(store: Any, meta: dict[str, Any]) -> dict[str, Any]:
    """What ``manifest.json`` says of the store: where, its content hash, its freshness key."""
    return {
        "path": str(store),
        "quads": meta["triples"],
        "sha256": meta["sha256"],
        "key": meta["key"],
    }
