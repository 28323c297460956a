"""The ``kg`` command: a thin click layer over the library.

Every command parses its options, calls one library function and prints the result. Errors the
library raises on purpose (:class:`kg.errors.KGError`) become a message on stderr and an exit
code: 2 for bad input, 1 for data that fails validation or checks.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

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
@reports_errors
def build(extra: tuple[Path, ...], out_dir: Path, inverses: bool) -> None:
    """Validate the KG and write kg.ttl, kg.nt, kg.jsonld and manifest.json."""
    from kg.build import build as run_build
    from kg.report import print_build_summary

    result = run_build(extra, out_dir, inverses=inverses)
    print_build_summary(result, out_dir)


@main.command()
@click.argument("files", nargs=-1, type=EXISTING_FILE)
@click.option(
    "--only", is_flag=True, help="Validate FILES with the ontology, without the embedded KG."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
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
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
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
    from kg.evidence import normalise, turtle_snippet
    from kg.paths import source_dir

    path = source_file or source_dir() / "000_25b2fadf580d6e84.txt"
    if not path.is_file():
        raise click.UsageError(f"source text not found: {path} (set KG_SOURCE_DIR)")
    click.echo(turtle_snippet(quote, section, normalise(path.read_text(encoding="utf-8"))))


# --- query, trace and gaps ------------------------------------------------------------------

# --- analysis and exports -------------------------------------------------------------------

# --- maps -----------------------------------------------------------------------------------

# --- scale and serving ----------------------------------------------------------------------


if __name__ == "__main__":  # pragma: no cover
    main()
