"""The HTML of the maps (kg.maps.page): self-contained, offline, safe with hostile data,
byte-identical from build to build, every word in both languages."""

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
from helpers import REPO, tree_hashes
from mapbrowser import page_data
from rdflib.namespace import RDF

from kg.loader import load_graph
from kg.maps import MapPage, render_map, write_maps
from kg.maps.page import fill, headline_classes, web_file
from kg.maps.payload import ui_strings
from kg.model import ChainModel
from kg.namespaces import CBEC

EVIL_LABEL = "<img src=x onerror=alert(1)>"
EVIL_QUOTE = "</script><script>alert(2)</script>"
WEB = REPO / "kg" / "web"


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


@pytest.fixture(scope="module")
def evil(kg_graph, tmp_path_factory):
    folder = tmp_path_factory.mktemp("evil")
    ttl = folder / "evil.ttl"
    ttl.write_text(evil_turtle(kg_graph), encoding="utf-8")
    graph = load_graph([ttl])
    return graph, write_maps(graph, folder / "out")


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


def test_fill_inserts_values_once_and_words_in_both_languages():
    words = {"w": ["Close", "关闭"], "x": ["{{y}}", "{{y}}"]}
    out = fill("{{a}}|{{t:w}}|{{a:w}}|{{o:x}}", {"a": "{{t:w}}"}, words)
    assert out == (
        '{{t:w}}|<span class="i-en">Close</span><span class="i-zh">关闭</span>|Close · 关闭'
        "|{{y}} · {{y}}"
    )


def test_templates_name_only_words_that_exist():
    words = {**ui_strings(), **json.loads((WEB / "index.json").read_text(encoding="utf-8"))}
    for name in ("map.html", "index.html"):
        text = (WEB / name).read_text(encoding="utf-8")
        for kind, key in re.findall(r"\{\{([a-z]:)?(\w+)\}\}", text):
            if kind:
                assert key in words, (name, key)


def test_map_js_holds_no_words_of_its_own():
    """Every word the page shows comes from the payload (ui.json or the data): the script's
    string literals are identifiers, selectors, CSS values or formats, never prose."""
    script = web_file("map.js")
    code = re.sub(r"/\*.*?\*/|(?<![:'\"])//[^\n]*", "", script, flags=re.S)
    literals = re.findall(r"'((?:[^'\\\n]|\\.)*)'", code)
    allowed = {"use strict", '<?xml version="1.0" encoding="UTF-8"?>\\n'}
    prose = [s for s in literals if re.search(r"[A-Za-z]{2,} [A-Za-z]{2,}", s) and s not in allowed]
    assert not prose, prose
    assert not [s for s in literals if re.search(r"[\u4e00-\u9fff]", s)]


def test_headline_classes_come_from_the_ontology_order(kg_graph):
    model = ChainModel.from_graph(kg_graph)
    assert headline_classes(model, ("problem", "remedy", "outcome")) == {
        "cbec:Challenge",
        "cbec:Countermeasure",
        "cbec:Trend",
    }


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
        assert "sourceMappingURL" not in text and "{{" not in text, name
        if name != "index":
            assert [s.get("type") for s in parsed.scripts] == ["application/json", None, None]


@pytest.mark.parametrize("bad", ["x</script>y", "x</SCRIPT >", "a</style>", "</Style"])
def test_a_web_file_with_a_closing_tag_is_never_inlined(bad):
    from kg.errors import KGError
    from kg.maps.page import _inline_safe

    with pytest.raises(KGError) as err:
        _inline_safe(bad, "map.js")
    assert str(err.value) == "map.js contains a closing script/style tag and cannot be inlined"
    assert _inline_safe("if (a < b) { x = '<script>'; }", "map.js") == (
        "if (a < b) { x = '<script>'; }"
    )


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


def _hashes(scripts: list[str]) -> list[str]:
    return sorted(
        "'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode() + "'"
        for b in scripts
    )


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
        # the rest, as the README says: nothing is fetched, no base or form target, inline
        # styles and the legends' data: images only
        rest = {
            "default-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
        }
        # data: images (the legends); a map page also shows its PNG export as a blob: URL
        rest["img-src"] = ["data:"] if name.endswith("index") else ["data:", "blob:"]
        assert {k: v for k, v in directives.items() if k != "script-src"} == rest, name
        if name.endswith("index"):
            assert executable == [], name
            assert directives.get("script-src", ["'none'"]) == ["'none'"], name
        else:
            assert len(executable) == 2, name  # vis-network and map.js
            assert sorted(directives["script-src"]) == _hashes(executable), name
        loose = [v for k, vs in directives.items() if k != "style-src" for v in vs if "unsafe" in v]
        assert loose == [], name


@pytest.fixture(scope="module")
def small_maps(tmp_path_factory):
    """Every page for the fixture of test_projection plus a challenge whose label tries to
    break out of HTML and JSON (quick: what make mutation runs)."""
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
        hashes = _hashes(scripts)
        assert sorted(directives.get("script-src", ["'none'"])) == (hashes or ["'none'"]), name
        rest = {k: v for k, v in directives.items() if k != "script-src"}
        assert rest == {
            "default-src": ["'none'"],
            "style-src": ["'unsafe-inline'"],
            "base-uri": ["'none'"],
            "form-action": ["'none'"],
            "img-src": ["data:"] if name == "index" else ["data:", "blob:"],
        }, name
        assert "<img" not in text, name
        if name != "index":
            data = page_data(path)
            assert len(scripts) == 2, name
            if name in ("map", "maps/fx-h9"):
                assert EVIL_LABEL in data["s"], name  # the label itself, as data
    focus = small_maps["maps/fx-h9"].read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in focus  # the title, escaped as text
    index = small_maps["index"].read_text(encoding="utf-8")
    assert "Challenge: &lt;img src=x onerror=alert(1)&gt;" in index


def test_two_builds_are_byte_identical(kg_graph, maps, tmp_path):
    again = write_maps(kg_graph, tmp_path / "again")
    assert tree_hashes(Path(again["index"]).parent) == tree_hashes(Path(maps["index"]).parent)


def test_build_is_identical_under_another_hash_seed(maps, tmp_path):
    code = "import sys; from kg.loader import load_graph; from kg.maps import write_maps; "
    code += "write_maps(load_graph(), sys.argv[1])"
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path)], check=True, env=env, cwd=REPO)
    assert tree_hashes(tmp_path) == tree_hashes(Path(maps["index"]).parent)


def test_the_index_links_every_map_and_lists_the_papers_figures(kg_graph, maps):
    parsed = _Assets()
    text = maps["index"].read_text(encoding="utf-8")
    parsed.feed(text)
    root = maps["index"].parent
    assert sorted(parsed.urls) == sorted(
        p.relative_to(root).as_posix() for n, p in maps.items() if n != "index"
    )
    rows = kg_graph.query("SELECT ?v WHERE { ?o a cbec:Observation ; cbec:value ?v }")
    values = {str(v) for (v,) in rows}
    assert values and all(f">{v}" in text for v in values)


def test_the_index_links_the_research_outputs_that_exist(small_maps, tmp_path):
    # written into a folder that already holds the English brief, the index links it (and no
    # other research output); the folder of the small maps holds none, so its index links none
    from test_projection import fixture_graph

    (tmp_path / "brief").mkdir()
    (tmp_path / "brief" / "brief.en.html").write_text("<p>brief</p>", encoding="utf-8")
    index = write_maps(fixture_graph(), tmp_path)["index"].read_text(encoding="utf-8")
    assert 'href="brief/brief.en.html"' in index
    assert "brief.zh.html" not in index
    assert "brief/" not in small_maps["index"].read_text(encoding="utf-8")


def test_csp_without_scripts_allows_none():
    from kg.maps.page import csp

    assert csp() == (
        "default-src 'none'; script-src 'none'; style-src 'unsafe-inline'; "
        "img-src data: blob:; base-uri 'none'; form-action 'none'"
    )


def test_a_word_in_plain_text_gives_both_languages_escaped():
    from kg.maps.page import _plain

    assert _plain(["a<b", "甲&乙"]) == "a&lt;b · 甲&amp;乙"


def test_an_empty_view_renders(kg_graph):
    text = render_map(MapPage(nx.MultiDiGraph(), "Empty", "空"), ChainModel.from_graph(kg_graph))
    match = re.search(r'id="kg-data">(.*?)</script>', text, re.S)
    assert match and '"n":[]' in match.group(1)


def test_map_files_ship_in_the_package(maps):
    for name in ("map.js", "map.css", "map.html", "index.html", "index.css", "ui.json"):
        assert (WEB / name).is_file(), name
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert 'packages = ["kg"]' in pyproject  # hatch ships every file under kg/, web/ included
    assert page_data(maps["map"])["u"] == ui_strings()
