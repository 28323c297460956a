"""Plain-text renderings: a trace as a problem tree and a remedy tree, the gaps, and paths.

>>> t = {"focus": {"iri": "urn:h", "type": "cbec:Challenge", "label": {"en": "H", "zh": "困"},
...      "evidence": []}, "challenges": [], "links": [], "none": {}}
>>> trace_text(t).splitlines()[0]
'Trace of H [cbec:Challenge] <urn:h>'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from kg.namespaces import curie

__all__ = [
    "best_quote",
    "chain_groups",
    "checks_text",
    "gaps_text",
    "label_in",
    "path_text",
    "prefixes_text",
    "queries_text",
    "quote_of",
    "rationale_in",
    "trace_text",
]

#: Keys of a trace that are not groups of nodes.
_NOT_GROUPS = ("focus", "links", "none")

#: The renderer's own words, in both languages.
_WORDS = {
    "en": {
        "trace": "Trace of",
        "links": "Links ({n}, {k} inferred)",
        "stated": "stated",
        "inferred": "INFERRED",
        "via": "  (via an inferred link)",
    },
    "zh": {
        "trace": "追溯",
        "links": "关系（{n} 条，其中推断 {k} 条）",
        "stated": "原文陈述",
        "inferred": "推断",
        "via": "（经推断关系）",
    },
}


def label_in(item: dict[str, Any], lang: str) -> str:
    """An item's label in ``lang``, else the other language, else its IRI."""
    other = "zh" if lang == "en" else "en"
    return str(item["label"].get(lang) or item["label"].get(other) or item["iri"])


def quote_of(ev: dict[str, Any]) -> str:
    """``§2.2 「quote」``."""
    return f"§{ev['section']} 「{ev['quote']}」"


def chain_groups(t: dict[str, Any]) -> list[tuple[str, list[dict[str, Any]]]]:
    """The groups of a trace, in the order the trace lists them."""
    return [(k, v) for k, v in t.items() if k not in _NOT_GROUPS and isinstance(v, list)]


def rationale_in(link: dict[str, Any], lang: str) -> str:
    """A link's rationale in ``lang`` (else the other language, else the default one)."""
    by_lang = link.get("rationales") or {}
    other = "zh" if lang == "en" else "en"
    return str(by_lang.get(lang) or by_lang.get(other) or link.get("rationale") or "")


#: The notation of the paper's abstract: a quote from it is shown only when there is no other.
ABSTRACT = "0"


def best_quote(
    item: dict[str, Any], sections: set[str], links: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The quote to show beside an item: its own quote from the focus's sections if it has one;
    else its own quote from a section where the links that bring it into the trace are quoted;
    else such a link's quote; else its own first quote — at every step a quote from the
    abstract (section ``0``) only when nothing else is left.

    >>> ev = lambda s: {"section": s, "quote": "q" + s}
    >>> item = {"iri": "urn:a", "evidence": [ev("0"), ev("2.1"), ev("2.2")]}
    >>> best_quote(item, {"2.2"}, [])["section"], best_quote(item, {"0", "9"}, [])["section"]
    ('2.2', '2.1')
    >>> link = {"source": "urn:a", "target": "urn:b", "evidence": [ev("0")]}
    >>> best_quote(item, set(), [link])["section"]  # its own 2.1 before the link's abstract
    '2.1'
    """
    own = item["evidence"]
    touching = [
        ev
        for link in links
        if item["iri"] in (link["source"], link["target"])
        for ev in link["evidence"]
    ]
    near = {ev["section"] for ev in touching}
    for wanted in (sections, near):
        for ev in own:
            if ev["section"] in wanted and ev["section"] != ABSTRACT:
                return dict(ev)
    rest = [*touching, *own]
    for ev in rest:
        if ev["section"] != ABSTRACT:
            return dict(ev)
    return dict(rest[0]) if rest else None


def _tree_lines(
    group: list[dict[str, Any]],
    items: dict[str, dict[str, Any]],
    focus: str,
    name: dict[str, str],
    who: Callable[[dict[str, Any]], str],
) -> list[str]:
    """A group's members, each cause indented beneath the problem it produces; ``who`` gives
    the rest of an item's line (who acts, marks, the quote)."""
    members = {item["iri"] for item in group}
    children = {c for item in group for c in item.get("causes", []) if c in members}
    printed: set[str] = set()
    lines: list[str] = []

    def show(item: dict[str, Any], depth: int) -> None:
        printed.add(item["iri"])
        mark = "*" if item["iri"] == focus else "•"
        text = f"{name[item['iri']]}{who(item)}"
        lines.append(f"{'  ' * depth}  {mark} {text}")
        for child in item.get("causes", []):
            if child in members and child not in printed:
                show(items[child], depth + 1)

    for item in group:
        if item["iri"] not in children and item["iri"] not in printed:
            show(item, 0)
    for item in group:  # causes in a cycle of their own, if any
        if item["iri"] not in printed:
            show(item, 0)
    return lines


def trace_text(
    t: dict[str, Any],
    lang: str = "en",
    headings: dict[str, str] | None = None,
    readings: dict[str, str] | None = None,
) -> str:
    """A trace as text: the problem tree (effects above, causes below, indented), the remedy tree
    (countermeasures with their actions and who must act), the trends and actors, what else the
    chain rests on, and every link with its evidence. ``headings`` maps group keys to headings
    and ``readings`` relation CURIEs to their names in ``lang`` (both from the ontology)."""
    headings, readings = headings or {}, readings or {}
    items = {item["iri"]: item for _, group in chain_groups(t) for item in group}
    focus = t["focus"]
    items.setdefault(focus["iri"], focus)
    name = {iri: label_in(item, lang) for iri, item in items.items()}

    words = _WORDS.get(lang, _WORDS["en"])
    sections = {ev["section"] for ev in focus["evidence"]}

    def who(item: dict[str, Any]) -> str:
        actors = [name.get(a, curie(a)) for a in item.get("actors", [])]
        text = f"  — {', '.join(actors)}" if actors else ""
        text += words["via"] if item.get("via_inferred") else ""
        quote = best_quote(item, sections, t["links"])
        return text + (f"  {quote_of(quote)}" if quote else "")

    lines = [f"{words['trace']} {label_in(focus, lang)} [{focus['type']}] <{curie(focus['iri'])}>"]
    lines += [f"  {quote_of(ev)}" for ev in focus["evidence"][:3]]
    for key, group in chain_groups(t):
        if not group:
            none = t.get("none", {}).get(key)
            if none:
                lines += ["", f"{headings.get(key, key)} (0)", f"  {none.get(lang, '')}"]
            continue
        lines += ["", f"{headings.get(key, key)} ({len(group)})"]
        lines += _tree_lines(group, items, focus["iri"], name, who)
    inferred = sum(not link["stated"] for link in t["links"])
    lines += ["", words["links"].format(n=len(t["links"]), k=inferred)]
    for link in t["links"]:
        why = rationale_in(link, lang)
        status = words["stated"] if link["stated"] else f"{words['inferred']}: {why}"
        src = name.get(link["source"], curie(link["source"]))
        dst = name.get(link["target"], curie(link["target"]))
        relation = readings.get(link["predicate"]) or link["predicate"].removeprefix("cbec:")
        lines.append(f"  {src} —{relation}→ {dst}  [{status}]")
        lines += [f"      {quote_of(ev)}" for ev in link.get("evidence", [])]
    return "\n".join(lines) + "\n"


def gaps_text(g: dict[str, list[dict[str, Any]]], titles: dict[str, str]) -> str:
    """Gaps as plain text, one block per kind (``titles``: the named queries' titles)."""
    lines = []
    for kind, rows in g.items():
        lines.append(f"{titles.get(kind, kind)} ({len(rows)})")
        for row in rows:
            cells = [f"{v['label']} <{v['curie']}>" for v in row.values() if v is not None]
            lines.append("  • " + "  ←  ".join(cells))
        lines.append("")
    return "\n".join(lines)


def path_text(found: dict[str, Any], lang: str = "en") -> str:
    """Paths from :func:`kg.pathfinding.shortest_paths`: a header, then per path one line per
    step (its reading, stated or inferred, off-chain steps marked) and its evidence.

    >>> step = {"from_label_en": "Talent shortage", "to_label_en": "Train talent",
    ...         "reading": {"en": "addressed by"}, "predicate": "cbec:addresses",
    ...         "direction": "reverse", "along_chain": True, "stated": True, "recorded": True,
    ...         "rationale": None, "evidence": [{"section": "3.4", "quote": "人才的培育"}],
    ...         "alternatives": []}
    >>> print(path_text({"mode": "chain", "reversed": False, "paths": [[step]]}))
    Path 1 (1 step, along the chain):
      Talent shortage —addressed by→ Train talent  (stated)
          §3.4 「人才的培育」
    """
    lines: list[str] = []
    if found.get("reversed"):
        lines.append("(no chain leads from the first node to the second; read from the second)")
    for i, steps in enumerate(found["paths"], 1):
        n = len(steps)
        mode = "along the chain" if found["mode"] == "chain" else "over any link"
        lines.append(f"Path {i} ({n} step{'s' * (n != 1)}, {mode}):")
        if not steps:
            lines.append("  (same node)")
        for step in steps:
            if step["stated"]:
                status = "stated"
            elif step.get("recorded", True):
                status = f"inferred: {step.get('rationale') or ''}".rstrip(": ")
            else:
                status = "no link record: unvalidated"
            if step.get("along_chain", True):
                off = ""
            elif step.get("outside_chain"):
                off = "  [outside the chain]"
            else:
                off = "  [against the chain]"
            reading = step["reading"].get(lang) or step["predicate"]
            src, dst = step[f"from_label_{lang}"], step[f"to_label_{lang}"]
            lines.append(f"  {src} —{reading}→ {dst}  ({status}){off}")
            lines += [f"      {quote_of(e)}" for e in step["evidence"]]
            for alt in step["alternatives"]:
                lines.append(f"      also {alt['predicate']} ({alt['direction']})")
    return "\n".join(lines)


def queries_text(found: Iterable[Any]) -> str:
    """The named queries (:func:`kg.query.named_queries`) with their parameters."""
    lines = []
    for q in found:
        lines += [q.name, f"    {q.title}. {q.description}"]
        for p in q.params:
            optional = "" if p.required else ", optional"
            lines.append(f"    --param {p.name}=<{p.type}{optional}>  {p.description}")
    return "\n".join(lines) + "\n"


def prefixes_text(prefixes: dict[str, str]) -> str:
    """``PREFIX cbec: <…>`` lines, ready to paste into a query."""
    return "".join(f"PREFIX {prefix + ':':<9} <{iri}>\n" for prefix, iri in prefixes.items())


def checks_text(findings: Iterable[Any]) -> str:
    """One line per figure check (:func:`kg.checks.run_checks`), then the count of mismatches."""
    findings = list(findings)
    lines = [f"{f.status:>12}  {f.message}" for f in findings]
    mismatches = sum(f.status == "mismatch" for f in findings)
    return "\n".join([*lines, f"{len(findings)} checks, {mismatches} mismatch(es)."]) + "\n"
