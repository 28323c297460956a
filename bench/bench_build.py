"""Time `kg build` end to end against the cost of importing rdflib, in the same run.

Run:  .venv/bin/python bench/bench_build.py [--repeat 5]

Each command runs as a fresh subprocess (as a user would run it); the table gives the median
wall time of ``--repeat`` runs and the ratio to the baseline ``python -c "import rdflib"``.
``kg build`` is timed twice: with its validation cache warm (the usual rebuild) and with
``--no-cache`` (every source re-validated with pyshacl).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

KG = [sys.executable, "-m", "kg"]


def median_seconds(cmd: list[str], repeat: int) -> float:
    """Median wall time of ``cmd`` over ``repeat`` runs (after one untimed warm-up run)."""
    subprocess.run(cmd, check=True, capture_output=True)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="kg-bench-build-"))
    rows = [
        ('python -c "import rdflib" (baseline)', [sys.executable, "-c", "import rdflib"]),
        ("kg build (validation cache warm)", [*KG, "build", "--out", str(out)]),
        ("kg build --no-cache", [*KG, "build", "--no-cache", "--out", str(out)]),
    ]
    results = [(name, median_seconds(cmd, args.repeat)) for name, cmd in rows]
    base = results[0][1]
    print(f"median of {args.repeat} runs, each a fresh process\n")
    print(f"| {'command':<40} | seconds | × baseline |")
    print(f"|{'-' * 42}|--------:|-----------:|")
    for name, seconds in results:
        print(f"| {name:<40} | {seconds:7.2f} | {seconds / base:10.1f} |")


if __name__ == "__main__":
    main()
