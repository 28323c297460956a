"""Where the toolkit finds its ontology, curated data, named queries and the source texts."""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

#: Environment variable naming the folder that holds the source texts.
SOURCE_DIR_ENV = "KG_SOURCE_DIR"


def ontology_dir() -> Path:
    """Folder of ``cbec.ttl`` and ``shapes.ttl``.

    In a wheel the ontology ships as ``kg/ontology``; in a source checkout it is the top-level
    ``ontology/`` folder.

    >>> (ontology_dir() / "cbec.ttl").is_file()
    True
    """
    packaged = PACKAGE_DIR / "ontology"
    return packaged if packaged.is_dir() else REPO_DIR / "ontology"


def ontology_files() -> list[Path]:
    """The ontology's Turtle files (without the shapes), sorted by name."""
    return sorted(p for p in ontology_dir().glob("*.ttl") if p.name != "shapes.ttl")


def shapes_file() -> Path:
    """The SHACL shapes file."""
    return ontology_dir() / "shapes.ttl"


def data_dir() -> Path:
    """Folder of the embedded curated data: one sub-folder of Turtle files per source."""
    return PACKAGE_DIR / "data"


def data_files() -> list[Path]:
    """Every curated Turtle file, in a stable order.

    >>> any(p.parent.name == "xiang" for p in data_files())
    True
    """
    return sorted(data_dir().rglob("*.ttl"))


def queries_dir() -> Path:
    """Folder of the named SPARQL queries (``*.rq``)."""
    return PACKAGE_DIR / "queries"


def source_dir() -> Path:
    """Folder of the source texts: ``$KG_SOURCE_DIR``, else ``../shared/sources`` by the repo."""
    env = os.environ.get(SOURCE_DIR_ENV)
    if env:
        return Path(env)
    return REPO_DIR.parent / "shared" / "sources"
