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
from typing import TYPE_CHECKING

from rdflib import URIRef

from kg.errors import InputError
from kg.namespaces import PREFIXES, curie, expand

if TYPE_CHECKING:
    from kg.backends import Backend
    from kg.model import ChainModel
    from kg.termindex import TermIndex

__all__ = ["Match", "label_index", "normalise_label", "resolve", "words"]

#: Every labelled instance of the domain classes (bound by a VALUES row of the classes the model
#: reads from the ontology): one scan per class instead of a property path over every type.
LABELS_QUERY = """
SELECT ?node ?class ?label WHERE { ?node a ?class ; skos:prefLabel ?label }
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
    """Every labelled node of a ``cbec`` domain class with its labels and classes (super-classes
    included, from the chain model), sorted by IRI."""
    from kg.model import model_of

    model = model_of(backend)
    domain = sorted(c for c in model.classes if c.startswith("cbec:"))
    closure = {c: {a for a in model.ancestors(c) if a in domain} for c in domain}
    values = " ".join(URIRef(expand(c)).n3() for c in domain)
    text = LABELS_QUERY.replace("WHERE {", f"WHERE {{ VALUES ?class {{ {values} }}", 1)
    nodes: dict[str, dict[str, str]] = {}
    types: dict[str, set[str]] = {}
    rows = backend.query(text).rows if domain else []
    for node, cls, label in sorted(rows, key=lambda r: (str(r[0]), str(r[2]), str(r[1]))):
        entry = nodes.setdefault(str(node), {})
        entry.setdefault(getattr(label, "language", None) or "", str(label))
        types.setdefault(str(node), set()).update(closure[curie(str(cls))])
    kinds: dict[frozenset[str], tuple[str, tuple[str, ...], int]] = {}  # per set of classes
    out = []
    for iri in sorted(nodes):
        labels = nodes[iri]
        key = frozenset(types[iri])
        if key not in kinds:
            kinds[key] = _kind(key, model)
        typ, all_types, rank = kinds[key]
        out.append(
            Match(
                iri,
                labels.get("en", labels.get("zh", "")),
                labels.get("zh", labels.get("en", "")),
                typ,
                all_types,
                rank,
            )
        )
    return out


def _unindexed(backend: Backend, iri: str) -> Match:
    """A node the index does not hold (it has no label of a domain node), named as
    :func:`kg.labels.labels` names it everywhere else, with its classes."""
    from kg.labels import labels
    from kg.model import model_of

    model = model_of(backend)
    name = labels(backend, [iri])[iri]
    rows = backend.query("SELECT ?class WHERE { ?s a ?class }", {"s": URIRef(iri)}).rows
    types = {
        a
        for (cls,) in rows
        if curie(str(cls)) in model.classes
        for a in model.ancestors(curie(str(cls)))
        if a.startswith("cbec:")
    }
    if not types:
        return Match(iri, name["en"], name["zh"])
    return Match(iri, name["en"], name["zh"], *_kind(frozenset(types), model))


def _kind(types: frozenset[str], model: ChainModel) -> tuple[str, tuple[str, ...], int]:
    """What a node of the classes ``types`` (super-classes included) is, as a :class:`Match`
    holds it: its most specific class, all of them sorted, and the rank of its group (99 for
    none)."""
    order = {c.group: c.order for c in model.groups()}
    return (
        _most_specific(set(types), model),
        tuple(sorted(types)),
        order.get(model.group_of(types) or "", 99),
    )


def _most_specific(types: set[str], model: ChainModel) -> str:
    """The class of ``types`` that no other of them is a sub-class of (by name on ties)."""
    leaves = [t for t in types if not any(o != t and t in model.ancestors(o) for o in types)]
    return sorted(leaves or types)[0]


def resolve(
    backend: Backend | None,
    term: str,
    index: list[Match] | TermIndex | None = None,
    of_type: str | None = None,
) -> Match:
    """Resolve ``term`` to exactly one node or raise :class:`InputError` (exit code 2).

    ``of_type`` (a CURIE such as ``cbec:Challenge``) restricts label matches to that class.
    ``index`` is a list of matches (:func:`label_index`) or a :class:`kg.termindex.TermIndex`;
    by default the backend's index (:func:`kg.termindex.index_of`): the one ``kg build`` wrote
    into its store, so an IRI or CURIE is one lookup and a label a few, never a scan of the KG.
    """
    from kg.termindex import TermIndex, index_of

    if index is None:
        if backend is None:
            raise ValueError("resolve needs a backend or an index")
        index = index_of(backend)
    elif not isinstance(index, TermIndex):
        index = TermIndex.of(index)
    iri = _as_iri(term)
    if iri is None and _unknown_prefix(term):
        prefix = term.split(":", 1)[0]
        close = difflib.get_close_matches(prefix, list(PREFIXES), n=3, cutoff=0.5)
        hint = f"; did you mean: {', '.join(c + ':' for c in close)}?" if close else ""
        raise InputError(
            f"unknown prefix {prefix + ':'!r} in {term!r}{hint} (see `kg queries --prefixes`)"
        )
    if iri is not None:
        found = index.get(iri)
        if found is not None:
            if of_type is not None and of_type not in found.types:
                raise InputError(f"{term!r} is a {found.type}, not a {of_type}: {found.describe()}")
            return found
        if backend is not None and backend.query("ASK { ?s ?p ?o }", {"s": URIRef(iri)}).boolean:
            return _unindexed(backend, iri)
        close = index.close_curies(curie(iri), of_type)
        raise InputError(f"unknown node {term!r}" + _suggest(close))
    key = normalise_label(term)
    if not key:
        raise InputError("empty term")
    exact = index.exact(key, of_type)
    if len(exact) == 1:
        return exact[0]
    if exact:
        partial = exact
    else:  # a fragment of a label, or its words in any order: all of them are candidates
        fragments = index.fragment(key, of_type)
        seen = {m.iri for m in fragments}
        wanted = {w for w in words(term) if len(w) > 1}
        partial = fragments + [m for m in index.word_matches(wanted, of_type) if m.iri not in seen]
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
    raise InputError(f"no node matches {term!r}" + _suggest(index.closest_labels(key, of_type)))


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


def _suggest(names: list[str]) -> str:
    if not names:
        return "; no similar labels found"
    return "; did you mean: " + ", ".join(repr(n) for n in names) + "?"
