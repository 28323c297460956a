"""The page script (kg/web/map.js) in the system Chromium: what a researcher sees and can do.

Every page is opened offline at 1400 × 900 (requests other than file: are aborted and fail the
test, as do console errors and dialogs). Expectations come from the RDF through SPARQL, from
kg.chain / kg.trace (another implementation than the page's script), from the payload as
written to the file, or by hand — never from the page's own answers.
"""

from __future__ import annotations

import base64
import csv
import io
import itertools
import re
import struct
import xml.etree.ElementTree as ET

import networkx as nx
import pytest
from mapbrowser import DRAWN_LABELS, page_data
from rdflib import URIRef
from rdflib.namespace import SKOS

from kg.backends import MemoryBackend
from kg.chain import GraphAdjacency, around
from kg.maps import node_key
from kg.model import ChainModel
from kg.namespaces import ID
from kg.trace import empty_statement, trace

pytestmark = pytest.mark.browser

TALENT = str(ID["challenge-talent"])

#: The problems beneath a challenge (itself included).
Q_BELOW = "SELECT ?b WHERE { ?ch cbec:hasCause* ?b }"

#: Remedies of a challenge's chain: those addressing a problem beneath it, with one step
#: inside the remedy tree (their countermeasure, or their actions).
Q_REMEDIES = """
SELECT DISTINCT ?r WHERE {
  ?ch cbec:hasCause* ?b . ?r0 cbec:addresses ?b .
  { BIND(?r0 AS ?r) } UNION { ?r0 cbec:hasAction ?r } UNION { ?r cbec:hasAction ?r0 }
}"""

Q_TYPED = "SELECT ?n WHERE { ?n a ?cls }"
Q_ACTORS_OF = "SELECT ?a WHERE { ?r cbec:responsibleActor ?a }"
Q_TRENDS_OF = "SELECT ?t WHERE { ?r cbec:supports ?t }"
Q_CAUSES_OF = "SELECT ?c WHERE { ?p cbec:hasCause ?c }"


def sparql_set(graph, query: str, **bindings) -> set[str]:
    return {str(row[0]) for row in graph.query(query, initBindings=bindings)}


def typed(graph, cls: str) -> set[str]:
    return sparql_set(graph, Q_TYPED, cls=URIRef("https://w3id.org/cbec-kg/ontology#" + cls))


def keys(iris) -> set[str]:
    return {node_key(i) for i in iris}


def zh_label(graph, iri: str) -> str:
    return next(str(o) for o in graph.objects(URIRef(iri), SKOS.prefLabel) if o.language == "zh")


def iri_of(G: nx.MultiDiGraph, key: str) -> str:
    return next(n for n in G if node_key(n) == key)


PANEL_GROUP = """group => Array.from(document.querySelectorAll(
  `#kg-info .kg-group[data-group="${group}"] > ul > li`)).map(li => li.dataset.key)"""
PANEL_NONE = """group => { const g = document.querySelector(
  `#kg-info .kg-group[data-group="${group}"] > .kg-none`); return g ? g.textContent : null; }"""
ACTORS_LINE = """key => { const line = document.querySelector(
  `#kg-info li[data-key="${key}"] > .kg-detail[data-detail="actors"]`);
  if (!line) return null;
  return {keys: Array.from(line.querySelectorAll('button')).map(b => b.dataset.key),
          none: line.classList.contains('kg-none') ? line.textContent : null}; }"""


# --- the question the map must answer ----------------------------------------------------------


def test_the_map_alone_answers_the_talent_question(kg_graph, maps, open_page):
    """Focusing the talent challenge shows its causes, its countermeasure, its actions each with
    its actors, and what the paper says about trends — as SPARQL over the RDF has it."""
    ch = URIRef(TALENT)
    model = ChainModel.from_graph(kg_graph)
    below = sparql_set(kg_graph, Q_BELOW, ch=ch)
    remedies = sparql_set(kg_graph, Q_REMEDIES, ch=ch)
    causes = below & typed(kg_graph, "Cause")
    countermeasures = remedies & typed(kg_graph, "Countermeasure")
    actions = remedies & typed(kg_graph, "Action")
    trends = set().union(*(sparql_set(kg_graph, Q_TRENDS_OF, r=URIRef(r)) for r in remedies))
    assert causes and countermeasures and actions  # the question has an answer to show
    said = trace(MemoryBackend(kg_graph), "id:challenge-talent")

    page = open_page(maps["map"])
    page.click("challenge-talent", zoom=False)  # a real click at the first view
    assert page.js("() => kgMap.state.focus") == "challenge-talent"
    assert set(page.js(PANEL_GROUP, "causes")) == keys(causes)
    assert set(page.js(PANEL_GROUP, "countermeasures")) == keys(countermeasures)
    assert set(page.js(PANEL_GROUP, "actions")) == keys(actions)
    for action in sorted(actions):
        line = page.js(ACTORS_LINE, node_key(action))
        actors = sparql_set(kg_graph, Q_ACTORS_OF, r=URIRef(action))
        assert set(line["keys"]) == keys(actors), action
        if not actors:
            assert line["none"] == empty_statement(model, "actors", "cbec:Action")["en"]
    assert set(page.js(PANEL_GROUP, "actors")) == keys(
        set().union(*(sparql_set(kg_graph, Q_ACTORS_OF, r=URIRef(r)) for r in remedies))
    )
    if trends:
        assert set(page.js(PANEL_GROUP, "trends")) == keys(trends)
    else:
        assert page.js(PANEL_NONE, "trends") == said["none"]["trends"]["en"]
    challenge_causes = page.js(
        """() => Array.from(document.querySelectorAll(
             '#kg-info > .kg-detail[data-detail="causes"] button')).map(b => b.dataset.key)"""
    )
    assert set(challenge_causes) == keys(sparql_set(kg_graph, Q_CAUSES_OF, p=ch))
    page.page.click("#kg-lang")
    if not trends:
        assert page.js(PANEL_NONE, "trends") == said["none"]["trends"]["zh"]
    assert "focus=challenge-talent" in page.page.url and "lang=zh" in page.page.url


def test_links_carry_evidence_and_inferred_ones_their_rationale(
    kg_graph, chain_view, maps, open_page
):
    """Every link of a focused chain is listed with its quotes; an inferred link with the
    curator's rationale (from the RDF's cbec:rationale)."""
    rows = kg_graph.query(
        """SELECT ?s ?o ?why WHERE { ?l cbec:linkSubject ?s ; cbec:linkObject ?o ;
             cbec:assertion cbec:Inferred ; cbec:rationale ?why
                 FILTER(LANGMATCHES(LANG(?why), "en")) }"""
    )
    inferred = {(str(s), str(o)): str(why) for s, o, why in rows}
    s, o = next((s, o) for s, o in sorted(inferred) if s in chain_view and o in chain_view)
    page = open_page(maps["map"], f"#focus={node_key(s)}")
    cards = page.js(
        """() => Array.from(document.querySelectorAll('#kg-info .kg-links .kg-link')).map(c =>
             ({text: c.textContent, quotes: c.querySelectorAll('q').length,
               rationale: (c.querySelector('.kg-rationale') || {}).textContent || null}))"""
    )
    lit = around(GraphAdjacency(chain_view, ChainModel.from_graph(kg_graph)), s)
    assert len(cards) == chain_view.subgraph(lit).number_of_edges()
    assert all(c["quotes"] >= 1 for c in cards)
    assert any(c["rationale"] and inferred[(s, o)] in c["rationale"] for c in cards)
    # in Chinese the same card gives the curator's Chinese rationale, marked as Chinese
    zh_why = str(
        next(
            iter(
                kg_graph.query(
                    """SELECT ?why WHERE { ?l cbec:linkSubject ?s ; cbec:linkObject ?o ;
                         cbec:assertion cbec:Inferred ; cbec:rationale ?why
                         FILTER(LANGMATCHES(LANG(?why), "zh")) }""",
                    initBindings={"s": URIRef(s), "o": URIRef(o)},
                )
            )
        )[0]
    )
    page.page.click("#kg-lang")
    shown = page.js(
        """() => Array.from(document.querySelectorAll('#kg-info .kg-rationale span[lang]'))
             .map(s => [s.lang, s.textContent])"""
    )
    assert ["zh", zh_why] in shown
    assert all(lang == "zh" for lang, _ in shown)


def test_the_panel_shows_the_figures_the_paper_cites_for_a_node(
    kg_graph, chain_view, maps, open_page
):
    rows = kg_graph.query(
        """SELECT ?n ?v WHERE { ?o a cbec:Observation ; cbec:substantiates ?n ; cbec:value ?v }"""
    )
    cited: dict[str, set[str]] = {}
    for n, v in rows:
        if str(n) in chain_view:
            cited.setdefault(str(n), set()).add(str(v))
    node, values = sorted(cited.items())[0]
    page = open_page(maps["map"], f"#focus={node_key(node)}")
    shown = page.js(
        "() => Array.from(document.querySelectorAll('#kg-info .kg-figs .kg-fig'))"
        ".map(f => f.textContent)"
    )
    assert len(shown) >= len(values)
    assert all(any(f": {v} " in text for text in shown) for v in values)


# --- the map's script walks the chain as kg.chain does --------------------------------------------


def test_every_page_lights_what_kg_chain_walks(kg_graph, chain_view, maps, open_page):
    """Agreement: for every node of every map, the set the page lights on a click equals
    kg.chain.around over the projection restricted to the page's nodes."""
    model = ChainModel.from_graph(kg_graph)
    by_key = {node_key(n): n for n in chain_view}
    for name, path in sorted(maps.items()):
        if name == "index":
            continue
        data = page_data(path)
        page_keys = [data["s"][row[0]] for row in data["n"]]
        sub = chain_view.subgraph([by_key[k] for k in page_keys])
        assert len(data["e"]) == sub.number_of_edges(), name  # the page holds that graph
        adj = GraphAdjacency(sub, model)
        expected = {k: sorted(keys(around(adj, by_key[k]))) for k in page_keys}
        page = open_page(path)
        lit = page.js(
            "ks => Object.fromEntries(ks.map(k => { kgMap.select(k); return [k, kgMap.lit()]; }))",
            page_keys,
        )
        assert lit == expected, name
        page.page.context.close()


def test_clicking_a_challenge_lights_exactly_its_countermeasures(
    kg_graph, chain_view, maps, open_page
):
    page = open_page(maps["map"])
    types = dict(chain_view.nodes(data="type"))
    for ch in sorted(n for n, t in types.items() if t == "cbec:Challenge"):
        page.click(node_key(ch))
        remedies = sparql_set(kg_graph, Q_REMEDIES, ch=URIRef(ch))
        expected = keys(remedies & typed(kg_graph, "Countermeasure"))
        assert set(page.js(PANEL_GROUP, "countermeasures")) == expected, ch
        lit = page.js("() => kgMap.lit()")
        dimmed = page.js(
            "ks => ks.filter(k => kgMap.look(k).fill === '#ececec').length", sorted(keys(types))
        )
        assert dimmed == len(types) - len(lit)
        assert f"focus={node_key(ch)}" in page.page.url


# --- legible at first sight -----------------------------------------------------------------------


def _overlaps(labels: list[dict]) -> list[tuple[str, str]]:
    return [
        (a["key"], b["key"])
        for a, b in itertools.combinations(labels, 2)
        if a["box"][0] < b["box"][2]
        and b["box"][0] < a["box"][2]
        and a["box"][1] < b["box"][3]
        and b["box"][1] < a["box"][3]
    ]


def test_every_map_draws_offline_and_legibly_at_first_view(kg_graph, maps, open_page):
    """Every map draws all its nodes offline. At the first view on a 1400 × 900 window, in
    English and in Chinese, every label drawn is at least 11 px and inside the map, no two
    overlap; every label of a challenge's map is drawn, and on the overview (the actors' map)
    at least every challenge, countermeasure and trend (actor and challenge) label."""
    headline = {
        "map": typed(kg_graph, "Challenge")
        | typed(kg_graph, "Countermeasure")
        | typed(kg_graph, "Trend"),
        "maps/actors": typed(kg_graph, "Challenge")
        | typed(kg_graph, "Actor")
        | typed(kg_graph, "Platform"),
    }
    for name, path in sorted(maps.items()):
        if name == "index":
            continue
        on_page = {page_data(path)["s"][row[0]] for row in page_data(path)["n"]}
        for fragment in ("", "#lang=zh"):
            page = open_page(path, fragment)
            if not fragment:
                assert page.drawn() == len(on_page), name
                assert page.js("() => document.querySelectorAll('#kg-map canvas').length") == 1
            found = page.js(DRAWN_LABELS)
            labels, (left, top, right, bottom) = found["labels"], found["map"]
            assert labels, name
            assert min(lab["px"] for lab in labels) >= 11, (name, fragment)
            assert not _overlaps(labels), (name, fragment)
            for lab in labels:
                x0, y0, x1, y1 = lab["box"]
                assert left <= x0 and x1 <= right and top <= y0 and y1 <= bottom, (name, lab)
            required = on_page if name not in headline else keys(headline[name]) & on_page
            assert required <= {lab["key"] for lab in labels}, (name, fragment)
            page.page.context.close()


def test_chinese_labels_are_drawn_with_real_glyphs(kg_graph, maps, open_page):
    """A CJK font is there: Chinese text in the labels' font is one em per character and two
    different characters draw different pixels (missing glyphs draw the same empty box)."""
    text = zh_label(kg_graph, TALENT)
    page = open_page(maps["map"], "#lang=zh")
    assert page.js("k => kgMap.label(k)", "challenge-talent") == text
    result = page.js(
        """text => {
          const face = kgMap.network.body.nodes[0].labelModule.fontOptions.face;
          const ctx = document.createElement('canvas').getContext('2d');
          ctx.font = '40px ' + face;
          const draw = (ch) => { const c = document.createElement('canvas');
            c.width = c.height = 48; const x = c.getContext('2d');
            x.font = '40px ' + face; x.fillText(ch, 2, 40);
            return Array.from(x.getImageData(0, 0, 48, 48).data).join(','); };
          const chars = Array.from(new Set(text));
          return {width: ctx.measureText(text).width, n: text.length,
                  distinct: new Set(chars.map(draw)).size, chars: chars.length};
        }""",
        text,
    )
    assert result["width"] == pytest.approx(40 * result["n"], rel=0.03)
    assert result["distinct"] == result["chars"] > 1


# --- physics, layouts, reset, zoom --------------------------------------------------------------


POSITIONS = (
    "() => { const p = kgMap.network.getPositions(); "
    "return Object.fromEntries(Object.entries(p).map(([id, v]) =>"
    " [kgMap.keyOf(+id), [v.x, v.y]])); }"
)


def _homes(path, force: bool = False) -> dict[str, list[int]]:
    data = page_data(path)
    return {data["s"][r[0]]: [r[8], r[9]] if force else [r[6], r[7]] for r in data["n"]}


def _same(a: dict, b: dict) -> bool:
    return a.keys() == b.keys() and all(
        abs(a[k][0] - b[k][0]) < 0.5 and abs(a[k][1] - b[k][1]) < 0.5 for k in a
    )


def test_physics_off_and_reset_restore_the_precomputed_layout(maps, open_page):
    page = open_page(maps["map"])
    home = _homes(maps["map"])
    assert _same(page.js(POSITIONS), home)
    first_scale = page.js("() => kgMap.network.getScale()")
    page.page.check("#kg-physics")
    assert "physics=1" in page.page.url
    page.page.wait_for_timeout(700)
    assert not _same(page.js(POSITIONS), home)  # the simulation moved nodes
    page.page.uncheck("#kg-physics")
    assert page.js("() => kgMap.network.physics.physicsEnabled") is False
    assert _same(page.js(POSITIONS), home)
    page.page.select_option("#kg-layout", "force")
    assert _same(page.js(POSITIONS), _homes(maps["map"], force=True))
    assert "layout=force" in page.page.url
    page.page.check("#kg-physics")
    page.page.wait_for_timeout(300)
    x, y = page.screen_at("challenge-talent")
    page.page.mouse.move(x, y)
    page.page.mouse.down()
    page.page.mouse.move(x + 60, y + 40, steps=5)
    page.page.mouse.up()
    page.page.click("#kg-reset")
    assert page.js("() => kgMap.state.layout") == "layered"
    assert page.js("() => kgMap.network.physics.physicsEnabled") is False
    assert _same(page.js(POSITIONS), home)
    assert page.js("() => kgMap.network.getScale()") == pytest.approx(first_scale, rel=1e-3)


def test_a_click_zooms_to_the_node_like_search(kg_graph, chain_view, maps, open_page):
    cause = sorted(n for n, t in chain_view.nodes(data="type") if t == "cbec:Cause")[0]
    key = node_key(cause)
    page = open_page(maps["map"])
    first = page.js("() => kgMap.network.getScale()")
    page.click(key, zoom=False)
    assert page.js("() => kgMap.state.focus") == key
    clicked = page.js("() => [kgMap.network.getViewPosition(), kgMap.network.getScale()]")
    assert clicked[1] > first
    page.settle()
    x, y = page.screen_at(key)
    left, top, right, bottom = page.js(
        "() => { const b = document.getElementById('kg-map').getBoundingClientRect();"
        " return [b.left, b.top, b.right, b.bottom]; }"
    )
    assert left < x < right and top < y < bottom
    labels = page.js(DRAWN_LABELS)["labels"]
    assert key in {lab["key"] for lab in labels}
    page.page.click("#kg-reset")
    page.page.fill("#kg-search", chain_view.nodes[cause]["label_en"])
    page.page.press("#kg-search", "Enter")
    searched = page.js("() => [kgMap.network.getViewPosition(), kgMap.network.getScale()]")
    assert searched[1] == pytest.approx(clicked[1], rel=1e-6)
    assert searched[0]["x"] == pytest.approx(clicked[0]["x"], abs=0.5)
    assert searched[0]["y"] == pytest.approx(clicked[0]["y"], abs=0.5)


# --- language, search, fragment, paths, hover ---------------------------------------------------


def test_language_toggle_switches_labels(kg_graph, chain_view, maps, open_page):
    page = open_page(maps["map"])
    sample = sorted(chain_view)[:: max(1, len(chain_view) // 8)]
    for iri in sample:
        assert page.js("k => kgMap.label(k)", node_key(iri)) == chain_view.nodes[iri]["label_en"]
    page.page.click("#kg-lang")
    assert page.js("() => document.documentElement.dataset.lang") == "zh"
    assert "lang=zh" in page.page.url
    for iri in sample:
        assert page.js("k => kgMap.label(k)", node_key(iri)) == zh_label(kg_graph, iri)


def test_every_word_of_the_page_is_chinese_in_chinese_mode(kg_graph, maps, open_page):
    """In zh mode, once the data's own strings (labels, definitions, quotes, section titles,
    English rationales) are taken out, no Latin letters are left but file-format names and the
    language switch, which names the other language ("English")."""
    path = maps["map"]
    data = page_data(path)
    page = open_page(path, "#lang=zh&focus=challenge-talent&table=1")
    page.js("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    page.page.fill("#kg-search", "人才")
    text = page.js(
        """() => [document.querySelector('.kg-bar').innerText, document.getElementById('kg-side')
           .innerText, document.getElementById('kg-table').innerText,
           document.getElementById('kg-results').innerText, document.getElementById('kg-search')
           .placeholder, Array.from(document.querySelectorAll('option')).map(o => o.text).join(' '),
           Array.from(document.querySelectorAll('[title]')).map(e => e.title).join(' ')]
           .join('\\n')"""
    )
    for s in sorted(data["s"], key=len, reverse=True):
        if len(s) > 1:
            text = text.replace(s, " ")
    leftover = set(re.findall(r"[A-Za-z]+", text)) - {"PNG", "SVG", "TSV", "CSV", "English"}
    assert not leftover, leftover


def test_search_finds_a_node_by_its_chinese_label(kg_graph, chain_view, maps, open_page):
    iri = sorted(n for n, t in chain_view.nodes(data="type") if t == "cbec:Action")[-1]
    zh = zh_label(kg_graph, iri)
    page = open_page(maps["map"])
    page.page.fill("#kg-search", zh)
    assert page.page.locator("#kg-results button").first.get_attribute("data-key") == node_key(iri)
    page.page.press("#kg-search", "Enter")
    assert page.js("() => kgMap.state.focus") == node_key(iri)
    assert f"focus={node_key(iri)}" in page.page.url


def test_the_fragment_reproduces_the_view(chain_view, maps, open_page):
    page = open_page(maps["map"])
    page.click("challenge-talent")
    page.page.click("#kg-lang")
    page.page.uncheck('input[data-class="cbec:Trend"]')
    page.page.select_option("#kg-links", "stated")
    page.page.select_option("#kg-layout", "force")
    view = "() => [kgMap.lit(), kgMap.state.lang, document.querySelector('main').innerText]"
    before = page.js(view)
    drawn = page.drawn()
    trends = sum(1 for _, t in chain_view.nodes(data="type") if t == "cbec:Trend")
    assert drawn == chain_view.number_of_nodes() - trends
    again = open_page(maps["map"], "#" + page.page.url.split("#", 1)[1])
    assert again.js(view) == before
    assert again.drawn() == drawn
    assert not again.page.is_checked('input[data-class="cbec:Trend"]')
    assert again.page.input_value("#kg-links") == "stated"
    assert again.page.input_value("#kg-layout") == "force"
    shown_at = again.js(POSITIONS)
    force = _homes(maps["map"], force=True)
    assert len(shown_at) == drawn and _same(shown_at, {k: force[k] for k in shown_at})


def test_shift_click_lights_the_shortest_paths(chain_view, maps, open_page):
    undirected = nx.Graph(chain_view.to_undirected(as_view=True))
    a = TALENT
    far = nx.single_source_shortest_path_length(undirected, a)
    b = max(sorted(far), key=lambda n: far[n])  # the farthest node, so the path is long
    assert far[b] >= 2
    expected = {node_key(n) for p in nx.all_shortest_paths(undirected, a, b) for n in p}
    page = open_page(maps["map"])
    page.click(node_key(a))
    page.click(node_key(b), shift=True)
    assert page.js("() => kgMap.state.path") == [node_key(a), node_key(b)]
    assert set(page.js("() => kgMap.lit()")) == expected
    assert page.page.locator("#kg-info .kg-link").count() >= far[b]
    assert f"path={node_key(a)}%2C{node_key(b)}" in page.page.url


def test_hover_shows_type_labels_definition_and_evidence(chain_view, maps, open_page):
    iri = TALENT
    attrs = chain_view.nodes[iri]
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
    assert "(curated English): " + attrs["label_en"] in text  # the quotes' English gloss


# --- take-away: PNG, SVG, table, print ------------------------------------------------------------


def _painted(page, data_url: str) -> int:
    """Pixels that are not white in an image, decoded by the browser."""
    return page.js(
        """url => new Promise(done => { const img = new Image(); img.onload = () => {
             const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
             const x = c.getContext('2d'); x.drawImage(img, 0, 0);
             const d = x.getImageData(0, 0, c.width, c.height).data; let n = 0;
             for (let i = 0; i < d.length; i += 4) if (d[i + 3] && (d[i] < 240 || d[i + 1] < 240
               || d[i + 2] < 240)) n++;
             done(n); }; img.onerror = () => done(-1); img.src = url; })""",
        data_url,
    )


def test_png_and_svg_export_the_current_view(maps, open_page, browser):
    page = open_page(maps["map"], "#focus=challenge-talent")
    with page.page.expect_download() as got:
        page.page.click("#kg-png")
    png = got.value.path().read_bytes()
    assert got.value.suggested_filename == "map-challenge-talent.png"
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == tuple(
        page.js(
            "() => { const c = document.querySelector('#kg-map canvas');"
            " return [c.width, c.height]; }"
        )
    )
    assert _painted(page, "data:image/png;base64," + base64.b64encode(png).decode()) > 2_000

    with page.page.expect_download() as got:
        page.page.click("#kg-svg")
    svg = got.value.path().read_bytes()
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    shown = page.js("() => kgMap.count().nodes")
    groups = root.findall(".//{http://www.w3.org/2000/svg}g[@data-key]")
    assert len(groups) == shown
    texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
    assert "Shortage of" in texts
    blank = open_page(maps["index"])
    assert _painted(blank, "data:image/svg+xml;base64," + base64.b64encode(svg).decode()) > 2_000


def test_the_table_lists_the_focused_chain_and_copies_as_tsv_and_csv(
    kg_graph, chain_view, maps, open_page, browser
):
    model = ChainModel.from_graph(kg_graph)
    chain = chain_view.subgraph(around(GraphAdjacency(chain_view, model), TALENT))
    page = open_page(maps["map"], "#focus=challenge-talent")
    page.page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.page.click("#kg-table-open")
    assert page.page.is_visible("#kg-table") and "table=1" in page.page.url
    assert page.page.locator("#kg-rows tbody tr").count() == chain.number_of_edges()
    tsv = page.js("() => kgMap.table('\\t')")
    rows = [line.split("\t") for line in tsv.strip("\r\n").split("\r\n")]
    assert len(rows) == chain.number_of_edges() + 1
    labels = {(chain.nodes[u]["label_en"], chain.nodes[v]["label_en"]) for u, v in chain.edges()}
    assert {(r[1], r[4]) for r in rows[1:]} == labels
    page.page.click("#kg-copy-tsv")
    page.page.wait_for_selector("#kg-copied:not([hidden])", timeout=5_000)
    assert page.js("() => navigator.clipboard.readText()") == tsv
    with page.page.expect_download() as got:
        page.page.click("#kg-csv")
    text = got.value.path().read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    assert list(csv.reader(io.StringIO(text[1:]))) == rows


def test_print_shows_the_map_as_drawn_then_the_panel(maps, open_page):
    page = open_page(maps["map"], "#focus=challenge-talent")
    page.js("() => window.dispatchEvent(new Event('beforeprint'))")
    page.page.emulate_media(media="print")
    shown = page.js(
        """() => ({img: getComputedStyle(document.querySelector('.kg-print-map')).display,
                   canvas: getComputedStyle(document.querySelector('#kg-map canvas')).display,
                   side: getComputedStyle(document.getElementById('kg-side')).display,
                   search: getComputedStyle(document.querySelector('.kg-search')).display,
                   tools: getComputedStyle(document.querySelector('.kg-tools')).display,
                   src: document.querySelector('.kg-print-map').src.slice(0, 22)})"""
    )
    assert shown == {
        "img": "block",
        "canvas": "none",
        "side": "block",
        "search": "none",
        "tools": "none",
        "src": "data:image/png;base64,",
    }
    assert page.page.pdf()[:4] == b"%PDF"
    page.js("() => window.dispatchEvent(new Event('afterprint'))")
    assert page.js("() => document.querySelectorAll('.kg-print-map').length") == 0


def test_the_index_links_every_map(maps, open_page):
    index = open_page(maps["index"])
    assert index.page.locator("a").count() == len(maps) - 1
