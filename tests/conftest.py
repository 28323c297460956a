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


#: Parsed once per process: `make mutation` runs a pytest session per mutant in forks of one
#: process, which inherit this instead of parsing the KG again.
_PARSED: dict[str, object] = {}


@pytest.fixture(scope="session")
def kg_graph():
    """Ontology + embedded data, without materialised inverses (do not mutate)."""
    if "kg" not in _PARSED:
        _PARSED["kg"] = load_graph()
    return _PARSED["kg"]


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


# --- maps and the browser (shared by the tests of kg.maps) --------------------------------------


@pytest.fixture(scope="session")
def maps(kg_graph, tmp_path_factory):
    """Every map page of the embedded KG, written once: ``{name: path}`` as write_maps returns."""
    from kg.maps import write_maps

    return write_maps(kg_graph, tmp_path_factory.mktemp("maps"))


@pytest.fixture(scope="session")
def chain_view(kg_graph):
    """The projection the maps draw (the chain view)."""
    from kg.projection import project

    return project(kg_graph, "chain")


@pytest.fixture(scope="module")
def browser():
    """One headless system Chromium per test module.

    Playwright's sync API keeps an event loop running in the main thread while the browser is
    open; closing it at the end of the module keeps that loop out of other modules' tests.
    """
    from mapbrowser import unavailable

    from kg.maps import BrowserUnavailable, chromium

    try:
        with chromium() as b:
            yield b
    except BrowserUnavailable as exc:
        unavailable(str(exc))


@pytest.fixture
def open_page(browser):
    """Open map pages; each is checked for errors and requests, then closed, at teardown."""
    from mapbrowser import Page

    pages = []

    def opener(path, fragment: str = "", **kwargs):
        pages.append(Page(browser, path, fragment, **kwargs))
        return pages[-1]

    yield opener
    for p in pages:
        p.close()


def pytest_collection_modifyitems(config, items):
    """Under `make mutation` (mutmut names the mutant under test in MUTANT_UNDER_TEST), run
    the quickest tests first: the first failure ends the run (-x), so a killed mutant costs
    only the tests before it. Durations come from mutmut's own recording run."""
    import json
    import os
    from pathlib import Path

    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", ""):
        return
    try:
        durations = json.loads(Path("mutmut-stats.json").read_text())["duration_by_test"]
    except (OSError, ValueError, KeyError):
        return
    items.sort(key=lambda item: durations.get(item.nodeid, float("inf")))


@pytest.fixture(scope="session", autouse=True)
def fresh_parse_cache():
    """Each session parses its queries anew: answers cached by an earlier session in the same
    process (mutmut's forked sessions) would keep the parser's checks from running at all."""
    from kg import sparql

    sparql._CACHE.clear()
