"""Terminal summaries (rich) of library results."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

__all__ = ["print_build_summary"]


def print_build_summary(result, out_dir: Path, console: Console | None = None) -> None:
    """Print what a build wrote, the class counts, evidence status and check warnings."""
    console = console or Console(highlight=False)
    m = result.manifest
    console.print(f"[bold]Built[/bold] {m['triples']} triples into {out_dir}/")
    table = Table("file", "bytes", "sha256", box=None)
    for name, info in m["files"].items():
        table.add_row(name, str(info["bytes"]), info["sha256"][:16])
    console.print(table)
    cls = Table("class", "instances", box=None)
    for name, n in m["classes"].items():
        if name.startswith("cbec:"):
            cls.add_row(name, str(n))
    console.print(cls)
    links = ", ".join(f"{n} {k}" for k, n in m["links"].items()) or "none"
    console.print(f"Validation: conforms ({m['validation']['warnings']} warnings). Links: {links}.")
    console.print(f"Evidence: {m['evidence']['checked']} quotes, {m['evidence']['status']}.")
    for f in result.findings:
        if f.status == "mismatch":
            console.print(f"[yellow]warning[/yellow]: figures disagree: {f.message}")
