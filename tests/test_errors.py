"""Errors meant for people (kg.errors) and the exit codes the command maps them to."""

from __future__ import annotations

from kg.cli import main
from kg.errors import InputError, KGError, ValidationFailed
from kg.validate import ValidationReport, Violation


def test_exit_codes():
    assert (KGError.exit_code, InputError.exit_code, ValidationFailed.exit_code) == (1, 2, 1)
    assert issubclass(InputError, KGError) and issubclass(ValidationFailed, KGError)


def test_validation_failed_carries_its_report():
    v = Violation("Violation", "Lonely", "cbec:hasCause", "needs a cause", "urn:x")
    report = ValidationReport(False, [v], [])
    err = ValidationFailed(report)
    assert err.report is report and "Lonely <urn:x> [cbec:hasCause]: needs a cause" in str(err)


def test_the_command_turns_errors_into_messages_and_codes(runner):
    unknown = runner.invoke(main, ["trace", "id:nothing-here"])
    assert unknown.exit_code == 2 and unknown.output.startswith("error: unknown node")
    assert "Traceback" not in unknown.output


def test_ctrl_c_exits_130_without_a_traceback(runner, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("kg.api.KnowledgeGraph.trace", interrupted)
    result = runner.invoke(main, ["trace", "talent shortage"])
    assert result.exit_code == 130 and "interrupted" in result.output
    assert "Traceback" not in result.output
