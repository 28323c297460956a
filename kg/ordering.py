"""ORDER BY in Python for the embedded store: same order, a fraction of the cost.

Oxigraph sorts by decoding both terms of every comparison from the store (an ``ORDER BY
STR(?node)`` over 20,000 rows costs it seconds), while the answers of the named queries are
small enough to sort in Python in milliseconds. :func:`plan` recognises a query whose final
``ORDER BY`` uses only ascending keys of the forms ``?v``, ``STR(?v)``, ``COALESCE(STR(?v), "")``,
``COALESCE(?v, "")`` and ``COALESCE(?v, 99)`` (an integer), with nothing after it;
:meth:`Plan.sort` then orders the rows by the SPARQL rules for those keys (unbound first; ``STR``
and strings by code point; numbers by value; IRIs by their text) and answers ``None`` — run the
query as written — for any column it cannot order exactly as Oxigraph would (mixed kinds of
terms, language tags, other datatypes).

>>> p = plan("SELECT ?a ?b WHERE { ?a <urn:p> ?b } ORDER BY STR(?a) ?b")
>>> p.keys, p.text
((('str', 'a'), ('term', 'b')), 'SELECT ?a ?b WHERE { ?a <urn:p> ?b } ')
>>> plan("SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY DESC(?a)") is None
True
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, TypeAlias

from rdflib import BNode, Literal, URIRef

__all__ = ["Plan", "plan"]

#: A row of an answer: one value per variable (an rdflib term, ``None`` for unbound).
Row: TypeAlias = tuple[Any, ...]
#: The sort key of one value (see :func:`_key`).
Key: TypeAlias = tuple[int] | tuple[int, str] | tuple[int, Decimal]

_KEY = re.compile(
    r"""\s*(?:
        STR\(\s*\?(?P<str>\w+)\s*\)
      | COALESCE\(\s*STR\(\s*\?(?P<cstr>\w+)\s*\)\s*,\s*""\s*\)
      | COALESCE\(\s*\?(?P<cterm>\w+)\s*,\s*""\s*\)
      | COALESCE\(\s*\?(?P<cnum>\w+)\s*,\s*(?P<default>[+-]?\d+)\s*\)
      | \?(?P<term>\w+)
    )""",
    re.I | re.X,
)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {
    _XSD + name
    for name in (
        "integer decimal nonNegativeInteger positiveInteger nonPositiveInteger negativeInteger",
        "long int short byte unsignedLong unsignedInt unsignedShort unsignedByte",
    )
    for name in name.split()
}


@dataclass(frozen=True)
class Plan:
    """A query without its ORDER BY (``text``), the sort keys, and the variables added to the
    projection to sort by (dropped again after sorting)."""

    text: str
    keys: tuple[tuple[str, str], ...]
    added: tuple[str, ...] = ()

    def sort(self, variables: list[str], rows: list[Row]) -> tuple[list[str], list[Row]] | None:
        """``(variables, rows)`` in order, without the added variables; ``None`` when a column
        holds terms this module does not order exactly as Oxigraph does."""
        index = {v: i for i, v in enumerate(variables)}
        if any(v not in index for _, v in self.keys):
            return None
        columns = []
        for kind, var in self.keys:
            at = index[var]
            column = [_key(kind, row[at]) for row in rows]
            kinds = {k[0] for k in column if k is not None and k[0] != 0}
            if None in column or len(kinds) > 1:
                return None
            columns.append(column)
        keys = list(zip(*columns, strict=True))
        order = sorted(range(len(rows)), key=keys.__getitem__)
        if not self.added:
            return list(variables), [rows[n] for n in order]
        keep = [i for i, v in enumerate(variables) if v not in self.added]
        return [variables[i] for i in keep], [tuple(rows[n][i] for i in keep) for n in order]


def _key(kind: str, term: Any) -> Key | None:
    """The sort key of one value: ``(0,)`` unbound, ``(1, text)`` a string, ``(2, number)``,
    ``(3, iri)``; ``None`` for what this module does not order."""
    if kind.startswith("cnum:"):  # COALESCE(?v, N): a number, N when unbound
        if term is None:
            return (2, Decimal(kind[5:]))
        kind = "number"
    if term is None:
        return (1, "") if kind in ("cstr", "cterm") else (0,)
    if kind in ("str", "cstr"):
        if isinstance(term, BNode):  # STR of a blank node is an error: unbound (or "")
            return (1, "") if kind == "cstr" else (0,)
        return (1, str(term))
    if isinstance(term, URIRef):
        return (3, str(term)) if kind == "term" else None
    if isinstance(term, Literal):
        if term.language:
            return None
        if term.datatype is None or str(term.datatype) == _XSD + "string":
            return (1, str(term))
        if kind in ("term", "number") and str(term.datatype) in _NUMERIC:
            try:
                return (2, Decimal(str(term)))
            except InvalidOperation:
                return None
    return None


@functools.lru_cache(maxsize=256)
def plan(text: str) -> Plan | None:
    """The ORDER BY of ``text`` as a :class:`Plan`, or ``None`` when it is not one of the forms
    this module sorts (or the query has no ORDER BY)."""
    body = _mask(text)
    found = None
    for m in re.finditer(r"\bORDER\s+BY\b", body, re.I):
        found = m
    if found is None or body.count("{", found.end()) or body.count("}", found.end()):
        return None
    if "}" not in body[: found.start()] or body[: found.start()].rstrip()[-1:] != "}":
        return None
    rest, keys = text[found.end() :], []
    pos = 0
    while rest[pos:].strip():
        key = _KEY.match(rest, pos)
        if key is None:
            return None
        kind = next(k for k in ("str", "cstr", "cterm", "cnum", "term") if key.group(k))
        var = key.group(kind)
        if kind == "cnum":  # the number for unbound goes with the kind: "cnum:99"
            kind = f"cnum:{int(key.group('default'))}"
        keys.append((kind, var))
        pos = key.end()
    if not keys:
        return None
    # the projection ends at WHERE, FROM or the group (a variable may be named ?where, ?from)
    head = re.match(r"(?is)^(.*?\bSELECT\b)(.*?)((?<![?$])\b(?:WHERE|FROM)\b|\{)", body)
    if head is None or re.search(r"\b(CONSTRUCT|DESCRIBE|ASK)\b", body[: head.end(1)], re.I):
        return None
    projection = head.group(2)
    stripped = text[: found.start()]
    if projection.strip() == "*":
        return Plan(stripped, tuple(keys))
    if "(" in projection or re.search(r"\b(DISTINCT|REDUCED)\b", projection, re.I):
        needs = {v for _, v in keys}
        have = set(re.findall(r"[?$](\w+)", projection))
        return Plan(stripped, tuple(keys)) if needs <= have else None
    if re.search(r"\bGROUP\s+BY\b", body, re.I):
        return None
    projected = re.findall(r"[?$](\w+)", projection)
    added = tuple(dict.fromkeys(v for _, v in keys if v not in projected))
    if added:
        at = head.end(2)
        extra = "".join(f" ?{v}" for v in added) + " "
        stripped = stripped[:at] + extra + stripped[at:]
    return Plan(stripped, tuple(keys), added)


def _mask(text: str) -> str:
    """``text`` with comments, strings and IRIs blanked out (same length), for searching."""
    return _HIDDEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


_HIDDEN = re.compile(
    r"#[^\n]*"  # comments
    r'|"""[\s\S]*?"""'
    r"|'''[\s\S]*?'''"  # long strings
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"  # strings
    r'|<[^\s<>"{}|^`]*>'  # IRIs
)
