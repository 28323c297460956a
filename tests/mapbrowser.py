"""A map page in the system Chromium, for the browser tests (fixtures in ``conftest.py``).

Each :class:`Page` runs in a fresh offline context (every request that is not ``file:`` is
aborted and recorded) and records console errors and dialogs; :meth:`Page.close` fails the test
if any happened. JavaScript snippets shared by several test modules live here too.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from helpers import IN_CI

from kg.maps import offline_page

#: Every label vis-network draws at the current view: key, font px on screen, and its box in
#: page pixels ``[left, top, right, bottom]``; with the map's box.
DRAWN_LABELS = """() => {
  const net = kgMap.network, scale = net.getScale();
  const map = document.getElementById('kg-map').getBoundingClientRect();
  const out = [];
  for (const id of net.body.nodeIndices) {
    const L = net.body.nodes[id].labelModule;
    if (!L.visible()) continue;
    const a = net.canvasToDOM({x: L.size.left, y: L.size.top});
    const b = net.canvasToDOM({x: L.size.left + L.size.width, y: L.size.top + L.size.height});
    out.push({key: kgMap.keyOf(id), px: L.fontOptions.size * scale,
              box: [map.left + a.x, map.top + a.y, map.left + b.x, map.top + b.y]});
  }
  return {labels: out, map: [map.left, map.top, map.right, map.bottom], scale: scale};
}"""


def unavailable(reason: str):
    """Skip on a user's machine; fail under CI, where the browser must be there."""
    if IN_CI:
        pytest.fail(f"browser tests cannot run under CI: {reason}")
    pytest.skip(reason)


def page_data(path: Path) -> dict:
    """The JSON payload a map page carries (read from the file, not from the page)."""
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', text, re.S)
    assert match, path
    return json.loads(match.group(1))


class Page:
    """An offline page that records console errors, dialogs, and every request made."""

    def __init__(self, browser, path: Path, fragment: str = "", *, wait: bool = True):
        self.page = offline_page(browser)
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(path.resolve().as_uri() + fragment)
        if wait and path.name != "index.html":
            self.page.wait_for_selector("html[data-drawn]", state="attached", timeout=30_000)
            self.settle()

    def js(self, expr: str, arg=None):
        return self.page.evaluate(expr, arg)

    def settle(self) -> None:
        """Wait until the browser has painted twice."""
        self.js("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")

    def drawn(self) -> int:
        self.page.wait_for_timeout(50)
        self.settle()
        return int(self.page.get_attribute("#kg-map", "data-drawn-nodes"))

    def screen_at(self, key: str) -> tuple[float, float]:
        """Where a node is on the page now, in page pixels."""
        return tuple(
            self.js(
                """key => {
                  const net = kgMap.network, p = net.canvasToDOM(net.getPosition(kgMap.idOf(key)));
                  const box = document.getElementById('kg-map').getBoundingClientRect();
                  return [box.left + p.x, box.top + p.y];
                }""",
                key,
            )
        )

    def point_at(self, key: str) -> tuple[float, float]:
        """Zoom onto a node; return its position on screen."""
        self.js(
            """key => { const net = kgMap.network, id = kgMap.idOf(key);
                        net.moveTo({position: net.getPosition(id), scale: 2}); }""",
            key,
        )
        return self.screen_at(key)

    def click(self, key: str, shift: bool = False, zoom: bool = True) -> None:
        x, y = self.point_at(key) if zoom else self.screen_at(key)
        self.page.mouse.move(x, y)
        if shift:
            self.page.keyboard.down("Shift")
        self.page.mouse.click(x, y)
        if shift:
            self.page.keyboard.up("Shift")

    def close(self) -> None:
        """Check the page stayed offline and error-free, then close it."""
        try:
            assert all(u.startswith(("file:", "blob:", "data:")) for u in self.requests), (
                self.requests
            )
            assert not self.errors, self.errors
            assert not self.dialogs, self.dialogs
        finally:
            self.page.context.close()
