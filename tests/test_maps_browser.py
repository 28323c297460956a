"""The system Chromium through Playwright (kg.maps.browser): offline pages, screenshots, and
the README's screenshots in docs/, which must show the maps the current data gives."""

from __future__ import annotations

import hashlib
import json
import struct

import pytest
from helpers import REPO
from mapbrowser import page_data

from kg.chain import GraphAdjacency, around
from kg.maps import DOCS_SHOTS, offline_page, screenshot_maps
from kg.maps.browser import WINDOW, find_chromium
from kg.model import ChainModel
from kg.namespaces import ID

DOCS = REPO / "docs"


def test_find_chromium_names_an_executable_or_nothing():
    path = find_chromium()
    assert path is None or path.is_file()


@pytest.mark.browser
def test_an_offline_page_aborts_every_request_but_files(browser, tmp_path):
    (tmp_path / "p.html").write_text(
        '<img src="https://example.org/x.png"><img src="missing.png">', encoding="utf-8"
    )
    page = offline_page(browser)
    failed: list[str] = []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.goto((tmp_path / "p.html").as_uri())
    page.wait_for_timeout(200)
    assert "https://example.org/x.png" in failed
    assert page.viewport_size == {"width": WINDOW[0], "height": WINDOW[1]}
    page.context.close()


@pytest.mark.browser
def test_screenshots(browser, maps, tmp_path):
    shots = screenshot_maps(maps, tmp_path, browser=browser)
    assert set(shots) == set(maps) - {"index"}
    for path in shots.values():
        png = path.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == WINDOW
    assert (tmp_path / "map.png").stat().st_size > 10_000


def test_the_readme_screenshots_show_the_current_maps(kg_graph, chain_view, maps):
    """docs/screenshots.json, written with the PNGs by `make screenshots`, must describe those
    PNGs (hash, window) and the maps the current data gives (node and link counts, nodes lit
    by the focus, as kg.chain walks it); run `make screenshots` when this fails after a data
    change."""
    record = json.loads((DOCS / "screenshots.json").read_text(encoding="utf-8"))
    assert set(record) == set(DOCS_SHOTS)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    model = ChainModel.from_graph(kg_graph)
    for name, shot in record.items():
        png = (DOCS / name).read_bytes()
        assert hashlib.sha256(png).hexdigest() == shot["sha256"], name
        assert struct.unpack(">II", png[16:24]) == tuple(shot["window"]) == WINDOW
        page = maps[shot["map"].removesuffix(".html")]
        data = page_data(page)
        assert (shot["nodes"], shot["links"]) == (len(data["n"]), len(data["e"])), name
        focus = shot["fragment"].partition("focus=")[2]
        keys = {data["s"][row[0]] for row in data["n"]}
        on_page = chain_view.subgraph(n for n in chain_view if n.rsplit("/", 1)[-1] in keys)
        lit = around(GraphAdjacency(on_page, model), str(ID[focus])) if focus else set()
        assert shot["lit"] == len(lit), name
        assert f"(docs/{name})" in readme, name
