"""The figure of one challenge (kg.brief.figure): text width and wrapping, the problem tree's
order, and the SVG — three columns, a box per node coloured by its group and indented by its
depth, a line from each remedy to what it addresses and supports (dashed when inferred), who acts
in grey, the headings in the brief's language, and text from the KG escaped.

Positions and sizes are worked out by hand from the module's constants (236-unit columns, a
52-unit gap, 14 units of indent per level, a 4-unit margin).
"""

from __future__ import annotations

import copy
import re

import pytest
from briefdata import EVIL, ID, TRACE
from lxml import etree

from kg.brief.figure import _tree, _width, _wrap, chain_figure

SVG = "{http://www.w3.org/2000/svg}"


def test_width_counts_cjk_as_one_em_and_latin_as_a_little_more_than_half():
    assert _width("ab", 10) == pytest.approx(11.2)
    assert _width("人民", 10) == pytest.approx(20)
    assert _width("a人", 10) == pytest.approx(15.6)


def test_wrap_breaks_latin_at_spaces_and_cjk_anywhere():
    # alpha = 28 units at size 10; "alpha beta" = 56
    assert _wrap("alpha beta gamma", 40, 10) == ["alpha", "beta", "gamma"]
    assert _wrap("alpha beta gamma", 60, 10) == ["alpha beta", "gamma"]
    assert _wrap("人民币汇率", 25, 10) == ["人民", "币汇", "率"]
    assert _wrap("", 40, 10) == [""]


def test_tree_lists_each_problem_once_depth_first_and_strays_last():
    items = [
        {"iri": "h", "causes": ["a", "b"]},
        {"iri": "a", "causes": ["c"]},
        {"iri": "b", "causes": ["a"]},  # a second way to a: listed once
        {"iri": "c"},
        {"iri": "x"},  # not below the root
    ]
    assert [(i["iri"], depth) for i, depth in _tree(items, "h")] == [
        ("h", 0),
        ("a", 1),
        ("c", 2),
        ("b", 1),
        ("x", 1),
    ]


def _svg(trace=TRACE, lang="en"):
    text = chain_figure(trace, lang)
    return text, etree.fromstring(text.encode())


def _box(root, fill):
    return [r for r in root.iter(f"{SVG}rect") if r.get("fill") == fill]


def test_three_columns_with_a_box_per_node_coloured_by_group_and_indented_by_depth():
    _, root = _svg()
    assert root.tag == f"{SVG}svg" and root.get("width") == "820"  # 3 × 236 + 2 × 52 + 8
    heads = [t.text for t in root.iter(f"{SVG}text") if t.get("font-weight") == "bold"][:3]
    assert heads == ["Problems", "Remedies (who acts)", "Trends"]
    (effect,) = _box(root, "#fde0cf")
    (challenge,) = _box(root, "#f6c1c1")
    causes = _box(root, "#ffe3c2")
    (countermeasure,) = _box(root, "#cfe8cf")
    actions = _box(root, "#e6f4e1")
    (trend,) = _box(root, "#d3e3f3")
    assert [effect.get("x"), challenge.get("x")] == ["4.0", "4.0"]
    assert [c.get("x") for c in causes] == ["18.0", "32.0"]  # a cause's cause one level deeper
    assert countermeasure.get("x") == "292.0" and [a.get("x") for a in actions] == ["306.0"] * 2
    assert trend.get("x") == "580.0"
    assert float(effect.get("y")) < float(challenge.get("y")) < float(causes[0].get("y"))


def test_remedies_are_joined_to_what_they_address_and_support_dashed_when_inferred():
    _, root = _svg()
    paths = list(root.iter(f"{SVG}path"))
    assert len(paths) == 2  # cm → ch (addresses, stated), cm → trend (supports, inferred)
    (solid,) = [p for p in paths if not p.get("stroke-dasharray")]
    (dashed,) = [p for p in paths if p.get("stroke-dasharray") == "5 3"]
    y = r"[\d.]+"
    # addresses: from the countermeasure's left edge (292) to the challenge's right (4 + 236)
    assert re.fullmatch(rf"M292\.0,{y} C266\.0,{y} 266\.0,{y} 240\.0,{y}", solid.get("d"))
    # supports: from its right edge (292 + 236) to the trend's left (580)
    assert re.fullmatch(rf"M528\.0,{y} C554\.0,{y} 554\.0,{y} 580\.0,{y}", dashed.get("d"))


def test_who_acts_is_a_grey_note_in_the_remedy_box():
    _, root = _svg()
    notes = [t.text for t in root.iter(f"{SVG}text") if t.get("fill") == "#555"]
    assert notes == ["— actor"]


def test_headings_and_labels_in_chinese():
    _, root = _svg(lang="zh")
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts[:3] == ["问题", "对策与措施（实施主体）", "趋势"]
    assert "ch（中）" in texts and "ch" not in texts


def test_text_from_the_kg_is_escaped_and_the_svg_refers_to_nothing():
    trace = copy.deepcopy(TRACE)
    trace["causes"][0]["label"] = {"en": EVIL, "zh": EVIL}
    text, root = _svg(trace)
    assert "<img" not in text and "&lt;img" in text
    assert not root.xpath("//*[local-name()='script' or local-name()='image' or local-name()='a']")
    assert "href" not in text
    assert EVIL.split(" ")[0] in "".join(t.text or "" for t in root.iter(f"{SVG}text"))


def test_the_same_trace_gives_the_same_bytes():
    assert chain_figure(TRACE, "en") == chain_figure(copy.deepcopy(TRACE), "en")
    assert ID + "ch" not in chain_figure(TRACE, "en")  # labels, not IRIs
