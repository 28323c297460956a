"""Validate the knowledge graph against the SHACL shapes and report problems readably.

>>> report = validate(load_graph())
>>> report.conforms
True
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.processor import SPARQLProcessor
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from kg import paths
from kg.labels import label_of
from kg.loader import load_graph, parse_file
from kg.namespaces import SH, curie

__all__ = ["ValidationReport", "Violation", "load_graph", "load_shapes", "validate"]


@dataclass(frozen=True, order=True)
class Violation:
    """One SHACL result, with the focus node named by its label."""

    severity: str
    focus_label: str
    path: str
    message: str
    focus: str
    value: str = ""

    def __str__(self) -> str:
        where = f" [{self.path}]" if self.path else ""
        val = f" (value: {self.value})" if self.value else ""
        return (
            f"{self.severity}: {self.focus_label} <{curie(self.focus)}>{where}: {self.message}{val}"
        )


@dataclass
class ValidationReport:
    """The outcome of :func:`validate`: conforms flag, results, and pyshacl's report graph."""

    conforms: bool
    violations: list[Violation] = field(default_factory=list)
    warnings: list[Violation] = field(default_factory=list)
    graph: Graph | None = None

    def text(self) -> str:
        """A readable report: one line per problem, violations first."""
        if self.conforms and not self.warnings:
            return "Conforms: the data satisfies every shape."
        head = (
            "Conforms (with warnings)."
            if self.conforms
            else f"Does not conform: {len(self.violations)} violation(s)."
        )
        return "\n".join([head, *map(str, self.violations), *map(str, self.warnings)])

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ValidationReport:
        """Inverse of :meth:`to_dict` (the report graph is not kept)."""
        return cls(
            data["conforms"],
            [Violation(**v) for v in data["violations"]],
            [Violation(**w) for w in data["warnings"]],
        )

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form of the report."""
        return {
            "conforms": self.conforms,
            "violations": [v.__dict__ for v in self.violations],
            "warnings": [w.__dict__ for w in self.warnings],
        }


def load_shapes() -> Graph:
    """The SHACL shapes graph shipped with the ontology."""
    return parse_file(Graph(), paths.shapes_file())


def validate(graph: Graph, shapes: Graph | None = None) -> ValidationReport:
    """Validate ``graph`` (ontology + data) against the shapes.

    Warnings (``sh:Warning``, e.g. a missing definition) do not make the data non-conforming.
    """
    shapes = shapes if shapes is not None else load_shapes()
    with _prepared_queries():
        _, results, _ = pyshacl.validate(
            graph, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True
        )
    violations: list[Violation] = []
    warnings: list[Violation] = []
    for result in results.subjects(RDF.type, SH.ValidationResult):
        v = _violation(graph, results, result)
        (violations if v.severity == "Violation" else warnings).append(v)
    return ValidationReport(not violations, sorted(violations), sorted(warnings), results)


@functools.lru_cache(maxsize=256)
def _prepare(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextlib.contextmanager
def _prepared_queries() -> Iterator[None]:
    """Parse each SPARQL text once while validating.

    pyshacl runs a SPARQL-based constraint once per focus node and passes the query as a
    string, so rdflib re-parses it every time (about 15 ms each, 70 % of the run). Inside this
    block rdflib reuses the parsed algebra; the answers are the same (a prepared query is
    meant to be evaluated many times with different ``initBindings``).
    """
    original = SPARQLProcessor.query

    def query(
        self: Any,
        text: Any,
        initBindings: Any = None,
        initNs: Any = None,
        base: Any = None,
        DEBUG: bool = False,
    ) -> Any:
        if isinstance(text, str):
            with contextlib.suppress(TypeError):  # unhashable namespace values: no caching
                text = _prepare(text, base, tuple(sorted((initNs or {}).items())))
        return original(self, text, initBindings, initNs, base, DEBUG)

    SPARQLProcessor.query = query  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        SPARQLProcessor.query = original  # type: ignore[method-assign]


def _violation(data: Graph, results: Graph, node: Node) -> Violation:
    focus = results.value(node, SH.focusNode)
    path = results.value(node, SH.resultPath)
    severity = results.value(node, SH.resultSeverity)
    message = results.value(node, SH.resultMessage)
    value = results.value(node, SH.value)
    return Violation(
        severity=curie(str(severity)).removeprefix("http://www.w3.org/ns/shacl#")
        if severity
        else "",
        focus_label=label_of(data, focus),
        path=curie(str(path)) if isinstance(path, URIRef) else "",
        message=str(message) if message else "constraint not met",
        focus=str(focus),
        value=curie(str(value)) if value is not None else "",
    )
