"""A small content-addressed cache for expensive, deterministic results (SHACL validation).

Entries live in ``$KG_CACHE_DIR`` (default ``$XDG_CACHE_HOME/cbec-kg`` or ``~/.cache/cbec-kg``)
as JSON files named by the SHA-256 of everything the result depends on, so a changed input can
never hit a stale entry.

>>> key = content_key([b"shapes", b"data"])
>>> len(key)
64
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.serialize import atomic_write

__all__ = ["cache_dir", "content_key", "get", "put"]

CACHE_ENV = "KG_CACHE_DIR"


def cache_dir() -> Path:
    """Folder of the cache."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cbec-kg"


def content_key(parts: Iterable[bytes]) -> str:
    """SHA-256 over length-prefixed parts (so part boundaries matter)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(len(part).to_bytes(8, "big"))
        h.update(part)
    return h.hexdigest()


def get(kind: str, key: str) -> dict[str, Any] | None:
    """The cached entry, or ``None``."""
    path = cache_dir() / kind / f"{key}.json"
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def put(kind: str, key: str, value: dict[str, Any]) -> None:
    """Store an entry (atomically); a read-only cache folder is silently skipped."""
    with contextlib.suppress(OSError, KGError):  # atomic_write reports OSError as KGError
        atomic_write(cache_dir() / kind / f"{key}.json", json.dumps(value, ensure_ascii=False))
