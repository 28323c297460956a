"""Load on ``kg serve``: N concurrent clients, light named queries mixed with heavy ones.

Run:  .venv/bin/python bench/bench_serve.py [--store PATH] [--clients 8] [--requests 1000]
                                             [--heavy 0.03] [--timeout 2] [--large 1000]

Without ``--store`` the paper's KG is built into a temporary store. For a 1M-triple store::

    kg synth --sources 397 --out big.nt
    kg build --with big.nt --store big.store --formats none
    .venv/bin/python bench/bench_serve.py --store big.store

The server runs as its own process (``kg serve``, loopback only, a free port). Every light
query is a named query with parameters, whose answer is checked against the same query run in
this process directly on ``pyoxigraph.Store`` (the **baseline**, measured in the same run, one
query at a time). Heavy queries are a triple cross product that must hit the time limit.

Columns: requests/s over the load phase; p50/p95/p99 latency of light queries (baseline: the
same queries on the store in-process, sequential); *false timeouts* (light queries answered
"timed out": must be 0); *busy* (light queries answered 503 busy); *wrong answers* (light
answers that differ from the baseline, or errors: must be 0); the server's resident memory
(server and workers) before the load, after it, and after ``--large`` distinct large queries.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from helpers import NAMED_QUERY_PARAMS as PARAMS

from kg.backends import OxigraphBackend, _values_clause
from kg.build import build
from kg.namespaces import PREFIXES
from kg.query import coerce_params, named_queries
from kg.server_worker import answer

HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def light_queries(store: Path) -> list[tuple[str, str]]:
    """(name, full text) of every named query with its parameters bound as VALUES."""
    backend = OxigraphBackend(store)
    out = []
    for q in named_queries():
        raw = {p.name: PARAMS[p.name] for p in q.params if p.required}
        bindings = coerce_params(raw, q, backend)
        body = "\n".join(line for line in q.text.splitlines() if not line.startswith("#"))
        out.append((q.name, body + _values_clause(bindings)))
    del backend
    return out


def canonical(doc: dict) -> list:
    """A SPARQL JSON answer as a sorted list of rows (order-free comparison)."""
    if "boolean" in doc:
        return [doc["boolean"]]
    return sorted(json.dumps(b, sort_keys=True) for b in doc["results"]["bindings"])


def baseline(store: Path, queries, rounds: int) -> tuple[dict, list[float], float]:
    """Expected answers and latencies of the light queries run directly on the store."""
    import pyoxigraph as ox

    db = ox.Store.read_only(str(store))
    expected, times = {}, []
    start = time.perf_counter()
    for _ in range(rounds):
        for name, text in queries:
            t = time.perf_counter()
            _, _, body, _, _ = answer(db, text, "json", 10_000, PREFIXES)
            times.append(time.perf_counter() - t)
            expected[name] = canonical(json.loads(body))
    elapsed = time.perf_counter() - start
    del db
    return expected, times, len(times) / elapsed


def rss_kib(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants (KiB, from /proc)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def post(url: str, text: str, timeout: float = 120) -> tuple[int, bytes]:
    req = urllib.request.Request(
        url,
        data=text.encode(),
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def start_server(store: Path, timeout: float, workers: int) -> tuple[subprocess.Popen, str]:
    kg = Path(sys.executable).with_name("kg")
    proc = subprocess.Popen(
        [
            str(kg),
            "serve",
            "--store",
            str(store),
            "--port",
            "0",
            "--quiet",
            "--timeout",
            str(timeout),
            "--workers",
            str(workers),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+/sparql)", line)
    if not match:
        proc.kill()
        raise SystemExit(f"kg serve did not start: {line!r}")
    url = match.group(1)
    for _ in range(100):
        try:
            if post(url, "ASK {}")[0] == 200:
                break
        except OSError:
            time.sleep(0.1)
    return proc, url


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000 if values else float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--heavy", type=float, default=0.03, help="share of heavy queries")
    parser.add_argument("--timeout", type=float, default=2.0, help="kg serve --timeout")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--large", type=int, default=1000, help="distinct large queries")
    parser.add_argument("--large-kb", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    store = args.store
    if store is None:
        tmp = Path(tempfile.mkdtemp())
        build(out_dir=tmp / "out", store=tmp / "kg.store", formats="none")
        store = tmp / "kg.store"
    queries = light_queries(store)
    expected, base_times, base_rate = baseline(store, queries, rounds=5)

    rng = random.Random(args.seed)
    plan = [
        ("heavy", HEAVY) if rng.random() < args.heavy else rng.choice(queries)
        for _ in range(args.requests)
    ]
    proc, url = start_server(store, args.timeout, args.workers)
    try:
        rss_before = rss_kib(proc.pid)
        lock = threading.Lock()
        stats = {"false_timeouts": 0, "busy": 0, "wrong": 0, "heavy_timeouts": 0, "heavy": 0}
        light_times: list[float] = []
        wrong_examples: list[str] = []

        def one(item):
            name, text = item
            t = time.perf_counter()
            status, body = post(url, text)
            took = time.perf_counter() - t
            with lock:
                if name == "heavy":
                    stats["heavy"] += 1
                    stats["heavy_timeouts"] += status == 503 and b"timed out" in body
                    return
                if status == 503 and b"timed out" in body:
                    stats["false_timeouts"] += 1
                elif status == 503 and b"busy" in body:
                    stats["busy"] += 1
                elif status != 200 or canonical(json.loads(body)) != expected[name]:
                    stats["wrong"] += 1
                    if len(wrong_examples) < 3:
                        wrong_examples.append(f"{name}: HTTP {status} {body[:120]!r}")
                else:
                    light_times.append(took)

        start = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(one, plan))
        load_seconds = time.perf_counter() - start
        rss_after_load = rss_kib(proc.pid)

        filler = "x" * (args.large_kb * 1024)

        def large(i: int) -> None:
            text = f'SELECT ?s WHERE {{ ?s ?p "{i:08d}{filler}" }} LIMIT 1'
            status, _ = post(url, text)
            if status != 200:
                with lock:
                    stats["wrong"] += 1

        half = args.large // 2
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(large, range(half)))
        rss_after_half = rss_kib(proc.pid)
        with ThreadPoolExecutor(args.clients) as pool:
            list(pool.map(large, range(half, args.large)))
        rss_after_large = rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(30)

    triples = len(OxigraphBackend(store))
    print(
        f"\n## kg serve under load — {triples:,} triples, {args.clients} clients, "
        f"{args.requests} requests ({stats['heavy']} heavy), --timeout {args.timeout:g}, "
        f"--workers {args.workers}\n"
    )
    print("| | requests/s | light p50 ms | light p95 ms | light p99 ms |")
    print("|---|---|---|---|---|")
    print(
        f"| baseline: pyoxigraph.Store in-process, sequential | {base_rate:,.0f} "
        f"| {pct(base_times, 0.5):.1f} | {pct(base_times, 0.95):.1f} "
        f"| {pct(base_times, 0.99):.1f} |"
    )
    rate = args.requests / load_seconds
    print(
        f"| kg serve over HTTP | {rate:,.0f} | {pct(light_times, 0.5):.1f} "
        f"| {pct(light_times, 0.95):.1f} | {pct(light_times, 0.99):.1f} |"
    )
    print(
        f"| ratio serve / baseline | {rate / base_rate:.2f} "
        f"| {pct(light_times, 0.5) / pct(base_times, 0.5):.1f} "
        f"| {pct(light_times, 0.95) / pct(base_times, 0.95):.1f} "
        f"| {pct(light_times, 0.99) / pct(base_times, 0.99):.1f} |"
    )
    print()
    print(
        "| false timeouts | busy | wrong answers | heavy timed out | RSS before MiB "
        f"| after load | after {half} large queries | after {args.large} |"
    )
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {stats['false_timeouts']} | {stats['busy']} | {stats['wrong']} "
        f"| {stats['heavy_timeouts']}/{stats['heavy']} | {rss_before / 1024:.0f} "
        f"| {rss_after_load / 1024:.0f} | {rss_after_half / 1024:.0f} "
        f"| {rss_after_large / 1024:.0f} |"
    )
    for example in wrong_examples:
        print("wrong:", example)
    if stats["false_timeouts"] or stats["wrong"]:
        sys.exit(1)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
