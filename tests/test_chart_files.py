"""The files of the charts (kg.chart_files): an SVG, a PNG and a CSV per drawn chart, a CSV only
for data-only charts, the CSV's header and one row per point, and the same bytes on every build.
"""

from __future__ import annotations

import csv
import io

import pytest

from kg.api import KnowledgeGraph
from kg.chart_files import CSV_COLUMNS, chart_files, csv_text
from kg.charts import CHARTS, build_charts


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.open()  # with the figure checks' flags, as kg build writes them


@pytest.fixture(scope="module")
def charts(kg):
    return build_charts(kg.backend)


def test_each_drawn_chart_has_an_svg_a_png_and_a_csv(kg, charts):
    files = chart_files(charts)
    assert list(files) == sorted(
        f"charts/{s.slug}.{ext}" for s in CHARTS for ext in ("csv", "png", "svg")
    )
    for name, data in files.items():
        assert isinstance(data, str) == name.endswith(".csv")
    data_only = chart_files(build_charts(kg.backend, render=False))
    assert list(data_only) == sorted(f"charts/{s.slug}.csv" for s in CHARTS)


def test_a_csv_has_the_columns_and_one_row_per_point(charts):
    for chart in charts:
        rows = list(csv.reader(io.StringIO(csv_text(chart))))
        assert tuple(rows[0]) == CSV_COLUMNS
        assert len(rows) == len(chart.points) + 1
        assert [r[CSV_COLUMNS.index("value")] for r in rows[1:]] == [p.value for p in chart.points]


def test_files_are_byte_identical_across_builds(kg, charts):
    # across hash seeds: tests/test_brief.py compares every file in another process
    assert chart_files(charts) == chart_files(build_charts(kg.backend))
