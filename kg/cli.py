"""The ``kg`` command: a thin click layer over the library.

Every command parses its options, calls one library function and prints the result. Errors the
library raises on purpose (:class:`kg.errors.KGError`) become a message on stderr and an exit
code: 2 for bad input, 1 for data that fails validation or checks.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from rdflib import Literal
from rdflib.namespace import SKOS

from kg import __version__
from kg.errors import KGError

EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`KGError` into a clean message and the error's exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except KGError as exc:
            click.echo(f"error: {exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def echo_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


#: ``--format text|json`` for commands that print a report or its JSON form.
text_or_json = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
#: ``--lang en|zh``: the language of the labels shown (falling back to the other one).
label_language = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the labels shown for IRIs.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of China's cross-border e-commerce: problems, remedies and trends.

    Start with `kg build`, then `kg trace "credit"` or `kg queries`.
    """


# --- build and validate ---------------------------------------------------------------------


@main.command()
@click.option(
    "--with",
    "extra",
    multiple=True,
    type=EXISTING_FILE,
    help="Extra Turtle file to merge with the embedded KG (repeatable).",
)
@click.option(
    "--out",
    "out_dir",
    default="outputs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder.",
)
@click.option(
    "--inverses/--no-inverses",
    default=True,
    show_default=True,
    help="Materialise inverse properties (addressedBy, causeOf, ...).",
)
@click.option(
    "--store",
    metavar="PATH",
    default=None,
    type=click.Path(file_okay=False, path_type=Path),
    help="Also bulk-load the KG into an embedded pyoxigraph store at PATH.",
)
@click.option(
    "--no-cache", is_flag=True, help="Re-validate even if identical inputs were validated."
)
@click.option(
    "--formats",
    default=None,
    metavar="LIST",
    help="Files to write: comma-separated ttl, nt, jsonld, or none "
    "(default: all three up to 8 MB of input, else nt only).",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Sources validated in parallel (default: one per CPU).",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bars on stderr (default: when stderr is a terminal).",
)
@reports_errors
def build(
    extra: tuple[Path, ...],
    out_dir: Path,
    inverses: bool,
    store: Path | None,
    no_cache: bool,
    formats: str | None,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Validate the KG and write kg.ttl, kg.nt, kg.jsonld and manifest.json.

    Each source (curated folder, --with file, or `# kg:source` section of an N-Triples file)
    is validated on its own and cached by content hash, so a rebuild re-validates only the
    sources that changed.
    """
    from kg.build import build as run_build
    from kg.report import print_build_summary

    result = run_build(
        extra,
        out_dir,
        inverses=inverses,
        store=store,
        use_cache=not no_cache,
        formats=formats,
        jobs=jobs,
        progress=progress,
    )
    print_build_summary(result, out_dir)


@main.command()
@click.argument("files", nargs=-1, type=EXISTING_FILE)
@click.option(
    "--only", is_flag=True, help="Validate FILES with the ontology, without the embedded KG."
)
@text_or_json
@reports_errors
def validate(files: tuple[Path, ...], only: bool, fmt: str) -> None:
    """Check the embedded KG (plus FILES) against the SHACL shapes."""
    from kg.loader import load_graph
    from kg.paths import ontology_files
    from kg.validate import validate as run_validate

    if only:
        graph = load_graph(include_default=False, extra=[*ontology_files(), *files])
    else:
        graph = load_graph(files)
    report = run_validate(graph)
    if fmt == "json":
        echo_json(report.to_dict())
    else:
        click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.option("--with", "extra", multiple=True, type=EXISTING_FILE, help="Extra Turtle file.")
@text_or_json
@reports_errors
def check(extra: tuple[Path, ...], fmt: str) -> None:
    """Recompute growth rates and share totals from the source's figures; report mismatches."""
    from kg.checks import run_checks
    from kg.loader import load_graph

    findings = run_checks(load_graph(extra))
    if fmt == "json":
        echo_json([f.to_dict() for f in findings])
    else:
        for f in findings:
            click.echo(f"{f.status:>12}  {f.message}")
        mismatches = sum(f.status == "mismatch" for f in findings)
        click.echo(f"{len(findings)} checks, {mismatches} mismatch(es).")


@main.command()
@click.argument("quote")
@click.option("--section", required=True, help="Section notation, e.g. 2.1 for 二（一）.")
@click.option(
    "--source-file",
    type=EXISTING_FILE,
    default=None,
    help="Source text file (default: the paper in KG_SOURCE_DIR).",
)
@reports_errors
def anchor(quote: str, section: str, source_file: Path | None) -> None:
    """Print an evidence node (quote + prefix/suffix + offsets) for curators."""
    from kg.evidence import normalise, source_text_files, turtle_snippet
    from kg.loader import load_graph

    if not re.fullmatch(r"\d+(\.\d+)*", section):
        raise click.BadParameter(
            f"{section!r} is not a section notation like 2.1", param_hint="--section"
        )
    graph = load_graph()
    if (None, SKOS.notation, Literal(section)) not in graph:
        raise click.BadParameter(f"the paper has no section {section}", param_hint="--section")
    path = source_file or next(iter(source_text_files(graph)), None)
    if path is None or not path.is_file():
        raise click.UsageError(f"source text not found: {path} (set KG_SOURCE_DIR)")
    click.echo(turtle_snippet(quote, section, normalise(path.read_text(encoding="utf-8"))))


# --- query, trace and gaps ------------------------------------------------------------------


def backend_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--with``, ``--store`` and ``--endpoint``: where the KG is read from."""
    func = click.option(
        "--endpoint", metavar="URL", default=None, help="Read from a remote SPARQL 1.1 endpoint."
    )(func)
    func = click.option(
        "--store",
        metavar="PATH",
        default=None,
        type=click.Path(file_okay=False, path_type=Path),
        help="Read from an embedded store made by `kg build --store PATH`.",
    )(func)
    func = click.option(
        "--with",
        "extra",
        multiple=True,
        type=EXISTING_FILE,
        help="Extra Turtle file merged into the in-memory KG (repeatable).",
    )(func)
    return func


def open_kg(extra: tuple[Path, ...], store: Path | None, endpoint: str | None):
    """Open the KG on the backend the options name."""
    from kg.kgraph import KnowledgeGraph

    return KnowledgeGraph.open(extra=extra, store=store, endpoint=endpoint)


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """``name=value`` pairs from repeated ``--param`` options."""
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"expected NAME=VALUE, got {item!r}", param_hint="--param")
        if name.strip() in params:
            raise click.BadParameter(f"{name.strip()!r} given twice", param_hint="--param")
        params[name.strip()] = value
    return params


@main.command()
@click.argument("name", required=False)
@click.option("--file", "query_file", type=EXISTING_FILE, help="Read the query from a .rq file.")
@click.option("--sparql", help="The query as a string.")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Bind a parameter (repeatable); IRIs, CURIEs or labels for IRI parameters.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    type=click.Choice(["table", "csv", "tsv", "json", "markdown", "turtle", "jsonld", "nt"]),
    help="Output format (default: table on a terminal, csv otherwise; turtle for graphs).",
)
@label_language
@click.option(
    "--timeout",
    type=float,
    default=None,
    metavar="SECONDS",
    help="Stop the query after this many seconds.",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let SERVICE clauses send requests to other servers (refused by default).",
)
@backend_options
@reports_errors
def query(
    name, query_file, sparql, params, fmt, lang, timeout, allow_service, extra, store, endpoint
) -> None:
    """Run a named query (see `kg queries`), a --file or a --sparql string."""
    from kg.formats import iris_in, render

    sources = [x for x in (name, query_file, sparql) if x is not None]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of NAME, --file or --sparql")
    kgraph = open_kg(extra, store, endpoint)
    text = query_file.read_text(encoding="utf-8") if query_file else sparql
    result = kgraph.query(
        text, name=name, params=parse_params(params), timeout=timeout, allow_service=allow_service
    )
    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    labels = {}
    if result.form == "SELECT" and fmt in ("table", "markdown", "csv", "tsv"):
        labels = kgraph.labels(iris_in(result), lang)
    click.echo(render(result, fmt, labels), nl=False)


@main.command()
@click.option("--prefixes", is_flag=True, help="List the predeclared prefixes instead.")
@text_or_json
@reports_errors
def queries(prefixes: bool, fmt: str) -> None:
    """List the named queries with their descriptions and parameters."""
    from kg.namespaces import PREFIXES
    from kg.query import named_queries

    if prefixes:
        if fmt == "json":
            echo_json(PREFIXES)
        else:
            for prefix, iri in PREFIXES.items():
                click.echo(f"PREFIX {prefix + ':':<9} <{iri}>")
        return
    found = named_queries()
    if fmt == "json":
        echo_json(
            [
                {
                    "name": q.name,
                    "title": q.title,
                    "description": q.description,
                    "params": [p.__dict__ for p in q.params],
                }
                for q in found
            ]
        )
        return
    for q in found:
        click.echo(f"{q.name}\n    {q.title}. {q.description}")
        for p in q.params:
            opt = "" if p.required else ", optional"
            click.echo(f"    --param {p.name}=<{p.type}{opt}>  {p.description}")


@main.command()
@click.argument("term")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
)
@label_language
@backend_options
@reports_errors
def trace(term: str, fmt: str, lang: str, extra, store, endpoint) -> None:
    """Trace challenge → causes → actions → countermeasures → trends around TERM.

    TERM is an IRI, a CURIE (id:challenge-talent) or a label fragment in English or Chinese.
    """
    from kg.report import trace_markdown, trace_text

    result = open_kg(extra, store, endpoint).trace(term)
    if fmt == "json":
        echo_json(result)
    elif fmt == "markdown":
        click.echo(trace_markdown(result, lang), nl=False)
    else:
        click.echo(trace_text(result, lang), nl=False)


@main.command()
@text_or_json
@label_language
@backend_options
@reports_errors
def gaps(fmt: str, lang: str, extra, store, endpoint) -> None:
    """Causes without remedy, challenges without countermeasure, unsupported trends, …"""
    from kg.report import gaps_text

    result = open_kg(extra, store, endpoint).gaps(lang)
    if fmt == "json":
        echo_json(result)
    else:
        click.echo(gaps_text(result), nl=False)


# --- analysis and exports -------------------------------------------------------------------

OUT_DIR = click.Path(file_okay=False, path_type=Path)
EXPORT_FORMATS = ["graphml", "gexf", "csv", "cytoscape"]  # kg.export.FORMATS (tested)


@main.command()
@click.option("--with", "extra", multiple=True, type=EXISTING_FILE, help="Extra Turtle file.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=OUT_DIR)
@text_or_json
@click.option(
    "--store",
    metavar="PATH",
    default=None,
    type=OUT_DIR,
    help="Read from an embedded store made by `kg build --store PATH`.",
)
@reports_errors
def analyze(extra: tuple[Path, ...], out_dir: Path, fmt: str, store: Path | None = None) -> None:
    """Leverage, coverage, centrality, communities, bridges and challenge → trend paths.

    Writes analysis.json and analysis.md (a report to paste into a paper) into --out.
    """
    from kg.analysis import print_analysis, write_analysis
    from kg.loader import load_graph

    written = write_analysis(graph_for(extra, store) if store else load_graph(extra), out_dir)
    data = json.loads(written["analysis.json"].read_text(encoding="utf-8"))
    if fmt == "json":
        echo_json(data)
        return
    print_analysis(data)
    click.echo("Wrote " + ", ".join(str(p) for p in written.values()))


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--view", default="full", show_default=True, help="remedy, actors or full.")
@click.option("--with", "extra", multiple=True, type=EXISTING_FILE, help="Extra Turtle file.")
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Most paths to show."
)
@text_or_json
@click.option(
    "--store",
    metavar="PATH",
    default=None,
    type=OUT_DIR,
    help="Read from an embedded store made by `kg build --store PATH`.",
)
@reports_errors
def path(
    a: str,
    b: str,
    view: str,
    extra: tuple[Path, ...],
    limit: int,
    fmt: str,
    store: Path | None = None,
) -> None:
    """Shortest paths between A and B (labels in English or Chinese, IRIs or CURIEs).

    Each step shows its predicate, direction, stated/inferred and evidence. Exits 2 when A or B
    is unknown or ambiguous, 1 when they are not connected.
    """
    from kg.analysis import render_path, shortest_paths
    from kg.graph import check_view, project
    from kg.loader import load_graph

    check_view(view)
    graph = graph_for(extra, store) if store else load_graph(extra)
    paths = shortest_paths(project(graph, view), a, b, limit=limit)
    if fmt == "json":
        echo_json(paths)
    for i, steps in enumerate(paths if fmt == "text" else [], 1):
        click.echo(f"Path {i} ({len(steps)} step{'s' * (len(steps) != 1)}):")
        click.echo(render_path(steps) or "(same node)")
    if not paths:
        click.echo(f"no path between {a!r} and {b!r} in the {view} view", err=True)
        sys.exit(1)


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--view", default="remedy", show_default=True, help="remedy, actors or full.")
@click.option("--out", "out_dir", default="outputs", show_default=True, type=OUT_DIR)
@click.option("--with", "extra", multiple=True, type=EXISTING_FILE, help="Extra Turtle file.")
@click.option(
    "--store",
    metavar="PATH",
    default=None,
    type=OUT_DIR,
    help="Read from an embedded store made by `kg build --store PATH`.",
)
@reports_errors
def export_graph(
    fmt: str, view: str, out_dir: Path, extra: tuple[Path, ...], store: Path | None = None
) -> None:
    """Export a view for Gephi (GraphML, GEXF), Cytoscape.js (JSON) or spreadsheets (CSV)."""
    from kg.export import export
    from kg.graph import check_view
    from kg.loader import load_graph

    check_view(view)
    graph = graph_for(extra, store) if store else load_graph(extra)
    for written in export(graph, fmt, view, out_dir).values():
        click.echo(f"Wrote {written}")


# --- maps -----------------------------------------------------------------------------------


@main.command("map")
@click.option("--with", "extra", multiple=True, type=EXISTING_FILE, help="Extra Turtle file.")
@click.option(
    "--out",
    "out_dir",
    default="outputs",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Output folder.",
)
@click.option(
    "--screenshots",
    is_flag=True,
    help="Also save a PNG of each map in OUT/screenshots (needs Chromium and playwright).",
)
@reports_errors
def map_command(extra: tuple[Path, ...], out_dir: Path, screenshots: bool) -> None:
    """Write interactive offline HTML maps: map.html, maps/*.html and index.html."""
    from kg.loader import load_graph
    from kg.maps import screenshot_maps, write_maps

    files = write_maps(load_graph(extra), out_dir)
    shots = screenshot_maps(files, out_dir / "screenshots") if screenshots else {}
    for path in [*files.values(), *shots.values()]:
        click.echo(f"{path}  {path.stat().st_size:,} bytes")


# --- scale and serving ----------------------------------------------------------------------


def graph_for(extra: tuple[Path, ...], store: Path) -> Any:
    """The KG of a store as an rdflib graph, for the commands that analyse a graph in memory."""
    return open_kg(extra, store, None).rdflib_graph()


@main.command()
@click.option(
    "--sources",
    "n_sources",
    type=click.IntRange(min=1),
    required=True,
    help="Number of synthetic sources (3 ≈ 10k, 39 ≈ 100k, 397 ≈ 1M triples).",
)
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .nt (N-Triples, one section per source) or .ttl (Turtle).",
)
@click.option("--seed", default=0, show_default=True, help="Random seed (same seed, same file).")
@reports_errors
def synth(n_sources: int, out_file: Path, seed: int) -> None:
    """Write a deterministic synthetic KG shaped like the paper's, for scale tests.

    Build it with `kg build --with FILE --store PATH`; each source is validated on its own.
    """
    from kg.progress import Steps
    from kg.synth import synth as run_synth

    with Steps() as steps, steps.step("Writing sources", total=n_sources) as advance:
        stats = run_synth(n_sources, out_file, seed, progress=lambda _done: advance(1))
    click.echo(f"Wrote {stats.triples:,} triples from {stats.sources} sources to {out_file}")


@main.command()
@click.option(
    "--store",
    metavar="PATH",
    required=True,
    type=OUT_DIR,
    help="Store made by `kg build --store PATH`.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=float,
    metavar="SECONDS",
    help="Longest a query may run; past it the client gets HTTP 503.",
)
@click.option(
    "--max-results",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most rows (or triples) in one answer; longer answers are cut and marked.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(min=1),
    help="Query worker processes (queries answered at the same time).",
)
@click.option("--quiet", is_flag=True, help="Do not log each request.")
@reports_errors
def serve(
    store: Path, host: str, port: int, timeout: float, max_results: int, workers: int, quiet: bool
) -> None:
    """Serve the store as a read-only SPARQL 1.1 endpoint (and a query page at /)."""
    from kg.server import make_server

    server = make_server(store, host, port, timeout, max_results, workers, quiet)
    click.echo(f"SPARQL endpoint: {server.url}  (query page: {server.url.removesuffix('sparql')})")
    click.echo(f"Limits: {timeout:g} s per query, {max_results:,} results per answer.")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@main.command()
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL 1.1 Update endpoint (Virtuoso: http://HOST:8890/sparql-auth).",
)
@click.option("--graph", required=True, metavar="IRI", help="Named graph to replace.")
@click.option(
    "--file",
    "file",
    default=Path("outputs/kg.nt"),
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="N-Triples to push.",
)
@click.option(
    "--query-endpoint",
    metavar="URL",
    default=None,
    help="Endpoint for the COUNT checks (default: --endpoint).",
)
@click.option(
    "--graph-store",
    metavar="URL",
    default=None,
    help="Upload with Graph Store Protocol POSTs here instead of INSERT DATA "
    "(Virtuoso: http://HOST:8890/sparql-graph-crud-auth).",
)
@click.option("--user", default=None, help="User name for HTTP authentication.")
@click.option(
    "--password",
    default=None,
    envvar="KG_PUSH_PASSWORD",
    help="Password (or set KG_PUSH_PASSWORD).",
)
@click.option(
    "--auth",
    type=click.Choice(["digest", "basic"]),
    default="digest",
    show_default=True,
    help="HTTP authentication scheme.",
)
@click.option(
    "--batch-size",
    default=None,
    type=click.IntRange(min=1),
    help="Triples per upload request (default: 1,000 with INSERT DATA, 50,000 with --graph-store).",
)
@click.option(
    "--timeout",
    default=300.0,
    show_default=True,
    type=float,
    help="Seconds to wait for each request.",
)
@click.option(
    "--allow-empty", is_flag=True, help="Push a file without triples (empties the graph)."
)
@reports_errors
def push(
    endpoint: str,
    graph: str,
    file: Path,
    query_endpoint: str | None,
    graph_store: str | None,
    user: str | None,
    password: str | None,
    auth: str,
    batch_size: int | None,
    timeout: float,
    allow_empty: bool,
) -> None:
    """Replace a named graph of a triple store with the built KG, atomically for readers.

    Parses the file, loads its triples into a temporary graph, compares it with the file
    (triples per predicate, datatypes), then MOVEs it onto --graph in one update request; on
    failure --graph is untouched. One push per graph at a time (a lock graph says who pushes).
    """
    from kg.progress import Steps
    from kg.push import push as run_push
    from kg.push import scan

    total = scan(file).triples if file.is_file() else None
    with Steps() as steps, steps.step("Uploading triples", total=total) as advance:
        result = run_push(
            file,
            endpoint,
            graph,
            query_endpoint=query_endpoint,
            graph_store=graph_store,
            user=user,
            password=password,
            auth=auth,
            batch_size=batch_size,
            timeout=timeout,
            progress=advance,
            allow_empty=allow_empty,
        )
    for warning in result.warnings:
        click.echo(f"warning: the store rewrote {warning}", err=True)
    rate = result.triples / result.seconds if result.seconds else 0
    click.echo(
        f"Pushed {result.triples:,} triples to <{result.graph}> in {result.batches} "
        f"batch(es) via {result.protocol} ({result.seconds:.1f} s, {rate:,.0f} triples/s)"
    )


if __name__ == "__main__":  # pragma: no cover
    main()
