"""How classes look on a map and how much room labels take (kg.maps.style).

The label metrics are checked against the browser: for every label of every map, in both
languages, the lines :func:`label_lines` predicts are the lines vis-network draws, and the width
predicted is the width drawn (within 3 %).
"""

from __future__ import annotations

import pytest
from mapbrowser import page_data

from kg.maps.style import CLASS_STYLES, label_lines, node_extent, node_size, style_of, text_width

#: The classes a reader must tell apart at a glance (the issue's list).
DISTINCT = (
    "cbec:Challenge",
    "cbec:Cause",
    "cbec:Effect",
    "cbec:Countermeasure",
    "cbec:Action",
    "cbec:Trend",
    "cbec:Actor",
)


def test_each_class_a_reader_meets_has_its_own_colour_and_look():
    looks = [style_of(c) for c in DISTINCT]
    assert len({s.colour for s in looks}) == len(DISTINCT)
    assert len({(s.colour, s.shape, s.size) for s in looks}) == len(DISTINCT)


def test_the_chain_reads_by_size_challenges_first():
    size = {c: style_of(c).size for c in DISTINCT}
    assert size["cbec:Challenge"] == max(size.values())
    assert size["cbec:Challenge"] > size["cbec:Cause"] == size["cbec:Effect"] > size["cbec:Action"]
    assert (
        size["cbec:Trend"] > size["cbec:Cause"]
        and size["cbec:Countermeasure"] > size["cbec:Action"]
    )
    font = {c: style_of(c).font for c in DISTINCT}
    assert font["cbec:Challenge"] == max(font.values())


def test_remedies_grow_with_leverage_but_stay_bounded():
    base = style_of("cbec:Action").size
    assert node_size("cbec:Action") == base
    assert node_size("cbec:Action", 1) < node_size("cbec:Action", 9) <= base + 12
    assert node_size("cbec:Action", 10_000) == base + 12
    assert node_size("cbec:Unknown") == style_of("cbec:Unknown").size


def test_text_width_by_hand():
    # Arial advance widths in 1/1000 em: t 278, a 556, l 222, e 556, n 556; CJK one em
    assert text_width("talent", 10) == pytest.approx((278 + 556 + 222 + 556 + 556 + 278) / 100)
    assert text_width("人才缺乏", 15) == 60


def test_label_lines_wrap_like_vis_network_by_hand():
    # "Talent in short" is 136 px at 21 px, but vis measures each gap as three spaces (+23 px)
    assert label_lines("Talent in short supply", 21, 210) == ["Talent in short", "supply"]
    # a word wider than the line is cut after the first character that overflows
    assert label_lines("人才培育与引进", 20, 50) == ["人才培", "育与引", "进"]
    assert label_lines("", 14, 100) == [""]


def test_node_extent_reserves_the_taller_label_of_both_languages():
    width, above, below = node_extent("cbec:Cause", 15, ["a long English label for a cause", "短"])
    lines = label_lines("a long English label for a cause", 17, 190)
    assert above == 15
    assert below == pytest.approx(15 + 4 + 8.5 + 17 * len(lines))
    assert width == pytest.approx(max(text_width(line, 17) for line in lines))


def test_every_class_in_the_ontology_order_is_styled():
    assert list(CLASS_STYLES)[:3] == ["cbec:Challenge", "cbec:Effect", "cbec:Cause"]


@pytest.mark.browser
def test_predicted_lines_are_the_lines_vis_network_draws(maps, open_page):
    for name in ("map", "maps/actors"):
        strings = page_data(maps[name])["s"]
        assert strings
        for lang in ("en", "zh"):
            page = open_page(maps[name], f"#lang={lang}")
            drawn = page.js(
                """() => { const net = kgMap.network; const out = [];
                   for (const id of net.body.nodeIndices) { const n = net.body.nodes[id];
                     const L = n.labelModule; L.getTextSize(net.renderer.canvas.getContext());
                     out.push([n.options.label, L.fontOptions.size, L.fontOptions.maxWdt,
                               L.lineCount, L.size.width]); }
                   return out; }"""
            )
            assert drawn
            for label, font, wrap, count, width in drawn:
                # a line exactly as wide as the limit may break either way: both are predicted
                ways = [label_lines(label, font, wrap, eps) for eps in (0.5, -0.5)]
                assert count in {len(lines) for lines in ways}, (label, font, wrap)
                widths = [max(text_width(line, font) for line in lines) for lines in ways]
                assert min(widths) * 0.97 <= width <= max(widths) * 1.01, label
            page.page.context.close()
