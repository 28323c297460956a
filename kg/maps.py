"""Interactive HTML maps of the knowledge graph: offline, safe, explorable and deterministic.

Every map is one self-contained HTML file. vis-network (the copy pyvis ships), the page's own
script and style (``kg/web/map.js``, ``kg/web/map.css``) and the map's data are inlined, so the
file works opened from disk with the network off; a Content-Security-Policy forbids every
request and every script but the page's own two (by hash). The data travels as JSON in a
``<script type="application/json">`` with ``<``, ``>`` and ``&`` escaped, and the page puts
strings from the data into the document as text only.

:func:`write_maps` writes::

    index.html              links to every map, with a legend and counts
    map.html                the remedy view of the whole KG
    maps/<challenge>.html   one challenge, its causes, the remedies and the trends they support
    maps/actors.html        actors and the actions they are responsible for

Which links form the cause → remedy → trend chain that a click lights is not written here: the
payload carries each predicate's role and direction from the ontology (:mod:`kg.model`), and the
page's script walks it by the rules of :mod:`kg.chain`.

>>> import tempfile
>>> from kg.loader import load_graph
>>> files = write_maps(load_graph(), tempfile.mkdtemp())
>>> files["map"].name, files["index"].name, files["maps/actors"].name
('map.html', 'index.html', 'actors.html')
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import math
import os
import random
import re
import shutil
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.chain import GraphAdjacency, around
from kg.errors import KGError
from kg.model import ChainModel, model_of
from kg.namespaces import curie
from kg.projection import as_backend, project
from kg.serialize import atomic_write, write_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = [
    "CHROMIUM_ARGS",
    "CLASS_STYLES",
    "BrowserUnavailable",
    "MapPage",
    "chain",
    "challenge_subgraph",
    "chromium",
    "find_chromium",
    "json_for_script",
    "layout_positions",
    "map_payload",
    "node_key",
    "node_size",
    "offline_page",
    "render_map",
    "screenshot_maps",
    "write_maps",
]

WEB_DIR = Path(__file__).resolve().parent / "web"

#: Colour and vis-network shape of each class; a class not listed is drawn as a grey dot.
CLASS_STYLES: dict[str, tuple[str, str]] = {
    "cbec:Challenge": ("#d62728", "triangle"),
    "cbec:Cause": ("#ff7f0e", "triangleDown"),
    "cbec:Effect": ("#e6550d", "triangle"),
    "cbec:Countermeasure": ("#2ca02c", "square"),
    "cbec:Action": ("#98df8a", "dot"),
    "cbec:Trend": ("#1f77b4", "star"),
    "cbec:Driver": ("#17becf", "diamond"),
    "cbec:Finding": ("#8c564b", "hexagon"),
    "cbec:Actor": ("#9467bd", "diamond"),
    "cbec:Platform": ("#c5b0d5", "diamond"),
    "cbec:Policy": ("#7f7f7f", "square"),
    "cbec:Standard": ("#bcbd22", "square"),
    "cbec:BusinessModel": ("#e377c2", "hexagon"),
    "cbec:ProductCategory": ("#f7b6d2", "hexagon"),
    "cbec:Technology": ("#aec7e8", "star"),
    "cbec:Indicator": ("#dbdb8d", "dot"),
    "cbec:Unit": ("#c7c7c7", "dot"),
    "cbec:Observation": ("#c49c94", "dot"),
    "cbec:Section": ("#ffbb78", "square"),
}
DEFAULT_STYLE = ("#555555", "dot")

#: Components up to this size get Kamada–Kawai (evener spacing); larger ones Fruchterman–Reingold.
KAMADA_KAWAI_MAX = 300

#: Seed of the layout's random number generator: same KG, same picture.
LAYOUT_SEED = 20240607

#: Chromium flags for headless, quiet, offline runs.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: The vis-network pyvis 0.3.2 ships (the page's script is written for vis-network 9).
_VIS_DIR = "vis-9.1.2"


class BrowserUnavailable(KGError):
    """Playwright or the system Chromium is missing (screenshots and browser tests need both)."""

    exit_code = 2


# --- payload --------------------------------------------------------------------------------


class _Strings:
    """A string table: each distinct string is stored once and referred to by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]


def _style(cls: str) -> tuple[str, str]:
    return CLASS_STYLES.get(cls, DEFAULT_STYLE)


def _class_order(cls: str) -> tuple[int, str]:
    order = list(CLASS_STYLES)
    return (order.index(cls) if cls in order else len(order), cls)


def node_key(iri: str) -> str:
    """Short, stable key of a node for the URL fragment.

    >>> node_key("https://w3id.org/cbec-kg/id/challenge-talent")
    'challenge-talent'
    >>> node_key("https://example.org/x")
    'https://example.org/x'
    """
    short = curie(iri)
    return short[3:] if short.startswith("id:") and ":" not in short[3:] else short


def node_size(leverage: int) -> int:
    """Node size in pixels from its leverage (causes and challenges a remedy reaches).

    >>> node_size(0), node_size(4), node_size(400)
    (10, 20, 45)
    """
    return min(45, 10 + round(5 * math.sqrt(max(leverage, 0))))


def layout_positions(
    G: nx.MultiDiGraph, *, seed: int = LAYOUT_SEED, spacing: float = 190.0
) -> dict[str, tuple[int, int]]:
    """Deterministic positions from igraph's C layouts.

    Each connected component is laid out on its own — Kamada–Kawai up to
    :data:`KAMADA_KAWAI_MAX` nodes, else Fruchterman–Reingold (grid variant, seeded with
    :data:`LAYOUT_SEED`) — scaled to about ``spacing`` pixels per
    node, and the components are packed in rows, largest first (so stray nodes do not fly off
    and shrink the picture). Nodes are taken in sorted order and coordinates rounded to
    integers: the same graph always gives the same positions.

    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    >>> pos = layout_positions(G)
    >>> pos == layout_positions(G), sorted(pos)
    (True, ['a', 'b', 'c', 'x', 'y'])
    """
    import igraph

    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}
    pairs = sorted({tuple(sorted((index[u], index[v]))) for u, v in G.edges() if u != v})
    graph = igraph.Graph(n=len(nodes), edges=pairs)
    components = sorted(graph.connected_components(), key=lambda c: (-len(c), min(c)))
    igraph.set_random_number_generator(random.Random(seed))
    try:
        boxes = [_component_layout(graph, members, spacing) for members in components]
    finally:
        igraph.set_random_number_generator(random)
    placed = _pack(boxes, spacing)
    if not placed:
        return {}
    xs, ys = [x for x, _ in placed.values()], [y for _, y in placed.values()]
    cx, cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2
    return {nodes[i]: (round(x - cx), round(y - cy)) for i, (x, y) in sorted(placed.items())}


def _component_layout(
    graph: Any, members: list[int], spacing: float
) -> dict[int, tuple[float, float]]:
    """Positions of one component, from (0, 0), about ``spacing`` apart."""
    if len(members) == 1:
        return {members[0]: (0.0, 0.0)}
    sub = graph.induced_subgraph(members)
    if len(members) <= KAMADA_KAWAI_MAX:
        coords = sub.layout_kamada_kawai().coords  # starts from a circle: no randomness
    else:
        coords = sub.layout_fruchterman_reingold(grid="auto").coords
    xs, ys = [c[0] for c in coords], [c[1] for c in coords]
    extent = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = spacing * math.sqrt(len(members)) / extent
    return {
        m: ((x - min(xs)) * scale, (y - min(ys)) * scale)
        for m, (x, y) in zip(sorted(members), coords, strict=True)
    }


def _pack(
    boxes: list[dict[int, tuple[float, float]]], gap: float
) -> dict[int, tuple[float, float]]:
    """Place component layouts in rows, left to right, largest first."""
    sizes = [
        (max(x for x, _ in b.values()) + gap, max(y for _, y in b.values()) + gap) for b in boxes
    ]
    # rows about as wide as a landscape screen needs to show all components at once
    row_width = max([w for w, _ in sizes] + [math.sqrt(1.8 * sum(w * h for w, h in sizes))])
    placed: dict[int, tuple[float, float]] = {}
    x = y = row_height = 0.0
    for box, (w, h) in zip(boxes, sizes, strict=True):
        if x > 0 and x + w > row_width:
            x, y, row_height = 0.0, y + row_height, 0.0
        placed.update({m: (x + bx, y + by) for m, (bx, by) in box.items()})
        x, row_height = x + w, max(row_height, h)
    return placed


def map_payload(
    G: nx.MultiDiGraph,
    model: ChainModel,
    *,
    leverage: Mapping[str, int] | None = None,
    positions: Mapping[str, tuple[int, int]] | None = None,
) -> dict[str, Any]:
    """The compact data a map page reads (format described at the top of ``kg/web/map.js``).

    ``model`` supplies the class and relation labels and each relation's role and direction in
    the chain; ``leverage`` sizes the nodes.

    >>> from kg.loader import load_graph
    >>> rdf = load_graph()
    >>> data = map_payload(project(rdf), ChainModel.from_graph(rdf))
    >>> sorted(data)
    ['c', 'e', 'n', 'p', 's', 'v']
    """
    leverage = leverage or {}
    positions = positions if positions is not None else layout_positions(G)
    strings = _Strings()
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}

    classes = sorted({G.nodes[n].get("type", "") for n in nodes}, key=_class_order)
    class_index = {c: i for i, c in enumerate(classes)}
    edge_list = sorted(G.edges(keys=True), key=lambda e: (index[e[0]], index[e[1]], e[2]))
    predicates = sorted({k for _, _, k in edge_list})
    pred_index = {p: i for i, p in enumerate(predicates)}

    def class_labels(cls: str) -> list[str]:
        return [model.class_label(cls, "en"), model.class_label(cls, "zh")]

    def relation(p: str) -> list[Any]:
        r = model.relation(p)
        role, along = (r.role, int(r.along)) if r else ("context", 1)
        readings = [model.reading(p, along=bool(along), lang=lang) for lang in ("en", "zh")]
        return [p, *readings, role, along]

    def quotes(evidence: list[dict]) -> list[int]:
        flat: list[int] = []
        for item in evidence or []:
            flat += [strings(str(item.get("section", ""))), strings(str(item.get("quote", "")))]
        return flat

    node_rows = []
    for n in nodes:
        a = G.nodes[n]
        lev = int(leverage.get(n, 0))
        x, y = positions[n]
        node_rows.append(
            [
                strings(node_key(n)),
                class_index[a.get("type", "")],
                strings(a.get("label_en") or ""),
                strings(a.get("label_zh") or ""),
                strings(a.get("definition_en") or ""),
                strings(a.get("definition_zh") or ""),
                x,
                y,
                node_size(lev),
                lev,
                quotes(a.get("evidence")),
                strings(a.get("layer") or ""),
            ]
        )
    edge_rows = [
        [index[u], index[v], pred_index[k], int(bool(a.get("stated"))), quotes(a.get("evidence"))]
        for u, v, k in edge_list
        for a in [G.edges[u, v, k]]
    ]
    return {
        "v": 2,
        "s": strings.items,
        "c": [[c, *class_labels(c), *_style(c)] for c in classes],
        "p": [relation(p) for p in predicates],
        "n": node_rows,
        "e": edge_rows,
    }


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: ``<``, ``>``, ``&`` escaped.

    >>> json_for_script({"q": "</script><b>&"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


# --- chains and focus maps --------------------------------------------------------------------


def chain(G: nx.MultiDiGraph, model: ChainModel, node: str) -> set[str]:
    """``node`` and the chain around it (:func:`kg.chain.around`) within ``G``: what the map's
    click lights, computed the same way in the browser."""
    return around(GraphAdjacency(G, model), node) & set(G)


def challenge_subgraph(G: nx.MultiDiGraph, model: ChainModel, challenge: str) -> nx.MultiDiGraph:
    """The focused map of one challenge: its :func:`chain` with every link among those nodes.

    >>> from kg.loader import load_graph
    >>> rdf = load_graph()
    >>> G = project(rdf, "chain")
    >>> ids = "https://w3id.org/cbec-kg/id/"
    >>> sub = challenge_subgraph(G, ChainModel.from_graph(rdf), ids + "challenge-talent")
    >>> ids + "countermeasure-talent" in sub
    True
    """
    sub = nx.MultiDiGraph(G.subgraph(chain(G, model, challenge)))
    sub.graph["focus"] = challenge
    return sub


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "node"


# --- HTML -------------------------------------------------------------------------------------


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
def _web_file(name: str) -> str:
    return _inline_safe((WEB_DIR / name).read_text(encoding="utf-8"), name)


def _inline_safe(text: str, name: str) -> str:
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise KGError(f"{name} contains a closing script/style tag and cannot be inlined")
    return text


def _sha256(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode()


def _csp(*scripts: str) -> str:
    script_src = " ".join(f"'{_sha256(s)}'" for s in scripts) or "'none'"
    return (
        f"default-src 'none'; script-src {script_src}; style-src 'unsafe-inline'; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )


_POLYGONS = {
    "triangle": "10,2 18.5,17 1.5,17",
    "triangleDown": "1.5,3 18.5,3 10,18",
    "diamond": "10,1.5 18.5,10 10,18.5 1.5,10",
    "hexagon": "10,1.5 17.4,5.75 17.4,14.25 10,18.5 2.6,14.25 2.6,5.75",
    "star": "10,1 12.2,7 18.6,7.2 13.6,11.1 15.3,17.3 10,13.7 4.7,17.3 6.4,11.1 1.4,7.2 7.8,7",
}


def _glyph(colour: str, shape: str) -> str:
    """A small inline SVG of a class's shape and colour, for legends."""
    paint = f'fill="{html.escape(colour)}" stroke="#333" stroke-width="0.8"'
    if shape == "square":
        body = f'<rect x="3" y="3" width="14" height="14" {paint}/>'
    elif shape in _POLYGONS:
        body = f'<polygon points="{_POLYGONS[shape]}" {paint}/>'
    else:
        body = f'<circle cx="10" cy="10" r="7.5" {paint}/>'
    return f'<svg width="16" height="16" viewBox="0 0 20 20" aria-hidden="true">{body}</svg>'


def _both(en: str, zh: str) -> str:
    """Escaped text in both languages, one shown at a time by the page's language switch."""
    return f'<span class="i-en">{html.escape(en)}</span><span class="i-zh">{html.escape(zh)}</span>'


_SIZE_NOTE = (
    "Node size: leverage — how many causes and challenges a remedy reaches.",
    "节点大小：杠杆度——对策或措施所触及的成因与困境数量。",
)
_LINK_STYLES = (
    ("", "stated in the source", "原文陈述"),
    (' stroke-dasharray="4 3"', "inferred by a curator", "整理者推断"),
)


def _link_legend(text: Any) -> str:
    """Legend items for stated (solid) and inferred (dashed) links; ``text(en, zh)`` → HTML."""
    return "".join(
        '<li><svg width="30" height="10" aria-hidden="true"><line x1="0" y1="5" x2="24" y2="5" '
        f'stroke="#666" stroke-width="1.5"{dash}/><polygon points="30,5 23,1.5 23,8.5" '
        f'fill="#666"/></svg> {text(en, zh)}</li>'
        for dash, en, zh in _LINK_STYLES
    )


def _plain(en: str, zh: str) -> str:
    return f"{html.escape(en)} · {html.escape(zh)}"


_CONTROLS = """\
<span class="kg-search"><input id="kg-search" type="search" autocomplete="off" \
placeholder="Find a node · 查找节点" aria-label="Find a node by its English or Chinese label">\
<ul id="kg-results" hidden></ul></span>
<button id="kg-lang" type="button" title="Switch labels between English and Chinese">中文</button>
<select id="kg-links" aria-label="Links shown">\
<option value="all">all links · 全部关系</option>\
<option value="stated">stated only · 仅原文陈述</option>\
<option value="inferred">inferred only · 仅推断</option></select>
<label><input id="kg-physics" type="checkbox"> physics · 物理布局</label>
<button id="kg-reset" type="button">Reset · 重置</button>
"""

_INDEX_INTRO = """\
<p class="note">Interactive maps; each file works offline. Hover for evidence, click a node for \
its cause → remedy → trend chain, shift-click a second node for the shortest path, switch labels \
between English and 中文.</p>
"""


@dataclass(frozen=True)
class MapPage:
    """One map to render: its graph, titles, and where it links back to."""

    G: nx.MultiDiGraph
    title_en: str
    title_zh: str
    home: str = "index.html"


def _class_counts(data: Mapping[str, Any]) -> Counter:
    return Counter(row[1] for row in data["n"])


def render_map(
    page: MapPage, model: ChainModel, *, leverage: Mapping[str, int] | None = None
) -> str:
    """The HTML of one map page (deterministic: same graph, same bytes).

    >>> from kg.loader import load_graph
    >>> rdf = load_graph()
    >>> page = MapPage(project(rdf), "Remedies", "对策")
    >>> render_map(page, ChainModel.from_graph(rdf)).startswith("<!DOCTYPE html>")
    True
    """
    data = map_payload(page.G, model, leverage=leverage)
    vis_js, map_js, css = _vis_js(), _web_file("map.js"), _web_file("map.css")
    counts = _class_counts(data)
    legend = "".join(
        f'<li><label><input type="checkbox" checked data-class="{html.escape(c)}"> '
        f"{_glyph(colour, shape)} {_both(en, zh)}"
        f'<span class="kg-n">{counts[i]}</span></label></li>'
        for i, (c, en, zh, colour, shape) in enumerate(data["c"])
    )
    stated = sum(row[3] for row in data["e"])
    n_nodes, n_edges = len(data["n"]), len(data["e"])
    count_en = f"{n_nodes} nodes · {n_edges} links ({stated} stated, {n_edges - stated} inferred)"
    count_zh = f"{n_nodes} 个节点 · {n_edges} 条关系（原文陈述 {stated}，推断 {n_edges - stated}）"
    title = html.escape(f"{page.title_en} · {page.title_zh} — cbec-kg")
    return "".join(
        [
            "<!DOCTYPE html>\n",
            '<html lang="en" data-lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{_csp(vis_js, map_js)}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{title}</title>\n<style>\n{css}</style>\n</head>\n<body>\n",
            '<header class="kg-bar">\n',
            f'<a href="{html.escape(page.home)}">{_both("← all maps", "← 全部图谱")}</a>\n',
            f"<h1>{_both(page.title_en, page.title_zh)}</h1>\n",
            f'<span class="kg-count">{_both(count_en, count_zh)}</span>\n',
            '<span class="kg-spacer"></span>\n',
            _CONTROLS,
            "</header>\n<main>\n",
            f'<div id="kg-map" aria-label="{title}"></div>\n',
            '<aside id="kg-side">\n',
            f"<h2>{_both('Classes', '类别')}</h2>\n",
            f'<ul class="kg-legend">{legend}</ul>\n',
            f"<h2>{_both('Links', '关系')}</h2>\n",
            f'<ul class="kg-legend">{_link_legend(_both)}</ul>\n',
            f'<p class="kg-note">{_both(*_SIZE_NOTE)}</p>\n',
            '<section id="kg-info"></section>\n',
            "</aside>\n</main>\n",
            '<div id="kg-tip" hidden></div>\n',
            f'<script type="application/json" id="kg-data">{json_for_script(data)}</script>\n',
            f"<script>{vis_js}</script>\n",
            f"<script>{map_js}</script>\n",
            "</body>\n</html>\n",
        ]
    )


def _index_html(
    model: ChainModel,
    entries: list[dict[str, Any]],
    classes: Counter,
    links: Sequence[tuple[str, str, str]] = (),
) -> str:
    legend = "".join(
        f"<li>{_glyph(*_style(c))} "
        f"{_plain(model.class_label(c, 'en'), model.class_label(c, 'zh'))}"
        f' <span class="n">{classes[c]}</span></li>'
        for c in sorted(classes, key=_class_order)
    )
    rows = "".join(
        f'<tr><td><a href="{html.escape(e["href"])}">{html.escape(e["en"])}</a>'
        f'<div class="zh">{html.escape(e["zh"])}</div></td>'
        f'<td class="n">{e["nodes"]}</td><td class="n">{e["edges"]}</td>'
        f'<td class="n">{e["stated"]}</td><td class="n">{e["edges"] - e["stated"]}</td></tr>'
        for e in entries
    )
    css = (
        "body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:920px;"
        "padding:0 16px;color:#1f1f1f}h1{font-size:22px}h2{font-size:16px;margin-top:24px}"
        "table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #e4e4e4;"
        "padding:5px 8px;text-align:left;vertical-align:top}.n{text-align:right;color:#555}"
        "th.n{color:#1f1f1f}.zh{color:#555;font-size:13px}a{color:#1a5fb4}"
        "ul.legend{list-style:none;padding:0;columns:2}ul.legend li{margin:3px 0}"
        "ul.legend svg{vertical-align:middle}.note{color:#555}"
    )
    return "".join(
        [
            "<!DOCTYPE html>\n",
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n",
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            "<title>Maps · 图谱 — cbec-kg</title>\n",
            f"<style>{css}</style>\n</head>\n<body>\n",
            "<h1>China's cross-border e-commerce: problems, remedies, trends<br>"
            '<span class="zh">我国跨境电商的困境、对策与趋势 · 知识图谱</span></h1>\n',
            _INDEX_INTRO,
            '<table>\n<tr><th>Map · 图谱</th><th class="n">nodes</th><th class="n">links</th>'
            '<th class="n">stated</th><th class="n">inferred</th></tr>\n',
            rows,
            "\n</table>\n",
            _outputs_html(links),
            "<h2>Legend · 图例</h2>\n",
            f'<ul class="legend">{legend}</ul>\n',
            f'<ul class="legend">{_link_legend(_plain)}</ul>\n',
            f'<p class="note">{_plain(*_SIZE_NOTE)}</p>\n',
            "</body>\n</html>\n",
        ]
    )


def _outputs_html(links: Sequence[tuple[str, str, str]]) -> str:
    """The research outputs (brief, charts, ontology page) the index links to, if any."""
    if not links:
        return ""
    items = "".join(
        f'<li><a href="{html.escape(href)}">{html.escape(en)}</a> '
        f'<span class="zh">{html.escape(zh)}</span></li>'
        for href, en, zh in links
    )
    return f"<h2>Research outputs · 研究成果</h2>\n<ul>{items}</ul>\n"


def _entry(key: str, href: str, en: str, zh: str, G: nx.MultiDiGraph) -> dict[str, Any]:
    stated = sum(1 for *_, s in G.edges(data="stated") if s)
    return {
        "key": key,
        "href": href,
        "en": en,
        "zh": zh,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "stated": stated,
    }


def write_maps(graph: Graph | Backend, out_dir: str | Path) -> dict[str, Path]:
    """Write every map and the index into ``out_dir``; return the files keyed by name.

    Keys are the paths relative to ``out_dir`` without ``.html``: ``index``, ``map``,
    ``maps/actors`` and ``maps/<challenge>``. Every page is rendered before the first is
    written, and each file is written atomically.

    >>> import tempfile
    >>> from kg.loader import load_graph
    >>> files = write_maps(load_graph(), tempfile.mkdtemp())
    >>> "maps/challenge-talent" in files
    True
    """
    from kg.brief import research_links

    contents = map_files(graph, links=research_links(lambda name: (Path(out_dir) / name).is_file()))
    write_files(out_dir, contents)
    return {name.removesuffix(".html"): Path(out_dir) / name for name in contents}


def map_files(
    source: Graph | Backend, *, links: Sequence[tuple[str, str, str]] = ()
) -> dict[str, str]:
    """Every map page and the index, keyed by path relative to the output folder; the index
    also links to ``links`` (``(path, English, Chinese)``: the brief, charts, ontology page)."""
    from kg.measures import leverage_scores

    backend = as_backend(source)
    model = model_of(backend)
    remedy = project(backend, "remedy")
    leverage = leverage_scores(remedy, model)
    pages: dict[str, MapPage] = {
        "map": MapPage(remedy, "Remedy map", "对策图谱", home="index.html"),
    }
    entries = [_entry("map", "map.html", "Remedy map: the whole KG", "对策图谱：全部", remedy)]
    used = {"actors"}
    challenges = sorted(n for n, t in remedy.nodes(data="type") if t == "cbec:Challenge")
    for iri in challenges:
        slug = _slug(node_key(iri))
        while slug in used:
            slug += "-x"
        used.add(slug)
        sub = challenge_subgraph(remedy, model, iri)
        en, zh = remedy.nodes[iri].get("label_en", ""), remedy.nodes[iri].get("label_zh", "")
        pages[f"maps/{slug}"] = MapPage(sub, en, zh, home="../index.html")
        entries.append(
            _entry(f"maps/{slug}", f"maps/{slug}.html", f"Challenge: {en}", f"困境：{zh}", sub)
        )
    actors = project(backend, "actors")
    pages["maps/actors"] = MapPage(actors, "Actors", "实施主体", home="../index.html")
    entries.append(
        _entry(
            "maps/actors",
            "maps/actors.html",
            "Actors and their actions",
            "实施主体及其措施",
            actors,
        )
    )

    contents = {name: render_map(page, model, leverage=leverage) for name, page in pages.items()}
    types = {**dict(actors.nodes(data="type")), **dict(remedy.nodes(data="type"))}
    contents["index"] = _index_html(model, entries, Counter(types.values()), links)

    return {f"{name}.html": html for name, html in sorted(contents.items())}


# --- browser: screenshots ---------------------------------------------------------------------


def find_chromium() -> Path | None:
    """The system Chromium: ``$KG_CHROMIUM``, else ``/usr/bin/chromium``, else on ``PATH``.

    >>> path = find_chromium()
    >>> path is None or path.is_file()
    True
    """
    candidates = [os.environ.get("KG_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless system Chromium driven by Playwright (it never downloads a browser).

    Raises :class:`BrowserUnavailable` naming what is missing. Example::

        with chromium() as browser:
            page = offline_page(browser)
            page.goto(Path("outputs/map.html").resolve().as_uri())
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(
            "playwright is not installed (pip install 'cbec-kg[test]')"
        ) from exc
    executable = find_chromium()
    if executable is None:
        raise BrowserUnavailable(
            "Chromium not found (apt-get install chromium, or set KG_CHROMIUM to its path)"
        )
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        except Exception as exc:  # playwright raises its own Error type
            raise BrowserUnavailable(f"cannot start {executable}: {exc}") from exc
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Any, *, width: int = 1280, height: int = 800) -> Any:
    """A new page in a fresh context where every request that is not ``file:`` is aborted.

    Close it with ``page.context.close()``; see :func:`chromium` for an example.
    """
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    return context.new_page()


def screenshot_maps(
    files: Mapping[str, Path], out_dir: str | Path, *, browser: Any = None
) -> dict[str, Path]:
    """Save a PNG of every map page in ``files`` (from :func:`write_maps`) into ``out_dir``.

    The PNG is named after the map (``map.png``, ``actors.png``, ``challenge-talent.png``).
    Pass an open ``browser`` to reuse it; otherwise :func:`chromium` starts one. Example::

        shots = screenshot_maps(write_maps(load_graph(), "outputs"), "outputs/screenshots")
    """
    if browser is None:
        with chromium() as own:
            return screenshot_maps(files, out_dir, browser=own)
    shots: dict[str, Path] = {}
    for name in sorted(files):
        if name == "index":
            continue
        page = offline_page(browser)
        try:
            page.goto(Path(files[name]).resolve().as_uri())
            page.wait_for_selector("html[data-drawn]", state="attached", timeout=30_000)
            target = Path(out_dir) / f"{Path(name).name}.png"
            atomic_write(target, page.screenshot(full_page=False))
            shots[name] = target
        finally:
            page.context.close()
    return shots
