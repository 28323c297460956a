"""Progress bars (rich) for the long steps of a build, or nothing at all when disabled.

>>> steps = Steps(enabled=False)
>>> with steps.step("counting", total=3) as advance:
...     for _ in range(3):
...         advance(1)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress

__all__ = ["Steps"]


class Steps:
    """One rich progress bar per step, on stderr; a no-op when ``enabled`` is false.

    ``enabled=None`` shows the bars only when stderr is a terminal.
    """

    def __init__(self, enabled: bool | None = None):
        if enabled is None:
            enabled = sys.stderr.isatty()
        self.enabled = enabled
        self._progress: Progress | None = None

    def __enter__(self) -> Steps:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self._progress = Progress(
                SpinnerColumn(),
                TextColumn("{task.description:<34}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=Console(stderr=True),
            )
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None

    @contextmanager
    def step(self, description: str, total: float | None = None) -> Iterator[Callable[..., None]]:
        """A bar for one step; yields ``advance(n=1)``. Without ``total`` the bar pulses."""
        if self._progress is None:
            yield lambda n=1: None
            return
        progress = self._progress
        task = progress.add_task(description, total=total)
        try:
            yield lambda n=1: progress.advance(task, n)
        finally:
            if total is None:
                progress.update(task, total=1, completed=1)
            else:
                self._progress.update(task, completed=total)
