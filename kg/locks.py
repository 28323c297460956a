"""Locks for things several commands may write at once: a store, an output folder.

A lock is ``fcntl.flock`` on a file beside the locked thing (``.NAME.lock`` in the same
folder), so it is released by the kernel when its holder exits, however it exits; the lock
file itself is never removed (removing it would let two holders lock two different files).

>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "kg.store"
>>> with exclusive(target):
...     print(lock_path(target).name)
.kg.store.lock
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Callable, Iterator
from pathlib import Path

__all__ = ["exclusive", "lock_path"]


def lock_path(target: str | Path) -> Path:
    """The lock file of ``target``."""
    target = Path(target).absolute()
    return target.parent / f".{target.name}.lock"


@contextlib.contextmanager
def exclusive(target: str | Path, on_wait: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the exclusive lock of ``target``; wait for another holder (``on_wait`` is told
    once, with a sentence saying what is waited for)."""
    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait(f"waiting for another process that writes {target} (lock {path})")
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield path
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
