"""Issue #17's one-line bugs, re-applied on demand: each must make a named test fail.

Each bug is a text replacement in the implementation, found by its text (not by a line number
or a file name, so it survives modules being split or moved) in a copy of the working tree; the
named tests are then run against the copy. A bug that no named test catches, a replacement
that no longer matches exactly one place, or a named test that fails or skips without the bug
is reported, and the script exits 1.

    .venv/bin/python tests/mutation/known_bugs.py            # every bug
    .venv/bin/python tests/mutation/known_bugs.py push-final # some of them, by key

``make mutation`` runs it before the mutation tester.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Bug:
    key: str
    promise: str
    files: str  # a glob below the repository: where to look for ``old``
    old: str
    new: str
    tests: tuple[str, ...]


BUGS = [
    Bug(
        "trace-rationale",
        "trace JSON: `rationale` is null on stated links",
        "kg/**/*.py",
        '"rationale": by_lang.get("en") or next(iter(by_lang.values()), None),',
        '"rationale": str(by_lang.get("en") or next(iter(by_lang.values()), None)),',
        ("tests/test_trace.py::test_stated_links_have_a_null_rationale_inferred_ones_a_sentence",),
    ),
    Bug(
        "gaps-action-trend",
        "kg gaps: a countermeasure whose action supports a trend has a trend",
        "kg/queries/*.rq",
        "  FILTER NOT EXISTS { ?countermeasure cbec:hasAction ?action . "
        "?action cbec:supports ?trend2 }\n",
        "",
        (
            "tests/test_gaps.py::test_countermeasures_without_trend_count_their_actions",
            "tests/test_gaps.py::test_countermeasures_without_trend_in_the_paper",
        ),
    ),
    Bug(
        "build-evidence",
        "kg build fails when a quote cannot be re-found",
        "kg/**/*.py",
        "raise EvidenceFailed(problems)",
        "pass",
        ("tests/test_build.py::test_a_quote_that_cannot_be_refound_fails_the_build",),
    ),
    Bug(
        "atomic-write-in-place",
        "outputs are written atomically (the target rewritten in place after the temp file)",
        "kg/**/*.py",
        "os.replace(tmp, path)",
        "path.write_bytes(data); os.unlink(tmp)",
        (
            "tests/test_serialize.py::test_a_reader_of_the_old_file_never_sees_the_new_one",
            "tests/test_serialize.py::test_a_full_disk_midway_leaves_the_old_file_whole",
        ),
    ),
    Bug(
        "atomic-write-direct",
        "outputs are written atomically (no temporary file at all)",
        "kg/**/*.py",
        'data = content.encode("utf-8") if isinstance(content, str) else content\n',
        'data = content.encode("utf-8") if isinstance(content, str) else content\n'
        "    return path.write_bytes(data)  # the bug\n",
        (
            "tests/test_serialize.py::test_a_reader_of_the_old_file_never_sees_the_new_one",
            "tests/test_serialize.py::test_a_full_disk_midway_leaves_the_old_file_whole",
        ),
    ),
    Bug(
        "map-csp",
        "the map's CSP allows only the inlined scripts",
        "kg/**/*.py",
        """script_src = " ".join(f"'{_sha256(s)}'" for s in scripts) or "'none'\"""",
        """script_src = "'unsafe-inline'\"""",
        ("tests/test_maps_page.py::test_csp_allows_exactly_the_inlined_scripts",),
    ),
    Bug(
        "push-compare",
        "kg push compares the temporary graph's triple count with the file's",
        "kg/**/*.py",
        "if stored.triples != file.triples:",
        "if stored.triples > file.triples:",
        (
            "tests/test_push.py::test_short_upload_fails_the_check",
            "tests/test_push.py::test_compare_reports_a_short_total_first",
        ),
    ),
    Bug(
        "push-final",
        "kg push checks the target's triple count after the move",
        "kg/**/*.py",
        "if final != expected.triples:",
        "if final > expected.triples:",
        ("tests/test_push.py::test_a_move_that_loses_triples_fails_the_push",),
    ),
]


def _tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p and (REPO / p).is_file()]


def copy_tree(dest: Path) -> None:
    for rel in _tracked_files():
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / rel, target)


def apply(bug: Bug, root: Path) -> Path:
    hits = [(p, p.read_text(encoding="utf-8").count(bug.old)) for p in root.glob(bug.files)]
    hits = [(p, n) for p, n in hits if n]
    if [n for _, n in hits] != [1]:
        where = ", ".join(f"{p.relative_to(root)} ×{n}" for p, n in hits) or "nowhere"
        raise SystemExit(f"{bug.key}: the text to change must occur once, found {where}")
    path = hits[0][0]
    path.write_text(path.read_text(encoding="utf-8").replace(bug.old, bug.new), encoding="utf-8")
    return path


def run_tests(root: Path, tests: list[str], report: Path) -> dict[str, str]:
    """Outcome of each test id: passed, skipped, or failed with the first line of why."""
    from kg import paths

    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        paths.SOURCE_DIR_ENV: os.environ.get(paths.SOURCE_DIR_ENV, str(paths.source_dir())),
    }
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    cmd += ["--junitxml", str(report), *tests]
    subprocess.run(cmd, cwd=root, env=env, capture_output=True, check=False)
    outcomes: dict[str, str] = {}
    for case in ET.parse(report).iter("testcase"):
        name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        kinds = {child.tag: child for child in case}
        bad = kinds.get("failure", kinds.get("error"))
        if bad is not None:
            why = (bad.get("message") or "").strip().splitlines()
            outcomes[name] = "failed  " + (why[0][:110] if why else "")
        else:
            outcomes[name] = "skipped" if "skipped" in kinds else "passed"
    return outcomes


def _outcome(outcomes: dict[str, str], test: str) -> str:
    return outcomes.get(test, "missing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("keys", nargs="*", help="bugs to apply (default: all)")
    args = parser.parse_args(argv)
    bugs = [b for b in BUGS if not args.keys or b.key in args.keys]
    ok = True
    with tempfile.TemporaryDirectory(prefix="kg-known-bugs-") as tmp:
        clean = Path(tmp) / "clean"
        copy_tree(clean)
        tests = sorted({t for b in bugs for t in b.tests})
        started = time.monotonic()
        base = run_tests(clean, tests, Path(tmp) / "clean.xml")
        print(f"without the bugs ({time.monotonic() - started:.0f} s):")
        for t in tests:
            state = _outcome(base, t)
            print(f"  {state:8} {t}")
            ok &= state == "passed"
        for bug in bugs:
            root = Path(tmp) / bug.key
            copy_tree(root)
            path = apply(bug, root)
            outcomes = run_tests(root, list(bug.tests), Path(tmp) / f"{bug.key}.xml")
            caught = [t for t in bug.tests if _outcome(outcomes, t).startswith("failed")]
            verdict = "CAUGHT" if caught else "MISSED"
            ok &= bool(caught)
            print(f"{verdict} {bug.key} ({bug.promise}) in {path.relative_to(root)}")
            for t in bug.tests:
                state, _, why = _outcome(outcomes, t).partition("  ")
                print(f"  {state:8} {t}" + (f"\n           {why}" if why else ""))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
