"""Parse SPARQL before running it: query form, syntax errors with line and column, no updates.

>>> query_form("SELECT * WHERE { ?s ?p ?o }")
'SELECT'
>>> try:
...     query_form("SELECT ?s WHERE { ?s ?p }")
... except InputError as e:
...     print(str(e).splitlines()[0])
SPARQL syntax error at line 1, column 25: expected ...
>>> try:
...     query_form("DELETE WHERE { ?s ?p ?o }")
... except InputError as e:
...     print(str(e))  # doctest: +NORMALIZE_WHITESPACE
updates (INSERT/DELETE/LOAD/CLEAR/DROP/CREATE/ADD/MOVE/COPY) are not allowed:
the KG is read-only here
"""

from __future__ import annotations

import functools
import re

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from kg.errors import InputError

__all__ = ["QUERY_FORMS", "check_query", "query_form", "syntax_error"]

_OX_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)

QUERY_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}

UPDATE_REFUSED = (
    "updates (INSERT/DELETE/LOAD/CLEAR/DROP/CREATE/ADD/MOVE/COPY) are not allowed: "
    "the KG is read-only here"
)


def syntax_error(text: str, exc: ParseException) -> InputError:
    """An :class:`InputError` with line, column, the offending line and a caret under it.

    Oxigraph's parser pinpoints the error more precisely than rdflib's, so its position and
    message are used when it agrees that the query is malformed.
    """
    line_no, col = exc.lineno, exc.col
    reason = str(exc.msg) if getattr(exc, "msg", None) else str(exc)
    lines = text.splitlines() or [""]
    precise = _oxigraph_error(text)
    # Oxigraph reports the furthest point its parser reached; trust it only when that point
    # lies on the line rdflib blames, inside the text of that line.
    if precise is not None and precise[0] == line_no and precise[1] <= len(lines[line_no - 1]) + 1:
        line_no, col, reason = precise
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    return InputError(
        f"SPARQL syntax error at line {line_no}, column {col}: {reason}\n"
        f"  {line}\n  {' ' * (col - 1)}^"
    )


@functools.lru_cache(maxsize=512)
def query_form(text: str) -> str:
    """Return SELECT, ASK, CONSTRUCT or DESCRIBE; raise :class:`InputError` otherwise.

    Results are cached by query text: named queries are checked once per process.
    """
    if not _has_content(text):
        raise InputError("empty query: the text holds no SPARQL (only whitespace or comments)")
    try:
        parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise InputError(UPDATE_REFUSED) from None
        raise syntax_error(text, exc) from None
    return QUERY_FORMS[parsed[1].name]


def check_query(text: str) -> str:
    """Alias of :func:`query_form`, for readability at call sites that only validate."""
    return query_form(text)


def _oxigraph_error(text: str) -> tuple[int, int, str] | None:
    import pyoxigraph

    from kg.namespaces import PREFIXES

    try:
        pyoxigraph.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        match = _OX_POSITION.match(str(exc))
        if match:
            reason = " ".join(match.group(3).split())
            if len(reason) > 160:
                reason = reason[:157] + "..."
            # Oxigraph points just past the offending character; report the character itself.
            return int(match.group(1)), max(1, int(match.group(2)) - 1), reason
    except Exception:
        return None
    return None


def _has_content(text: str) -> bool:
    """Whether ``text`` holds anything but whitespace and ``#`` comments (outside IRIs/strings
    a ``#`` starts a comment; a rough check is enough to catch empty input).

    >>> _has_content("  # just a comment")
    False
    """
    return any(line.strip() and not line.strip().startswith("#") for line in text.splitlines())


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except ParseException:
        return False
    return True
