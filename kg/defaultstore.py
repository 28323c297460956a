"""The default read path: the store ``kg build`` leaves beside its outputs, while it is fresh.

``kg build`` writes ``outputs/kg.store`` (``--out DIR``: ``DIR/kg.store``; ``--store PATH``
elsewhere). Reading commands and :func:`kg.load` use the store at :func:`default_store_path`
— ``$KG_STORE`` if set, else ``outputs/kg.store`` under the current folder — when its
freshness key (in its ``kg-store.json``) equals :func:`kg.stores.data_key` of the current
ontology, embedded data and package version. Otherwise, or when ``--with`` adds files, the KG
is parsed into memory, and the reason is said once per process on stderr.

``KG_STORE=none`` (or ``off``) always reads in memory, silently.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.backends import OxigraphBackend

__all__ = ["DEFAULT_STORE", "STORE_ENV", "default_backend", "default_store_path", "freshness"]

#: Where ``kg build`` puts the store inside its output folder, and where readers look for it.
DEFAULT_STORE = Path("outputs") / "kg.store"
#: Environment variable naming the default store (``none`` or ``off``: never use one).
STORE_ENV = "KG_STORE"

_said: set[str] = set()


def default_store_path() -> Path | None:
    """``$KG_STORE``, else ``outputs/kg.store``; ``None`` when ``KG_STORE`` is none/off."""
    env = os.environ.get(STORE_ENV)
    if env is not None and env.strip().lower() in ("none", "off", ""):
        return None
    return Path(env) if env else DEFAULT_STORE


def freshness(path: Path, inverses: bool = True) -> str | None:
    """``None`` when the store at ``path`` can be read as the current KG, else why not."""
    from kg.stores import STORE_FORMAT, data_key, read_meta

    if not (path / "CURRENT").is_file():
        return f"no built store at {path} (`kg build` makes it)"
    meta = read_meta(path)
    if meta is None or meta.get("format") != STORE_FORMAT:
        return f"the store at {path} was made by another version of cbec-kg (run `kg build`)"
    if meta.get("key") != data_key(inverses=inverses):
        return (
            f"the store at {path} is out of date: the ontology, the curated data or cbec-kg "
            "changed since it was built, or it holds other data (run `kg build`)"
        )
    return None


def _say(reason: str) -> None:
    if reason not in _said:
        _said.add(reason)
        print(f"note: reading the KG in memory: {reason}", file=sys.stderr)


def default_backend(
    extra: Iterable[str | Path] = (), inverses: bool = True
) -> OxigraphBackend | None:
    """The :class:`kg.backends.OxigraphBackend` of the fresh default store, or ``None`` (then
    the caller reads in memory; the reason has been said on stderr)."""
    path = default_store_path()
    if path is None:
        return None
    if list(extra):
        if (path / "CURRENT").is_file():
            _say(f"--with adds files to the KG, and the store at {path} holds only the built KG")
        return None
    why = freshness(path, inverses)
    if why is None:
        from kg.backends import OxigraphBackend
        from kg.errors import KGError

        try:
            return OxigraphBackend(path)
        except KGError as exc:
            why = str(exc)
    _say(why)
    return None
