"""The small pieces every section of the brief's HTML is made of, in one language: a name, a
label, a node with its citation, a citation, the note on a link (its citation and, for an
inferred link, the rationale), a number as a ``<data>`` element naming where it comes from, and
an SVG as a ``data:`` URI. Text from the KG is always escaped.

Within a section of the page (:meth:`Pieces.begin`) each quote is shown once: a later citation
of the same words gives the section and links back to it.

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
from kg.brief.quotes import link_key
from kg.brief.words import w
from kg.namespaces import curie
from kg.render.text import rationale_in

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
        self.quotes: dict[str, dict[str, Any]] = {}
        self._section = ""
        self._shown: dict[tuple[str, str], str] = {}

    def begin(self, section: str, quotes: dict[str, dict[str, Any]] | None = None) -> None:
        """Start the section ``section`` (an id prefix): its quotes are shown once each, and a
        node or link cites the quote ``quotes`` (:func:`kg.brief.quotes.chosen_quotes`) picks
        for it, else its first."""
        self._section, self._shown, self.quotes = section, {}, quotes or {}

    def name(self, iri: str) -> str:
        names = self.c.names.get(iri, {})
        return names.get(self.lang) or names.get(self.other) or curie(iri)

    @staticmethod
    def text_label(text: str) -> str:
        return f'<span class="label">{escape(text)}</span>' if text else ""

    def label(self, iri: str) -> str:
        return f'<span class="label">{escape(self.name(iri))}</span>'

    def cite(self, ev: dict[str, Any], of: str = "") -> str:
        """The section and the quoted words — or, when the section has shown these words
        already, the section and a link back to them."""
        target = f' data-of="{escape(curie(of))}"' if of else ""
        sec = f'<span class="sec">§{escape(ev["section"])}</span>'
        key = (ev["section"], ev["quote"])
        if key in self._shown:
            again = escape(w("again", self.lang))
            return (
                f'<cite class="again"{target}><a href="#{self._shown[key]}">{sec} '
                f"{again}</a></cite>"
            )
        anchor = f"{self._section}-q{len(self._shown) + 1}".lstrip("-")
        self._shown[key] = anchor
        return f'<cite id="{escape(anchor)}"{target}>{sec} <q>{escape(ev["quote"])}</q></cite>'

    def quote(self, key: str, evidence: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The quote chosen for a node or link (``key``: IRI or link key), else its first."""
        return self.quotes.get(key) or (evidence[0] if evidence else None)

    def node(self, iri: str, type_: str, evidence: list[dict[str, Any]]) -> str:
        ev = self.quote(iri, evidence)
        cites = self.cite(ev, iri) if ev else ""
        return (
            f'<span class="node" data-iri="{escape(curie(iri))}" data-type="{escape(type_)}">'
            f"{self.label(iri)} {cites}</span>"
        )

    def link_note(self, link: dict[str, Any]) -> str:
        ev = self.quote(link_key(link), link.get("evidence", []))
        note = self.cite(ev) if ev else ""
        if not link["stated"]:
            rationale = escape(rationale_in(link, self.lang))
            note += (
                f' <span class="inferred">{escape(w("inferred", self.lang))}: '
                f'<span class="rationale">{rationale}</span></span>'
            )
        return note
