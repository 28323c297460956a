"""Consistency checks on the paper's figures: expected findings worked out by hand.

From the paper (section 1): export value 7981 (2019), 10850 (2020), 13918 (2021) 亿元 with
reported growth 30.5 % (2019), 39.2 % (2020), 28.3 % (2021); import users 1.25 (2019), 1.4
(2020) 亿人 with growth 35.5 % (2019) and 11.99 % (2020); B2B/B2C shares 77.3/22.7 (2020) and
68.6/31.4 (2021).
By hand: 10850 / 7981 − 1 = 35.95 % ≠ 39.2 % (a mismatch no rounding explains);
13918 / 10850 − 1 = 28.28 % ≈ 28.3 %; 1.4 / 1.25 − 1 = 12.0 %, and 1.4 may stand for anything in
[1.35, 1.45), so 11.99 % is consistent; the 2019 rates have no 2018 base in the paper.
"""

from __future__ import annotations

import json

from kg.checks import run_checks
from kg.cli import main


def _by_period(findings, kind, text):
    return {
        f.message.split(":")[0].rsplit(" ", 1)[-1]: f
        for f in findings
        if f.kind == kind and text in f.message.lower()
    }


def test_export_growth_2020_is_flagged_and_2021_is_consistent(kg_graph):
    findings = run_checks(kg_graph)
    export = _by_period(findings, "growth", "export value")
    assert export["2020"].status == "mismatch"
    assert export["2020"].reported == "39.2%" and export["2020"].recomputed == "35.95%"
    assert export["2021"].status == "consistent"
    assert export["2021"].recomputed == "28.28%"
    assert export["2019"].status == "unverifiable"


def test_user_growth_is_consistent_within_rounding(kg_graph):
    findings = run_checks(kg_graph)
    users = _by_period(findings, "growth", "user")
    assert users["2020"].status == "consistent"
    assert users["2020"].recomputed == "12.00%"
    assert users["2019"].status == "unverifiable"


def test_shares_sum_to_100(kg_graph):
    shares = [f for f in run_checks(kg_graph) if f.kind == "share"]
    assert sorted(f.message.split(" in ")[1].split(":")[0] for f in shares) == ["2020", "2021"]
    assert all(f.status == "consistent" and f.reported == "100.0" for f in shares)


def test_exactly_one_mismatch(kg_graph):
    assert [f.status for f in run_checks(kg_graph)].count("mismatch") == 1


def test_check_command_and_build_warning(runner, tmp_path):
    out = runner.invoke(main, ["check", "--format", "json"])
    assert out.exit_code == 0
    assert sum(f["status"] == "mismatch" for f in json.loads(out.output)) == 1
    built = runner.invoke(main, ["build", "--out", str(tmp_path)])
    assert "warning: figures disagree" in built.output and "39.2%" in built.output
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert [c["status"] for c in manifest["checks"]].count("mismatch") == 1


def test_the_papers_numbers_are_never_changed(kg_graph):
    from decimal import Decimal

    from kg.namespaces import CBEC

    values = {Decimal(str(v)) for v in kg_graph.objects(None, CBEC.value)}
    assert Decimal("39.2") in values and Decimal("35.95") not in values
