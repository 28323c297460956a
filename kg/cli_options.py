"""The pieces every ``kg`` command shares: parameter types, options said once, the group that
reports errors, and :func:`pass_kg`.

>>> from click.testing import CliRunner
>>> @click.command()
... @pass_kg
... def count(kg):
...     click.echo(kg.backend.name)
>>> CliRunner().invoke(count, ["--store", "."]).exit_code  # not a store: a usage error
2
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kg.errors import KGError

__all__ = [
    "EXISTING_FILE",
    "OUT_DIR",
    "STORE",
    "KGGroup",
    "StorePath",
    "echo_json",
    "label_language",
    "out_dir_option",
    "pass_kg",
    "text_or_json",
    "with_files",
]

#: An existing file given as input.
EXISTING_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
#: A folder written to.
OUT_DIR = click.Path(file_okay=False, path_type=Path)


class StorePath(click.Path):
    """An existing embedded store made by ``kg build --store PATH`` (read, never written)."""

    name = "store"

    def __init__(self) -> None:
        super().__init__(exists=True, file_okay=False, path_type=Path)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        path = Path(str(super().convert(value, param, ctx)))
        if not (path / "CURRENT").is_file():
            self.fail(f"{path} is not a store made by `kg build --store PATH`", param, ctx)
        return path


STORE = StorePath()


class KGGroup(click.Group):
    """A group that reports library errors and interruptions the same way for every command."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def echo_json(data: Any) -> None:
    """Print ``data`` as indented UTF-8 JSON."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# --- options said once ------------------------------------------------------------------------

#: ``--format text|json`` for commands that print a report or its JSON form.
text_or_json = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
#: ``--lang en|zh``: the language of the labels shown (falling back to the other one).
label_language = click.option(
    "--lang",
    type=click.Choice(["en", "zh"]),
    default="en",
    show_default=True,
    help="Language of the labels shown.",
)
#: ``--with FILE`` (repeatable): extra Turtle merged into the in-memory KG.
with_files = click.option(
    "--with",
    "extra",
    multiple=True,
    type=EXISTING_FILE,
    help="Extra Turtle file merged into the in-memory KG (repeatable).",
)
#: ``--out DIR``: where outputs are written.
out_dir_option = click.option(
    "--out", "out_dir", default="outputs", show_default=True, type=OUT_DIR, help="Output folder."
)
_from_store = click.option(
    "--store",
    metavar="PATH",
    default=None,
    type=STORE,
    help="Read from an embedded store made by `kg build --store PATH`.",
)
_from_endpoint = click.option(
    "--endpoint", metavar="URL", default=None, help="Read from a remote SPARQL 1.1 endpoint."
)


def pass_kg(func: Callable[..., Any]) -> Callable[..., Any]:
    """Give a command ``--with``, ``--store`` and ``--endpoint`` and pass it the
    :class:`kg.api.KnowledgeGraph` they name, as ``kg``."""

    @functools.wraps(func)
    def wrapper(
        *args: Any, extra: tuple[Path, ...], store: Path | None, endpoint: str | None, **kwargs: Any
    ) -> Any:
        from kg.api import KnowledgeGraph

        graph = KnowledgeGraph.open(extra=extra, store=store, endpoint=endpoint)
        return func(*args, kg=graph, **kwargs)

    for option in (_from_endpoint, _from_store, with_files):
        wrapper = option(wrapper)
    return wrapper
