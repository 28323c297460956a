"""Oxigraph's terms as rdflib's, fast: answers of the embedded store hold tens of thousands of
terms (labels, IRIs), and building each through rdflib's constructors would cost more than the
query itself.

>>> import pyoxigraph as ox
>>> node_from_ox(ox.Literal("信用", language="zh")).n3(), from_ox(None)
('"信用"@zh', None)
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

__all__ = ["XSD_STRING", "converter", "from_ox", "gc_paused", "node_from_ox", "string_literal"]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

_T = TypeVar("_T")


def from_ox(term: object) -> Node | None:
    """The rdflib term of a pyoxigraph term; ``None`` for ``None`` (unbound)."""
    return None if term is None else node_from_ox(term)


def node_from_ox(term: object) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):  # an IRI Oxigraph has parsed: no need to check it again
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return string_literal(term.value, term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return string_literal(term.value, None)
        return Literal(term.value, datatype=URIRef(dt))
    raise TypeError(f"unsupported term {term!r}")


def string_literal(value: str, language: str | None) -> Literal:
    """``Literal(value, lang=language)``, built directly: for a string (plain or with a
    language tag) rdflib's constructor only checks the tag, which Oxigraph has checked, and keeps
    the text as its value, at ten times the cost (answers hold tens of thousands of labels).

    >>> a, b = string_literal("信用", "zh"), Literal("信用", lang="zh")
    >>> (a == b, hash(a) == hash(b), a.value == b.value, a.n3())
    (True, True, True, '"信用"@zh')
    """
    literal = str.__new__(Literal, value)
    literal._language = language
    literal._datatype = None
    literal._value = value
    literal._ill_typed = None
    return literal


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while an answer is converted: tens of thousands of new terms
    and rows (none of them in a cycle) would otherwise set off collections of the whole heap,
    which cost as much as the conversion itself; collection resumes as it was afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def converter(convert: Callable[[object], _T]) -> Callable[[object], _T]:
    """``convert`` (:func:`from_ox`, :func:`node_from_ox`) remembering its answers: an answer
    repeats terms (types, predicates, assertion modes), and building an rdflib term costs far
    more than a dictionary lookup."""
    seen: dict[object, _T] = {}

    def remembered(term: object) -> _T:
        try:
            return seen[term]
        except KeyError:
            seen[term] = found = convert(term)
            return found

    return remembered
