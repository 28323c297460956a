"""The worker pool of `kg serve` (kg.server_pool), used directly from asyncio: answers come from
worker processes, the time limit replaces a worker, a full or slow queue is *busy*, and a
replaced store is served by every worker at once.

Each test starts real worker processes over a small store written here.
"""

from __future__ import annotations

import asyncio
import json
import os
import time

import pytest
from helpers import run_async

from kg.backends import load_store
from kg.server_pool import Busy, QueryTimedOut, WorkerPool, store_identity

N = 300
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
#: N⁴ rows to count: far past any time limit below
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
ASK = "ASK { ?s ?p ?o }"


def request(text: str) -> tuple[str, str, list[str], int]:
    return (text, "application/sparql-results+json", [], 100)


def count_of(reply) -> int:
    assert reply[0] == "ok", reply
    return int(json.loads(reply[2])["results"]["bindings"][0]["n"]["value"])


def write_store(path, n: int):
    data = path.parent / f"{path.name}-{n}.nt"
    data.write_text("".join(f"<urn:s{i}> <urn:p> <urn:o{i}> .\n" for i in range(n)))
    load_store(path, data)
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return write_store(tmp_path_factory.mktemp("pool") / "kg.store", N)


def test_store_identity_tells_a_replaced_store_apart(tmp_path):
    folder = tmp_path / "s"
    assert store_identity(folder) is None
    folder.mkdir()
    assert store_identity(folder) is None  # no CURRENT file: not a store yet
    (folder / "CURRENT").write_text("MANIFEST-1\n")
    first = store_identity(folder)
    assert first is not None and store_identity(folder) == first
    new = tmp_path / "new"
    new.mkdir()
    (new / "CURRENT").write_text("MANIFEST-1\n")
    os.rename(folder, tmp_path / "old")
    os.rename(new, folder)  # what kg build --store does: the new folder renamed into place
    assert store_identity(folder) not in (None, first)


def test_answers_come_from_worker_processes(store):
    pool = WorkerPool(store, size=1, timeout=30.0)
    try:
        (worker,) = pool.all
        assert worker.process.pid != os.getpid() and worker.process.is_alive()
        reply = run_async(pool.run((ASK, "*/*", [], 100)))
        assert reply[:2] == ("ok", "application/sparql-results+json")
        assert json.loads(reply[2]) == {"head": {}, "boolean": True} and reply[3:] == (False, 1)
        assert count_of(run_async(pool.run(request(COUNT)))) == N
        assert pool.replaced == 0
    finally:
        pool.close()
    worker.process.join(5)
    assert not worker.process.is_alive() and not pool.all


def test_past_the_time_limit_the_worker_is_replaced(store):
    pool = WorkerPool(store, size=1, timeout=1.0, queue_wait=60.0)
    try:
        (first,) = pool.all

        async def scenario():
            start = time.monotonic()
            with pytest.raises(QueryTimedOut):
                await pool.run(request(HEAVY))
            elapsed = time.monotonic() - start
            return elapsed, await pool.run(request(COUNT))  # waits for the new worker

        elapsed, reply = run_async(scenario())
        assert 1.0 <= elapsed < 15
        assert count_of(reply) == N
        assert pool.replaced == 1 and first not in pool.all
        first.process.join(5)
        assert not first.process.is_alive()
    finally:
        pool.close()


def test_a_full_queue_is_busy_at_once_and_a_long_wait_is_busy_too(store):
    pool = WorkerPool(store, size=1, timeout=2.0, max_queue=1, queue_wait=0.5)
    try:

        async def scenario():
            heavy = asyncio.create_task(pool.run(request(HEAVY)))
            await asyncio.sleep(0.3)  # the only worker has taken it
            queued = asyncio.create_task(pool.run(request(ASK)))
            await asyncio.sleep(0.05)
            start = time.monotonic()
            with pytest.raises(Busy):  # one query waits already: no place in the queue
                await pool.run(request(ASK))
            refused_in = time.monotonic() - start
            with pytest.raises(Busy):  # waited queue_wait, the worker still busy
                await queued
            with pytest.raises(QueryTimedOut):
                await heavy
            pool.queue_wait = 60.0
            return refused_in, await pool.run(request(COUNT))  # from the replacement worker

        refused_in, reply = run_async(scenario())
        assert refused_in < 0.2 and count_of(reply) == N
        assert pool.replaced == 1  # only the heavy query's worker; waiting stops no worker
    finally:
        pool.close()


def test_a_replaced_store_is_served_by_every_worker_at_once(tmp_path):
    path = write_store(tmp_path / "kg.store", 1)
    pool = WorkerPool(path, size=2, timeout=30.0)
    try:
        assert count_of(run_async(pool.run(request(COUNT)))) == 1
        write_store(path, 5)

        async def many():
            return await asyncio.gather(*(pool.run(request(COUNT)) for _ in range(6)))

        assert [count_of(r) for r in run_async(many())] == [5] * 6
        assert pool.generation == 1
    finally:
        pool.close()


def test_a_folder_that_is_not_a_store_stops_the_pool_from_starting(tmp_path):
    with pytest.raises(RuntimeError, match="cannot open"):
        WorkerPool(tmp_path / "no-store", size=1)
