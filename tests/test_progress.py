"""Progress bars (kg.progress): nothing when disabled, a finished bar per step when enabled."""

from __future__ import annotations

from kg.progress import Steps


def test_disabled_steps_do_nothing(capsys):
    with Steps(enabled=False) as steps, steps.step("counting", total=3) as advance:
        for _ in range(3):
            advance(1)
    assert capsys.readouterr() == ("", "")


def test_enabled_steps_finish_every_bar():
    with Steps(enabled=True) as steps:
        with steps.step("known", total=2) as advance:
            advance(2)
        with steps.step("unknown"):
            pass
        tasks = steps._progress.tasks
        assert [(t.description, t.finished) for t in tasks] == [("known", True), ("unknown", True)]
