"""Exports (kg.export) read back by networkx, by igraph and by lxml, on the test_graph fixture.

No GEXF XML Schema could be obtained from a package registry (PyPI and npm packages for GEXF
ship none), so GEXF is checked with a second, independent parser (lxml) against the structure
the GEXF 1.2 format prescribes: namespace and version, declared attributes with valid types,
every value referring to a declared attribute and typed as declared, unique ids, and edges
between declared nodes.
"""

from __future__ import annotations

import csv
import io
import json

import igraph
import networkx as nx
import pytest
from lxml import etree
from test_projection import FIXTURE_TTL, FX, REMEDY_LINKS, fixture_graph

from kg.cli import EXPORT_FORMATS, main
from kg.errors import InputError
from kg.export import (
    EDGE_COLUMNS,
    FORMATS,
    NODE_COLUMNS,
    export,
    to_csv,
    to_cytoscape,
    to_gexf,
    to_graphml,
)
from kg.projection import project

GEXF = "{http://www.gexf.net/1.2draft}"
GEXF_TYPES = {"integer", "long", "double", "float", "boolean", "liststring", "string", "anyURI"}


@pytest.fixture(scope="module")
def graph():
    return fixture_graph()


@pytest.fixture(scope="module")
def G(graph):
    return project(graph)


def triples(G) -> set[tuple[str, str, str]]:
    return {(u, d["predicate"], v) for u, v, d in G.edges(data=True)}


EXPECTED = {(FX + s, f"cbec:{p}", FX + o) for s, p, o, _ in REMEDY_LINKS}


# --- GraphML ---------------------------------------------------------------------------------


def test_graphml_round_trip_networkx(G):
    back = nx.read_graphml(io.BytesIO(to_graphml(G).encode()), force_multigraph=True)
    assert set(back) == set(G)
    assert triples(back) == EXPECTED
    h1 = back.nodes[FX + "h1"]
    assert (h1["label_zh"], h1["type"], h1["section"]) == ("信用缺口", "cbec:Challenge", "2.9")
    assert json.loads(h1["evidence"]) == G.nodes[FX + "h1"]["evidence"]
    edge = next(d for u, v, d in back.edges(data=True) if (u, v) == (FX + "a2", FX + "c3"))
    assert (edge["stated"], edge["evidence_count"]) == (False, 1)
    assert back.graph["view"] == "remedy"


def test_graphml_read_by_igraph(G, tmp_path):
    path = tmp_path / "kg.graphml"
    path.write_text(to_graphml(G), encoding="utf-8")
    ig = igraph.Graph.Read_GraphML(str(path))
    assert (ig.vcount(), ig.ecount(), ig.is_directed()) == (13, 16, True)
    ids = ig.vs["id"]
    found = {(ids[e.source], e["predicate"], ids[e.target]) for e in ig.es}
    assert found == EXPECTED
    stated = {(ids[e.source], ids[e.target]): e["stated"] for e in ig.es}
    assert stated[(FX + "m1", FX + "h1")] is True
    assert stated[(FX + "a2", FX + "c2")] is False
    h1 = ig.vs.find(id=FX + "h1")
    assert (h1["label"], h1["label_zh"]) == ("Credit gap", "信用缺口")


def test_graphml_edge_ids_are_unique_and_text_is_utf8(G):
    text = to_graphml(G)
    root = etree.fromstring(text.encode())
    ids = [e.get("id") for e in root.iter("{http://graphml.graphdrawing.org/xmlns}edge")]
    assert ids == [f"e{i}" for i in range(16)]
    assert "信用缺口" in text  # not &#...; character references
    assert ">true<" in text and ">True<" not in text


# --- GEXF ------------------------------------------------------------------------------------


def test_gexf_round_trip_networkx(G):
    back = nx.read_gexf(io.BytesIO(to_gexf(G).encode()))
    assert set(back) == set(G)
    assert {(u, d["predicate"], v) for u, v, d in back.edges(data=True)} == EXPECTED
    assert back.nodes[FX + "h2"]["label"] == "Talent shortage"
    assert back.nodes[FX + "h2"]["label_zh"] == "人才短缺"


def _declared(graph_el, cls: str) -> dict[str, str]:
    decl = graph_el.find(f"{GEXF}attributes[@class='{cls}']")
    return {a.get("id"): a.get("type") for a in decl.findall(f"{GEXF}attribute")}


def _check_attvalues(element, declared: dict[str, str]) -> dict[str, str]:
    values = {}
    for att in element.iter(f"{GEXF}attvalue"):
        kind = declared[att.get("for")]  # refers to a declared attribute
        value = att.get("value")
        if kind == "boolean":
            assert value in {"true", "false"}
        elif kind in {"integer", "long"}:
            int(value)
        values[att.get("for")] = value
    return values


def test_gexf_structure_with_an_independent_parser(G):
    root = etree.fromstring(to_gexf(G).encode())
    assert root.tag == f"{GEXF}gexf" and root.get("version") == "1.2"
    assert root.find(f"{GEXF}meta").get("lastmodifieddate") is None
    graph_el = root.find(f"{GEXF}graph")
    assert graph_el.get("defaultedgetype") == "directed"
    node_attrs, edge_attrs = _declared(graph_el, "node"), _declared(graph_el, "edge")
    assert set(node_attrs.values()) | set(edge_attrs.values()) <= GEXF_TYPES
    nodes = graph_el.findall(f"{GEXF}nodes/{GEXF}node")
    edges = graph_el.findall(f"{GEXF}edges/{GEXF}edge")
    node_ids = [n.get("id") for n in nodes]
    assert len(node_ids) == len(set(node_ids)) == 13
    assert len({e.get("id") for e in edges}) == len(edges) == 16
    assert all(e.get("source") in node_ids and e.get("target") in node_ids for e in edges)
    attribute_id = {a.get("title"): a.get("id") for a in graph_el.iter(f"{GEXF}attribute")}
    h1 = nodes[node_ids.index(FX + "h1")]
    assert h1.get("label") == "Credit gap"
    assert _check_attvalues(h1, node_attrs)[attribute_id["label_zh"]] == "信用缺口"
    for e in edges:
        _check_attvalues(e, edge_attrs)
    preds = {(e.get("source"), e.get("label"), e.get("target")) for e in edges}
    assert preds == EXPECTED


# --- Cytoscape.js ----------------------------------------------------------------------------


def test_cytoscape_json(G):
    data = json.loads(to_cytoscape(G))
    nodes, edges = data["elements"]["nodes"], data["elements"]["edges"]
    assert len(nodes) == 13 and len(edges) == 16
    h1 = next(n["data"] for n in nodes if n["data"]["id"] == FX + "h1")
    assert (h1["label"], h1["label_zh"], h1["type"]) == ("Credit gap", "信用缺口", "cbec:Challenge")
    assert h1["evidence"][0] == {"section": "2.9", "quote": "第九节引文"}  # lists stay lists
    assert [e["data"]["id"] for e in edges] == [f"e{i}" for i in range(16)]
    assert {(e["data"]["source"], e["data"]["key"], e["data"]["target"]) for e in edges} == EXPECTED
    assert data["data"] == {"view": "remedy"}
    back = nx.cytoscape_graph(data)
    assert triples(back) == EXPECTED


# --- CSV -------------------------------------------------------------------------------------


def test_csv_node_and_edge_lists(G):
    nodes_text, edges_text = to_csv(G)
    nodes = list(csv.DictReader(io.StringIO(nodes_text, newline="")))
    edges = list(csv.DictReader(io.StringIO(edges_text, newline="")))
    assert tuple(nodes[0]) == NODE_COLUMNS and tuple(edges[0]) == EDGE_COLUMNS
    assert len(nodes) == 13 and len(edges) == 16
    h1 = next(r for r in nodes if r["id"] == FX + "h1")
    assert (h1["label_en"], h1["label_zh"], h1["section"]) == ("Credit gap", "信用缺口", "2.9")
    row = next(r for r in edges if (r["source"], r["target"]) == (FX + "a2", FX + "c3"))
    assert row["predicate"] == "cbec:addresses"
    assert (row["source_label_en"], row["source_label_zh"]) == (
        "Credit data sharing",
        "信用数据共享",
    )
    assert (row["target_label_en"], row["target_label_zh"]) == ("Talent gap", "人才缺口")
    assert (row["stated"], row["evidence_count"]) == ("False", "1")
    assert json.loads(row["evidence"]) == [{"quote": "a2 addresses c3", "section": "3.1"}]


# --- files, views, determinism, command line -------------------------------------------------


def test_export_writes_named_files(graph, tmp_path):
    written = export(graph, "csv", "actors", tmp_path)
    assert sorted(written) == ["kg-actors-edges.csv", "kg-actors-nodes.csv"]
    nodes = written["kg-actors-nodes.csv"].read_text(encoding="utf-8").splitlines()
    assert len(nodes) == 1 + 7
    with pytest.raises(InputError, match="graphml, gexf, csv, cytoscape"):
        export(graph, "dot", "remedy", tmp_path)
    with pytest.raises(InputError, match="remedy, chain, actors, full"):
        export(graph, "csv", "everything", tmp_path)


def test_exports_are_byte_identical(graph, tmp_path):
    fresh = fixture_graph()  # parsed again: another triple order in the store
    for fmt in FORMATS:
        first = export(graph, fmt, "full", tmp_path / "a")
        again = export(fresh, fmt, "full", tmp_path / "b")
        assert {n: p.read_bytes() for n, p in first.items()} == {
            n: p.read_bytes() for n, p in again.items()
        }


def test_cli_formats_match_the_library():
    assert list(FORMATS) == EXPORT_FORMATS


@pytest.fixture
def only_fixture(monkeypatch, tmp_path):
    path = tmp_path / "fixture.ttl"
    path.write_text(FIXTURE_TTL, encoding="utf-8")
    monkeypatch.setattr("kg.paths.data_files", lambda: [])
    return ["--with", str(path)]


@pytest.mark.parametrize(
    ("fmt", "files"),
    [
        ("graphml", ["kg-full.graphml"]),
        ("gexf", ["kg-full.gexf"]),
        ("csv", ["kg-full-edges.csv", "kg-full-nodes.csv"]),
        ("cytoscape", ["kg-full.cytoscape.json"]),
    ],
)
def test_cli_export(runner, only_fixture, tmp_path, fmt, files):
    out = tmp_path / "out"
    args = ["export", *only_fixture, "--format", fmt, "--view", "full", "--out", str(out)]
    result = runner.invoke(main, args)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == files
    assert f"Wrote {out / files[0]}" in result.output


def test_cli_export_errors(runner, tmp_path):
    bad_view = runner.invoke(main, ["export", "--format", "csv", "--view", "remedies"])
    assert bad_view.exit_code == 2 and "Did you mean 'remedy'?" in bad_view.output
    bad_format = runner.invoke(main, ["export", "--format", "dot", "--out", str(tmp_path)])
    assert bad_format.exit_code == 2
    assert not any(tmp_path.iterdir())
