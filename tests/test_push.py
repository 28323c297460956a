"""`kg push` into a real Virtuoso: answers match memory, and a cut-off push changes nothing.

Virtuoso (Debian's virtuoso-opensource) is started on 127.0.0.1 with a throw-away database;
without it the tests skip on a user's machine and fail under CI.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.parse
from decimal import Decimal

import pytest
from helpers import IN_CI, NAMED_QUERY_PARAMS
from rdflib import Literal
from virtuoso import Virtuoso, available

from kg.api import memory_backend
from kg.backends import EndpointBackend
from kg.build import build
from kg.cli import main
from kg.push import PushFailed, push, temporary_graph
from kg.query import coerce_params, named_queries, run_query
from kg.synth import synth

pytestmark = pytest.mark.server

GRAPH = "https://w3id.org/cbec-kg/graph/test"
PARAMS = NAMED_QUERY_PARAMS


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    why = available()
    if why:
        if IN_CI:
            pytest.fail(why)
        pytest.skip(why)
    v = Virtuoso.start(tmp_path_factory.mktemp("virtuoso"))
    yield v
    v.stop()


@pytest.fixture(scope="module")
def kg_nt(tmp_path_factory):
    out = tmp_path_factory.mktemp("push-out")
    build(out_dir=out, formats="nt")
    return out / "kg.nt"


@pytest.fixture(scope="module")
def other_nt(tmp_path_factory):
    """A different, bigger KG (one synthetic source) to push over the paper's."""
    path = tmp_path_factory.mktemp("push-other") / "other.nt"
    synth(1, path)
    return path


def count(v: Virtuoso, graph: str) -> int:
    backend = EndpointBackend(v.sparql_url)
    result = backend.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    return int(result.rows[0][0])


def graph_endpoint(v: Virtuoso, graph: str) -> EndpointBackend:
    return EndpointBackend(f"{v.sparql_url}?{urllib.parse.urlencode({'default-graph-uri': graph})}")


def normal(term):
    """Typed literals by value; Virtuoso answers an xsd:boolean expression with 1/0."""
    if term is None:
        return ("unbound", "")
    if isinstance(term, Literal) and term.datatype is not None:
        if str(term.datatype) == "http://www.w3.org/2001/XMLSchema#boolean":
            return ("number", str(Decimal(int(term.toPython()))))
        value = term.toPython()
        if isinstance(value, bool | int | Decimal | float):
            return ("number", str(Decimal(value)))
        return ("typed", str(value if not isinstance(value, Literal) else term), str(term.datatype))
    return ("term", term.n3())


def rows_of(result) -> list:
    return sorted(tuple(normal(t) for t in row) for row in result.rows)


@pytest.fixture(scope="module")
def pushed(virtuoso, kg_nt):
    return push(kg_nt, virtuoso.update_url, GRAPH, user="dba", password="dba")


def test_push_loads_every_triple(virtuoso, kg_nt, pushed):
    n = sum(1 for line in kg_nt.read_text().splitlines() if line.strip())
    assert pushed.triples == n > 5000
    assert count(virtuoso, GRAPH) == n
    assert count(virtuoso, temporary_graph(GRAPH)) == 0


@pytest.mark.parametrize("query", named_queries(), ids=lambda q: q.name)
def test_named_query_on_virtuoso_matches_memory(virtuoso, pushed, query):
    memory = memory_backend()  # inverses and figure flags, as the build adds them
    raw = {p.name: PARAMS[p.name] for p in query.params if p.required}
    want = run_query(memory, query.text, coerce_params(raw, query, memory))
    remote = graph_endpoint(virtuoso, GRAPH)
    got = run_query(remote, query.text, coerce_params(raw, query, remote))
    assert got.variables == want.variables
    assert rows_of(got) == rows_of(want)


def test_kg_query_endpoint_against_virtuoso(virtuoso, pushed, runner):
    url = f"{virtuoso.sparql_url}?{urllib.parse.urlencode({'default-graph-uri': GRAPH})}"
    args = [
        "query",
        "--sparql",
        "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cbec:Challenge }",
        "--format",
        "csv",
    ]
    result = runner.invoke(main, [*args, "--endpoint", url])
    assert result.exit_code == 0, result.output
    assert result.output == "n\n4\n"


def test_graph_store_protocol_push_replaces_the_graph(virtuoso, other_nt, kg_nt, pushed):
    target = GRAPH + "/gsp"
    push(
        kg_nt,
        virtuoso.update_url,
        target,
        graph_store=virtuoso.graph_store_url,
        user="dba",
        password="dba",
    )
    before = count(virtuoso, target)
    result = push(
        other_nt,
        virtuoso.update_url,
        target,
        graph_store=virtuoso.graph_store_url,
        user="dba",
        password="dba",
    )
    assert result.protocol == "graph-store"
    assert count(virtuoso, target) == result.triples != before  # replaced, not merged


def test_wrong_password_changes_nothing(virtuoso, other_nt, pushed):
    before = count(virtuoso, GRAPH)
    with pytest.raises(Exception, match="401"):
        push(other_nt, virtuoso.update_url, GRAPH, user="dba", password="wrong")
    assert count(virtuoso, GRAPH) == before


class CuttingProxy:
    """A TCP proxy on 127.0.0.1 that forwards to Virtuoso until ``budget`` bytes went
    upstream, then drops the connection and refuses every later one (the network is gone)."""

    def __init__(self, port: int, budget: int):
        self.target = ("127.0.0.1", port)
        self.budget = budget
        self.sent = 0
        self.cut = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, False), daemon=True).start()

    def _pipe(self, src: socket.socket, dst: socket.socket, counted: bool) -> None:
        try:
            while data := src.recv(65536):
                if counted:
                    self.sent += len(data)
                    if self.sent > self.budget:
                        self.cut.set()
                if self.cut.is_set():
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()

    def close(self) -> None:
        self.listener.close()


def test_connection_killed_mid_push_leaves_the_target_unchanged(virtuoso, kg_nt, other_nt, pushed):
    target = GRAPH + "/cut"
    push(kg_nt, virtuoso.update_url, target, user="dba", password="dba")
    before = count(virtuoso, target)
    labels = "SELECT ?l WHERE { ?c a cbec:Challenge ; skos:prefLabel ?l } ORDER BY ?l"
    before_labels = graph_endpoint(virtuoso, target).query(labels).rows
    proxy = CuttingProxy(virtuoso.http_port, budget=other_nt.stat().st_size // 2)
    try:
        with pytest.raises(PushFailed, match="unchanged"):
            push(
                other_nt,
                f"http://127.0.0.1:{proxy.port}/sparql-auth",
                target,
                user="dba",
                password="dba",
                batch_size=500,
                timeout=30,
            )
    finally:
        proxy.close()
    assert proxy.cut.is_set()
    assert count(virtuoso, target) == before
    assert graph_endpoint(virtuoso, target).query(labels).rows == before_labels
    leftover = count(virtuoso, temporary_graph(target))
    assert leftover > 0  # the network was gone, so the cleanup could not reach the store
    result = push(other_nt, virtuoso.update_url, target, user="dba", password="dba")
    assert count(virtuoso, temporary_graph(target)) == 0  # the next push cleaned it
    assert count(virtuoso, target) == result.triples != before
