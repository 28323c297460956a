"""The files of the charts: ``charts/<slug>.svg``, ``.png`` and ``.csv`` (each chart's data,
one row per observation of the KG, :data:`CSV_COLUMNS`).

>>> from kg.charts import build_charts
>>> from kg.loader import load_graph
>>> charts = build_charts(load_graph(), render=False)  # data only: CSVs, no SVG or PNG
>>> sorted(chart_files(charts))[:2]
['charts/export-value.csv', 'charts/import-users.csv']
>>> csv_text(charts[0]).splitlines()[0].split(",")[:4]
['observation', 'indicator', 'indicator_en', 'indicator_zh']
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kg.namespaces import curie

if TYPE_CHECKING:
    from kg.charts import Chart

__all__ = ["CSV_COLUMNS", "chart_files", "csv_text"]

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
