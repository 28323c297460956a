"""Shared fixtures: the CLI runner, the embedded KG (loaded once), and helpers for files."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from helpers import IN_CI

from kg import paths
from kg.loader import load_graph


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="session")
def kg_graph():
    """Ontology + embedded data, without materialised inverses (do not mutate)."""
    return load_graph()


@pytest.fixture(scope="session")
def source_text() -> str:
    """The normalised source paper; skips on a user's machine without it, fails under CI."""
    from kg.evidence import normalise

    path = paths.source_dir() / "000_25b2fadf580d6e84.txt"
    if not path.is_file():
        reason = f"source text not found at {path} (set {paths.SOURCE_DIR_ENV})"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return normalise(path.read_text(encoding="utf-8"))
