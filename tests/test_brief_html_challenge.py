"""A challenge's section of the brief (kg.brief.html_challenge), from a hand-made trace: the
problem tree nests causes under what they produce, an inferred cause says why, remedies list
their actions with who acts (or that nobody is named), trends say what supports them, and empty
groups say so.
"""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from kg.brief.content import Content
from kg.brief.html_challenge import challenge_html
from kg.brief.html_pieces import Pieces
from kg.brief.words import W

ID = "https://w3id.org/cbec-kg/id/"
EV = [{"section": "2.1", "quote": "a quote"}]


def item(name: str, type_: str, **extra):
    return {
        "iri": ID + name,
        "type": type_,
        "label": {"en": name, "zh": name},
        "evidence": EV,
        **extra,
    }


def link(source: str, predicate: str, target: str, rationale: str | None = None):
    return {
        "source": ID + source,
        "predicate": predicate,
        "target": ID + target,
        "stated": rationale is None,
        "rationale": rationale,
        "evidence": EV,
    }


TRACE = {
    "focus": item("ch", "cbec:Challenge"),
    "challenges": [item("ch", "cbec:Challenge", causes=[ID + "cause-a"])],
    "causes": [
        item("cause-a", "cbec:Cause", causes=[ID + "cause-b"]),
        item("cause-b", "cbec:Cause", causes=[]),
    ],
    "effects": [item("effect", "cbec:Effect")],
    "countermeasures": [item("cm", "cbec:Countermeasure")],
    "actions": [item("act", "cbec:Action"), item("lone", "cbec:Action")],
    "actors": [item("actor", "cbec:Actor")],
    "trends": [item("trend", "cbec:Trend")],
    "links": [
        link("ch", "cbec:hasCause", "cause-a"),
        link("cause-a", "cbec:hasCause", "cause-b", rationale="read between the lines"),
        link("cm", "cbec:addresses", "ch"),
        link("cm", "cbec:hasAction", "act"),
        link("act", "cbec:responsibleActor", "actor"),
        link("cm", "cbec:supports", "trend"),
    ],
    "none": {},
}


def section(trace, n=1, lang="en"):
    names = {
        i["iri"]: i["label"]
        for k, v in trace.items()
        if isinstance(v, list)
        for i in v
        if "label" in i
    }
    content = Content(
        source={},
        version="0",
        ontology_version="0",
        kg_hash="0",
        challenges=[trace],
        definitions={ID + "ch": {"en": "A definition."}},
        charts=[],
        mismatches=[],
        consistent=[],
        unverifiable=[],
        gaps={},
        leverage=[],
        names=names,
    )
    html = challenge_html(Pieces(content, lang), trace, n)
    return lxml_html.fragment_fromstring(html)


def node(doc, name):
    return doc.xpath(f'.//span[@class="node"][@data-iri="id:{name}"]')


def test_heading_numbers_the_challenge_and_gives_its_definition_and_figure():
    doc = section(TRACE, n=3)
    assert doc.tag == "section" and doc.get("class") == "challenge" and doc.get("id") == "ch"
    (ordinal,) = doc.xpath(".//h3/data")
    assert (ordinal.get("value"), ordinal.get("data-kind")) == ("3", "ordinal")
    assert doc.find_class("def")[0].text == "A definition."
    (img,) = doc.xpath(".//figure/img")
    assert img.get("src").startswith("data:image/svg+xml;base64,") and img.get("alt") == "ch"


def test_causes_nest_under_what_they_produce_and_an_inferred_one_says_why():
    doc = section(TRACE)
    (b,) = node(doc, "cause-b")
    (a,) = node(doc, "cause-a")
    (ch,) = [n for n in node(doc, "ch") if n.getparent().tag == "li"]
    assert b.getparent().getparent().getparent() is a.getparent()  # li > ul > li(b)
    assert a.getparent().getparent().getparent() is ch.getparent()
    (rationale,) = doc.find_class("rationale")
    assert rationale.text == "read between the lines"
    assert W["effects"]["en"] in doc.text_content() and node(doc, "effect")


def test_remedies_list_their_actions_and_who_acts():
    doc = section(TRACE)
    actions = {li.xpath("./span/@data-iri")[0]: li for li in doc.find_class("action")}
    assert set(actions) == {"id:act", "id:lone"}
    (actor,) = actions["id:act"].find_class("actor")
    assert actor.get("data-iri") == "id:actor"
    assert W["no_actor"]["en"] in actions["id:lone"].text_content()
    assert not actions["id:lone"].find_class("actor")
    (cm,) = node(doc, "cm")
    assert actions["id:act"] in cm.getparent().iter("li")  # the action listed under its remedy
    assert W["addresses"]["en"] in cm.getparent().text_content()


def test_trends_say_what_supports_them():
    doc = section(TRACE)
    (trend,) = node(doc, "trend")
    li = trend.getparent()
    assert W["supported_by"]["en"] in li.text_content()
    assert li.xpath('.//span[@class="label"]/text()')[-1] == "cm"


@pytest.mark.parametrize("group", ["effects", "trends"])
def test_an_empty_group_says_so(group):
    trace = {**TRACE, group: [], "none": {group: {"en": f"No {group} in the paper.", "zh": "无"}}}
    doc = section(trace)
    assert f"No {group} in the paper." in [p.text for p in doc.find_class("none")]


def test_a_trend_lists_what_drives_it_by_kind():
    trace = {
        **TRACE,
        "related": [
            item("tech", "cbec:Technology"),
            item("law", "cbec:Policy"),
            item("std", "cbec:Standard"),
        ],
        "links": [
            *TRACE["links"],
            link("trend", "cbec:hasDriver", "std"),
            link("trend", "cbec:hasDriver", "tech"),
            link("trend", "cbec:hasDriver", "law"),
        ],
    }
    (trend,) = node(section(trace), "trend")
    li = trend.getparent()
    drivers = [(d.get("data-kind"), d.get("data-iri")) for d in li.find_class("driver")]
    assert drivers == [("driven_by", "id:tech"), ("laws", "id:law"), ("standards", "id:std")]
    heads = [s.text for s in li.find_class("rel")]
    assert heads == ["Supported by: ", "Driven by: ", "Laws and policies: ", "Standards: "]
    zh = [s.text for s in node(section(trace, lang="zh"), "trend")[0].getparent().find_class("rel")]
    assert zh == ["助推者：", "驱动因素：", "法律政策：", "标准："]


def test_an_inferred_cause_gives_its_quote_then_the_links_and_why():
    (b,) = node(section(TRACE), "cause-b")  # brought in by an inferred link
    assert [el.get("class") for el in b.getparent().iterchildren()] == ["node", "again", "inferred"]
    # the node with its own citation, then the link's (the same words: referred back), then why
    assert b[-1].tag == "cite" and b[-1].get("data-of") == "id:cause-b"
