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


# --- traces and gaps ----------------------------------------------------------------------------

_HEADINGS = {
    "challenges": ("Challenges", "困境"),
    "causes": ("Causes", "成因"),
    "actions": ("Actions", "具体措施"),
    "countermeasures": ("Countermeasures", "对策"),
    "trends": ("Trends", "趋势"),
    "actors": ("Actors", "主体"),
}


def _label(item: dict, lang: str) -> str:
    other = "zh" if lang == "en" else "en"
    return item["label"].get(lang) or item["label"].get(other) or item["iri"]


def _quote(ev: dict) -> str:
    return f"§{ev['section']} 「{ev['quote']}」"


def trace_text(t: dict, lang: str = "en") -> str:
    """A trace as plain text: one block per kind, then every link with its evidence."""
    from kg.namespaces import curie

    names = {item["iri"]: _label(item, lang) for key in _HEADINGS for item in t[key]}
    names[t["focus"]["iri"]] = _label(t["focus"], lang)
    focus = t["focus"]
    lines = [f"Trace of {_label(focus, lang)} [{focus['type']}] <{curie(focus['iri'])}>"]
    lines += [f"  {_quote(ev)}" for ev in focus["evidence"][:3]]
    for key, (en, zh) in _HEADINGS.items():
        items = t[key]
        lines.append("")
        lines.append(f"{en if lang == 'en' else zh} ({len(items)})")
        for item in items:
            first = f" — {_quote(item['evidence'][0])}" if item["evidence"] else ""
            lines.append(f"  • {_label(item, lang)}{first}")
    inferred = sum(not link["stated"] for link in t["links"])
    lines += ["", f"Links ({len(t['links'])}, {inferred} inferred)"]
    for link in t["links"]:
        status = "stated" if link["stated"] else f"INFERRED: {link.get('rationale') or ''}"
        src = names.get(link["source"], curie(link["source"]))
        dst = names.get(link["target"], curie(link["target"]))
        lines.append(f"  {src} —{link['predicate'].removeprefix('cbec:')}→ {dst}  [{status}]")
        lines += [f"      {_quote(ev)}" for ev in link.get("evidence", [])]
    return "\n".join(lines) + "\n"


def trace_markdown(t: dict, lang: str = "en") -> str:
    """A trace as Markdown a researcher can paste into notes."""
    from kg.namespaces import curie

    def esc(s: str) -> str:
        return s.replace("|", "\\|")

    names = {item["iri"]: _label(item, lang) for key in _HEADINGS for item in t[key]}
    focus = t["focus"]
    out = [
        f"## Trace: {esc(_label(focus, lang))}",
        "",
        f"`{curie(focus['iri'])}` ({focus['type']})",
        "",
    ]
    for key, (en, zh) in _HEADINGS.items():
        out += [f"### {en if lang == 'en' else zh}", ""]
        if not t[key]:
            out += ["(none)", ""]
            continue
        out += ["| node | section | quote |", "|---|---|---|"]
        for item in t[key]:
            ev = item["evidence"][0] if item["evidence"] else {"section": "", "quote": ""}
            out.append(f"| {esc(_label(item, lang))} | {ev['section']} | {esc(ev['quote'])} |")
        out.append("")
    out += [
        "### Links",
        "",
        "| from | relation | to | status | evidence |",
        "|---|---|---|---|---|",
    ]
    for link in t["links"]:
        status = "stated" if link["stated"] else "**inferred**"
        ev = "; ".join(_quote(e) for e in link.get("evidence", []))
        out.append(
            f"| {esc(names.get(link['source'], curie(link['source'])))} | "
            f"{link['predicate']} | {esc(names.get(link['target'], curie(link['target'])))} | "
            f"{status} | {esc(ev)} |"
        )
    return "\n".join(out) + "\n"


_GAP_TITLES = {
    "causes_without_remedy": "Causes no action or countermeasure addresses",
    "challenges_without_countermeasure": "Challenges with no countermeasure",
    "countermeasures_without_trend": "Countermeasures that support no trend",
    "trends_without_support": "Trends that nothing supports",
    "links_without_evidence": "Links without evidence",
}


def gaps_text(g: dict) -> str:
    """Gaps as plain text, one block per kind."""
    lines = []
    for kind, rows in g.items():
        lines.append(f"{_GAP_TITLES.get(kind, kind)} ({len(rows)})")
        for row in rows:
            cells = [f"{v['label']} <{v['curie']}>" for v in row.values() if v is not None]
            lines.append("  • " + "  ←  ".join(cells))
        lines.append("")
    return "\n".join(lines)
