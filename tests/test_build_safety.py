"""Builds that share a store or an output folder, crash mid-write, or get odd inputs (issue #12,
items 12 and 13)."""

from __future__ import annotations

import os
import threading
import time

import pytest
from helpers import tree_hashes

from kg.build import build
from kg.cli import main

EXTRA = """@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/cbec-kg/id/challenge-talent> skos:altLabel "talent gap (test)"@en .
"""


def test_second_build_into_a_store_waits_for_the_first(tmp_path):
    """Item 12: while one build holds a store, another `kg build --store` neither replaces nor
    touches it; it goes on once the first is done."""
    from kg import locks

    store = tmp_path / "kg.store"
    started = time.monotonic()
    build(out_dir=tmp_path / "out1", store=store, formats="nt")
    took = time.monotonic() - started
    before = os.stat(store).st_ino
    done = threading.Event()
    errors = []

    def second():
        try:
            build(out_dir=tmp_path / "out2", store=store, formats="nt")
        except Exception as exc:  # reported below
            errors.append(exc)
        done.set()

    with locks.exclusive(store):
        thread = threading.Thread(target=second)
        thread.start()
        assert not done.wait(2 * took + 2), "the second build did not wait for the lock"
        assert os.stat(store).st_ino == before
    assert done.wait(120) and not errors, errors
    assert os.stat(store).st_ino != before  # replaced once the lock was free
    assert (store / "CURRENT").is_file()


def test_concurrent_builds_into_one_store_all_succeed(tmp_path):
    """Item 12: four builds into one store at once: all succeed, one whole store remains."""
    import pyoxigraph as ox

    store = tmp_path / "kg.store"
    outcomes = []

    def run(i):
        try:
            build(out_dir=tmp_path / f"out{i}", store=store, formats="none")
            outcomes.append("ok")
        except Exception as exc:
            outcomes.append(repr(exc))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert outcomes == ["ok"] * 4
    assert len(ox.Store.read_only(str(store))) > 5000
    leftovers = [p.name for p in tmp_path.iterdir() if ".staging-" in p.name or ".old-" in p.name]
    assert leftovers == []


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_crash_while_writing_outputs_leaves_old_or_new_never_a_mix(tmp_path, monkeypatch, fail_at):
    """Item 12: a build that dies at any file rename leaves outputs/ exactly as before (or
    wholly new), never some files old and some new."""
    out = tmp_path / "outputs"
    build(out_dir=out)
    for path in out.rglob("*"):  # mark every file, so any file the next build writes differs
        if path.is_file():
            path.write_bytes(path.read_bytes() + b"\n")
    (out / "my-notes.txt").write_text("mine")  # a file no build writes
    old = tree_hashes(out)
    calls = {"n": 0}
    real_replace, real_rename = os.replace, os.rename

    def failing(real):
        def move(src, dst, *args, **kwargs):
            where = str(dst)
            if where.startswith((str(out) + os.sep, str(tmp_path / ".outputs"))):
                calls["n"] += 1  # a file put into outputs/ or into its next version
            if calls["n"] == fail_at:
                raise KeyboardInterrupt("killed mid-write")
            return real(src, dst, *args, **kwargs)

        return move

    monkeypatch.setattr(os, "replace", failing(real_replace))
    monkeypatch.setattr(os, "rename", failing(real_rename))
    try:
        build(out_dir=out)
        crashed = False
    except KeyboardInterrupt:
        crashed = True
    monkeypatch.undo()
    now = tree_hashes(out)
    assert now["my-notes.txt"] == old["my-notes.txt"]
    if crashed:
        assert now == old
    else:
        assert set(now) == set(old) and all(now[k] != old[k] for k in now if k != "my-notes.txt")
    strays = [p.name for p in tmp_path.iterdir() if p.name.startswith(".outputs")]
    assert [s for s in strays if not s.endswith(".lock")] == []


def test_outputs_swap_keeps_files_other_commands_wrote(tmp_path):
    """Item 12: replacing outputs/ as a whole carries over what builds do not write, and drops
    what the previous build wrote but this one does not."""
    out = tmp_path / "outputs"
    build(out_dir=out)
    (out / "exports").mkdir()
    (out / "exports" / "remedy.graphml").write_text("<graphml/>")
    build(out_dir=out, formats="nt")
    names = sorted(p.name for p in out.iterdir())
    assert names == ["exports", "kg.nt", "manifest.json"]
    assert (out / "exports" / "remedy.graphml").read_text() == "<graphml/>"


# --- item 13: small input mistakes ------------------------------------------------------------


def test_bom_is_accepted_by_build_as_by_validate(tmp_path, runner):
    extra = tmp_path / "bom.ttl"
    extra.write_bytes(b"\xef\xbb\xbf" + EXTRA.encode())
    assert runner.invoke(main, ["validate", str(extra)]).exit_code == 0
    result = runner.invoke(
        main, ["build", "--with", str(extra), "--out", str(tmp_path / "o"), "--formats", "nt"]
    )
    assert result.exit_code == 0, result.output
    assert "talent gap (test)" in (tmp_path / "o" / "kg.nt").read_text()


def test_dev_null_is_named_for_what_it_is(tmp_path, runner):
    result = runner.invoke(
        main, ["build", "--with", "/dev/null", "--out", str(tmp_path / "o"), "--formats", "nt"]
    )
    assert result.exit_code == 2
    assert "no such file" not in result.output and "not a regular file" in result.output


def test_bad_line_in_a_later_section_is_reported_with_one_line_number(tmp_path, runner):
    lines = ["# kg:source <urn:s1>"]
    lines += [f'<https://example.org/a{i}> <https://example.org/p> "x" .' for i in range(100)]
    lines += ["# kg:source <urn:s2>"]
    lines += [f'<https://example.org/b{i}> <https://example.org/p> "x" .' for i in range(50)]
    lines += ["<https://example.org/bad> oops ."]  # line 153
    big = tmp_path / "big.nt"
    big.write_text("\n".join(lines) + "\n")
    result = runner.invoke(
        main, ["build", "--with", str(big), "--out", str(tmp_path / "o"), "--formats", "nt"]
    )
    assert result.exit_code == 2
    message = result.output.strip().splitlines()[-1]
    assert f"{big}:153:" in message
    assert "line" not in message.split(":153:", 1)[1], message
