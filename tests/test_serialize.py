"""Deterministic serialisation and atomic writes."""

from __future__ import annotations

import os

import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from kg.errors import KGError
from kg.serialize import GENID, atomic_write, canonical, to_ntriples


def _without_genid(graph: Graph) -> Graph:
    """Turn skolem IRIs back into blank nodes, to compare with the input."""
    out = Graph()
    for triple in graph:
        out.add(
            tuple(BNode(str(t)[len(GENID) :]) if str(t).startswith(GENID) else t for t in triple)
        )
    return out


@pytest.mark.parametrize(
    "data",
    [
        '<urn:s> <urn:p> ("1" "2" "3" "4" "5" "x"), ("1" "2" "3" "4" "5" "y") .',
        "<urn:a> <urn:p> [ <urn:q> 1 ], [ <urn:q> 1 ] .",  # symmetric: needs the fallback
        "<urn:a> <urn:p> [ <urn:q> [ <urn:r> 2 ] ] .",
    ],
)
def test_canonical_keeps_every_blank_node_apart(data):
    g = Graph().parse(data=data, format="turtle")
    c = canonical(g)
    assert len(c) == len(g)
    assert isomorphic(_without_genid(c), g)


def test_same_graph_parsed_twice_gives_identical_ntriples():
    data = '<urn:s> <urn:p> [ <urn:q> "a" ; <urn:r> [ <urn:q> "b" ] ] .'
    first = to_ntriples(Graph().parse(data=data, format="turtle"))
    second = to_ntriples(Graph().parse(data=data, format="turtle"))
    assert first == second and GENID in first


def test_atomic_write_replaces_and_leaves_no_temp_files(tmp_path):
    target = tmp_path / "out.txt"
    atomic_write(target, "one")
    atomic_write(target, "two")
    assert target.read_text() == "two"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]


def test_unwritable_target_is_a_clean_error(tmp_path):
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    with pytest.raises(KGError, match="cannot write"):
        atomic_write(blocker / "sub" / "out.txt", "data")


def test_a_write_that_fails_midway_leaves_the_old_file_whole(tmp_path, monkeypatch):
    # write through a temporary file and rename: a crash while writing never truncates the
    # target (writing the target in place, e.g. with Path.write_bytes, would)
    target = tmp_path / "out.txt"
    atomic_write(target, "old content")
    calls = []

    def failing_fsync(fd):
        calls.append(fd)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(KGError, match="No space left"):
        atomic_write(target, "new content that never lands")
    assert calls, "the data is flushed to disk before the rename"
    assert target.read_text() == "old content"
    assert sorted(os.listdir(tmp_path)) == ["out.txt"]  # no temporary file left behind
