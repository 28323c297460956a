"""The ``kg`` command: a thin click layer over the library.

Every command parses its options, calls one library function and prints the result. The group
(:class:`KGGroup`) turns the errors the library raises on purpose (:class:`kg.errors.KGError`)
into a message on stderr and an exit code — 2 for bad input, 1 for data that fails validation
or checks, 3 for a query past its time limit — and Ctrl-C into exit code 130, once for every
command. Commands that read the KG take the same three options (``--with``, ``--store``,
``--endpoint``) through :func:`pass_kg`.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

import click

from kg import __version__
from kg.cli_options import (
    EXISTING_FILE,
    OUT_DIR,
    STORE,
    KGGroup,
    echo_json,
    label_language,
    out_dir_option,
    pass_kg,
    text_or_json,
    with_files,
)


@click.group(cls=KGGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """Knowledge graph of China's cross-border e-commerce: problems, remedies and trends.

    Start with `kg build`, then `kg trace "credit"` or `kg queries`.
    """


# --- build and validate ---------------------------------------------------------------------


@main.command()
@with_files
@out_dir_option
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
    type=OUT_DIR,
    help="Where to bulk-load the embedded store that reading commands use [default: OUT/kg.store].",
)
@click.option("--no-store", is_flag=True, help="Do not build the embedded store.")
@click.option(
    "--no-cache", is_flag=True, help="Re-validate even if identical inputs were validated."
)
@click.option(
    "--formats",
    default=None,
    metavar="LIST",
    help="Files to write: comma-separated ttl, nt, jsonld, analysis, maps, or none "
    "(default: everything up to 8 MB of input, else nt only).",
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
def build(
    extra: tuple[Path, ...],
    out_dir: Path,
    inverses: bool,
    store: Path | None,
    no_store: bool,
    no_cache: bool,
    formats: str | None,
    jobs: int | None,
    progress: bool | None,
) -> None:
    """Validate the KG and write kg.ttl, kg.nt, kg.jsonld, the analysis, the maps,
    manifest.json and the embedded store (OUT/kg.store) that query, trace, gaps … read.

    Each source (curated folder, --with file, or `# kg:source` section of an N-Triples file)
    is validated on its own and cached by content hash, so a rebuild re-validates only the
    sources that changed.
    """
    from kg.build import build as run_build
    from kg.render.console import print_build_summary

    if no_store and store is not None:
        raise click.UsageError("--store and --no-store exclude each other")
    if store is None and not no_store:
        store = out_dir / "kg.store"
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
    for note in result.manifest.get("notes", []):
        click.echo(f"note: {note}", err=True)


@main.command()
@click.argument("files", nargs=-1, type=EXISTING_FILE)
@click.option(
    "--only", is_flag=True, help="Validate FILES with the ontology, without the embedded KG."
)
@text_or_json
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
@with_files
@text_or_json
def check(extra: tuple[Path, ...], fmt: str) -> None:
    """Recompute growth rates and share totals from the source's figures; report mismatches."""
    from kg.checks import run_checks
    from kg.loader import load_graph
    from kg.render.text import checks_text

    findings = run_checks(load_graph(extra))
    if fmt == "json":
        echo_json([f.to_dict() for f in findings])
    else:
        click.echo(checks_text(findings), nl=False)


@main.command()
@click.argument("quote")
@click.option("--section", required=True, help="Section notation, e.g. 2.1 for 二（一）.")
@click.option(
    "--source-file",
    type=EXISTING_FILE,
    default=None,
    help="Source text file (default: the paper in KG_SOURCE_DIR).",
)
def anchor(quote: str, section: str, source_file: Path | None) -> None:
    """Print an evidence node (quote + prefix/suffix + offsets) for curators."""
    from rdflib import Literal
    from rdflib.namespace import SKOS

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


def parse_params(values: tuple[str, ...]) -> dict[str, str]:
    """``name=value`` pairs from repeated ``--param`` options."""
    params: dict[str, str] = {}
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
@pass_kg
def query(
    name: str | None,
    query_file: Path | None,
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    lang: str,
    timeout: float | None,
    allow_service: bool,
    kg: Any,
) -> None:
    """Run a named query (see `kg queries`), a --file or a --sparql string."""
    from kg.formats import render
    from kg.labels import pick

    sources = [x for x in (name, query_file, sparql) if x is not None]
    if len(sources) != 1:
        raise click.UsageError("give exactly one of NAME, --file or --sparql")
    text = query_file.read_text(encoding="utf-8") if query_file else sparql
    answer = kg.query(
        text, name=name, params=parse_params(params), timeout=timeout, allow_service=allow_service
    )
    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    labels = pick(answer.names, lang) if fmt in ("table", "markdown", "csv", "tsv") else {}
    click.echo(render(answer, fmt, labels), nl=False)


@main.command()
@click.option("--prefixes", is_flag=True, help="List the predeclared prefixes instead.")
@text_or_json
def queries(prefixes: bool, fmt: str) -> None:
    """List the named queries with their descriptions and parameters."""
    from kg.namespaces import PREFIXES
    from kg.query import named_queries
    from kg.render.text import prefixes_text, queries_text

    if fmt == "json":
        echo_json(PREFIXES if prefixes else [q.to_dict() for q in named_queries()])
    else:
        click.echo(prefixes_text(PREFIXES) if prefixes else queries_text(named_queries()), nl=False)


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
@pass_kg
def trace(term: str, fmt: str, lang: str, kg: Any) -> None:
    """Trace the chain around TERM: its problem tree (causes, effects), the countermeasures and
    actions that remedy it, who must act, and the trends they lead to.

    TERM is an IRI, a CURIE (id:challenge-talent) or a label, or words of one, in English or
    Chinese ("talent shortage", 人才缺乏).
    """
    from kg.render.markdown import trace_markdown
    from kg.render.text import trace_text

    result = kg.trace(term)
    model = kg.model
    headings = {key: model.heading(key, lang) for key in model.group_keys()}
    readings = {
        p: model.reading(p, along=model.relations[p].along, lang=lang) for p in model.relations
    }
    if fmt == "json":
        echo_json(result)
    elif fmt == "markdown":
        click.echo(trace_markdown(result, lang, headings, readings), nl=False)
    else:
        click.echo(trace_text(result, lang, headings, readings), nl=False)


@main.command()
@text_or_json
@label_language
@pass_kg
def gaps(fmt: str, lang: str, kg: Any) -> None:
    """Problems no remedy reaches, challenges without countermeasure, unsupported trends, …"""
    from kg.gaps import gap_titles
    from kg.render.text import gaps_text

    result = kg.gaps(lang)
    if fmt == "json":
        echo_json(result)
    else:
        click.echo(gaps_text(result, gap_titles()), nl=False)


# --- analysis and exports -------------------------------------------------------------------

EXPORT_FORMATS = ["graphml", "gexf", "csv", "cytoscape"]  # kg.export.FORMATS (tested)


@main.command()
@out_dir_option
@text_or_json
@pass_kg
def analyze(out_dir: Path, fmt: str, kg: Any) -> None:
    """Leverage, coverage, centrality, communities, bridges and challenge → trend paths.

    Writes analysis.json and analysis.md (a report to paste into a paper) into --out.
    """
    from kg.analysis import write_analysis
    from kg.render.console import print_analysis

    written = write_analysis(kg.backend, out_dir)
    data = json.loads(written["analysis.json"].read_text(encoding="utf-8"))
    if fmt == "json":
        echo_json(data)
        return
    print_analysis(data)
    click.echo("Wrote " + ", ".join(str(p) for p in written.values()))


@main.command()
@click.argument("a")
@click.argument("b")
@click.option("--view", default="chain", show_default=True, help="remedy, chain, actors or full.")
@click.option(
    "--any-link",
    is_flag=True,
    help="Follow every link in either direction (through actors, laws, against the chain), "
    "not only the problem → remedy → trend chain.",
)
@click.option(
    "--limit", default=20, show_default=True, type=click.IntRange(min=1), help="Most paths to show."
)
@text_or_json
@label_language
@pass_kg
def path(
    a: str, b: str, view: str, any_link: bool, limit: int, fmt: str, lang: str, kg: Any
) -> None:
    """Shortest paths from A to B along the chain (labels in English or Chinese, IRIs, CURIEs).

    By default a path follows the chain: down a problem's causes, to the remedies addressing
    them, on to the trends they support. Each step shows how it reads, whether the paper states
    it, and its evidence. Exits 2 when A or B is unknown or ambiguous, 1 when no path exists.
    """
    from kg.projection import check_view
    from kg.render.text import path_text

    check_view(view)
    found = kg.path(a, b, view=view, any_link=any_link, limit=limit)
    if fmt == "json":
        echo_json(found)
    elif found["paths"]:
        click.echo(path_text(found, lang))
    if not found["paths"]:
        hint = "" if any_link else "; --any-link also follows links against the chain"
        click.echo(f"no path between {a!r} and {b!r} in the {view} view{hint}", err=True)
        sys.exit(1)


@main.command(name="export")
@click.option("--format", "fmt", type=click.Choice(EXPORT_FORMATS), required=True)
@click.option("--view", default="remedy", show_default=True, help="remedy, chain, actors or full.")
@out_dir_option
@pass_kg
def export_graph(fmt: str, view: str, out_dir: Path, kg: Any) -> None:
    """Export a view for Gephi (GraphML, GEXF), Cytoscape.js (JSON) or spreadsheets (CSV)."""
    from kg.export import export
    from kg.projection import check_view

    check_view(view)
    for written in export(kg.backend, fmt, view, out_dir).values():
        click.echo(f"Wrote {written}")


# --- research outputs -------------------------------------------------------------------------


@main.command("brief")
@click.option(
    "--lang",
    type=click.Choice(["en", "zh", "both"]),
    default="both",
    show_default=True,
    help="Language of the brief.",
)
@out_dir_option
@click.option("--pdf/--no-pdf", default=True, show_default=True, help="Also write the PDF.")
@pass_kg
def brief_command(lang: str, out_dir: Path, pdf: bool, kg: Any) -> None:
    """Write the policy brief (OUT/brief: HTML, Markdown, PDF where possible) and the charts of
    the paper's statistics (OUT/charts: SVG, PNG, CSV)."""
    from kg.brief import LANGS, write_brief

    langs = LANGS if lang == "both" else (lang,)
    files, notes = write_brief(kg, out_dir, langs=langs, pdf=pdf)
    for path_ in files.values():
        click.echo(f"{path_}  {path_.stat().st_size:,} bytes")
    for note in notes:
        click.echo(f"note: {note}", err=True)


# --- maps -----------------------------------------------------------------------------------


@main.command("map")
@out_dir_option
@click.option(
    "--screenshots",
    is_flag=True,
    help="Also save a PNG of each map in OUT/screenshots (needs Chromium and playwright).",
)
@click.option(
    "--docs",
    "docs_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also save the README's screenshots (map.png, map-talent.png, screenshots.json) here.",
)
@pass_kg
def map_command(out_dir: Path, screenshots: bool, docs_dir: Path | None, kg: Any) -> None:
    """Write interactive offline HTML maps: map.html, maps/*.html and index.html."""
    from kg.maps import docs_screenshots, screenshot_maps, write_maps

    files = write_maps(kg.backend, out_dir)
    shots = screenshot_maps(files, out_dir / "screenshots") if screenshots else {}
    docs = docs_screenshots(files, docs_dir) if docs_dir is not None else {}
    for path_ in [*files.values(), *shots.values(), *docs.values()]:
        click.echo(f"{path_}  {path_.stat().st_size:,} bytes")


# --- scale and serving ----------------------------------------------------------------------


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
    type=STORE,
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
    from kg.push_scan import scan

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
