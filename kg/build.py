"""The build pipeline: load → validate → verify evidence → check figures → materialise → write.

Nothing is written unless every step before writing succeeded, and each file is replaced
atomically, so a failed build leaves the previous ``outputs/`` as they were.

>>> import tempfile
>>> result = build(out_dir=tempfile.mkdtemp())
>>> sorted(result.files)
['kg.jsonld', 'kg.nt', 'kg.ttl']
"""

from __future__ import annotations

import hashlib
import json
import platform
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF

from kg import checks, evidence
from kg.errors import KGError, ValidationFailed
from kg.loader import default_files, load_graph
from kg.namespaces import CBEC, curie
from kg.serialize import to_jsonld, to_ntriples, to_turtle, write_files
from kg.validate import ValidationReport, validate_files

__all__ = ["BuildResult", "EvidenceFailed", "build", "materialise_inverses"]

DEFAULT_OUT = Path("outputs")


class EvidenceFailed(KGError):
    """Some quotes cannot be re-found in the source text."""

    exit_code = 1

    def __init__(self, problems: list[evidence.EvidenceProblem]):
        lines = [f"{len(problems)} evidence quote(s) cannot be re-found in the source:"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))
        self.problems = problems


@dataclass
class BuildResult:
    """What a build produced: the graph, the validation report, checks, and files written."""

    graph: Graph
    report: ValidationReport
    evidence_checked: int
    evidence_status: str
    findings: list[checks.Finding] = field(default_factory=list)
    files: dict[str, dict] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)


def materialise_inverses(graph: Graph) -> int:
    """Add the inverse of every triple whose predicate has a declared ``owl:inverseOf``.

    Returns the number of triples added.

    >>> g = load_graph()
    >>> added = materialise_inverses(g)
    >>> added > 0 and (None, CBEC.addressedBy, None) in g
    True
    """
    pairs: set[tuple[URIRef, URIRef]] = set()
    for p, q in graph.subject_objects(OWL.inverseOf):
        pairs.add((p, q))
        pairs.add((q, p))
    before = len(graph)
    for p, q in sorted(pairs):
        for s, o in list(graph.subject_objects(p)):
            graph.add((o, q, s))
    return len(graph) - before


def verify_sources(graph: Graph) -> tuple[int, str, list[evidence.EvidenceProblem]]:
    """Re-find every quote of every source text that is available on disk.

    The status names missing texts, and gives the share of each text that quotes cover.
    """
    checked, problems, missing, shares = 0, [], [], []
    for text_node in sorted(graph.subjects(RDF.type, CBEC.SourceText)):
        text = evidence.find_source_text(graph, text_node)
        if text is None:
            missing.append(str(graph.value(text_node, CBEC.textFile)))
            continue
        checked += len(set(graph.subjects(evidence.OA.hasSource, text_node)))
        problems += evidence.verify_evidence(graph, text, text_node)
        share = evidence.quoted_share(graph, text, text_node)
        shares.append(f"{graph.value(text_node, CBEC.textFile)} {share:.0%} quoted")
    status = "verified" if not missing else f"source text not found: {', '.join(missing)}"
    if shares:
        status += f" ({'; '.join(shares)})"
    return checked, status, problems


def build(
    extra: Iterable[str | Path] = (),
    out_dir: str | Path = DEFAULT_OUT,
    *,
    inverses: bool = True,
    store: str | Path | None = None,
    use_cache: bool = True,
) -> BuildResult:
    """Build the KG from ontology + embedded data + ``extra`` files into ``out_dir``.

    Raises
    ------
    kg.errors.InputError
        A file is missing or malformed (nothing written).
    kg.errors.ValidationFailed
        The data violates the SHACL shapes (nothing written).
    EvidenceFailed
        A quote cannot be re-found in an available source text (nothing written).

    Validation reports are cached by content hash (:mod:`kg.cache`); ``use_cache=False``
    always re-validates. With ``store``, the built N-Triples are also bulk-loaded into a
    pyoxigraph store at that
    path (replacing an earlier store there), for ``--store`` queries without re-parsing.
    """
    extra = [Path(p) for p in extra]
    graph = load_graph(extra)
    report = validate_files([*default_files(), *extra], graph, use_cache=use_cache)
    if not report.conforms:
        raise ValidationFailed(report)
    checked, status, problems = verify_sources(graph)
    if problems:
        raise EvidenceFailed(problems)
    findings = checks.run_checks(graph)
    if inverses:
        materialise_inverses(graph)

    contents = {
        "kg.ttl": to_turtle(graph),
        "kg.nt": to_ntriples(graph),
        "kg.jsonld": to_jsonld(graph),
    }
    files = {
        name: {"bytes": len(body.encode()), "sha256": hashlib.sha256(body.encode()).hexdigest()}
        for name, body in sorted(contents.items())
    }
    manifest = _manifest(graph, files, report, extra, checked, status, findings, inverses)
    contents["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
    write_files(out_dir, contents)
    if store is not None:
        from kg.backends import load_store

        manifest["store"] = {
            "path": str(store),
            "quads": load_store(store, Path(out_dir) / "kg.nt"),
        }
    return BuildResult(graph, report, checked, status, findings, files, manifest)


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


def _manifest(graph, files, report, extra, checked, status, findings, inverses) -> dict:
    versions = {"python": platform.python_version()}
    for dist in ("cbec-kg", "rdflib", "pyshacl", "networkx", "pyvis", "click", "pyoxigraph"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            versions[dist] = None
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "inputs": {"embedded": True, "extra": [str(p) for p in extra]},
        "files": files,
        "triples": len(graph),
        "inverses_materialised": inverses,
        "classes": class_counts(graph),
        "links": link_counts(graph),
        "validation": {"conforms": report.conforms, "warnings": len(report.warnings)},
        "evidence": {"checked": checked, "status": status},
        "checks": [f.to_dict() for f in findings],
        "tool_versions": versions,
    }
