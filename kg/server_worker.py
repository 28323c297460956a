"""The query worker of ``kg serve``: a child process that owns a read-only Oxigraph store.

Everything a query costs happens here, inside the server's time limit: parsing (rdflib's
SPARQL parser, which must never run in several threads of one process at once: a worker
parses one query at a time), the checks (no update, no ``SERVICE``, no nesting past
:data:`kg.sparql.MAX_DEPTH`), content negotiation (which needs the query form), evaluation and
serialisation. Requests and answers travel over a pipe::

    request:  (query text, Accept header, [format/output values], max results)
    answer:   ("ok", media type, body bytes, truncated: bool, count)
              or ("error", HTTP status, message)

A worker first sends ``("ready", pid)`` once its store is open, or ``("failed", message)``.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode("urn:p"), ox.Literal("x")))
>>> kind, media, body, truncated, n = answer(store, "SELECT ?s WHERE { ?s ?p ?o }", "csv", 10)
>>> body.decode().splitlines(), truncated
(['s', 'urn:a'], False)
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Literal, TypeAlias
from xml.sax.saxutils import escape, quoteattr

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

    import pyoxigraph as ox

    from kg.answers import Answers

    #: A term of a SELECT row. Triple terms (RDF 1.2) cannot occur: the stores ``kg build``
    #: writes hold none, and the query parser (rdflib's) refuses the syntax that makes them.
    Term: TypeAlias = ox.NamedNode | ox.BlankNode | ox.Literal
    Row: TypeAlias = tuple[Term | None, ...]
    #: What :func:`collect` returns: ``(kind, payload, truncated, count)``.
    Collected: TypeAlias = (
        tuple[Literal["ask"], bool, bool, int]
        | tuple[Literal["select"], tuple[list[str], list[Row]], bool, int]
        | tuple[Literal["graph"], list[ox.Triple], bool, int]
    )

__all__ = [
    "MARKABLE",
    "RESULT_TYPES",
    "Reply",
    "Request",
    "WorkerMessage",
    "answer",
    "format_key",
    "handle",
    "media_ranges",
    "negotiate",
    "run_worker",
]

#: (query text, Accept header, [format/output values], max results)
Request: TypeAlias = tuple[str, str, list[str], int]
#: ("ok", media type, body, truncated, count) or ("error", HTTP status, message)
Reply: TypeAlias = tuple[Literal["ok"], str, bytes, bool, int] | tuple[Literal["error"], int, str]
#: Everything a worker sends: first ("ready", pid) or ("failed", message), then replies.
WorkerMessage: TypeAlias = Reply | tuple[Literal["ready"], int] | tuple[Literal["failed"], str]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

#: key → (media type, kind) where kind says which query forms the format fits.
RESULT_TYPES = {
    "json": ("application/sparql-results+json", "results"),
    "xml": ("application/sparql-results+xml", "results"),
    "csv": ("text/csv", "results"),
    "tsv": ("text/tab-separated-values", "results"),
    "turtle": ("text/turtle", "graph"),
    "nt": ("application/n-triples", "graph"),
    "jsonld": ("application/ld+json", "graph"),
    "rdfxml": ("application/rdf+xml", "graph"),
}
#: Formats whose body can say that an answer was cut (a member, an element or a comment).
#: CSV, TSV and JSON-LD cannot: a cut answer falls back to one of these, or gets 406.
MARKABLE = frozenset({"json", "xml", "turtle", "nt", "rdfxml"})

_MEDIA = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "application/n-triples": "nt",
    "text/plain": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}
_DEFAULT = {"results": "json", "graph": "turtle"}

#: ``format=`` / ``output=`` values as clients send them (SPARQLWrapper, Virtuoso, Fuseki), by
#: result kind. Anything else (or a value for the other kind) falls back to ``Accept``.
_ALIASES = {
    "results": {
        "json": "json",
        "srj": "json",
        "xml": "xml",
        "srx": "xml",
        "csv": "csv",
        "tsv": "tsv",
    },
    "graph": {
        "turtle": "turtle",
        "ttl": "turtle",
        "n3": "turtle",  # Turtle is N3
        "nt": "nt",
        "ntriples": "nt",
        "n-triples": "nt",
        "jsonld": "jsonld",
        "json-ld": "jsonld",
        "json": "jsonld",
        "xml": "rdfxml",
        "rdf": "rdfxml",
        "rdfxml": "rdfxml",
        "rdf+xml": "rdfxml",
        "rdf/xml": "rdfxml",
    },
}


def format_key(value: str, kind: str) -> str | None:
    """The result type key a ``format``/``output`` value names for ``kind``, else ``None``.

    >>> format_key("rdf+xml", "graph"), format_key("xml", "results"), format_key("png", "graph")
    ('rdfxml', 'xml', None)
    >>> format_key("application/sparql-results+json", "results"), format_key("csv", "graph")
    ('json', None)
    """
    value = (value or "").strip().lower()
    key = _ALIASES[kind].get(value)
    if key is None:
        key = _MEDIA.get(value.split(";")[0].strip())
    return key if key is not None and RESULT_TYPES[key][1] == kind else None


def media_ranges(accept: str) -> list[tuple[str, float]]:
    """The media ranges of an ``Accept`` header with their quality, in the order given (media
    lower-cased; a missing q is 1, an unreadable one 0; an empty header is ``*/*``).

    >>> media_ranges("text/HTML, application/json;q=0.5, */*;q=x")
    [('text/html', 1.0), ('application/json', 0.5), ('*/*', 0.0)]
    """
    out = []
    for item in (accept or "*/*").split(","):
        media, *params = [x.strip() for x in item.split(";")]
        q = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    q = float(param[2:])
                except ValueError:
                    q = 0.0
        out.append((media.lower(), q))
    return out


def negotiate(
    accept: str,
    kind: str,
    explicit: str | Iterable[str] | None = None,
    allowed: Iterable[str] | None = None,
) -> str | None:
    """The result type key for an ``Accept`` header and a result kind (``results``/``graph``).

    ``explicit`` (``format=``/``output=`` values) wins when it names a format of that kind;
    unknown values fall back to ``Accept``. ``allowed`` narrows the choice.

    >>> negotiate("application/sparql-results+xml", "results")
    'xml'
    >>> negotiate("text/csv;q=0.5, application/json", "results")
    'json'
    >>> negotiate("*/*", "graph"), negotiate("text/csv", "graph")
    ('turtle', None)
    >>> negotiate("text/turtle", "graph", ["rdf+xml"]), negotiate("text/turtle", "graph", ["?"])
    ('rdfxml', 'turtle')
    """
    allowed = set(allowed) if allowed is not None else set(RESULT_TYPES)
    if isinstance(explicit, str):
        explicit = [explicit]
    for value in explicit or ():
        key = format_key(value, kind)
        if key is not None and key in allowed:
            return key
    ranges = [(-q, i, media) for i, (media, q) in enumerate(media_ranges(accept))]
    for _q, _i, media in sorted(ranges):
        if _q == 0:
            continue
        if media in ("*/*", "application/*", "text/*"):
            wild = [k for k, (m, kd) in RESULT_TYPES.items() if kd == kind and k in allowed]
            wild = [k for k in wild if media == "*/*" or RESULT_TYPES[k][0].startswith(media[:-1])]
            if _DEFAULT[kind] in wild:  # the default only if it is in the range
                return _DEFAULT[kind]
            if wild:
                return wild[0]
            continue
        key = _MEDIA.get(media)
        if key is not None and RESULT_TYPES[key][1] == kind and key in allowed:
            return key
    return None


def _json_term(term: Term) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    cell = {"type": "literal", "value": term.value}
    if term.language:
        cell["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        cell["datatype"] = term.datatype.value
    return cell


def _xml_term(term: Term) -> str:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def _csv_term(term: Term | None) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _select(variables: list[str], rows: list[Row], fmt: str, truncated: bool, limit: int) -> bytes:
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc: dict[str, Any] = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        if truncated:
            doc["truncated"] = {"limit": limit, "message": f"result cut at {limit} rows"}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
        out.append("<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in variables))
        if truncated:
            out.append(f'<link href="urn:kg:truncated:limit={limit}"/>')
        out.append("</head>")
        if truncated:
            out.append(f"<!-- truncated: result cut at {limit} rows -->")
        out.append("<results>")
        for row in rows:
            cells = "".join(
                f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row, strict=True)
                if t is not None
            )
            out.append(f"<result>{cells}</result>")
        out.append("</results></sparql>")
        return "\n".join(out).encode()
    buf = io.StringIO()
    if fmt == "csv":  # SPARQL 1.1 CSV as the standard says (no spreadsheet escaping here)
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv_term(t) for t in row])
    else:  # tsv: terms in SPARQL/Turtle syntax
        buf.write("\t".join(f"?{v}" for v in variables) + "\n")
        for row in rows:
            buf.write("\t".join("" if t is None else str(t) for t in row) + "\n")
    return buf.getvalue().encode()


def _ask(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>"
        ).encode()
    return (b"true" if value else b"false") + b"\n"


def collect(
    store: ox.Store,
    text: str,
    limit: int,
    prefixes: dict[str, str] | None = None,
    answers: Answers | None = None,
) -> Collected:
    """Run ``text``: ``(kind, payload, truncated, count)`` with at most ``limit`` results.

    An answer the build worked out for the same text (``answers``, :mod:`kg.answers`) is read
    instead of evaluated, when the worker declares the prefixes every query of ``kg`` gets.
    """
    import pyoxigraph as ox

    stored = _stored(answers, text, prefixes)
    result = store.query(text, prefixes=prefixes) if stored is None else stored
    if isinstance(result, ox.QueryBoolean):
        return "ask", bool(result), False, 1
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[Row] = []
        truncated = False
        for solution in result:
            if len(rows) == limit:
                truncated = True
                break
            rows.append(tuple(solution))  # its values, in the order of the variables
        return "select", (variables, rows), truncated, len(rows)
    triples: list[ox.Triple] = []
    truncated = False
    for triple in result:
        if len(triples) == limit:
            truncated = True
            break
        triples.append(triple)
    return "graph", triples, truncated, len(triples)


def _stored(
    answers: Answers | None, text: str, prefixes: dict[str, str] | None
) -> ox.QuerySolutions | ox.QueryBoolean | None:
    from kg.answers import strip_known_prologue
    from kg.namespaces import PREFIXES

    if answers is None or prefixes != PREFIXES:
        return None
    bare = strip_known_prologue(text)
    return None if bare is None else answers.solutions(bare)


def serialise(
    collected: Collected, fmt: str, limit: int, prefixes: dict[str, str] | None = None
) -> bytes:
    """The body of a :func:`collect`-ed answer in ``fmt``."""
    import pyoxigraph as ox

    truncated = collected[2]
    if collected[0] == "ask":
        return _ask(collected[1], fmt)
    if collected[0] == "select":
        variables, rows = collected[1]
        return _select(variables, rows, fmt, truncated, limit)
    rdf = {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[fmt]
    body = ox.serialize(collected[1], format=rdf, prefixes=prefixes if fmt == "turtle" else None)
    assert body is not None  # serialize returns bytes when it is given no output
    if truncated and fmt in ("turtle", "nt"):
        body += f"# truncated: result cut at {limit} triples\n".encode()
    elif truncated and fmt == "rdfxml":  # XML allows comments after the root element
        body = body.rstrip() + f"\n<!-- truncated: result cut at {limit} triples -->\n".encode()
    return body


def answer(
    store: ox.Store, text: str, fmt: str, limit: int, prefixes: dict[str, str] | None = None
) -> Reply:
    """Run ``text`` on ``store`` and serialise at most ``limit`` results in ``fmt``."""
    collected = collect(store, text, limit, prefixes)
    body = serialise(collected, fmt, limit, prefixes)
    return "ok", RESULT_TYPES[fmt][0], body, collected[2], collected[3]


def handle(
    store: ox.Store,
    request: Request,
    prefixes: dict[str, str] | None = None,
    answers: Answers | None = None,
) -> Reply:
    """Answer one request (see the module docstring) as the endpoint would (the stored
    ``answers`` of :mod:`kg.answers` read where they hold the text's answer)."""
    from kg.errors import InputError
    from kg.sparql import SERVICE_REFUSED, UPDATE_REFUSED, analyse

    text, accept, explicit, limit = request
    try:
        info = analyse(text)
    except InputError as exc:
        return "error", 403 if str(exc) == UPDATE_REFUSED else 400, str(exc)
    if info.service:
        return "error", 403, SERVICE_REFUSED + "; this endpoint makes no outbound requests"
    kind = "results" if info.form in ("SELECT", "ASK") else "graph"
    fmt = negotiate(accept, kind, explicit)
    if fmt is None:
        wanted = ", ".join(m for m, kd in RESULT_TYPES.values() if kd == kind)
        return "error", 406, f"cannot answer a {info.form} query in that format (one of {wanted})"
    try:
        collected = collect(store, text, limit, prefixes, answers)
    except SyntaxError as exc:
        return "error", 400, f"SPARQL syntax error: {exc}"
    except Exception as exc:  # an evaluation error is the client's answer, not a crash
        return "error", 400, f"query failed: {type(exc).__name__}: {exc}"
    truncated = collected[2]
    if truncated and fmt not in MARKABLE:
        marked = negotiate(accept, kind, None, allowed=MARKABLE)
        if marked is None:
            media = RESULT_TYPES[fmt][0]
            return (
                "error",
                406,
                f"the answer has more than {limit} results (the server's --max-results) and "
                f"{media} cannot mark a cut answer; add LIMIT/OFFSET to the query or accept "
                + ("application/sparql-results+json" if kind == "results" else "text/turtle"),
            )
        fmt = marked
    body = serialise(collected, fmt, limit, prefixes)
    return "ok", RESULT_TYPES[fmt][0], body, truncated, collected[3]


def run_worker(
    store_path: str, conn: Connection[WorkerMessage, Request], prefixes: dict[str, str]
) -> None:
    """Serve queries from ``conn`` until it closes (runs in a child process)."""
    import os

    import pyoxigraph as ox

    from kg.answers import Answers

    try:
        store = ox.Store.read_only(store_path)
        answers = Answers.of_store(store_path)
        import kg.sparql  # noqa: F401 - the parser is loaded before the first query's clock
    except Exception as exc:
        conn.send(("failed", f"cannot open {store_path}: {exc}"))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply: Reply = handle(store, request, prefixes, answers)
        except Exception as exc:  # pragma: no cover - handle() answers every query
            reply = ("error", 500, f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
