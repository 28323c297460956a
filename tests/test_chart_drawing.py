"""Drawing the charts (kg.chart_drawing): bilingual titles, units and sources in each SVG's
metadata, no date, PNG images, the same bytes on every drawing whatever the user's matplotlib
settings, and labels that are never read as mathtext.
"""

from __future__ import annotations

import dataclasses
from xml.etree import ElementTree

import matplotlib
import pytest

from kg.api import KnowledgeGraph
from kg.chart_drawing import CJK_FONTS, cjk_font, render_chart
from kg.charts import build_charts
from kg.namespaces import expand


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.open()  # with the figure checks' flags, as kg build writes them


@pytest.fixture(scope="module")
def charts(kg):
    return build_charts(kg.backend)


def test_titles_units_and_sources_are_bilingual_and_in_the_svg(kg, charts):
    names = kg.names([expand(c.spec.focus) for c in charts])
    ns = {"dc": "http://purl.org/dc/elements/1.1/"}
    for c in charts:
        root = ElementTree.fromstring(c.svg)
        title = root.find(".//dc:title", ns).text
        assert c.title["en"] in title and c.title["zh"] in title
        if c.spec.kind == "values":
            assert names[expand(c.spec.focus)]["en"] in title
        description = root.find(".//dc:description", ns).text
        for p in c.points:
            assert f"§{p.section}" in description
            if c.spec.kind != "values" or p.base is None:  # the axis's unit (rates are "+N%")
                assert p.unit_label["en"] == c.axis["en"] and p.unit_label["zh"] == c.axis["zh"]
            if p.agency_label:
                assert p.agency_label["en"] in description and p.agency_label["zh"] in description
        assert root.find(".//dc:date", ns) is None
        assert c.png[:8] == b"\x89PNG\r\n\x1a\n"


def test_drawing_ignores_the_users_matplotlib_settings(charts):
    chart = charts[0]
    with matplotlib.rc_context({"font.size": 20, "svg.hashsalt": None, "svg.fonttype": "none"}):
        assert render_chart(chart) == (chart.svg, chart.png)


def test_a_dollar_in_a_label_is_not_mathtext(charts):
    chart = dataclasses.replace(charts[0], title={"en": r"from $\frac{$ on", "zh": "美元$"})
    svg, png = render_chart(chart)  # as mathtext, "$\frac{$" is an error
    root = ElementTree.fromstring(svg)
    title = root.find(".//{http://purl.org/dc/elements/1.1/}title").text
    assert r"from $\frac{$ on" in title and png[:4] == b"\x89PNG"


def test_the_cjk_font_is_one_of_the_known_ones_or_none():
    assert cjk_font() is None or cjk_font() in CJK_FONTS
