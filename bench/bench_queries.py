"""Every named query and a trace through `kg` against the same query text run directly on
pyoxigraph, and cold `kg` processes against `python -c "import rdflib"`.

Run:  .venv/bin/python bench/bench_queries.py [--size paper|10k|100k|1M] [--repeat 7]
      [--store PATH] [--no-cold]

**Queries.** The KG of ``--size`` (the paper's, or the paper plus a synthetic corpus from
``kg synth``) is built with ``kg build --store`` into a temporary folder (or read from
``--store PATH``, a store built that way, e.g. ``kg build --with synth-1M.nt --store PATH
--formats none``). For each named query, with every parameter it declares bound to the paper's
values (``tests/helpers.py``), and once more with its optional parameters left out:

* **kg** — ``KnowledgeGraph.query(name=…, params=…)`` on the store: resolving the parameters
  (labels, CURIEs), running the query, converting the answer and fetching its labels;
* **direct** — the query text with the parameters bound in place (the VALUES row ``kg`` puts
  at the start of the WHERE group) run by ``pyoxigraph.Store.query``, every solution read;
* **answer** — *stored* when ``kg build`` worked the answer out into the store
  (:mod:`kg.answers`: the whole-KG reports and the queries marked ``# precompute:``) and ``kg``
  reads it; *evaluated* otherwise;
* **kg, evaluated** — the same call with the stored answers switched off (every query evaluated
  by Oxigraph, as before they existed);
* **ratio** — kg / direct. The targets: at most 3× direct (or direct + 5 ms), and at most 50 ms
  for a query with a parameter bound, 1 s for a report over the whole KG.

``trace`` is timed the same way: ``KnowledgeGraph.trace(TERM)`` against the SPARQL texts that
trace sends, recorded once and replayed on ``pyoxigraph.Store``. Each figure is the median of
``--repeat`` runs after one warm-up; at the paper's size the in-memory rdflib backend is timed too.

**Cold processes** (on the paper's store, the default read path through ``KG_STORE``): the
median wall time of ``kg trace 跨境电商人才缺乏``, ``kg query causes-of-challenge --param
challenge=talent`` and ``kg gaps`` as whole processes, against ``python -c "import rdflib"``;
target ≤ 3×.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from helpers import NAMED_QUERY_PARAMS as PARAMS  # noqa: E402

SIZES = {"paper": 0, "10k": 10_000, "100k": 100_000, "1M": 1_000_000}
TRACE_TERM = "id:challenge-talent"
COLD = [
    ["trace", "跨境电商人才缺乏"],
    ["query", "causes-of-challenge", "--param", "challenge=talent"],
    ["gaps"],
]


def median_ms(func, repeat: int) -> float:
    """Median wall time of ``func()`` in milliseconds, after one warm-up call."""
    func()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def build_store(size: str, tmp: Path) -> Path:
    """``kg build`` of the paper (plus a synthetic corpus of ``size``) with its store."""
    store = tmp / f"store-{size}"
    args = ["--out", str(tmp / f"out-{size}"), "--store", str(store), "--formats", "none"]
    if SIZES[size]:
        from kg.synth import sources_for, synth

        corpus = tmp / f"synth-{size}.nt"
        synth(sources_for(SIZES[size]), corpus)
        args += ["--with", str(corpus)]
    print(f"building the {size} store …", file=sys.stderr, flush=True)
    env = {**os.environ, "KG_CACHE_DIR": str(tmp / "cache")}
    subprocess.run(
        [sys.executable, "-m", "kg", "build", *args, "--no-progress"],
        check=True,
        capture_output=True,
        env=env,
        cwd=REPO,
    )
    return store


class Recorder:
    """A backend wrapper that records the texts it runs (with their VALUES rows inlined)."""

    def __init__(self, backend):
        self.backend, self.name, self.texts = backend, backend.name, []

    def query(self, text, bindings=None):
        from kg.backends import inline_values

        self.texts.append(inline_values(text, bindings or {}))
        return self.backend.query(text, bindings)

    def __getattr__(self, name):
        return getattr(self.backend, name)


def time_queries(store_path: Path, repeat: int, memory=None) -> list[dict]:
    """One row per named query (bound, and unbound where parameters are optional) and trace."""
    import pyoxigraph as ox

    from kg.api import KnowledgeGraph
    from kg.backends import OxigraphBackend, inline_values
    from kg.namespaces import PREFIXES
    from kg.query import coerce_params, named_queries

    graph = KnowledgeGraph(OxigraphBackend(store_path))
    evaluating = OxigraphBackend(store_path)
    evaluating.answers = None  # the same store, every query evaluated (no stored answers)
    evaluated = KnowledgeGraph(evaluating)
    stored = graph.backend.answers
    direct = ox.Store.read_only(str(store_path))

    def run_direct(texts):
        for text in texts:
            result = direct.query(text, prefixes=PREFIXES)
            if not isinstance(result, ox.QueryBoolean):
                list(result)

    rows = []
    for q in named_queries():
        variants = [({p.name: PARAMS[p.name] for p in q.params}, q.name)]
        if any(not p.required for p in q.params):
            required = {p.name: PARAMS[p.name] for p in q.params if p.required}
            variants.append((required, f"{q.name} (all)"))
        for raw, label in variants:
            bindings = coerce_params(raw, q, graph.backend)
            text = inline_values(q.text, bindings)
            ours = median_ms(lambda r=raw, n=q.name: graph.query(name=n, params=r), repeat)
            theirs = median_ms(lambda t=text: run_direct([t]), repeat)
            live = median_ms(lambda r=raw, n=q.name: evaluated.query(name=n, params=r), repeat)
            n = len(graph.query(name=q.name, params=raw).rows)
            row = {
                "query": label,
                "rows": n,
                "kg": ours,
                "direct": theirs,
                "param": bool(raw),
                "evaluated": live,
                "stored": stored is not None and stored.solutions(text) is not None,
            }
            if memory is not None:
                row["memory"] = median_ms(
                    lambda t=q.text, b=bindings, m=memory: m.query(t, b), repeat
                )
            rows.append(row)
    recorder = Recorder(graph.backend)
    traced = KnowledgeGraph(recorder).trace(TRACE_TERM)
    texts = list(recorder.texts)
    row = {
        "query": f"trace {TRACE_TERM}",
        "rows": sum(len(v) for v in traced.values() if isinstance(v, list)),
        "kg": median_ms(lambda: graph.trace(TRACE_TERM), repeat),
        "direct": median_ms(lambda: run_direct(texts), repeat),
        "param": True,
        "evaluated": median_ms(lambda: evaluated.trace(TRACE_TERM), repeat),
        "stored": False,
    }
    if memory is not None:
        mem_graph = KnowledgeGraph(memory)
        row["memory"] = median_ms(lambda: mem_graph.trace(TRACE_TERM), repeat)
    rows.append(row)
    return rows


def verdict(row: dict) -> str:
    limit = 50.0 if row["param"] else 1000.0
    ok_abs = row["kg"] <= limit
    ok_rel = row["kg"] <= max(3 * row["direct"], row["direct"] + 5)
    return "met" if ok_abs and ok_rel else ("NOT met" + ("" if ok_abs else f" (> {limit:g} ms)"))


def print_queries(rows: list[dict], size: str, triples: int, repeat: int) -> None:
    memory = "memory" in rows[0]
    print(f"\n## Queries at {size} ({triples:,} triples), median of {repeat} runs (ms)\n")
    head = "| query | rows | kg | answer | kg, evaluated | direct pyoxigraph | kg / direct |"
    head += " memory (rdflib) |" if memory else ""
    print(head + " target |")
    print("|---|---:|---:|---|---:|---:|---:|" + ("---:|" if memory else "") + "---|")
    for r in rows:
        cells = [
            r["query"],
            str(r["rows"]),
            f"{r['kg']:.2f}",
            "stored" if r["stored"] else "evaluated",
            f"{r['evaluated']:.2f}",
            f"{r['direct']:.2f}",
            f"{r['kg'] / r['direct']:.2f}",
        ]
        if memory:
            cells.append(f"{r['memory']:.2f}")
        target = "≤ 50 ms" if r["param"] else "≤ 1 s"
        cells.append(f"{target}, ≤ 3× direct: {verdict(r)}")
        print("| " + " | ".join(cells) + " |")


def cold(repeat: int, store: Path) -> list[tuple[str, float]]:
    """Median wall time of each command of :data:`COLD` as a process, and of the baseline."""
    env = {**os.environ, "KG_STORE": str(store)}
    kg = [sys.executable, "-m", "kg"]
    commands = [("python -c 'import rdflib'", [sys.executable, "-c", "import rdflib"])]
    commands += [("kg " + " ".join(c), [*kg, *c]) for c in COLD]
    out = []
    for label, argv in commands:

        def run(a=argv):
            done = subprocess.run(a, capture_output=True, env=env, cwd=REPO)
            if done.returncode != 0 or b"note:" in done.stderr:
                raise RuntimeError(f"{a} failed or did not read the store:\n{done.stderr!r}")

        out.append((label, median_ms(run, repeat)))
    return out


def main() -> None:
    """Build (or open) the store, time the queries and the cold processes, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="paper", choices=list(SIZES))
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--store", type=Path, help="a store built by `kg build --store` to use")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold processes")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="kg-bench-queries-"))
    store = args.store or build_store(args.size, tmp)
    memory = None
    if args.size == "paper" and args.store is None:
        from kg.api import memory_backend

        memory = memory_backend()  # the same triples as the store: inverses, flags
    import pyoxigraph as ox

    triples = len(ox.Store.read_only(str(store)))
    rows = time_queries(store, args.repeat, memory)
    print_queries(rows, args.size, triples, args.repeat)
    met = sum(verdict(r) == "met" for r in rows)
    print(f"\n{met} of {len(rows)} rows meet their targets.")
    if not args.no_cold:
        paper = store if args.size == "paper" else build_store("paper", tmp)
        timings = cold(args.repeat, paper)
        base = timings[0][1]
        print(f"\n## Cold processes on the paper (median of {args.repeat}, wall ms)\n")
        print("| command | ms | ratio to import rdflib | target ≤ 3× |")
        print("|---|---:|---:|---|")
        for label, ms in timings:
            ratio = ms / base
            print(f"| `{label}` | {ms:.0f} | {ratio:.2f} | {'met' if ratio <= 3 else 'NOT met'} |")


if __name__ == "__main__":
    main()
