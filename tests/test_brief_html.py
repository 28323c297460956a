"""The brief's HTML page (kg.brief.html) from a hand-made content (tests/briefdata.py): a page
that can fetch and run nothing, the key points (the leverage with its stated part), the figures
(the charts, then every statistic in the order given, a shared quote shown once), the checks,
the gaps, the leverage ranking and how to cite — in English and Chinese, text from the KG
escaped. The challenge's own section is tests/test_brief_html_challenge.py.
"""

from __future__ import annotations

import dataclasses

import pytest
from briefdata import EVIL, ID, STATISTICS, content, paper_content
from lxml import html as lxml_html

from kg.brief.html import brief_html


def page(lang="en", **changes):
    return lxml_html.fromstring(brief_html(content(**changes), lang))


def test_the_page_fetches_and_runs_nothing():
    text = brief_html(content(), "en")
    doc = lxml_html.fromstring(text)
    (csp,) = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')
    assert "default-src 'none'" in csp and "script-src 'none'" in csp and "img-src data:" in csp
    assert not doc.xpath("//script | //link | //iframe | //object")
    assert all(src.startswith("data:image/svg+xml;base64,") for src in doc.xpath("//img/@src"))
    assert text.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(("lang", "html_lang", "title"), [
    ("en", "en", "China's cross-border e-commerce: problems, remedies and trends"),
    ("zh", "zh-Hans", "我国跨境电商：困境、对策与趋势"),
])  # fmt: skip
def test_the_page_is_in_its_language(lang, html_lang, title):
    doc = page(lang)
    assert doc.get("lang") == html_lang
    assert doc.xpath("//h1")[0].text == title
    assert doc.xpath("//title")[0].text == f"{title} — cbec-kg"


def test_key_points_name_the_challenges_the_mismatch_the_gaps_and_the_leverage():
    (points,) = page().xpath('//ul[@class="keypoints"]')
    items = [li.text_content() for li in points.iter("li")]
    assert items == [
        "The paper identifies these challenges: ch.",
        "One of its figures disagrees with its own numbers. Growth, 2020: 39.2",
        "Problems no remedy in the paper reaches: cause-b.",
        "The remedy with the most leverage: cm reaches 3 problems (2 stated).",
    ]
    score, stated = points.xpath(".//data")[-2:]
    assert (score.get("data-kind"), score.text) == ("leverage", "3")
    assert (stated.get("data-kind"), stated.text, stated.get("data-ref")) == (
        "stated-leverage",
        "2",
        "id:cm",
    )


def test_key_points_in_chinese():
    (points,) = page("zh").xpath('//ul[@class="keypoints"]')
    last = list(points.iter("li"))[-1].text_content()
    assert last == "杠杆度最高的对策：cm（中）触及 3 个问题（其中原文陈述 2 个）。"


def test_the_leverage_ranking_says_what_rests_on_stated_links():
    (li,) = page().xpath('//section[@id="leverage"]//li')
    assert li.text_content() == "cm reaches 3 problems (2 stated): ch; effect; cause-a"
    assert li.xpath("./span")[0].get("data-iri") == "id:cm"
    assert "In brackets" in page().xpath('//section[@id="leverage"]/p')[0].text


def test_figures_are_the_charts_then_every_statistic_in_the_order_given():
    (figures,) = page().xpath('//section[@id="figures"]')
    (figure,) = figures.iter("figure")
    assert figure.get("id") == "chart-export-value"
    assert figure.find("img").get("alt") == "Export value · 出口额"
    assert figure.find("figcaption").text == "Source: Customs, §1.1"
    (table,) = figures.xpath('.//table[@class="statistics"]')
    rows = table.xpath(".//tr[@data-obs]")
    assert [r.get("data-obs") for r in rows] == [
        "id:obs-value",
        "id:obs-users",
        "id:obs-b2b",
        "id:obs-b2c",
        "id:obs-services",  # in no chart, and still here
    ]
    cells = [[td.text_content() for td in r.iter("td")] for r in rows]
    assert cells[0] == [
        "Indicator obs-value", "2020", "7981", "per cent", "Customs", "§1.1 出口额为7981亿元"
    ]  # fmt: skip
    assert cells[1][1:3] == ["2021-H1", "more than 1.6"]  # the paper's qualifier, then its value
    assert cells[2][0] == "Indicator obs-b2b · B2B"  # a share says of which business model
    assert cells[4][2] == "52982.7"
    for row, p in zip(rows, STATISTICS, strict=True):
        (value,) = row.xpath('.//data[@data-kind="obs"]')
        assert value.get("value") == value.text == p.value


def test_a_quote_two_statistics_share_is_shown_once():
    (table,) = page().xpath('//table[@class="statistics"]')
    b2b, b2c = (table.xpath(f'.//tr[@data-obs="id:{n}"]//cite')[0] for n in ("obs-b2b", "obs-b2c"))
    assert b2b.find("q").text == "B2B和B2C交易占比分别为77.3%和22.7%"
    assert b2c.find("q") is None and b2c.text_content() == "§1.3 as quoted above"
    assert b2c.xpath("./a/@href") == ["#" + b2b.get("id")]


def test_the_checks_list_what_disagrees_agrees_and_cannot_be_checked():
    (section,) = page().xpath('//section[@id="consistency"]')
    (mismatch,) = section.find_class("mismatch")
    assert mismatch.text_content() == "Growth, 2020: 39.2"
    assert [li.text_content() for li in section.xpath(".//li")][1:] == [
        "Shares add up: 100.0",
        "Indicator obs-value (2019)",
    ]
    (period,) = section.xpath('(.//li)[last()]/data[@data-kind="period"]')
    assert (period.text, period.get("data-ref")) == ("2019", "id:obs-value")


def test_gaps_list_each_kind_and_say_none_for_an_empty_one():
    (section,) = page().xpath('//section[@id="gaps"]')
    assert [h.text for h in section.iter("h4")] == [
        "Problems no remedy reaches (and the problem above them)",
        "Trends nothing in the paper supports",
    ]
    (row,) = section.xpath(".//li")
    assert row.text_content() == "cause-b ← ch"
    assert [s.get("data-iri") for s in row.find_class("node")] == ["id:cause-b", "id:ch"]
    assert section.find_class("none")[0].text == "None."


def test_how_to_cite_gives_the_paper_the_version_and_the_content_hash():
    (section,) = page().xpath('//section[@id="cite"]')
    text = section.text_content()
    assert "Xiang Yuxiang. A paper (一篇论文). A college. Publication year not stated." in text
    codes = [c.text for c in section.iter("code")]
    assert codes == ["9.8.7", "1.2.3", "https://w3id.org/cbec-kg/", "sha256:" + "ab" * 32]


def test_text_from_hand_made_data_is_escaped_everywhere():
    evil_point = dataclasses.replace(
        STATISTICS[0], indicator_label={"en": EVIL, "zh": EVIL}, quote=EVIL
    )
    names = {**content().names, ID + "cause-b": {"en": EVIL, "zh": EVIL}}
    source = {"creator": {"en": EVIL}, "title": {"en": EVIL, "zh": EVIL}, "publisher": {"en": EVIL}}
    text = brief_html(content(statistics=[evil_point], names=names, source=source), "en")
    assert "<img src=x" not in text and "&lt;img src=x onerror=alert(1)&gt;" in text
    doc = lxml_html.fromstring(text)
    assert not doc.xpath("//img[@src='x'] | //script")
    assert EVIL in [q.text for q in doc.iter("q")]


# --- the real KG's content (moved from test_brief.py) ---------------------------------------------


def test_text_from_the_data_is_escaped():
    content = paper_content()
    challenge = content.challenges[0]["focus"]["iri"]
    names = {**content.names, challenge: {"en": EVIL, "zh": EVIL}}
    evil = dataclasses.replace(content, names=names)
    page = brief_html(evil, "en")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not lxml_html.fromstring(page).xpath("//img[@src='x'] | //script")
