"""The HTML of a map page and of the index, from the templates and static files in ``kg/web/``.

A map page is ``kg/web/map.html`` filled in: vis-network (the copy pyvis ships), the page's own
script and style (``map.js``, ``map.css``) and the payload (:mod:`kg.maps.payload`) are inlined,
so the file works opened from disk with the network off; a Content-Security-Policy forbids every
request and every script but the page's own two (by hash). Template markers: ``{{name}}`` takes
a value the caller has escaped; ``{{t:key}}`` the page's words from ``ui.json`` in both
languages (one shown at a time); ``{{a:key}}``, ``{{o:key}}`` and ``{{p:key}}`` both languages
as plain text (attributes, options, the index from ``index.json``).

>>> fill("<b>{{x}}</b> {{a:close}}", {"x": "&lt;"}, {"close": ["Close", "关闭"]})
'<b>&lt;</b> Close · 关闭'
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from kg.errors import KGError
from kg.maps.payload import json_for_script, map_payload, ui_strings
from kg.maps.style import class_order, style_of
from kg.model import ChainModel

__all__ = [
    "HEADLINE_LAYERS",
    "MapPage",
    "csp",
    "fill",
    "glyph",
    "headline_classes",
    "index_html",
    "render_map",
    "web_file",
]

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

#: The vis-network pyvis 0.3.2 ships (the page's script is written for vis-network 9).
_VIS_DIR = "vis-9.1.2"


#: The layers whose first class (in the ontology's display order) is labelled legibly at the
#: first view of a map, by default: the challenges, the countermeasures, the trends.
HEADLINE_LAYERS = ("problem", "remedy", "outcome")


@dataclass(frozen=True)
class MapPage:
    """One map to render: its graph, titles, where it links back to, the layers whose first
    class is labelled legibly at the first view (:func:`headline_classes`), and (optionally)
    the column order of its layered layout (:data:`kg.maps.layout.COLUMN_ORDERS`)."""

    G: nx.MultiDiGraph
    title_en: str
    title_zh: str
    home: str = "index.html"
    order: tuple[str, ...] | None = None
    headline: tuple[str, ...] = HEADLINE_LAYERS


def headline_classes(model: ChainModel, layers: tuple[str, ...]) -> set[str]:
    """The classes listed in the first group of each of ``layers`` (e.g. challenges,
    countermeasures, trends; actors with platforms).

    >>> from kg.loader import load_graph
    >>> sorted(headline_classes(ChainModel.from_graph(load_graph()), ("problem", "agent")))
    ['cbec:Actor', 'cbec:Challenge', 'cbec:Platform']
    """
    firsts = set()
    for layer in layers:
        first = next((g for g in model.groups() if g.layer == layer and g.group), None)
        if first is not None:
            firsts.add(first.group)
    return {c for c in model.classes if model.group_of([c]) in firsts}


@functools.cache
def _vis_js() -> str:
    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:  # pragma: no cover - pyvis is a dependency
        raise KGError("pyvis is not installed: it provides the vis-network library of the maps")
    lib = Path(spec.origin).parent / "templates" / "lib"
    found = [lib / _VIS_DIR] if (lib / _VIS_DIR).is_dir() else sorted(lib.glob("vis-9.*"))
    if not found:
        raise KGError(f"vis-network 9 not found in {lib}: install pyvis 0.3.2")
    path = found[-1] / "vis-network.min.js"
    text = path.read_text(encoding="utf-8")
    return _inline_safe(re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", text), path.name)


@functools.cache
def web_file(name: str) -> str:
    """A file of ``kg/web/``, checked to be safe to inline in a script or style element."""
    return _inline_safe((WEB_DIR / name).read_text(encoding="utf-8"), name)


@functools.cache
def _template(name: str) -> str:
    return (WEB_DIR / name).read_text(encoding="utf-8")


def _inline_safe(text: str, name: str) -> str:
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise KGError(f"{name} contains a closing script/style tag and cannot be inlined")
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def csp(*scripts: str) -> str:
    """The Content-Security-Policy of a page running exactly ``scripts`` (by hash)."""
    script_src = " ".join(f"'{_sha256(s)}'" for s in scripts) or "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
        "img-src data: blob:; base-uri 'none'; form-action 'none'"
    )


def _both(pair: list[str]) -> str:
    """Escaped text in both languages, one shown at a time by the page's language switch."""
    en, zh = pair
    return f'<span class="i-en">{html.escape(en)}</span><span class="i-zh">{html.escape(zh)}</span>'


def _plain(pair: list[str]) -> str:
    return html.escape(f"{pair[0]} · {pair[1]}")


def fill(template: str, values: Mapping[str, str], words: Mapping[str, list[str]]) -> str:
    """``template`` with its markers replaced; inserted text is never scanned for markers."""
    parts = re.split(r"\{\{([a-z]:)?(\w+)\}\}", template)
    out = [parts[0]]
    for i in range(1, len(parts), 3):
        kind, name, after = parts[i], parts[i + 1], parts[i + 2]
        if kind is None:
            out.append(values[name])
        else:
            out.append(_both(words[name]) if kind == "t:" else _plain(words[name]))
        out.append(after)
    return "".join(out)


_POLYGONS = {
    "triangle": "10,2 18.5,17 1.5,17",
    "triangleDown": "1.5,3 18.5,3 10,18",
    "diamond": "10,1.5 18.5,10 10,18.5 1.5,10",
    "hexagon": "10,1.5 17.4,5.75 17.4,14.25 10,18.5 2.6,14.25 2.6,5.75",
    "star": "10,1 12.2,7 18.6,7.2 13.6,11.1 15.3,17.3 10,13.7 4.7,17.3 6.4,11.1 1.4,7.2 7.8,7",
}


def glyph(colour: str, shape: str, px: int = 16) -> str:
    """A small inline SVG of a class's shape and colour, for legends."""
    paint = f'fill="{html.escape(colour)}" stroke="#333" stroke-width="0.8"'
    if shape == "square":
        body = f'<rect x="3" y="3" width="14" height="14" {paint}/>'
    elif shape in _POLYGONS:
        body = f'<polygon points="{_POLYGONS[shape]}" {paint}/>'
    else:
        body = f'<circle cx="10" cy="10" r="7.5" {paint}/>'
    return f'<svg width="{px}" height="{px}" viewBox="0 0 20 20" aria-hidden="true">{body}</svg>'


def _link_legend(text: Callable[[list[str]], str], words: Mapping[str, list[str]]) -> str:
    """Legend items for stated (solid) and inferred (dashed) links."""
    return "".join(
        '<li><svg width="30" height="10" aria-hidden="true"><line x1="0" y1="5" x2="24" y2="5" '
        f'stroke="#666" stroke-width="1.5"{dash}/><polygon points="30,5 23,1.5 23,8.5" '
        f'fill="#666"/></svg> {text(words[key])}</li>'
        for dash, key in (("", "stated"), (' stroke-dasharray="4 3"', "inferred"))
    )


def _count(words: Mapping[str, list[str]], nodes: int, links: int, stated: int) -> list[str]:
    values = {"nodes": nodes, "links": links, "stated": stated, "inferred": links - stated}
    return [re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), t) for t in words["countLine"]]


def render_map(
    page: MapPage,
    model: ChainModel,
    *,
    leverage: Mapping[str, int] | None = None,
    extras: Mapping[str, Any] | None = None,
) -> str:
    """The HTML of one map page (deterministic: same graph, same bytes).

    ``extras`` may hold ``figures`` and ``sections`` (:mod:`kg.maps.payload`).

    >>> from kg.loader import load_graph
    >>> from kg.projection import project
    >>> rdf = load_graph()
    >>> page = MapPage(project(rdf), "Remedies", "对策")
    >>> render_map(page, ChainModel.from_graph(rdf)).startswith("<!DOCTYPE html>")
    True
    """
    from kg.maps.layout import COLUMN_ORDERS, legible_layout

    orders = [page.order] if page.order else list(COLUMN_ORDERS)
    headline = headline_classes(model, page.headline)
    layout = legible_layout(page.G, model, headline, leverage=leverage, orders=orders)
    data = map_payload(page.G, model, leverage=leverage, layout=layout, **(extras or {}))
    vis_js, map_js, css = _vis_js(), web_file("map.js"), web_file("map.css")
    words = ui_strings()
    counts = Counter(row[1] for row in data["n"])
    strings = data["s"]
    legend = "".join(
        f'<li><label><input type="checkbox" checked data-class="{html.escape(row[0])}"> '
        f"{glyph(row[3], row[4])} {_both([strings[row[1]], strings[row[2]]])}"
        f'<span class="kg-n">{counts[i]}</span></label></li>'
        for i, row in enumerate(data["c"])
    )
    stated = sum(row[3] for row in data["e"])
    title = html.escape(f"{page.title_en} · {page.title_zh} — cbec-kg")
    values = {
        "csp": csp(vis_js, map_js),
        "title": title,
        "css": css,
        "home": html.escape(page.home),
        "heading": _both([page.title_en, page.title_zh]),
        "count": _both(_count(words, len(data["n"]), len(data["e"]), stated)),
        "legend": legend,
        "links": _link_legend(_both, words),
        "data": json_for_script(data),
        "vis": vis_js,
        "script": map_js,
    }
    return fill(_template("map.html"), values, words)


@functools.cache
def _index_words() -> dict[str, list[str]]:
    words: dict[str, list[str]] = json.loads((WEB_DIR / "index.json").read_text(encoding="utf-8"))
    return words


def index_html(
    model: ChainModel,
    entries: list[dict[str, Any]],
    classes: Counter[str],
    statistics: list[dict[str, Any]],
    outputs: Sequence[tuple[str, str, str]] = (),
) -> str:
    """The index: a row per map (with counts), links to the research ``outputs`` (``(path,
    English, Chinese)``: the brief, the charts, the ontology page), the legend and every figure
    the paper cites."""
    words = {**ui_strings(), **_index_words()}
    legend = "".join(
        f"<li>{glyph(style_of(c).colour, style_of(c).shape)} "
        f"{_plain([model.class_label(c, 'en'), model.class_label(c, 'zh')])}"
        f' <span class="n">{classes[c]}</span></li>'
        for c in sorted(classes, key=class_order)
    )
    rows = "".join(
        f'<tr><td><a href="{html.escape(e["href"])}">{html.escape(e["en"])}</a>'
        f'<div class="zh">{html.escape(e["zh"])}</div></td>'
        f'<td class="n">{e["nodes"]}</td><td class="n">{e["edges"]}</td>'
        f'<td class="n">{e["stated"]}</td><td class="n">{e["edges"] - e["stated"]}</td></tr>\n'
        for e in entries
    )
    figures = "".join(
        f'<tr><td>{html.escape(f["indicator"]["en"])}<div class="zh">'
        f"{html.escape(f['indicator']['zh'])}</div></td><td>{html.escape(f['period'])}</td>"
        f'<td class="n">{html.escape(f["value"])}</td><td>{html.escape(f["unit"]["en"])}'
        f'<div class="zh">{html.escape(f["unit"]["zh"])}</div></td>'
        f"<td>{'<br>'.join(html.escape('§' + s) for s, _ in f['quotes'])}</td>"
        f'<td class="zh">{"<br>".join(html.escape(q) for _, q in f["quotes"])}</td></tr>\n'
        for f in statistics
    )
    values = {
        "css": web_file("index.css"),
        "rows": rows,
        "legend": legend,
        "links": _link_legend(_plain, words),
        "figures": figures,
        "outputs": _outputs_html(outputs),
    }
    return fill(_template("index.html"), values, words)


def _outputs_html(outputs: Sequence[tuple[str, str, str]]) -> str:
    """The research outputs the index links to, if any (escaped)."""
    if not outputs:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(en)}</a> '
        f'<span class="zh">{html.escape(zh)}</span></li>'
        for href, en, zh in outputs
    )
    return f"<h2>Research outputs · 研究成果</h2>\n<ul>{items}</ul>\n"
