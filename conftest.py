"""Root pytest configuration: applies to tests/ and to the doctests in kg/."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def isolated_cache(tmp_path_factory):
    """Keep the tests' validation cache out of the user's home folder."""
    os.environ["KG_CACHE_DIR"] = str(tmp_path_factory.mktemp("kg-cache"))
    yield
