"""Gap finding: what the paper leaves without remedy, support or evidence."""

from __future__ import annotations

import json

from helpers import DATA
from rdflib import URIRef
from rdflib.namespace import RDF

from kg.backends import MemoryBackend
from kg.build import materialise_inverses
from kg.cli import main
from kg.gaps import GAP_QUERIES, gaps
from kg.loader import load_graph
from kg.namespaces import CBEC


def _graph(*extra):
    g = load_graph(extra)
    materialise_inverses(g)
    return g


def test_gap_kinds_match_an_independent_computation():
    g = _graph()
    result = gaps(MemoryBackend(g))
    assert set(result) == set(GAP_QUERIES)
    causes = set(g.subjects(RDF.type, CBEC.Cause))
    unaddressed = {str(c) for c in causes if (None, CBEC.addresses, c) not in g}
    assert {row["cause"]["iri"] for row in result["causes_without_remedy"]} == unaddressed
    trends = set(g.subjects(RDF.type, CBEC.Trend))
    unsupported = {str(t) for t in trends if (None, CBEC.supports, t) not in g}
    assert {row["trend"]["iri"] for row in result["trends_without_support"]} == unsupported
    assert result["links_without_evidence"] == []


def test_a_new_unaddressed_cause_is_reported(runner, tmp_path):
    extra = tmp_path / "gap.ttl"
    extra.write_text((DATA / "gap-cause.ttl").read_text())
    result = runner.invoke(main, ["gaps", "--format", "json", "--with", str(extra)])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    causes = {row["cause"]["iri"] for row in doc["causes_without_remedy"]}
    assert "https://example.org/my-research/cause-currency-risk" in causes
    row = next(
        r for r in doc["causes_without_remedy"] if r["cause"]["iri"].endswith("cause-currency-risk")
    )
    assert row["cause"]["label"] == "Exchange-rate risk"
    assert row["challenge"]["iri"] == "https://w3id.org/cbec-kg/id/challenge-credit-guarantee"


def test_link_without_record_is_reported():
    g = _graph()
    a, b = URIRef("https://example.org/a"), URIRef("https://example.org/b")
    g.add((a, CBEC.addresses, b))
    rows = gaps(MemoryBackend(g))["links_without_evidence"]
    assert [(r["subject"]["iri"], r["object"]["iri"]) for r in rows] == [(str(a), str(b))]


def test_gaps_text(runner):
    result = runner.invoke(main, ["gaps"])
    assert result.exit_code == 0
    assert "Causes no action or countermeasure addresses (" in result.output
    assert "Links without evidence (0)" in result.output
