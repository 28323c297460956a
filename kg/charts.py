"""Charts of the paper's statistics: which indicators each chart shows, and its data, titles,
unit and source read from the KG, in both languages.

Which indicators a chart shows is the only thing written here (:data:`CHARTS`: one indicator
and how its related indicators are found); every number, label, unit, agency and quote is read
from the KG by SPARQL (:data:`CHART_QUERY`). A growth rate the figure checks flag
(``cbec:InconsistencyFlag``, see :mod:`kg.checks`) is drawn as printed and, beside it, marked
in red, the rate recomputed from the paper's own values — the paper's numbers are never changed.

Drawing (SVG and PNG, deterministic bytes) is :mod:`kg.chart_drawing`; the files, each chart's
data as CSV beside its images, :mod:`kg.chart_files`.

>>> from kg.loader import load_graph
>>> charts = build_charts(load_graph(), render=False)  # data only; render=True draws them too
>>> [c.spec.slug for c in charts]
['export-value', 'import-users', 'transaction-shares', 'knowledge-intensive-services']
>>> chart = charts[0]
>>> chart.title["en"], chart.axis["zh"], chart.points[0].period, chart.points[0].value
('Cross-border e-commerce export value', '亿元', '2019', '7981')
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.chart_drawing import render_chart
from kg.labels import evidence as fetch_evidence
from kg.labels import labels as fetch_labels
from kg.labels import section_key
from kg.namespaces import expand
from kg.projection import as_backend

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = [
    "CHARTS",
    "CHART_QUERY",
    "STATISTICS_QUERY",
    "Chart",
    "ChartSpec",
    "Point",
    "build_charts",
    "chart_points",
    "chart_rows",
    "statistics",
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

#: One chart's indicators in :data:`CHART_QUERY`.
_MEMBERS = """  VALUES ?focus {{ {focus} }}
  ?indicator {path} ?focus .
"""

#: Every observation, as :data:`CHART_QUERY` gives those of one chart.
STATISTICS_QUERY = CHART_QUERY.replace(_MEMBERS, "").format()

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


def _figure_quote(ev: list[dict[str, Any]], value: str) -> dict[str, Any] | None:
    """The quote that prints the number (else the first quote)."""
    for item in ev:
        if value in item["quote"]:
            return item
    return ev[0] if ev else None


def _paper_position(quote: dict[str, Any] | None, value: str) -> tuple[float, int]:
    """Where the paper prints ``value``: the start of its quote, then the place of the number in
    the quote (two figures of one sentence in the order the sentence gives them)."""
    if quote is None or quote.get("start") is None:
        return float("inf"), 0
    found = re.search(rf"(?<![\d.]){re.escape(value)}(?![\d])", quote["quote"])
    return float(quote["start"]), found.start() if found else 0


def _points(backend: Backend, text: str) -> tuple[list[tuple[Point, tuple[float, int]]], Names]:
    """The observations a query in the shape of :data:`CHART_QUERY` finds, each with where the
    paper prints it, and the source's author in both languages."""
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
        quote = _figure_quote(ev.get(iri, []), entry["value"])
        cited = {"section": quote["section"], "quote": quote["quote"]} if quote else {}
        points.append((Point(**entry, **cited), _paper_position(quote, entry["value"])))
    return points, creator


def chart_points(backend: Backend, spec: ChartSpec) -> tuple[list[Point], Names]:
    """The observations of ``spec`` (sorted: values before growth rates, then indicator,
    business model and period) and the source's author in both languages."""
    text = CHART_QUERY.format(focus=URIRef(expand(spec.focus)).n3(), path=MEMBER_PATHS[spec.kind])
    found, creator = _points(backend, text)
    return _recomputed(sorted((p for p, _ in found), key=_sort_key)), creator


def statistics(source: Graph | Backend) -> list[Point]:
    """Every observation of the KG — charted or not — in the order the paper prints them (by
    where the quote that gives the number stands in the paper), each with that quote.

    >>> from kg.loader import load_graph
    >>> [p.value for p in statistics(load_graph())][:4]
    ['7981', '30.5', '10850', '39.2']
    """
    found, _ = _points(as_backend(source), STATISTICS_QUERY)
    return [p for p, _ in sorted(found, key=lambda f: (f[1], f[0].indicator, f[0].period))]


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


def chart_rows(charts: Sequence[Chart]) -> list[Point]:
    """Every point of ``charts`` in chart order (for tables)."""
    return [p for c in charts for p in c.points]
