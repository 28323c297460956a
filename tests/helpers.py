"""Helpers shared by the tests (import as ``from helpers import ...``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, keyed by relative path.

    An embedded store is a database whose files differ from build to build; it counts by its
    ``kg-store.json``: the hash of the triples it holds, its freshness key and sizes.
    """
    stores = {p.parent for p in folder.rglob("kg-store.json")}
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and (p.parent not in stores or p.name == "kg-store.json")
    }


#: Values for the parameters of the named queries, chosen so that every answer is non-empty.
NAMED_QUERY_PARAMS = {
    "challenge": "id:challenge-talent",
    "from": "id:countermeasure-talent",
    "to": "id:challenge-talent",
    "node": "id:challenge-credit-guarantee",
    "section": "2.2",
    "actor": "id:actor-customs",
    "indicator": "id:indicator-cbec-export-value",
    "countermeasure": "id:countermeasure-talent",
    "type": "cbec:Challenge",
}
