"""Which maps are drawn, and writing them.

:func:`write_maps` writes::

    index.html              links to every map, the legend and every figure the paper cites
    map.html                the chain view of the whole KG: problems, remedies, trends and the
                            actors responsible for the remedies
    maps/<challenge>.html   one challenge's chain (:func:`challenge_subgraph`)
    maps/actors.html        who does what: the actors, the remedies they own with their
                            countermeasures, and the problems those address up to the challenges

All pages share one column order for the layered layout: the one of
:data:`kg.maps.layout.COLUMN_ORDERS` whose links cross least over all pages together.

>>> import tempfile
>>> from kg.loader import load_graph
>>> files = write_maps(load_graph(), tempfile.mkdtemp())
>>> files["map"].name, files["index"].name, files["maps/actors"].name
('map.html', 'index.html', 'actors.html')
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.chain import GraphAdjacency, around, closure
from kg.maps.layout import COLUMN_ORDERS, layered_layout
from kg.maps.page import MapPage, _index_words, index_html, render_map
from kg.maps.payload import figures, node_key, sections, statistics
from kg.model import ChainModel, model_of
from kg.projection import as_backend, project
from kg.serialize import write_files

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = ["actors_subgraph", "chain", "challenge_subgraph", "map_files", "write_maps"]

#: The projection the maps draw.
VIEW = "chain"


def chain(G: nx.MultiDiGraph, model: ChainModel, node: str) -> set[str]:
    """``node`` and the chain around it (:func:`kg.chain.around`) within ``G``: what the map's
    click lights, computed the same way in the browser."""
    return around(GraphAdjacency(G, model), node) & set(G)


def challenge_subgraph(G: nx.MultiDiGraph, model: ChainModel, challenge: str) -> nx.MultiDiGraph:
    """The focused map of one challenge: its :func:`chain` with every link among those nodes.

    >>> from kg.loader import load_graph
    >>> rdf = load_graph()
    >>> G = project(rdf, "chain")
    >>> ids = "https://w3id.org/cbec-kg/id/"
    >>> sub = challenge_subgraph(G, ChainModel.from_graph(rdf), ids + "challenge-talent")
    >>> ids + "countermeasure-talent" in sub, ids + "actor-universities" in sub
    (True, True)
    """
    sub = nx.MultiDiGraph(G.subgraph(chain(G, model, challenge)))
    sub.graph["focus"] = challenge
    return sub


def actors_subgraph(G: nx.MultiDiGraph, model: ChainModel) -> nx.MultiDiGraph:
    """Who does what: the actors responsible for a remedy in ``G`` (a chain view), those
    remedies and their countermeasures (one composition step), and the problems they address
    with everything above those, up to the challenges.

    >>> from kg.loader import load_graph
    >>> rdf = load_graph()
    >>> sub = actors_subgraph(project(rdf, "chain"), ChainModel.from_graph(rdf))
    >>> "https://w3id.org/cbec-kg/id/challenge-talent" in sub
    True
    """
    adj = GraphAdjacency(G, model)
    actors = {n for n in G if G.nodes[n].get("layer") == "agent"}
    owned = adj.step(actors, "responsibility", False)
    actors = adj.step(owned, "responsibility", True)
    remedies = owned | adj.step(owned, "composition", True)
    problems = closure(adj, adj.step(remedies, "remedy", False), "causal", False)
    return nx.MultiDiGraph(G.subgraph(actors | remedies | problems))


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "node"


def _entry(href: str, en: str, zh: str, G: nx.MultiDiGraph) -> dict[str, Any]:
    stated = sum(1 for *_, s in G.edges(data="stated") if s)
    return {
        "href": href,
        "en": en,
        "zh": zh,
        "nodes": G.number_of_nodes(),
        "edges": G.number_of_edges(),
        "stated": stated,
    }


def write_maps(graph: Graph | Backend, out_dir: str | Path) -> dict[str, Path]:
    """Write every map and the index into ``out_dir``; return the files keyed by name.

    Keys are the paths relative to ``out_dir`` without ``.html``: ``index``, ``map``,
    ``maps/actors`` and ``maps/<challenge>``. Every page is rendered before the first is
    written, and each file is written atomically.
    """
    from kg.brief import research_links

    contents = map_files(graph, links=research_links(lambda name: (Path(out_dir) / name).is_file()))
    write_files(out_dir, contents)
    return {name.removesuffix(".html"): Path(out_dir) / name for name in contents}


def _words(key: str, **values: str) -> tuple[str, str]:
    """The English and Chinese of ``key`` (``index.json``), ``{name}`` filled in from ``values``."""
    en, zh = (re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], t) for t in _index_words()[key])
    return en, zh


def map_files(
    source: Graph | Backend, *, links: Sequence[tuple[str, str, str]] = ()
) -> dict[str, str]:
    """Every map page and the index, keyed by path relative to the output folder; the index
    also links to ``links`` (``(path, English, Chinese)``: the brief, charts, ontology page)."""
    from kg.measures import leverage_scores

    backend = as_backend(source)
    model = model_of(backend)
    whole = project(backend, VIEW)
    leverage = leverage_scores(project(backend, "remedy"), model)
    pages: dict[str, MapPage] = {"map": MapPage(whole, *_words("overview"))}
    entries = [_entry("map.html", *_words("overview"), whole)]
    used = {"actors"}
    challenges = sorted(n for n, t in whole.nodes(data="type") if t == "cbec:Challenge")
    for iri in challenges:
        slug = _slug(node_key(iri))
        while slug in used:
            slug += "-x"
        used.add(slug)
        sub = challenge_subgraph(whole, model, iri)
        en, zh = whole.nodes[iri].get("label_en", ""), whole.nodes[iri].get("label_zh", "")
        title = (_words("challengePage", label=en)[0], _words("challengePage", label=zh)[1])
        pages[f"maps/{slug}"] = MapPage(sub, *title, home="../index.html")
        entries.append(_entry(f"maps/{slug}.html", *title, sub))
    actors = actors_subgraph(whole, model)
    pages["maps/actors"] = MapPage(
        actors, *_words("actorsPage"), home="../index.html", headline=("agent", "problem")
    )
    entries.append(_entry("maps/actors.html", *_words("actorsPage"), actors))

    order = shared_order(pages.values(), model, leverage)
    extras = {"figures": figures(backend), "sections": sections(backend)}
    contents = {
        name: render_map(
            MapPage(p.G, p.title_en, p.title_zh, p.home, order, p.headline),
            model,
            leverage=leverage,
            extras=extras,
        )
        for name, p in pages.items()
    }
    types = Counter(t for p in pages.values() for _, t in p.G.nodes(data="type"))
    types = Counter({t: sum(1 for _, x in whole.nodes(data="type") if x == t) for t in types})
    contents["index"] = index_html(model, entries, types, statistics(backend), links)
    return {f"{name}.html": html for name, html in sorted(contents.items())}


def shared_order(pages: Any, model: ChainModel, leverage: Any) -> tuple[str, ...]:
    """The column order whose links cross least over all ``pages`` together (crossings plus
    links through other nodes; ties go to the earlier order)."""
    totals = dict.fromkeys(COLUMN_ORDERS, 0)
    for p in pages:
        tried = layered_layout(p.G, model, leverage=leverage).tried
        for order, (cross, through) in tried.items():
            totals[order] += cross + through
    return min(COLUMN_ORDERS, key=lambda o: (totals[o], COLUMN_ORDERS.index(o)))
