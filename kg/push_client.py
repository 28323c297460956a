"""The client side of ``kg push``: HTTP with basic or digest authentication, and the SPARQL 1.1
calls a push makes of the target store (update, SELECT, Graph Store ``POST``).

Only re-serialised terms ever reach a request: :func:`sparql_iri` and :func:`sparql_literal`
write an IRI or a string as SPARQL, refusing what cannot be one.

>>> sparql_iri("https://example.org/kg"), sparql_literal('say "hi"')
('<https://example.org/kg>', '"say \\\\"hi\\\\""')
>>> store = Store("http://localhost:8890/sparql-auth", None, None, HttpClient("dba", "dba"))
>>> store.query_url  # the COUNT checks go to the update endpoint unless told otherwise
'http://localhost:8890/sparql-auth'
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import TypeAlias, TypeGuard

from kg.errors import InputError, KGError

__all__ = ["Binding", "HttpClient", "Store", "sparql_iri", "sparql_literal"]

#: One row of SPARQL JSON results: variable → {"type": …, "value": …, maybe "datatype"…}.
Binding: TypeAlias = dict[str, dict[str, str]]


# --- HTTP with basic or digest authentication -----------------------------------------------


class HttpClient:
    """POSTs with preemptive basic auth, or digest auth that reuses the server's challenge.

    (urllib's digest handler answers every request's 401 anew, sending each batch twice.)
    """

    def __init__(
        self,
        user: str | None = None,
        password: str | None = None,
        auth: str = "digest",
        timeout: float = 300.0,
    ):
        if auth not in ("digest", "basic"):
            raise InputError(f"--auth must be digest or basic, not {auth!r}")
        self.user, self.password, self.auth, self.timeout = user, password, auth, timeout
        self._challenge: dict[str, str] | None = None
        self._nc = 0

    def _authorization(self, method: str, url: str) -> str | None:
        if self.user is None:
            return None
        if self.auth == "basic":
            token = base64.b64encode(f"{self.user}:{self.password or ''}".encode()).decode()
            return f"Basic {token}"
        c = self._challenge
        if c is None:
            return None
        self._nc += 1
        nc = f"{self._nc:08x}"
        cnonce = os.urandom(8).hex()
        uri = urllib.parse.urlsplit(url)
        path = uri.path + (f"?{uri.query}" if uri.query else "")
        algorithm = c.get("algorithm", "MD5")

        def h(x: str) -> str:
            return hashlib.md5(x.encode()).hexdigest()  # HTTP digest is defined on MD5

        ha1 = h(f"{self.user}:{c['realm']}:{self.password or ''}")
        if algorithm.upper() == "MD5-SESS":
            ha1 = h(f"{ha1}:{c['nonce']}:{cnonce}")
        ha2 = h(f"{method}:{path}")
        qop = "auth" if "auth" in c.get("qop", "").split(",") else None
        if qop:
            response = h(f"{ha1}:{c['nonce']}:{nc}:{cnonce}:{qop}:{ha2}")
        else:
            response = h(f"{ha1}:{c['nonce']}:{ha2}")
        parts = [
            f'username="{self.user}"',
            f'realm="{c["realm"]}"',
            f'nonce="{c["nonce"]}"',
            f'uri="{path}"',
            f'response="{response}"',
            f"algorithm={algorithm}",
        ]
        if qop:
            parts += [f"qop={qop}", f"nc={nc}", f'cnonce="{cnonce}"']
        if "opaque" in c:
            parts.append(f'opaque="{c["opaque"]}"')
        return "Digest " + ", ".join(parts)

    def request(
        self,
        method: str,
        url: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> tuple[int, str, bytes]:
        """Send a request; return (status, content type, body). HTTP errors raise KGError."""
        for attempt in range(2):
            hdrs = dict(headers or {})
            auth = self._authorization(method, url)
            if auth:
                hdrs["Authorization"] = auth
            req = urllib.request.Request(url, data=body, method=method, headers=hdrs)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                    return resp.status, resp.headers.get("Content-Type", ""), resp.read()
            except urllib.error.HTTPError as exc:
                challenge = exc.headers.get("WWW-Authenticate", "")
                detail = exc.read().decode("utf-8", "replace").strip()
                if (
                    exc.code == 401
                    and self.user
                    and attempt == 0
                    and challenge.lower().startswith("digest")
                    and self.auth == "digest"
                ):
                    self._challenge = _parse_challenge(challenge)
                    self._nc = 0
                    continue
                if exc.code == 401:
                    who = "no credentials" if not self.user else f"user {self.user!r}"
                    raise KGError(f"{url} refused {who} (HTTP 401, {self.auth} auth)") from None
                raise KGError(f"{url} answered HTTP {exc.code}: {_short(detail)}") from None
            except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise KGError(f"connection to {url} failed: {reason}") from None
        raise KGError(f"{url} kept asking for authentication")  # pragma: no cover


def _parse_challenge(header: str) -> dict[str, str]:
    fields = {k: v or w for k, v, w in re.findall(r'(\w+)=(?:"([^"]*)"|([^\s,]+))', header)}
    if "realm" not in fields or "nonce" not in fields:
        raise KGError(f"cannot understand the digest challenge: {header}")
    return fields


def _short(text: str, limit: int = 400) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- the store ---------------------------------------------------------------------------------


class Store:
    """A SPARQL 1.1 endpoint to push to (update, query and optional Graph Store URLs)."""

    def __init__(
        self,
        update_url: str,
        query_url: str | None,
        graph_store_url: str | None,
        client: HttpClient,
    ):
        for url in (update_url, query_url, graph_store_url):
            if url is not None and not url.startswith(("http://", "https://")):
                raise InputError(f"not an http(s) URL: {url}")
        self.update_url = update_url
        self.query_url = query_url or update_url
        self.graph_store_url = graph_store_url
        self.client = client

    def update(self, text: str) -> None:
        """Run a SPARQL 1.1 Update request."""
        body = urllib.parse.urlencode({"update": text}).encode()
        self.client.request(
            "POST",
            self.update_url,
            body,
            {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def select(self, text: str) -> list[Binding]:
        """Bindings of a SELECT query (SPARQL JSON results)."""
        body = urllib.parse.urlencode({"query": text}).encode()
        _, _, payload = self.client.request(
            "POST",
            self.query_url,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/sparql-results+json",
            },
        )
        try:
            rows = json.loads(payload)["results"]["bindings"]
        except (ValueError, KeyError, TypeError) as exc:
            answer = _short(payload.decode("utf-8", "replace"))
            raise KGError(f"unexpected answer to a SELECT query: {answer}") from exc
        if not _is_bindings(rows):
            answer = _short(payload.decode("utf-8", "replace"))
            raise KGError(f"unexpected answer to a SELECT query: {answer}")
        return rows

    def count(self, graph: str) -> int:
        """Triples in ``graph``."""
        rows = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {sparql_iri(graph)} {{ ?s ?p ?o }} }}"
        )
        try:
            return int(rows[0]["n"]["value"]) if rows else 0
        except (KeyError, ValueError) as exc:
            raise KGError(f"unexpected answer to a COUNT query: {rows[:1]}") from exc

    def upload(self, graph: str, ntriples: bytes) -> None:
        """Add N-Triples to ``graph`` (Graph Store POST, else INSERT DATA)."""
        if self.graph_store_url:
            sep = "&" if "?" in self.graph_store_url else "?"
            url = f"{self.graph_store_url}{sep}{urllib.parse.urlencode({'graph': graph})}"
            self.client.request(
                "POST", url, ntriples, {"Content-Type": "application/n-triples; charset=utf-8"}
            )
        else:
            # ``ntriples`` is Oxigraph's serialisation of parsed triples, never file text
            self.update(f"INSERT DATA {{ GRAPH {sparql_iri(graph)} {{\n{ntriples.decode()}\n}} }}")


def _is_bindings(rows: object) -> TypeGuard[list[Binding]]:
    """Whether ``rows`` has the shape of SPARQL JSON bindings (every term has a string value).

    >>> _is_bindings([{"n": {"type": "literal", "value": "3"}}]), _is_bindings([{"n": "3"}])
    (True, False)
    """
    return isinstance(rows, list) and all(
        isinstance(row, dict)
        and all(
            isinstance(var, str)
            and isinstance(term, dict)
            and all(isinstance(k, str) and isinstance(v, str) for k, v in term.items())
            and "value" in term
            for var, term in row.items()
        )
        for row in rows
    )


def sparql_iri(value: str) -> str:
    """An IRI as a SPARQL term (re-serialised; refuses what cannot be one)."""
    import pyoxigraph as ox

    try:
        return str(ox.NamedNode(value))
    except ValueError as exc:
        raise InputError(f"not a valid IRI: {value!r}") from exc


def sparql_literal(value: str) -> str:
    """A string as a SPARQL literal (re-serialised, so quotes and newlines are escaped)."""
    import pyoxigraph as ox

    return str(ox.Literal(value))
