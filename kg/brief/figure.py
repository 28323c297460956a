"""The figure of one challenge: its problem tree, the remedies and who acts, and the trends
they support, as a small self-contained SVG in three columns.

Problems (effects above the challenge, causes indented beneath what they produce) are on the
left, remedies (each countermeasure with its actions and, in grey, the actors responsible) in
the middle, trends on the right. A line joins a remedy to each problem it addresses and to each
trend it supports; a dashed line is a link a curator inferred. Text comes from the KG and is
XML-escaped; the SVG holds no script, link or external reference.

>>> t = {"focus": {"iri": "h", "label": {"en": "H", "zh": "困"}}, "challenges": [
...     {"iri": "h", "label": {"en": "H", "zh": "困"}, "causes": []}], "links": []}
>>> chain_figure(t, "en").startswith("<svg")
True
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from kg.brief.quotes import plays

__all__ = ["chain_figure"]

FONT = (
    "'Noto Sans CJK SC','Source Han Sans SC','Noto Sans SC','WenQuanYi Micro Hei',"
    "'Microsoft YaHei','PingFang SC','DejaVu Sans',sans-serif"
)
SIZE, SMALL, LINE = 11.0, 9.5, 14.0
COL_W, GAP_X, PAD = 236.0, 52.0, 6.0
COLOURS = {
    "effects": "#fde0cf",
    "challenges": "#f6c1c1",
    "causes": "#ffe3c2",
    "countermeasures": "#cfe8cf",
    "actions": "#e6f4e1",
    "trends": "#d3e3f3",
}


def _width(text: str, size: float) -> float:
    """An estimate of the text's width: CJK and full-width characters 1 em, others ~0.56 em."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.56 for ch in text)


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines: list[str] = []
    current = ""
    tokens = [t for part in text.split(" ") for t in (part, " ")][:-1]
    pieces: list[str] = []
    for token in tokens:  # CJK runs break anywhere, Latin words only at spaces
        pieces += list(token) if any(ord(ch) >= 0x2E80 for ch in token) else [token]
    for piece in pieces:
        if current and _width(current + piece, size) > width:
            lines.append(current.rstrip())
            current = piece.lstrip()
        else:
            current += piece
    if current.strip():
        lines.append(current.rstrip())
    return lines or [""]


@dataclass
class _Box:
    iri: str
    group: str
    lines: list[str]
    notes: list[str] = field(default_factory=list)  # smaller grey lines (who acts)
    depth: int = 0
    bold: bool = False
    x: float = 0.0
    y: float = 0.0

    @property
    def height(self) -> float:
        return len(self.lines) * LINE + len(self.notes) * (LINE - 2) + 2 * PAD - 2

    def width(self, column: float) -> float:
        return column - 14 * self.depth


def _label(item: dict[str, Any], lang: str) -> str:
    other = "zh" if lang == "en" else "en"
    label: dict[str, str] = item["label"]
    iri: str = item["iri"]
    return label.get(lang) or label.get(other) or iri


def _tree(items: list[dict[str, Any]], root: str) -> list[tuple[dict[str, Any], int]]:
    """Problems in tree order from ``root`` (depth-first, each once)."""
    by_iri = {i["iri"]: i for i in items}
    out: list[tuple[dict[str, Any], int]] = []
    seen: set[str] = set()

    def visit(iri: str, depth: int) -> None:
        if iri in seen or iri not in by_iri:
            return
        seen.add(iri)
        out.append((by_iri[iri], depth))
        for child in by_iri[iri].get("causes", []):
            visit(child, depth + 1)

    visit(root, 0)
    out += [(i, 1) for i in items if i["iri"] not in seen]
    return out


def chain_figure(t: dict[str, Any], lang: str = "en") -> str:
    """The SVG of a trace (:func:`kg.trace.trace`) around a challenge."""
    links = t.get("links", [])
    names = {}
    for key in (
        "challenges",
        "effects",
        "causes",
        "countermeasures",
        "actions",
        "trends",
        "actors",
    ):
        for item in t.get(key, []):
            names[item["iri"]] = _label(item, lang)
    focus = t["focus"]["iri"]
    columns: list[list[_Box]] = [[], [], []]
    for item in t.get("effects", []):
        columns[0].append(_Box(item["iri"], "effects", []))
    problems = t.get("challenges", []) + t.get("causes", [])
    for item, depth in _tree(problems, focus):
        group = "challenges" if item["iri"] == focus else "causes"
        columns[0].append(_Box(item["iri"], group, [], depth=depth, bold=group == "challenges"))
    actions = {a["iri"]: a for a in t.get("actions", [])}
    placed: set[str] = set()
    for cm in t.get("countermeasures", []):
        columns[1].append(_Box(cm["iri"], "countermeasures", [], bold=True))
        for link in links:
            member = link["source"] == cm["iri"] and plays(link, "composition")
            if member and link["target"] in actions and link["target"] not in placed:
                placed.add(link["target"])
                columns[1].append(_Box(link["target"], "actions", [], depth=1))
    columns[1] += [_Box(a, "actions", [], depth=1) for a in actions if a not in placed]
    columns[2] = [_Box(i["iri"], "trends", []) for i in t.get("trends", [])]
    remedies = {**{c["iri"]: c for c in t.get("countermeasures", [])}, **actions}

    heights = []
    for col, boxes in enumerate(columns):
        y = 34.0
        for box in boxes:
            box.x = col * (COL_W + GAP_X) + 14 * box.depth + 4
            inner = box.width(COL_W) - 2 * PAD
            box.lines = _wrap(names.get(box.iri, box.iri), inner, SIZE)
            who = [names.get(a, a) for a in remedies.get(box.iri, {}).get("actors", [])]
            if who:
                box.notes = _wrap("— " + ", ".join(who), inner, SMALL)
            box.y = y
            y += box.height + 6
        heights.append(y)
    width = 3 * COL_W + 2 * GAP_X + 8
    height = max(heights) + 4
    index = {b.iri: b for boxes in columns for b in boxes}
    heads = {
        "en": ("Problems", "Remedies (who acts)", "Trends"),
        "zh": ("问题", "对策与措施（实施主体）", "趋势"),
    }[lang if lang in ("en", "zh") else "en"]
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="{FONT}" font-size="{SIZE}">',
        f'<rect width="{width:.0f}" height="{height:.0f}" fill="#ffffff"/>',
    ]
    for col, head in enumerate(heads):
        x = col * (COL_W + GAP_X) + 4
        out.append(
            f'<text x="{x:.1f}" y="18" font-weight="bold" fill="#333">{html.escape(head)}</text>'
        )
    for link in links:  # lines first, boxes on top
        src, dst = index.get(link["source"]), index.get(link["target"])
        if src is None or dst is None:
            continue
        if plays(link, "remedy") and dst.x < src.x:  # problems left of the remedies
            x1, y1 = src.x, src.y + src.height / 2
            x2, y2 = dst.x + dst.width(COL_W), dst.y + dst.height / 2
        elif plays(link, "outcome") and dst.x > src.x:  # trends right of them
            x1, y1 = src.x + src.width(COL_W), src.y + src.height / 2
            x2, y2 = dst.x, dst.y + dst.height / 2
        else:
            continue
        dash = "" if link["stated"] else ' stroke-dasharray="5 3"'
        mid = (x1 + x2) / 2
        out.append(
            f'<path d="M{x1:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2:.1f},{y2:.1f}"'
            f' fill="none" stroke="#7a7a7a" stroke-width="1"{dash}/>'
        )
    for boxes in columns:
        for box in boxes:
            w = box.width(COL_W)
            out.append(
                f'<rect x="{box.x:.1f}" y="{box.y:.1f}" width="{w:.1f}" height="{box.height:.1f}" '
                f'rx="4" fill="{COLOURS[box.group]}" stroke="#888" stroke-width="0.6"/>'
            )
            weight = ' font-weight="bold"' if box.bold else ""
            y = box.y + PAD + SIZE - 1
            for line in box.lines:
                out.append(
                    f'<text x="{box.x + PAD:.1f}" y="{y:.1f}"{weight}>{html.escape(line)}</text>'
                )
                y += LINE
            for line in box.notes:
                out.append(
                    f'<text x="{box.x + PAD:.1f}" y="{y:.1f}" font-size="{SMALL}" fill="#555">'
                    f"{html.escape(line)}</text>"
                )
                y += LINE - 2
    out.append("</svg>")
    return "\n".join(out) + "\n"
