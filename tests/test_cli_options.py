"""What every `kg` command shares (kg.cli_options): the store parameter type, the group that turns
library errors and Ctrl-C into exit codes, the options said once, echo_json and pass_kg. Each
test builds a small click command of its own and runs it with CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from kg.api import KnowledgeGraph
from kg.backends import EndpointBackend, OxigraphBackend
from kg.cli_options import (
    EXISTING_FILE,
    STORE,
    KGGroup,
    echo_json,
    label_language,
    out_dir_option,
    pass_kg,
    text_or_json,
    with_files,
)
from kg.errors import InputError, KGError, ValidationFailed
from kg.stores import load_store
from kg.validate import ValidationReport

# --- StorePath ---------------------------------------------------------------------------------


@click.command()
@click.option("--store", type=STORE)
def show_store(store):
    click.echo(f"store={store!r}")


def test_store_path_accepts_a_folder_with_current(runner, tmp_path):
    (tmp_path / "CURRENT").write_text("MANIFEST-000001\n")
    result = runner.invoke(show_store, ["--store", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.output == f"store={tmp_path!r}\n"  # a pathlib.Path


def test_store_path_refuses_a_folder_without_current_naming_it(runner, tmp_path):
    folder = tmp_path / "not-a-store"
    folder.mkdir()
    result = runner.invoke(show_store, ["--store", str(folder)])
    assert result.exit_code == 2
    assert f"{folder} is not a store made by `kg build --store PATH`" in result.output
    assert "--store" in result.output and "store=" not in result.output


@pytest.mark.parametrize("what", ["missing", "file"])
def test_store_path_refuses_a_missing_path_or_a_file(runner, tmp_path, what):
    path = tmp_path / what
    if what == "file":
        path.write_text("x")
    result = runner.invoke(show_store, ["--store", str(path)])
    assert result.exit_code == 2 and str(path) in result.output
    assert "store=" not in result.output


# --- KGGroup -----------------------------------------------------------------------------------


class Odd(KGError):
    exit_code = 7


@click.group(cls=KGGroup)
def cli():
    pass


@cli.command()
@click.argument("kind")
def fail(kind):
    click.echo("started")
    raise {
        "kg": KGError("a library error"),
        "input": InputError("bad input"),
        "validation": ValidationFailed(ValidationReport(False, [], [])),
        "odd": Odd("odd one"),
        "ctrl-c": KeyboardInterrupt(),
        "bug": ZeroDivisionError("not ours"),
    }[kind]


@cli.command()
def fine():
    click.echo("done")


@pytest.mark.parametrize(
    ("kind", "code", "message"),
    [
        ("kg", 1, "error: a library error"),
        ("input", 2, "error: bad input"),
        ("validation", 1, "error: "),
        ("odd", 7, "error: odd one"),
        ("ctrl-c", 130, "interrupted"),
    ],
)
def test_kg_group_maps_errors_to_exit_codes_and_messages(runner, kind, code, message):
    result = runner.invoke(cli, ["fail", kind])
    assert result.exit_code == code
    assert result.stdout == "started\n"
    assert result.stderr.startswith(message)
    assert "Traceback" not in result.output


def test_kg_group_leaves_other_exceptions_alone(runner):
    result = runner.invoke(cli, ["fail", "bug"])
    assert isinstance(result.exception, ZeroDivisionError)
    assert "error:" not in result.output


def test_kg_group_runs_a_command_that_succeeds(runner):
    result = runner.invoke(cli, ["fine"])
    assert (result.exit_code, result.output) == (0, "done\n")


# --- options said once -------------------------------------------------------------------------


@click.command()
@text_or_json
@label_language
@with_files
@out_dir_option
@click.option("--input", "input_file", type=EXISTING_FILE)
def options(fmt, lang, extra, out_dir, input_file):
    echo_json(
        {
            "fmt": fmt,
            "lang": lang,
            "extra": [str(p) for p in extra],
            "types": sorted({type(p).__name__ for p in (*extra, out_dir)}),
            "out": str(out_dir),
            "input": None if input_file is None else str(input_file),
        }
    )


def test_the_shared_options_defaults(runner):
    result = runner.invoke(options, [])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "fmt": "text",
        "lang": "en",
        "extra": [],
        "types": ["PosixPath"],
        "out": "outputs",
        "input": None,
    }


def test_the_shared_options_take_their_values(runner, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    a.write_text("")
    b.write_text("")
    args = ["--format", "json", "--lang", "zh", "--with", str(a), "--with", str(b)]
    result = runner.invoke(options, [*args, "--out", str(tmp_path / "o"), "--input", str(a)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {
        "fmt": "json",
        "lang": "zh",
        "extra": [str(a), str(b)],  # repeatable, in order
        "types": ["PosixPath"],
        "out": str(tmp_path / "o"),
        "input": str(a),
    }


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--format", "xml"], "--format"),
        (["--lang", "fr"], "--lang"),
        (["--with", "nowhere.ttl"], "nowhere.ttl"),
        (["--with", "."], "--with"),  # a folder is not a file
        (["--input", "."], "--input"),
        (["--out", "FILE"], "FILE"),  # a file is not a folder
    ],
)
def test_the_shared_options_refuse_bad_values(runner, tmp_path, monkeypatch, args, named):
    monkeypatch.chdir(tmp_path)  # "." a folder, "FILE" a file
    Path("FILE").write_text("")
    result = runner.invoke(options, args)
    assert result.exit_code == 2 and named in result.output


def test_echo_json_prints_indented_utf8(runner):
    @click.command()
    def show():
        echo_json({"label": "人才缺乏", "n": [1]})

    assert runner.invoke(show).output == '{\n  "label": "人才缺乏",\n  "n": [\n    1\n  ]\n}\n'


# --- pass_kg -----------------------------------------------------------------------------------


@cli.command()
@click.option("--n", default=1)
@pass_kg
def which(kg, n):
    """Say which backend the options named."""
    backend = kg.backend
    where = getattr(backend, "url", None) or getattr(backend, "path", None)
    click.echo(f"{type(backend).__name__} {where} n={n}")


def test_pass_kg_names_the_command_and_adds_the_three_options(runner):
    assert "which" in cli.commands and which.help.startswith("Say which backend")
    result = runner.invoke(cli, ["which", "--help"])
    assert all(option in result.output for option in ("--with", "--store", "--endpoint"))


def test_pass_kg_opens_a_store_or_an_endpoint(runner, tmp_path):
    data = tmp_path / "d.nt"
    data.write_text("<urn:a> <urn:p> <urn:b> .\n")
    load_store(tmp_path / "s", data)
    result = runner.invoke(cli, ["which", "--store", str(tmp_path / "s"), "--n", "3"])
    assert result.output == f"{OxigraphBackend.__name__} {tmp_path / 's'} n=3\n"
    result = runner.invoke(cli, ["which", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert result.output == f"{EndpointBackend.__name__} http://127.0.0.1:9/sparql n=1\n"


def test_pass_kg_gives_open_what_the_options_say(runner, tmp_path, monkeypatch):
    seen = {}

    def fake_open(cls, extra=(), store=None, endpoint=None):
        seen.update(extra=list(extra), store=store, endpoint=endpoint)
        return "a KG"

    monkeypatch.setattr(KnowledgeGraph, "open", classmethod(fake_open))

    @click.command()
    @pass_kg
    def got(kg):
        click.echo(kg)

    extra = tmp_path / "x.ttl"
    extra.write_text("")
    result = runner.invoke(got, ["--with", str(extra)])
    assert result.output == "a KG\n"
    assert seen == {"extra": [Path(extra)], "store": None, "endpoint": None}


def test_pass_kg_errors_go_through_the_group(runner, tmp_path):
    (tmp_path / "CURRENT").write_text("")
    args = ["which", "--store", str(tmp_path), "--endpoint", "http://127.0.0.1:9/"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 2
    assert result.stderr == "error: use either --store or --endpoint, not both\n"
