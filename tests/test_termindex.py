"""The term index (kg.termindex): exact, fragment and word lookups, the class filter, lookups by
IRI (in chunks), suggestions ranked as difflib scores them, and where a backend's index comes
from (its store's file, else one scan kept on the backend)."""

from __future__ import annotations

import difflib
import json
import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from kg import paths
from kg.backends import MemoryBackend, OxigraphBackend
from kg.loader import load_graph
from kg.stores import META_FILE, STORE_FORMAT, TERMS_FILE, load_store
from kg.termindex import TermIndex, available, index_of, write_index
from kg.terms import Match, normalise_label

ID = "https://w3id.org/cbec-kg/id/"
GAP = Match(ID + "h-credit", "Credit gap", "信用缺口", "cbec:Challenge", ("cbec:Challenge",), 1)
TALENT = Match(
    ID + "c-talent",
    "Cross-border talent shortage",
    "跨境人才短缺",
    "cbec:Cause",
    ("cbec:Cause", "cbec:Problem"),
    2,
)
GUARANTEE = Match(
    ID + "m-guarantee",
    "Credit guarantee",
    "信用担保",
    "cbec:Countermeasure",
    ("cbec:Countermeasure",),
)
PEOPLE = Match(ID + "a-talents", "Talents", "人才", "cbec:Actor", ("cbec:Actor", "cbec:Problem"))
ALL = [GAP, TALENT, GUARANTEE, PEOPLE]


@pytest.fixture(scope="module")
def index():
    return TermIndex.of(ALL)


def iris(matches):
    return [m.iri.removeprefix(ID) for m in matches]


# --- lookups -----------------------------------------------------------------------------------


def test_get_gives_the_whole_match_or_none(index):
    assert index.get(TALENT.iri) == TALENT  # labels, type, every class and rank
    assert index.get(ID + "nothing") is None


def test_exact_compares_normalised_labels_in_either_language(index):
    assert index.exact(normalise_label("Credit  gap")) == [GAP]
    assert index.exact(normalise_label("cross border talent shortage")) == [TALENT]
    assert index.exact("信用缺口") == [GAP]
    assert index.exact("credit") == []  # a fragment is not an exact match


def test_fragment_finds_labels_containing_the_key_sorted_by_iri(index):
    assert iris(index.fragment("credit")) == ["h-credit", "m-guarantee"]
    assert iris(index.fragment("人才")) == ["a-talents", "c-talent"]
    assert iris(index.fragment("信用")) == ["h-credit", "m-guarantee"]
    assert index.fragment("fraud") == []


def test_word_matches_need_every_word_in_english_or_all_in_the_chinese_label(index):
    assert iris(index.word_matches({"shortage", "talent"})) == ["c-talent"]
    assert iris(index.word_matches({"talent"})) == ["a-talents", "c-talent"]  # "Talents" too
    assert iris(index.word_matches({"border"})) == ["c-talent"]  # a part of a hyphenated word
    assert iris(index.word_matches({"人才", "短缺"})) == ["c-talent"]
    assert index.word_matches({"credit", "shortage"}) == []  # no label has both
    assert index.word_matches(set()) == []


def test_of_type_keeps_nodes_of_that_class_or_a_sub_class(index):
    assert index.fragment("credit", of_type="cbec:Challenge") == [GAP]
    assert iris(index.fragment("t", of_type="cbec:Problem")) == ["a-talents", "c-talent"]
    assert index.exact("信用缺口", of_type="cbec:Cause") == []
    assert index.word_matches({"talent"}, of_type="cbec:Actor") == [PEOPLE]
    assert index.closest_labels("talents", of_type="cbec:Challenge") == []


def test_get_many_answers_past_one_chunk_of_500():
    many = [Match(f"urn:n{i:04d}", f"node {i}", f"节点{i}") for i in range(1_234)]
    big = TermIndex.of(many)
    wanted = [m.iri for m in many[::-1]] + ["urn:missing", many[0].iri]  # 1,234 + duplicates
    found = big.get_many(wanted)
    assert found == {m.iri: m for m in many}
    assert big.get_many(m.iri for m in many[499:1002]) == {m.iri: m for m in many[499:1002]}
    assert big.get_many([]) == {}


# --- suggestions -------------------------------------------------------------------------------


def labelled(*labels, of_type="cbec:Cause"):
    return [
        Match(f"urn:{i:04d}", label, label, of_type, (of_type,)) for i, label in enumerate(labels)
    ]


def test_closest_labels_best_first_ties_by_the_smaller_label():
    # SequenceMatcher's ratio 2·M/T against "abcd": abcd 1, ABCE (abce) / abcf / xbcd 6/8,
    # ab and abcdefgh 4/6 and 8/12, a 2/5, wxyz 0 (below 0.3: never suggested).
    labels = ["wxyz", "xbcd", "abcdefgh", "a", "abcf", "ABCE", "ab", "abcd"]
    index = TermIndex.of(labelled(*labels))
    assert index.closest_labels("abcd", n=3) == ["abcd", "ABCE", "abcf"]
    assert index.closest_labels("abcd") == ["abcd", "ABCE", "abcf", "xbcd", "ab"]
    assert index.closest_labels("abcd", n=20) == [
        "abcd",
        "ABCE",
        "abcf",
        "xbcd",
        "ab",
        "abcdefgh",
        "a",
    ]
    assert index.closest_labels("qqqq") == []


def test_closest_labels_are_difflibs_best_despite_the_shortcuts():
    rng = random.Random(7)
    words = ["credit", "talent", "logistics", "brand", "customs", "payment", "guarantee"]
    labels = sorted(
        {
            " ".join(rng.sample(words, rng.randint(1, 3))) + rng.choice(["", "s", " gap"])
            for _ in range(300)
        }
    )
    index = TermIndex.of(labelled(*labels))
    for key in ["credit", "talentgap", "paymnt", "brandlogistic", "customsguarantees"]:
        first = {}  # a label per normalised form (the first node's), as suggestions show
        for label in labels:  # both of a node's labels are the same here
            first.setdefault(normalise_label(label), label)
        scored = []
        for norm, label in first.items():
            ratio = difflib.SequenceMatcher(None, norm, key).ratio()
            scored.append((-ratio, label))
        expected = [label for score, label in sorted(scored)[:5] if -score >= 0.3]
        assert index.closest_labels(key) == expected, key


def test_close_curies_of_an_unknown_curie(index):
    assert index.close_curies("id:h-credt") == ["id:h-credit"]
    assert index.close_curies("id:talents") == ["id:a-talents", "id:c-talent"]
    assert index.close_curies("id:talents", of_type="cbec:Cause") == ["id:c-talent"]
    assert index.close_curies("zzz") == []


# --- where a backend's index comes from --------------------------------------------------------

DATA = """@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix id: <https://w3id.org/cbec-kg/id/> .
id:h a cbec:Challenge ; skos:prefLabel "Credit gap"@en , "信用缺口"@zh .
id:c a cbec:Cause ; skos:prefLabel "Fraud"@en .
"""


@pytest.fixture(scope="module")
def data_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("terms") / "d.ttl"
    path.write_text(DATA, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(data_file):
    path = data_file.parent / "kg.store"
    load_store(path, *paths.ontology_files(), data_file)
    return path


def no_scan(monkeypatch):
    def scan(backend):
        raise AssertionError("the labels were scanned")

    monkeypatch.setattr("kg.terms.label_index", scan)


def test_a_stores_index_is_read_from_its_file_without_a_scan(store, monkeypatch):
    no_scan(monkeypatch)
    backend = OxigraphBackend(store)
    found = available(backend)
    assert found is not None and found is index_of(backend) and found is index_of(backend)
    assert iris(found.exact("creditgap")) == ["h"]
    assert found.get(ID + "c").label_zh == "Fraud"  # no Chinese label: the English one


def test_a_store_named_by_a_relative_path_reads_its_index(store, monkeypatch):
    # `kg.load()` names the default store as outputs/kg.store, relative to the working folder
    # (it raised "relative path can't be expressed as a file URI")
    no_scan(monkeypatch)
    monkeypatch.chdir(store.parent.parent)
    backend = OxigraphBackend(Path(store.parent.name) / store.name)
    assert iris(index_of(backend).exact("creditgap")) == ["h"]


def test_write_index_writes_a_file_that_opens_read_only(store, tmp_path):
    path = tmp_path / "terms.sqlite"
    path.write_text("an old file")
    assert write_index(OxigraphBackend(store), path) == 2  # the two labelled domain nodes
    opened = TermIndex.open(path)
    assert iris(opened.fragment("fraud")) == ["c"]
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        opened.db.execute("DELETE FROM nodes")


def test_a_backend_without_an_index_scans_once_and_keeps_it(data_file, monkeypatch):
    backend = MemoryBackend(load_graph([*paths.ontology_files(), data_file], include_default=False))
    assert available(backend) is None  # building one costs a scan: not "available"
    first = index_of(backend)
    assert iris(first.exact("信用缺口")) == ["h"]
    no_scan(monkeypatch)
    assert index_of(backend) is first and available(backend) is first


def test_a_store_of_another_format_or_without_the_file_is_scanned(store, tmp_path):
    for change in ("format", "file"):
        copy = tmp_path / change
        shutil.copytree(store, copy)
        if change == "format":
            meta = json.loads((copy / META_FILE).read_text())
            (copy / META_FILE).write_text(json.dumps({**meta, "format": STORE_FORMAT + 1}))
        else:
            (copy / TERMS_FILE).unlink()
        backend = OxigraphBackend(copy)
        assert available(backend) is None, change
        assert iris(index_of(backend).fragment("gap")) == ["h"], change
