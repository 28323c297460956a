"""The content-addressed cache (kg.cache) of validation results."""

from __future__ import annotations

import pytest

from kg import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_put_then_get(folder):
    key = cache.content_key([b"shapes", b"data"])
    assert cache.get("validation", key) is None
    cache.put("validation", key, {"conforms": True, "名": "值"})
    assert cache.get("validation", key) == {"conforms": True, "名": "值"}
    assert (folder / "validation" / f"{key}.json").is_file()


def test_part_boundaries_change_the_key():
    assert cache.content_key([b"ab", b"c"]) != cache.content_key([b"a", b"bc"])
    assert cache.content_key([b"ab", b"c"]) == cache.content_key([b"ab", b"c"])


def test_a_corrupt_entry_is_a_miss(folder):
    key = cache.content_key([b"x"])
    (folder / "validation").mkdir(parents=True)
    (folder / "validation" / f"{key}.json").write_text("{not json", encoding="utf-8")
    assert cache.get("validation", key) is None
    (folder / "validation" / f"{key}.json").write_text("[1, 2]", encoding="utf-8")
    assert cache.get("validation", key) is None  # not an entry


def test_an_unwritable_cache_folder_is_skipped_silently(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(cache.CACHE_ENV, str(blocker / "cache"))  # a folder under a file
    cache.put("validation", "k", {"a": 1})  # no error
    assert cache.get("validation", "k") is None
