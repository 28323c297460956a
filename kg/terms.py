"""Name a node the way a researcher would: by IRI, CURIE, or a label fragment in either language.

A label equal to the term (ignoring case and spaces) wins over partial matches; several partial
matches are listed as candidates; an unknown term gets the closest labels as suggestions.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> b = MemoryBackend(load_graph())
>>> resolve(b, "人才缺乏").iri.endswith("challenge-talent")
True
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from rdflib import URIRef

from kg.backends import Backend
from kg.errors import InputError
from kg.namespaces import PREFIXES, curie, expand

__all__ = ["Match", "label_index", "normalise_label", "resolve", "words"]

LABELS_QUERY = """
SELECT ?node ?label ?type WHERE {
  ?node a/rdfs:subClassOf* ?type ; skos:prefLabel ?label .
  ?type rdfs:subClassOf* cbec:DomainConcept .
  FILTER(STRSTARTS(STR(?type), STR(cbec:)))
}
"""


@dataclass(frozen=True, order=True)
class Match:
    """A node a term resolved to."""

    iri: str
    label_en: str = ""
    label_zh: str = ""
    type: str = ""
    types: tuple[str, ...] = ()  # every cbec class of the node, super-classes included
    rank: int = 99  # display order of the node's group (challenges first), for candidate lists

    def describe(self) -> str:
        """``label (zh label) <curie> [type]`` for candidate lists."""
        return f"{self.label_en} ({self.label_zh}) <{curie(self.iri)}> [{self.type}]"


def normalise_label(text: str) -> str:
    """Case-folded form used for matching, without whitespace or hyphens ("brand building"
    matches "brand-building").

    >>> normalise_label("  Credit  Guarantee "), normalise_label("Brand-building")
    ('creditguarantee', 'brandbuilding')
    """
    return re.sub(r"[\s\-‐‑–]+", "", text).casefold()


def label_index(backend: Backend) -> list[Match]:
    """Every domain node with its labels and most specific cbec type, sorted by IRI."""
    nodes: dict[str, dict[str, str]] = {}
    types: dict[str, set[str]] = {}
    for node, label, typ in backend.query(LABELS_QUERY).rows:
        entry = nodes.setdefault(str(node), {})
        entry.setdefault(getattr(label, "language", None) or "", str(label))
        types.setdefault(str(node), set()).add(curie(str(typ)))
    from kg.model import model_of

    model = model_of(backend)
    order = {c.group: c.order for c in model.groups()}
    out = []
    for iri in sorted(nodes):
        labels = nodes[iri]
        out.append(
            Match(
                iri,
                labels.get("en", labels.get("zh", "")),
                labels.get("zh", labels.get("en", "")),
                _most_specific(types[iri], model),
                tuple(sorted(types[iri])),
                order.get(model.group_of(types[iri]) or "", 99),
            )
        )
    return out


def _most_specific(types: set[str], model) -> str:
    """The class of ``types`` that no other of them is a sub-class of (by name on ties)."""
    leaves = [t for t in types if not any(o != t and t in model.ancestors(o) for o in types)]
    return sorted(leaves or types)[0]


def resolve(
    backend: Backend | None, term: str, index: list[Match] | None = None, of_type: str | None = None
) -> Match:
    """Resolve ``term`` to exactly one node or raise :class:`InputError` (exit code 2).

    ``of_type`` (a CURIE such as ``cbec:Challenge``) restricts label matches to that class.
    """
    if index is None:
        if backend is None:
            raise ValueError("resolve needs a backend or an index")
        index = label_index(backend)
    by_iri = {m.iri: m for m in index}
    iri = _as_iri(term)
    if of_type is not None:
        if iri is not None and iri in by_iri and of_type not in by_iri[iri].types:
            found = by_iri[iri]
            raise InputError(f"{term!r} is a {found.type}, not a {of_type}: {found.describe()}")
        index = [m for m in index if of_type in m.types]
    if iri is None and _unknown_prefix(term):
        prefix = term.split(":", 1)[0]
        close = difflib.get_close_matches(prefix, list(PREFIXES), n=3, cutoff=0.5)
        hint = f"; did you mean: {', '.join(c + ':' for c in close)}?" if close else ""
        raise InputError(
            f"unknown prefix {prefix + ':'!r} in {term!r}{hint} (see `kg queries --prefixes`)"
        )
    if iri is not None:
        if iri in by_iri:
            return by_iri[iri]
        if backend is not None and backend.query("ASK { ?s ?p ?o }", {"s": URIRef(iri)}).boolean:
            return Match(iri, curie(iri), curie(iri), "")
        close = difflib.get_close_matches(
            curie(iri), [curie(m.iri) for m in index], n=5, cutoff=0.6
        )
        raise InputError(f"unknown node {term!r}" + _suggest(close))
    key = normalise_label(term)
    if not key:
        raise InputError("empty term")
    exact = [m for m in index if key in (normalise_label(m.label_en), normalise_label(m.label_zh))]
    if len(exact) == 1:
        return exact[0]
    if exact:
        partial = exact
    else:  # a fragment of a label, or its words in any order: all of them are candidates
        fragments = [m for m in index if _fragment_of(key, m)]
        seen = {m.iri for m in fragments}
        partial = fragments + [m for m in _word_matches(term, index) if m.iri not in seen]
    if len(partial) == 1:
        return partial[0]
    if partial:
        partial = sorted(partial, key=lambda m: (m.rank, m.label_en, m.iri))
        listing = "\n".join(f"  {m.describe()}" for m in partial[:25])
        more = f"\n  … and {len(partial) - 25} more" if len(partial) > 25 else ""
        raise InputError(
            f"{term!r} matches {len(partial)} nodes; be more specific or use an IRI:\n"
            f"{listing}{more}"
        )
    raise InputError(f"no node matches {term!r}" + _suggest(_closest(key, index)))


def _fragment_of(key: str, m: Match) -> bool:
    return key in normalise_label(m.label_en) or key in normalise_label(m.label_zh)


_WORD = re.compile(r"[^\W_]+(?:-[^\W_]+)*")


def words(text: str) -> set[str]:
    """The words of a label, case-folded: hyphenated words kept whole and split, and plural
    English words also in the singular.

    >>> sorted(words("Shortage of cross-border talents"))
    ['border', 'cross', 'cross-border', 'of', 'shortage', 'talent', 'talents']
    """
    found = {w.casefold() for w in _WORD.findall(text)}
    found |= {part for w in found for part in w.split("-")}
    plural = {w for w in found if len(w) > 3 and w.endswith("s") and not w.endswith("ss")}
    return found | {w[:-1] for w in plural if w.isascii()}


def _word_matches(term: str, index: list[Match]) -> list[Match]:
    """Nodes whose English label holds every word of ``term`` (in any order), or whose Chinese
    label holds every Chinese fragment of it: "talent shortage" finds the talent challenge."""
    wanted = {w for w in words(term) if len(w) > 1}
    if not wanted:
        return []
    return [
        m
        for m in index
        if wanted <= words(m.label_en) or all(w in normalise_label(m.label_zh) for w in wanted)
    ]


def _as_iri(term: str) -> str | None:
    term = term.strip()
    if term.startswith("<") and term.endswith(">"):
        return term[1:-1]
    if term.startswith(("http://", "https://", "urn:")):
        return term
    if ":" in term and term.split(":", 1)[0] in PREFIXES:
        return expand(term)
    return None


def _unknown_prefix(term: str) -> bool:
    """``foo:bar`` with an undeclared prefix (a CURIE-looking term, not a label with a colon)."""
    return bool(re.fullmatch(r"[A-Za-z][\w-]*:[\w.-]+", term.strip()))


def _closest(key: str, index: list[Match], n: int = 5) -> list[str]:
    labels: dict[str, str] = {}
    for m in index:
        for label in (m.label_en, m.label_zh):
            labels.setdefault(normalise_label(label), label)
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, norm).ratio(), labels[norm]) for norm in labels),
        key=lambda pair: (-pair[0], pair[1]),
    )
    return [label for score, label in scored[:n] if score >= 0.3]


def _suggest(names: list[str]) -> str:
    if not names:
        return "; no similar labels found"
    return "; did you mean: " + ", ".join(repr(n) for n in names) + "?"
