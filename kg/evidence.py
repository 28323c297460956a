"""Anchor quotes in the source text and re-find them, as annotation tools do.

Offsets, prefixes and suffixes refer to the *normalised* source text: Unicode NFC with every
whitespace character removed (the source is text extracted from a PDF, broken mid-sentence).

>>> text = normalise("跨境电商 出口额\\n持续增长")
>>> text
'跨境电商出口额持续增长'
>>> a = anchor("出口额", text, context=2)
>>> (a.start, a.end, a.prefix, a.suffix)
(4, 7, '电商', '持续')
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg import paths
from kg.errors import InputError
from kg.namespaces import CBEC, OA

__all__ = [
    "Anchor",
    "EvidenceProblem",
    "anchor",
    "evidence_iri",
    "find_source_text",
    "normalise",
    "turtle_snippet",
    "verify_evidence",
]

_WS = re.compile(r"\s+")

#: How many characters of context the curated data keeps on each side of a quote.
CONTEXT = 8


def normalise(text: str) -> str:
    """NFC-normalise ``text`` and remove all whitespace."""
    return _WS.sub("", unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class Anchor:
    """Where a quote sits in the normalised text."""

    exact: str
    start: int
    end: int
    prefix: str
    suffix: str


def anchor(quote: str, text: str, context: int = CONTEXT) -> Anchor:
    """Anchor ``quote`` in normalised ``text``; it must occur exactly once.

    Raises :class:`InputError` when the quote is absent or ambiguous (then a longer quote is
    needed: the toolkit never guesses between look-alike passages).
    """
    exact = normalise(quote)
    first = text.find(exact)
    if not exact or first < 0:
        raise InputError(f"quote not found in the source: {quote!r}")
    if text.find(exact, first + 1) >= 0:
        raise InputError(f"quote occurs more than once in the source, make it longer: {quote!r}")
    end = first + len(exact)
    return Anchor(
        exact, first, end, text[max(0, first - context) : first], text[end : end + context]
    )


def evidence_iri(exact: str, section: str) -> URIRef:
    """Deterministic IRI of an evidence node: section plus a hash of the quote.

    >>> evidence_iri("出口额", "1.1")
    rdflib.term.URIRef('https://w3id.org/cbec-kg/id/ev-1.1-...')
    """
    digest = hashlib.sha1(f"{section}|{normalise(exact)}".encode()).hexdigest()[:10]
    return URIRef(f"https://w3id.org/cbec-kg/id/ev-{section}-{digest}")


def turtle_snippet(quote: str, section: str, text: str, source: str = "id:source-xiang") -> str:
    """Turtle for an evidence node, for curators (``kg anchor``)."""
    a = anchor(quote, text)
    iri = evidence_iri(a.exact, section).removeprefix("https://w3id.org/cbec-kg/id/")
    esc = _turtle_string
    return (
        f"id:{iri} a cbec:Evidence ;\n"
        f"    oa:hasSource {source}-text ;\n"
        f"    cbec:inSection id:section-{section} ;\n"
        f"    oa:hasSelector [ a oa:TextQuoteSelector ;\n"
        f"        oa:exact {esc(a.exact)} ;\n"
        f"        oa:prefix {esc(a.prefix)} ;\n"
        f"        oa:suffix {esc(a.suffix)} ] ,\n"
        f"      [ a oa:TextPositionSelector ; oa:start {a.start} ; oa:end {a.end} ] .\n"
    )


def _turtle_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass(frozen=True)
class EvidenceProblem:
    """An evidence node whose quote cannot be re-found where the data says it is."""

    evidence: str
    owner: str
    kind: str  # "orphan" | "offset" | "context"
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.owner} — {self.detail} ({self.evidence})"


def find_source_text(graph: Graph, source: Node) -> str | None:
    """Read and normalise the text rendition of ``source`` (``None`` when it is not on disk)."""
    name = graph.value(source, CBEC.textFile)
    if name is None:
        return None
    path = paths.source_dir() / str(name)
    return normalise(path.read_text(encoding="utf-8")) if path.is_file() else None


def verify_evidence(graph: Graph, text: str, source_text_iri: Node) -> list[EvidenceProblem]:
    """Re-find every quote whose ``oa:hasSource`` is ``source_text_iri`` in normalised ``text``.

    A quote must appear at its recorded offsets with its recorded prefix and suffix. A quote that
    is nowhere in the text is an *orphan*; one found elsewhere is reported, never re-attached.
    """
    problems: list[EvidenceProblem] = []
    for ev in sorted(set(graph.subjects(OA.hasSource, source_text_iri)), key=str):
        owner = _owner_label(graph, ev)
        quote = pos = None
        for sel in graph.objects(ev, OA.hasSelector):
            if (sel, RDF.type, OA.TextQuoteSelector) in graph:
                quote = sel
            elif (sel, RDF.type, OA.TextPositionSelector) in graph:
                pos = sel
        exact = str(graph.value(quote, OA.exact)) if quote is not None else ""
        if not exact or exact not in text:
            problems.append(
                EvidenceProblem(str(ev), owner, "orphan", f"quote not in source: {exact!r}")
            )
            continue
        if pos is not None:
            start = int(str(graph.value(pos, OA.start)))
            end = int(str(graph.value(pos, OA.end)))
            if text[start:end] != exact:
                problems.append(
                    EvidenceProblem(str(ev), owner, "offset", f"{exact!r} is not at {start}–{end}")
                )
                continue
            prefix = str(graph.value(quote, OA.prefix) or "")
            suffix = str(graph.value(quote, OA.suffix) or "")
            if not text[:start].endswith(prefix) or not text[end:].startswith(suffix):
                problems.append(
                    EvidenceProblem(
                        str(ev), owner, "context", f"prefix/suffix differ around {exact!r}"
                    )
                )
    return problems


def quoted_share(graph: Graph, text: str, source_text_iri: URIRef) -> float:
    """Share of the normalised text's characters that some quote of this source covers."""
    covered: set[int] = set()
    for ev in graph.subjects(OA.hasSource, source_text_iri):
        for sel in graph.objects(ev, OA.hasSelector):
            start, end = graph.value(sel, OA.start), graph.value(sel, OA.end)
            if start is not None and end is not None:
                covered.update(range(int(str(start)), int(str(end))))
    return round(len(covered) / len(text), 4) if text else 0.0


def _owner_label(graph: Graph, ev: Node) -> str:
    owners = sorted(graph.subjects(CBEC.evidence, ev), key=str)
    if not owners:
        return "(unused evidence)"
    owner = owners[0]
    if (owner, RDF.type, CBEC.Link) in graph:
        s, p, o = (
            graph.value(owner, CBEC[k]) for k in ("linkSubject", "linkPredicate", "linkObject")
        )
        return f"link {_label(graph, s)} —{_label(graph, p)}→ {_label(graph, o)}"
    return _label(graph, owner)


def _label(graph: Graph, node: Node | None) -> str:
    from kg.labels import label_of

    return label_of(graph, node, "en")


def source_text_files(graph: Graph) -> list[Path]:
    """Paths of every source text the data names (``cbec:textFile`` in ``KG_SOURCE_DIR``)."""
    return sorted(paths.source_dir() / str(name) for name in graph.objects(None, CBEC.textFile))


def source_text_path(graph: Graph, source: URIRef) -> Path | None:
    """Path of the source's text file, if known."""
    name = graph.value(source, CBEC.textFile)
    return paths.source_dir() / str(name) if name is not None else None
