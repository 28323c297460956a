"""Building and swapping embedded stores (kg.stores): staging beside the store and a rename into
place, failures that leave the previous store as it was, the store's own files, inverses, the
freshness key, and refusing to replace a folder that is not a store."""

from __future__ import annotations

import json
import shutil

import pyoxigraph as ox
import pytest

import kg.stores as stores_module
from kg import paths
from kg.answers import ANSWERS_FILE
from kg.backends import OxigraphBackend
from kg.errors import InputError
from kg.stores import (
    META_FILE,
    STORE_FORMAT,
    TERMS_FILE,
    check_store_target,
    commit_store,
    data_key,
    finish_store,
    load_store,
    read_meta,
    stage_store,
)

OLD = "<urn:a> <urn:p> <urn:b> .\n"
NEW = "<urn:a> <urn:p> <urn:b> .\n<urn:c> <urn:p> <urn:d> .\n<urn:e> <urn:p> <urn:f> .\n"


def nt(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def count(store_path) -> int:
    """Triples in the store at ``store_path``, read as a reader would (a new read-only open)."""
    return len(OxigraphBackend(store_path))


def leftovers(folder) -> list[str]:
    """Staging and old folders left beside a store."""
    return sorted(p.name for p in folder.iterdir() if ".staging-" in p.name or ".old-" in p.name)


@pytest.fixture
def old_store(tmp_path):
    """A store holding :data:`OLD` (one triple)."""
    path = tmp_path / "kg.store"
    assert load_store(path, nt(tmp_path, "old.nt", OLD)) == 1
    return path


# --- the target ------------------------------------------------------------------------------


def test_check_store_target_refuses_what_is_not_a_store(tmp_path, old_store):
    assert check_store_target(tmp_path / "new") == tmp_path / "new"  # nothing there yet
    assert check_store_target(str(old_store)) == old_store  # a store: may be replaced
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep me")
    with pytest.raises(InputError) as caught:
        check_store_target(folder)
    assert str(caught.value) == f"{folder} exists and is not a store; refusing to overwrite it"
    with pytest.raises(InputError, match="is not a store"):
        check_store_target(folder / "keep.txt")  # a file is not a store either


def test_loading_into_a_folder_that_is_not_a_store_changes_nothing(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "keep.txt").write_text("keep me")
    with pytest.raises(InputError, match="refusing to overwrite"):
        load_store(folder, nt(tmp_path, "new.nt", NEW))
    assert [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert (folder / "keep.txt").read_text() == "keep me"
    assert leftovers(tmp_path) == []


# --- staging and the swap --------------------------------------------------------------------


def test_the_old_store_is_read_until_the_staged_one_is_renamed_into_place(tmp_path, old_store):
    reader = OxigraphBackend(old_store)  # a reader that opened the store before the build
    staging = stage_store(old_store, [nt(tmp_path, "new.nt", NEW)])
    assert staging.parent == tmp_path and staging.name.startswith(".kg.store.staging-")
    assert len(ox.Store.read_only(str(staging))) == 3
    assert count(old_store) == 1 and len(reader) == 1  # still the old store, for everyone
    assert commit_store(staging, old_store) == 3
    assert count(old_store) == 3
    assert not staging.exists() and leftovers(tmp_path) == []


def test_load_store_replaces_a_store_and_writes_its_files(tmp_path, old_store):
    assert load_store(old_store, nt(tmp_path, "new.nt", NEW)) == 3
    assert count(old_store) == 3
    assert (old_store / TERMS_FILE).is_file()
    assert not (old_store / ANSWERS_FILE).exists()  # a loader runs no queries; `kg build` does
    assert read_meta(old_store) == {
        "answers": 0,
        "format": STORE_FORMAT,
        "key": None,
        "sha256": None,
        "triples": 3,
        "terms": 0,  # no labelled node of a domain class
    }
    assert leftovers(tmp_path) == []


def test_inputs_as_bytes_and_files_with_a_byte_order_mark(tmp_path):
    bom = tmp_path / "bom.ttl"
    bom.write_bytes(b"\xef\xbb\xbf@prefix : <urn:> .\n:x :p :y .\n")
    path = tmp_path / "s"
    assert load_store(path, bom, (NEW.encode(), "nt")) == 4


def test_a_failed_load_leaves_the_previous_store_and_no_staging_folder(tmp_path, old_store):
    meta = read_meta(old_store)
    bad = nt(tmp_path, "bad.ttl", "@prefix : <urn:> .\n:a :p .\n")
    with pytest.raises(InputError, match="cannot load into the store"):
        load_store(old_store, nt(tmp_path, "new.nt", NEW), bad)
    assert count(old_store) == 1 and read_meta(old_store) == meta
    assert leftovers(tmp_path) == []


def test_a_failure_while_indexing_leaves_the_previous_store_and_no_staging_folder(
    tmp_path, old_store, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("index failed")

    monkeypatch.setattr("kg.termindex.write_index", broken)
    with pytest.raises(RuntimeError, match="index failed"):
        load_store(old_store, nt(tmp_path, "new.nt", NEW))
    assert count(old_store) == 1 and leftovers(tmp_path) == []


def test_commit_refuses_a_target_that_stopped_being_a_store(tmp_path):
    staging = stage_store(tmp_path / "s", [nt(tmp_path, "new.nt", NEW)])
    (tmp_path / "s").mkdir()  # something else appeared at the target meanwhile
    with pytest.raises(InputError, match="refusing to overwrite"):
        commit_store(staging, tmp_path / "s")
    assert staging.is_dir() and list((tmp_path / "s").iterdir()) == []


# --- what a store holds ------------------------------------------------------------------------


def test_inverses_are_materialised_for_resources_only(tmp_path):
    data = nt(
        tmp_path,
        "inv.ttl",
        """@prefix : <urn:> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
:p owl:inverseOf :q .
:a :p :b .
:c :q "a literal" .
:d :r :e .
""",
    )
    assert load_store(tmp_path / "plain", data) == 4
    assert load_store(tmp_path / "inv", data, inverses=True) == 5  # + :b :q :a
    store = ox.Store.read_only(str(tmp_path / "inv"))
    b, q, a = (ox.NamedNode(f"urn:{n}") for n in "bqa")
    assert list(store.quads_for_pattern(b, q, a))


def test_finish_store_indexes_the_labelled_domain_nodes(tmp_path):
    data = nt(
        tmp_path,
        "d.ttl",
        """@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<urn:h> a cbec:Challenge ; skos:prefLabel "Credit gap"@en , "信用缺口"@zh .
<urn:c> a cbec:Cause ; skos:prefLabel "Fraud"@en .
<urn:x> skos:prefLabel "no class" .
""",
    )
    staging = stage_store(tmp_path / "s", [*paths.ontology_files(), data])
    meta = finish_store(staging, "k" * 64, "s" * 64)
    assert meta["terms"] == 2 and meta["key"] == "k" * 64 and meta["sha256"] == "s" * 64
    assert json.loads((staging / META_FILE).read_text()) == meta
    assert not (staging / f".{META_FILE}.tmp").exists()
    commit_store(staging, tmp_path / "s")
    assert read_meta(tmp_path / "s")["triples"] == count(tmp_path / "s")


def test_read_meta_is_none_without_a_readable_file(tmp_path, old_store):
    assert read_meta(tmp_path / "nowhere") is None
    (old_store / META_FILE).write_text("{not json")
    assert read_meta(old_store) is None


# --- the freshness key -------------------------------------------------------------------------


@pytest.fixture
def data_copy(tmp_path, monkeypatch):
    """The curated data copied to a folder that the toolkit reads instead of kg/data."""
    folder = tmp_path / "data"
    shutil.copytree(paths.data_dir(), folder)
    monkeypatch.setattr(paths, "data_dir", lambda: folder)
    return folder


def test_data_key_is_stable_and_depends_on_the_inverses_flag():
    assert data_key() == data_key() and len(data_key()) == 64
    assert data_key(inverses=False) != data_key()


def test_data_key_changes_when_a_data_file_changes_and_only_then(data_copy):
    before = data_key()
    some = sorted(data_copy.rglob("*.ttl"))[0]
    text = some.read_text(encoding="utf-8")
    some.write_text(text + "\n# a comment\n", encoding="utf-8")
    changed = data_key()
    assert changed != before
    some.write_text(text, encoding="utf-8")
    assert data_key() == before  # the content counts, not the time it was written
    (some.parent / "zz-new.ttl").write_text("", encoding="utf-8")
    assert data_key() not in (before, changed)  # a new file counts too


def test_data_key_changes_when_an_ontology_file_changes(tmp_path, monkeypatch):
    before = data_key()
    folder = tmp_path / "ontology"
    shutil.copytree(paths.ontology_dir(), folder)
    monkeypatch.setattr(paths, "ontology_dir", lambda: folder)
    assert data_key() == before  # same files, same content
    with (folder / "cbec.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    assert data_key() != before


def test_data_key_of_extra_files_by_content_and_order(tmp_path):
    a, b = nt(tmp_path, "a.nt", OLD), nt(tmp_path, "b.nt", NEW)
    base = data_key()
    with_a = data_key([a])
    assert with_a != base and data_key([str(a)]) == with_a
    assert data_key([a, b]) != data_key([b, a])
    a.write_text(NEW, encoding="utf-8")
    assert data_key([a]) != with_a


def test_store_format_is_part_of_the_key(monkeypatch):
    before = data_key()
    monkeypatch.setattr(stores_module, "STORE_FORMAT", STORE_FORMAT + 1)
    assert data_key() != before
