"""Scale benchmark: load, validation, memory and query latency at 10k, 100k and 1M triples.

Run:  .venv/bin/python bench/bench_scale.py [--sizes 10k,100k,1M] [--repeat 5] [--no-virtuoso]
      (or `make bench-scale`)

For each size, a synthetic corpus (`kg synth`) is written and every measurement runs in a fresh
subprocess (peak RSS from ``resource.getrusage``):

* **bare load** — ``pyoxigraph.Store.bulk_load`` of the file alone: the floor;
* **our load** — :func:`kg.stores.stage_store` of ontology + file with inverse properties
  (bulk load, the inverses' CONSTRUCT and second bulk load, compaction), what ``kg build
  --store`` does after validation; then, timed apart as **index + answers**, what the build adds
  to a loaded store: the term index and the stored answers (:func:`kg.stores.finish_store`),
  which are not loading but work done once so that reads need not do it (RSS covers both);
* **validation** — every source validated on its own, cold cache, all CPUs (``kg build``'s
  validation step); its RSS is the largest of the main process and its workers;
* **warm build** — the whole ``kg build --with FILE --store PATH --formats nt`` once the
  cache holds every source's report;
* **queries** — median latency of each named query and of ``trace`` on the embedded store
  (through ``kg``: resolving parameters, converting the answer) and on the in-memory rdflib
  graph (same triples). The in-memory side is **capped**: it runs only up to ``--memory-max``
  (default 100k; parsing a million triples into rdflib alone takes minutes and gigabytes), each
  query is stopped after ``KG_BENCH_QUERY_CAP`` seconds (default 10; shown as "> cap") and
  timed at most ``--repeat`` times within a 10 s budget per query;
* **push** — ``kg push`` (Graph Store Protocol) into a throw-away Virtuoso vs Virtuoso's own
  bulk loader (``ld_dir`` + ``rdf_loader_run()``) on the same file.

Targets at the largest size are checked at the end: our load ≤ 1.5 × bare, our load's peak RSS
≤ 1.3 × bare, every parameterised named query and ``trace`` ≤ 50 ms and every report over the
whole KG ≤ 1 s on the store; and at the largest size with an in-memory side, every named query
≥ 10 × faster on the store. The whole 10k/100k/1M run takes about 6 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

SIZES = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}
PARAMS = {
    "challenge": "id:synth-00001-challenge-1",
    "from": "id:synth-00001-countermeasure-1",
    "to": "id:synth-00001-challenge-1",
    "node": "id:synth-00001-challenge-1",
    "section": "2.2",
}
TRACE_TERM = "id:synth-00001-challenge-1"


# --- children: each prints one JSON line --------------------------------------------------------


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _children_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def child_bare(file: str, store: str) -> dict:
    import pyoxigraph as ox

    start = time.perf_counter()
    s = ox.Store(store)
    s.bulk_load(path=file, format=ox.RdfFormat.N_TRIPLES)
    s.flush()
    n = len(s)
    return {"seconds": time.perf_counter() - start, "rss_mb": _rss_mb(), "triples": n}


def child_load(file: str, store: str) -> dict:
    from kg import paths
    from kg.stores import commit_store, finish_store, stage_store

    start = time.perf_counter()
    staging = stage_store(store, [*paths.ontology_files(), file], inverses=True)
    loaded = time.perf_counter()
    finish_store(staging, None, None)  # the term index and the stored answers, as kg build
    finished = time.perf_counter()
    n = commit_store(staging, store)
    return {
        "seconds": loaded - start,
        "finish_seconds": finished - loaded,
        "rss_mb": _rss_mb(),
        "triples": n,
    }


def child_validate(file: str) -> dict:
    from kg.sources import collect_sources, index_sources, validate_units, validation_units

    start = time.perf_counter()
    sources = collect_sources([file])
    index_sources(sources)
    units = validation_units(sources)
    outcomes = validate_units(units, use_cache=True)
    ok = all(o.report["conforms"] for o in outcomes)
    return {
        "seconds": time.perf_counter() - start,
        "rss_mb": max(_rss_mb(), _children_rss_mb()),
        "units": len(units),
        "conforms": ok,
    }


CAP = float(os.environ.get("KG_BENCH_QUERY_CAP", "10"))


def _time_queries(backend, repeat: int, budget: float, cap: float | None = None) -> dict:
    """Median latency of each named query (its required parameters bound) and of a trace,
    through ``kg.api.KnowledgeGraph``; with ``cap``, each query runs in a child process
    stopped after ``cap`` seconds (the in-memory side)."""
    from kg.api import KnowledgeGraph
    from kg.query import QueryTimeout, named_queries

    graph = KnowledgeGraph(backend)
    out = {}
    for q in named_queries():
        raw = {p.name: PARAMS[p.name] for p in q.params if p.required}
        times = []
        for _ in range(repeat + 1):
            t = time.perf_counter()
            try:  # a query past the cap is stopped (child process) and reported as "> cap"
                rows = len(graph.query(name=q.name, params=raw, timeout=cap).rows)
            except QueryTimeout:
                times, rows = [cap], -1
                break
            times.append(time.perf_counter() - t)
            if sum(times) > budget and len(times) >= 2:
                break
        out[q.name] = {
            "ms": statistics.median(times[1:] or times) * 1000,
            "rows": rows,
            "param": bool(raw),
        }
    times = []
    for _ in range(repeat + 1):
        t = time.perf_counter()
        traced = graph.trace(TRACE_TERM)
        times.append(time.perf_counter() - t)
    nodes = sum(len(v) for v in traced.values() if isinstance(v, list))  # as bench_queries counts
    out["trace"] = {"ms": statistics.median(times[1:]) * 1000, "rows": nodes, "param": True}
    return out


def child_memory_queries(file: str, repeat: str) -> dict:
    from kg.backends import MemoryBackend
    from kg.build import materialise_inverses
    from kg.loader import load_graph

    start = time.perf_counter()
    graph = load_graph([file])
    materialise_inverses(graph)
    loaded = time.perf_counter() - start
    times = _time_queries(MemoryBackend(graph), int(repeat), budget=10.0, cap=CAP)
    return {"load_seconds": loaded, "rss_mb": _rss_mb(), "triples": len(graph), "queries": times}


def child_store_queries(store: str, repeat: str) -> dict:
    from kg.backends import OxigraphBackend

    backend = OxigraphBackend(store)
    times = _time_queries(backend, int(repeat), budget=20.0)
    return {"rss_mb": _rss_mb(), "triples": len(backend), "queries": times}


CHILDREN = {
    "bare": child_bare,
    "load": child_load,
    "validate": child_validate,
    "memory-queries": child_memory_queries,
    "store-queries": child_store_queries,
}


def run_child(kind: str, *args: str, env: dict | None = None) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON answer."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=REPO,
    )
    if out.returncode != 0:
        raise RuntimeError(f"{kind} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- the run ----------------------------------------------------------------------------------


def bench_size(label: str, tmp: Path, repeat: int, virtuoso, memory: bool = True) -> dict:
    from kg.synth import sources_for, synth

    n = sources_for(SIZES[label])
    file = tmp / f"synth-{label}.nt"
    stats = synth(n, file)
    res: dict = {"size": label, "sources": n, "file_triples": stats.triples}
    print(f"[{label}] {stats.triples:,} triples, {n} sources", file=sys.stderr, flush=True)
    res["bare"] = run_child("bare", str(file), str(tmp / f"bare-{label}"))
    res["load"] = run_child("load", str(file), str(tmp / f"load-{label}"))
    cache = tmp / f"cache-{label}"
    env = {"KG_CACHE_DIR": str(cache)}
    res["validate"] = run_child("validate", str(file), env=env)
    print(f"[{label}] validated in {res['validate']['seconds']:.1f} s", file=sys.stderr, flush=True)
    store = tmp / f"store-{label}"
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "kg",
            "build",
            "--with",
            str(file),
            "--store",
            str(store),
            "--out",
            str(tmp / f"out-{label}"),
            "--formats",
            "nt",
            "--no-progress",
        ],
        check=True,
        capture_output=True,
        env={**os.environ, **env},
        cwd=REPO,
    )
    res["warm_build_seconds"] = time.perf_counter() - start
    if memory:
        res["memory"] = run_child("memory-queries", str(file), str(repeat))
        print(f"[{label}] in-memory queries done", file=sys.stderr, flush=True)
    res["store"] = run_child("store-queries", str(store), str(repeat))
    if virtuoso is not None:
        res["virtuoso"] = bench_virtuoso(virtuoso, tmp / f"out-{label}" / "kg.nt", label)
    shutil.rmtree(tmp / f"bare-{label}", ignore_errors=True)
    shutil.rmtree(tmp / f"load-{label}", ignore_errors=True)
    return res


def bench_virtuoso(v, nt: Path, label: str) -> dict:
    """kg push (Graph Store Protocol) vs ld_dir + rdf_loader_run() on the same file."""
    from kg.push import push

    graph = f"https://w3id.org/cbec-kg/bench/{label}"
    start = time.perf_counter()
    result = push(
        nt, v.update_url, graph, graph_store=v.graph_store_url, user="dba", password="dba"
    )
    pushed = time.perf_counter() - start
    loader_graph = graph + "-loader"
    folder = nt.parent
    start = time.perf_counter()
    v.isql(f"ld_dir('{folder}', '{nt.name}', '{loader_graph}');")
    v.isql("rdf_loader_run();")
    v.isql("checkpoint;")
    loaded = time.perf_counter() - start
    v.isql(f"SPARQL CLEAR GRAPH <{loader_graph}>;")
    v.isql("DELETE FROM DB.DBA.load_list;")
    return {"triples": result.triples, "push_seconds": pushed, "loader_seconds": loaded}


def print_report(results: list[dict]) -> None:
    """The tables and the target check."""
    print("\n## Load, validation and memory (each in a fresh process)\n")
    print(
        "| size | triples | bare bulk_load s | our load s | ratio | index + answers s "
        "| bare RSS MB | our RSS MB | ratio | validation s (units) | validation RSS MB "
        "| warm build s |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        b, o, v = r["bare"], r["load"], r["validate"]
        print(
            f"| {r['size']} | {o['triples']:,} | {b['seconds']:.2f} | {o['seconds']:.2f} "
            f"| {o['seconds'] / b['seconds']:.2f} | {o['finish_seconds']:.2f} "
            f"| {b['rss_mb']:.0f} | {o['rss_mb']:.0f} "
            f"| {o['rss_mb'] / b['rss_mb']:.2f} | {v['seconds']:.1f} ({v['units']}) "
            f"| {v['rss_mb']:.0f} | {r['warm_build_seconds']:.1f} |"
        )
    print("\n## In-memory rdflib graph (for comparison; capped, see the docstring)\n")
    print("| size | triples | parse + inverses s | RSS MB |")
    print("|---|---:|---:|---:|")
    for r in results:
        m = r.get("memory")
        if m is None:
            print(f"| {r['size']} | — | not measured (above --memory-max) | — |")
            continue
        print(f"| {r['size']} | {m['triples']:,} | {m['load_seconds']:.1f} | {m['rss_mb']:.0f} |")
    for r in results:
        print(f"\n## Median query latency at {r['size']} (ms)\n")
        print("| query | rows | memory | store (kg) | speed-up |")
        print("|---|---:|---:|---:|---:|")
        for name, st in r["store"]["queries"].items():
            mem = r.get("memory", {}).get("queries", {}).get(name)
            if mem is None:
                print(f"| {name} | {st['rows']} | — | {st['ms']:.2f} | — |")
                continue
            capped = ">" if mem["rows"] == -1 else ""
            print(
                f"| {name} | {st['rows']} | {capped}{mem['ms']:.1f} | {st['ms']:.2f} "
                f"| {capped}{mem['ms'] / st['ms']:.1f}x |"
            )
    if any("virtuoso" in r for r in results):
        print("\n## Into Virtuoso\n")
        print(
            "| size | triples | kg push (GSP) s | triples/s | ld_dir + rdf_loader_run s "
            "| triples/s |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for r in results:
            x = r.get("virtuoso")
            if x:
                print(
                    f"| {r['size']} | {x['triples']:,} | {x['push_seconds']:.1f} "
                    f"| {x['triples'] / x['push_seconds']:,.0f} | {x['loader_seconds']:.1f} "
                    f"| {x['triples'] / x['loader_seconds']:,.0f} |"
                )
    last = results[-1]
    load_ratio = last["load"]["seconds"] / last["bare"]["seconds"]
    rss_ratio = last["load"]["rss_mb"] / last["bare"]["rss_mb"]
    print(f"\n## Targets at {last['size']}\n")
    print(
        f"- our load ≤ 1.5 × bare bulk_load: {load_ratio:.2f}x — "
        f"{'met' if load_ratio <= 1.5 else 'NOT met'}"
    )
    print(
        f"- our load's peak RSS ≤ 1.3 × bare: {rss_ratio:.2f}x — "
        f"{'met' if rss_ratio <= 1.3 else 'NOT met'}"
    )
    late = {
        name: round(q["ms"], 1)
        for name, q in last["store"]["queries"].items()
        if q["ms"] > (50 if q["param"] else 1000)
    }
    print(
        f"- on the store, parameterised queries and trace ≤ 50 ms, reports ≤ 1 s — "
        f"{'met' if not late else 'NOT met for ' + json.dumps(late)}"
    )
    measured = [r for r in results if "memory" in r]
    if measured:
        m = measured[-1]
        speedups = {
            name: m["memory"]["queries"][name]["ms"] / m["store"]["queries"][name]["ms"]
            for name in m["memory"]["queries"]
            if name != "trace"
        }
        slow = {k: round(v, 1) for k, v in speedups.items() if v < 10}
        print(
            f"- at {m['size']}, every named query ≥ 10 × faster on the store than in memory: "
            f"min {min(speedups.values()):.1f}x — "
            f"{'met' if not slow else 'NOT met for ' + json.dumps(slow)}"
        )


def main() -> None:
    """Parse options, run every size, print the tables."""
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        print(json.dumps(CHILDREN[sys.argv[2]](*sys.argv[3:])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated: 10k,100k,1M")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per query")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip the Virtuoso rows")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    parser.add_argument(
        "--memory-max",
        default="100k",
        choices=list(SIZES),
        help="largest size whose in-memory rdflib side is measured",
    )
    args = parser.parse_args()
    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; choose from {', '.join(SIZES)}")
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-scale-"))
    virtuoso = None
    try:
        if not args.no_virtuoso:
            from virtuoso import Virtuoso, available

            why = available()
            if why:
                print(f"skipping Virtuoso: {why}", file=sys.stderr)
            else:
                virtuoso = Virtuoso.start(tmp / "virtuoso", dirs_allowed=[tmp])
        limit = SIZES[args.memory_max]
        results = [
            bench_size(label, tmp, args.repeat, virtuoso, memory=SIZES[label] <= limit)
            for label in sizes
        ]
        (tmp / "results.json").write_text(json.dumps(results, indent=1))
        print_report(results)
    finally:
        if virtuoso is not None:
            virtuoso.stop()
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"\nkept {tmp}", file=sys.stderr)


if __name__ == "__main__":
    main()
