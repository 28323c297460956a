"""Mutation testing of the modules that carry the README's promises (``make mutation``).

For each group of ``tests/mutation/selection.toml`` this runs mutmut in a working folder of its
own (``outputs/mutation/work/GROUP``: links to the sources, a ``pyproject.toml`` with the
group's mutmut settings), over the group's functions only, against the group's pool of tests.
Then it writes ``outputs/mutation/report.md``: per module the mutants, killed, survived (and
the other outcomes: no test reaches it, timeout), equivalent, and the share of non-equivalent
mutants killed, with the diff of every surviving mutant and, when
``tests/mutation/equivalent.toml`` lists it, why it survives.

    .venv/bin/python tests/mutation/run.py               # every group (make mutation)
    .venv/bin/python tests/mutation/run.py push maps     # some groups; the report covers those
    .venv/bin/python tests/mutation/run.py --report      # the report again, without running
    .venv/bin/python tests/mutation/run.py --retest push # only the mutants left alive, again

Exits 1 when the share killed falls below ``--threshold`` percent (85) on the groups run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
OUT = REPO / "outputs" / "mutation"
WORK = OUT / "work"
LINKED = ("kg", "tests", "ontology", "conftest.py")


@dataclass
class Group:
    name: str
    promise: str
    files: list[str]
    functions: list[str]
    tests: list[str]
    deselect: list[str] = field(default_factory=list)
    #: seconds added to a mutant's recorded test time before mutmut's timeout (x5) applies:
    #: the time of the fixtures a mutant's tests set up again (mutmut records only the tests')
    setup_seconds: float = 10.0

    def test_paths(self) -> list[str]:
        """The pool, with globs (``kg/maps*.py``: a module's doctests) expanded."""
        out = []
        for entry in self.tests:
            if "*" in entry:
                out += sorted(str(p.relative_to(REPO)) for p in REPO.glob(entry) if p.is_file())
            else:
                out.append(entry)
        return out

    def patterns(self) -> list[str]:
        """mutmut's mutant-name globs for the group's functions."""
        out = []
        for entry in self.functions:
            module, _, function = (part.strip() for part in entry.partition(":"))
            if function == "*":
                out += [f"{module}.x_*__mutmut_*", f"{module}.xǁ*__mutmut_*"]
            elif "." in function:
                cls, _, method = function.partition(".")
                out.append(f"{module}.xǁ{cls}ǁ{method}__mutmut_*")
            else:
                out.append(f"{module}.x_{function}__mutmut_*")
        return out


@dataclass
class Known:
    """A surviving mutant someone looked at: ``equivalent`` (no test can tell it apart) or
    ``accepted`` (it could be killed, and the reason says why it is not)."""

    function: str
    change: str
    verdict: str
    reason: str


@dataclass
class Outcome:
    key: str
    module: str
    function: str
    status: str
    diff: str = ""
    known: Known | None = None
    extra: dict = field(default_factory=dict)


def load_groups() -> dict[str, Group]:
    data = tomllib.loads((HERE / "selection.toml").read_text(encoding="utf-8"))
    return {name: Group(name, **spec) for name, spec in data["groups"].items()}


def load_known() -> list[Known]:
    path = HERE / "equivalent.toml"
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Known(**entry) for entry in data.get("mutant", [])]


def changed_lines(diff: str) -> str:
    """The removed and added lines of a diff, stripped: how a mutant is recognised whatever
    line of its file it is on."""
    lines = []
    for line in diff.splitlines():
        if line.startswith(("---", "+++")) or not line.startswith(("-", "+")):
            continue
        lines.append(line[0] + " " + line[1:].strip())
    return "\n".join(lines)


def split_key(key: str) -> tuple[str, str]:
    """(module, function) of a mutant name such as ``kg.server.xǁSparqlAppǁ_route__mutmut_3``."""
    module, _, mangled = key.partition("__mutmut_")[0].rpartition(".")
    if mangled.startswith("xǁ"):
        _, cls, method = mangled.split("ǁ")
        return module, f"{cls}.{method}"
    return module, mangled.removeprefix("x_")


# --- preparing and running a group ---------------------------------------------------------


def mutmut_settings(group: Group) -> str:
    def arr(items: list[str]) -> str:
        return "[" + ", ".join(json.dumps(i) for i in items) + "]"

    return "\n".join(
        [
            "",
            "[tool.mutmut]",
            'source_paths = ["kg/"]',
            f"only_mutate = {arr(group.files)}",
            'also_copy = ["conftest.py", "ontology/"]',
            "pytest_add_cli_args = "
            + arr(
                ["-m", "not browser", "-p", "no:cacheprovider"]
                + [arg for test in group.deselect for arg in ("--deselect", test)]
            ),
            f"pytest_add_cli_args_test_selection = {arr(group.test_paths())}",
            "timeout_multiplier = 5.0",
            f"timeout_constant = {group.setup_seconds}",
            "",
        ]
    )


def prepare(group: Group) -> Path:
    work = WORK / group.name
    shutil.rmtree(work, ignore_errors=True)  # always fresh: no result of an older source
    work.mkdir(parents=True)
    for name in LINKED:
        (work / name).symlink_to(REPO / name)
    write_settings(group, work)
    return work


def write_settings(group: Group, work: Path) -> None:
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r"\n\[tool\.mutmut\][^\[]*", "\n", pyproject)
    text = pyproject + mutmut_settings(group)
    for target in (work / "pyproject.toml", work / "mutants" / "pyproject.toml"):
        if target.parent.is_dir():
            target.write_text(text, encoding="utf-8")


def mutmut() -> str:
    exe = Path(sys.executable).with_name("mutmut")
    if not exe.exists():
        raise SystemExit("mutmut is not installed: make mutation installs it (the mutation extra)")
    return str(exe)


def run_group(group: Group, max_children: int, only: list[str] | None = None) -> tuple[float, int]:
    """Run mutmut on the group's functions in a fresh working folder, or, with ``only``, again
    on those mutants in the existing one (after new tests: mutmut copies the tests again and
    records the new ones first)."""
    if only:
        work = WORK / group.name
        write_settings(group, work)  # the pool as selection.toml says now
    else:
        work = prepare(group)
    env = dict(os.environ)
    if "KG_SOURCE_DIR" not in env:  # the copy under mutants/ has no ../shared beside it
        sys.path.insert(0, str(REPO))
        from kg import paths

        env["KG_SOURCE_DIR"] = str(paths.source_dir())
    started = time.monotonic()
    with open(work / "mutmut.log", "wb") as log:
        done = subprocess.run(
            [mutmut(), "run", "--max-children", str(max_children), *(only or group.patterns())],
            cwd=work,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
        )
    return time.monotonic() - started, done.returncode


# --- collecting ------------------------------------------------------------------------------


def _collect_here(patterns: list[str]) -> None:
    """Runs inside a group's working folder: print every selected mutant with its status and,
    unless killed, its diff (as JSON)."""
    import fnmatch

    from mutmut.mutation.data import SourceFileMutationData
    from mutmut.mutation.diff_apply import get_diff_for_mutant
    from mutmut.stats import status_by_exit_code
    from mutmut.utils.file_utils import walk_mutatable_files

    out = {}
    for path in walk_mutatable_files():
        data = SourceFileMutationData(path=path)
        data.load()
        for key, code in data.exit_code_by_key.items():
            if not any(fnmatch.fnmatch(key, p) for p in patterns):
                continue
            status = status_by_exit_code[code]
            diff = "" if status == "killed" else get_diff_for_mutant(key, path=path)
            out[key] = {"status": status, "diff": diff}
    json.dump(out, sys.stdout)


def collect(group: Group, known: list[Known]) -> list[Outcome]:
    work = WORK / group.name
    if not (work / "mutants").is_dir():
        return []
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--collect-here", *group.patterns()],
        cwd=work,
        capture_output=True,
        text=True,
        check=True,
    )
    outcomes = []
    for key, info in sorted(json.loads(done.stdout).items(), key=lambda kv: _order(kv[0])):
        module, function = split_key(key)
        o = Outcome(key, module, function, info["status"], info["diff"])
        if o.status != "killed":
            change = changed_lines(o.diff)
            for k in known:
                if k.function == f"{module}: {function}" and changed_lines(k.change) == change:
                    o.known = k
                    break
        outcomes.append(o)
    return outcomes


def _order(key: str) -> tuple[str, int]:
    head, _, number = key.rpartition("__mutmut_")
    return head, int(number) if number.isdigit() else 0


# --- the report ------------------------------------------------------------------------------


def tally(outcomes: list[Outcome]) -> dict[str, int]:
    c = Counter()
    for o in outcomes:
        c["mutants"] += 1
        if o.status in ("killed", "timeout"):  # a mutant that never finishes is caught too
            c["killed"] += 1
            c["timeout"] += o.status == "timeout"
        elif o.known is not None and o.known.verdict == "equivalent":
            c["equivalent"] += 1
        elif o.status == "survived":
            c["survived"] += 1
            c["accepted"] += o.known is not None
        else:
            c["other"] += 1  # no test reaches it, suspicious: not killed
    live = c["mutants"] - c["equivalent"]
    c["score"] = round(1000 * c["killed"] / live) if live else 1000  # per mille
    return dict(c)


def _pct(t: dict[str, int]) -> str:
    return f"{t['score'] / 10:.1f} %"


def report(results: dict[str, list[Outcome]], groups: dict[str, Group], times: dict) -> str:
    lines = [
        "# Mutation testing report",
        "",
        "Made by `make mutation` (tests/mutation/run.py, mutmut "
        f"{_mutmut_version()}); not committed. Killed = some test failed, or the mutant ran "
        "past its time limit (an endless loop; counted in the timeout column too); equivalent "
        "= listed in tests/mutation/equivalent.toml as no test can tell it apart; survived "
        "includes those listed there as accepted, with the reason; other = no test calls the "
        "function (not killed). % = killed / (mutants − equivalent).",
        "",
        "| group | module | mutants | killed | (timeout) | survived | (accepted) | equivalent "
        "| other | % killed |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    every: list[Outcome] = []
    for name, outcomes in results.items():
        by_module: dict[str, list[Outcome]] = {}
        for o in outcomes:
            by_module.setdefault(o.module, []).append(o)
        for module, items in sorted(by_module.items()):
            t = tally(items)
            lines.append(
                f"| {name} | {module} | {t['mutants']} | {t.get('killed', 0)} | "
                f"{t.get('timeout', 0)} | {t.get('survived', 0)} | {t.get('accepted', 0)} | "
                f"{t.get('equivalent', 0)} | {t.get('other', 0)} | {_pct(t)} |"
            )
        every += outcomes
    t = tally(every)
    lines.append(
        f"| **all** | | {t['mutants']} | {t.get('killed', 0)} | {t.get('timeout', 0)} | "
        f"{t.get('survived', 0)} | {t.get('accepted', 0)} | {t.get('equivalent', 0)} | "
        f"{t.get('other', 0)} | **{_pct(t)}** |"
    )
    lines += [
        "",
        "Wall time per group: "
        + ", ".join(f"{g} {s:.0f} s" for g, s in times.items())
        + f"; in all {sum(times.values()) / 60:.0f} min",
    ]
    lines += ["", "## Mutants not killed", ""]
    for name, outcomes in results.items():
        left = [o for o in outcomes if o.status not in ("killed", "timeout")]
        if not left:
            continue
        lines += [f"### {name}: {groups[name].promise}", ""]
        for o in left:
            verdict = o.known.verdict if o.known else "NOT EXPLAINED"
            lines.append(f"- `{o.key}` — {o.status}, {verdict}")
            if o.known:
                lines.append(f"  - {o.known.reason}")
            lines += ["", "  ```diff", *(f"  {x}" for x in changed_lines(o.diff).splitlines())]
            lines += ["  ```", ""]
    return "\n".join(lines) + "\n"


def _mutmut_version() -> str:
    try:
        from importlib.metadata import version

        return version("mutmut")
    except Exception:  # pragma: no cover - reported, not needed
        return "?"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--collect-here"]:
        _collect_here(argv[1:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("groups", nargs="*", help="groups of selection.toml (default: all)")
    parser.add_argument("--max-children", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--report", action="store_true", help="only write the report again")
    parser.add_argument(
        "--retest",
        action="store_true",
        help="run the mutants a previous run did not kill again (after adding tests)",
    )
    parser.add_argument("--threshold", type=float, default=85.0)
    args = parser.parse_args(argv)
    groups = load_groups()
    unknown = sorted(set(args.groups) - set(groups))
    if unknown:
        parser.error(f"unknown group(s) {unknown}; known: {', '.join(groups)}")
    chosen = args.groups or list(groups)
    OUT.mkdir(parents=True, exist_ok=True)
    times_path = OUT / "times.json"
    times = json.loads(times_path.read_text()) if times_path.exists() else {}
    if args.retest:
        for name in chosen:
            left = [o.key for o in collect(groups[name], []) if o.status != "killed"]
            if left:
                print(f"mutation: {name}, {len(left)} mutants again …", flush=True)
                seconds, code = run_group(groups[name], args.max_children, only=left)
                print(f"  {seconds:.0f} s, mutmut exit {code}", flush=True)
    elif not args.report:
        for name in chosen:
            print(f"mutation: {name} ({groups[name].promise}) …", flush=True)
            seconds, code = run_group(groups[name], args.max_children)
            times = json.loads(times_path.read_text()) if times_path.exists() else {}
            times[name] = seconds  # merged: another run may have written other groups meanwhile
            times_path.write_text(json.dumps(times, indent=1))
            print(f"  {seconds:.0f} s, mutmut exit {code}", flush=True)
    times = json.loads(times_path.read_text()) if times_path.exists() else {}
    known = load_known()
    results = {name: collect(groups[name], known) for name in chosen}
    text = report(results, groups, {g: times[g] for g in chosen if g in times})
    (OUT / "report.md").write_text(text, encoding="utf-8")
    total = tally([o for items in results.values() for o in items])
    print(text.split("\n## ")[0])
    print(f"report: {OUT / 'report.md'}")
    return 0 if total["score"] / 10 >= args.threshold else 1


if __name__ == "__main__":
    sys.exit(main())
