"""The worker pool of ``kg serve``: query worker processes and who gets one when.

Each worker (:mod:`kg.server_worker`) is a process with the store open read-only. A query waits
(first come, first served) at most ``queue_wait`` seconds, behind at most ``max_queue`` others,
for a free worker, else :class:`Busy`; the worker then has ``timeout`` seconds, counted from the
moment it takes the query, else :class:`QueryTimedOut` and the worker is replaced in the
background (as after a crash, :class:`WorkerCrashed`). When the store folder is replaced
(``kg build --store``), every idle worker is retired at once and new ones open the new store.

Answering a query from an asyncio program (the request is :data:`kg.server_worker.Request`)::

    pool = WorkerPool("kg.store", size=2, timeout=10.0)
    reply = await pool.run(("ASK { ?s ?p ?o }", "*/*", [], 10_000))
    # ("ok", "application/sparql-results+json", b'{"head": {}, "boolean": true}', False, 1)
    pool.close()

>>> store_identity("/no/such/store") is None
True
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import multiprocessing
import os
import threading
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from kg.namespaces import PREFIXES
from kg.server_worker import run_worker

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import SpawnContext

    from kg.server_worker import Reply, Request, WorkerMessage

__all__ = [
    "DEFAULT_TIMEOUT",
    "Busy",
    "QueryTimedOut",
    "WorkerCrashed",
    "WorkerPool",
    "store_identity",
]

DEFAULT_TIMEOUT = 10.0
QUEUE_PER_WORKER = 64
WORKER_START_TIMEOUT = 60.0

log = logging.getLogger("kg.server")  # the endpoint's one logger (see kg.server_app)


class QueryTimedOut(Exception):
    """The worker did not answer within the time limit."""


class Busy(Exception):
    """No worker became free in time, or too many queries are waiting already."""


class WorkerCrashed(Exception):
    """The worker process died while answering."""


class _Failure(enum.Enum):
    """Why :meth:`_Worker.exchange` has no reply."""

    TIMED_OUT = "timed out"
    CRASHED = "crashed"


def store_identity(path: str | Path) -> tuple[int, int, int] | None:
    """What tells one store folder from its replacement (inode of the folder and of its
    ``CURRENT`` file), or ``None`` while there is no store at ``path``."""
    try:
        folder = os.stat(path)
        current = os.stat(Path(path) / "CURRENT")
    except OSError:
        return None
    return folder.st_dev, folder.st_ino, current.st_ino


_SPAWN_LOCK = threading.Lock()


class _Worker:
    def __init__(self, ctx: SpawnContext, store: str, generation: int):
        self.generation = generation
        self.stopped = False
        self.conn: Connection[Request, WorkerMessage]
        with _SPAWN_LOCK:  # one process start at a time: pipes never cross between workers
            self.conn, child = ctx.Pipe()
            self.process = ctx.Process(
                target=run_worker, args=(store, child, PREFIXES), daemon=True
            )
            self.process.start()
            child.close()

    def wait_ready(self, timeout: float) -> None:
        """Wait for the worker's ``ready``; raise :class:`RuntimeError` otherwise."""
        try:
            if not self.conn.poll(timeout):
                raise RuntimeError(f"query worker did not start within {timeout:g} s")
            message = self.conn.recv()
        except (EOFError, OSError) as exc:
            raise RuntimeError("query worker exited while starting") from exc
        if message[0] != "ready":
            raise RuntimeError(message[1])

    def exchange(self, request: Request, timeout: float) -> Reply | _Failure:
        """Send a request and wait at most ``timeout`` for the answer (in a pool thread)."""
        try:
            self.conn.send(request)
            if not self.conn.poll(timeout):
                return _Failure.TIMED_OUT
            message = self.conn.recv()
        except (EOFError, OSError):
            return _Failure.CRASHED
        if message[0] == "ok" or message[0] == "error":
            return message
        return _Failure.CRASHED  # pragma: no cover - "ready"/"failed" come once, before any request

    def stop(self) -> None:
        if self.stopped:
            return
        self.stopped = True
        self.process.terminate()
        self.process.join(5)
        if self.process.is_alive():  # pragma: no cover - terminate is honoured on Linux
            self.process.kill()
            self.process.join(5)
        with contextlib.suppress(OSError):
            self.conn.close()


class WorkerPool:
    """Worker processes, each with the store open read-only, shared by an asyncio server.

    :meth:`run` waits (first come, first served) for a free worker, at most ``queue_wait``
    seconds and behind at most ``max_queue`` other queries, else raises :class:`Busy`; then the
    worker has ``timeout`` seconds. A late or crashed worker is replaced in the background.
    """

    def __init__(
        self,
        store: str | Path,
        size: int = 2,
        timeout: float = DEFAULT_TIMEOUT,
        max_queue: int | None = None,
        queue_wait: float | None = None,
    ):
        self.store = str(store)
        self.size = max(1, size)
        self.timeout = timeout
        self.max_queue = max_queue if max_queue is not None else QUEUE_PER_WORKER * self.size
        self.queue_wait = queue_wait if queue_wait is not None else 3 * timeout
        self.ctx = multiprocessing.get_context("spawn")
        self.executor = ThreadPoolExecutor(self.size * 2 + 4, thread_name_prefix="kg-pool")
        self.idle: list[_Worker] = []
        self.waiters: deque[asyncio.Future[_Worker]] = deque()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        self.generation = 0
        self.store_id = store_identity(self.store)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.closed = False
        self.replaced = 0  # workers replaced after a timeout or crash (for tests and benchmarks)
        started = [self._new_worker(0) for _ in range(self.size)]
        try:
            for worker in started:
                worker.wait_ready(WORKER_START_TIMEOUT)
        except RuntimeError:
            self.close()
            raise
        self.idle.extend(started)

    def _new_worker(self, generation: int) -> _Worker:
        worker = _Worker(self.ctx, self.store, generation)
        with self.lock:
            self.all.add(worker)
        return worker

    # --- on the event loop ---------------------------------------------------------------

    async def run(self, request: Request) -> Reply:
        """Answer ``request`` (see :mod:`kg.server_worker`) in a free worker."""
        self.loop = asyncio.get_running_loop()
        self._check_store()
        worker = await self._acquire()
        # the clock starts now: the worker is idle and takes the query at once
        future = self.loop.run_in_executor(self.executor, worker.exchange, request, self.timeout)
        future.add_done_callback(partial(self._finished, worker))
        outcome = await asyncio.shield(future)
        if outcome is _Failure.TIMED_OUT:
            raise QueryTimedOut
        if outcome is _Failure.CRASHED:
            raise WorkerCrashed
        return outcome

    async def _acquire(self) -> _Worker:
        if self.idle and not self.waiters:
            return self.idle.pop()
        if len(self.waiters) >= self.max_queue:
            raise Busy
        assert self.loop is not None
        waiter: asyncio.Future[_Worker] = self.loop.create_future()
        self.waiters.append(waiter)
        expiry = self.loop.call_later(self.queue_wait, self._expire, waiter)
        try:
            return await waiter
        except asyncio.CancelledError:  # the client went away
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())
            raise
        finally:
            expiry.cancel()
            with contextlib.suppress(ValueError):
                self.waiters.remove(waiter)

    def _expire(self, waiter: asyncio.Future[_Worker]) -> None:
        if not waiter.done():
            waiter.set_exception(Busy())

    def _release(self, worker: _Worker) -> None:
        if self.closed or worker.generation != self.generation:
            self._retire(worker)
            return
        while self.waiters:
            waiter = self.waiters.popleft()
            if not waiter.done():
                waiter.set_result(worker)
                return
        self.idle.append(worker)

    def _finished(self, worker: _Worker, future: asyncio.Future[Reply | _Failure]) -> None:
        outcome = _Failure.CRASHED if future.cancelled() or future.exception() else future.result()
        if outcome is _Failure.TIMED_OUT or outcome is _Failure.CRASHED:
            self.replaced += 1
            self._retire(worker)
            self._replace(worker.generation)
        else:
            self._release(worker)

    def _retire(self, worker: _Worker) -> None:
        with self.lock:
            self.all.discard(worker)
        if not self.closed:
            self.executor.submit(worker.stop)
        else:
            worker.stop()

    def _replace(self, generation: int) -> None:
        if self.closed or generation != self.generation:
            return
        self.executor.submit(self._start_worker, generation)

    def _start_worker(self, generation: int) -> None:  # in a pool thread
        worker = self._new_worker(generation)
        try:
            worker.wait_ready(WORKER_START_TIMEOUT)
        except RuntimeError as exc:
            if not self.closed:
                log.warning("query worker failed to start: %s; retrying", exc)
            with self.lock:
                self.all.discard(worker)
            worker.stop()
            time.sleep(1.0)
            if self.loop is not None and not self.closed:
                self.loop.call_soon_threadsafe(self._replace, generation)
            return
        if self.loop is not None and not self.closed:
            self.loop.call_soon_threadsafe(self._release, worker)
        else:  # pragma: no cover - closed meanwhile
            worker.stop()

    def _check_store(self) -> None:
        """Switch every worker to a replaced store at once."""
        ident = store_identity(self.store)
        if ident is None or ident == self.store_id:
            return
        self.store_id = ident
        self.generation += 1
        idle, self.idle = self.idle, []
        for worker in idle:
            self._retire(worker)
        for _ in range(self.size):
            self._replace(self.generation)

    # --- anywhere --------------------------------------------------------------------------

    def close(self) -> None:
        """Stop every worker."""
        self.closed = True
        with self.lock:
            workers, self.all = list(self.all), set()
        for worker in workers:
            worker.stop()
