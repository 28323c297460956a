"""How each class of node looks on a map, and how much room its label takes.

One colour, shape, size and font per class (:data:`CLASS_STYLES`): the problem tree in warm
colours (challenge largest), remedies in greens, trends in blue, who acts in purples. Remedies
grow with their leverage. Labels are drawn below the node, wrapped at the class's width, in
:data:`FONT_FACE`; :func:`label_lines` wraps a label the way vis-network does, with the advance
widths of Arial (Liberation Sans has the same metrics) and one em per CJK character, so the
layout (:mod:`kg.maps.layout`) can keep every label's box free of the others.

>>> style_of("cbec:Challenge").size > style_of("cbec:Cause").size > style_of("cbec:Action").size
True
>>> label_lines("Shortage of cross-border e-commerce talent", 16, 160)
['Shortage of', 'cross-border', 'e-commerce talent']
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CLASS_STYLES",
    "DEFAULT_STYLE",
    "FONT_FACE",
    "LABEL_GAP",
    "Style",
    "class_order",
    "label_lines",
    "node_extent",
    "node_size",
    "style_of",
    "text_width",
]

#: The canvas font of node labels: Arial's metrics (Liberation Sans on Linux), then CJK fonts.
#: vis-network strips quotes from font names, so names are given bare.
FONT_FACE = (
    "Arial, Liberation Sans, Helvetica, Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, "
    "PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif"
)

#: vis-network puts a node's label this far below its shape (plus half a line).
LABEL_GAP = 4


@dataclass(frozen=True)
class Style:
    """The look of a class: fill colour, vis-network shape, size (half the shape's width, in
    canvas units), label font size and the width at which labels wrap."""

    colour: str
    shape: str
    size: int
    font: int
    wrap: int


#: Look of each class, in legend order; a class not listed gets :data:`DEFAULT_STYLE`.
CLASS_STYLES: dict[str, Style] = {
    "cbec:Challenge": Style("#d62728", "triangle", 26, 24, 230),
    "cbec:Effect": Style("#ad1457", "triangle", 15, 17, 190),
    "cbec:Cause": Style("#ff7f0e", "triangleDown", 15, 17, 190),
    "cbec:Countermeasure": Style("#2ca02c", "square", 20, 22, 220),
    "cbec:Action": Style("#98df8a", "dot", 9, 15, 190),
    "cbec:Trend": Style("#1f77b4", "star", 22, 22, 220),
    "cbec:Actor": Style("#9467bd", "diamond", 10, 15, 150),
    "cbec:Platform": Style("#c5b0d5", "diamond", 10, 15, 150),
    "cbec:Driver": Style("#17becf", "diamond", 12, 15, 170),
    "cbec:Finding": Style("#8c564b", "hexagon", 12, 15, 170),
    "cbec:Policy": Style("#7f7f7f", "square", 12, 15, 170),
    "cbec:Standard": Style("#bcbd22", "square", 12, 15, 170),
    "cbec:BusinessModel": Style("#e377c2", "hexagon", 12, 15, 170),
    "cbec:ProductCategory": Style("#f7b6d2", "hexagon", 12, 15, 170),
    "cbec:Technology": Style("#aec7e8", "star", 12, 15, 170),
    "cbec:Indicator": Style("#dbdb8d", "dot", 10, 15, 170),
    "cbec:Unit": Style("#c7c7c7", "dot", 10, 15, 170),
    "cbec:Observation": Style("#c49c94", "dot", 10, 15, 170),
    "cbec:Section": Style("#ffbb78", "square", 10, 15, 170),
}
DEFAULT_STYLE = Style("#555555", "dot", 10, 15, 170)


def style_of(cls: str) -> Style:
    """The look of a class (CURIE)."""
    return CLASS_STYLES.get(cls, DEFAULT_STYLE)


def class_order(cls: str) -> tuple[int, str]:
    """Sort key of a class: legend order, unknown classes last by name."""
    order = list(CLASS_STYLES)
    return (order.index(cls) if cls in order else len(order), cls)


def node_size(cls: str, leverage: int = 0) -> int:
    """Node size: the class's, plus a little per cause or challenge a remedy reaches.

    >>> node_size("cbec:Action"), node_size("cbec:Action", 4), node_size("cbec:Action", 400)
    (9, 15, 21)
    """
    base = style_of(cls).size
    return base + min(12, round(3 * math.sqrt(max(leverage, 0))))


# --- text metrics ------------------------------------------------------------------------------

# Advance widths of Arial (= Liberation Sans = Helvetica) for printable ASCII, in 1/1000 em.
_ASCII = (
    "278 278 355 556 556 889 667 191 333 333 389 584 278 333 278 278 556 556 556 556 556 556 556 "
    "556 556 556 278 278 584 584 584 556 1015 667 667 722 722 667 611 778 722 278 500 667 556 833 "
    "722 778 667 778 722 667 611 722 667 944 667 667 611 278 278 278 469 556 333 556 556 500 556 "
    "556 278 556 556 222 222 500 222 833 556 556 556 556 333 500 278 556 500 722 500 500 500 334 "
    "260 334 584"
)
_WIDTHS = {chr(32 + i): int(w) for i, w in enumerate(_ASCII.split())}


@functools.cache
def _char_width(ch: str) -> int:
    if ch in _WIDTHS:
        return _WIDTHS[ch]
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1000
    if unicodedata.combining(ch):
        return 0
    return 600  # other Latin letters, dashes and quotes: a generous average


def text_width(text: str, font: float) -> float:
    """Width of ``text`` in canvas units at ``font`` px.

    >>> round(text_width("talent", 20)), text_width("人才", 20)
    (49, 40.0)
    """
    return sum(map(_char_width, text)) * font / 1000


#: Widths this close to the limit may count as over it or not: the browser's measures of text
#: are not exact, so a line exactly as wide as the limit may break either way.
_EPS = 0.5


def label_lines(text: str, font: float, wrap: float, eps: float = _EPS) -> list[str]:
    """``text`` wrapped at ``wrap`` canvas units exactly as vis-network 9 wraps a label
    (``LabelSplitter.splitStringIntoLines``): spaces are kept as words of their own and, while
    a line is being filled, measured with the space joining them (so each gap counts three
    spaces); a word wider than the line is cut after the first character that overflows.
    Widths within ``eps`` below the limit count as over it (``-eps`` to count them as under)."""
    return list(_lines(text, font, wrap, eps))


@functools.lru_cache(maxsize=65536)
def _lines(text: str, font: float, wrap: float, eps: float) -> tuple[str, ...]:
    """:func:`label_lines`, cached: maps are laid out several times with the same labels."""
    marked = re.sub(r"([^\r][^ ]*)( +)", "\\1\r\\2\r", re.sub(r"^( +)", "\\1\r", text))
    words = marked.split("\r")
    lines: list[str] = []
    while words:
        fitted, w = "", 0
        while w < len(words):
            candidate = fitted + (" " if fitted else "") + words[w]
            if text_width(candidate, font) > wrap - eps:
                break
            fitted, w = candidate, w + 1
        if w == 0:
            word = words[0]
            cut = 0
            while cut < len(word) and text_width(word[:cut], font) <= wrap - eps:
                cut += 1
            lines.append(word[:cut])
            words[0] = word[cut:]
            if not words[0]:
                words.pop(0)
            continue
        after = w
        if words[w - 1] == " ":
            w -= 1
        elif after < len(words) and words[after] == " ":
            after += 1
        lines.append("".join(words[:w]))
        words = words[after:]
    return tuple(line for line in lines if line) or ("",)


def node_extent(
    cls: str, size: int, labels: list[str], font: int | None = None
) -> tuple[float, float, float]:
    """``(width, above, below)`` of a node and its label in canvas units around its centre: the
    widest of its labels (one per language), the shape above the centre, the shape and the
    tallest label below it (the widest and tallest way a line exactly as wide as the limit may
    break). A larger ``font`` than the class's wraps proportionally wider.

    >>> w, above, below = node_extent("cbec:Trend", 22, ["Digital trade", "数字贸易"])
    >>> above, below > above
    (22, True)
    """
    st = style_of(cls)
    font = font or st.font
    wrap = st.wrap * font / st.font
    width, height = 2.0 * size, 0.0
    for text in labels:
        if not text:
            continue
        for eps in (_EPS, -_EPS):  # a line as wide as the limit may break either way: room for both
            lines = label_lines(text, font, wrap, eps)
            width = max(width, max(text_width(line, font) for line in lines))
            height = max(height, len(lines) * font)
    below = size + (LABEL_GAP + 0.5 * font + height if height else 0)
    return width, size, below
