"""Export a projection of the knowledge graph for Gephi, Cytoscape, igraph and spreadsheets.

Formats (:data:`FORMATS`):

``graphml``
    GraphML (``kg-VIEW.graphml``); Gephi, yEd, igraph and networkx read it.
``gexf``
    GEXF 1.2 (``kg-VIEW.gexf``), Gephi's own format.
``cytoscape``
    Cytoscape.js JSON (``kg-VIEW.cytoscape.json``): ``{"elements": {"nodes", "edges"}}``.
``csv``
    A node list and an edge list (``kg-VIEW-nodes.csv``, ``kg-VIEW-edges.csv``), UTF-8, with
    the English and Chinese labels of every node and of both ends of every edge.

GraphML and GEXF only hold scalar attributes, so lists (the evidence) are written as JSON
strings. Every node gets a ``label`` (its English label) and every edge a unique ``id``
(``e0``, ``e1`` ... in sorted order) and a ``label`` (its predicate), which Gephi displays.
Outputs are byte-identical for the same graph.

>>> from kg.loader import load_graph
>>> from kg.projection import project
>>> to_graphml(project(load_graph())).startswith("<?xml")
True
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from networkx.readwrite.graphml import GraphMLWriter
from rdflib import Graph

from kg.backends import Backend
from kg.errors import InputError
from kg.projection import project
from kg.serialize import atomic_write

__all__ = [
    "EDGE_COLUMNS",
    "FORMATS",
    "NODE_COLUMNS",
    "export",
    "export_files",
    "scalar_graph",
    "to_csv",
    "to_cytoscape",
    "to_gexf",
    "to_graphml",
]

#: Columns of the CSV node list.
NODE_COLUMNS = (
    "id",
    "type",
    "label_en",
    "label_zh",
    "definition_en",
    "definition_zh",
    "section",
    "evidence",
)

#: Columns of the CSV edge list.
EDGE_COLUMNS = (
    "id",
    "source",
    "target",
    "predicate",
    "source_label_en",
    "source_label_zh",
    "target_label_en",
    "target_label_zh",
    "stated",
    "evidence_count",
    "evidence",
)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _scalar(value: Any) -> Any:
    return _json(value) if isinstance(value, list | dict | tuple) else value


def scalar_graph(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy of ``G`` whose attributes are all scalars, with ``label`` and edge ``id`` added.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="A", evidence=[{"section": "2.1", "quote": "引文"}])
    >>> _ = G.add_edge("urn:a", "urn:a", key="cbec:concerns", predicate="cbec:concerns")
    >>> S = scalar_graph(G)
    >>> S.nodes["urn:a"]["evidence"], S.nodes["urn:a"]["label"]
    ('[{"quote": "引文", "section": "2.1"}]', 'A')
    >>> S.edges["urn:a", "urn:a", "cbec:concerns"]["id"]
    'e0'
    """
    S = nx.MultiDiGraph(**{k: _scalar(v) for k, v in G.graph.items()})
    for n, data in G.nodes(data=True):
        attrs = {k: _scalar(v) for k, v in data.items()}
        S.add_node(n, label=data.get("label_en", n), **attrs)
    for i, (u, v, key, data) in enumerate(G.edges(keys=True, data=True)):
        attrs = {k: _scalar(v) for k, v in data.items()}
        S.add_edge(u, v, key=key, id=f"e{i}", label=data.get("predicate", key), **attrs)
    return S


class _GraphMLWriter(GraphMLWriter):  # type: ignore[misc]  # networkx is untyped
    """networkx's GraphML writer, writing the edge ``id`` only as the XML id (not also as data)
    and booleans as ``true``/``false`` (XML Schema booleans, which every reader accepts)."""

    def add_attributes(self, scope: str, xml_obj: Any, data: Any, default: Any) -> None:
        kept = {k: v for k, v in data.items() if not (scope == "edge" and k == "id")}
        super().add_attributes(scope, xml_obj, kept, default)

    def add_data(
        self, name: str, element_type: Any, value: Any, scope: str = "all", default: Any = None
    ) -> Any:
        value = str(value).lower() if element_type is bool else value
        return super().add_data(name, element_type, value, scope, default)


def to_graphml(G: nx.MultiDiGraph) -> str:
    """GraphML text of ``G`` (edge ids are unique: ``e0``, ``e1`` ...).

    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("urn:a", "urn:b", key="cbec:supports", stated=True)
    >>> '<edge source="urn:a" target="urn:b" id="e0">' in to_graphml(G)
    True
    """
    writer = _GraphMLWriter(encoding="utf-8", edge_id_from_attribute="id")
    writer.add_graph_element(scalar_graph(G))
    buffer = io.BytesIO()
    writer.dump(buffer)
    return buffer.getvalue().decode("utf-8") + "\n"


def to_gexf(G: nx.MultiDiGraph) -> str:
    """GEXF 1.2 text of ``G``, without the writer's date, so it is reproducible.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="A")
    >>> "lastmodifieddate" in to_gexf(G), 'version="1.2"' in to_gexf(G)
    (False, True)
    """
    buffer = io.BytesIO()
    nx.write_gexf(scalar_graph(G), buffer, version="1.2draft")
    text = buffer.getvalue().decode("utf-8") + "\n"
    return re.sub(r'(<meta\b[^>]*?)\s+lastmodifieddate="[^"]*"', r"\1", text, count=1)


def to_cytoscape(G: nx.MultiDiGraph) -> str:
    """Cytoscape.js JSON of ``G``: ``{"elements": {"nodes": [...], "edges": [...]}, ...}``.

    Node ``data`` has ``id``, ``label`` and ``name`` (English label) and every attribute;
    edge ``data`` has ``id``, ``source``, ``target``, ``key`` and every attribute.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="A")
    >>> json.loads(to_cytoscape(G))["elements"]["nodes"][0]["data"]["label"]
    'A'
    """
    S = nx.MultiDiGraph(**G.graph)
    for n, data in G.nodes(data=True):
        S.add_node(n, label=data.get("label_en", n), **data)
    for i, (u, v, key, data) in enumerate(G.edges(keys=True, data=True)):
        S.add_edge(u, v, key=key, id=f"e{i}", **data)
    data = nx.cytoscape_data(S, name="label")
    data["data"] = dict(G.graph)
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _csv_text(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _scalar(row.get(k, "")) for k in columns})
    return buffer.getvalue()


def to_csv(G: nx.MultiDiGraph) -> tuple[str, str]:
    """CSV node list and edge list of ``G`` (RFC 4180, evidence as JSON text).

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("urn:a", label_en="A", label_zh="甲")
    >>> to_csv(G)[0].splitlines()[1]
    'urn:a,,A,甲,,,,'
    """
    nodes = [{"id": n, **data} for n, data in G.nodes(data=True)]
    edges = []
    for i, (u, v, key, data) in enumerate(G.edges(keys=True, data=True)):
        ends = {
            f"{end}_label_{lang}": G.nodes[node].get(f"label_{lang}", node)
            for end, node in (("source", u), ("target", v))
            for lang in ("en", "zh")
        }
        edges.append({"id": f"e{i}", "source": u, "target": v, "predicate": key, **ends, **data})
    return _csv_text(NODE_COLUMNS, nodes), _csv_text(EDGE_COLUMNS, edges)


def _csv_files(G: nx.MultiDiGraph, stem: str) -> dict[str, str]:
    nodes, edges = to_csv(G)
    return {f"{stem}-nodes.csv": nodes, f"{stem}-edges.csv": edges}


#: Export format → function from a projection and a file stem to {file name: text}.
FORMATS: dict[str, Callable[[nx.MultiDiGraph, str], dict[str, str]]] = {
    "graphml": lambda G, stem: {f"{stem}.graphml": to_graphml(G)},
    "gexf": lambda G, stem: {f"{stem}.gexf": to_gexf(G)},
    "csv": _csv_files,
    "cytoscape": lambda G, stem: {f"{stem}.cytoscape.json": to_cytoscape(G)},
}


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r}: choose one of {', '.join(FORMATS)}")


def export_files(G: nx.MultiDiGraph, fmt: str) -> dict[str, str]:
    """File names and contents of projection ``G`` in format ``fmt`` (see :data:`FORMATS`).

    >>> sorted(export_files(nx.MultiDiGraph(view="actors"), "csv"))
    ['kg-actors-edges.csv', 'kg-actors-nodes.csv']
    """
    _check_format(fmt)
    return FORMATS[fmt](G, f"kg-{G.graph.get('view', 'graph')}")


def export(
    source: Graph | Backend, fmt: str, view: str = "remedy", out_dir: str | Path = "outputs"
) -> dict[str, Path]:
    """Project ``source`` (an rdflib graph or a backend) onto ``view``; write it as ``fmt``.

    Every file is written atomically; returns {file name: path}.

    Raises
    ------
    kg.errors.InputError
        Unknown format or view.

    Examples
    --------
    >>> import tempfile
    >>> from kg.loader import load_graph
    >>> sorted(export(load_graph(), "csv", "remedy", tempfile.mkdtemp()))
    ['kg-remedy-edges.csv', 'kg-remedy-nodes.csv']
    """
    _check_format(fmt)
    files = export_files(project(source, view), fmt)
    written = {}
    for name in sorted(files):
        path = Path(out_dir) / name
        atomic_write(path, files[name])
        written[name] = path
    return written
