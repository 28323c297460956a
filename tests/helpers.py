"""Helpers shared by the tests (import as ``from helpers import ...``)."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

DATA = Path(__file__).parent / "data"
REPO = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def tree_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of every file below ``folder``, keyed by relative path."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
