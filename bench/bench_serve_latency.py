"""`kg serve` under 8 concurrent clients running the named queries: latency percentiles.

Run:  .venv/bin/python bench/bench_serve_latency.py --store PATH [--clients 8] [--rounds 5]
      [--workers 2] [--mix param|all]

Starts the current server (:func:`kg.server.make_server`) on 127.0.0.1 with an ephemeral port
over the store (e.g. the 1M store of ``bench_queries.py --size 1M --store PATH``), then runs
``--clients`` threads; each sends every query of the mix ``--rounds`` times, in its own shuffled
order (seeded), as a SPARQL 1.1 Protocol POST with the parameters bound as the VALUES row ``kg``
sends to endpoints. ``param``: the named queries with every parameter bound (the lookups);
``all``: also the whole-KG reports. Prints the p50, p95 and max latency per query and over all
requests, and the baseline of the same queries sent one at a time by a single client. Traffic
goes to loopback only; the run stops by itself after ``clients × rounds × queries`` requests.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers import NAMED_QUERY_PARAMS as PARAMS  # noqa: E402


def mix(kind: str, store: Path, max_rows: int | None = None) -> list[tuple[str, str]]:
    """``(name, text)`` of each query of the mix, parameters bound as a VALUES row (without
    those answering more than ``max_rows`` rows)."""
    from kg.backends import OxigraphBackend, inline_values
    from kg.namespaces import PREFIXES
    from kg.query import coerce_params, named_queries

    backend = OxigraphBackend(store)
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    out = []
    for q in named_queries():
        if kind == "param" and not q.params:
            continue
        raw = {p.name: PARAMS[p.name] for p in q.params}
        bindings = coerce_params(raw, q, backend)
        if max_rows is not None and len(backend.query(q.text, bindings).rows) > max_rows:
            continue
        out.append((q.name, prologue + inline_values(q.text, bindings)))
    return out


def post(url: str, text: str) -> float:
    data = urllib.parse.urlencode({"query": text}).encode()
    req = urllib.request.Request(
        url, data=data, headers={"Accept": "application/sparql-results+json"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(req, timeout=120) as resp:
        resp.read()
    return (time.perf_counter() - start) * 1000


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    """Serve the store, run the clients, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mix", choices=["param", "all"], default="param")
    parser.add_argument(
        "--max-rows", type=int, default=None, help="leave out queries answering more rows"
    )
    args = parser.parse_args()
    from kg.server import make_server

    server = make_server(args.store, "127.0.0.1", 0, 60.0, 100_000, args.workers, True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        queries = mix(args.mix, args.store, args.max_rows)
        for _, text in queries:  # warm up the workers
            post(server.url, text)
        alone = {
            name: statistics.median(post(server.url, t) for _ in range(3)) for name, t in queries
        }
        times: dict[str, list[float]] = {name: [] for name, _ in queries}
        lock = threading.Lock()

        def client(seed: int) -> None:
            order = [q for _ in range(args.rounds) for q in queries]
            random.Random(seed).shuffle(order)
            for name, text in order:
                ms = post(server.url, text)
                with lock:
                    times[name].append(ms)

        start = time.perf_counter()
        clients = [threading.Thread(target=client, args=(i,)) for i in range(args.clients)]
        for c in clients:
            c.start()
        for c in clients:
            c.join()
        wall = time.perf_counter() - start
    finally:
        server.shutdown()
        server.server_close()
    every = [t for ts in times.values() for t in ts]
    cut = f" (answers ≤ {args.max_rows} rows)" if args.max_rows is not None else ""
    print(
        f"\n## kg serve, {args.clients} clients × {args.rounds} rounds, {args.workers} workers, "
        f"mix {args.mix!r}{cut}: {len(every)} requests in {wall:.1f} s\n"
    )
    print("| query | alone ms | p50 ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    for name, ts in times.items():
        print(
            f"| {name} | {alone[name]:.1f} | {pct(ts, 50):.1f} | {pct(ts, 95):.1f} "
            f"| {max(ts):.1f} |"
        )
    p95 = pct(every, 95)
    print(f"| **all requests** | | {pct(every, 50):.1f} | {p95:.1f} | {max(every):.1f} |")
    print(f"\np95 ≤ 200 ms: {'met' if p95 <= 200 else 'NOT met'} ({p95:.1f} ms)")


if __name__ == "__main__":
    main()
