"""Building and swapping embedded stores (the write side; :mod:`kg.backends` reads them).

A store made by ``kg build`` is a pyoxigraph folder that also holds three files of ours:

* ``kg-store.json`` — what the store was built from: its **freshness key** (:func:`data_key`),
  the SHA-256 of the N-Triples loaded into it (its content hash, also in ``manifest.json``),
  its number of triples and the format of our additions (:data:`STORE_FORMAT`);
* ``kg-terms.sqlite`` — the term index (:mod:`kg.termindex`): every domain node with its labels
  and classes, so that a label resolves without scanning the KG;
* ``kg-answers.sqlite`` (``kg build`` only) — the answers worked out once (:mod:`kg.answers`):
  the whole-KG reports and the named queries marked ``# precompute:``, looked up instead of
  evaluated.

All three are written into the staging folder before it is renamed into place, so readers see the
old store with its old index, or the new one with the new index, never a mix.

>>> import tempfile, pathlib
>>> tmp = pathlib.Path(tempfile.mkdtemp())
>>> _ = (tmp / "a.nt").write_text("<urn:a> <urn:b> <urn:c> .\\n")
>>> load_store(tmp / "store", tmp / "a.nt")
1
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import InputError
from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from kg.progress import Steps

__all__ = [
    "META_FILE",
    "STORE_FORMAT",
    "check_store_target",
    "commit_store",
    "data_key",
    "finish_store",
    "load_store",
    "read_meta",
    "stage_store",
]

#: Our files inside a store folder.
META_FILE = "kg-store.json"
TERMS_FILE = "kg-terms.sqlite"
#: Bumped whenever what a store holds besides the data changes (the index, the metadata).
STORE_FORMAT = 1

INVERSES_QUERY = """
CONSTRUCT { ?o ?q ?s } WHERE {
  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
  ?s ?p ?o .
  FILTER(!isLiteral(?o))
}
"""

#: What :func:`stage_store` accepts: a file (format from its extension) or (bytes, format).
StoreInput = str | Path | tuple[bytes, str]


@contextmanager
def new_sqlite(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A new SQLite file at ``path`` (replacing one), for one of our files inside a store: it is
    written in the staging folder, which is renamed when done, so it needs no journal."""
    path = Path(path)
    path.unlink(missing_ok=True)
    db = sqlite3.connect(str(path))
    db.execute("PRAGMA journal_mode = OFF")
    try:
        yield db
    finally:
        db.close()


def read_only_sqlite(path: str | Path) -> sqlite3.Connection:
    """One of our SQLite files inside a store, opened read-only (so any thread may read it)."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"  # a file URI needs an absolute path
    return sqlite3.connect(uri, uri=True, check_same_thread=False)


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_key(extra: Iterable[str | Path] = (), inverses: bool = True) -> str:
    """The freshness key of a store built from the ontology, the embedded data and ``extra``.

    A SHA-256 over the package version, :data:`STORE_FORMAT`, the ``inverses`` flag and the
    name and SHA-256 of every ontology and curated data file (and of each ``extra`` file, in
    order). A built store is read by default only while its key equals ``data_key()``: the
    ontology, the data and the code that turns them into the store are what they were.

    >>> data_key() == data_key() and data_key() != data_key(inverses=False)
    True
    """
    from kg import __version__, paths

    parts: list[list[str]] = []
    for base, files in (
        (paths.ontology_dir(), paths.ontology_files()),
        (paths.data_dir(), paths.data_files()),
    ):
        parts += [[str(p.relative_to(base)), _file_digest(p)] for p in files]
    parts += [[f"extra:{Path(p).name}", _file_digest(Path(p))] for p in extra]
    doc = {"kg": __version__, "format": STORE_FORMAT, "inverses": inverses, "files": parts}
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def check_store_target(path: str | Path) -> Path:
    """Refuse to replace a folder that is not a store (before any work is done)."""
    path = Path(path)
    if path.exists() and not (path / "CURRENT").is_file():
        raise InputError(f"{path} exists and is not a store; refusing to overwrite it")
    return path


def stage_store(
    path: str | Path,
    inputs: list[StoreInput],
    inverses: bool = False,
    steps: Steps | None = None,
) -> Path:
    """Bulk-load ``inputs`` into a new store beside ``path``; return the staging folder.

    With ``inverses``, the inverse of every triple whose predicate has an ``owl:inverseOf``
    (declared anywhere in the loaded data) is added with one CONSTRUCT and a second bulk load.
    :func:`commit_store` then puts the staged store in place.
    """
    import pyoxigraph as ox

    from kg.progress import Steps
    from kg.sources import ox_format, rdf_format

    path = check_store_target(path)
    steps = steps or Steps(False)
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{path.name}.staging-", dir=path.parent))
    try:
        store = ox.Store(str(staging))
        for item in inputs:
            if isinstance(item, tuple):
                data, fmt = item
                with steps.step(f"Loading {len(data):,} bytes of {fmt}"):
                    store.bulk_load(data, format=ox_format(fmt))
                continue
            item = Path(item)
            with (
                steps.step(f"Loading {item.name} ({os.path.getsize(item):,} bytes)"),
                item.open("rb") as handle,
            ):
                if handle.read(3) != b"\xef\xbb\xbf":  # skip a UTF-8 byte order mark
                    handle.seek(0)
                store.bulk_load(handle, format=ox_format(rdf_format(item)), base_iri=item.as_uri())
        if inverses:
            with steps.step("Materialising inverse properties"):
                found = store.query(INVERSES_QUERY, prefixes=PREFIXES)
                if not isinstance(found, ox.QueryTriples):  # a CONSTRUCT answers triples
                    raise TypeError(f"unexpected answer to a CONSTRUCT query: {found!r}")
                store.bulk_load(
                    found.serialize(format=ox.RdfFormat.N_TRIPLES), format=ox.RdfFormat.N_TRIPLES
                )
        with steps.step("Optimising the store"):
            store.optimize()
            store.flush()
        del store
    except SyntaxError as exc:
        shutil_rmtree(staging)
        raise InputError(f"cannot load into the store: {exc}") from exc
    except BaseException:
        shutil_rmtree(staging)
        raise
    return staging


def finish_store(
    staging: Path,
    key: str | None,
    sha256: str | None,
    steps: Steps | None = None,
    answers: bool = True,
) -> dict[str, Any]:
    """Write the term index, the stored answers (with ``answers``, :mod:`kg.answers`) and
    ``kg-store.json`` into a staged store; return the metadata.

    ``key`` is the store's freshness key (:func:`data_key`, ``None`` for a store of other data),
    ``sha256`` the hash of the N-Triples it holds.
    """
    import pyoxigraph as ox

    from kg.answers import ANSWERS_FILE, write_answers
    from kg.backends import OxigraphBackend
    from kg.progress import Steps
    from kg.termindex import write_index

    steps = steps or Steps(False)
    store = ox.Store(str(staging))
    try:
        backend = OxigraphBackend.over(store, staging)
        with steps.step("Indexing labels"):
            nodes = write_index(backend, staging / TERMS_FILE)
        stored = 0
        if answers:
            with steps.step("Answering the reports and the precomputed queries"):
                stored = write_answers(backend, staging / ANSWERS_FILE)
        meta = {
            "answers": stored,
            "format": STORE_FORMAT,
            "key": key,
            "sha256": sha256,
            "triples": len(store),
            "terms": nodes,
        }
    finally:
        del store
    tmp = staging / f".{META_FILE}.tmp"
    tmp.write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(staging / META_FILE)
    return meta


def read_meta(path: str | Path) -> dict[str, Any] | None:
    """The ``kg-store.json`` of a store, or ``None`` (no such file, unreadable, or not a JSON
    object)."""
    try:
        meta = json.loads((Path(path) / META_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def shutil_rmtree(path: Path) -> None:
    """Remove a folder tree, ignoring one that is already gone."""
    shutil.rmtree(path, ignore_errors=True)


def commit_store(staging: Path, path: str | Path) -> int:
    """Replace the store at ``path`` by the staged one (two renames); return its size."""
    import pyoxigraph as ox

    path = check_store_target(path)
    old = None
    if path.exists():
        old = path.with_name(f".{path.name}.old-{staging.name.rsplit('-', 1)[-1]}")
        path.rename(old)
    staging.rename(path)
    if old is not None:
        shutil_rmtree(old)
    return len(ox.Store.read_only(str(path)))


def load_store(
    path: str | Path, *inputs: StoreInput, inverses: bool = False, steps: Steps | None = None
) -> int:
    """Create (or replace) a pyoxigraph store at ``path`` from RDF files; return its size.

    Readers of the old store never see a half-loaded one: the new store is bulk-loaded beside
    it (with its term index) and renamed into place. Only ``kg build`` also stores the answers
    of :mod:`kg.answers` (a loader does not run queries).
    """
    from kg import locks

    with locks.exclusive(path):
        staging = stage_store(path, list(inputs), inverses, steps)
        try:
            finish_store(staging, None, None, steps, answers=False)
        except BaseException:
            shutil_rmtree(staging)
            raise
        return commit_store(staging, path)
