"""Answers worked out when a store is built: the whole-KG reports, and the named queries whose
answers grow with the KG, looked up instead of evaluated.

A store is read-only once ``kg build`` has renamed it into place, so the answer to a given query
text never changes while the store lives. At a million triples some answers are thousands of rows
(the glossary of one class, what a section of the paper says) and Oxigraph needs 100–250 ms to
produce them however the query is written; the whole-KG reports need up to seconds. The build
therefore runs, once, into ``kg-answers.sqlite`` inside the store:

* every named query that needs no parameter, with its optional parameters left out;
* every named query whose header says ``# precompute: PARAM PATTERN``, once for each value of
  ``?PARAM`` that the group pattern ``PATTERN`` finds in the store, e.g.::

      # precompute: section  ?s a cbec:Section ; skos:notation ?section

Each answer is stored as SPARQL 1.1 Query Results JSON (zlib-compressed) under the SHA-256 of
the exact query text the backend evaluates (the named query with its ``VALUES`` row,
:func:`kg.backends.inline_values`) and of the code that shapes answers (:data:`CODE`). A lookup
therefore only ever finds the answer of the very same text, on the very same store, from the
very same code; any other text — another value, an edited query, a new version — is evaluated as
usual. The SPARQL endpoint looks up the text it receives the same way, after a ``PREFIX``
prologue that declares exactly the prefixes every query gets anyway
(:data:`kg.namespaces.PREFIXES`); a report is also stored under the text the endpoint's page
sends for it (:attr:`kg.query.NamedQuery.body`, without the header comment).

>>> strip_known_prologue("PREFIX cbec: <https://w3id.org/cbec-kg/ontology#>\\nASK {}")
'ASK {}'
>>> strip_known_prologue("PREFIX cbec: <urn:other#>\\nASK {}") is None
True
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib.term import Node

from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    import pyoxigraph as ox

    from kg.backends import Backend, QueryResult
    from kg.query import NamedQuery

__all__ = [
    "ANSWERS_FILE",
    "CODE",
    "Answers",
    "answer_key",
    "requests",
    "strip_known_prologue",
    "write_answers",
]

#: The file inside a store folder.
ANSWERS_FILE = "kg-answers.sqlite"

#: The modules whose code decides what an answer holds and in which order (binding, evaluation,
#: term conversion, the ORDER BY applied in Python, this file): their text is part of every key.
CODE = ("backends.py", "ordering.py", "oxterms.py", "answers.py")

_SCHEMA = """
CREATE TABLE answers (key TEXT PRIMARY KEY, query TEXT NOT NULL, rows INTEGER NOT NULL,
                      results BLOB NOT NULL);
"""

_PREFIX_DECL = re.compile(r"\s*(?:#[^\n]*\n\s*)*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)


@functools.cache
def _code_digest() -> bytes:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in CODE:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return digest.digest()


def strip_known_prologue(text: str) -> str | None:
    """``text`` without its leading ``PREFIX`` declarations when each of them declares a prefix
    exactly as :data:`kg.namespaces.PREFIXES` does (so the query means what it means without
    them); ``None`` when one declares anything else."""
    at = 0
    while m := _PREFIX_DECL.match(text, at):
        if PREFIXES.get(m.group(1) or "") != m.group(2):
            return None
        at = m.end()
    return text[at:].lstrip() if at else text


def answer_key(text: str) -> str:
    """The key of the answer to ``text`` (a query exactly as the backend evaluates it)."""
    return hashlib.sha256(_code_digest() + text.encode("utf-8")).hexdigest()


def requests(backend: Backend) -> Iterator[tuple[NamedQuery, dict[str, Node]]]:
    """The named queries and parameter values the build answers (see the module docstring).

    >>> from kg.backends import MemoryBackend
    >>> from kg.loader import load_graph
    >>> sorted({q.name for q, b in requests(MemoryBackend(load_graph())) if b})
    ['glossary', 'section-contents']
    """
    from kg.query import named_queries

    for query in named_queries():
        if not any(p.required for p in query.params):
            yield query, {}
        for param, pattern in query.precompute:
            found = backend.query(f"SELECT DISTINCT ?{param} WHERE {{ {pattern} }}")
            values = sorted({row[0] for row in found.rows if row[0] is not None}, key=str)
            for value in values:
                yield query, {param: value}


def write_answers(backend: Backend, path: Path) -> int:
    """Answer :func:`requests` on ``backend`` into a new SQLite file; return how many texts
    find an answer (a report is found by two: its text, and its :attr:`NamedQuery.body`)."""
    from kg.backends import inline_values
    from kg.formats import to_results_json
    from kg.stores import new_sqlite

    with new_sqlite(path) as db:
        db.executescript(_SCHEMA)
        count = 0
        for query, bindings in requests(backend):
            result = backend.query(query.text, bindings)
            if result.form not in ("SELECT", "ASK"):  # a graph is not kept (none is named yet)
                continue
            results = zlib.compress(to_results_json(result, indent=None).encode("utf-8"))
            # the text kg evaluates, and for a report also the text the endpoint's page sends
            texts = [inline_values(query.text, bindings)] + ([query.body] if not bindings else [])
            for text in texts:
                db.execute(
                    "INSERT INTO answers VALUES (?, ?, ?, ?)",
                    (answer_key(text), query.name, len(result.rows), results),
                )
            count += len(texts)
        db.commit()
        return count


class Answers:
    """The answers written into a store by :func:`write_answers`, opened read-only."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    @classmethod
    def of_store(cls, store: str | Path) -> Answers | None:
        """The answers of the store at ``store``, or ``None`` when it holds none."""
        from kg.stores import read_only_sqlite

        path = Path(store) / ANSWERS_FILE
        return cls(read_only_sqlite(path)) if path.is_file() else None

    def __len__(self) -> int:
        """How many texts find an answer."""
        return int(self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0])

    def solutions(self, text: str) -> ox.QuerySolutions | ox.QueryBoolean | None:
        """The stored answer to ``text`` as pyoxigraph parses it, or ``None``."""
        import pyoxigraph as ox

        row = self.db.execute("SELECT results FROM answers WHERE key = ?", (answer_key(text),))
        found = row.fetchone()
        if found is None:
            return None
        return ox.parse_query_results(zlib.decompress(found[0]), ox.QueryResultsFormat.JSON)

    def result(self, text: str, bindings: Mapping[str, Node] | None = None) -> QueryResult | None:
        """The stored answer to ``text`` with ``bindings``, or ``None``."""
        import pyoxigraph as ox

        from kg.backends import QueryResult, inline_values
        from kg.oxterms import converter, from_ox, gc_paused

        found = self.solutions(inline_values(text, bindings or {}))
        if found is None:
            return None
        if isinstance(found, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(found))
        conv = converter(from_ox)
        variables = [v.value for v in found.variables]
        with gc_paused():
            rows = [tuple(map(conv, solution)) for solution in found]
        return QueryResult("SELECT", variables, rows)
