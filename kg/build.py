"""The build pipeline: load → validate → verify evidence → check figures → materialise →
analyse and draw the maps → write.

Nothing is written unless every step before writing succeeded. The new ``outputs/`` is written
into a folder beside it and swapped in as a whole (files other commands wrote there, such as
exports, are carried over), so a failed or killed build leaves the previous ``outputs/`` as it
was and no build leaves a mix of old and new files. Two builds into one output folder or one
store take turns (:mod:`kg.locks`).

>>> import tempfile
>>> result = build(out_dir=tempfile.mkdtemp())
>>> {"kg.ttl", "kg.nt", "kg.jsonld", "analysis.json", "map.html"} <= set(result.files)
True
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from kg import checks, evidence, locks
from kg.errors import InputError, KGError, ValidationFailed
from kg.loader import default_files, load_graph
from kg.manifest import file_info, manifest_of, store_entry
from kg.serialize import (
    publish_folder,
    staging_folder,
    to_jsonld,
    to_ntriples,
    to_turtle,
    write_files,
)
from kg.validate import ValidationReport

if TYPE_CHECKING:
    from kg.progress import Steps
    from kg.unit_validation import UnitOutcome
    from kg.validate import Violation

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

    graph: Graph | None  # None for streaming builds (see IN_MEMORY_LIMIT)
    report: ValidationReport
    evidence_checked: int
    evidence_status: str
    findings: list[checks.Finding] = field(default_factory=list)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class WriteJob:
    """What the writers (in memory, or streaming through Oxigraph) get once every check passed:
    the inputs, where to write and what, what the checks found, and how to report progress."""

    extra: list[Path]
    out_dir: Path
    report: ValidationReport
    checked: int
    status: str
    findings: list[checks.Finding]
    inverses: bool
    store: str | Path | None
    chosen: tuple[str, ...]
    steps: Steps
    stats: dict[str, int | str]


def materialise_inverses(graph: Graph) -> int:
    """Add the inverse of every triple whose predicate has a declared ``owl:inverseOf``.

    Returns the number of triples added. An ``owl:inverseOf`` between anything but two IRIs is
    ignored: a literal or blank node cannot be a predicate (nor does the store's CONSTRUCT in
    :data:`kg.stores.INVERSES_QUERY` make such a triple).

    >>> from kg.namespaces import CBEC
    >>> g = load_graph()
    >>> added = materialise_inverses(g)
    >>> added > 0 and (None, CBEC.addressedBy, None) in g
    True
    """
    pairs: set[tuple[URIRef, URIRef]] = set()
    for p, q in graph.subject_objects(OWL.inverseOf):
        if isinstance(p, URIRef) and isinstance(q, URIRef):
            pairs.add((p, q))
            pairs.add((q, p))
    before = len(graph)
    for p, q in sorted(pairs):
        for s, o in list(graph.subject_objects(p)):
            graph.add((o, q, s))
    return len(graph) - before


#: Inputs up to this many bytes are built in memory (rdflib) and written as canonical, sorted
#: files; larger inputs stream: Oxigraph loads them and dumps the files.
IN_MEMORY_LIMIT = 8 * 2**20

#: Output formats and their file names.
FORMAT_FILES = {"ttl": "kg.ttl", "nt": "kg.nt", "jsonld": "kg.jsonld"}
#: Outputs besides the RDF files (in-memory builds only): the analysis report, the HTML maps,
#: the policy brief with the charts (:mod:`kg.brief`) and the ontology's documentation page.
EXTRA_OUTPUTS = ("analysis", "maps", "brief", "ontology")


def resolve_formats(formats: Iterable[str] | str | None, in_memory: bool) -> tuple[str, ...]:
    """What to write: by default everything in memory (the three RDF files, the analysis and
    the maps), only N-Triples when streaming.

    >>> resolve_formats(None, True), resolve_formats(None, False), resolve_formats("none", True)
    (('analysis', 'brief', 'jsonld', 'maps', 'nt', 'ontology', 'ttl'), ('nt',), ())
    >>> resolve_formats("ttl,nt", False)
    ('nt', 'ttl')
    """
    known = {*FORMAT_FILES, *EXTRA_OUTPUTS}
    if formats is None:
        return tuple(sorted(known)) if in_memory else ("nt",)
    if isinstance(formats, str):
        formats = [f for f in formats.replace(" ", "").split(",") if f]
    chosen = set(formats) - {"none"}
    unknown = sorted(chosen - known)
    if unknown:
        names = ", ".join(sorted(known))
        raise InputError(f"unknown output format {unknown[0]!r} (formats: {names} or none)")
    if not in_memory and chosen & set(EXTRA_OUTPUTS):
        raise InputError(
            "the analysis and the maps are drawn only for inputs that fit in memory; "
            "for large stores run `kg analyze --store PATH`"
        )
    return tuple(sorted(chosen))


def build(
    extra: Iterable[str | Path] = (),
    out_dir: str | Path = DEFAULT_OUT,
    *,
    inverses: bool = True,
    store: str | Path | None = None,
    use_cache: bool = True,
    formats: Iterable[str] | str | None = None,
    jobs: int | None = None,
    progress: bool | None = False,
) -> BuildResult:
    """Build the KG from ontology + embedded data + ``extra`` files into ``out_dir``.

    Every source (curated folder, ``--with`` file, or ``# kg:source`` section of an N-Triples
    file) is validated on its own, in ``jobs`` processes, and its report cached by content hash
    (:mod:`kg.sources`); ``use_cache=False`` always re-validates. Inputs up to
    :data:`IN_MEMORY_LIMIT` bytes are then merged in memory and written as canonical files
    (``formats``, default ttl, nt and jsonld); larger inputs are bulk-loaded into Oxigraph and
    dumped from there (default: nt only). With ``store``, the KG is also bulk-loaded into a
    pyoxigraph store at that path (replacing an earlier store there) for ``--store`` queries
    without re-parsing. ``progress`` shows a rich progress bar per step on stderr.

    Raises
    ------
    kg.errors.InputError
        A file is missing or malformed (nothing written).
    kg.errors.ValidationFailed
        The data violates the SHACL shapes (nothing written).
    EvidenceFailed
        A quote cannot be re-found in an available source text (nothing written).
    """
    from kg.progress import Steps
    from kg.sources import collect_sources, index_sources, validate_units, validation_units
    from kg.stores import check_store_target

    extra_files = [Path(p) for p in extra]
    if store is not None:
        check_store_target(store)
        if store_inside(out_dir, store) == Path("."):
            raise InputError(f"the store cannot be the output folder itself ({out_dir})")
    with contextlib.ExitStack() as held, Steps(progress) as steps:
        # one build at a time per output folder and per store (in this order: no deadlock)
        held.enter_context(locks.exclusive(out_dir, _waiting))
        if store is not None and store_inside(out_dir, store) is None:
            held.enter_context(locks.exclusive(store, _waiting))
        sources = collect_sources(extra_files)
        input_bytes = sum(p.stat().st_size for p in {*default_files(), *extra_files})
        in_memory = input_bytes <= IN_MEMORY_LIMIT
        chosen = resolve_formats(formats, in_memory)
        index_sources(sources, steps)  # syntax errors name file and line, in any format
        graph = None
        if in_memory:
            with steps.step("Parsing into memory"):
                graph = load_graph(extra_files)
        units = validation_units(sources)
        outcomes = validate_units(units, use_cache=use_cache, jobs=jobs, steps=steps)
        report, checked, status, problems, findings = _merge_outcomes(outcomes)
        if not report.conforms:
            raise ValidationFailed(report)
        if problems:
            raise EvidenceFailed(problems)
        stats: dict[str, int | str] = {
            "sources": len(sources),
            "units": len(units),
            "validated": sum(not o.cached for o in outcomes),
            "input_bytes": input_bytes,
            "mode": "memory" if in_memory else "streaming",
        }
        job = WriteJob(
            extra_files,
            Path(out_dir),
            report,
            checked,
            status,
            findings,
            inverses,
            store,
            chosen,
            steps,
            stats,
        )
        if graph is not None:
            return _write_in_memory(graph, job)
        from kg.build_streaming import write_streaming

        return write_streaming(job)


def _waiting(message: str) -> None:
    import sys

    print(f"kg build: {message}", file=sys.stderr, flush=True)


def store_inside(out_dir: str | Path, store: str | Path) -> Path | None:
    """``store``'s path relative to ``out_dir`` when it lives inside that folder, else ``None``.

    Such a store (the default, ``outputs/kg.store``) is built inside the folder's next version
    and published with it in one swap, under the folder's lock: the manifest and the store it
    describes change together, and nothing is written into the folder before the swap.

    >>> store_inside("outputs", "outputs/kg.store"), store_inside("outputs", "elsewhere/kg.store")
    (PosixPath('kg.store'), None)
    """
    try:
        return Path(store).absolute().relative_to(Path(out_dir).absolute())
    except ValueError:
        return None


def build_owned(out_dir: str | Path, produced: Iterable[str]) -> set[str]:
    """Top-level names in ``out_dir`` that builds write (this one, and the previous one as its
    manifest lists): everything else there is carried over when the folder is replaced."""
    names = {"manifest.json", *produced}
    try:
        previous = json.loads((Path(out_dir) / "manifest.json").read_text(encoding="utf-8"))
        names.update(previous.get("files", {}))
    except (OSError, ValueError, AttributeError):
        pass
    return {Path(name).parts[0] for name in names if Path(name).parts}


def _merge_outcomes(
    outcomes: list[UnitOutcome],
) -> tuple[ValidationReport, int, str, list[evidence.EvidenceProblem], list[checks.Finding]]:
    violations: list[Violation] = []
    warnings: list[Violation] = []
    missing: list[str] = []
    problems: list[evidence.EvidenceProblem] = []
    findings: list[checks.Finding] = []
    checked = 0
    for o in outcomes:
        part = ValidationReport.from_dict(o.report)
        violations += part.violations
        warnings += part.warnings
        checked += o.evidence_checked
        missing += o.missing_texts
        problems += [evidence.EvidenceProblem(**p) for p in o.problems]
        findings += [
            checks.Finding(**{**f, "observations": tuple(f["observations"])}) for f in o.findings
        ]
    report = ValidationReport(not violations, sorted(set(violations)), sorted(set(warnings)))
    if not missing:
        status = "verified"
    else:
        names = sorted(set(missing))
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        status = f"source text not found: {shown}"
    return report, checked, status, problems, sorted(findings)


def _nt_bytes(contents: dict[str, str | bytes], graph: Graph) -> bytes:
    """The canonical N-Triples of ``graph``: ``kg.nt`` when it is among ``contents``."""
    nt = contents.get("kg.nt") or to_ntriples(graph)
    return nt.encode() if isinstance(nt, str) else nt


def _write_in_memory(
    graph: Graph,
    job: WriteJob,
) -> BuildResult:
    """Canonical files from the rdflib graph; the store is loaded from canonical N-Triples."""
    from kg.stores import commit_store, data_key, finish_store, stage_store

    if job.inverses:
        materialise_inverses(graph)
    checks.add_flags(graph, job.findings)
    writers = {"ttl": to_turtle, "nt": to_ntriples, "jsonld": to_jsonld}
    contents: dict[str, str | bytes] = {}
    rdf_formats = [f for f in job.chosen if f in FORMAT_FILES]
    with job.steps.step("Writing canonical files", total=len(rdf_formats)) as advance:
        for fmt in rdf_formats:
            contents[FORMAT_FILES[fmt]] = writers[fmt](graph)
            advance()
    if "analysis" in job.chosen:
        from kg.analysis import analysis_files

        with job.steps.step("Analysing the graph"):
            contents.update(analysis_files(graph))
    notes: list[str] = []
    if "ontology" in job.chosen:
        from kg.ontodoc import ONTOLOGY_PAGE, ontology_html

        contents[ONTOLOGY_PAGE] = ontology_html()
    if "brief" in job.chosen:
        from kg.brief import brief_files

        with job.steps.step("Writing the brief and the charts"):
            digest = hashlib.sha256(_nt_bytes(contents, graph)).hexdigest()
            research, notes = brief_files(graph, kg_hash=digest)
            contents.update(research)
    if "maps" in job.chosen:
        from kg.brief import research_links
        from kg.maps import map_files

        with job.steps.step("Drawing the maps"):
            contents.update(map_files(graph, links=research_links(contents.__contains__)))
    files = {
        name: file_info(body.encode() if isinstance(body, str) else body)
        for name, body in sorted(contents.items())
    }
    manifest = manifest_of(
        graph, files, job.report, job.extra, job.checked, job.status, job.findings, job.inverses
    )
    manifest["build"] = job.stats
    manifest["notes"] = notes
    folder = staging_folder(job.out_dir)
    staging = None  # a store outside the output folder, renamed into place after it
    try:
        if job.store is not None:
            inner = store_inside(job.out_dir, job.store)
            nt = _nt_bytes(contents, graph)
            staging = stage_store(
                folder / inner if inner else job.store, [(nt, "nt")], steps=job.steps
            )
            nt_sha = file_info(nt)["sha256"]
            meta = finish_store(staging, data_key(job.extra, job.inverses), nt_sha, job.steps)
            manifest["store"] = store_entry(job.store, meta)
            if inner is not None:
                staging.rename(folder / inner)
                staging = None
        contents["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2) + "\n"
        write_files(folder, contents)
    except BaseException:
        import shutil

        shutil.rmtree(folder, ignore_errors=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        publish_folder(folder, job.out_dir, build_owned(job.out_dir, contents))
    except BaseException:
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
        raise
    if staging is not None and job.store is not None:  # staged only for a store
        commit_store(staging, job.store)
    return BuildResult(graph, job.report, job.checked, job.status, job.findings, files, manifest)
