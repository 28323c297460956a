"""Markdown renderings: a trace a researcher can paste into notes, and the analysis report.

Every piece of text from the data goes through :func:`escape`, so a label can never become
HTML, a link or emphasis when the Markdown is rendered.

>>> escape("<img src=x onerror=alert(1)> | *bold*")
'&lt;img src=x onerror=alert(1)&gt; \\\\| \\\\*bold\\\\*'
"""

from __future__ import annotations

import re
from typing import Any

from kg.namespaces import curie
from kg.render.text import best_quote, chain_groups, label_in, quote_of, rationale_in

__all__ = ["analysis_markdown", "escape", "table", "trace_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]|~])")


def escape(text: str) -> str:
    """Text safe to put anywhere in a Markdown line or table cell.

    HTML's ``& < >`` become entities (so no tag, comment or entity of the data survives);
    the characters that make emphasis, code, links, table cells or strike-through are
    backslash-escaped; line breaks become spaces. Every renderer puts data text mid-line, so
    line-start markers (``#``, ``-``) cannot take effect.
    """
    text = str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"[\r\n]+", " ", text)
    return _SPECIAL.sub(r"\\\1", text)


def table(header: list[str], rows: list[list[str]]) -> list[str]:
    """A Markdown table; cells are escaped."""
    lines = ["| " + " | ".join(escape(h) for h in header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(escape(c) for c in row) + " |" for row in rows]
    return lines


# --- trace ------------------------------------------------------------------------------------


def trace_markdown(
    t: dict[str, Any],
    lang: str = "en",
    headings: dict[str, str] | None = None,
    readings: dict[str, str] | None = None,
) -> str:
    """A trace (:func:`kg.trace.trace`) as Markdown: one table per group, then every link.

    ``headings`` maps group keys to headings and ``readings`` relation CURIEs to their names
    (both from the ontology, see :class:`kg.model.ChainModel`); keys and CURIEs are used when
    they are absent.
    """
    headings, readings = headings or {}, readings or {}
    zh = lang == "zh"
    names = {item["iri"]: label_in(item, lang) for _, items in chain_groups(t) for item in items}
    names.setdefault(t["focus"]["iri"], label_in(t["focus"], lang))
    focus = t["focus"]
    sections = {ev["section"] for ev in focus["evidence"]}
    out = [
        f"## {escape(label_in(focus, lang))}",
        "",
        f"`{curie(focus['iri'])}` ({focus['type']})",
        "",
    ]
    header = (
        ["节点", "实施主体", "章节", "引文"] if zh else ["node", "who acts", "section", "quote"]
    )
    via = "（经推断关系）" if zh else " (via an inferred link)"
    for key, items in chain_groups(t):
        none = t.get("none", {}).get(key)
        if not items and not none:
            continue
        out += [f"### {escape(headings.get(key, key))}", ""]
        if not items:
            out += [escape(none.get(lang, "")), ""]
            continue
        rows = []
        for item in items:
            ev = best_quote(item, sections, t["links"]) or {"section": "", "quote": ""}
            actors = ", ".join(names.get(a, curie(a)) for a in item.get("actors", []))
            label = label_in(item, lang) + (via if item.get("via_inferred") else "")
            rows.append([label, actors, ev["section"], ev["quote"]])
        out += [*table(header, rows), ""]
    rows = []
    for link in t["links"]:
        why = rationale_in(link, lang)
        if link["stated"]:
            status = "原文陈述" if zh else "stated"
        else:
            status = f"{'推断' if zh else 'inferred'}: {why}"
        rows.append(
            [
                names.get(link["source"], curie(link["source"])),
                readings.get(link["predicate"], link["predicate"]),
                names.get(link["target"], curie(link["target"])),
                status,
                "; ".join(quote_of(e) for e in link.get("evidence", [])),
            ]
        )
    link_header = (
        ["起点", "关系", "终点", "性质", "证据"]
        if zh
        else ["from", "relation", "to", "status", "evidence"]
    )
    out += ["### " + ("关系" if zh else "Links"), "", *table(link_header, rows)]
    return "\n".join(out) + "\n"


# --- analysis ---------------------------------------------------------------------------------


def _name(ref: dict[str, str]) -> str:
    return f"{ref['label_en']} ({ref['label_zh']})"


def _cell_text(cell: dict[str, int]) -> str:
    if not cell["total"]:
        return "–"
    return f"{cell['total']} ({cell['stated']} S / {cell['inferred']} I)"


def _coverage(data: dict[str, Any]) -> list[str]:
    cov = data["coverage"]
    header = ["Challenge \\ Countermeasure", *(_name(m) for m in cov["countermeasures"])]
    rows = [
        [_name(h), *(_cell_text(cov["matrix"][h["iri"]][m["iri"]]) for m in cov["countermeasures"])]
        for h in cov["challenges"]
    ]
    return [
        "## Coverage: challenges × countermeasures",
        "",
        escape(cov["explanation"]),
        "",
        *table(header, rows),
        "",
        "Cells: links in all (S stated by the source / I inferred by a curator); – none.",
        "",
    ]


def _leverage(data: dict[str, Any], top: int) -> list[str]:
    ranking = data["leverage"]["ranking"][:top]
    rows = [
        [
            str(i),
            _name(r),
            r["type"],
            ", ".join(f"{n} {g}" for g, n in sorted(r["by_group"].items())) or "–",
            f"{r['score']} ({r['stated_score']} stated)",
        ]
        for i, r in enumerate(ranking, 1)
    ]
    header = ["#", "Remedy", "Type", "Problems reached", "Leverage"]
    expl = escape(data["leverage"]["explanation"])
    return ["## Top remedies by leverage", "", expl, "", *table(header, rows), ""]


def _unremedied(data: dict[str, Any], names: dict[str, str]) -> list[str]:
    problems = data["unremedied"]["problems"]
    lines = ["## Problems no remedy reaches", "", escape(data["unremedied"]["explanation"]), ""]
    for p in problems:
        of = ", ".join(names.get(h, curie(h)) for h in p["challenges"]) or "no challenge"
        lines.append(f"- {escape(_name(p))} ({escape(p['type'])}), in the tree of {escape(of)}")
    return [*lines, *([] if problems else ["None: a remedy reaches every cause and effect."]), ""]


def _bridges(data: dict[str, Any], top: int) -> list[str]:
    nodes = data["bridges"]["nodes"][:top]
    rows = [
        [_name(b), b["type"], ", ".join(map(str, b["communities"])), str(b["cross_links"])]
        for b in nodes
    ]
    lines = ["## Bridges between communities", "", escape(data["bridges"]["explanation"]), ""]
    if not rows:
        return [*lines, "None: no node links two communities.", ""]
    return [*lines, *table(["Node", "Type", "Communities", "Cross links"], rows), ""]


def _communities(data: dict[str, Any]) -> list[str]:
    comm = data["communities"]
    lines = [
        "## Communities",
        "",
        escape(comm["explanation"]),
        "",
        f"Modularity {comm['modularity']:.3f} (Louvain, seed {comm['seed']}).",
        "",
    ]
    for c in comm["communities"]:
        size = f"{c['size']} node{'s' * (c['size'] != 1)}"
        lines.append(f"- **{c['id']}** ({size}, around {escape(_name(c['hub']))})")
    return [*lines, ""]


def _paths(data: dict[str, Any]) -> list[str]:
    paths = data["paths"]
    rows = [
        [_name(p["challenge"]), _name(p["trend"]), str(p["count"]), str(p["shortest"] or "–")]
        for p in paths["pairs"]
    ]
    header = ["Challenge", "Trend", "Paths", "Shortest (steps)"]
    expl = escape(paths["explanation"])
    return ["## Paths from challenges to trends", "", expl, "", *table(header, rows), ""]


def _centrality(data: dict[str, Any]) -> list[str]:
    cent = data["centrality"]
    measures = ("degree", "betweenness", "pagerank")
    rows = [
        [t, *(f"{_name(top[m][0])}: {top[m][0]['value']:.3f}" if top[m] else "–" for m in measures)]
        for t, top in cent["top"].items()
    ]
    header = ["Type", "Highest degree", "Highest betweenness", "Highest PageRank"]
    return ["## Most central nodes", "", escape(cent["explanation"]), "", *table(header, rows), ""]


def analysis_markdown(data: dict[str, Any], top: int = 10) -> str:
    """A Markdown report of :func:`kg.analysis.analyse`'s result, ready to paste into a paper.

    >>> from kg.analysis import analyse
    >>> from kg.loader import load_graph
    >>> analysis_markdown(analyse(load_graph())).splitlines()[0]
    '# Graph analysis of the cross-border e-commerce knowledge graph'
    """
    s = data["summary"]
    names = {m["iri"]: _name(m) for m in data["coverage"]["challenges"]}
    lines = [
        "# Graph analysis of the cross-border e-commerce knowledge graph",
        "",
        f"Remedy view: {s['nodes']} nodes and {s['links']} curated links "
        f"({s['stated']} stated by the source, {s['inferred']} inferred by curators).",
        "",
        *_coverage(data),
        *_leverage(data, top),
        *_unremedied(data, names),
        *_bridges(data, top),
        *_centrality(data),
        *_communities(data),
        *_paths(data),
    ]
    return "\n".join(lines).rstrip() + "\n"
