"""The query worker of ``kg serve``: a child process that owns a read-only Oxigraph store.

It imports only pyoxigraph, so a fresh worker starts in a fraction of a second after one was
stopped for running past the time limit. Requests and answers travel over a pipe::

    request:  (query text, result type key, max results)
    answer:   ("ok", media type, body bytes, truncated: bool, count)  or  ("error", message)

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
from xml.sax.saxutils import escape, quoteattr

__all__ = ["RESULT_TYPES", "answer", "run_worker"]

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


def _json_term(term) -> dict:
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


def _xml_term(term) -> str:
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


def _csv_term(term) -> str:
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _select(variables: list[str], rows: list, fmt: str, truncated: bool, limit: int) -> bytes:
    if fmt == "json":
        bindings = [
            {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        doc: dict = {"head": {"vars": variables}, "results": {"bindings": bindings}}
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
    if fmt == "csv":
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


def answer(store, text: str, fmt: str, limit: int, prefixes: dict | None = None) -> tuple:
    """Run ``text`` on ``store`` and serialise at most ``limit`` results in ``fmt``."""
    import pyoxigraph as ox

    result = store.query(text, prefixes=prefixes)
    media = RESULT_TYPES[fmt][0]
    if isinstance(result, ox.QueryBoolean):
        return "ok", media, _ask(bool(result), fmt), False, 1
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows, truncated = [], False
        for solution in result:
            if len(rows) == limit:
                truncated = True
                break
            rows.append(tuple(solution[v] for v in variables))
        return "ok", media, _select(variables, rows, fmt, truncated, limit), truncated, len(rows)
    triples, truncated = [], False
    for triple in result:
        if len(triples) == limit:
            truncated = True
            break
        triples.append(triple)
    rdf = {
        "turtle": ox.RdfFormat.TURTLE,
        "nt": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }[fmt]
    body = ox.serialize(triples, format=rdf, prefixes=prefixes if fmt == "turtle" else None)
    if truncated and fmt in ("turtle", "nt"):
        body += f"# truncated: result cut at {limit} triples\n".encode()
    return "ok", media, body, truncated, len(triples)


def run_worker(store_path: str, conn, prefixes: dict) -> None:
    """Serve queries from ``conn`` until it closes (runs in a child process)."""
    import pyoxigraph as ox

    store = ox.Store.read_only(store_path)
    while True:
        try:
            text, fmt, limit = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = answer(store, text, fmt, limit, prefixes)
        except SyntaxError as exc:
            reply = ("syntax", str(exc))
        except Exception as exc:  # an evaluation error is the client's answer, not a crash
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
