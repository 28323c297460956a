"""Drawing the charts of :mod:`kg.charts` with matplotlib: SVG and PNG, deterministic bytes.

matplotlib's SVG ids come from a fixed ``svg.hashsalt``, no date or software version is written
into the SVG or PNG metadata, and rendering uses fixed rc settings (a user's ``matplotlibrc``
does not change the output), so two builds give the same bytes. Text is never parsed as
mathtext (``text.parse_math`` off): a ``$`` in a label stays a dollar sign. Chinese text needs
a font with CJK glyphs (:func:`cjk_font`; :data:`CJK_HINT` says how to get one).

>>> from kg.charts import build_charts
>>> from kg.loader import load_graph
>>> chart = build_charts(load_graph(), render=False)[0]
>>> svg, png = render_chart(chart)
>>> svg.startswith(b"<?xml"), png[:4] == b"\\x89PNG"
(True, True)
"""

from __future__ import annotations

import io
import textwrap
import warnings
from functools import cache
from typing import TYPE_CHECKING, Any

from kg.namespaces import expand

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

    from kg.charts import Chart

__all__ = ["CJK_FONTS", "CJK_HINT", "cjk_font", "render_chart"]

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
