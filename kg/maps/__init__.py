"""Interactive HTML maps of the knowledge graph: offline, safe, explorable and deterministic.

Every map is one self-contained HTML file that reads as the chain — causes → challenge →
effects, the remedies, who acts, the trends — and answers, from the map alone, what the paper
says around any node. The package is split by job:

:mod:`kg.maps.style`
    how each class looks, and how much room a label takes;
:mod:`kg.maps.columns`, :mod:`kg.maps.layout`, :mod:`kg.maps.force`
    the layered (chain) layout — columns, then the whole map — and the force layout, both
    precomputed with igraph;
:mod:`kg.maps.payload`
    the JSON a page reads (both languages, both layouts, the chain's roles and sentences);
:mod:`kg.maps.page`
    the HTML, from the templates and static files in ``kg/web/``;
:mod:`kg.maps.pages`
    which maps there are, and writing them (:func:`write_maps`);
:mod:`kg.maps.browser`
    the system Chromium through Playwright: screenshots, and the browser tests' helpers.

Which links form the chain a click lights is not written here: the payload carries each
predicate's role and direction from the ontology (:mod:`kg.model`), and the page's script
(``kg/web/map.js``) walks it by the rules of :mod:`kg.chain` — a test checks that, node by node.
"""

from __future__ import annotations

from kg.maps.browser import (
    CHROMIUM_ARGS,
    DOCS_SHOTS,
    WINDOW,
    BrowserUnavailable,
    chromium,
    docs_screenshots,
    find_chromium,
    offline_page,
    open_map,
    screenshot_maps,
)
from kg.maps.force import force_positions
from kg.maps.layout import layered_layout
from kg.maps.page import MapPage, render_map
from kg.maps.pages import actors_subgraph, chain, challenge_subgraph, map_files, write_maps
from kg.maps.payload import json_for_script, map_payload, node_key
from kg.maps.style import CLASS_STYLES, node_size, style_of

__all__ = [
    "CHROMIUM_ARGS",
    "CLASS_STYLES",
    "DOCS_SHOTS",
    "WINDOW",
    "BrowserUnavailable",
    "MapPage",
    "actors_subgraph",
    "chain",
    "challenge_subgraph",
    "chromium",
    "docs_screenshots",
    "find_chromium",
    "force_positions",
    "json_for_script",
    "layered_layout",
    "map_files",
    "map_payload",
    "node_key",
    "node_size",
    "offline_page",
    "open_map",
    "render_map",
    "screenshot_maps",
    "style_of",
    "write_maps",
]
