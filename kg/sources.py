"""Split the build's inputs into sources and validate each source on its own, with a cache.

A **source** is one curated folder ``kg/data/<source>/``, one ``--with`` file, or one section of
a ``--with`` N-Triples file that holds several sources, each introduced by a comment line
``# kg:source <IRI>`` (``kg synth`` writes these; RDF tools ignore them).

Each source is validated with the ontology and the shapes, in its own small rdflib graph, so a
million-triple input never becomes one rdflib graph, and sources validate in parallel:

* a source may *refer* to nodes another source describes (``cbec:evidence id:ev-…``, a shared
  trend); the ``rdf:type`` triples of those nodes are added as **context**, so ``sh:class`` and
  the class targets see them;
* a source that makes statements *about* a node another source types (a patch file adding a link
  to a curated countermeasure) is validated **together** with that source (one *unit*).

The report of each unit, its evidence check (quotes re-found in the source text when the text
is on disk) and its figure checks are cached by a content hash of everything they depend on:
toolkit version, shapes, ontology, the unit's bytes, its context and its source texts. A rebuild
after one source changed re-validates only that source's unit. Checking one unit, and its
content hash, is :mod:`kg.unit_validation`; this module finds the sources, groups them into units
and runs the checks (cached, in parallel).

>>> sources = collect_sources([])
>>> [s.name for s in sources]
['kg/data/xiang']
>>> index_sources(sources)
>>> units = validation_units(sources)
>>> len(units), units[0].triples > 1000
(1, True)
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kg import paths
from kg.errors import InputError
from kg.progress import Steps
from kg.unit_validation import UnitOutcome, check_unit, unit_key

if TYPE_CHECKING:
    import pyoxigraph as ox

__all__ = [
    "Part",
    "Source",
    "Unit",
    "check_input_file",
    "collect_sources",
    "index_sources",
    "ox_format",
    "rdf_format",
    "validate_units",
    "validation_units",
]

SOURCE_MARKER = b"# kg:source "
BOM = b"\xef\xbb\xbf"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
TEXT_FILE = "https://w3id.org/cbec-kg/ontology#textFile"
CACHE_KIND = "validation-unit"

_FORMATS = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".nt": "nt",
    ".ntriples": "nt",
    ".n3": "n3",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}


def rdf_format(path: str | Path) -> str:
    """rdflib's name of the RDF format of ``path`` (by extension; Turtle by default).

    >>> rdf_format("big.nt"), rdf_format("x.ttl"), rdf_format("x.unknown")
    ('nt', 'turtle', 'turtle')
    """
    return _FORMATS.get(Path(path).suffix.lower(), "turtle")


def ox_format(fmt: str) -> ox.RdfFormat:
    """The pyoxigraph ``RdfFormat`` for an rdflib format name."""
    import pyoxigraph as ox

    return {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "n3": ox.RdfFormat.N3,
        "xml": ox.RdfFormat.RDF_XML,
        "json-ld": ox.RdfFormat.JSON_LD,
    }[fmt]


@dataclass(frozen=True)
class Part:
    """A byte range of one input file (the whole file when ``end`` is ``None``)."""

    path: Path
    fmt: str
    start: int = 0
    end: int | None = None
    first_line: int = 1

    def read(self) -> bytes:
        """The part's bytes (without the UTF-8 byte order mark a file may start with)."""
        with self.path.open("rb") as handle:
            handle.seek(self.start)
            data = handle.read() if self.end is None else handle.read(self.end - self.start)
        return data[len(BOM) :] if self.start == 0 and data.startswith(BOM) else data

    @property
    def label(self) -> str:
        """``file`` or ``file:line`` where the part starts."""
        return str(self.path) if self.first_line == 1 else f"{self.path}:{self.first_line}"


@dataclass
class Source:
    """One source and, after :func:`index_sources`, a summary of what it says."""

    name: str
    parts: list[Part]
    triples: int = 0
    typed: dict[str, set[str]] = field(default_factory=dict, repr=False)
    subjects: set[str] = field(default_factory=set, repr=False)
    objects: set[str] = field(default_factory=set, repr=False)
    text_files: set[str] = field(default_factory=set, repr=False)


@dataclass
class Unit:
    """Sources validated together, with the type triples of the nodes they refer to."""

    sources: list[Source]
    context: list[str] = field(default_factory=list, repr=False)

    @property
    def name(self) -> str:
        """The names of its sources."""
        return " + ".join(s.name for s in self.sources)

    @property
    def parts(self) -> list[Part]:
        """Every part of every source."""
        return [p for s in self.sources for p in s.parts]

    @property
    def triples(self) -> int:
        """Triples in its sources (without context and ontology)."""
        return sum(s.triples for s in self.sources)


# --- finding the sources -------------------------------------------------------------------------


def split_sections(path: Path) -> list[Part]:
    """Split an N-Triples file at ``# kg:source`` lines (one part when there are none)."""
    parts: list[Part] = []
    start, first_line, offset, line_no, has_data = 0, 1, 0, 0, False
    with path.open("rb") as handle:
        for line in handle:
            line_no += 1
            if line.startswith(SOURCE_MARKER) and has_data:
                parts.append(Part(path, "nt", start, offset, first_line))
                start, first_line, has_data = offset, line_no, False
            elif not has_data and line.strip() and not line.startswith(b"#"):
                has_data = True
            offset += len(line)
    parts.append(Part(path, "nt", start, None, first_line))
    return parts


def _section_name(path: Path, part: Part) -> str:
    with path.open("rb") as handle:
        handle.seek(part.start)
        for _ in range(20):
            if part.end is not None and handle.tell() >= part.end:
                break  # the next section's marker is not this one's
            m = re.match(rb"# kg:source <([^>]*)>", handle.readline())
            if m:
                return f"{path}#{m.group(1).decode()}"
    return f"{path}:{part.first_line}"


def check_input_file(path: Path) -> None:
    """Refuse a path that is not a regular file, saying what it is instead.

    >>> check_input_file(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    kg.errors.InputError: /dev/null: not a regular file (a device, pipe or socket); give an RDF file
    """
    if path.is_file():
        return
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder; give an RDF file")
    raise InputError(f"{path}: not a regular file (a device, pipe or socket); give an RDF file")


def oxigraph_reason(exc: SyntaxError) -> str:
    """Oxigraph's syntax error without its own position (callers give the line in the file:
    Oxigraph counts lines from the start of the bytes it was given, which for a section of a
    file is not the file's line).

    >>> msg = "Parser error at line 2 between columns 3 and 5: x (f, line 2)"
    >>> oxigraph_reason(SyntaxError(msg))
    'x'
    >>> oxigraph_reason(SyntaxError("The predicate of a triple must be an IRI (line 52)"))
    'The predicate of a triple must be an IRI'
    >>> oxigraph_reason(SyntaxError("Parser error at line 3 column 13: Unexpected comma"))
    'Unexpected comma'
    >>> msg = "Parser error between line 7 column 19 and line 8 column 1: Unexpected end of file"
    >>> oxigraph_reason(SyntaxError(msg))
    'Unexpected end of file'
    """
    reason = str(exc)
    reason = re.sub(
        r"^Parser error (?:at line \d+ (?:between columns \d+ and \d+|column \d+)"
        r"|between line \d+ column \d+ and line \d+ column \d+): ",
        "",
        reason,
    )
    reason = re.sub(r"^error at \d+:\d+: ", "", reason)
    return re.sub(r" \((?:[^()]*, )?line \d+\)$", "", reason.strip())


def collect_sources(extra: Iterable[str | Path] = ()) -> list[Source]:
    """The curated folders (one source each), then each ``extra`` file or file section."""
    by_folder: dict[str, list[Path]] = {}
    data = paths.data_dir()
    for path in paths.data_files():
        rel = path.relative_to(data)
        folder = rel.parts[0] if len(rel.parts) > 1 else "."
        by_folder.setdefault(folder, []).append(path)
    sources = [
        Source(f"kg/data/{folder}", [Part(p, rdf_format(p)) for p in files])
        for folder, files in sorted(by_folder.items())
    ]
    for raw in extra:
        path = Path(raw)
        check_input_file(path)
        fmt = rdf_format(path)
        if fmt != "nt":
            sources.append(Source(str(path), [Part(path, fmt)]))
            continue
        parts = split_sections(path)
        if len(parts) == 1:
            sources.append(Source(str(path), parts))
        else:
            sources += [Source(_section_name(path, p), [p]) for p in parts]
    return sources


# --- what each source says -------------------------------------------------------------------


def _index_part(source: Source, part: Part) -> None:
    import pyoxigraph as ox

    typed, subjects, objects = source.typed, source.subjects, source.objects
    n = 0
    try:
        for t in ox.parse(part.read(), format=ox_format(part.fmt), base_iri=part.path.as_uri()):
            s, p, o = t.subject, t.predicate.value, t.object
            n += 1
            if isinstance(s, ox.NamedNode):
                subjects.add(s.value)
                if p == RDF_TYPE:
                    typed.setdefault(s.value, set()).add(o.value)
                    continue
            if isinstance(o, ox.NamedNode):
                objects.add(o.value)
            elif p == TEXT_FILE:
                source.text_files.add(o.value)
    except SyntaxError as exc:
        line = part.first_line - 1 + (getattr(exc, "lineno", None) or 1)
        raise InputError(f"{part.path}:{line}: {oxigraph_reason(exc)}") from None
    source.triples += n


def index_sources(sources: list[Source], steps: Steps | None = None) -> None:
    """Parse every source once (Oxigraph, streaming): check syntax, count triples, and note
    which IRIs it types, describes and refers to.

    Raises :class:`~kg.errors.InputError` naming the file and line of a syntax error.
    """
    steps = steps or Steps(False)
    total = sum((p.end or p.path.stat().st_size) - p.start for s in sources for p in s.parts)
    with steps.step("Reading sources (bytes)", total=total) as advance:
        for source in sources:
            for part in source.parts:
                _index_part(source, part)
                advance((part.end or part.path.stat().st_size) - part.start)


def validation_units(sources: list[Source]) -> list[Unit]:
    """Group sources into validation units and give each the context it needs."""
    owner: dict[str, int] = {}
    for i, source in enumerate(sources):
        for iri in source.typed:
            owner.setdefault(iri, i)
    parent = list(range(len(sources)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, source in enumerate(sources):
        for iri in source.subjects:
            if iri in source.typed:
                continue
            j = owner.get(iri)
            if j is not None and find(j) != find(i):
                parent[find(i)] = find(j)
    groups: dict[int, list[Source]] = {}
    for i, source in enumerate(sources):
        groups.setdefault(find(i), []).append(source)
    all_types: dict[str, set[str]] = {}
    for source in sources:
        for iri, types in source.typed.items():
            all_types.setdefault(iri, set()).update(types)
    units = []
    for members in groups.values():
        unit = Unit(members)
        own = {iri for s in members for iri in s.typed}
        refs = {iri for s in members for iri in (s.objects | s.subjects)} - own
        unit.context = sorted(
            f"<{iri}> <{RDF_TYPE}> <{t}> ." for iri in refs for t in all_types.get(iri, ())
        )
        units.append(unit)
    return units


# --- validating units --------------------------------------------------------------------------


def validate_units(
    units: list[Unit],
    use_cache: bool = True,
    jobs: int | None = None,
    steps: Steps | None = None,
) -> list[UnitOutcome]:
    """Validate every unit (cached ones are not re-validated), ``jobs`` processes at a time."""
    from kg import cache

    steps = steps or Steps(False)
    outcomes: list[UnitOutcome | None] = [None] * len(units)
    keys = [unit_key(u) for u in units]
    todo = []
    for i, key in enumerate(keys):
        hit = cache.get(CACHE_KIND, key) if use_cache else None
        if hit is not None:
            outcomes[i] = UnitOutcome(**{**hit, "cached": True})
        else:
            todo.append(i)
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    label = f"Validating {len(todo)} of {len(units)} source unit(s)"
    with steps.step(label, total=sum(units[i].triples for i in todo)) as advance:
        if jobs == 1:
            for i in todo:
                outcomes[i] = UnitOutcome(**check_unit(units[i].parts, units[i].context))
                advance(units[i].triples)
        else:
            import multiprocessing

            # fork: workers start at once and need no importable __main__ (Linux, macOS).
            methods = multiprocessing.get_all_start_methods()
            ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
            with ProcessPoolExecutor(jobs, mp_context=ctx) as pool:
                futures = {
                    pool.submit(check_unit, units[i].parts, units[i].context): i for i in todo
                }
                for future in as_completed(futures):
                    i = futures[future]
                    outcomes[i] = UnitOutcome(**future.result())
                    advance(units[i].triples)
    for i in todo:
        result = outcomes[i]
        assert result is not None
        if use_cache:
            data = asdict(result)
            data.pop("cached")
            cache.put(CACHE_KIND, keys[i], data)
    return [o for o in outcomes if o is not None]
