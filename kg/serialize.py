"""Deterministic serialisations of a graph and atomic file writes.

Blank nodes are skolemised into stable IRIs (``…/.well-known/genid/<hash of the node's
surroundings>``, as RDF 1.1 recommends for published data) and statements are sorted, so the
same graph always gives byte-identical files, whatever the parse order or Python's hash seed.
rdflib's full canonicalisation (``to_canonical_graph``) gives the same guarantee but takes
tens of seconds on a few hundred blank nodes; the curated data only uses blank nodes as
tree-shaped selectors, which the neighbourhood hash tells apart.

>>> from rdflib import Graph
>>> g = Graph().parse(data="<urn:a> <urn:b> [ <urn:c> 1 ] .", format="turtle")
>>> to_ntriples(g) == to_ntriples(Graph().parse(data=to_ntriples(g), format="nt"))
True
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.errors import KGError
from kg.namespaces import PREFIXES, bind_prefixes

__all__ = ["atomic_write", "canonical", "to_jsonld", "to_ntriples", "to_turtle", "write_files"]


GENID = "https://w3id.org/cbec-kg/.well-known/genid/"


def skolem_map(graph: Graph) -> dict[BNode, URIRef] | None:
    """Stable IRIs for the blank nodes of ``graph``, from hashes of their neighbourhoods.

    The hashes are refined until they stop splitting blank nodes apart (colour refinement).
    Returns ``None`` when two blank nodes still share a hash (a symmetric structure the
    refinement cannot tell apart); :func:`canonical` then uses rdflib's full algorithm.

    >>> g = Graph().parse(data="<urn:a> <urn:p> [ <urn:q> 1 ] .", format="turtle")
    >>> list(skolem_map(g).values())[0].startswith(GENID)
    True
    >>> deep = Graph().parse(
    ...     data='<urn:s> <urn:p> ("1" "2" "3" "4" "5" "x"), ("1" "2" "3" "4" "5" "y") .',
    ...     format="turtle")
    >>> len(set(skolem_map(deep).values()))
    12
    """
    bnodes = sorted({t for triple in graph for t in triple if isinstance(t, BNode)})
    labels = dict.fromkeys(bnodes, "")

    def name(term: Node) -> str:
        return labels[term] if isinstance(term, BNode) else term.n3()

    classes = 1 if bnodes else 0
    for _ in range(len(bnodes) + 1):
        fresh = {}
        for b in bnodes:
            out = sorted(f"> {p.n3()} {name(o)}" for p, o in graph.predicate_objects(b))
            inc = sorted(f"< {name(s)} {p.n3()}" for s, p in graph.subject_predicates(b))
            fresh[b] = hashlib.sha1("\n".join([labels[b], *out, *inc]).encode()).hexdigest()
        labels = fresh
        now = len(set(labels.values()))
        if now == classes:
            break
        classes = now
    if len(set(labels.values())) < len(bnodes):
        return None
    return {b: URIRef(GENID + label[:20]) for b, label in labels.items()}


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` with skolemised blank nodes, triples added in sorted order.

    >>> sym = Graph().parse(data="<urn:a> <urn:p> [ <urn:q> 1 ], [ <urn:q> 1 ] .", format="turtle")
    >>> len(canonical(sym)) == len(sym)
    True
    """
    mapping = skolem_map(graph)
    if mapping is None:  # symmetric blank nodes: the complete (slow) canonicalisation
        from rdflib.compare import to_canonical_graph

        graph = to_canonical_graph(graph)
        mapping = {
            t: URIRef(GENID + "c" + str(t))
            for triple in graph
            for t in triple
            if isinstance(t, BNode)
        }
    out = Graph()
    bind_prefixes(out)

    def skolem(t: Node) -> Node:
        return mapping.get(t, t) if isinstance(t, BNode) else t

    triples = {(skolem(s), skolem(p), skolem(o)) for s, p, o in graph}
    for triple in sorted(triples, key=lambda t: tuple(x.n3() for x in t)):
        out.add(triple)
    return out


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples with skolemised blank nodes."""
    lines = {" ".join(term.n3() for term in triple) + " ." for triple in canonical(graph)}
    return "".join(line + "\n" for line in sorted(lines))


def to_turtle(graph: Graph) -> str:
    """Sorted, diff-friendly Turtle."""
    return canonical(graph).serialize(format="turtle")


def jsonld_context() -> dict[str, str]:
    """The compact JSON-LD ``@context``: the toolkit's prefixes."""
    return dict(sorted(PREFIXES.items()))


def to_jsonld(graph: Graph) -> str:
    """Compact JSON-LD with :func:`jsonld_context`, keys and nodes sorted."""
    raw = canonical(graph).serialize(format="json-ld", context=jsonld_context(), auto_compact=True)
    data = json.loads(raw)
    if isinstance(data.get("@graph"), list):
        data["@graph"] = sorted(data["@graph"], key=lambda n: json.dumps(n, sort_keys=True))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def atomic_write(path: str | Path, content: str | bytes) -> None:
    """Write ``content`` to ``path`` through a temporary file and a rename."""
    path = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise KGError(f"cannot write {path}: {exc.strerror or exc}") from exc
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise KGError(f"cannot write {path}: {exc.strerror or exc}") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_files(out_dir: str | Path, files: Mapping[str, str | bytes]) -> None:
    """Write several files atomically each; all content must be ready before the first write."""
    for name in sorted(files):
        atomic_write(Path(out_dir) / name, files[name])


def staging_folder(out_dir: str | Path) -> Path:
    """A new empty folder beside ``out_dir`` to build its next version in."""
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.build-", dir=out_dir.parent))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); ``False``
    where the system cannot."""
    import ctypes
    import ctypes.util
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (38, 22, 95):  # ENOSYS, EINVAL, EOPNOTSUPP: not here
        return False
    raise OSError(err, os.strerror(err), str(a))


def _carry_over(old: Path, new: Path, owned: set[str]) -> None:
    """Hard-link (else copy) into ``new`` what ``old`` holds that no build wrote (exports,
    a user's own files), so replacing the folder loses nothing."""
    import shutil

    def link(src: str | Path, dst: str | Path) -> None:
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)

    for entry in old.iterdir():
        if entry.name in owned or (new / entry.name).exists():
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=link)
        elif entry.is_symlink():
            os.symlink(os.readlink(entry), new / entry.name)
        else:
            link(entry, new / entry.name)


def publish_folder(staging: Path, out_dir: str | Path, owned: set[str]) -> None:
    """Make ``staging`` the new ``out_dir`` as a whole.

    What the old folder holds beyond ``owned`` (the names a build writes) is carried over,
    then the two folders are exchanged in one atomic step where the system allows (Linux),
    else by two renames; the old version is removed. Readers see the old or the new folder,
    never a mix. A shell or file manager open *inside* the old folder keeps showing it until
    it re-enters ``out_dir``.
    """
    import shutil

    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    try:
        if out_dir.is_dir():
            _carry_over(out_dir, staging, owned)
            if not _exchange(staging, out_dir):
                old = staging.with_name(staging.name + ".old")
                out_dir.rename(old)
                staging.rename(out_dir)
                staging = old
        elif out_dir.exists():
            raise KGError(f"{out_dir} exists and is not a folder")
        else:
            staging.rename(out_dir)
            return
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise KGError(f"cannot replace {out_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    shutil.rmtree(staging, ignore_errors=True)  # the old version, swapped out
