"""The small pieces every section of the brief's HTML is made of, in one language: a name, a
label, a node with its first citation, a citation, the note on a link (its citation and, for an
inferred link, the rationale), a number as a ``<data>`` element naming where it comes from, and
an SVG as a ``data:`` URI. Text from the KG is always escaped.

>>> from kg.brief.content import Num
>>> segments(["growth ", Num("39.2", "obs", ("https://w3id.org/cbec-kg/id/obs-1",)), " <b>"])
'growth <data value="39.2" data-kind="obs" data-ref="id:obs-1">39.2</data> &lt;b&gt;'
>>> data_uri("<svg/>")
'data:image/svg+xml;base64,PHN2Zy8+'
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from kg.brief.content import Content, Num, Segment
from kg.brief.words import w
from kg.namespaces import curie

__all__ = ["Pieces", "data_uri", "segments"]


def segments(parts: list[Segment]) -> str:
    """Text and numbers as HTML: each number a ``<data>`` element with its kind and sources."""
    out = []
    for s in parts:
        if isinstance(s, Num):
            refs = " ".join(curie(r) for r in s.refs)
            out.append(
                f'<data value="{escape(s.text)}" data-kind="{s.kind}" data-ref="{escape(refs)}">'
                f"{escape(s.text)}</data>"
            )
        else:
            out.append(escape(s))
    return "".join(out)


def data_uri(svg: str | bytes) -> str:
    """An SVG as a ``data:`` URI (an SVG in an ``<img>`` can run no script)."""
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


class Pieces:
    """The pieces of the brief in ``lang`` (names fall back to the other language, then the
    CURIE)."""

    def __init__(self, content: Content, lang: str):
        self.c, self.lang = content, lang
        self.other = "zh" if lang == "en" else "en"

    def name(self, iri: str) -> str:
        names = self.c.names.get(iri, {})
        return names.get(self.lang) or names.get(self.other) or curie(iri)

    @staticmethod
    def text_label(text: str) -> str:
        return f'<span class="label">{escape(text)}</span>' if text else ""

    def label(self, iri: str) -> str:
        return f'<span class="label">{escape(self.name(iri))}</span>'

    def cite(self, ev: dict[str, Any], of: str = "") -> str:
        target = f' data-of="{escape(curie(of))}"' if of else ""
        return (
            f'<cite{target}><span class="sec">§{escape(ev["section"])}</span> '
            f"<q>{escape(ev['quote'])}</q></cite>"
        )

    def node(self, iri: str, type_: str, evidence: list[dict[str, Any]]) -> str:
        cites = " ".join(self.cite(e, iri) for e in evidence[:1])
        return (
            f'<span class="node" data-iri="{escape(curie(iri))}" data-type="{escape(type_)}">'
            f"{self.label(iri)} {cites}</span>"
        )

    def link_note(self, link: dict[str, Any]) -> str:
        cites = " ".join(self.cite(e) for e in link.get("evidence", [])[:1])
        note = cites
        if not link["stated"]:
            rationale = escape(link.get("rationale") or "")
            note += (
                f' <span class="inferred">{escape(w("inferred", self.lang))}: '
                f'<span class="rationale">{rationale}</span></span>'
            )
        return note
