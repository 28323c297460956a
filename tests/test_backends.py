"""The in-memory and embedded-store backends give the same answers to every named query."""

from __future__ import annotations

import pytest
from helpers import NAMED_QUERY_PARAMS
from rdflib import Literal, URIRef

from kg.api import memory_backend
from kg.backends import MemoryBackend, OxigraphBackend
from kg.build import build
from kg.cli import main
from kg.errors import InputError
from kg.query import coerce_params, named_queries, run_query

PARAMS = NAMED_QUERY_PARAMS


@pytest.fixture(scope="module")
def backends(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    store = tmp_path_factory.mktemp("store") / "kg.store"
    build(out_dir=out, store=store, formats="nt")
    memory = memory_backend()  # inverses and figure flags, as the build adds them
    assert isinstance(memory, MemoryBackend)
    return memory, OxigraphBackend(store)


def _normal(term):
    """Compare typed literals by value (Oxigraph writes canonical lexical forms)."""
    if term is None:
        return ("unbound", "", "")
    if isinstance(term, Literal) and term.datatype is not None:
        value = term.toPython()
        return ("typed", str(value if not isinstance(value, Literal) else term), str(term.datatype))
    return ("term", term.n3(), "")


def _rows(result):
    """Rows in the order the engine returned them (every named query has a total ORDER BY)."""
    return [tuple(_normal(t) for t in row) for row in result.rows]


CASES = [
    pytest.param(q, optional, id=f"{q.name}{'+optional' if optional else ''}")
    for q in named_queries()
    for optional in (False, True)
    if not optional or any(not p.required for p in q.params)
]


@pytest.mark.parametrize(("query", "optional"), CASES)
def test_named_query_same_answers_on_both_backends(backends, query, optional):
    memory, store = backends
    raw = {p.name: PARAMS[p.name] for p in query.params if p.required or optional}
    mem = run_query(memory, query.text, coerce_params(raw, query, memory))
    ox = run_query(store, query.text, coerce_params(raw, query, store))
    assert mem.variables == ox.variables
    assert _rows(mem) == _rows(ox)
    if raw:
        assert mem.rows, "the parameter values are chosen so that the answer is not empty"


def test_store_and_memory_hold_the_same_number_of_triples(backends):
    memory, store = backends
    assert len(store) == len(memory.graph)


def test_store_is_read_without_parsing(runner, tmp_path):
    store = tmp_path / "kg.store"
    assert (
        runner.invoke(
            main, ["build", "--out", str(tmp_path / "o"), "--store", str(store)]
        ).exit_code
        == 0
    )
    result = runner.invoke(
        main,
        [
            "query",
            "--store",
            str(store),
            "--format",
            "csv",
            "--sparql",
            "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cbec:Challenge }",
        ],
    )
    assert result.output == "n\n4\n"


def test_not_a_store_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["query", "glossary", "--store", str(tmp_path)])
    assert result.exit_code == 2
    assert "not a store made by `kg build --store PATH`" in result.output


def test_build_refuses_to_overwrite_a_folder_that_is_not_a_store(tmp_path):
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match="refusing to overwrite"):
        build(out_dir=tmp_path / "o", store=folder)
    assert (folder / "notes.txt").read_text() == "keep me"


ADHOC = [
    # a parameter used only in a FILTER
    (
        "SELECT ?c WHERE { ?c a cbec:Challenge ; skos:prefLabel ?l FILTER(CONTAINS(STR(?l), ?q)) }",
        {"q": Literal("人才")},
        1,
    ),
    # a parameter outside the grouped result
    (
        "SELECT (COUNT(?x) AS ?n) WHERE { ?c cbec:hasCause ?x }",
        {"c": URIRef("https://w3id.org/cbec-kg/id/challenge-talent")},
        1,
    ),
    # a parameter inside FILTER NOT EXISTS
    (
        "SELECT ?x WHERE { ?x a cbec:Cause FILTER NOT EXISTS { ?c cbec:hasCause ?x } }",
        {"c": URIRef("https://w3id.org/cbec-kg/id/challenge-talent")},
        9,  # 11 causes, 2 of them directly beneath the talent challenge
    ),
]


@pytest.mark.parametrize(("text", "bindings", "expected_rows"), ADHOC)
def test_parameters_mean_the_same_on_every_backend(backends, text, bindings, expected_rows):
    memory, store = backends
    mem, ox = memory.query(text, bindings), store.query(text, bindings)
    assert sorted(_rows(mem)) == sorted(_rows(ox))  # no ORDER BY: compare as sets
    assert len(mem.rows) == expected_rows


# --- where the VALUES row goes, by hand ----------------------------------------------------


def _after_brace_following(text: str, marker: str) -> int:
    """Index just after the first "{" that follows ``marker`` in ``text``."""
    return text.index("{", text.index(marker)) + 1


@pytest.mark.parametrize(
    ("text", "marker"),
    [
        ("SELECT ?x WHERE { ?c <urn:p> ?x }", "WHERE"),
        ("select ?x where { ?c <urn:p> ?x }", "where"),
        ("ASK { ?s ?p ?o }", "ASK"),
        ("SELECT * { ?s ?p ?o }", "SELECT"),
        ("# { a comment\nSELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ('SELECT ("{" AS ?x) WHERE { ?s ?p ?o }', "WHERE"),
        ('SELECT ("a\\"{" AS ?x) WHERE { ?s ?p ?o }', "WHERE"),
        ("SELECT ('''{''' AS ?x) WHERE { ?s ?p ?o }", "WHERE"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WHERE"),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "WHERE"),
        ("PREFIX x: <urn:x>\n# c\nCONSTRUCT { ?s x:p ?o } WHERE { ?s ?p ?o }", "WHERE"),
        ("CONSTRUCT { ?s <urn:where> ?nowhere } WHERE { ?s ?p ?nowhere }", "} WHERE"),
    ],
)
def test_group_start_by_hand(text, marker):
    from kg.backends import _group_start

    assert _group_start(text) == _after_brace_following(text, marker)


def test_no_group_no_place():
    from kg.backends import _group_start, inline_values

    assert _group_start("DESCRIBE <urn:x>") is None
    assert _group_start("SELECT ('{") is None
    assert inline_values("DESCRIBE ?x", {"x": URIRef("urn:x")}) == (
        "DESCRIBE ?x\nVALUES (?x) { (<urn:x>) }\n"
    )


def test_inline_values_by_hand():
    from kg.backends import _values_clause, inline_values

    bindings = {"b": Literal("x y"), "a": URIRef("urn:a")}
    assert _values_clause(bindings) == '\nVALUES (?a ?b) { (<urn:a> "x y") }\n'
    assert _values_clause({}) == ""
    text = "SELECT * WHERE { ?a ?p ?b }"
    assert inline_values(text, {}) == text
    assert inline_values(text, bindings) == (
        'SELECT * WHERE {\nVALUES (?a ?b) { (<urn:a> "x y") }\n ?a ?p ?b }'
    )
