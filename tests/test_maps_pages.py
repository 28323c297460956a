"""Which maps there are (kg.maps.pages): the overview is the chain view with who acts, a map per
challenge holds its chain, the actors' map who does what — node sets compared with SPARQL."""

from __future__ import annotations

from mapbrowser import page_data
from rdflib import URIRef

from kg.cli import main
from kg.maps import actors_subgraph, challenge_subgraph, node_key
from kg.model import ChainModel

#: A challenge's chain, written independently of kg.chain: the problems beneath it and above
#: those, the remedies addressing what lies beneath it with one step inside the remedy tree,
#: the trends those remedies support and the actors responsible for them.
Q_FOCUS_NODES = """
SELECT DISTINCT ?n WHERE {
  { ?ch cbec:hasCause* ?n }
  UNION { ?ch cbec:hasCause* ?b . ?n cbec:hasCause+ ?b }
  UNION { ?ch cbec:hasCause* ?b . ?n cbec:addresses ?b }
  UNION { ?ch cbec:hasCause* ?b . ?r cbec:addresses ?b . ?r (cbec:hasAction|^cbec:hasAction) ?n }
  UNION { ?ch cbec:hasCause* ?b . ?r0 cbec:addresses ?b .
          ?r0 (cbec:hasAction|^cbec:hasAction)? ?r . ?r cbec:supports|cbec:responsibleActor ?n }
}"""

#: Who does what: actors responsible for a remedy, those remedies and their countermeasures,
#: the problems they address and everything those problems belong to.
Q_ACTORS_MAP = """
SELECT DISTINCT ?n WHERE {
  { ?r cbec:responsibleActor ?n }
  UNION { ?n cbec:responsibleActor ?a }
  UNION { ?n cbec:hasAction ?r . ?r cbec:responsibleActor ?a }
  UNION { ?r cbec:responsibleActor ?a . ?r cbec:addresses ?t . ?n cbec:hasCause* ?t }
  UNION { ?m cbec:hasAction ?r . ?r cbec:responsibleActor ?a . ?m cbec:addresses ?t .
          ?n cbec:hasCause* ?t }
}"""


def sparql_set(graph, query: str, **bindings) -> set[str]:
    return {str(row[0]) for row in graph.query(query, initBindings=bindings)}


def _keys(path) -> set[str]:
    data = page_data(path)
    return {data["s"][row[0]] for row in data["n"]}


def test_the_overview_is_the_chain_with_who_acts(kg_graph, chain_view, maps):
    assert _keys(maps["map"]) == {node_key(n) for n in chain_view}
    actors = sparql_set(kg_graph, "SELECT ?a WHERE { ?r cbec:responsibleActor ?a }")
    assert actors and actors <= set(chain_view)


def test_each_challenge_map_holds_its_chain(kg_graph, chain_view, maps):
    model = ChainModel.from_graph(kg_graph)
    challenges = sorted(n for n, t in chain_view.nodes(data="type") if t == "cbec:Challenge")
    assert challenges
    for ch in challenges:
        expected = sparql_set(kg_graph, Q_FOCUS_NODES, ch=URIRef(ch)) & set(chain_view)
        assert set(challenge_subgraph(chain_view, model, ch)) == expected, ch
        assert _keys(maps[f"maps/{node_key(ch)}"]) == {node_key(n) for n in expected}


def test_the_actors_map_shows_who_does_what(kg_graph, chain_view, maps):
    model = ChainModel.from_graph(kg_graph)
    expected = sparql_set(kg_graph, Q_ACTORS_MAP) & set(chain_view)
    sub = actors_subgraph(chain_view, model)
    assert set(sub) == expected
    assert _keys(maps["maps/actors"]) == {node_key(n) for n in expected}
    assert "https://w3id.org/cbec-kg/id/challenge-talent" in sub
    for n, layer in sub.nodes(data="layer"):
        if layer == "agent":
            assert sub.degree(n) > 0, n  # no actor stands alone


def test_each_page_is_titled_in_english_and_chinese(kg_graph, maps):
    labels = sparql_set(
        kg_graph,
        'SELECT ?l WHERE { ?c skos:prefLabel ?l FILTER(lang(?l) IN ("en", "zh")) }',
        c=URIRef("https://w3id.org/cbec-kg/id/challenge-talent"),
    )
    en, zh = sorted(labels, key=lambda label: label.isascii(), reverse=True)
    index = maps["index"].read_text(encoding="utf-8")
    assert (
        f'<a href="maps/challenge-talent.html">Challenge: {en}</a><div class="zh">困境：{zh}</div>'
        in index
    )
    assert (
        '<a href="map.html">Remedy chain: the whole KG, with who acts</a>'
        '<div class="zh">对策链：全部，含实施主体</div>' in index
    )
    page = maps["maps/challenge-talent"].read_text(encoding="utf-8")
    assert f"<title>Challenge: {en} · 困境：{zh} — cbec-kg</title>" in page


def test_write_maps_names_its_files(maps):
    names = set(maps)
    assert {"index", "map", "maps/actors"} <= names
    assert all(p.is_file() and p.suffix == ".html" for p in maps.values())


def test_cli_map_writes_maps(runner, tmp_path):
    result = runner.invoke(main, ["map", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "map.html").is_file() and (tmp_path / "index.html").is_file()
    assert (tmp_path / "maps" / "actors.html").is_file()
    assert "map.html" in result.output
