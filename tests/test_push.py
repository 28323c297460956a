"""`kg push` into a real Virtuoso: answers match memory, and a cut-off push changes nothing.

Virtuoso (Debian's virtuoso-opensource) is started on 127.0.0.1 with a throw-away database;
without it the tests skip on a user's machine and fail under CI.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import urllib.parse
from collections import Counter
from decimal import Decimal

import pytest
from helpers import IN_CI, NAMED_QUERY_PARAMS
from rdflib import Literal
from virtuoso import Virtuoso, available

from kg.api import memory_backend
from kg.backends import EndpointBackend
from kg.build import build
from kg.cli import main
from kg.errors import KGError
from kg.push import FileStats, PushFailed, compare, push, temporary_graph
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


def tmp_count(v: Virtuoso, graph: str) -> int:
    """Triples in every temporary graph of pushes to ``graph`` (each push has its own)."""
    backend = EndpointBackend(v.sparql_url)
    result = backend.query(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{temporary_graph(graph)}")) }}'
    )
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


# --- the file and the names, without a store (these run first: a mutant they kill never
# starts Virtuoso) --------------------------------------------------------------------------

XSD = "http://www.w3.org/2001/XMLSchema#"


def test_scan_counts_by_hand(tmp_path):
    from kg.push import scan

    path = tmp_path / "t.nt"
    path.write_text(
        "<urn:a> <urn:p> <urn:b> .\n"
        "# a comment\n"
        '<urn:a> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        '<urn:a> <urn:q> "x" .\n'
        '<urn:b> <urn:q> "y"@en .\n'
        '<urn:c> <urn:q> "y"@en .\n',
        encoding="utf-8",
    )
    stats = scan(path)
    assert stats.triples == 5
    assert stats.predicates == Counter({"urn:p": 2, "urn:q": 3})
    lang = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
    assert stats.datatypes == Counter(
        {("urn:p", XSD + "integer"): 1, ("urn:q", XSD + "string"): 1, ("urn:q", lang): 2}
    )


def test_scan_refuses_what_cannot_be_pushed(tmp_path):
    from kg.errors import InputError
    from kg.push import scan

    broken = tmp_path / "broken.nt"
    broken.write_text('<urn:a> <urn:p> <urn:b> .\n<urn:a> <urn:p> "open .\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.nt:2: "):
        scan(broken)
    blank = tmp_path / "blank.nt"
    blank.write_text("_:x <urn:p> <urn:b> .\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"blank\.nt: blank node in .*push needs skolemised"):
        scan(blank)
    with pytest.raises(InputError, match=r"missing\.nt: cannot read"):
        scan(tmp_path / "missing.nt")


def test_names_and_terms_of_a_push():
    from kg.errors import InputError
    from kg.push import lock_graph
    from kg.push_client import sparql_iri as _iri
    from kg.push_client import sparql_literal as _literal
    from kg.push_scan import count_triples_text

    assert temporary_graph("urn:g") == "urn:g#kg-push-tmp"
    assert temporary_graph("urn:g#part", "abc") == "urn:g#kg-push-tmp-abc"
    assert lock_graph("urn:g#part") == "urn:g#kg-push-lock"
    assert count_triples_text("<a> <b> <c> .\n\n  # x\n <d> <e> <f> .\n") == 2
    assert _iri("urn:g") == "<urn:g>"
    with pytest.raises(InputError, match="not a valid IRI: 'urn:a> DROP ALL'"):
        _iri("urn:a> DROP ALL")
    assert _literal('a "b"\n') == '"a \\"b\\"\\n"'


@pytest.fixture(scope="module")
def pushed(virtuoso, kg_nt):
    return push(kg_nt, virtuoso.update_url, GRAPH, user="dba", password="dba")


def test_push_loads_every_triple(virtuoso, kg_nt, pushed):
    n = sum(1 for line in kg_nt.read_text().splitlines() if line.strip())
    assert pushed.triples == n > 5000
    assert count(virtuoso, GRAPH) == n
    assert tmp_count(virtuoso, GRAPH) == 0


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
    leftover = tmp_count(virtuoso, target)
    assert leftover > 0  # the network was gone, so the cleanup could not reach the store
    result = push(other_nt, virtuoso.update_url, target, user="dba", password="dba")
    assert tmp_count(virtuoso, target) == 0  # the next push cleaned it
    assert count(virtuoso, target) == result.triples != before


# --- issue #12: pushes that are hijacked, concurrent, empty or short --------------------------


def _nt(path, lines: list[str]):
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_file_cannot_smuggle_sparql_into_the_update(virtuoso, tmp_path, pushed):
    """Item 1: a line that closes INSERT DATA and drops another graph is refused as bad
    N-Triples; the other graph keeps every triple. A literal holding the same text is data."""
    from kg.errors import InputError

    g2 = GRAPH + "/victim"
    push(
        _nt(tmp_path / "v.nt", ["<urn:v> <urn:p> <urn:w> ."]),
        virtuoso.update_url,
        g2,
        user="dba",
        password="dba",
    )
    evil = (
        f'<urn:a> <urn:b> "x" . }} }} ; DROP SILENT GRAPH <{g2}> ; '
        'INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> "y" .'
    )
    with pytest.raises(InputError, match=r"e\.nt:1"):
        push(
            _nt(tmp_path / "e.nt", [evil]),
            virtuoso.update_url,
            GRAPH + "/g1",
            user="dba",
            password="dba",
        )
    assert count(virtuoso, g2) == 1
    text = f"}} }} ; DROP SILENT GRAPH <{g2}> ; INSERT DATA {{ GRAPH <urn:g> {{"
    data = _nt(tmp_path / "d.nt", [f"<urn:a> <urn:b> {Literal(text).n3()} ."])
    push(data, virtuoso.update_url, GRAPH + "/g1", user="dba", password="dba")
    assert count(virtuoso, g2) == 1
    got = graph_endpoint(virtuoso, GRAPH + "/g1").query("SELECT ?o WHERE { ?s ?p ?o }").rows
    assert [str(row[0]) for row in got] == [text]


def test_two_pushes_to_one_graph_never_mix(virtuoso, kg_nt, other_nt, pushed):
    """Item 3: while one push uploads, a second push to the same graph refuses; the first
    completes and the graph holds exactly its file."""
    from kg.push import PushBusy

    target = GRAPH + "/concurrent"
    paused, resume = threading.Event(), threading.Event()

    def hold(_n):
        paused.set()
        resume.wait(60)

    outcome = {}

    def first():
        try:
            outcome["a"] = push(
                kg_nt, virtuoso.update_url, target, user="dba", password="dba", progress=hold
            )
        except Exception as exc:  # reported below
            outcome["a"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert paused.wait(60)
        with pytest.raises(PushBusy, match="another push"):
            push(other_nt, virtuoso.update_url, target, user="dba", password="dba")
    finally:
        resume.set()
        thread.join(120)
    assert isinstance(outcome["a"], type(pushed)), outcome["a"]
    assert count(virtuoso, target) == outcome["a"].triples
    assert tmp_count(virtuoso, target) == 0
    again = push(other_nt, virtuoso.update_url, target, user="dba", password="dba")
    assert count(virtuoso, target) == again.triples  # the lock was released


def test_empty_file_is_refused_unless_allowed(virtuoso, tmp_path, pushed, runner):
    """Item 4: an empty file does not empty the target (exit 2) unless --allow-empty."""
    target = GRAPH + "/empty"
    push(
        _nt(tmp_path / "one.nt", ["<urn:a> <urn:b> <urn:c> ."]),
        virtuoso.update_url,
        target,
        user="dba",
        password="dba",
    )
    empty = tmp_path / "empty.nt"
    empty.write_text("# nothing here\n")
    args = [
        "push",
        "--endpoint",
        virtuoso.update_url,
        "--graph",
        target,
        "--file",
        str(empty),
        "--user",
        "dba",
        "--password",
        "dba",
    ]
    result = runner.invoke(main, args)
    assert result.exit_code == 2 and "no triples" in result.output
    assert count(virtuoso, target) == 1
    result = runner.invoke(main, [*args, "--allow-empty"])
    assert result.exit_code == 0, result.output
    assert count(virtuoso, target) == 0


@pytest.fixture
def five(tmp_path):
    """Five triples, each on its own line."""
    path = tmp_path / "five.nt"
    path.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(5)))
    return path


def test_short_upload_fails_the_check(virtuoso, five, monkeypatch):
    """Item 13: a store that keeps fewer triples than were sent fails the push (the total
    count comparison must catch it, not only the per-predicate one)."""
    from kg import push_client

    target = GRAPH + "/short"
    real = push_client.Store.upload

    def lossy(self, graph, data):
        lines = data.splitlines(keepends=True)
        real(self, graph, b"".join(lines[:-1]))  # one triple lost per batch

    monkeypatch.setattr(push_client.Store, "upload", lossy)
    # batches of 3 and 2: one triple lost from each, 3 of the 5 arrive (two differences, all
    # shown)
    with pytest.raises(PushFailed) as err:
        push(five, virtuoso.update_url, target, user="dba", password="dba", batch_size=3)
    assert str(err.value).endswith(
        "): the temporary graph holds 3 triples, the file 5; "
        "<urn:p>: 3 triple(s) in the store, 5 in the file"
    )
    assert count(virtuoso, target) == 0 and tmp_count(virtuoso, target) == 0


def test_compare_reports_a_short_total_first():
    """The totals are compared before the predicates (no store needed): 3 triples in the file
    (2 of urn:p, 1 of urn:q), 2 in the store (1 of each); the same counts agree."""
    file = FileStats(3, Counter({"urn:p": 2, "urn:q": 1}))
    short = FileStats(2, Counter({"urn:p": 1, "urn:q": 1}))
    extra = FileStats(4, Counter({"urn:p": 3, "urn:q": 1}))
    assert compare(file, short) == (
        [
            "the temporary graph holds 2 triples, the file 3",
            "<urn:p>: 1 triple(s) in the store, 2 in the file",
        ],
        [],
    )
    assert compare(file, extra)[0][0] == "the temporary graph holds 4 triples, the file 3"
    assert compare(file, FileStats(3, Counter({"urn:p": 2, "urn:q": 1}))) == ([], [])


def test_compare_datatypes_by_hand():
    dec, integer, double, string = (XSD + t for t in ("decimal", "integer", "double", "string"))
    # urn:a came back as it was; urn:b lost one of two decimals to xsd:integer; urn:c's decimal
    # came back as a double; urn:d's literal came back as no literal at all; urn:f's two
    # decimals came back as a double and an integer
    file = FileStats(
        8,
        Counter({"urn:a": 1, "urn:b": 3, "urn:c": 1, "urn:d": 1, "urn:f": 2}),
        Counter({("urn:a", string): 1, ("urn:b", dec): 2, ("urn:b", string): 1,
                 ("urn:c", dec): 1, ("urn:d", dec): 1, ("urn:f", dec): 2}),
    )  # fmt: skip
    stored = FileStats(
        8,
        Counter({"urn:a": 1, "urn:b": 3, "urn:c": 1, "urn:d": 1, "urn:f": 2}),
        Counter({("urn:a", string): 1, ("urn:b", dec): 1, ("urn:b", integer): 1,
                 ("urn:b", string): 1, ("urn:c", double): 1, ("urn:f", double): 1,
                 ("urn:f", integer): 1}),
    )  # fmt: skip
    assert compare(file, stored) == (
        [],
        [
            "<urn:b>: 1 literal(s) of xsd:decimal came back as xsd:integer",
            "<urn:c>: 1 literal(s) of xsd:decimal came back as xsd:double",
            "<urn:d>: 1 literal(s) of xsd:decimal came back as other datatypes",
            "<urn:f>: 2 literal(s) of xsd:decimal came back as xsd:double, xsd:integer",
        ],
    )
    # a predicate only the store holds is an error too; warnings wait until there are none
    extra = FileStats(9, Counter({**stored.predicates, "urn:e": 1}), stored.datatypes)
    assert compare(file, extra) == (
        [
            "the temporary graph holds 9 triples, the file 8",
            "<urn:e>: 1 triple(s) in the store, 0 in the file",
        ],
        [],
    )


def test_a_move_that_loses_triples_fails_the_push(virtuoso, five, monkeypatch):
    """A store that loses a triple while moving the temporary graph onto the target: the count
    of the target after the move is checked against the file's (the push cannot undo it, but
    must not report success)."""
    from kg import push_client as push_module

    target = GRAPH + "/lossy-move"
    real = push_module.Store.update

    def lossy(self, text):
        real(self, text)
        if text.startswith("MOVE GRAPH"):
            real(self, f"DELETE DATA {{ GRAPH <{target}> {{ <urn:s0> <urn:p> <urn:o0> }} }}")

    monkeypatch.setattr(push_module.Store, "update", lossy)
    with pytest.raises(PushFailed, match=r"holds 4 triples after the push, expected 5$"):
        push(five, virtuoso.update_url, target, user="dba", password="dba")
    assert count(virtuoso, target) == 4


def test_a_failed_check_says_what_differs_and_drops_the_temporary_graph(
    virtuoso, tmp_path, monkeypatch
):
    """Eight triples of eight predicates, of which the store keeps only the first: the total
    and seven predicates differ (8 differences): the first five are shown, then how many more."""
    from kg import push_client as push_module

    data = tmp_path / "eight.nt"
    data.write_text("".join(f"<urn:s> <urn:p{i}> <urn:o{i}> .\n" for i in range(8)))
    target = GRAPH + "/eight"
    real = push_module.Store.upload
    monkeypatch.setattr(
        push_module.Store, "upload", lambda self, g, d: real(self, g, d.splitlines()[0] + b"\n")
    )
    with pytest.raises(PushFailed) as err:
        push(data, virtuoso.update_url, target, user="dba", password="dba")
    missing = [f"<urn:p{i}>: 0 triple(s) in the store, 1 in the file" for i in range(1, 5)]
    assert str(err.value) == (
        f"push failed, <{target}> unchanged (the temporary graph was dropped): "
        + "; ".join(["the temporary graph holds 1 triples, the file 8", *missing])
        + "; and 3 more"
    )
    assert tmp_count(virtuoso, target) == 0
    # five differences are all shown; six are five and "1 more"
    for n, tail in ((5, "<urn:p4>: 0 triple(s) in the store, 1 in the file"), (6, "; and 1 more")):
        fewer = tmp_path / f"p{n}.nt"
        fewer.write_text("".join(f"<urn:s> <urn:p{i}> <urn:o{i}> .\n" for i in range(n)))
        with pytest.raises(PushFailed) as err:
            push(fewer, virtuoso.update_url, target, user="dba", password="dba")
        assert str(err.value).endswith(tail), n
    # when the temporary graph cannot be dropped either, the push says who will
    real_update = push_module.Store.update

    def no_drop(self, text):
        if text.startswith("DROP SILENT GRAPH"):
            raise KGError("connection lost")
        real_update(self, text)

    monkeypatch.setattr(push_module.Store, "update", no_drop)
    with pytest.raises(PushFailed, match=r"unchanged \(the temporary graph will be dropped by "
                       r"the next push\): the temporary graph holds 1 triples"):  # fmt: skip
        push(data, virtuoso.update_url, target, user="dba", password="dba")
    assert tmp_count(virtuoso, target) == 1
    monkeypatch.setattr(push_module.Store, "update", real_update)
    monkeypatch.setattr(push_module.Store, "upload", real)
    # ...and it does: the next push removes what the cut-off one left behind
    result = push(data, virtuoso.update_url, target, user="dba", password="dba")
    assert result.triples == 8 and count(virtuoso, target) == 8
    assert tmp_count(virtuoso, target) == 0


def test_a_failed_move_says_so(virtuoso, five, monkeypatch):
    from kg import push_client as push_module

    target = GRAPH + "/no-move"
    real = push_module.Store.update

    def no_move(self, text):
        if text.startswith("MOVE GRAPH"):
            raise KGError("connection lost")
        real(self, text)

    monkeypatch.setattr(push_module.Store, "update", no_move)
    with pytest.raises(PushFailed) as err:
        push(five, virtuoso.update_url, target, user="dba", password="dba")
    assert str(err.value) == (
        "the final MOVE failed: connection lost. A store that runs one update request as one "
        f"transaction leaves <{target}> unchanged; re-run the push"
    )
    assert count(virtuoso, target) == 0


def test_a_small_push_in_batches_by_hand(virtuoso, five):
    """Five triples in batches of two: three batches of 2, 2 and 1 statements, reported as
    they go; then the same file over the Graph Store protocol in one batch."""
    data = five
    target = GRAPH + "/five"
    seen: list[int] = []
    result = push(
        data, virtuoso.update_url, target, user="dba", password="dba", batch_size=2,
        progress=seen.append,
    )  # fmt: skip
    assert (result.graph, result.triples, result.batches, result.protocol) == (
        target,
        5,
        3,
        "update",
    )
    assert seen == [2, 2, 1] and result.warnings == [] and 0 < result.seconds < 600
    assert count(virtuoso, target) == 5 and tmp_count(virtuoso, target) == 0
    again = push(
        data,
        virtuoso.update_url,
        target,
        graph_store=virtuoso.graph_store_url,
        user="dba",
        password="dba",
    )
    assert (again.triples, again.batches, again.protocol) == (5, 1, "graph-store")
    assert count(virtuoso, target) == 5


@pytest.mark.parametrize(
    "row",
    [
        {"p": "urn:p", "n": "1"},  # terms that are not objects: was a raw TypeError
        {"p": {"type": "uri", "value": "urn:p"}, "n": {"type": "literal", "value": "one"}},
        {"n": {"type": "literal", "value": "1"}},  # ?p unbound: was a raw KeyError
    ],
    ids=["not-terms", "not-a-number", "unbound"],
)
def test_garbled_count_fails_the_push_cleanly(virtuoso, tmp_path, pushed, monkeypatch, row):
    """A store that garbles its count per predicate fails the push with PushFailed: the
    target unchanged and the temporary graph dropped (not a raw TypeError, ValueError or
    KeyError that left the temporary graph behind)."""
    import json

    from kg import push_client

    target = GRAPH + "/garbled"
    real = push_client.HttpClient.request

    def garbled(self, method, url, body=None, headers=None):
        answer = real(self, method, url, body, headers)
        query = urllib.parse.parse_qs((body or b"").decode()).get("query", [""])[0]
        if query.endswith("GROUP BY ?p"):
            results = {"head": {"vars": ["p", "n"]}, "results": {"bindings": [row]}}
            return answer[0], answer[1], json.dumps(results).encode()
        return answer

    monkeypatch.setattr(push_client.HttpClient, "request", garbled)
    data = _nt(tmp_path / "two.nt", ["<urn:a> <urn:p> <urn:b> .", '<urn:a> <urn:q> "x" .'])
    with pytest.raises(PushFailed, match=r"unchanged.*unexpected answer"):
        push(data, virtuoso.update_url, target, user="dba", password="dba")
    assert count(virtuoso, target) == 0 and tmp_count(virtuoso, target) == 0


def test_rewritten_datatypes_are_reported(virtuoso, tmp_path, runner):
    """Item 13: Virtuoso turns "7"^^xsd:decimal into xsd:integer; the push says so."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    data = _nt(
        tmp_path / "dec.nt",
        [
            f'<urn:a> <urn:amount> "7"^^<{xsd}decimal> .',
            f'<urn:b> <urn:amount> "7.5"^^<{xsd}decimal> .',
            '<urn:a> <urn:label> "seven"@en .',
        ],
    )
    target = GRAPH + "/decimal"
    result = push(data, virtuoso.update_url, target, user="dba", password="dba")
    assert any("xsd:decimal" in w and "urn:amount" in w for w in result.warnings), result.warnings
    cli = runner.invoke(
        main,
        [
            "push",
            "--endpoint",
            virtuoso.update_url,
            "--graph",
            target,
            "--file",
            str(data),
            "--user",
            "dba",
            "--password",
            "dba",
        ],
    )
    assert cli.exit_code == 0 and "warning: the store rewrote" in cli.output


def test_non_utf8_file_is_a_clean_error(virtuoso, tmp_path, runner):
    """Item 13: a file that is not UTF-8 is refused with its line, no traceback (exit 2)."""
    bad = tmp_path / "latin1.nt"
    bad.write_bytes('<urn:a> <urn:b> "caf\xe9" .\n'.encode("latin-1"))
    result = runner.invoke(
        main,
        [
            "push",
            "--endpoint",
            virtuoso.update_url,
            "--graph",
            GRAPH + "/latin1",
            "--file",
            str(bad),
            "--user",
            "dba",
            "--password",
            "dba",
        ],
    )
    assert result.exit_code == 2, result.output
    assert "latin1.nt:1" in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output
