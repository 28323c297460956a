"""Locks (kg.locks): a second writer waits for the first, and the lock goes with its holder."""

from __future__ import annotations

import subprocess
import sys
import time

from kg.locks import exclusive, lock_path

HOLD = """
import sys, time
from kg.locks import exclusive
with exclusive(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def test_lock_file_sits_beside_the_target(tmp_path):
    assert lock_path(tmp_path / "kg.store") == tmp_path / ".kg.store.lock"


def test_a_second_holder_waits_and_is_told(tmp_path):
    target = tmp_path / "kg.store"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target), "1.5"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    told: list[str] = []
    start = time.monotonic()
    with exclusive(target, on_wait=told.append):
        waited = time.monotonic() - start
    holder.wait()
    # the first holder keeps the lock for 1.5 s after saying so: we got it only after that
    assert waited > 1.0 and len(told) == 1 and "waiting for another process" in told[0]


def test_a_killed_holder_releases_the_lock(tmp_path):
    target = tmp_path / "out"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(target), "60"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.kill()
    holder.wait()
    with exclusive(target, on_wait=lambda _: None):
        assert lock_path(target).exists()
