"""Interactive maps (kg.maps): escaping, determinism and offline assets, then a real browser.

The browser tests drive the system Chromium through Playwright with every request that is not
``file:`` aborted and recorded; they skip on a machine without Chromium or Playwright and fail
under CI. Expectations come from the RDF (SPARQL) or the projection, never from the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from helpers import IN_CI, REPO, tree_hashes
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from kg.cli import main
from kg.loader import load_graph
from kg.maps import (
    BrowserUnavailable,
    MapPage,
    challenge_subgraph,
    chromium,
    json_for_script,
    node_key,
    offline_page,
    render_map,
    screenshot_maps,
    write_maps,
)
from kg.model import ChainModel
from kg.namespaces import CBEC
from kg.projection import project

EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_QUOTE = "</script><script>alert(2)</script>"

#: The countermeasures a challenge's chain holds: those addressing it or a problem beneath it,
#: and those whose actions do.
Q_COUNTERMEASURES = """
SELECT DISTINCT ?cm WHERE {
  ?ch cbec:hasCause* ?target .
  ?cm a cbec:Countermeasure .
  { ?cm cbec:addresses ?target } UNION { ?cm cbec:hasAction ?a . ?a cbec:addresses ?target }
}"""

#: A challenge's chain, written independently of kg.chain: the problems beneath it and above
#: those, the remedies addressing what lies beneath it with one step inside the remedy tree,
#: and the trends those remedies support.
Q_FOCUS_NODES = """
SELECT DISTINCT ?n WHERE {
  { ?ch cbec:hasCause* ?n }
  UNION { ?ch cbec:hasCause* ?b . ?n cbec:hasCause+ ?b }
  UNION { ?ch cbec:hasCause* ?b . ?n cbec:addresses ?b }
  UNION { ?ch cbec:hasCause* ?b . ?r cbec:addresses ?b . ?r (cbec:hasAction|^cbec:hasAction) ?n }
  UNION { ?ch cbec:hasCause* ?b . ?r0 cbec:addresses ?b .
          ?r0 (cbec:hasAction|^cbec:hasAction)? ?r . ?r cbec:supports ?n }
}"""


def sparql_set(graph, query: str, **bindings) -> set[str]:
    rows = graph.query(query, initBindings=bindings)
    return {str(row[0]) for row in rows}


def evil_turtle(graph) -> str:
    """A challenge whose labels and quote try to break out of HTML and JSON."""
    cause = sorted(graph.subjects(RDF.type, CBEC.Cause))[0]
    return f"""
@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix id:   <https://w3id.org/cbec-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
id:challenge-evil a cbec:Challenge ;
    skos:prefLabel "{EVIL_LABEL}"@en , "{EVIL_LABEL}"@zh ;
    skos:definition "<script>alert(3)</script> & <b>bold</b>"@en ;
    cbec:evidence id:ev-evil .
id:ev-evil a cbec:Evidence ; cbec:inSection id:section-2.1 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "{EVIL_QUOTE}" ] .
id:challenge-evil cbec:hasCause <{cause}> .
id:link-evil a cbec:Link ; cbec:linkSubject id:challenge-evil ; cbec:linkPredicate cbec:hasCause ;
    cbec:linkObject <{cause}> ; cbec:assertion cbec:Stated ; cbec:evidence id:ev-evil .
"""


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def maps(kg_graph, tmp_path_factory) -> dict[str, Path]:
    return write_maps(kg_graph, tmp_path_factory.mktemp("maps"))


@pytest.fixture(scope="module")
def evil(kg_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    ttl = folder / "evil.ttl"
    ttl.write_text(evil_turtle(kg_graph), encoding="utf-8")
    graph = load_graph([ttl])
    return graph, write_maps(graph, folder / "out")


@pytest.fixture(scope="module")
def remedy(kg_graph) -> nx.MultiDiGraph:
    return project(kg_graph, "remedy")


# --- unit: escaping, determinism, offline -----------------------------------------------------


def test_json_for_script_escapes_markup_and_round_trips():
    data = {"q": EVIL_QUOTE, "l": EVIL_LABEL, "a": "A & B", "zh": "信用"}
    text = json_for_script(data)
    assert not set("<>&") & set(text)
    assert "信用" in text  # compact UTF-8, not \\u escapes
    assert json.loads(text) == data


def test_json_for_script_is_compact_and_sorted():
    # the same data always gives the same bytes (the pages are compared byte for byte)
    assert json_for_script({"b": [1, {"d": 2, "c": 3}], "a": "é"}) == (
        '{"a":"é","b":[1,{"c":3,"d":2}]}'
    )


def test_json_for_script_escapes_line_separators():
    # U+2028/U+2029 end a line in older JavaScript parsers: escaped, and still the same JSON
    data = {"s": "a\u2028b\u2029c"}
    text = json_for_script(data)
    assert "\u2028" not in text and "\u2029" not in text
    assert text == '{"s":"a\\u2028b\\u2029c"}'
    assert json.loads(text) == data


@pytest.mark.parametrize("bad", ["x</script>y", "x</SCRIPT >", "a</style>", "</Style"])
def test_a_web_file_with_a_closing_tag_is_never_inlined(bad):
    from kg.errors import KGError
    from kg.maps import _inline_safe

    with pytest.raises(KGError) as err:
        _inline_safe(bad, "map.js")
    assert str(err.value) == "map.js contains a closing script/style tag and cannot be inlined"
    assert _inline_safe("if (a < b) { x = '<script>'; }", "map.js") == (
        "if (a < b) { x = '<script>'; }"
    )


def test_malicious_strings_never_reach_the_html_raw(evil):
    _, files = evil
    for path in files.values():
        text = path.read_text(encoding="utf-8")
        assert "<img" not in text and "<b>bold" not in text
        assert "<script>alert" not in text and "</script><script>" not in text
        parsed = _Assets()
        parsed.feed(text)
        assert len(parsed.scripts) in (0, 3)  # the data, vis-network, map.js
    focus = files["maps/challenge-evil"].read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in focus  # the page title, escaped


def test_two_builds_are_byte_identical(kg_graph, maps, tmp_path):
    again = write_maps(kg_graph, tmp_path / "again")
    assert tree_hashes(Path(again["index"]).parent) == tree_hashes(Path(maps["index"]).parent)


def test_build_is_identical_under_another_hash_seed(maps, tmp_path):
    code = "import sys; from kg.loader import load_graph; from kg.maps import write_maps; "
    code += "write_maps(load_graph(), sys.argv[1])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=REPO)
    assert tree_hashes(tmp_path) == tree_hashes(Path(maps["index"]).parent)


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.scripts: list[dict] = []
        self.links: list[dict] = []
        self.csp: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.urls += [v for k, v in attrs if k in {"src", "href", "srcset", "action"} and v]
        if tag == "script":
            self.scripts.append(a)
        elif tag == "link":
            self.links.append(a)
        elif tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self.csp = a.get("content")


def test_every_page_is_self_contained(maps):
    for name, path in maps.items():
        parsed = _Assets()
        text = path.read_text(encoding="utf-8")
        parsed.feed(text)
        assert not parsed.links, name
        assert all("src" not in s for s in parsed.scripts), name
        assert not [u for u in parsed.urls if re.match(r"(?i)\s*(https?:)?//", u)], name
        assert not re.search(r"(?i)url\(\s*['\"]?\s*(https?:)?//", text), name
        assert parsed.csp and "default-src 'none'" in parsed.csp, name
        assert "sourceMappingURL" not in text, name
        if name != "index":
            assert [s.get("type") for s in parsed.scripts] == ["application/json", None, None]


def _csp_directives(text: str) -> dict[str, list[str]]:
    parsed = _Assets()
    parsed.feed(text)
    assert parsed.csp, "no Content-Security-Policy meta tag"
    directives = {}
    for part in parsed.csp.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = values
    return directives


def _inline_scripts(text: str) -> list[tuple[str, str]]:
    """(type attribute, exact text) of every inline script element, in page order."""
    return [
        (re.search(r'type="([^"]*)"', attrs).group(1) if "type=" in attrs else "", body)
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.S | re.I)
    ]


def test_csp_allows_exactly_the_inlined_scripts(maps, evil):
    # the browser runs an inline script only if the base64 SHA-256 of its exact text is listed
    # in script-src: each executable script of a page must be listed, and nothing else (no
    # 'unsafe-inline', no host, no hash of a script the page does not hold); the JSON data
    # block is not executed and needs no hash
    pages = {**maps, **{f"evil/{k}": v for k, v in evil[1].items()}}
    for name, path in pages.items():
        text = path.read_text(encoding="utf-8")
        directives = _csp_directives(text)
        assert directives["default-src"] == ["'none'"], name
        executable = [body for kind, body in _inline_scripts(text) if kind != "application/json"]
        hashes = {
            "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
            for b in executable
        }
        # the rest, as the README says: nothing is fetched, no base or form target, inline
        # styles and the legends' data: images only
        rest = {
            "default-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
        if not name.endswith("index"):  # the index draws its legend without data: images
            rest["img-src"] = ["data:"]
        assert {k: v for k, v in directives.items() if k != "script-src"} == rest, name
        if name.endswith("index"):
            assert executable == [], name
            assert directives.get("script-src", ["'none'"]) == ["'none'"], name
        else:
            assert len(executable) == 2, name  # vis-network and map.js
            assert sorted(directives["script-src"]) == sorted(hashes), name
        loose = [v for k, vs in directives.items() if k != "style-src" for v in vs if "unsafe" in v]
        assert loose == [], name


def test_index_links_every_map_and_nothing_else(maps):
    parsed = _Assets()
    parsed.feed(maps["index"].read_text(encoding="utf-8"))
    root = maps["index"].parent
    assert sorted(parsed.urls) == sorted(
        p.relative_to(root).as_posix() for n, p in maps.items() if n != "index"
    )


def test_focus_maps_hold_the_challenge_chain(kg_graph, remedy, maps):
    model = ChainModel.from_graph(kg_graph)
    for ch in sorted(n for n, t in remedy.nodes(data="type") if t == "cbec:Challenge"):
        expected = sparql_set(kg_graph, Q_FOCUS_NODES, ch=URIRef(ch)) & set(remedy)
        assert set(challenge_subgraph(remedy, model, ch)) == expected, ch
        assert f"maps/{node_key(ch)}" in maps


def test_map_data_matches_the_projection(kg_graph, remedy, maps):
    data = _page_data(maps["map"])
    strings = data["s"]
    assert len(data["n"]) == remedy.number_of_nodes()
    assert len(data["e"]) == remedy.number_of_edges()
    assert len(strings) == len(set(strings))  # no duplicated strings
    keys = {strings[row[0]] for row in data["n"]}
    assert keys == {node_key(n) for n in remedy}
    inferred = sum(1 for *_, s in remedy.edges(data="stated") if not s)
    assert sum(1 for row in data["e"] if row[3] == 0) == inferred


def test_empty_view_renders(kg_graph):
    text = render_map(MapPage(nx.MultiDiGraph(), "Empty", "空"), ChainModel.from_graph(kg_graph))
    assert json.loads(_data_json(text))["n"] == []


def test_map_files_ship_in_the_package():
    web = REPO / "kg" / "web"
    assert (web / "map.js").is_file() and (web / "map.css").is_file()
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["kg"]' in pyproject  # hatch ships every file under kg/, web/ included


def test_cli_map_writes_maps(runner, tmp_path):
    result = runner.invoke(main, ["map", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.html").is_file() and (tmp_path / "index.html").is_file()
    assert (tmp_path / "maps" / "actors.html").is_file()
    assert "map.html" in result.output


def _data_json(text: str) -> str:
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert match
    return match.group(1)


def _page_data(path: Path) -> dict:
    return json.loads(_data_json(path.read_text(encoding="utf-8")))


# --- browser ----------------------------------------------------------------------------------


def _unavailable(reason: str):
    if IN_CI:
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    try:
        with chromium() as b:
            yield b
    except BrowserUnavailable as exc:
        _unavailable(str(exc))


class Page:
    """An offline page that records console errors, dialogs, and every request made."""

    def __init__(self, browser, path: Path, fragment: str = ""):
        self.page = offline_page(browser)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri() + fragment)
        if path.name != "index.html":
            self.page.wait_for_selector("html[data-drawn]", state="attached", timeout=20_000)

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def drawn(self) -> int:
        self.page.wait_for_timeout(50)
        self.js("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        return int(self.page.get_attribute("#kg-map", "data-drawn-nodes"))

    def point_at(self, key: str) -> tuple[float, float]:
        """Zoom onto a node; return its position on screen."""
        return tuple(
            self.js(
                """key => {
                  const net = kgMap.network, id = kgMap.idOf(key);
                  net.moveTo({position: net.getPosition(id), scale: 2});
                  const p = net.canvasToDOM(net.getPosition(id));
                  const box = document.getElementById('kg-map').getBoundingClientRect();
                  return [box.left + p.x, box.top + p.y];
                }""",
                key,
            )
        )

    def click(self, key: str, shift: bool = False) -> None:
        x, y = self.point_at(key)
        self.page.mouse.move(x, y)
        if shift:
            self.page.keyboard.down("Shift")
        self.page.mouse.click(x, y)
        if shift:
            self.page.keyboard.up("Shift")

    def close(self) -> None:
        """Check the page stayed offline and error-free, then close it."""
        try:
            assert all(u.startswith("file:") for u in self.requests), self.requests
            assert not self.errors, self.errors
            assert not self.dialogs, self.dialogs
        finally:
            self.page.context.close()


@pytest.fixture
def open_page(browser):
    pages: list[Page] = []

    def opener(path: Path, fragment: str = "") -> Page:
        pages.append(Page(browser, path, fragment))
        return pages[-1]

    yield opener
    for p in pages:
        p.close()


@pytest.mark.browser
def test_every_map_draws_offline_with_the_expected_nodes(kg_graph, remedy, maps, open_page):
    expected = {"map": remedy.number_of_nodes(), "maps/actors": project(kg_graph, "actors")}
    expected["maps/actors"] = expected["maps/actors"].number_of_nodes()
    for ch in (n for n, t in remedy.nodes(data="type") if t == "cbec:Challenge"):
        expected[f"maps/{node_key(ch)}"] = len(
            sparql_set(kg_graph, Q_FOCUS_NODES, ch=URIRef(ch)) & set(remedy)
        )
    assert set(expected) == set(maps) - {"index"}
    for name, count in sorted(expected.items()):
        page = open_page(maps[name])
        assert page.drawn() == count, name
        assert page.js("() => document.querySelectorAll('#kg-map canvas').length") == 1
        if count:
            painted = page.js(
                """() => { const c = document.querySelector('#kg-map canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""
            )
            assert painted > 100, name
    index = open_page(maps["index"])
    assert index.page.locator("a").count() == len(maps) - 1


@pytest.mark.browser
def test_clicking_a_challenge_lights_exactly_its_countermeasures(kg_graph, remedy, maps, open_page):
    page = open_page(maps["map"])
    types = dict(remedy.nodes(data="type"))
    for ch in sorted(n for n, t in types.items() if t == "cbec:Challenge"):
        key = node_key(ch)
        page.click(key)
        assert page.js("() => kgMap.state.focus") == key
        shown = page.js(
            """() => Array.from(document.querySelectorAll(
                 '#kg-info ul[data-class="cbec:Countermeasure"] button')).map(b => b.dataset.key)"""
        )
        lit = page.js("() => kgMap.lit()")
        expected = {node_key(n) for n in sparql_set(kg_graph, Q_COUNTERMEASURES, ch=URIRef(ch))}
        assert set(shown) == expected, ch
        lit_cms = {k for k in lit if types[_iri(remedy, k)] == "cbec:Countermeasure"}
        assert lit_cms == expected, ch
        colours = page.js(
            "keys => keys.map(k => kgMap.network.body.data.nodes.get(kgMap.idOf(k)).color)",
            sorted(node_key(n) for n in remedy),
        )
        dimmed = sum(1 for c in colours if c == "#e4e4e4")
        assert dimmed == remedy.number_of_nodes() - len(lit)
        assert f"focus={key}" in page.page.url


def _iri(G: nx.MultiDiGraph, key: str) -> str:
    return next(n for n in G if node_key(n) == key)


@pytest.mark.browser
def test_language_toggle_switches_labels(kg_graph, remedy, maps, open_page):
    page = open_page(maps["map"])
    sample = sorted(remedy)[:: max(1, len(remedy) // 8)]
    for iri in sample:
        assert page.js("k => kgMap.label(k)", node_key(iri)) == remedy.nodes[iri]["label_en"]
    page.page.click("#kg-lang")
    assert page.js("() => document.documentElement.dataset.lang") == "zh"
    assert "lang=zh" in page.page.url
    for iri in sample:
        assert page.js("k => kgMap.label(k)", node_key(iri)) == _zh_label(kg_graph, iri)
    page.page.click("#kg-lang")
    assert (
        page.js("k => kgMap.label(k)", node_key(sample[0])) == remedy.nodes[sample[0]]["label_en"]
    )


def _zh_label(graph, iri: str) -> str:
    """The Chinese skos:prefLabel, straight from the RDF."""
    return next(str(o) for o in graph.objects(URIRef(iri), SKOS.prefLabel) if o.language == "zh")


@pytest.mark.browser
def test_search_finds_a_node_by_its_chinese_label(kg_graph, remedy, maps, open_page):
    iri = sorted(n for n, t in remedy.nodes(data="type") if t == "cbec:Action")[-1]
    zh = _zh_label(kg_graph, iri)
    page = open_page(maps["map"])
    page.page.fill("#kg-search", zh[:3])
    assert page.page.locator("#kg-results button").count() >= 1
    page.page.fill("#kg-search", zh)
    first = page.page.locator("#kg-results button").first
    assert first.get_attribute("data-key") == node_key(iri)
    page.page.press("#kg-search", "Enter")
    assert page.js("() => kgMap.state.focus") == node_key(iri)
    assert f"focus={node_key(iri)}" in page.page.url


@pytest.mark.browser
def test_the_fragment_reproduces_the_view(remedy, maps, open_page):
    page = open_page(maps["map"])
    ch = sorted(n for n, t in remedy.nodes(data="type") if t == "cbec:Challenge")[0]
    page.click(node_key(ch))
    page.page.click("#kg-lang")
    page.page.uncheck('input[data-class="cbec:Trend"]')
    page.page.select_option("#kg-links", "stated")
    before = page.js(
        "() => [kgMap.lit(), kgMap.state.lang, document.querySelector('main').innerText]"
    )
    drawn = page.drawn()
    trends = sum(1 for _, t in remedy.nodes(data="type") if t == "cbec:Trend")
    assert drawn == remedy.number_of_nodes() - trends
    again = open_page(maps["map"], "#" + page.page.url.split("#", 1)[1])
    assert (
        again.js("() => [kgMap.lit(), kgMap.state.lang, document.querySelector('main').innerText]")
        == before
    )
    assert again.drawn() == drawn
    assert not again.page.is_checked('input[data-class="cbec:Trend"]')
    assert again.page.input_value("#kg-links") == "stated"


@pytest.mark.browser
def test_shift_click_lights_the_shortest_paths(remedy, maps, open_page):
    undirected = nx.Graph(remedy.to_undirected(as_view=True))
    a = sorted(n for n, t in remedy.nodes(data="type") if t == "cbec:Challenge")[0]
    far = nx.single_source_shortest_path_length(undirected, a)
    b = max(sorted(far), key=lambda n: far[n])  # the farthest node, so the path is long
    assert far[b] >= 2
    expected = {node_key(n) for p in nx.all_shortest_paths(undirected, a, b) for n in p}
    page = open_page(maps["map"])
    page.click(node_key(a))
    page.click(node_key(b), shift=True)
    assert page.js("() => kgMap.state.path") == [node_key(a), node_key(b)]
    assert set(page.js("() => kgMap.lit()")) == expected
    links = page.page.locator("#kg-info .kg-link")
    assert links.count() >= nx.shortest_path_length(undirected, a, b)


@pytest.mark.browser
def test_hover_shows_type_labels_definition_and_evidence(remedy, maps, open_page):
    iri = next(n for n in sorted(remedy) if remedy.nodes[n]["evidence"])
    attrs = remedy.nodes[iri]
    page = open_page(maps["map"])
    x, y = page.point_at(node_key(iri))
    page.page.mouse.move(x - 30, y - 30)
    page.page.mouse.move(x, y)
    page.page.wait_for_selector("#kg-tip:not([hidden])", timeout=5_000)
    text = page.page.inner_text("#kg-tip")
    for part in (attrs["label_en"], attrs["label_zh"], attrs["definition_en"]):
        assert part in text
    for ev in attrs["evidence"]:
        assert ev["quote"] in text and "§" + ev["section"] in text


@pytest.mark.browser
def test_physics_toggle(maps, open_page):
    page = open_page(maps["map"])
    assert page.js("() => kgMap.network.physics.physicsEnabled") is False
    page.page.check("#kg-physics")
    assert page.js("() => kgMap.network.physics.physicsEnabled") is True
    assert "physics=1" in page.page.url


@pytest.mark.browser
def test_malicious_label_and_quote_show_as_text_and_run_nothing(evil, open_page):
    _, files = evil
    for name in ("map", "maps/challenge-evil"):
        page = open_page(files[name])
        assert page.js("() => document.querySelectorAll('img, b').length") == 0
        assert page.js("() => document.scripts.length") == 3
        x, y = page.point_at("challenge-evil")
        page.page.mouse.move(x - 30, y - 30)
        page.page.mouse.move(x, y)
        page.page.wait_for_selector("#kg-tip:not([hidden])", timeout=5_000)
        tip = page.page.inner_text("#kg-tip")
        assert EVIL_LABEL in tip and EVIL_QUOTE in tip and "<script>alert(3)</script>" in tip
        page.page.mouse.click(x, y)
        assert EVIL_LABEL in page.page.inner_text("#kg-info")
        page.page.fill("#kg-search", "<img")
        assert EVIL_LABEL in page.page.inner_text("#kg-results")
        assert page.js("() => document.querySelectorAll('img, b').length") == 0
        assert page.js("() => document.scripts.length") == 3
        page.page.wait_for_timeout(100)
        assert not page.dialogs
    focus = open_page(files["maps/challenge-evil"])
    assert EVIL_LABEL in focus.page.inner_text("h1")


@pytest.mark.browser
def test_screenshots(browser, maps, tmp_path):
    shots = screenshot_maps(maps, tmp_path, browser=browser)
    assert set(shots) == set(maps) - {"index"}
    for path in shots.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "map.png").stat().st_size > 10_000


# --- the same promises on the small hand-drawn fixture (quick: what make mutation runs) -------


@pytest.fixture(scope="module")
def small_maps(tmp_path_factory):
    """Every page for the fixture of test_projection plus a challenge whose label and quote
    try to break out of HTML and JSON."""
    from test_projection import fixture_graph

    g = fixture_graph(
        f"""
id:fx-h9 a cbec:Challenge ; skos:prefLabel "{EVIL_LABEL}"@en , "{EVIL_LABEL}"@zh ;
    cbec:hasCause id:fx-c1 .
"""
    )
    return write_maps(g, tmp_path_factory.mktemp("small-maps"))


def test_small_maps_csp_and_escaping(small_maps):
    assert sorted(small_maps) == [
        "index",
        "map",
        "maps/actors",
        "maps/fx-h1",
        "maps/fx-h2",
        "maps/fx-h9",
    ]
    for name, path in small_maps.items():
        assert path == path.parent / (name.rsplit("/", 1)[-1] + ".html")
        text = path.read_text(encoding="utf-8")
        directives = _csp_directives(text)
        scripts = [body for kind, body in _inline_scripts(text) if kind != "application/json"]
        hashes = sorted(
            "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
            for b in scripts
        )
        assert sorted(directives.get("script-src", ["'none'"])) == (hashes or ["'none'"]), name
        rest = {k: v for k, v in directives.items() if k != "script-src"}
        assert rest == {
            "default-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
            **({} if name == "index" else {"img-src": ["data:"]}),
        }, name
        assert "<img" not in text, name
        if name != "index":
            data = _page_data(path)
            assert len(scripts) == 2, name
            if name in ("map", "maps/fx-h9"):
                assert EVIL_LABEL in data["s"], name  # the label itself, as data
    focus = small_maps["maps/fx-h9"].read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in focus  # the title, escaped as text
    index = small_maps["index"].read_text(encoding="utf-8")
    assert "Challenge: &lt;img src=x onerror=alert(1)&gt;" in index
