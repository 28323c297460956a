"""Benchmark the interactive map at scale against a bare pyvis page of the same graph: size,
build, first draw, and how long lighting a chain or filtering takes.

A synthetic KG shaped like ours (challenges with causes, countermeasures with actions that
address them, trends they support; bilingual labels and definitions, one evidence quote per
node and per link, 85 % of links stated) is generated, projected with :func:`kg.graph.project`
and drawn three ways:

* ``cbec-kg map``      :func:`kg.maps.render_map`, what ``kg map`` writes (layered layout);
* ``bare pyvis``       pyvis 0.3.2 as is, ``cdn_resources="in_line"``, physics off, the same
                       (layered) positions, colours, shapes and sizes, English labels, no hover
                       text;
* ``bare pyvis+title`` the same with the hover information our map carries (type, both labels,
                       definition, evidence) as pyvis ``title`` strings.

Both pyvis pages have pyvis' Bootstrap ``<link>``/``<script src>`` (a CDN) removed so that they,
too, are offline. "Build" is layout + page from the projected graph; "first draw" is the time from
navigation start until vis-network's first ``afterDrawing`` event in headless Chromium (system
Chromium, all network requests aborted), the median of ``--runs`` fresh page loads.

Then, on the loaded pages, the time from a change until the browser has painted it (the median
over ``--runs`` changes of each kind):

* ``highlight``  our map: focus a challenge (what a click does: light its chain, dim the rest,
                 fill the panel, zoom to it), then another, then none;
* ``filter``     our map: hide a class of nodes with its legend checkbox, then show it again;
* ``baseline``   the bare pyvis page: one vis-network ``DataSet.update`` that recolours every
                 node, the size of change a first highlight makes — what a page that repaints
                 through vis-network's public API pays.

Run::

    .venv/bin/python bench/bench_map.py            # 5,000 nodes, 5 runs
    .venv/bin/python bench/bench_map.py --nodes 1000 --runs 3 --out /tmp/bench-map
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from kg.loader import load_graph
from kg.maps import MapPage, chromium, node_key, offline_page, render_map
from kg.maps.layout import layered_layout
from kg.maps.style import node_size, style_of
from kg.measures import leverage_scores
from kg.model import ChainModel
from kg.namespaces import CBEC, ID, OA, bind_prefixes
from kg.paths import ontology_files
from kg.projection import project
from kg.serialize import atomic_write

#: Share of each remedy-view class among the nodes.
MIX = {"Challenge": 0.07, "Cause": 0.30, "Countermeasure": 0.07, "Action": 0.49, "Trend": 0.07}

_WORD_TEXT = (
    "credit supervision cross-border payment security platform brand talent logistics customs "
    "clearance warehouse data standard risk market export trade service capacity training "
    "university enterprise digital supply chain quality dispute information regulation law "
    "overseas consumer channel marketing cost efficiency cooperation policy finance insurance"
)
WORDS = tuple(_WORD_TEXT.split())
HANZI = (
    "跨境电商信用保障体系缺乏支付安全隐患综合服务能力品牌建设人才培育引进物流通关仓储数据标准"
    "风险市场出口贸易企业平台监管法律海外消费渠道营销成本效率合作政策金融保险数字化供应链质量"
)

# Runs in the page before any script: notes when vis-network first finishes drawing.
FIRST_DRAW_HOOK = """
(() => {
  const exportsObject = {};
  Object.defineProperty(exportsObject, 'Network', {
    configurable: true, enumerable: true, get() { return undefined; },
    set(Network) {
      const emit = Network.prototype.emit;
      Network.prototype.emit = function (name) {
        if (name === 'afterDrawing' && window.__firstDraw === undefined) {
          window.__firstDraw = performance.now();
        }
        return emit.apply(this, arguments);
      };
      Object.defineProperty(exportsObject, 'Network',
        {value: Network, writable: true, configurable: true, enumerable: true});
    },
  });
  window.vis = exportsObject;  // vis-network's UMD bundle fills window.vis || {}
})();
"""


def _en(rng: random.Random, lo: int, hi: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi))).capitalize()


def _zh(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(HANZI) for _ in range(rng.randint(lo, hi)))


def synthetic_kg(n_nodes: int = 5000, seed: int = 7) -> Graph:
    """Ontology + a synthetic remedy network of about ``n_nodes`` nodes and 1.5 links per node.

    >>> g = synthetic_kg(200)
    >>> len(project(g)) >= 195
    True
    """
    rng = random.Random(seed)
    graph = load_graph(ontology_files(), include_default=False)
    bind_prefixes(graph)
    sections = [f"{a}.{b}" for a in (1, 2, 3, 4) for b in (1, 2, 3, 4)]
    for s in sections:
        graph.add((ID[f"section-{s}"], RDF.type, CBEC.Section))
        graph.add((ID[f"section-{s}"], SKOS.notation, Literal(s)))
    quotes: dict[URIRef, URIRef] = {}
    counter = iter(range(10**9))

    def evidence(section: str, text: str | None = None) -> URIRef:
        ev = ID[f"ev-{next(counter)}"]
        sel = ID[f"sel-{next(counter)}"]
        graph.add((ev, RDF.type, CBEC.Evidence))
        graph.add((ev, CBEC.inSection, ID[f"section-{section}"]))
        graph.add((ev, OA.hasSelector, sel))
        graph.add((sel, RDF.type, OA.TextQuoteSelector))
        graph.add((sel, OA.exact, Literal(text or _zh(rng, 10, 24))))
        return ev

    nodes: dict[str, list[URIRef]] = {}
    for cls, share in MIX.items():
        nodes[cls] = []
        for i in range(round(n_nodes * share)):
            node = ID[f"{cls.lower()}-{i:05d}"]
            nodes[cls].append(node)
            graph.add((node, RDF.type, CBEC[cls]))
            graph.add((node, SKOS.prefLabel, Literal(_en(rng, 3, 8), lang="en")))
            graph.add((node, SKOS.prefLabel, Literal(_zh(rng, 5, 12), lang="zh")))
            graph.add((node, SKOS.definition, Literal(_en(rng, 12, 22) + ".", lang="en")))
            graph.add((node, SKOS.definition, Literal(_zh(rng, 18, 36) + "。", lang="zh")))
            ev = evidence(rng.choice(sections))
            quotes[node] = ev
            graph.add((node, CBEC.evidence, ev))

    def link(s: URIRef, p: URIRef, o: URIRef) -> None:
        graph.add((s, p, o))
        rec = ID[f"link-{next(counter)}"]
        graph.add((rec, RDF.type, CBEC.Link))
        graph.add((rec, CBEC.linkSubject, s))
        graph.add((rec, CBEC.linkPredicate, p))
        graph.add((rec, CBEC.linkObject, o))
        graph.add((rec, CBEC.assertion, CBEC.Stated if rng.random() < 0.85 else CBEC.Inferred))
        # like the curated data: half the links cite their object's own quote
        graph.add((rec, CBEC.evidence, quotes[o] if rng.random() < 0.5 else evidence("3.1")))

    ch, ca, cm, ac, tr = (nodes[c] for c in MIX)
    causes_of: dict[URIRef, list[URIRef]] = {c: [] for c in ch}
    for cause in ca:
        challenge = rng.choice(ch)
        causes_of[challenge].append(cause)
        link(challenge, CBEC.hasCause, cause)
    for m in cm:
        link(m, CBEC.addresses, rng.choice(ch))
        link(m, CBEC.supports, rng.choice(tr))
    for a in ac:
        m = rng.choice(cm)
        link(m, CBEC.hasAction, a)
        target = rng.choice(ch)
        link(a, CBEC.addresses, rng.choice(causes_of[target] or [target]))
        if rng.random() < 0.15:
            link(a, CBEC.supports, rng.choice(tr))
    return graph


def bare_pyvis_html(G, rdf: Graph, positions, *, titles: bool) -> str:
    """A bare pyvis page of ``G``: inlined assets, physics off, no script of ours."""
    from pyvis.network import Network

    net = Network(height="760px", width="100%", directed=True, cdn_resources="in_line")
    model = ChainModel.from_graph(rdf)
    for n in sorted(G):
        a = G.nodes[n]
        colour, shape = style_of(a["type"]).colour, style_of(a["type"]).shape
        extra = {}
        if titles:
            quotes = "\n".join(f"§{e['section']} {e['quote']}" for e in a["evidence"])
            extra["title"] = "\n".join(
                [a["type"], a["label_en"], a["label_zh"], a["definition_en"], quotes]
            )
        x, y = positions[n]
        net.add_node(
            n,
            label=a["label_en"],
            color=colour,
            shape=shape,
            x=x,
            y=y,
            size=node_size(a["type"]),
            physics=False,
            **extra,
        )
    for u, v, k, a in sorted(G.edges(keys=True, data=True)):
        extra = {}
        if titles:
            quotes = "\n".join(f"§{e['section']} {e['quote']}" for e in a["evidence"])
            relation = model.relation(k)
            extra["title"] = f"{relation.label['en'] if relation else k}\n{quotes}"
        net.add_edge(u, v, dashes=not a["stated"], **extra)
    net.toggle_physics(False)
    page = net.generate_html()
    # pyvis links Bootstrap from a CDN even with in_line assets: drop it, the page needs none
    page = re.sub(r"<link\s[^>]*https?://[^>]*>", "", page)
    return re.sub(r"<script\s[^>]*src=\"https?://[^\"]*\"[^>]*>\s*</script>", "", page)


def first_draw_ms(browser, path: Path, runs: int) -> list[float]:
    """Milliseconds from navigation start to vis-network's first drawn frame, per fresh load."""
    times = []
    for _ in range(runs):
        page = offline_page(browser)
        page.add_init_script(FIRST_DRAW_HOOK)
        requests: list[str] = []
        page.on("request", lambda r, seen=requests: seen.append(r.url))
        page.goto(path.resolve().as_uri())
        deadline = time.monotonic() + 120
        while page.evaluate("window.__firstDraw") is None:  # polled from outside the page's CSP
            if time.monotonic() > deadline:
                raise TimeoutError(f"{path} did not draw within 120 s")
            page.wait_for_timeout(20)
        times.append(page.evaluate("window.__firstDraw"))
        assert all(u.startswith("file:") for u in requests), requests
        page.context.close()
    return times


#: Resolves once the browser has painted what was just changed.
_PAINTED = "() => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)))"

_HIGHLIGHT = """async (keys) => {
  const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const times = [];
  for (const key of keys) {
    await painted();
    const t = performance.now();
    if (key) kgMap.select(key); else kgMap.clear();
    await painted();
    times.push(performance.now() - t);
  }
  return times;
}"""

_FILTER = """async (runs) => {
  const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const box = document.querySelectorAll('input[data-class]')[1];
  const times = [];
  for (let i = 0; i < 2 * runs; i++) {
    await painted();
    const t = performance.now();
    box.click();
    await painted();
    times.push(performance.now() - t);
  }
  return times;
}"""

_BASELINE = """async (runs) => {
  const painted = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  const data = network.body.data.nodes;
  const ids = data.getIds();
  const times = [];
  for (let i = 0; i < runs; i++) {
    await painted();
    const t = performance.now();
    const colour = i % 2 ? '#e4e4e4' : '#d62728';
    data.update(ids.map((id) => ({id: id, color: colour})));
    await painted();
    times.push(performance.now() - t);
  }
  return times;
}"""


def change_ms(browser, ours: Path, bare: Path, keys: list[str], runs: int) -> dict[str, float]:
    """Median milliseconds to paint a highlight and a filter change on our map, and a
    DataSet update of every node on the bare pyvis page."""
    out: dict[str, float] = {}
    page = offline_page(browser)
    page.goto(ours.resolve().as_uri())
    page.wait_for_selector("html[data-drawn]", state="attached", timeout=120_000)
    page.evaluate(_PAINTED)
    sequence = [k for key in keys[:runs] for k in (key, None)]
    lit = page.evaluate(_HIGHLIGHT, sequence)
    out["highlight"] = statistics.median(lit)
    out["highlight max"] = max(lit)
    out["filter"] = statistics.median(page.evaluate(_FILTER, runs))
    page.context.close()
    page = offline_page(browser)
    page.add_init_script(FIRST_DRAW_HOOK)
    page.goto(bare.resolve().as_uri())
    while page.evaluate("window.__firstDraw") is None:
        page.wait_for_timeout(20)
    page.evaluate(_PAINTED)
    out["baseline"] = statistics.median(page.evaluate(_BASELINE, max(runs, 3)))
    page.context.close()
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=None, help="keep the pages in this folder")
    args = parser.parse_args(argv)
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-map-"))

    t = time.perf_counter()
    rdf = synthetic_kg(args.nodes)
    G = project(rdf, "remedy")
    prep = time.perf_counter() - t
    print(
        f"synthetic KG: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} links "
        f"({len(rdf):,} triples; generated and projected in {prep:.1f} s)"
    )

    builds: dict[str, tuple[Path, float]] = {}
    t = time.perf_counter()
    model = ChainModel.from_graph(rdf)
    leverage = leverage_scores(G, model)
    page = render_map(MapPage(G, "Benchmark", "基准"), model, leverage=leverage)
    atomic_write(out / "cbec-kg-map.html", page)
    builds["cbec-kg map"] = (out / "cbec-kg-map.html", time.perf_counter() - t)
    positions = layered_layout(G, model, leverage=leverage).positions
    for name, titles in (("bare pyvis", False), ("bare pyvis+title", True)):
        t = time.perf_counter()
        page = bare_pyvis_html(G, rdf, positions, titles=titles)
        path = out / f"{name.replace(' ', '-').replace('+', '-')}.html"
        atomic_write(path, page)
        builds[name] = (path, time.perf_counter() - t)

    challenges = sorted(n for n, c in G.nodes(data="type") if c == "cbec:Challenge")
    keys = [node_key(n) for n in challenges[:: max(1, len(challenges) // args.runs)]]
    draws: dict[str, float] = {}
    with chromium() as browser:
        for name, (path, _) in builds.items():
            draws[name] = statistics.median(first_draw_ms(browser, path, args.runs))
        changes = change_ms(
            browser, builds["cbec-kg map"][0], builds["bare pyvis"][0], keys, args.runs
        )

    base = "bare pyvis"
    header = (
        f"{'page':<18} {'size MB':>8} {'build s':>8} {'first draw ms':>14} "
        f"{'size ×':>7} {'draw ×':>7}"
    )
    print(f"\nmedian of {args.runs} loads in headless Chromium; ratios against '{base}'")
    print(header)
    print("-" * len(header))
    for name, (path, build) in builds.items():
        size = path.stat().st_size
        ratio_size = size / builds[base][0].stat().st_size
        ratio_draw = draws[name] / draws[base]
        print(
            f"{name:<18} {size / 1e6:>8.2f} {build:>8.2f} {draws[name]:>14.0f} "
            f"{ratio_size:>7.2f} {ratio_draw:>7.2f}"
        )
    baseline = changes["baseline"]
    print(f"\nchange until painted, median of {args.runs}; ratios against the baseline")
    header = f"{'change':<44} {'ms':>8} {'×':>6}"
    print(header)
    print("-" * len(header))
    rows = [
        ("highlight a chain, then clear it (our map)", changes["highlight"]),
        ("  slowest of those", changes["highlight max"]),
        ("hide or show a class (our map)", changes["filter"]),
        ("baseline: DataSet.update of every node (bare)", baseline),
    ]
    for name, ms in rows:
        print(f"{name:<44} {ms:>8.0f} {ms / baseline:>6.2f}")
    print(f"\npages kept in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
