"""The system Chromium through Playwright (kg.maps.browser): offline pages and screenshots."""

from __future__ import annotations

import struct

import pytest

from kg.maps import offline_page, screenshot_maps
from kg.maps.browser import WINDOW, find_chromium


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
