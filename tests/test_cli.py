"""The command line through click's CliRunner and through the installed ``kg`` script."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from helpers import DATA, tree_hashes

from kg.cli import main


def test_help_lists_commands(runner):
    result = runner.invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("build", "validate", "check", "anchor"):
        assert f"  {command} " in result.output


def test_unknown_command_is_a_usage_error(runner):
    result = runner.invoke(main, ["bulid"])
    assert result.exit_code == 2
    assert "No such command 'bulid'" in result.output


def test_unknown_option_is_a_usage_error(runner):
    result = runner.invoke(main, ["build", "--colour"])
    assert result.exit_code == 2
    assert "No such option" in result.output


def test_build_writes_outputs(runner, tmp_path):
    result = runner.invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Built" in result.output and "cbec:Challenge" in result.output
    assert (tmp_path / "kg.ttl").is_file()


def test_missing_with_file_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["build", "--out", str(tmp_path), "--with", "nope.ttl"])
    assert result.exit_code == 2
    assert "'nope.ttl' does not exist" in result.output
    assert not (tmp_path / "kg.ttl").exists()


def test_malformed_turtle_names_file_and_line(runner, tmp_path):
    runner.invoke(main, ["build", "--out", str(tmp_path)])
    before = tree_hashes(tmp_path)
    result = runner.invoke(
        main, ["build", "--out", str(tmp_path), "--with", str(DATA / "broken.ttl")]
    )
    assert result.exit_code == 2
    first = result.output.strip().splitlines()[0]
    assert first.startswith("error: ") and "broken.ttl:3:" in first
    assert tree_hashes(tmp_path) == before


def test_shacl_violation_exits_1_and_names_nodes(runner, tmp_path):
    runner.invoke(main, ["build", "--out", str(tmp_path)])
    before = tree_hashes(tmp_path)
    result = runner.invoke(
        main, ["build", "--out", str(tmp_path), "--with", str(DATA / "violating.ttl")]
    )
    assert result.exit_code == 1
    assert "Lonely challenge <id:challenge-lonely> [cbec:hasCause]" in result.output
    assert "[skos:prefLabel]: needs exactly one @en and one @zh" in result.output
    assert tree_hashes(tmp_path) == before


def test_validate_command(runner):
    ok = runner.invoke(main, ["validate"])
    assert ok.exit_code == 0 and "Conforms" in ok.output
    bad = runner.invoke(main, ["validate", str(DATA / "violating.ttl")])
    assert bad.exit_code == 1 and "Lonely challenge" in bad.output
    only = runner.invoke(
        main, ["validate", "--only", str(DATA / "minimal.ttl"), "--format", "json"]
    )
    assert only.exit_code == 0 and '"conforms": true' in only.output


def test_installed_script_runs_as_a_subprocess(tmp_path):
    script = shutil.which("kg", path=str(Path(sys.executable).parent))
    assert script, "the console script 'kg' is installed next to the interpreter"
    done = subprocess.run([script, "build", "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "manifest.json").is_file()
    version = subprocess.run([script, "--version"], capture_output=True, text=True)
    assert version.stdout.strip() == "kg, version 0.1.0"
