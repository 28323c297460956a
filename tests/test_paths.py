"""Where the toolkit finds its files (kg.paths)."""

from __future__ import annotations

from pathlib import Path

from kg import paths


def test_ontology_files_exclude_the_shapes():
    names = [p.name for p in paths.ontology_files()]
    assert "cbec.ttl" in names and "shapes.ttl" not in names
    assert paths.shapes_file().name == "shapes.ttl" and paths.shapes_file().is_file()


def test_data_and_queries_ship_with_the_package():
    assert all(p.suffix == ".ttl" for p in paths.data_files())
    assert {p.parent.name for p in paths.data_files()} == {"xiang"}
    assert (paths.queries_dir() / "remedies-for-challenge.rq").is_file()


def test_source_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv(paths.SOURCE_DIR_ENV, str(tmp_path))
    assert paths.source_dir() == tmp_path
    monkeypatch.delenv(paths.SOURCE_DIR_ENV)
    assert paths.source_dir() == Path(paths.REPO_DIR).parent / "shared" / "sources"
