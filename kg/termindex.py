"""The term index: every domain node with its labels and classes, in SQLite, so that a term
resolves by lookups instead of a scan of the KG.

``kg build`` writes it into the store (``kg-terms.sqlite``, see :mod:`kg.stores`); a backend
without one (in memory, an endpoint, an older store) gets the same index built once in memory
from :func:`kg.terms.label_index` and kept on the backend. Matching follows
:func:`kg.terms.resolve`'s rules exactly: labels are compared in their
:func:`kg.terms.normalise_label` form, exact matches by an indexed equality, fragments with
``instr`` (a scan inside SQLite, in C), words through an indexed word table.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> index = index_of(MemoryBackend(load_graph()))
>>> [m.iri.rsplit("/", 1)[1] for m in index.exact("customs")]
['actor-customs']
"""

from __future__ import annotations

import difflib
import heapq
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from kg.namespaces import curie

if TYPE_CHECKING:
    from kg.backends import Backend
    from kg.terms import Match

__all__ = ["TermIndex", "available", "index_of", "write_index"]

_SCHEMA = """
CREATE TABLE nodes (iri TEXT PRIMARY KEY, label_en TEXT, label_zh TEXT, type TEXT,
                    types TEXT, rank INTEGER, norm_en TEXT, norm_zh TEXT) WITHOUT ROWID;
CREATE TABLE node_types (type TEXT, iri TEXT, PRIMARY KEY (type, iri)) WITHOUT ROWID;
CREATE TABLE words (word TEXT, iri TEXT, PRIMARY KEY (word, iri)) WITHOUT ROWID;
CREATE INDEX nodes_en ON nodes (norm_en);
CREATE INDEX nodes_zh ON nodes (norm_zh);
"""

_COLUMNS = "iri, label_en, label_zh, type, types, rank"

#: The attribute under which a backend keeps the index built for it (:func:`index_of`).
_CACHED = "_kg_term_index"


def _fill(db: sqlite3.Connection, matches: Iterable[Match]) -> int:
    from kg.terms import normalise_label, words

    matches = list(matches)
    db.executescript(_SCHEMA)
    db.executemany(
        "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                m.iri,
                m.label_en,
                m.label_zh,
                m.type,
                " ".join(m.types),
                m.rank,
                normalise_label(m.label_en),
                normalise_label(m.label_zh),
            )
            for m in matches
        ],
    )
    db.executemany(
        "INSERT INTO node_types VALUES (?, ?)", [(t, m.iri) for m in matches for t in m.types]
    )
    db.executemany(
        "INSERT INTO words VALUES (?, ?)",
        [(w, m.iri) for m in matches for w in sorted(words(m.label_en))],
    )
    db.commit()
    return len(matches)


def write_index(backend: Backend, path: Path) -> int:
    """Write the index of ``backend``'s domain nodes to a new SQLite file; return its size."""
    from kg.stores import new_sqlite
    from kg.terms import label_index

    with new_sqlite(path) as db:
        return _fill(db, label_index(backend))


class TermIndex:
    """Lookups over the domain nodes (see the module's docstring)."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    @classmethod
    def open(cls, path: Path) -> TermIndex:
        """The index written by :func:`write_index`, opened read-only."""
        from kg.stores import read_only_sqlite

        return cls(read_only_sqlite(path))

    @classmethod
    def of(cls, matches: Iterable[Match]) -> TermIndex:
        """An index of ``matches`` in memory."""
        db = sqlite3.connect(":memory:", check_same_thread=False)
        _fill(db, matches)
        return cls(db)

    # --- lookups ---------------------------------------------------------------------------

    def _matches(self, where: str, args: tuple[str, ...], of_type: str | None) -> list[Match]:
        from kg.terms import Match

        if of_type is not None:
            where = f"({where}) AND iri IN (SELECT iri FROM node_types WHERE type = ?)"
            args = (*args, of_type)
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM nodes WHERE {where} ORDER BY iri", args
        ).fetchall()
        return [Match(i, en, zh, t, tuple(ts.split()), r) for i, en, zh, t, ts, r in rows]

    def get(self, iri: str) -> Match | None:
        """The node ``iri``, or ``None``."""
        found = self._matches("iri = ?", (iri,), None)
        return found[0] if found else None

    def get_many(self, iris: Iterable[str]) -> dict[str, Match]:
        """The nodes of ``iris`` that the index holds."""
        iris = sorted(set(iris))
        out: dict[str, Match] = {}
        for i in range(0, len(iris), 500):
            chunk = iris[i : i + 500]
            marks = ",".join("?" * len(chunk))
            out.update({m.iri: m for m in self._matches(f"iri IN ({marks})", tuple(chunk), None)})
        return out

    def exact(self, key: str, of_type: str | None = None) -> list[Match]:
        """Nodes with a label whose normalised form is ``key``."""
        return self._matches("norm_en = ? OR norm_zh = ?", (key, key), of_type)

    def fragment(self, key: str, of_type: str | None = None) -> list[Match]:
        """Nodes with a label whose normalised form contains ``key``."""
        return self._matches("instr(norm_en, ?) > 0 OR instr(norm_zh, ?) > 0", (key, key), of_type)

    def word_matches(self, wanted: set[str], of_type: str | None = None) -> list[Match]:
        """Nodes whose English label has every word of ``wanted``, or whose normalised Chinese
        label contains every one of them."""
        if not wanted:
            return []
        ordered = sorted(wanted)
        marks = ",".join("?" * len(ordered))
        english = (
            f"iri IN (SELECT iri FROM words WHERE word IN ({marks}) GROUP BY iri "
            f"HAVING COUNT(DISTINCT word) = {len(ordered)})"
        )
        chinese = " AND ".join("instr(norm_zh, ?) > 0" for _ in ordered)
        return self._matches(f"{english} OR ({chinese})", (*ordered, *ordered), of_type)

    def _all(self, columns: str, of_type: str | None) -> sqlite3.Cursor:
        if of_type is None:
            return self.db.execute(f"SELECT {columns} FROM nodes ORDER BY iri")
        return self.db.execute(
            f"SELECT {columns} FROM nodes WHERE iri IN "
            "(SELECT iri FROM node_types WHERE type = ?) ORDER BY iri",
            (of_type,),
        )

    def closest_labels(self, key: str, of_type: str | None = None, n: int = 5) -> list[str]:
        """Up to ``n`` labels most similar to ``key`` (ratio ≥ 0.3), best first: the
        suggestions for an unknown term. Every label is scored as :mod:`difflib` would, with
        its cheap upper bounds skipping labels that cannot enter the top ``n``."""
        labels: dict[str, str] = {}
        for en, zh, norm_en, norm_zh in self._all("label_en, label_zh, norm_en, norm_zh", of_type):
            labels.setdefault(norm_en, en)
            labels.setdefault(norm_zh, zh)
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(key)

        def rank(item: tuple[float, str]) -> tuple[float, list[int]]:
            score, label = item  # higher score first, then the smaller label
            return (score, [*(-ord(ch) for ch in label), 0])

        heap: list[tuple[tuple[float, list[int]], float, str]] = []  # the n best, min first
        for norm, label in labels.items():
            matcher.set_seq1(norm)
            if len(heap) == n and (
                matcher.real_quick_ratio() < heap[0][1] or matcher.quick_ratio() < heap[0][1]
            ):
                continue
            item = (matcher.ratio(), label)
            entry = (rank(item), *item)
            if len(heap) < n:
                heapq.heappush(heap, entry)
            elif entry[0] > heap[0][0]:
                heapq.heapreplace(heap, entry)
        best = sorted(((s, lbl) for _, s, lbl in heap), key=lambda p: (-p[0], p[1]))
        return [label for score, label in best if score >= 0.3]

    def close_curies(self, name: str, of_type: str | None = None) -> list[str]:
        """The CURIEs of nodes closest to ``name`` (an unknown CURIE), as :mod:`difflib`
        ranks them."""
        names = [curie(iri) for (iri,) in self._all("iri", of_type)]
        return difflib.get_close_matches(name, names, n=5, cutoff=0.6)


def available(backend: Backend) -> TermIndex | None:
    """The backend's term index if it costs nothing to get: the one in its store, or one
    already built; else ``None``."""
    cached = getattr(backend, _CACHED, None)
    if isinstance(cached, TermIndex):
        return cached
    path = getattr(backend, "path", None)
    if path is not None:
        from kg.stores import STORE_FORMAT, TERMS_FILE, read_meta

        meta = read_meta(path)
        if meta and meta.get("format") == STORE_FORMAT and (Path(path) / TERMS_FILE).is_file():
            return index_of(backend)
    return None


def index_of(backend: Backend) -> TermIndex:
    """The term index of a backend: the one ``kg build`` wrote into its store, else one built
    in memory from a scan of the labels (once per backend)."""
    cached = getattr(backend, _CACHED, None)
    if isinstance(cached, TermIndex):
        return cached
    index = None
    path = getattr(backend, "path", None)
    if path is not None:
        from kg.stores import STORE_FORMAT, TERMS_FILE, read_meta

        meta = read_meta(path)
        if meta and meta.get("format") == STORE_FORMAT and (Path(path) / TERMS_FILE).is_file():
            index = TermIndex.open(Path(path) / TERMS_FILE)
    if index is None:
        from kg.terms import label_index

        index = TermIndex.of(label_index(backend))
    setattr(backend, _CACHED, index)  # any backend object: not part of the Backend protocol
    return index
