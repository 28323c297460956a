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
    with pytest.raises(KGError) as err:
        atomic_write(blocker / "sub" / "out.txt", "data")
    assert str(err.value) == f"cannot write {blocker / 'sub' / 'out.txt'}: Not a directory"


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
    with pytest.raises(KGError) as err:
        atomic_write(target, "new content that never lands")
    assert str(err.value) == f"cannot write {target}: No space left on device"
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


# --- replacing an output folder as a whole ---------------------------------------------------


def _folder(root, files: dict[str, str]):
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def _contents(root) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_publish_replaces_what_builds_write_and_carries_the_rest_over(tmp_path):
    from kg.serialize import publish_folder, staging_folder

    out = _folder(
        tmp_path / "outputs",
        {
            "kg.nt": "old",
            "maps/map.html": "old map",
            "maps/stale.html": "a map the new build no longer draws",
            "export.graphml": "a user's export",
            "mine/notes.txt": "a user's notes",
        },
    )
    (out / "link").symlink_to("export.graphml")
    staging = staging_folder(out)
    assert staging.parent == tmp_path and staging.name.startswith(".outputs.build-")
    assert list(staging.iterdir()) == []
    _folder(staging, {"kg.nt": "new", "maps/map.html": "new map"})
    publish_folder(staging, out, owned={"kg.nt", "maps"})
    assert _contents(out) == {
        "export.graphml": "a user's export",
        "kg.nt": "new",
        "link": "a user's export",
        "maps/map.html": "new map",
        "mine/notes.txt": "a user's notes",
    }
    assert (out / "link").is_symlink() and os.readlink(out / "link") == "export.graphml"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]  # nothing left beside it


def test_publish_into_a_new_folder_and_refuses_a_file(tmp_path):
    from kg.serialize import publish_folder, staging_folder

    out = tmp_path / "fresh"
    staging = staging_folder(out)
    _folder(staging, {"kg.nt": "new"})
    publish_folder(staging, out, owned={"kg.nt"})
    assert _contents(out) == {"kg.nt": "new"}
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    staging = staging_folder(blocker)
    _folder(staging, {"kg.nt": "new"})
    with pytest.raises(KGError, match=r"afile exists and is not a folder"):
        publish_folder(staging, blocker, owned={"kg.nt"})
    assert blocker.read_text() == "x"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile", "fresh"]  # staging removed


def test_publish_through_a_symlinked_output_folder(tmp_path):
    from kg.serialize import publish_folder, staging_folder

    real = _folder(tmp_path / "real", {"kg.nt": "old", "keep.txt": "kept"})
    (tmp_path / "outputs").symlink_to(real)
    staging = staging_folder(tmp_path / "outputs")
    _folder(staging, {"kg.nt": "new"})
    publish_folder(staging, tmp_path / "outputs", owned={"kg.nt"})
    assert (tmp_path / "outputs").is_symlink()
    assert _contents(tmp_path / "outputs") == {"keep.txt": "kept", "kg.nt": "new"}


def test_publish_falls_back_to_two_renames_where_exchange_is_missing(tmp_path, monkeypatch):
    import kg.serialize as serialize

    out = _folder(tmp_path / "outputs", {"kg.nt": "old", "keep.txt": "kept"})
    monkeypatch.setattr(serialize, "_exchange", lambda a, b: False)
    staging = serialize.staging_folder(out)
    _folder(staging, {"kg.nt": "new"})
    serialize.publish_folder(staging, out, owned={"kg.nt"})
    assert _contents(out) == {"keep.txt": "kept", "kg.nt": "new"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


def test_write_files_writes_every_file_and_makes_folders(tmp_path):
    from kg.serialize import write_files

    write_files(tmp_path / "o", {"b/c/d.txt": "d", "a.txt": b"a"})
    assert _contents(tmp_path / "o") == {"a.txt": "a", "b/c/d.txt": "d"}
    atomic_write(tmp_path / "deep" / "er" / "f.txt", "f")
    assert (tmp_path / "deep" / "er" / "f.txt").read_text() == "f"


def test_atomic_write_keeps_the_umask_permissions(tmp_path):
    for umask, mode in ((0o027, 0o640), (0o022, 0o644), (0o002, 0o664)):
        old = os.umask(umask)
        try:
            atomic_write(tmp_path / "f.txt", "x")
            assert os.umask(umask) == umask  # the process's umask is left as it was
        finally:
            os.umask(old)
        assert (tmp_path / "f.txt").stat().st_mode & 0o777 == mode, oct(umask)


def test_a_failed_swap_keeps_the_old_folder_and_removes_the_new(tmp_path, monkeypatch):
    import kg.serialize as serialize

    out = _folder(tmp_path / "outputs", {"kg.nt": "old"})

    def refuse(a, b):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(serialize, "_exchange", refuse)
    staging = serialize.staging_folder(out)
    _folder(staging, {"kg.nt": "new"})
    with pytest.raises(KGError, match=r"cannot replace .*outputs: Permission denied"):
        serialize.publish_folder(staging, out, owned={"kg.nt"})
    assert _contents(out) == {"kg.nt": "old"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["outputs"]


def test_the_temporary_file_is_hidden_beside_the_target(tmp_path, monkeypatch):
    # written in the target's own folder (a rename within one file system is atomic), under a
    # hidden name that globs such as *.nt do not match
    target = tmp_path / "kg.nt"
    target.write_text("old")
    seen = []
    real = os.fsync

    def look(fd):
        seen.append(sorted(os.listdir(tmp_path)))
        real(fd)

    monkeypatch.setattr(os, "fsync", look)
    atomic_write(target, "new")
    assert len(seen) == 1 and seen[0][-1] == "kg.nt" and len(seen[0]) == 2
    temp = seen[0][0]
    assert temp.startswith(".kg.nt.") and temp.endswith(".tmp")


def test_an_interrupted_write_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "kg.nt"
    target.write_text("old")

    def interrupt(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    assert sorted(os.listdir(tmp_path)) == ["kg.nt"] and target.read_text() == "old"
