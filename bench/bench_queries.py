"""Time every named query (and a trace) on the in-memory and the embedded-store backends.

Run:  .venv/bin/python bench/bench_queries.py [--repeat 7]

Prints one row per query: median latency on the in-memory rdflib graph (the baseline), on the
embedded pyoxigraph store, and the ratio store / memory (below 1 = the store is faster). Both
backends answer the same queries in the same run, on the paper's KG.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers import NAMED_QUERY_PARAMS as PARAMS

from kg.api import memory_backend
from kg.backends import MemoryBackend, OxigraphBackend
from kg.build import build
from kg.query import coerce_params, named_queries
from kg.terms import label_index
from kg.trace import trace


def median_ms(func, repeat: int) -> float:
    """Median wall time of ``func()`` in milliseconds, after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    """Build the store, then time each query on both backends and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-"))
    build(out_dir=tmp / "out", store=tmp / "store", formats="nt")
    memory = memory_backend()  # the same triples as the store: inverses, flags
    assert isinstance(memory, MemoryBackend)
    graph = memory.graph
    store = OxigraphBackend(tmp / "store")
    rows = []
    for q in named_queries():
        raw = {p.name: PARAMS[p.name] for p in q.params if p.required}
        timings = []
        for backend in (memory, store):
            bindings = coerce_params(raw, q, backend)
            timings.append(
                median_ms(lambda b=backend, x=bindings, t=q.text: b.query(t, x), args.repeat)
            )
        rows.append((q.name, *timings))
    for backend in (memory, store):
        index = label_index(backend)
        rows_t = median_ms(
            lambda b=backend, i=index: trace(b, "id:challenge-talent", i), args.repeat
        )
        if backend is memory:
            mem_trace = rows_t
        else:
            rows.append(("trace id:challenge-talent", mem_trace, rows_t))
    print(f"KG: {len(graph)} triples; median of {args.repeat} runs after one warm-up\n")
    print(f"| {'query':<36} | memory ms | store ms | store/memory |")
    print(f"|{'-' * 38}|----------:|---------:|-------------:|")
    for name, mem, ox in rows:
        print(f"| {name:<36} | {mem:9.2f} | {ox:8.2f} | {ox / mem:12.3f} |")
    ratios = [ox / mem for _, mem, ox in rows]
    print(f"\ngeometric mean store/memory: {statistics.geometric_mean(ratios):.3f}")


if __name__ == "__main__":
    main()
