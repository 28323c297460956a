"""The data a map page reads: compact JSON, placed in the page as ``application/json``.

Everything the page shows comes from here, in both languages: node and class labels, the
headings of the chain's groups and the sentences for groups the paper leaves empty (the same as
``kg trace``'s, from :func:`kg.trace.empty_statement`), how each relation reads and which role
it plays in the chain (from :class:`kg.model.ChainModel`), evidence with section titles, the
rationale of inferred links, the figures the paper cites for a node, both precomputed layouts,
and the page's own words (``kg/web/ui.json``). The format is described at the top of
``kg/web/map.js``.

>>> from kg.loader import load_graph
>>> from kg.model import ChainModel
>>> from kg.projection import project
>>> rdf = load_graph()
>>> data = map_payload(project(rdf), ChainModel.from_graph(rdf))
>>> sorted(data)
['c', 'e', 'ff', 'g', 'l', 'n', 'p', 's', 'sec', 'u', 'v', 'x']
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.labels import labels as fetch_labels
from kg.labels import section_key
from kg.maps.force import force_positions
from kg.maps.layout import Layout, layered_layout
from kg.maps.style import FONT_FACE, class_order, node_size, style_of
from kg.model import ChainModel
from kg.namespaces import curie
from kg.trace import empty_statement

if TYPE_CHECKING:
    from kg.backends import Backend

__all__ = [
    "Strings",
    "figures",
    "json_for_script",
    "map_payload",
    "node_key",
    "sections",
    "statistics",
    "ui_strings",
]

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

_FIGURES_QUERY = """
SELECT ?node ?obs ?indicator ?period ?value ?unit ?qualifier ?section ?quote WHERE {
  ?obs a cbec:Observation ; cbec:substantiates ?node ; cbec:indicator ?indicator ;
       cbec:refPeriod ?period ; cbec:value ?value ; cbec:unit ?unit .
  OPTIONAL { ?obs cbec:valueQualifier ?qualifier }
  OPTIONAL { ?obs cbec:evidence ?ev . ?ev cbec:inSection/skos:notation ?section ;
             oa:hasSelector/oa:exact ?quote }
}
"""

_SECTIONS_QUERY = """
SELECT ?n ?label WHERE { ?s a cbec:Section ; skos:notation ?n ; skos:prefLabel ?label }
"""


class Strings:
    """A string table: each distinct string is stored once and referred to by index."""

    def __init__(self) -> None:
        self.items: list[str] = []
        self._index: dict[str, int] = {}

    def __call__(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.items)
            self.items.append(text)
        return self._index[text]


def node_key(iri: str) -> str:
    """Short, stable key of a node for the URL fragment.

    >>> node_key("https://w3id.org/cbec-kg/id/challenge-talent")
    'challenge-talent'
    >>> node_key("https://example.org/x")
    'https://example.org/x'
    """
    short = curie(iri)
    return short[3:] if short.startswith("id:") and ":" not in short[3:] else short


@functools.cache
def ui_strings() -> dict[str, list[str]]:
    """The page's own words, ``{key: [en, zh]}`` (``kg/web/ui.json``)."""
    words: dict[str, list[str]] = json.loads((WEB_DIR / "ui.json").read_text(encoding="utf-8"))
    return words


def sections(backend: Backend) -> dict[str, dict[str, str]]:
    """``{notation: {"en": title, "zh": title}}`` of the paper's sections."""
    out: dict[str, dict[str, str]] = {}
    for n, label in sorted(backend.query(_SECTIONS_QUERY).rows, key=lambda r: str(r)):
        lang = getattr(label, "language", None) or ""
        out.setdefault(str(n), {}).setdefault(lang, str(label))
    return {n: {"en": t.get("en", ""), "zh": t.get("zh", "")} for n, t in out.items()}


def figures(backend: Backend) -> dict[str, list[dict[str, Any]]]:
    """The figures the paper cites in support of each node (observations that substantiate
    it): indicator, period, value, unit (labels in both languages), section and quote."""
    rows = backend.query(_FIGURES_QUERY).rows
    names = fetch_labels(backend, {str(r[2]) for r in rows} | {str(r[5]) for r in rows})
    found: dict[tuple[str, str], dict[str, Any]] = {}
    for node, obs, ind, period, value, unit, qualifier, section, quote in rows:
        entry = found.setdefault(
            (str(node), str(obs)),
            {
                "indicator": names[str(ind)],
                "period": str(period),
                "value": str(value) + (f" ({qualifier})" if qualifier is not None else ""),
                "unit": names[str(unit)],
                "quotes": set(),
            },
        )
        if quote is not None:
            entry["quotes"].add((str(section), str(quote)))
    out: dict[str, list[dict[str, Any]]] = {}
    for (iri, _), e in sorted(
        found.items(),
        key=lambda kv: (kv[0][0], kv[1]["indicator"]["en"], kv[1]["period"], kv[1]["value"]),
    ):
        quotes = sorted(e.pop("quotes"), key=lambda q: (section_key(q[0]), q[1]))
        out.setdefault(iri, []).append({**e, "quotes": quotes})
    return out


def statistics(backend: Backend) -> list[dict[str, Any]]:
    """Every figure the paper cites (the named query ``statistics-by-indicator``): indicator
    (with the business model a share is of), period, value, unit (labels in both languages) and
    the quotes, in indicator order."""
    from kg.query import get_named_query

    rows = backend.query(get_named_query("statistics-by-indicator").text).dicts()
    iris = {str(r[k]) for r in rows for k in ("indicator", "unit", "businessModel") if r[k]}
    names = fetch_labels(backend, iris)
    found: dict[tuple[str, ...], dict[str, Any]] = {}
    for r in rows:
        shown = str(r["value"]) + (f" ({r['qualifier']})" if r["qualifier"] is not None else "")
        model = names[str(r["businessModel"])] if r["businessModel"] is not None else None
        indicator = names[str(r["indicator"])]
        if model is not None:  # a share: say of which business model
            indicator = {lang: f"{indicator[lang]} ({model[lang]})" for lang in indicator}
        key = (str(r["indicator"]), str(r["businessModel"]), str(r["period"]), shown)
        entry = found.setdefault(
            key,
            {
                "indicator": indicator,
                "period": str(r["period"]),
                "value": shown,
                "unit": names[str(r["unit"])],
                "quotes": set(),
            },
        )
        entry["quotes"].add((str(r["section"]), str(r["quote"])))
    ordered = sorted(found.values(), key=lambda e: (e["indicator"]["en"], e["period"], e["value"]))
    return [
        {**e, "quotes": sorted(e["quotes"], key=lambda q: (section_key(q[0]), q[1]))}
        for e in ordered
    ]


def json_for_script(data: Any) -> str:
    """JSON that is safe inside ``<script type="application/json">``: ``<``, ``>``, ``&`` escaped.

    >>> json_for_script({"q": "</script><b>&"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def map_payload(
    G: nx.MultiDiGraph,
    model: ChainModel,
    *,
    leverage: Mapping[str, int] | None = None,
    layout: Layout | None = None,
    force: Mapping[str, tuple[int, int]] | None = None,
    figures: Mapping[str, list[dict[str, Any]]] | None = None,
    sections: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """The compact data a map page reads (format described at the top of ``kg/web/map.js``).

    ``leverage`` sizes remedies; ``layout`` (layered) and ``force`` are computed when not given.
    """
    leverage = leverage or {}
    layout = layout if layout is not None else layered_layout(G, model, leverage=leverage)
    force = force if force is not None else force_positions(G)
    figures, sections = figures or {}, sections or {}
    strings = Strings()
    nodes = sorted(G.nodes, key=str)
    index = {n: i for i, n in enumerate(nodes)}

    classes = sorted({G.nodes[n].get("type", "") for n in nodes}, key=class_order)
    class_index = {c: i for i, c in enumerate(classes)}
    edge_list = sorted(G.edges(keys=True), key=lambda e: (index[e[0]], index[e[1]], e[2]))
    predicates = sorted({k for _, _, k in edge_list})
    pred_index = {p: i for i, p in enumerate(predicates)}

    def both(f: Callable[..., str], *args: str) -> list[int]:
        return [strings(f(*args, lang=lang)) for lang in ("en", "zh")]

    def class_row(c: str) -> list[Any]:
        st = style_of(c)
        font = layout.fonts.get(c, st.font)
        return [
            c,
            *both(model.class_label, c),
            st.colour,
            st.shape,
            font,
            round(st.wrap * font / st.font),
            model.group_of([c]) or "",
        ]

    def relation_row(p: str) -> list[Any]:
        r = model.relation(p)
        role, along = (r.role, r.along) if r else ("context", True)
        forwards = [strings(model.reading(p, along=along, lang=lang)) for lang in ("en", "zh")]
        return [p, *forwards, role, int(along)]

    def quotes(evidence: list[dict[str, Any]] | None) -> list[int]:
        flat: list[int] = []
        for item in evidence or []:
            flat += [strings(str(item.get("section", ""))), strings(str(item.get("quote", "")))]
        return flat

    def figure_rows(n: str) -> list[list[Any]]:
        return [
            [
                *[strings(f["indicator"][lang]) for lang in ("en", "zh")],
                strings(f["period"]),
                strings(f["value"]),
                *[strings(f["unit"][lang]) for lang in ("en", "zh")],
                [strings(x) for q in f["quotes"] for x in q],
            ]
            for f in figures.get(n, [])
        ]

    node_rows = []
    for n in nodes:
        a = G.nodes[n]
        lev = int(leverage.get(n, 0))
        x, y = layout.positions[n]
        fx, fy = force[n]
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
                fx,
                fy,
                node_size(a.get("type", ""), lev),
                lev,
                quotes(a.get("evidence")),
                strings(a.get("layer") or ""),
                figure_rows(n),
            ]
        )
    edge_rows = [
        [
            index[u],
            index[v],
            pred_index[k],
            int(bool(a.get("stated"))),
            quotes(a.get("evidence")),
            strings(a.get("rationale") or ""),
            strings(a.get("rationale_zh") or ""),
        ]
        for u, v, k in edge_list
        for a in [G.edges[u, v, k]]
    ]
    cited = sorted(
        {
            s
            for a in [*G.nodes.values(), *G.edges.values()]
            for s in (e.get("section", "") for e in a.get("evidence") or [])
        }
        | {q[0] for fs in figures.values() for f in fs for q in f["quotes"]},
        key=section_key,
    )
    groups = model.groups()
    return {
        "v": 3,
        "s": strings.items,
        "c": [class_row(c) for c in classes],
        "g": [
            [g.group, *[strings(model.heading(g.group or "", lang)) for lang in ("en", "zh")]]
            for g in groups
        ],
        "x": [
            [g.group, class_index[c], *[strings(none[lang]) for lang in ("en", "zh")]]
            for g in groups
            for c in classes
            for none in [empty_statement(model, g.group or "", c)]
        ],
        "p": [relation_row(p) for p in predicates],
        "n": node_rows,
        "e": edge_rows,
        "l": {"order": list(layout.order), "crossings": layout.crossings, "bands": layout.bands},
        "sec": [
            [s, *[strings(sections.get(s, {}).get(lang, "")) for lang in ("en", "zh")]]
            for s in cited
            if s
        ],
        "ff": FONT_FACE,
        "u": ui_strings(),
    }
