"""Root pytest configuration: applies to tests/ and to the doctests in kg/."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Keep the tests' validation cache out of the user's home folder."""
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    yield


@pytest.fixture(scope="session", autouse=True)
def default_store(tmp_path_factory, isolated_cache):
    """The store `kg build` leaves beside its outputs, built once for the session and named by
    KG_STORE, so that reading commands without --store/--with take the default read path
    whatever the developer's outputs/ holds."""
    if "MUTANT_UNDER_TEST" in os.environ:
        # under `make mutation` every mutant runs a pytest session in a forked process, where a
        # build (and an embedded store opened after the fork) would cost each mutant its
        # time limit: the reading commands read in memory instead
        os.environ["KG_STORE"] = "none"
        yield None
        return
    from kg.build import build

    out = tmp_path_factory.mktemp("kg-default-store")
    build(out_dir=out, store=out / "kg.store", formats="none")
    os.environ["KG_STORE"] = str(out / "kg.store")
    yield out / "kg.store"
