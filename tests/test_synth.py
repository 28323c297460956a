"""The synthetic corpus (kg.synth): deterministic for a seed, the size asked for, and shaped like
the paper's KG (labels in both languages, evidence with quote and position, a link record for
every curated link)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest
from helpers import REPO
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SKOS

from kg.synth import SOURCE_MARKER, TRIPLES_PER_SOURCE, source_iri, sources_for, synth

CBEC = Namespace("https://w3id.org/cbec-kg/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
#: The relations the module says it writes a cbec:Link record for (its curated links).
CURATED = ["hasCause", "addresses", "supports", "hasAction", "responsibleActor", "hasDriver"]
CURATED += ["substantiates"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    path = tmp_path_factory.mktemp("synth") / "corpus.nt"
    stats = synth(3, path)
    return path, stats


@pytest.fixture(scope="module")
def one(tmp_path_factory):
    """One source (and the shared block), as a graph."""
    path = tmp_path_factory.mktemp("synth-one") / "one.nt"
    synth(1, path)
    return Graph().parse(path, format="nt")


def test_synth_is_deterministic_and_sized(tmp_path, corpus):
    path, stats = corpus
    again = synth(3, tmp_path / "again.nt")
    assert (tmp_path / "again.nt").read_bytes() == path.read_bytes()
    assert again.triples == stats.triples
    other = synth(3, tmp_path / "other.nt", seed=1)
    assert (tmp_path / "other.nt").read_bytes() != path.read_bytes()
    assert 8_000 < other.triples < 12_000  # --sources 3 ≈ 10k
    assert sources_for(10_000) == 3 and sources_for(1_000_000) == 397
    assert len(Graph().parse(path, format="nt")) == stats.triples
    assert path.read_text().count(SOURCE_MARKER) == 4  # the shared block + 3 sources


def test_synth_turtle_holds_the_same_triples(tmp_path):
    synth(1, tmp_path / "a.nt")
    synth(1, tmp_path / "a.ttl")
    nt = Graph().parse(tmp_path / "a.nt", format="nt")
    ttl = Graph().parse(tmp_path / "a.ttl", format="turtle")
    assert nt.isomorphic(ttl)


def test_synthetic_sources_are_shaped_like_the_paper(corpus):
    path, _ = corpus
    g = Graph().parse(path, format="nt")
    q = g.query(
        """
        PREFIX cbec: <https://w3id.org/cbec-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX oa: <http://www.w3.org/ns/oa#>
        SELECT
          (COUNT(DISTINCT ?src) AS ?sources) (COUNT(DISTINCT ?ch) AS ?challenges)
          (COUNT(DISTINCT ?trend) AS ?shared) (COUNT(DISTINCT ?inf) AS ?inferred)
          (COUNT(DISTINCT ?q) AS ?quotes) (COUNT(DISTINCT ?obs) AS ?observations)
        WHERE {
          { ?src a cbec:Source } UNION { ?ch a cbec:Challenge ; cbec:hasCause ?cause }
          UNION { ?a1 cbec:supports ?trend . ?a2 cbec:supports ?trend . FILTER(?a1 != ?a2)
                  FILTER(STRBEFORE(STR(?a1), "-action") != STRBEFORE(STR(?a2), "-action")) }
          UNION { ?inf cbec:assertion cbec:Inferred ; cbec:rationale ?r }
          UNION { ?ev oa:hasSelector ?q . ?q a oa:TextQuoteSelector }
          UNION { ?obs a cbec:Observation ; cbec:indicator ?i ; cbec:unit ?u }
        }"""
    )
    row = next(iter(q))
    assert int(row.sources) == 4 and int(row.challenges) == 12
    assert int(row.shared) >= 1  # some trend is supported from two sources
    assert int(row.inferred) >= 1 and int(row.quotes) > 300 and int(row.observations) == 27


def test_the_same_seed_gives_the_same_bytes_under_any_hash_seed(tmp_path, corpus):
    path, _ = corpus
    script = "import sys; from kg.synth import synth; synth(3, sys.argv[1])"
    for hash_seed in ("1", "2"):
        out = tmp_path / f"h{hash_seed}.nt"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run([sys.executable, "-c", script, str(out)], env=env, cwd=REPO, check=True)
        assert out.read_bytes() == path.read_bytes(), hash_seed


def test_the_sizes_the_module_states(corpus):
    _, stats = corpus
    assert stats.triples == 9_334  # the module's docstring: --sources 3 → 9,334
    assert (stats.sources, stats.seed) == (3, 0)


def test_each_source_adds_about_triples_per_source(tmp_path):
    sizes = [synth(n, tmp_path / f"{n}.nt").triples for n in (1, 2)]
    assert abs((sizes[1] - sizes[0]) - TRIPLES_PER_SOURCE) < TRIPLES_PER_SOURCE * 0.2


def test_the_count_is_the_triple_lines_and_each_block_has_its_marker(corpus):
    path, stats = corpus
    lines = path.read_text(encoding="utf-8").splitlines()
    assert stats.triples == sum(1 for line in lines if line and not line.startswith("#"))
    markers = [line for line in lines if line.startswith(SOURCE_MARKER)]
    assert markers == [f"{SOURCE_MARKER}<{source_iri(i)}>" for i in range(4)]
    assert lines[0] == "# Synthetic cbec-kg corpus: 3 source(s), seed 0 (kg synth)."


def test_progress_counts_the_sources_and_nothing_is_left_behind(tmp_path):
    seen = []
    out = tmp_path / "deep" / "er" / "c.nt"
    stats = synth(2, out, seed=5, progress=seen.append)
    assert seen == [1, 2]  # after each source (the shared block is not one)
    assert (stats.path, stats.sources, stats.seed) == (out, 2, 5)
    assert sorted(p.name for p in out.parent.iterdir()) == ["c.nt"]  # no temporary file


def test_no_sources_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at least one source"):
        synth(0, tmp_path / "x.nt")
    assert not (tmp_path / "x.nt").exists()


def test_source_iris():
    assert source_iri(0) == "https://w3id.org/cbec-kg/id/synth-shared"
    assert source_iri(12) == "https://w3id.org/cbec-kg/id/synth-00012"
    assert sources_for(0) == 1  # never fewer than one


def test_every_labelled_node_has_one_english_and_one_chinese_label(one):
    langs = Counter((s, o.language) for s, o in one.subject_objects(SKOS.prefLabel))
    nodes = {s for s, _ in langs}
    assert len(nodes) > 100
    for node in nodes:
        assert (langs[(node, "en")], langs[(node, "zh")]) == (1, 1), node
    assert set(langs.values()) == {1}


def test_every_curated_link_has_its_record_and_every_record_its_link(one):
    links = {(s, p, o) for name in CURATED for s, p, o in one.triples((None, CBEC[name], None))}
    records = {}
    for rec in one.subjects(RDF.type, CBEC.Link):
        triple = (
            one.value(rec, CBEC.linkSubject),
            one.value(rec, CBEC.linkPredicate),
            one.value(rec, CBEC.linkObject),
        )
        records[triple] = rec
    assert set(records) == links and len(links) > 50
    for triple, rec in records.items():
        mode = one.value(rec, CBEC.assertion)
        assert mode in (CBEC.Stated, CBEC.Inferred), triple
        has_rationale = one.value(rec, CBEC.rationale) is not None
        assert has_rationale == (mode == CBEC.Inferred), triple
        assert one.value(rec, CBEC.evidence) is not None, triple


def test_every_evidence_quotes_with_a_position_as_long_as_the_quote(one):
    evidence = set(one.subjects(RDF.type, CBEC.Evidence))
    assert len(evidence) > 100
    for ev in evidence:
        quote = position = None
        for selector in one.objects(ev, OA.hasSelector):
            if (selector, RDF.type, OA.TextQuoteSelector) in one:
                quote = str(one.value(selector, OA.exact))
            if (selector, RDF.type, OA.TextPositionSelector) in one:
                start, end = one.value(selector, OA.start), one.value(selector, OA.end)
                position = (int(start), int(end))
        assert quote and position, ev
        assert position[1] - position[0] == len(quote), ev
        assert one.value(ev, OA.hasSource) is not None and one.value(ev, CBEC.inSection)


def test_turtle_uses_prefixed_names(tmp_path):
    synth(1, tmp_path / "a.ttl")
    text = (tmp_path / "a.ttl").read_text(encoding="utf-8")
    assert "@prefix cbec: <https://w3id.org/cbec-kg/ontology#> ." in text
    assert "\nid:synth-00001-challenge-1 cbec:order " in text
    g = Graph().parse(tmp_path / "a.ttl", format="turtle")
    assert g.value(URIRef(source_iri(1) + "-text"), CBEC.textFile) == Literal("synth-00001.txt")
