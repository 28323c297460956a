"""The system Chromium, driven by Playwright: for the browser tests, the benchmark and the
screenshots in ``docs/``.

Playwright never downloads a browser here: :func:`chromium` starts the system Chromium
(``$KG_CHROMIUM``, ``/usr/bin/chromium`` or one on ``PATH``) and raises
:class:`BrowserUnavailable` naming what is missing. :func:`offline_page` aborts every request
that is not ``file:``. :func:`screenshot_maps` saves a PNG of each map;
:func:`docs_screenshots` the README's two (the overview and the talent challenge's chain) with a
sidecar ``docs/screenshots.json`` recording what each shows, so a test can tell when they are
out of date.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kg.errors import KGError
from kg.serialize import atomic_write

__all__ = [
    "CHROMIUM_ARGS",
    "DOCS_SHOTS",
    "WINDOW",
    "BrowserUnavailable",
    "chromium",
    "docs_screenshots",
    "find_chromium",
    "offline_page",
    "open_map",
    "screenshot_maps",
]

#: Chromium flags for headless, quiet, offline runs.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)

#: The window the maps are designed for, tested at and photographed in.
WINDOW = (1400, 900)

#: The README's screenshots: file name → (map, URL fragment).
DOCS_SHOTS = {
    "map.png": ("map", ""),
    "map-talent.png": ("maps/challenge-talent", "#focus=challenge-talent"),
}


class BrowserUnavailable(KGError):
    """Playwright or the system Chromium is missing (screenshots and browser tests need both)."""

    exit_code = 2


def find_chromium() -> Path | None:
    """The system Chromium: ``$KG_CHROMIUM``, else ``/usr/bin/chromium``, else on ``PATH``.

    >>> path = find_chromium()
    >>> path is None or path.is_file()
    True
    """
    candidates = [os.environ.get("KG_CHROMIUM"), "/usr/bin/chromium"]
    candidates += [shutil.which(n) for n in ("chromium", "chromium-browser", "google-chrome")]
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate)
    return None


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless system Chromium driven by Playwright (it never downloads a browser).

    Example::

        with chromium() as browser:
            page = offline_page(browser)
            page.goto(Path("outputs/map.html").resolve().as_uri())
    """
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise BrowserUnavailable(
            "playwright is not installed (pip install 'cbec-kg[test]')"
        ) from exc
    executable = find_chromium()
    if executable is None:
        raise BrowserUnavailable(
            "Chromium not found (apt-get install chromium, or set KG_CHROMIUM to its path)"
        )
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS))
        except Exception as exc:  # playwright raises its own Error type
            raise BrowserUnavailable(f"cannot start {executable}: {exc}") from exc
        try:
            yield browser
        finally:
            browser.close()


def offline_page(browser: Any, *, width: int = WINDOW[0], height: int = WINDOW[1]) -> Any:
    """A new page in a fresh context where every request that is not ``file:`` is aborted.

    Close it with ``page.context.close()``; see :func:`chromium` for an example.
    """
    viewport = {"width": width, "height": height}
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    return context.new_page()


def open_map(browser: Any, path: Path, fragment: str = "") -> Any:
    """An offline page showing the map at ``path`` once it has drawn and settled."""
    page = offline_page(browser)
    page.goto(Path(path).resolve().as_uri() + fragment)
    page.wait_for_selector("html[data-drawn]", state="attached", timeout=60_000)
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    return page


def screenshot_maps(
    files: Mapping[str, Path], out_dir: str | Path, *, browser: Any = None
) -> dict[str, Path]:
    """Save a PNG of every map page in ``files`` (from :func:`kg.maps.write_maps`).

    The PNG is named after the map (``map.png``, ``actors.png``, ``challenge-talent.png``).
    Pass an open ``browser`` to reuse it; otherwise :func:`chromium` starts one.
    """
    if browser is None:
        with chromium() as own:
            return screenshot_maps(files, out_dir, browser=own)
    shots: dict[str, Path] = {}
    for name in sorted(files):
        if name == "index":
            continue
        page = open_map(browser, files[name])
        try:
            target = Path(out_dir) / f"{Path(name).name}.png"
            atomic_write(target, page.screenshot(full_page=False))
            shots[name] = target
        finally:
            page.context.close()
    return shots


def docs_screenshots(
    files: Mapping[str, Path], out_dir: str | Path, *, browser: Any = None
) -> dict[str, Path]:
    """Save the README's screenshots (:data:`DOCS_SHOTS`) and ``screenshots.json``: for each,
    the map and fragment it shows, the map's node and link counts, the nodes lit, and the
    PNG's SHA-256."""
    if browser is None:
        with chromium() as own:
            return docs_screenshots(files, out_dir, browser=own)
    out = Path(out_dir)
    record: dict[str, Any] = {}
    shots: dict[str, Path] = {}
    for name, (map_name, fragment) in DOCS_SHOTS.items():
        page = open_map(browser, files[map_name], fragment)
        try:
            png = page.screenshot(full_page=False)
            facts = page.evaluate(
                "() => ({nodes: kgMap.count().nodes, links: kgMap.count().links,"
                " lit: kgMap.lit().length})"
            )
        finally:
            page.context.close()
        atomic_write(out / name, png)
        shots[name] = out / name
        record[name] = {
            "map": f"{map_name}.html",
            "fragment": fragment,
            "window": list(WINDOW),
            **facts,
            "sha256": hashlib.sha256(png).hexdigest(),
        }
    sidecar = out / "screenshots.json"
    atomic_write(sidecar, json.dumps(record, indent=2, sort_keys=True) + "\n")
    shots["screenshots.json"] = sidecar
    return shots
