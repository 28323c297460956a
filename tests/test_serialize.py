"""Deterministic serialisation and atomic writes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

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


def test_a_reader_of_the_old_file_never_sees_the_new_one(tmp_path):
    # the new version is a new file renamed over the old name: a reader that opened the old
    # file keeps reading the old bytes whole (a write in place would change them under it)
    target = tmp_path / "kg.nt"
    atomic_write(target, "old content\n")
    inode = target.stat().st_ino
    with open(target, "rb") as reader:
        atomic_write(target, "new content\n" * 1000)
        assert reader.read() == b"old content\n"
    assert target.read_bytes() == b"new content\n" * 1000
    assert target.stat().st_ino != inode


def test_a_full_disk_midway_leaves_the_old_file_whole(tmp_path):
    # a file-size limit (RLIMIT_FSIZE) makes the kernel refuse the write after 64 KiB, as a
    # full disk would, whatever call writes the data: the old file stays as it was
    target = tmp_path / "kg.nt"
    old = "old content\n" * 100
    target.write_text(old)
    code = textwrap.dedent(
        """
        import resource, signal, sys
        from kg.errors import KGError
        from kg.serialize import atomic_write
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
        try:
            atomic_write(sys.argv[1], "x" * 200_000)
        except KGError as exc:
            print(exc)
            sys.exit(3)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(target)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "cannot write" in done.stdout and "too large" in done.stdout.lower()
    assert target.read_text() == old
    assert sorted(os.listdir(tmp_path)) == ["kg.nt"]
