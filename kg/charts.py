"""Charts of the paper's statistics: SVG and PNG with bilingual titles and axis labels, the unit
and the source on each, and each chart's data as CSV beside it.

Which indicators a chart shows is the only thing written here (:data:`CHARTS`: one indicator
and how its related indicators are found); every number, label, unit, agency and quote is read
from the KG by SPARQL (:data:`CHART_QUERY`). A growth rate the figure checks flag
(``cbec:InconsistencyFlag``, see :mod:`kg.checks`) is drawn as printed and, beside it, marked
in red, the rate recomputed from the paper's own values — the paper's numbers are never changed.

The files are deterministic: matplotlib's SVG ids come from a fixed ``svg.hashsalt``, no date
or software version is written into the SVG or PNG metadata, and rendering uses fixed rc
settings (a user's ``matplotlibrc`` does not change the output), so two builds give the same
bytes. Text is never parsed as mathtext (``text.parse_math`` off): a ``$`` in a label stays a
dollar sign.

>>> from kg.loader import load_graph
>>> charts = build_charts(load_graph(), render=False)  # data only; render=True draws them too
>>> [c.spec.slug for c in charts]
['export-value', 'import-users', 'transaction-shares', 'knowledge-intensive-services']
>>> sorted(chart_files(charts))[:2]
['charts/export-value.csv', 'charts/import-users.csv']
"""

from __future__ import annotations

import csv
import io
import textwrap
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.labels import evidence as fetch_evidence
from kg.labels import labels as fetch_labels
from kg.labels import section_key
from kg.namespaces import curie, expand
from kg.projection import as_backend

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType
    from rdflib import Graph

    from kg.backends import Backend

__all__ = [
    "CHARTS",
    "CHART_QUERY",
    "CSV_COLUMNS",
    "Chart",
    "ChartSpec",
    "Point",
    "build_charts",
    "chart_files",
    "cjk_font",
    "csv_text",
]


@dataclass(frozen=True)
class ChartSpec:
    """One chart: a file name, how the indicators are found from ``focus``, and the layout.

    ``kind`` is ``values`` (the focus indicator's values with its growth rates), ``shares``
    (the indicators that are shares of the focus, stacked per period and business model) or
    ``parts`` (the growth of the focus and of its narrower indicators, ``skos:broader``).
    """

    slug: str
    kind: str
    focus: str  # CURIE of an indicator


#: The charts drawn, in the order the brief shows them.
CHARTS: tuple[ChartSpec, ...] = (
    ChartSpec("export-value", "values", "id:indicator-cbec-export-value"),
    ChartSpec("import-users", "values", "id:indicator-import-users"),
    ChartSpec("transaction-shares", "shares", "id:indicator-cbec-transactions"),
    ChartSpec(
        "knowledge-intensive-services", "parts", "id:indicator-knowledge-intensive-services-exports"
    ),
)

#: How a chart's indicators relate to its focus indicator (a SPARQL property path).
MEMBER_PATHS = {
    "values": "cbec:growthOf?",
    "shares": "cbec:shareOf",
    "parts": "cbec:growthOf/skos:broader?",
}

#: The observations of one chart; ``{focus}`` and ``{path}`` are filled from :data:`CHARTS`.
CHART_QUERY = """
SELECT ?obs ?indicator ?base ?period ?value ?qualifier ?unit ?model ?agency ?flag ?creator
WHERE {{
  VALUES ?focus {{ {focus} }}
  ?indicator {path} ?focus .
  ?obs a cbec:Observation ; cbec:indicator ?indicator ; cbec:refPeriod ?period ;
       cbec:value ?value ; cbec:unit ?unit .
  OPTIONAL {{ ?indicator cbec:growthOf ?base }}
  OPTIONAL {{ ?obs cbec:valueQualifier ?qualifier }}
  OPTIONAL {{ ?obs cbec:businessModel ?model }}
  OPTIONAL {{ ?obs cbec:reportedBy ?agency }}
  OPTIONAL {{ ?flag a cbec:InconsistencyFlag ; prov:wasDerivedFrom ?obs }}
  OPTIONAL {{ ?obs cbec:source/dcterms:creator ?creator }}
}}
"""

#: Columns of a chart's CSV: one row per observation of the KG.
CSV_COLUMNS = (
    "observation",
    "indicator",
    "indicator_en",
    "indicator_zh",
    "period",
    "business_model",
    "value",
    "qualifier",
    "unit",
    "unit_en",
    "unit_zh",
    "growth_of",
    "recomputed_growth",
    "inconsistent",
    "reported_by_en",
    "reported_by_zh",
    "section",
    "quote",
)

Names = dict[str, str]


@dataclass(frozen=True)
class Point:
    """One observation as a chart shows it (``value`` is the lexical form the paper prints)."""

    iri: str
    indicator: str
    indicator_label: Names
    period: str
    value: str
    unit: str
    unit_label: Names
    base: str | None = None  # the indicator this one is the growth of
    base_label: Names = field(default_factory=dict)
    qualifier: str | None = None
    model: str | None = None
    model_label: Names = field(default_factory=dict)
    agency_label: Names = field(default_factory=dict)
    inconsistent: bool = False
    recomputed: str | None = None  # growth recomputed from the paper's values, 2 decimals
    section: str = ""
    quote: str = ""

    @property
    def number(self) -> float:
        return float(self.value)


@dataclass
class Chart:
    """A chart's data, titles and rendered files."""

    spec: ChartSpec
    points: list[Point]
    title: Names
    axis: Names  # the value axis label (the unit)
    source: Names
    note: Names
    svg: bytes = b""
    png: bytes = b""

    @property
    def sections(self) -> list[str]:
        return sorted({p.section for p in self.points if p.section}, key=section_key)


# --- data --------------------------------------------------------------------------------------


def _sort_key(p: Point) -> tuple[Any, ...]:
    return (p.base is not None, p.indicator, p.model or "", p.period)


def _recomputed(points: list[Point]) -> list[Point]:
    """Each growth point with the rate recomputed from the values of its base indicator (when
    the chart holds both years' values), as ``kg check`` does: (current / previous − 1) × 100."""
    values = {
        (p.indicator, p.model, p.period): Decimal(p.value)
        for p in points
        if p.base is None and p.qualifier is None
    }
    out = []
    for p in points:
        recomputed = None
        if p.base is not None and p.period.isdigit():
            cur = values.get((p.base, p.model, p.period))
            prev = values.get((p.base, p.model, str(int(p.period) - 1)))
            if cur is not None and prev:
                recomputed = f"{(cur / prev - 1) * 100:.2f}"
        out.append(Point(**{**p.__dict__, "recomputed": recomputed}))
    return out


def _citation(ev: list[dict[str, Any]], value: str) -> tuple[str, str]:
    """The quote that holds the number (else the first quote), with its section."""
    for item in ev:
        if value in item["quote"]:
            return item["section"], item["quote"]
    return (ev[0]["section"], ev[0]["quote"]) if ev else ("", "")


def chart_points(backend: Backend, spec: ChartSpec) -> tuple[list[Point], Names]:
    """The observations of ``spec`` (sorted: values before growth rates, then indicator,
    business model and period) and the source's author in both languages."""
    text = CHART_QUERY.format(focus=URIRef(expand(spec.focus)).n3(), path=MEMBER_PATHS[spec.kind])
    rows = backend.query(text).rows
    iris = {str(t) for row in rows for t in row if isinstance(t, URIRef)}
    names = fetch_labels(backend, iris)
    ev = fetch_evidence(backend, {str(r[0]) for r in rows})
    found: dict[str, dict[str, Any]] = {}
    creator: Names = {}
    for obs, ind, base, period, value, qual, unit, model, agency, flag, who in rows:
        entry = found.setdefault(str(obs), {"inconsistent": False})
        entry.update(
            iri=str(obs),
            indicator=str(ind),
            indicator_label=names[str(ind)],
            period=str(period),
            value=str(value),
            unit=str(unit),
            unit_label=names[str(unit)],
        )
        if base is not None:
            entry.update(base=str(base), base_label=names[str(base)])
        if qual is not None:
            entry["qualifier"] = str(qual)
        if model is not None:
            entry.update(model=str(model), model_label=names[str(model)])
        if agency is not None:
            entry["agency_label"] = names[str(agency)]
        entry["inconsistent"] |= flag is not None
        if who is not None:
            creator.setdefault(getattr(who, "language", None) or "", str(who))
    points = []
    for iri, entry in found.items():
        section, quote = _citation(ev.get(iri, []), entry["value"])
        points.append(Point(**entry, section=section, quote=quote))
    return _recomputed(sorted(points, key=_sort_key)), creator


def _both(en: str, zh: str) -> Names:
    return {"en": en, "zh": zh}


def _titles(spec: ChartSpec, points: list[Point]) -> tuple[Names, Names, Names]:
    """Title, value-axis label and the note under the chart, in both languages."""
    values = [p for p in points if p.base is None]
    growth = [p for p in points if p.base is not None]
    first = next(iter(values or growth), None)
    if first is None:
        return _both(spec.focus, spec.focus), _both("", ""), _both("", "")
    unit = first.unit_label
    axis = _both(unit["en"], unit["zh"])
    if spec.kind == "values":
        name = first.indicator_label
        title = _both(name["en"], name["zh"])
        note = _both(
            "Labels above the bars: the value, then the year-on-year growth rate as printed.",
            "柱上标注：数值及原文所载同比增长率。",
        )
        if any(p.inconsistent and p.recomputed for p in growth):
            note["en"] += " Red: recomputed from the paper's own values, which disagree with it."
            note["zh"] += "红色：依原文数值重算的增长率，与原文所载不一致。"
        if any(p.qualifier for p in values):
            note["en"] += " Hatched: a bound (the paper's qualifier is shown)."
            note["zh"] += "斜线柱：原文给出的是界限值（标注原文限定语）。"
    elif spec.kind == "shares":
        name = first.indicator_label
        title = _both(name["en"], name["zh"])
        note = _both("Stacked shares of one whole per period.", "各期占比堆叠，合计为整体。")
    else:
        whole = next((p for p in growth if p.base == expand(spec.focus)), growth[0])
        periods = "、".join(sorted({p.period for p in growth}))
        title = _both(
            f"{whole.indicator_label['en']}: the whole and its parts, {periods}",
            f"{whole.indicator_label['zh']}：总体及其构成（{periods}）",
        )
        note = _both(
            "First bar: the whole; below it, the parts the paper lists.",
            "首行为总体，其下为原文列出的构成部分。",
        )
    return title, axis, note


def _source(points: list[Point], creator: Names, sections: list[str]) -> Names:
    agencies_en = sorted({p.agency_label["en"] for p in points if p.agency_label})
    agencies_zh = sorted({p.agency_label["zh"] for p in points if p.agency_label})
    where = ", ".join(f"§{s}" for s in sections)
    author_en, author_zh = creator.get("en", ""), creator.get("zh", "")
    if agencies_en:
        en = f"Source: {', '.join(agencies_en)}, as cited by {author_en}, {where}"
        zh = f"数据来源：{'、'.join(agencies_zh)}，转引自{author_zh}，{where}"
    else:
        en, zh = f"Source: {author_en}, {where}", f"数据来源：{author_zh}，{where}"
    return _both(en, zh)


def build_charts(source: Graph | Backend, *, render: bool = True) -> list[Chart]:
    """Every chart of :data:`CHARTS` with its data from ``source``; with ``render``, the SVG and
    PNG too (a chart whose indicators have no observation is left out)."""
    backend = as_backend(source)
    charts = []
    for spec in CHARTS:
        points, creator = chart_points(backend, spec)
        if not points:
            continue
        title, axis, note = _titles(spec, points)
        sections = sorted({p.section for p in points if p.section}, key=section_key)
        chart = Chart(spec, points, title, axis, _source(points, creator, sections), note)
        if render:
            chart.svg, chart.png = render_chart(chart)
        charts.append(chart)
    return charts


def csv_text(chart: Chart) -> str:
    """A chart's data as CSV (:data:`CSV_COLUMNS`), one row per observation."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for p in chart.points:
        writer.writerow(
            [
                curie(p.iri),
                curie(p.indicator),
                p.indicator_label["en"],
                p.indicator_label["zh"],
                p.period,
                curie(p.model) if p.model else "",
                p.value,
                p.qualifier or "",
                curie(p.unit),
                p.unit_label["en"],
                p.unit_label["zh"],
                curie(p.base) if p.base else "",
                p.recomputed or "",
                "true" if p.inconsistent else "false",
                p.agency_label.get("en", ""),
                p.agency_label.get("zh", ""),
                p.section,
                p.quote,
            ]
        )
    return buffer.getvalue()


def chart_files(charts: Iterable[Chart]) -> dict[str, str | bytes]:
    """``charts/<slug>.svg``, ``.png`` and ``.csv`` for each chart."""
    files: dict[str, str | bytes] = {}
    for c in charts:
        files[f"charts/{c.spec.slug}.csv"] = csv_text(c)
        if c.svg:
            files[f"charts/{c.spec.slug}.svg"] = c.svg
        if c.png:
            files[f"charts/{c.spec.slug}.png"] = c.png
    return dict(sorted(files.items()))


# --- drawing -----------------------------------------------------------------------------------

#: Fonts with CJK glyphs, in order of preference (the first installed one is used).
CJK_FONTS = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
)

#: How to get a CJK font when none is installed.
CJK_HINT = (
    "no font with Chinese glyphs found, so Chinese text in the charts shows as boxes: install "
    "one (Debian/Ubuntu: apt-get install fonts-noto-cjk; macOS and Windows ship one)"
)

COLOURS = {"bar": "#4c72b0", "whole": "#2f4b7c", "part": "#7aa6c2", "flag": "#c0392b"}
SHARE_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#8172b3", "#937860")

DPI = 150
SIZE = (8.0, 5.0)


@cache
def cjk_font() -> str | None:
    """The installed font matplotlib uses for Chinese text, or ``None``."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def _rc() -> dict[RcKeyType, Any]:  # Any: the value type of matplotlib's own rcParams
    families = ["DejaVu Sans"] + ([cjk_font()] if cjk_font() else [])
    return {
        "font.family": families,
        "font.size": 9,
        "svg.hashsalt": "cbec-kg",
        "svg.fonttype": "path",
        "text.parse_math": False,
        "text.usetex": False,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.titlesize": 11,
        "axes.titleweight": "bold",
        "axes.labelsize": 9,
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
        "path.simplify": True,
        "hatch.linewidth": 0.8,
    }


def _wrap(text: str, width: int) -> str:
    # CJK text has no spaces to wrap at; break it by characters
    if any("\u3000" <= ch <= "\u9fff" for ch in text):
        return "\n".join(text[i : i + width // 2] for i in range(0, len(text), width // 2))
    return "\n".join(textwrap.wrap(text, width)) or text


def _pct(value: str) -> str:
    return f"{value}%"


def _draw_values(ax: Any, chart: Chart) -> None:
    values = [p for p in chart.points if p.base is None]
    growth = {p.period: p for p in chart.points if p.base is not None}
    xs = range(len(values))
    top = max(p.number for p in values)
    for x, p in zip(xs, values, strict=True):
        hatch = "//" if p.qualifier else None
        ax.bar(x, p.number, width=0.6, color=COLOURS["bar"], hatch=hatch, edgecolor="white")
        lines = [(f"{p.qualifier} {p.value}" if p.qualifier else p.value, "#1f1f1f", "bold")]
        g = growth.get(p.period)
        if g is not None:
            lines.append((f"+{_pct(g.value)}", "#1f1f1f", "normal"))
            if g.inconsistent and g.recomputed:
                lines.append((f"≠ {_pct(g.recomputed)}", COLOURS["flag"], "bold"))
        y = p.number + top * 0.02
        for text, colour, weight in reversed(lines):
            ax.text(x, y, text, ha="center", va="bottom", color=colour, fontweight=weight)
            y += top * 0.075
    ax.set_xticks(list(xs), [p.period for p in values])
    ax.set_xlabel("Period · 时期")
    ax.set_ylim(0, top * 1.32)


def _draw_shares(ax: Any, chart: Chart) -> None:
    periods = sorted({p.period for p in chart.points})
    models = sorted({p.model or "" for p in chart.points})
    bottoms = dict.fromkeys(periods, 0.0)
    for i, model in enumerate(models):
        members = {p.period: p for p in chart.points if (p.model or "") == model}
        label = next(iter(members.values())).model_label or {"en": "", "zh": ""}
        colour = SHARE_COLOURS[i % len(SHARE_COLOURS)]
        for x, period in enumerate(periods):
            p = members.get(period)
            if p is None:
                continue
            ax.bar(
                x,
                p.number,
                bottom=bottoms[period],
                width=0.55,
                color=colour,
                edgecolor="white",
                label=f"{label['en']}\n{label['zh']}" if x == 0 else None,
            )
            ax.text(
                x,
                bottoms[period] + p.number / 2,
                _pct(p.value),
                ha="center",
                va="center",
                color="white",
                fontweight="bold",
            )
            bottoms[period] += p.number
    ax.set_xticks(list(range(len(periods))), periods)
    ax.set_xlabel("Period · 时期")
    ax.set_ylim(0, max([100.0, *bottoms.values()]) * 1.02)
    ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False)


def _draw_parts(ax: Any, chart: Chart, focus: str) -> None:
    growth = [p for p in chart.points if p.base is not None]
    whole = [p for p in growth if p.base == focus]
    parts = sorted((p for p in growth if p.base != focus), key=lambda p: -p.number)
    rows = whole + parts
    ys = list(range(len(rows)))[::-1]
    for y, p in zip(ys, rows, strict=True):
        colour = COLOURS["whole"] if p in whole else COLOURS["part"]
        ax.barh(y, p.number, height=0.6, color=colour)
        ax.text(p.number, y, f" {_pct(p.value)}", va="center", fontweight="bold")
    labels = [
        f"{_wrap(p.base_label.get('en', ''), 34)}\n{_wrap(p.base_label.get('zh', ''), 34)}"
        for p in rows
    ]
    ax.set_yticks(ys, labels)
    ax.set_xlim(0, max(p.number for p in rows) * 1.18)
    ax.set_xlabel(f"{chart.axis['en']} · {chart.axis['zh']}")


def render_chart(chart: Chart) -> tuple[bytes, bytes]:
    """The SVG and PNG of a chart (deterministic bytes)."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with matplotlib.rc_context(), warnings.catch_warnings():
        matplotlib.rcdefaults()
        matplotlib.rcParams.update(_rc())
        if cjk_font() is None:  # reported once by the caller (see CJK_HINT)
            warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig = Figure(figsize=SIZE)
        FigureCanvasAgg(fig)
        left = 0.34 if chart.spec.kind == "parts" else 0.1
        right = 0.62 if chart.spec.kind == "shares" else 0.97
        fig.subplots_adjust(left=left, right=right, top=0.84, bottom=0.24)
        ax = fig.add_subplot()
        if chart.spec.kind == "values":
            _draw_values(ax, chart)
        elif chart.spec.kind == "shares":
            _draw_shares(ax, chart)
        else:
            _draw_parts(ax, chart, expand(chart.spec.focus))
        if chart.spec.kind != "parts":
            ax.set_ylabel(f"{chart.axis['en']} · {chart.axis['zh']}")
        fig.text(0.01, 0.97, _wrap(chart.title["en"], 95), fontsize=11, fontweight="bold", va="top")
        fig.text(0.01, 0.905, chart.title["zh"], fontsize=10.5, va="top")
        foot = [chart.note["en"], chart.note["zh"], chart.source["en"], chart.source["zh"]]
        fig.text(
            0.01,
            0.01,
            "\n".join(_wrap(t, 150) for t in foot if t),
            fontsize=7,
            color="#444444",
            va="bottom",
            linespacing=1.4,
        )
        svg, png = io.BytesIO(), io.BytesIO()
        meta = {
            "Title": f"{chart.title['en']} · {chart.title['zh']}",
            "Description": f"{chart.source['en']} · {chart.source['zh']}",
            "Date": None,
            "Creator": None,
        }
        fig.savefig(svg, format="svg", metadata=meta)
        fig.savefig(png, format="png", metadata={"Software": None})
    return svg.getvalue(), png.getvalue()


def chart_rows(charts: Sequence[Chart]) -> list[Point]:
    """Every point of ``charts`` in chart order (for tables)."""
    return [p for c in charts for p in c.points]
