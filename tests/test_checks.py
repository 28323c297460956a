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


# --- a made-up table, worked out by hand -----------------------------------------------------
#
# Sales (销售额) of two business models A and B: A 100 (2019) → 120 (2020), reported growth 20;
# B 100 → 150, reported growth 20 (recomputed 50: a mismatch); B's 2021 sales are only "about"
# 160 (qualified, so no base for a rate), rates for "2021Q1" and "H1" are not for a year, and
# A's 2019 rate has no 2018 sales to be recomputed from. Shares of the
# whole (整体): 60.5 + 39.4 in 2020 (= 99.9, within the rounding 0.05 + 0.05), 60 + 38 in 2021
# (= 98, outside the rounding 0.5 + 0.5).

FIGURES = """
@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .
@prefix id:   <https://w3id.org/cbec-kg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
id:fx-sales skos:prefLabel "Sales"@en , "销售额"@zh .
id:fx-growth cbec:growthOf id:fx-sales .
id:fx-whole skos:prefLabel "Whole"@en , "整体"@zh .
id:fx-s1 cbec:shareOf id:fx-whole .
id:fx-s2 cbec:shareOf id:fx-whole .
id:fx-o01 a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "2019" ;
    cbec:businessModel id:fx-a ; cbec:value "100"^^xsd:decimal .
id:fx-o02 a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "2020" ;
    cbec:businessModel id:fx-a ; cbec:value "120"^^xsd:decimal .
id:fx-o03 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2020" ;
    cbec:businessModel id:fx-a ; cbec:value "20"^^xsd:decimal .
id:fx-o04 a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "2019" ;
    cbec:businessModel id:fx-b ; cbec:value "100"^^xsd:decimal .
id:fx-o05 a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "2020" ;
    cbec:businessModel id:fx-b ; cbec:value "150"^^xsd:decimal .
id:fx-o06 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2020" ;
    cbec:businessModel id:fx-b ; cbec:value "20"^^xsd:decimal .
id:fx-o07 a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "2021" ;
    cbec:businessModel id:fx-b ; cbec:value "160"^^xsd:decimal ; cbec:valueQualifier "about" .
id:fx-o08 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2021" ;
    cbec:businessModel id:fx-b ; cbec:value "7"^^xsd:decimal .
id:fx-o09 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2021Q1" ;
    cbec:businessModel id:fx-a ; cbec:value "3"^^xsd:decimal .
id:fx-o10 a cbec:Observation ; cbec:indicator id:fx-s1 ; cbec:refPeriod "2020" ;
    cbec:value "60.5"^^xsd:decimal .
id:fx-o11 a cbec:Observation ; cbec:indicator id:fx-s2 ; cbec:refPeriod "2020" ;
    cbec:value "39.4"^^xsd:decimal .
id:fx-o12 a cbec:Observation ; cbec:indicator id:fx-s1 ; cbec:refPeriod "2021" ;
    cbec:value "60"^^xsd:decimal .
id:fx-o13 a cbec:Observation ; cbec:indicator id:fx-s2 ; cbec:refPeriod "2021" ;
    cbec:value "38"^^xsd:decimal .
id:fx-o14 a cbec:Observation ; cbec:indicator id:fx-s2 ; cbec:refPeriod "2022" .
id:fx-o15 cbec:indicator id:fx-s2 ; cbec:refPeriod "2022" ; cbec:value "1"^^xsd:decimal .
id:fx-o00 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "H1" ;
    cbec:businessModel id:fx-a ; cbec:value "4"^^xsd:decimal .
id:fx-o16 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2019" ;
    cbec:businessModel id:fx-a ; cbec:value "5"^^xsd:decimal .
id:fx-a skos:prefLabel "A model"@en , "一号模式"@zh .
"""


def _figures():
    from rdflib import Graph

    return Graph().parse(data=FIGURES, format="turtle")


def _o(n: int) -> str:
    return f"https://w3id.org/cbec-kg/id/fx-o{n:02d}"


def test_half_ulp_is_half_the_last_written_place():
    from decimal import Decimal

    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.checks import half_ulp

    def h(text):
        return half_ulp(Literal(text, datatype=XSD.decimal))

    assert h("7981") == Decimal("0.5")
    assert h("39.2") == Decimal("0.05")
    assert h("1.25") == Decimal("0.005")
    assert h("100.0") == Decimal("0.05")


def test_growth_findings_by_hand():
    from kg.checks import Finding

    growth = [f for f in run_checks(_figures()) if f.kind == "growth"]
    assert growth == sorted(
        [
            Finding(
                "growth",
                "consistent",
                "Sales growth 2020: reported 20%, recomputed 20.00% from 100 (2019) and 120 "
                "(2020); rounding allows 18.91–21.11%",
                (_o(3), _o(1), _o(2)),
                "20%",
                "20.00%",
                "Sales growth 2020",
                "2020年销售额增长率",
                "2020年销售额增长率：原文为 20%，按原文的 100（2019）与 120（2020）复算为 20.00%，"
                "考虑舍入应在 18.91–21.11% 之间",
            ),
            Finding(
                "growth",
                "mismatch",
                "Sales growth 2020: reported 20%, recomputed 50.00% from 100 (2019) and 150 "
                "(2020); rounding allows 48.76–51.26%",
                (_o(6), _o(4), _o(5)),
                "20%",
                "50.00%",
                "Sales growth 2020",
                "2020年销售额增长率",
                "2020年销售额增长率：原文为 20%，按原文的 100（2019）与 150（2020）复算为 50.00%，"
                "考虑舍入应在 48.76–51.26% 之间",
            ),
            # 160 is qualified ("about"): not a base for a rate
            Finding(
                "growth",
                "unverifiable",
                "Sales growth 2021: the source gives no Sales for 2021",
                (_o(8),),
                "7.00%",
            ),
            Finding(
                "growth",
                "unverifiable",
                "Sales growth 2021Q1: period is not a year",
                (_o(9),),
                "3.00",
            ),
            Finding(
                "growth", "unverifiable", "Sales growth H1: period is not a year", (_o(0),), "4.00"
            ),
            Finding(
                "growth",
                "unverifiable",
                "Sales growth 2019: the source gives no Sales for 2018",
                (_o(16),),
                "5.00%",
            ),
        ]
    )


def test_a_rate_without_either_year_names_both():
    from rdflib import Graph

    extra = """
id:fx-o17 a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2024" ;
    cbec:businessModel id:fx-b ; cbec:value "9"^^xsd:decimal .
"""
    prefixes = "".join(line + "\n" for line in FIGURES.splitlines() if line.startswith("@prefix"))
    graph = _figures() + Graph().parse(data=prefixes + extra, format="turtle")
    (found,) = [f for f in run_checks(graph) if f.observations == (_o(17),)]
    assert (found.status, found.message) == (
        "unverifiable",
        "Sales growth 2024: the source gives no Sales for 2023 or 2024",
    )


def test_share_findings_by_hand():
    shares = [f for f in run_checks(_figures()) if f.kind == "share"]
    assert [(f.status, f.message, f.observations, f.reported, f.recomputed) for f in shares] == [
        (
            "consistent",
            "shares of Whole in 2020: 60.5 + 39.4 = 99.9 (expected 100)",
            (_o(10), _o(11)),
            "99.9",
            "100",
        ),
        (
            "mismatch",
            "shares of Whole in 2021: 60 + 38 = 98 (expected 100)",
            (_o(12), _o(13)),
            "98",
            "100",
        ),
        # o14 has no value, o15 is not typed as an observation: neither counts
    ]
    assert shares[1].title == "shares of Whole in 2021"
    assert shares[1].title_zh == "2021年整体各占比"
    assert shares[1].message_zh == "2021年整体各占比：60 + 38 = 98（应为 100）"


def test_each_mismatch_becomes_a_flag_and_nothing_else_changes():
    from rdflib import Graph, Literal, URIRef
    from rdflib.namespace import PROV, RDF, RDFS

    from kg.checks import add_flags
    from kg.namespaces import CBEC

    figures = _figures()
    findings = run_checks(figures)
    flags = Graph()
    assert add_flags(flags, findings) == 2
    assert add_flags(Graph(), [f for f in findings if f.status != "mismatch"]) == 0
    found = {}
    for flag in flags.subjects(RDF.type, CBEC.InconsistencyFlag):
        assert str(flag).startswith("https://w3id.org/cbec-kg/id/flag-")
        assert len(str(flag).rsplit("-", 1)[1]) == 10
        found[flag] = (
            set(flags.objects(flag, RDFS.label)),
            set(flags.objects(flag, RDFS.comment)),
            {str(o) for o in flags.objects(flag, PROV.wasDerivedFrom)},
        )
    assert sorted(found.values(), key=lambda v: sorted(v[2])) == sorted(
        [
            (
                {
                    Literal("Figures disagree: Sales growth 2020", lang="en"),
                    Literal("数字不一致：2020年销售额增长率", lang="zh"),
                },
                {
                    Literal(
                        "Sales growth 2020: reported 20%, recomputed 50.00% from 100 (2019) and "
                        "150 (2020); rounding allows 48.76–51.26%",
                        lang="en",
                    ),
                    Literal(
                        "2020年销售额增长率：原文为 20%，按原文的 100（2019）与 150（2020）复算为 "
                        "50.00%，考虑舍入应在 48.76–51.26% 之间",
                        lang="zh",
                    ),
                },
                {_o(4), _o(5), _o(6)},
            ),
            (
                {
                    Literal("Figures disagree: shares of Whole in 2021", lang="en"),
                    Literal("数字不一致：2021年整体各占比", lang="zh"),
                },
                {
                    Literal("shares of Whole in 2021: 60 + 38 = 98 (expected 100)", lang="en"),
                    Literal("2021年整体各占比：60 + 38 = 98（应为 100）", lang="zh"),
                },
                {_o(12), _o(13)},
            ),
        ],
        key=lambda v: sorted(v[2]),
    )
    assert len(flags) == 2 * 5 + 3 + 2  # type, 2 labels, 2 comments each; derived from 3 + 2
    # the same finding gives the same flag; observations given as CURIEs are expanded
    again = Graph()
    add_flags(again, [f for f in findings if f.status == "mismatch"])
    assert set(again) == set(flags)
    from dataclasses import replace

    curied = Graph()
    mismatch = next(f for f in findings if f.kind == "share" and f.status == "mismatch")
    add_flags(curied, [replace(mismatch, observations=("id:fx-o12",), message_zh="", title="")])
    flag = next(curied.subjects(RDF.type, CBEC.InconsistencyFlag))
    assert set(curied.objects(flag, PROV.wasDerivedFrom)) == {URIRef(_o(12))}
    assert set(curied.objects(flag, RDFS.comment)) == {Literal(mismatch.message, lang="en")}
    assert set(curied.objects(flag, RDFS.label)) == {
        Literal("数字不一致：2021年整体各占比", lang="zh")
    }
    assert len(figures) == len(_figures())  # the checks never touch the figures


def test_growth_exactly_at_the_rounding_bound_is_consistent():
    # C: 199 → 298.253 reported 49: the lowest rate the rounding allows is
    # (298.2525 / 199.5 − 1) × 100 = 49.5 = 49 + 0.5, the highest the reported value may mean.
    # D: 200 → 298.252 reported 50: the highest rate allowed is (298.2525 / 199.5 − 1) × 100 =
    # 49.5 = 50 − 0.5, the lowest the reported value may mean. Both just agree.
    from rdflib import Graph

    rows = [("c", "2019", "199"), ("c", "2020", "298.253"), ("d", "2019", "200"),
            ("d", "2020", "298.252")]  # fmt: skip
    ttl = FIGURES.split("id:fx-o01")[0] + "".join(
        f"id:fx-{m}{y} a cbec:Observation ; cbec:indicator id:fx-sales ; cbec:refPeriod "
        f'"{y}" ; cbec:businessModel id:fx-{m} ; cbec:value "{v}"^^xsd:decimal .\n'
        for m, y, v in rows
    )
    ttl += (
        'id:fx-gc a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2020" ; '
        'cbec:businessModel id:fx-c ; cbec:value "49"^^xsd:decimal .\n'
        'id:fx-gd a cbec:Observation ; cbec:indicator id:fx-growth ; cbec:refPeriod "2020" ; '
        'cbec:businessModel id:fx-d ; cbec:value "50"^^xsd:decimal .\n'
    )
    findings = run_checks(Graph().parse(data=ttl, format="turtle"))
    assert [(f.observations[0].rsplit("-", 1)[1], f.status) for f in findings] == [
        ("gc", "consistent"),
        ("gd", "consistent"),
    ]
