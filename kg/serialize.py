"""Deterministic serialisations of a graph and atomic file writes.

Blank nodes are relabelled canonically and statements sorted, so the same graph always gives
byte-identical files, whatever the parse order or Python's hash seed.

>>> from rdflib import Graph
>>> g = Graph().parse(data="<urn:a> <urn:b> [ <urn:c> 1 ] .", format="turtle")
>>> to_ntriples(g) == to_ntriples(Graph().parse(data=to_ntriples(g), format="nt"))
True
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from rdflib import Graph
from rdflib.compare import to_canonical_graph

from kg.namespaces import PREFIXES, bind_prefixes

__all__ = ["atomic_write", "canonical", "to_jsonld", "to_ntriples", "to_turtle", "write_files"]


def canonical(graph: Graph) -> Graph:
    """A copy of ``graph`` with canonical blank-node labels, triples added in sorted order."""
    canon = to_canonical_graph(graph)
    out = Graph()
    bind_prefixes(out)
    for triple in sorted(canon, key=lambda t: tuple(x.n3() for x in t)):
        out.add(triple)
    return out


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples with canonical blank-node labels."""
    lines = {" ".join(term.n3() for term in triple) + " ." for triple in to_canonical_graph(graph)}
    return "".join(line + "\n" for line in sorted(lines))


def to_turtle(graph: Graph) -> str:
    """Canonical, diff-friendly Turtle (rdflib's ``longturtle``)."""
    return canonical(graph).serialize(format="longturtle", canon=True)


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
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_files(out_dir: str | Path, files: Mapping[str, str | bytes]) -> None:
    """Write several files atomically each; all content must be ready before the first write."""
    for name in sorted(files):
        atomic_write(Path(out_dir) / name, files[name])
