"""What ``kg push`` sends and checks: the file's triples, parsed once to count them
(:func:`scan`) and again to upload them in batches (:func:`batches`); the same counts asked of the
store (:func:`store_stats`); and what differs between the two (:func:`compare`).

The file is parsed by Oxigraph: a syntax error, a blank node or non-UTF-8 bytes raise
:class:`~kg.errors.InputError` naming the file and line, before anything is sent.

>>> count_triples_text("<urn:a> <urn:b> <urn:c> .\\n# comment\\n\\n")
1
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg.errors import InputError, KGError
from kg.push_client import Binding, Store, sparql_iri

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = ["FileStats", "batches", "compare", "count_triples_text", "scan", "store_stats"]

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


# --- the file ----------------------------------------------------------------------------------


def count_triples_text(text: str) -> int:
    """Statements in N-Triples text (non-blank, non-comment lines)."""
    lines = (line.strip() for line in text.splitlines())
    return sum(1 for line in lines if line and not line.startswith("#"))


@dataclass
class FileStats:
    """What a file holds: triples, triples per predicate, literals per (predicate, datatype)."""

    triples: int = 0
    predicates: Counter[str] = field(default_factory=Counter)
    datatypes: Counter[tuple[str, str]] = field(default_factory=Counter)


def _parse(path: Path) -> Iterator[ox.Quad]:
    """The file's triples, parsed by Oxigraph; errors name the file and line."""
    import pyoxigraph as ox

    from kg.sources import ox_format, rdf_format

    fmt = rdf_format(path)
    try:
        for triple in ox.parse(path=str(path), format=ox_format(fmt)):
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                raise InputError(
                    f"{path}: blank node in {triple}; push needs skolemised triples "
                    "(kg build writes them for the embedded KG)"
                )
            yield triple
    except SyntaxError as exc:
        line = getattr(exc, "lineno", None) or "?"
        reason = re.sub(r" \([^()]*, line \d+\)$", "", str(exc))
        reason = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", reason)
        raise InputError(f"{path}:{line}: {reason}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None


def scan(path: str | Path) -> FileStats:
    """Parse the whole file once: counts per predicate and datatype; raise :class:`InputError`
    for a malformed file (nothing is sent before this succeeds)."""
    import pyoxigraph as ox

    path = Path(path)
    stats = FileStats()
    for triple in _parse(path):
        stats.triples += 1
        p = triple.predicate.value
        stats.predicates[p] += 1
        obj = triple.object
        if isinstance(obj, ox.Literal):
            dt = RDF_LANGSTRING if obj.language else obj.datatype.value
            stats.datatypes[(p, dt)] += 1
    return stats


def batches(path: Path, size: int) -> Iterator[tuple[bytes, int]]:
    """(N-Triples bytes, statements) of at most ``size`` statements each: the parsed triples
    serialised again by Oxigraph."""
    import pyoxigraph as ox

    def serialised(batch: list[ox.Quad]) -> bytes:
        data = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        assert data is not None  # serialize returns bytes when it is given no output
        return data

    batch: list[ox.Quad] = []
    for triple in _parse(path):
        batch.append(triple)
        if len(batch) == size:
            yield serialised(batch), len(batch)
            batch = []
    if batch:
        yield serialised(batch), len(batch)


# --- what the store holds ---------------------------------------------------------------------


def store_stats(store: Store, graph: str) -> FileStats:
    """The same counts as :func:`scan`, asked of the store for ``graph``."""
    g = sparql_iri(graph)
    stats = FileStats(store.count(graph))
    for row in store.select(
        f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o }} }} GROUP BY ?p"
    ):
        stats.predicates[_binding(row, "p")] += _count(row)
    for row in store.select(
        f"SELECT ?p ?dt (COUNT(*) AS ?n) WHERE {{ GRAPH {g} {{ ?s ?p ?o FILTER(isLiteral(?o)) "
        'BIND(IF(LANG(?o) != "", <' + RDF_LANGSTRING + ">, DATATYPE(?o)) AS ?dt) } } "
        "GROUP BY ?p ?dt"
    ):
        dt = row.get("dt", {}).get("value", XSD + "string")
        stats.datatypes[(_binding(row, "p"), dt)] += _count(row)
    return stats


def _binding(row: Binding, var: str) -> str:
    """The value of ``var`` in a row of a count per predicate; :class:`KGError` if unbound."""
    if var not in row:
        raise KGError(f"unexpected answer to a count per predicate, no ?{var}: {row}")
    return row[var]["value"]


def _count(row: Binding) -> int:
    """``?n`` of a row of a count per predicate; :class:`KGError` unless a whole number."""
    try:
        return int(_binding(row, "n"))
    except ValueError:
        raise KGError(f"unexpected answer to a count per predicate: {row}") from None


def _short_iri(iri: str) -> str:
    return "xsd:" + iri[len(XSD) :] if iri.startswith(XSD) else f"<{iri}>"


def compare(file: FileStats, stored: FileStats) -> tuple[list[str], list[str]]:
    """(errors, warnings): triples missing or extra, per predicate; datatypes rewritten.

    >>> a = FileStats(2, Counter({"urn:p": 2}), Counter({("urn:p", XSD + "decimal"): 2}))
    >>> b = FileStats(2, Counter({"urn:p": 2}), Counter({("urn:p", XSD + "integer"): 2}))
    >>> compare(a, b)
    ([], ['<urn:p>: 2 literal(s) of xsd:decimal came back as xsd:integer'])
    >>> compare(a, FileStats(1, Counter({"urn:p": 1}), Counter()))[0][0]
    'the temporary graph holds 1 triples, the file 2'
    """
    errors = []
    if stored.triples != file.triples:
        errors.append(
            f"the temporary graph holds {stored.triples} triples, the file {file.triples}"
        )
    for p in sorted(set(file.predicates) | set(stored.predicates)):
        if file.predicates[p] != stored.predicates[p]:
            errors.append(
                f"<{p}>: {stored.predicates[p]} triple(s) in the store, {file.predicates[p]} "
                "in the file"
            )
    warnings = []
    if not errors:
        for p in sorted({p for p, _ in file.datatypes} | {p for p, _ in stored.datatypes}):
            mine = {dt: n for (q, dt), n in file.datatypes.items() if q == p}
            theirs = {dt: n for (q, dt), n in stored.datatypes.items() if q == p}
            if mine == theirs:
                continue
            lost = {dt: n - theirs.get(dt, 0) for dt, n in mine.items() if n > theirs.get(dt, 0)}
            got = sorted(dt for dt, n in theirs.items() if n > mine.get(dt, 0))
            came = ", ".join(_short_iri(dt) for dt in got) or "other datatypes"
            for dt, n in sorted(lost.items()):
                warnings.append(f"<{p}>: {n} literal(s) of {_short_iri(dt)} came back as {came}")
    return errors, warnings
