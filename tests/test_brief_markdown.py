"""The brief as Markdown (kg.brief.markdown) from a hand-made content (tests/briefdata.py): the
same sections as the page, the problem tree nested with an inferred cause's rationale, remedies
with who acts, trends with what supports and drives them, each quote once per section, every
statistic in one table, the leverage with its stated part, how to cite — in English and
Chinese, every piece of text from the KG escaped so it cannot become markup.
"""

from __future__ import annotations

import dataclasses
import re

import pytest
from briefdata import EVIL, ID, STATISTICS, TRACE, content, paper_content

from kg.brief.markdown import brief_markdown


def md(lang="en", **changes) -> list[str]:
    return brief_markdown(content(**changes), lang).splitlines()


def section(lines: list[str], heading: str) -> list[str]:
    """The lines from ``heading`` to the next heading of its level or above."""
    start = lines.index(heading)
    level = heading.split(" ")[0]
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if re.match(r"#+ ", lines[i]) and len(lines[i].split(" ")[0]) <= len(level)
        ),
        len(lines),
    )
    return lines[start:end]


def test_title_and_sections_in_order():
    lines = md()
    assert lines[0] == "# China's cross-border e-commerce: problems, remedies and trends"
    assert [x for x in lines if x.startswith("## ")] == [
        "## Key points",
        "## The challenges",
        "## The paper's figures",
        "## Do the figures add up?",
        "## Gaps the paper leaves",
        "## Remedies with the most leverage",
        "## How to cite",
    ]
    assert md("zh")[0] == "# 我国跨境电商：困境、对策与趋势"


def test_key_points_say_how_much_of_the_leverage_is_stated():
    points = section(md(), "## Key points")
    assert "- The remedy with the most leverage: **cm** reaches 3 problems (2 stated)." in points
    points = section(md("zh"), "## 要点")
    assert "- 杠杆度最高的对策：**cm（中）**触及 3 个问题（其中原文陈述 2 个）。" in points
    assert "- 原文对策未触及的问题：cause-b（中）。" in points  # the page's separators and stop


def test_the_leverage_ranking():
    ranking = section(md(), "## Remedies with the most leverage")
    assert "1. **cm** reaches 3 problems (2 stated): ch; effect; cause-a" in ranking
    assert "In brackets, how many of them" in ranking[2]


def test_the_challenge_heading_citation_definition_and_figure():
    lines = section(md(), "### Challenge 1: ch (ch（中）)")
    assert lines[2:9] == [
        "(§2.1 「（一）困境标题」)",  # its own section, not the abstract it is also quoted in
        "",
        "A definition.",
        "",
        "![ch](figures/ch.en.svg)",
        "",
        "*The problem tree, the remedies (who acts in grey) and the trends they support. Dashed "
        "lines: inferred by a curator.*",
    ]
    assert "![ch（中）](figures/ch.zh.svg)" in md("zh")


def test_the_problem_tree_nests_causes_and_says_why_an_inferred_one_is_there():
    lines = section(md(), "#### Problem tree")
    assert lines[4:9] == [
        "- **effect** (§2.1 「后果的话」)",  # quoted in 1.1 and 2.1: the challenge's section
        "",
        "- **ch** (§2.1 as quoted above)",
        "  - **cause-a** (§2.1 「信息不对称的问题」) (§2.1 as quoted above) *inferred by a "
        "curator: read between the lines*",
        "    - **cause-b** (§2.1 「文化差异」)",
    ]


def test_remedies_with_what_they_address_and_who_acts():
    lines = section(md(), "#### Remedies")
    assert lines[2:10] == [
        "- **cm** (§3.1 「（一）对策标题」)",
        "  - Addresses: ch (§3.1 「对策应对困境」)",  # not the abstract's words it also rests on
        "  - Supports: trend (§3.1 「助推趋势」) *inferred by a curator: the curator's reading*",
        "  - **act** (§3.1 「鼓励机构开展业务」)",
        "    - Who acts: actor (§3.1 as quoted above)",
        "  - **lone** (§3.1 「无人负责的措施」)",
        "    - Who acts: *The paper names no one responsible for this action.*",
        "",
    ]


@pytest.mark.parametrize(("lang", "heading", "expected"), [
    ("en", "#### Trends they support", [
        "- **trend** (§4.3 「（三）全流程数字化」)",
        "  - Supported by: cm (§3.1 as quoted above) *inferred by a curator: the curator's "
        "reading*",
        "  - Driven by: tech (§4.3 「随着大数据、区块链等技术」); tech-2 (§4.3 as quoted above)",
        "  - Laws and policies: law (§4.4 「电子商务法正式实施」)",
        "  - Standards: std (§4.4 「《服务质量评价》」)",
    ]),
    ("zh", "#### 所助推的趋势", [
        "- **trend（中）** (§4.3 「（三）全流程数字化」)",
        "  - 助推者：cm（中） (§3.1 引文见上) *整理者推断：the curator's reading*",
        "  - 驱动因素：tech（中） (§4.3 「随着大数据、区块链等技术」)；"
        "tech-2（中） (§4.3 引文见上)",
        "  - 法律政策：law（中） (§4.4 「电子商务法正式实施」)",
        "  - 标准：std（中） (§4.4 「《服务质量评价》」)",
    ]),
])  # fmt: skip
def test_trends_with_what_supports_and_drives_them(lang, heading, expected):
    assert section(md(lang), heading)[2:7] == expected


def test_each_quote_once_per_section():
    challenge = "\n".join(section(md(), "### Challenge 1: ch (ch（中）)"))
    quotes = re.findall(r"§([\d.]+) 「([^」]*)」", challenge)
    # 13 distinct quotes: heading, effect, two causes, countermeasure, what it addresses and
    # supports, two actions, trend, drivers, law, standard; 5 referred back to: the tree's
    # root, the inferred cause link, who acts, what supports the trend, the second technology
    assert len(quotes) == len(set(quotes)) == 13
    assert challenge.count("as quoted above") == 5
    # a second challenge section quotes its words afresh
    second = {**TRACE, "focus": {**TRACE["focus"], "iri": ID + "ch-2"}}
    lines = md(challenges=[TRACE, second])
    assert lines.count("(§2.1 「（一）困境标题」)") == 2


def test_every_statistic_in_one_table_in_the_order_given():
    table = [x for x in section(md(), "### Every figure the paper prints, in its order") if x]
    assert table[1] == "| Indicator | Period | Value | Unit | Reported by | Citation |"
    rows = table[3:]
    assert [r.split(" | ")[2] for r in rows] == ["7981", "more than 1.6", "77.3", "22.7", "52982.7"]
    assert (
        rows[0]
        == "| Indicator obs-value | 2020 | 7981 | per cent | Customs | §1.1 「出口额为7981亿元」 |"
    )
    assert rows[3].endswith("| §1.3 as quoted above |")  # the B2C share shares the B2B sentence
    assert rows[2].startswith("| Indicator obs-b2b · B2B |")
    assert all(len(re.findall(r"(?<!\\)\|", r)) == 7 for r in rows)


def test_how_to_cite():
    lines = section(md(), "## How to cite")
    assert (
        "- **The paper.** Xiang Yuxiang. A paper (一篇论文). A college. Publication year not "
        "stated." in lines
    )
    assert (
        f"- Content hash (SHA-256 of the canonical kg.nt of this build): `sha256:{'ab' * 32}`"
        in lines
    )


def test_text_from_hand_made_data_is_escaped_everywhere():
    trace = {**TRACE, "links": [dict(lk) for lk in TRACE["links"]]}
    trace["links"][1]["rationale"] = EVIL  # an inferred link's rationale
    names = {**content().names, ID + "law": {"en": EVIL, "zh": EVIL}}
    evil_point = dataclasses.replace(STATISTICS[0], indicator_label={"en": EVIL}, quote=EVIL)
    text = brief_markdown(content(challenges=[trace], names=names, statistics=[evil_point]), "en")
    assert "<img" not in text
    escaped = "&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\| \\`code\\`"
    assert text.count(escaped) == 4  # the rationale, the law, the indicator and the quote
    row = next(x for x in text.splitlines() if x.startswith("| &lt;img"))
    assert len(re.findall(r"(?<!\\)\|", row)) == 7  # a pipe in the data splits no cell


# --- the real KG's content (moved from test_brief.py) ---------------------------------------------


def test_text_from_the_data_is_escaped():
    content = paper_content()
    challenge = content.challenges[0]["focus"]["iri"]
    names = {**content.names, challenge: {"en": EVIL, "zh": EVIL}}
    evil = dataclasses.replace(content, names=names)
    md = brief_markdown(evil, "en")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\|" in md


def test_each_language_gives_the_curators_rationale_in_that_language():
    from kg.api import KnowledgeGraph
    from kg.brief.markdown import escape
    from kg.brief.words import w

    content = paper_content()
    # the curators' rationales, read from the KG (not from the brief), as Markdown prints them
    kg = KnowledgeGraph.open()
    rows = kg.query(sparql="SELECT ?why WHERE { ?l cbec:rationale ?why }").rows
    by_lang: dict[str, set[str]] = {"en": set(), "zh": set()}
    for (why,) in rows:
        by_lang[why.language].add(escape(str(why)))
    for lang, other in (("en", "zh"), ("zh", "en")):
        text = brief_markdown(content, lang)
        head = re.escape(w("inferred", lang) + w("colon", lang))
        notes = re.findall(r"\*" + head + r"(.*?)\*$", text, re.M)
        assert len(notes) >= 10, lang  # the brief shows the inferred links of every challenge
        assert set(notes) <= by_lang[lang], set(notes) - by_lang[lang]
        assert not set(notes) & by_lang[other], lang
