"""Renderers (kg.render.text, kg.render.markdown, kg.render.console): what a researcher reads,
and that text from the data is never taken as markup."""

from __future__ import annotations

import io
import re

from rich.console import Console

from kg.render.console import print_analysis
from kg.render.markdown import escape, table, trace_markdown
from kg.render.text import best_quote, gaps_text, path_text, trace_text

EVIL = "<script>alert(1)</script> **x** [l](http://e) | `c`"


def item(iri, en, zh, **extra):
    return {
        "iri": iri,
        "type": "cbec:Cause",
        "label": {"en": en, "zh": zh},
        "evidence": [],
        **extra,
    }


TRACE = {
    "focus": item("urn:h", "Credit gap", "信用缺口", causes=["urn:c1"]),
    "challenges": [item("urn:h", "Credit gap", "信用缺口", causes=["urn:c1"])],
    "effects": [],
    "causes": [
        item("urn:c1", "Payment risk", "支付风险", causes=["urn:c2"]),
        item("urn:c2", EVIL, "恶意", causes=[]),
    ],
    "countermeasures": [],
    "actions": [item("urn:a", "Payment law", "支付立法", actors=["urn:g"])],
    "trends": [],
    "actors": [item("urn:g", "Government", "政府")],
    "links": [
        {
            "source": "urn:a",
            "predicate": "cbec:addresses",
            "target": "urn:c1",
            "stated": False,
            "rationale": "read into 3.1",
            "evidence": [{"section": "3.1", "quote": "支付", "stated": False}],
        }
    ],
    "none": {
        "effects": {
            "en": "The paper states no effects for this challenge.",
            "zh": "原文未说明此困境的后果。",
        }
    },
}


def test_trace_text_nests_causes_and_names_who_acts():
    lines = trace_text(TRACE, "en", {"causes": "Causes", "actions": "Actions"}).splitlines()
    assert lines[0] == "Trace of Credit gap [cbec:Cause] <urn:h>"
    c1 = lines.index("  • Payment risk  §3.1 「支付」")  # its own quote or its link's
    assert lines[c1 + 1] == f"    • {EVIL}"  # a cause's cause is indented beneath it
    assert "  • Payment law  — Government  §3.1 「支付」" in lines
    assert "  The paper states no effects for this challenge." in lines
    assert "  Payment law —addresses→ Payment risk  [INFERRED: read into 3.1]" in lines


def test_trace_text_in_chinese():
    text = trace_text(TRACE, "zh", {"causes": "成因"})
    assert text.startswith("追溯 信用缺口")
    assert "原文未说明此困境的后果。" in text and "关系（1 条，其中推断 1 条）" in text


def test_best_quote_takes_the_focus_section_then_any_other_and_the_abstract_last():
    def ev(section):
        return {"section": section, "quote": f"words of {section}"}

    item = {"iri": "urn:x", "evidence": [ev("0"), ev("2.1"), ev("2.2")]}
    assert best_quote(item, {"2.2"}, [])["section"] == "2.2"  # the section in focus
    assert best_quote(item, set(), [])["section"] == "2.1"  # any section before the abstract
    assert best_quote(item, {"0"}, [])["section"] == "2.1"  # the abstract is never "in focus"
    abstract_link = {"source": "urn:y", "target": "urn:x", "evidence": [ev("0")]}
    assert best_quote(item, set(), [abstract_link])["section"] == "2.1"
    only_abstract = {"iri": "urn:x", "evidence": [ev("0")]}
    assert best_quote(only_abstract, {"2.1"}, [])["section"] == "0"  # nothing else: the abstract
    quoted_link = {"source": "urn:x", "target": "urn:y", "evidence": [ev("3.1")]}
    assert best_quote(only_abstract, set(), [quoted_link])["section"] == "3.1"
    assert best_quote({"iri": "urn:x", "evidence": []}, set(), []) is None


def test_markdown_escapes_every_markup_of_the_data():
    md = trace_markdown(TRACE, "en", {"causes": "Causes"})
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*\\*x\\*\\*" in md and "\\[l\\](http://e)" in md and "\\`c\\`" in md
    assert "\\|" in md  # a pipe in a label cannot split a table cell
    evil_row = next(line for line in md.splitlines() if "alert" in line)
    assert len(re.findall(r"(?<!\\)\|", evil_row)) == 5  # still four cells: no stray split
    assert escape("a\nb") == "a b"
    assert table(["h|1"], [["x"]])[0] == "| h\\|1 |"


def test_gaps_text_and_path_text():
    gaps = {
        "problems_without_remedy": [
            {"problem": {"label": "Fraud", "curie": "id:c2"}, "challenge": None}
        ]
    }
    assert gaps_text(gaps, {"problems_without_remedy": "Problems no remedy reaches"}) == (
        "Problems no remedy reaches (1)\n  • Fraud <id:c2>\n"
    )
    step = {
        "from_label_en": "A",
        "to_label_en": "B",
        "reading": {"en": "leads to"},
        "predicate": "cbec:hasCause",
        "direction": "reverse",
        "along_chain": False,
        "stated": False,
        "recorded": False,
        "rationale": None,
        "evidence": [],
        "alternatives": [],
    }
    text = path_text({"mode": "any", "reversed": True, "paths": [[step]]})
    assert "read from the second" in text
    assert "A —leads to→ B  (no link record: unvalidated)  [against the chain]" in text


def test_console_tables_print_labels_as_text_not_markup():
    data = {
        "summary": {"nodes": 1, "links": 0, "stated": 0, "inferred": 0},
        "coverage": {"challenges": [], "countermeasures": []},
        "leverage": {
            "ranking": [
                {
                    "label_en": "[bold]x[/bold]",
                    "type": "cbec:Action",
                    "by_group": {"causes": 1},
                    "score": 1,
                    "stated_score": 1,
                }
            ]
        },
        "unremedied": {"problems": [{"label_en": "[red]y[/red]"}]},
        "bridges": {"nodes": []},
        "communities": {"communities": [], "modularity": 0.0},
        "paths": {"pairs": [], "cutoff": 5},
    }
    out = Console(file=io.StringIO(), width=200)
    print_analysis(data, out)
    text = out.file.getvalue()
    assert "[bold]x[/bold]" in text and "[red]y[/red]" in text
