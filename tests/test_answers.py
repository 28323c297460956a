"""The answers `kg build` works out into the store (kg/answers.py): which, that each is exactly
the evaluated answer, and that only the very same text on the very same code finds one."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from kg import answers as answers_module
from kg import paths
from kg.answers import ANSWERS_FILE, Answers, answer_key, requests, strip_known_prologue
from kg.backends import OxigraphBackend, inline_values, ordered_in_python
from kg.namespaces import CBEC, PREFIXES
from kg.query import get_named_query, named_queries
from kg.server_worker import handle
from kg.stores import commit_store, finish_store, read_meta, stage_store

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    """A store of the ontology and the curated data, finished as `kg build` finishes it (term
    index, stored answers), without the build's validation: a second or two."""
    path = tmp_path_factory.mktemp("answers") / "kg.store"
    inputs = [*paths.ontology_files(), *paths.data_files()]
    staging = stage_store(path, inputs, inverses=True)
    finish_store(staging, None, None)
    commit_store(staging, path)
    return OxigraphBackend(path)


def evaluated(backend, text, bindings):
    """The answer Oxigraph gives now, the stored answers left aside."""
    return ordered_in_python(backend._run, text, bindings)


def same(a, b) -> bool:
    """Equal answers: the same variables, and the same terms (kind, datatype, language) in the
    same rows in the same order."""
    return a.variables == b.variables and [
        [(type(t), t and t.n3()) for t in r] for r in a.rows
    ] == [[(type(t), t and t.n3()) for t in r] for r in b.rows]


def test_the_build_answers_every_report_and_each_value_of_a_precomputed_parameter(backend):
    asked = [(q.name, dict(b)) for q, b in requests(backend)]
    reports = sorted(q.name for q in named_queries() if not any(p.required for p in q.params))
    assert sorted(name for name, b in asked if not b) == reports
    # the paper's sections: 21 notations, 0 and 1 … 5 and their subsections (two levels)
    sections = sorted(str(b["section"]) for name, b in asked if name == "section-contents")
    assert len(sections) == 21 and sections[:3] == ["0", "1", "1.1"] and sections[-1] == "5"
    # every subclass of cbec:DomainConcept, the abstract Problem and Remedy included
    types = {b["type"] for name, b in asked if name == "glossary" and b}
    assert {CBEC.Challenge, CBEC.Cause, CBEC.Action, CBEC.Problem, CBEC.Remedy} <= types
    assert CBEC.DomainConcept not in types
    texts = len(asked) + len(reports)  # a report also under the text the endpoint's page sends
    assert len(Answers.of_store(backend.path)) == texts == read_meta(backend.path)["answers"]


def test_each_stored_answer_is_exactly_the_evaluated_one(backend):
    checked = 0
    for query, bindings in requests(backend):
        stored = backend.answers.result(query.text, bindings)
        assert stored is not None, (query.name, bindings)
        assert same(stored, evaluated(backend, query.text, bindings)), (query.name, bindings)
        checked += 1
    assert checked > 40


def test_a_stored_answer_is_read_not_evaluated(backend, monkeypatch):
    glossary = get_named_query("glossary")
    expected = evaluated(backend, glossary.text, {"type": CBEC.Challenge})
    assert len(expected.rows) == 4

    def evaluate(text, bindings):
        raise AssertionError(f"evaluated: {text[:40]}")

    monkeypatch.setattr(backend, "_run", evaluate)
    assert same(backend.query(glossary.text, {"type": CBEC.Challenge}), expected)
    # a value the build did not answer (not a domain class) is evaluated
    with pytest.raises(AssertionError, match="evaluated"):
        backend.query(glossary.text, {"type": URIRef("urn:not-a-class")})


def test_another_text_or_other_code_finds_no_answer(backend, monkeypatch):
    query = get_named_query("section-contents")
    text = inline_values(query.text, {"section": Literal("2.2")})
    assert backend.answers.solutions(text) is not None
    assert backend.answers.solutions(text + " ") is None
    assert backend.answers.solutions(inline_values(query.text, {"section": Literal("9")})) is None
    before = answer_key(text)
    answers_module._code_digest.cache_clear()
    monkeypatch.setattr(answers_module, "CODE", ("backends.py",))  # as if the code changed
    try:
        assert answer_key(text) != before
        assert backend.answers.solutions(text) is None
    finally:
        answers_module._code_digest.cache_clear()


def test_a_store_without_answers_evaluates(tmp_path, backend):
    from kg.stores import load_store

    data = tmp_path / "d.nt"
    data.write_text("<urn:a> <urn:b> <urn:c> .\n")
    load_store(tmp_path / "s", data)
    assert not (tmp_path / "s" / ANSWERS_FILE).exists()
    bare = OxigraphBackend(tmp_path / "s")
    assert bare.answers is None
    assert bare.query("SELECT ?o WHERE { <urn:a> <urn:b> ?o }").rows == [(URIRef("urn:c"),)]


def test_strip_known_prologue():
    assert strip_known_prologue(PROLOGUE + "SELECT * {}") == "SELECT * {}"
    assert strip_known_prologue("# c\nPREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nASK {}")
    assert strip_known_prologue("SELECT * {}") == "SELECT * {}"
    assert strip_known_prologue("PREFIX cbec: <urn:x#>\nSELECT * {}") is None
    assert strip_known_prologue("PREFIX nope: <urn:x#>\nSELECT * {}") is None


@pytest.fixture(scope="module")
def raw_store(backend):
    return ox.Store.read_only(str(backend.path))


def test_the_endpoint_sends_the_same_bytes_from_a_stored_answer(backend, raw_store):
    query = get_named_query("section-contents")
    text = PROLOGUE + inline_values(query.text, {"section": Literal("3.1")})
    for accept in ("application/sparql-results+json", "text/csv", "application/sparql-results+xml"):
        request = (text, accept, [], 10_000)
        assert backend.answers.solutions(strip_known_prologue(text)) is not None
        stored = handle(raw_store, request, PREFIXES, backend.answers)
        live = handle(raw_store, request, PREFIXES, None)
        assert stored == live and stored[4] == 27, accept


def test_the_endpoint_cuts_a_stored_answer_at_its_limit(backend, raw_store):
    query = get_named_query("glossary")
    request = (PROLOGUE + query.text, "application/sparql-results+json", [], 100)
    stored = handle(raw_store, request, PREFIXES, backend.answers)
    assert stored == handle(raw_store, request, PREFIXES, None)
    assert stored[3] is True and stored[4] == 100


def test_the_endpoint_never_answers_another_prefix_mapping_from_the_store(backend, raw_store):
    # the same text under another cbec: means other IRIs: its answer is evaluated (empty)
    query = get_named_query("glossary")
    text = "PREFIX cbec: <urn:other#>\n" + inline_values(query.text, {"type": CBEC.Challenge})
    reply = handle(raw_store, (text, "text/csv", [], 10_000), PREFIXES, backend.answers)
    assert reply[0] == "ok" and reply[4] == 0
    # and a worker with other prefixes never reads the stored answers at all
    other = {**PREFIXES, "cbec": "urn:other#"}
    text = inline_values(query.text, {"type": CBEC.Challenge})
    assert handle(raw_store, (text, "text/csv", [], 10_000), other, backend.answers)[4] == 0


def test_a_report_sent_from_the_endpoints_page_is_read_from_the_store(backend, raw_store):
    # the page (kg/sparql_ui) shows and sends a named query without its header comment
    query = get_named_query("link-status-summary")
    assert query.body != query.text and backend.answers.solutions(query.body) is not None
    request = (query.body, "application/sparql-results+json", [], 10_000)
    stored = handle(raw_store, request, PREFIXES, backend.answers)
    assert stored == handle(raw_store, request, PREFIXES, None) and stored[4] == 14
