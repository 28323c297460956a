"""The client side of `kg push` (kg.push_client) against a recording HTTP server on 127.0.0.1:
basic and digest authentication (the digest response checked by the server as RFC 2617 defines
it), errors that say what happened, and the SPARQL calls the push makes.
"""

from __future__ import annotations

import hashlib
import json
import re
import socket
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.errors import InputError, KGError
from kg.push_client import HttpClient, Store, sparql_iri, sparql_literal

REALM, NONCE, OPAQUE = (
    "kg@test",
    "dcd98b7102dd2f0e8b11d0f600bfb0c093",
    "5ccc069c403ebaf9f0171e9517f40e41",
)


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


class Recorder:
    """An HTTP server that records each request and answers with ``answer(request)``:
    ``(status, headers, body)``; by default 200 with an empty JSON object."""

    def __init__(self, answer=None):
        self.requests: list[dict] = []
        self.answer = answer or (lambda req: (200, {"Content-Type": "application/json"}, b"{}"))
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                req = {
                    "method": self.command,
                    "path": self.path,
                    "headers": dict(self.headers),
                    "body": self.rfile.read(length),
                }
                recorder.requests.append(req)
                status, headers, body = recorder.answer(req)
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def digest_server(user: str, password: str):
    """Answers 401 with a challenge unless the request carries a correct digest response."""

    def answer(req):
        header = req["headers"].get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
        if header.startswith("Digest ") and fields.get("username") == user:
            ha1 = md5(f"{user}:{REALM}:{password}")
            ha2 = md5(f"POST:{fields['uri']}")
            expected = md5(f"{ha1}:{NONCE}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
            if fields["response"] == expected and fields.get("opaque") == OPAQUE:
                return 200, {"Content-Type": "text/plain"}, b"ok"
        challenge = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth", opaque="{OPAQUE}"'
        return 401, {"WWW-Authenticate": challenge}, b"unauthorized"

    return Recorder(answer)


def test_basic_auth_goes_with_the_first_request():
    with Recorder() as server:
        status, _, _ = HttpClient("Aladdin", "open sesame", auth="basic").request(
            "POST", server.url, b"x"
        )
    assert status == 200 and len(server.requests) == 1
    # RFC 7617, section 2
    assert server.requests[0]["headers"]["Authorization"] == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="


def test_digest_answers_the_challenge_once_and_then_reuses_it():
    with digest_server("dba", "secret") as server:
        client = HttpClient("dba", "secret")
        url = server.url + "?default-graph-uri=urn%3Ag"
        assert client.request("POST", url, b"1")[0] == 200
        assert client.request("POST", url, b"2")[0] == 200
    statuses = ["Authorization" in r["headers"] for r in server.requests]
    assert statuses == [False, True, True]  # one 401, not one per request
    sent = [
        dict(re.findall(r'(\w+)="?([^",]*)"?', r["headers"]["Authorization"]))
        for r in server.requests[1:]
    ]
    assert [f["nc"] for f in sent] == ["00000001", "00000002"]
    assert all(f["uri"] == "/sparql?default-graph-uri=urn%3Ag" for f in sent)
    assert [r["body"] for r in server.requests] == [b"1", b"1", b"2"]


def test_a_wrong_password_or_no_user_is_a_clear_error():
    with digest_server("dba", "secret") as server:
        with pytest.raises(KGError, match=r"refused user 'dba' \(HTTP 401, digest auth\)"):
            HttpClient("dba", "wrong").request("POST", server.url)
        with pytest.raises(KGError, match=r"refused no credentials \(HTTP 401"):
            HttpClient().request("POST", server.url)


def test_http_errors_and_lost_connections_are_kg_errors():
    page = b"<html><body><h1>Error</h1>\n<p>SPARQL   compiler: out of memory</p></body></html>"
    failing = Recorder(lambda req: (500, {"Content-Type": "text/html"}, page))
    message = r"answered HTTP 500: Error SPARQL compiler: out of memory$"
    with failing as server, pytest.raises(KGError, match=message):
        HttpClient().request("POST", server.url)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    with pytest.raises(KGError, match=f"connection to http://127.0.0.1:{port}/sparql failed"):
        HttpClient(timeout=5).request("POST", f"http://127.0.0.1:{port}/sparql")


def test_options_are_checked():
    with pytest.raises(InputError, match="--auth must be digest or basic"):
        HttpClient(auth="ntlm")
    with pytest.raises(InputError, match="not an http"):
        Store("file:///etc/passwd", None, None, HttpClient())
    with pytest.raises(InputError, match="not an http"):
        Store("http://h/update", None, "ftp://h/store", HttpClient())


def test_store_update_select_and_count_are_sparql_protocol_posts():
    rows = [{"n": {"type": "literal", "value": "42"}}]
    results = json.dumps({"head": {"vars": ["n"]}, "results": {"bindings": rows}}).encode()
    with Recorder(lambda req: (200, {"Content-Type": "application/json"}, results)) as server:
        store = Store(server.url, server.url + "-query", None, HttpClient())
        store.update("DROP SILENT GRAPH <urn:g>")
        assert store.select("SELECT ?n WHERE {}") == rows
        assert store.count("urn:g") == 42
    update, select, count = server.requests
    assert update["path"] == "/sparql" and select["path"] == count["path"] == "/sparql-query"
    assert update["headers"]["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert urllib.parse.parse_qs(update["body"].decode()) == {
        "update": ["DROP SILENT GRAPH <urn:g>"]
    }
    assert select["headers"]["Accept"] == "application/sparql-results+json"
    query = urllib.parse.parse_qs(count["body"].decode())["query"][0]
    assert "GRAPH <urn:g>" in query and "COUNT(*)" in query


@pytest.mark.parametrize(
    "payload",
    [b"<html>busy</html>", b'{"results": {}}', b'{"results": {"bindings": [{"n": "1"}]}}'],
)
def test_an_answer_that_is_not_sparql_json_is_a_kg_error(payload):
    odd = Recorder(lambda req: (200, {"Content-Type": "text/html"}, payload))
    with odd as server, pytest.raises(KGError, match="unexpected answer to a SELECT query"):
        Store(server.url, None, None, HttpClient()).select("SELECT * WHERE {}")


def test_upload_is_a_graph_store_post_or_insert_data():
    data = b'<urn:a> <urn:p> "x" .\n'
    with Recorder() as server:
        Store(server.url, None, server.url + "-graph?x=1", HttpClient()).upload("urn:g#1", data)
        Store(server.url, None, None, HttpClient()).upload("urn:g#1", data)
    graph_store, update = server.requests
    assert graph_store["path"] == "/sparql-graph?x=1&graph=urn%3Ag%231"
    assert graph_store["headers"]["Content-Type"].startswith("application/n-triples")
    assert graph_store["body"] == data
    text = urllib.parse.parse_qs(update["body"].decode())["update"][0]
    assert text == 'INSERT DATA { GRAPH <urn:g#1> {\n<urn:a> <urn:p> "x" .\n\n} }'


def test_terms_are_reserialised_or_refused():
    assert sparql_iri("urn:g") == "<urn:g>"
    with pytest.raises(InputError, match="not a valid IRI"):
        sparql_iri("urn:g> } ; DROP ALL ; #")
    assert sparql_literal('a "b"\nc') == '"a \\"b\\"\\nc"'
