"""Load the ontology and curated data into an rdflib graph, with errors that name file and line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from xml.sax import SAXParseException

from rdflib import Graph, URIRef
from rdflib.exceptions import ParserError
from rdflib.term import _is_valid_uri
from rdflib.util import guess_format

from kg import paths
from kg.errors import InputError
from kg.namespaces import bind_prefixes

__all__ = ["default_files", "load_graph", "parse_file"]


def default_files() -> list[Path]:
    """Ontology files followed by the embedded curated data files."""
    return [*paths.ontology_files(), *paths.data_files()]


def parse_file(graph: Graph, path: str | Path) -> Graph:
    """Parse one RDF file into ``graph``; raise :class:`InputError` naming the file and line.

    >>> import tempfile, os
    >>> bad = tempfile.NamedTemporaryFile("w", suffix=".ttl", delete=False)
    >>> _ = bad.write('@prefix a: <http://a/> .\\na:x a:y "oops .\\n'); bad.close()
    >>> try:
    ...     parse_file(Graph(), bad.name)
    ... except InputError as e:
    ...     print(str(e).split(": ", 1)[0].endswith(".ttl:2"))
    True
    >>> os.unlink(bad.name)
    """
    from kg.sources import check_input_file

    path = Path(path)
    check_input_file(path)
    fmt = guess_format(str(path)) or "turtle"
    part = Graph()
    try:
        part.parse(path, format=fmt)
    except SyntaxError as exc:  # rdflib's BadSyntax is a SyntaxError
        raise InputError(f"{path}:{_line_of(exc)}: {_reason(exc)}") from exc
    except SAXParseException as exc:  # RDF/XML
        raise InputError(f"{path}:{exc.getLineNumber()}: {exc.getMessage()}") from exc
    except (ParserError, ValueError, UnicodeDecodeError) as exc:  # N-Triples, JSON-LD, encoding
        raise InputError(f"{path}:{_oxigraph_line(path) or '?'}: {exc}") from exc
    _check_iris(part, path)
    for prefix, ns in part.namespaces():
        graph.bind(prefix, ns, override=False)
    graph += part
    return graph


def _check_iris(graph: Graph, path: Path) -> None:
    """Reject IRIs that cannot be serialised, and relative IRIs (resolved against the file's
    own location, they would make outputs depend on where the file lies)."""
    for triple in graph:
        for term in triple:
            if not isinstance(term, URIRef):
                continue
            if not _is_valid_uri(term):
                raise InputError(f"{path}: invalid IRI <{term}>")
            if term.startswith("file:"):
                raise InputError(
                    f"{path}: relative or file: IRI <{term}>; write absolute http(s) IRIs"
                )


def load_graph(extra: Iterable[str | Path] = (), *, include_default: bool = True) -> Graph:
    """Load ontology + embedded data (+ ``extra`` files) into one in-memory graph.

    >>> g = load_graph()
    >>> from kg.namespaces import CBEC
    >>> from rdflib.namespace import RDF
    >>> len(set(g.subjects(RDF.type, CBEC.Challenge)))
    4
    """
    graph = Graph()
    bind_prefixes(graph)
    files = [*(default_files() if include_default else []), *map(Path, extra)]
    for path in files:
        parse_file(graph, path)
    return graph


def _oxigraph_line(path: Path) -> int | None:
    """Ask Oxigraph's parser where a file is malformed (rdflib's N-Triples parser does not say)."""
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(path=str(path)):
            pass
    except SyntaxError as exc:
        return exc.lineno if exc.lineno else None
    except (ValueError, OSError):
        return None
    return None


def _line_of(exc: SyntaxError) -> int:
    text, pos = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if isinstance(text, bytes) and isinstance(pos, int):
        return text[:pos].count(b"\n") + 1
    if isinstance(text, str) and isinstance(pos, int):
        return text[:pos].count("\n") + 1
    return getattr(exc, "lineno", None) or getattr(exc, "lines", 0) + 1


def _reason(exc: SyntaxError) -> str:
    why = getattr(exc, "_why", None)
    return str(why) if why else str(exc).strip().splitlines()[0]
