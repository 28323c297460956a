"""Markdown renderings (kg.render.markdown): the trace and the analysis report, with every piece
of text from the data escaped so that it never becomes HTML, a link, emphasis or a table cell."""

from __future__ import annotations

import copy
import re

import pytest
from helpers import sample_trace

from kg.render.markdown import analysis_markdown, escape, table, trace_markdown

TRACE = sample_trace()


def test_markdown_escapes_every_markup_of_the_data():
    md = trace_markdown(TRACE, "en", {"causes": "Causes"})
    assert "<script>" not in md and "&lt;script&gt;" in md
    assert "\\*\\*x\\*\\*" in md and "\\[l\\](http://e)" in md and "\\`c\\`" in md
    assert "\\|" in md  # a pipe in a label cannot split a table cell
    evil_row = next(line for line in md.splitlines() if "alert" in line)
    assert len(re.findall(r"(?<!\\)\|", evil_row)) == 5  # still four cells: no stray split
    assert escape("a\nb") == "a b"
    assert table(["h|1"], [["x"]])[0] == "| h\\|1 |"


# --- escape and table ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("<b>", "&lt;b&gt;"),
        ("a & b", "a &amp; b"),
        ("&lt;b&gt;", "&amp;lt;b&amp;gt;"),  # an entity of the data stays text
        ("<!-- c -->", "&lt;!-- c --&gt;"),
        ("*a* _b_", "\\*a\\* \\_b\\_"),
        ("`code`", "\\`code\\`"),
        ("[t](u)", "\\[t\\](u)"),
        ("a|b", "a\\|b"),
        ("~~s~~", "\\~\\~s\\~\\~"),
        ("back\\slash", "back\\\\slash"),
        ("a\r\n\nb\rc", "a b c"),  # line breaks: one space each run
        ("人才缺乏 (talent)", "人才缺乏 (talent)"),  # nothing else changes
        (42, "42"),
    ],
)
def test_escape(text, escaped):
    assert escape(text) == escaped


def test_table_escapes_header_and_cells():
    assert table(["a", "b*"], [["1", "<2>"], ["x|y", ""]]) == [
        "| a | b\\* |",
        "|---|---|",
        "| 1 | &lt;2&gt; |",
        "| x\\|y |  |",
    ]


# --- the trace -------------------------------------------------------------------------------


def test_trace_markdown_has_a_table_per_group_and_the_links():
    lines = trace_markdown(TRACE, "en", {"causes": "Causes"}).splitlines()
    assert lines[:3] == ["## Credit gap", "", "`urn:h` (cbec:Cause)"]
    at = lines.index("### Causes")
    assert lines[at + 2 : at + 5] == [
        "| node | who acts | section | quote |",
        "|---|---|---|---|",
        "| Payment risk |  | 3.1 | 支付 |",  # its link's quote: it has none of its own
    ]
    assert "| Payment law | Government | 3.1 | 支付 |" in lines
    at = lines.index("### effects")  # no heading given: the key
    assert lines[at + 2] == "The paper states no effects for this challenge."
    assert "### countermeasures" not in lines  # empty and nothing to say
    assert lines[-3:] == [
        "| from | relation | to | status | evidence |",
        "|---|---|---|---|---|",
        "| Payment law | cbec:addresses | Payment risk | inferred: read into 3.1 | §3.1 「支付」 |",
    ]


def test_trace_markdown_in_chinese_with_readings_and_the_inferred_marker():
    t = sample_trace()
    t["actions"][0]["via_inferred"] = True
    t["links"].append(
        {
            "source": "urn:h",
            "predicate": "cbec:hasCause",
            "target": "urn:c1",
            "stated": True,
            "evidence": [],
        }
    )
    lines = trace_markdown(t, "zh", {"actions": "措施"}, {"cbec:hasCause": "成因"}).splitlines()
    assert lines[0] == "## 信用缺口"
    assert "| 节点 | 实施主体 | 章节 | 引文 |" in lines
    assert "| 支付立法（经推断关系） | 政府 | 3.1 | 支付 |" in lines
    assert "| 信用缺口 | 成因 | 支付风险 | 原文陈述 |  |" in lines
    assert "| 支付立法 | cbec:addresses | 支付风险 | 推断: read into 3.1 | §3.1 「支付」 |" in lines
    assert "### 关系" in lines and "| 起点 | 关系 | 终点 | 性质 | 证据 |" in lines


def test_the_focus_heading_and_the_none_text_are_escaped():
    t = sample_trace()
    t["focus"]["label"]["en"] = "<i>Gap</i> *x*"
    t["none"]["effects"]["en"] = "none <here> | _really_"
    lines = trace_markdown(t).splitlines()
    assert lines[0] == "## &lt;i&gt;Gap&lt;/i&gt; \\*x\\*"
    assert "none &lt;here&gt; \\| \\_really\\_" in lines


# --- the analysis report -----------------------------------------------------------------------


def ref(iri, en, zh):
    return {"iri": iri, "label_en": en, "label_zh": zh}


H = ref("urn:h", "Credit | gap", "信用")
M = ref("urn:m", "<b>Law</b>", "法")
P = ref("urn:p", "_Fraud_", "欺诈")
T = ref("urn:t", "Trend", "趋势")

ANALYSIS = {
    "summary": {"nodes": 3, "links": 2, "stated": 1, "inferred": 1},
    "coverage": {
        "explanation": "Links *per* pair.",
        "challenges": [H],
        "countermeasures": [M],
        "matrix": {"urn:h": {"urn:m": {"total": 2, "stated": 1, "inferred": 1}}},
    },
    "leverage": {
        "explanation": "Reach.",
        "ranking": [
            {
                **M,
                "type": "cbec:Countermeasure",
                "by_group": {"challenges": 1, "causes": 2},
                "score": 3,
                "stated_score": 1,
            },
            {**T, "type": "cbec:Trend", "by_group": {}, "score": 0, "stated_score": 0},
        ],
    },
    "unremedied": {
        "explanation": "Unreached.",
        "problems": [
            {**P, "type": "cbec:Cause", "challenges": ["urn:h"]},
            {**T, "type": "cbec:Effect", "challenges": []},
        ],
    },
    "bridges": {"explanation": "Bridges.", "nodes": []},
    "centrality": {
        "explanation": "Central.",
        "top": {
            "cbec:Cause": {
                "degree": [{**P, "value": 0.5}],
                "betweenness": [],
                "pagerank": [{**P, "value": 0.12345}],
            }
        },
    },
    "communities": {
        "explanation": "Groups.",
        "modularity": 0.41234,
        "seed": 42,
        "communities": [{"id": 0, "size": 1, "hub": H}, {"id": 1, "size": 2, "hub": M}],
    },
    "paths": {
        "explanation": "Paths.",
        "pairs": [
            {"challenge": H, "trend": T, "count": 2, "shortest": 3},
            {"challenge": H, "trend": T, "count": 0, "shortest": None},
        ],
    },
}


def test_analysis_markdown_reports_every_section_with_the_labels_escaped():
    md = analysis_markdown(ANALYSIS)
    lines = md.splitlines()
    assert md.endswith("|\n") and not md.endswith("\n\n")
    assert lines[0] == "# Graph analysis of the cross-border e-commerce knowledge graph"
    assert lines[2] == (
        "Remedy view: 3 nodes and 2 curated links (1 stated by the source, 1 inferred by curators)."
    )
    expected = [
        "Links \\*per\\* pair.",
        "| Challenge \\\\ Countermeasure | &lt;b&gt;Law&lt;/b&gt; (法) |",
        "| Credit \\| gap (信用) | 2 (1 S / 1 I) |",
        "| 1 | &lt;b&gt;Law&lt;/b&gt; (法) | cbec:Countermeasure | 2 causes, 1 challenges"
        " | 3 (1 stated) |",
        "| 2 | Trend (趋势) | cbec:Trend | – | 0 (0 stated) |",
        "- \\_Fraud\\_ (欺诈) (cbec:Cause), in the tree of Credit \\| gap (信用)",
        "- Trend (趋势) (cbec:Effect), in the tree of no challenge",
        "None: no node links two communities.",
        "| cbec:Cause | \\_Fraud\\_ (欺诈): 0.500 | – | \\_Fraud\\_ (欺诈): 0.123 |",
        "Modularity 0.412 (Louvain, seed 42).",
        "- **0** (1 node, around Credit \\| gap (信用))",
        "- **1** (2 nodes, around &lt;b&gt;Law&lt;/b&gt; (法))",
        "| Credit \\| gap (信用) | Trend (趋势) | 2 | 3 |",
        "| Credit \\| gap (信用) | Trend (趋势) | 0 | – |",
    ]
    assert [line for line in expected if line not in lines] == []
    assert "<b>" not in md


def test_analysis_markdown_top_bridges_and_no_unreached_problem():
    data = copy.deepcopy(ANALYSIS)
    data["unremedied"]["problems"] = []
    data["coverage"]["matrix"]["urn:h"]["urn:m"] = {"total": 0, "stated": 0, "inferred": 0}
    data["bridges"]["nodes"] = [
        {**T, "type": "cbec:Trend", "communities": [0, 1], "cross_links": 4},
        {**P, "type": "cbec:Cause", "communities": [1, 2], "cross_links": 1},
    ]
    lines = analysis_markdown(data, top=1).splitlines()
    assert "None: a remedy reaches every cause and effect." in lines
    assert "| Credit \\| gap (信用) | – |" in lines  # no link in that cell
    assert "| Node | Type | Communities | Cross links |" in lines
    assert "| Trend (趋势) | cbec:Trend | 0, 1 | 4 |" in lines
    assert not any("Fraud" in line and "cbec:Cause | 1, 2" in line for line in lines)  # top 1
    assert not any(line.startswith("| 2 | Trend") for line in lines)  # top 1 remedy
