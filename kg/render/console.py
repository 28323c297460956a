"""Rich terminal renderings: the build summary and the analysis tables.

Text from the data is escaped (:func:`rich.markup.escape`), so a label that looks like rich
markup is printed as it is.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

__all__ = ["print_analysis", "print_build_summary"]


def print_build_summary(result: Any, out_dir: Path, console: Console | None = None) -> None:
    """Print what a build wrote, the class counts, evidence status and check warnings."""
    console = console or Console(highlight=False)
    m = result.manifest
    console.print(f"[bold]Built[/bold] {m['triples']} triples into {escape(str(out_dir))}/")
    table = Table("file", "bytes", "sha256", box=None)
    for name, info in m["files"].items():
        table.add_row(escape(name), str(info["bytes"]), info["sha256"][:16])
    console.print(table)
    cls = Table("class", "instances", box=None)
    for name, n in m["classes"].items():
        if name.startswith("cbec:"):
            cls.add_row(name, str(n))
    console.print(cls)
    links = ", ".join(f"{n} {k}" for k, n in m["links"].items()) or "none"
    console.print(f"Validation: conforms ({m['validation']['warnings']} warnings). Links: {links}.")
    console.print(
        f"Evidence: {m['evidence']['checked']} quotes, {escape(m['evidence']['status'])}."
    )
    for f in result.findings:
        if f.status == "mismatch":
            console.print(f"[yellow]warning[/yellow]: figures disagree: {escape(f.message)}")


def print_analysis(data: dict[str, Any], console: Console | None = None, top: int = 10) -> None:
    """Print the analysis (:func:`kg.analysis.analyse`) as readable tables (English labels).

    >>> import io
    >>> from kg.analysis import analyse
    >>> from kg.loader import load_graph
    >>> out = Console(file=io.StringIO(), width=100)
    >>> print_analysis(analyse(load_graph()), out)
    >>> "Top leverage" in out.file.getvalue()
    True
    """
    console = console or Console(highlight=False)
    s = data["summary"]
    console.print(
        f"[bold]Remedy view[/bold]: {s['nodes']} nodes, {s['links']} links "
        f"({s['stated']} stated, {s['inferred']} inferred)."
    )
    console.print(_coverage_table(data))
    console.print(_leverage_table(data, top))
    unr = data["unremedied"]["problems"]
    names = "; ".join(escape(p["label_en"]) for p in unr) or "none"
    console.print(f"[bold]Problems no remedy reaches[/bold] ({len(unr)}): {names}")
    if data["bridges"]["nodes"]:
        console.print(_bridges_table(data, top))
    else:
        console.print("[bold]Bridges[/bold]: none")
    comm, paths = data["communities"], data["paths"]
    console.print(
        f"[bold]Communities[/bold]: {len(comm['communities'])}, modularity "
        f"{comm['modularity']:.3f}. [bold]Paths[/bold] challenge → trend: "
        f"{sum(p['count'] for p in paths['pairs'])} (at most {paths['cutoff']} steps)."
    )


def _coverage_table(data: dict[str, Any]) -> Table:
    cov = data["coverage"]
    table = Table("challenge \\ countermeasure", title="Coverage (links: stated/inferred)")
    for m in cov["countermeasures"]:
        table.add_column(escape(m["label_en"]), justify="center")
    for h in cov["challenges"]:
        cells = [cov["matrix"][h["iri"]][m["iri"]] for m in cov["countermeasures"]]
        texts = [f"{c['stated']}/{c['inferred']}" if c["total"] else "–" for c in cells]
        table.add_row(escape(h["label_en"]), *texts)
    return table


def _leverage_table(data: dict[str, Any], top: int) -> Table:
    table = Table("#", "remedy", "type", "problems reached", "leverage", title="Top leverage")
    for i, r in enumerate(data["leverage"]["ranking"][:top], 1):
        reached = ", ".join(f"{n} {g}" for g, n in sorted(r["by_group"].items())) or "–"
        kind = r["type"].removeprefix("cbec:")
        score = f"{r['score']} ({r['stated_score']} stated)"
        table.add_row(str(i), escape(r["label_en"]), kind, reached, score)
    return table


def _bridges_table(data: dict[str, Any], top: int) -> Table:
    table = Table("node", "type", "communities", "cross links", title="Bridges")
    for b in data["bridges"]["nodes"][:top]:
        communities_ = ", ".join(map(str, b["communities"]))
        kind = b["type"].removeprefix("cbec:")
        table.add_row(escape(b["label_en"]), kind, communities_, str(b["cross_links"]))
    return table
