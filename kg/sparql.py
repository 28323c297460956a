"""Parse SPARQL before running it: query form, syntax errors with line and column, no updates,
no ``SERVICE`` (no request to another server on a user's behalf) and no nesting deeper than
:data:`MAX_DEPTH`.

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
>>> analyse("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }").service
True

rdflib's SPARQL parser (pyparsing) must not run in several threads at once: every parse here
holds one process-wide lock. Parsed answers are cached by query text in a cache bounded by
bytes (:class:`ByteBoundedCache`), so a stream of large distinct queries cannot pin memory.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from pyparsing import ParseException, ParseResults
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

from kg.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "QUERY_FORMS",
    "SERVICE_REFUSED",
    "ByteBoundedCache",
    "QueryInfo",
    "analyse",
    "check_nesting",
    "check_query",
    "query_form",
    "syntax_error",
]

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
SERVICE_REFUSED = (
    "SERVICE (federated query) is refused: it would make this tool send requests to other "
    "servers on your behalf"
)

#: Deepest nesting of ``{ }``, ``( )`` and ``[ ]`` accepted (rdflib's parser recurses a few
#: dozen Python frames per level and gives up between 25 and 40; real queries use under 10).
MAX_DEPTH = 20

_PARSE_LOCK = threading.Lock()


@dataclass(frozen=True)
class QueryInfo:
    """What parsing a query tells: its form and whether it uses ``SERVICE``."""

    form: str
    service: bool


_V = TypeVar("_V")


class ByteBoundedCache(Generic[_V]):
    """A least-recently-used cache whose keys are strings, bounded by their total size.

    Keys longer than ``max_item`` characters are never stored.

    >>> cache = ByteBoundedCache(max_bytes=10, max_item=6)
    >>> cache.put("aaaa", 1); cache.put("bbbb", 2); cache.put("cccc", 3)
    >>> cache.get("aaaa"), cache.get("cccc"), cache.size <= 10
    (None, 3, True)
    >>> cache.put("x" * 7, 4); cache.get("x" * 7) is None
    True
    """

    def __init__(self, max_bytes: int = 4 << 20, max_item: int = 64 << 10):
        self.max_bytes, self.max_item = max_bytes, max_item
        self._items: OrderedDict[str, _V] = OrderedDict()
        self.size = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> _V | None:
        """The cached value or ``None``."""
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: str, value: _V) -> None:
        """Store ``value`` (oldest entries go first when the cache is full)."""
        if len(key) > self.max_item:
            return
        with self._lock:
            if key in self._items:
                return
            self._items[key] = value
            self.size += len(key)
            while self.size > self.max_bytes:
                old, _ = self._items.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._items.clear()
            self.size = 0


_CACHE: ByteBoundedCache[QueryInfo] = ByteBoundedCache()


def syntax_error(text: str, exc: ParseException) -> InputError:
    """An :class:`InputError` with line, column, the offending line and a caret under it.

    Oxigraph's parser pinpoints the error more precisely than rdflib's, so its position and
    message are used when it agrees that the query is malformed.
    """
    line_no, col = exc.lineno, exc.col
    reason = str(exc.msg) if getattr(exc, "msg", None) else str(exc)
    lines = text.splitlines() or [""]
    precise = _oxigraph_error(text)
    # Oxigraph reports the furthest point its parser reached; trust it when that point lies
    # at or after the one rdflib blames (rdflib often blames the start of the clause, a line
    # early when the clause is cut off by a line break), inside the text of its line.
    if (
        precise is not None
        and (precise[0], precise[1]) >= (line_no, col)
        and precise[0] <= len(lines)
        and precise[1] <= len(lines[precise[0] - 1]) + 1
    ):
        line_no, col, reason = precise
    line = lines[line_no - 1] if 0 < line_no <= len(lines) else ""
    return InputError(
        f"SPARQL syntax error at line {line_no}, column {col}: {reason}\n"
        f"  {line}\n  {' ' * (col - 1)}^"
    )


def analyse(text: str) -> QueryInfo:
    """Parse ``text``: its form and whether it uses ``SERVICE``; raise :class:`InputError` for
    empty, malformed, too deeply nested or update text."""
    cached = _CACHE.get(text)
    if cached is not None:
        return cached
    if not _has_content(text):
        raise InputError("empty query: the text holds no SPARQL (only whitespace or comments)")
    check_nesting(text)
    try:
        with _PARSE_LOCK:
            parsed = parseQuery(text)
    except ParseException as exc:
        if _is_update(text):
            raise InputError(UPDATE_REFUSED) from None
        raise syntax_error(text, exc) from None
    except RecursionError:
        raise InputError(_too_deep(MAX_DEPTH + 1)) from None
    info = QueryInfo(QUERY_FORMS[parsed[1].name], _has_service(parsed))
    _CACHE.put(text, info)
    return info


def query_form(text: str) -> str:
    """Return SELECT, ASK, CONSTRUCT or DESCRIBE; raise :class:`InputError` otherwise.

    Results are cached by query text (in a cache bounded by bytes): named queries are checked
    once per process.
    """
    return analyse(text).form


def check_query(text: str, allow_service: bool = False) -> str:
    """The query form; also refuses ``SERVICE`` unless ``allow_service``."""
    info = analyse(text)
    if info.service and not allow_service:
        raise InputError(SERVICE_REFUSED)
    return info.form


def _has_service(node: object) -> bool:
    """Whether a parse tree holds a ``ServiceGraphPattern`` (searched without recursion)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if getattr(item, "name", None) == "ServiceGraphPattern":
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
    return False


def _too_deep(depth: int) -> str:
    return (
        f"query nested too deeply ({depth} levels of {{ }}, ( ) or [ ]; at most {MAX_DEPTH}): "
        "flatten it"
    )


_SKIP = re.compile(
    r"""\#[^\n]*
    |'''(?:[^'\\]|\\.|'(?!''))*'''
    |\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
    |'(?:[^'\\\n]|\\.)*'
    |"(?:[^"\\\n]|\\.)*"
    |<[^<>"{}|^`\\\x00-\x20]*>
    |[^#'"<{}()\[\]]+
    |<""",
    re.X | re.S,
)


def check_nesting(text: str, limit: int = MAX_DEPTH) -> int:
    """The deepest nesting of brackets in ``text`` outside strings, IRIs and comments; raise
    :class:`InputError` past ``limit`` (before any parser recurses that deep).

    >>> check_nesting('SELECT * WHERE { FILTER(STR(?x) = "((((") }')
    3
    """
    depth = deepest = 0
    pos, n = 0, len(text)
    while pos < n:
        c = text[pos]
        if c in "{([":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    raise InputError(_too_deep(deepest))
            pos += 1
        elif c in "})]":
            depth = max(0, depth - 1)
            pos += 1
        else:
            m = _SKIP.match(text, pos)
            pos = m.end() if m else pos + 1
    return deepest


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
        with _PARSE_LOCK:
            parseUpdate(text)
    except (ParseException, RecursionError):
        return False
    return True
