"""Validating one unit of sources (see :mod:`kg.sources`) in its own small rdflib graph.

:func:`check_unit` loads the ontology, the unit's parts and its context (the ``rdf:type``
triples of the nodes it refers to), validates them with the shapes, re-finds every quote in
the source texts on disk and runs the figure checks; it runs in a worker process and returns a
JSON-ready :class:`UnitOutcome` dictionary. :func:`unit_key` is the content hash the outcome is
cached under: everything it depends on (toolkit and library versions, shapes, ontology, the
unit's bytes, its context and its source texts).

>>> from kg.sources import collect_sources, index_sources, validation_units
>>> sources = collect_sources([])
>>> index_sources(sources)
>>> (unit,) = validation_units(sources)
>>> outcome = UnitOutcome(**check_unit(unit.parts, unit.context))
>>> outcome.report["conforms"], len(unit_key(unit))
(True, 64)
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from kg import paths
from kg.errors import InputError

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.sources import Part, Unit

__all__ = ["UnitOutcome", "check_unit", "unit_key"]


@dataclass
class UnitOutcome:
    """The cached result of validating one unit."""

    report: dict[str, Any]
    evidence_checked: int = 0
    missing_texts: list[str] = field(default_factory=list)
    problems: list[dict[str, Any]] = field(default_factory=list)
    findings: list[dict[str, Any]] = field(default_factory=list)
    cached: bool = False


def unit_key(unit: Unit) -> str:
    """Content hash of everything the unit's outcome depends on."""
    from importlib.metadata import version

    from kg import __version__, cache

    tools = f"{__version__} pyshacl {version('pyshacl')} rdflib {version('rdflib')}"
    parts = [tools.encode(), paths.shapes_file().read_bytes()]
    parts += [p.read_bytes() for p in paths.ontology_files()]
    for part in unit.parts:
        parts += [part.fmt.encode(), part.read()]
    parts.append("\n".join(unit.context).encode())
    for name in sorted({n for s in unit.sources for n in s.text_files}):
        text = paths.source_dir() / name
        digest = hashlib.sha256(text.read_bytes()).hexdigest() if text.is_file() else "missing"
        parts.append(f"{name}\0{digest}".encode())
    return cache.content_key(parts)


_WORKER: dict[str, Graph] = {}


def _worker_graphs() -> tuple[Graph, Graph]:
    if not _WORKER:
        from rdflib import Graph

        from kg.loader import parse_file
        from kg.validate import load_shapes

        onto = Graph()
        for path in paths.ontology_files():
            parse_file(onto, path)
        _WORKER["ontology"] = onto
        _WORKER["shapes"] = load_shapes()
    return _WORKER["ontology"], _WORKER["shapes"]


def _parse_part(graph: Graph, part: Part) -> None:
    from kg.loader import _line_of, _reason

    try:
        graph.parse(data=part.read(), format=part.fmt, publicID=part.path.as_uri())
    except SyntaxError as exc:
        line = part.first_line - 1 + _line_of(exc)
        raise InputError(f"{part.path}:{line}: {_reason(exc)}") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{part.label}: {exc}") from exc


def check_unit(parts: list[Part], context: list[str]) -> dict[str, Any]:
    """Validate one unit (ontology + its parts + context); evidence and figure checks too.

    Returns a JSON-ready :class:`UnitOutcome` dictionary. Runs in a worker process.
    """
    from rdflib import Graph
    from rdflib.namespace import RDF

    from kg import checks, evidence
    from kg.namespaces import CBEC, OA, bind_prefixes
    from kg.validate import validate

    onto, shapes = _worker_graphs()
    graph = Graph()
    bind_prefixes(graph)
    for triple in onto:
        graph.add(triple)
    for part in parts:
        _parse_part(graph, part)
    if context:
        graph.parse(data="\n".join(context), format="nt")
    report = validate(graph, shapes)
    if context:  # nodes only referred to are validated in the unit that describes them
        elsewhere = {line[1 : line.index(">")] for line in context}
        report.violations = [v for v in report.violations if v.focus not in elsewhere]
        report.warnings = [v for v in report.warnings if v.focus not in elsewhere]
        report.conforms = not report.violations
    checked = 0
    missing: list[str] = []
    problems: list[dict[str, Any]] = []
    # a source text may be a blank node in a --with file: kg.evidence takes any node
    for text_node in sorted(graph.subjects(RDF.type, CBEC.SourceText), key=str):
        text = evidence.find_source_text(graph, text_node)
        if text is None:
            missing.append(str(graph.value(text_node, CBEC.textFile)))
            continue
        checked += len(set(graph.subjects(OA.hasSource, text_node)))
        found = evidence.verify_evidence(graph, text, text_node)
        problems += [asdict(p) for p in found]
    findings = [f.to_dict() for f in checks.run_checks(graph)] if report.conforms else []
    return asdict(UnitOutcome(report.to_dict(), checked, missing, problems, findings))
