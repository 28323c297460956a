"""Exceptions with messages meant for people, and the exit codes the CLI maps them to."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kg.validate import ValidationReport


class KGError(Exception):
    """Base class of every error the toolkit raises on purpose."""

    exit_code = 1


class InputError(KGError):
    """Bad input from the user: a malformed file, a missing path, an unknown term.

    The CLI exits with status 2.

    >>> str(InputError("data.ttl:3: newline found in string literal"))
    'data.ttl:3: newline found in string literal'
    """

    exit_code = 2


class ValidationFailed(KGError):
    """The data does not conform to the SHACL shapes; ``report`` holds the details."""

    exit_code = 1

    def __init__(self, report: ValidationReport) -> None:
        super().__init__(report.text())
        self.report = report
