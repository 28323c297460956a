"""The pieces of the brief's HTML (kg.brief.html_pieces), on a hand-made content: names fall
back to the other language and then the CURIE, every text from the KG is escaped, a number is
a <data> element naming its sources, and an inferred link shows its rationale.
"""

from __future__ import annotations

import base64

import pytest
from lxml import html as lxml_html

from kg.brief.content import Content, Num
from kg.brief.html_pieces import Pieces, data_uri, segments
from kg.brief.words import W

ID = "https://w3id.org/cbec-kg/id/"
EVIL = '<script>alert("x")</script> & co'


def content(names) -> Content:
    return Content(
        source={},
        version="0",
        ontology_version="0",
        kg_hash="0",
        challenges=[],
        definitions={},
        charts=[],
        mismatches=[],
        consistent=[],
        unverifiable=[],
        gaps={},
        leverage=[],
        names=names,
    )


@pytest.fixture
def en():
    return Pieces(
        content(
            {
                ID + "both": {"en": "Talent", "zh": "人才"},
                ID + "zh-only": {"zh": "人才"},
                ID + "evil": {"en": EVIL, "zh": EVIL},
            }
        ),
        "en",
    )


def test_a_name_falls_back_to_the_other_language_then_the_curie(en):
    assert en.name(ID + "both") == "Talent"
    assert en.name(ID + "zh-only") == "人才"
    assert en.name(ID + "unknown") == "id:unknown"
    assert Pieces(en.c, "zh").name(ID + "both") == "人才"


def test_text_from_the_kg_is_escaped_everywhere(en):
    ev = {"section": '2.1"><b>', "quote": EVIL}
    for piece in (
        en.label(ID + "evil"),
        en.text_label(EVIL),
        en.cite(ev, ID + "evil"),
        en.node(ID + "evil", "cbec:Challenge", [ev]),
        segments([EVIL, Num(EVIL, "obs", (ID + "obs-1",))]),
    ):
        assert "<script" not in piece and "&lt;script&gt;" in piece
        doc = lxml_html.fragment_fromstring(piece, create_parent="div")
        assert not doc.xpath("//script | //b")


def test_a_number_is_data_naming_its_sources():
    html = segments(["grew by ", Num("35.95", "recomputed", (ID + "obs-a", ID + "obs-b")), "%"])
    (data,) = lxml_html.fragment_fromstring(html, create_parent="div").iter("data")
    assert (data.get("value"), data.text, data.get("data-kind")) == ("35.95", "35.95", "recomputed")
    assert data.get("data-ref") == "id:obs-a id:obs-b"
    assert html.startswith("grew by ") and html.endswith("</data>%")


def test_a_node_carries_its_iri_type_label_and_first_citation(en):
    evidence = [{"section": "2.1", "quote": "first"}, {"section": "3", "quote": "second"}]
    node = lxml_html.fragment_fromstring(en.node(ID + "both", "cbec:Challenge", evidence))
    assert node.get("class") == "node" and node.get("data-iri") == "id:both"
    assert node.get("data-type") == "cbec:Challenge"
    assert node.find_class("label")[0].text == "Talent"
    (cite,) = node.iter("cite")
    assert cite.get("data-of") == "id:both"
    assert cite.find_class("sec")[0].text == "§2.1" and cite.find("q").text == "first"


def test_a_link_note_shows_the_rationale_of_an_inferred_link_only(en):
    ev = [{"section": "4.2", "quote": "q"}]
    stated = en.link_note({"stated": True, "evidence": ev, "rationale": None})
    assert "inferred" not in stated and "§4.2" in stated
    note = en.link_note({"stated": False, "evidence": [], "rationale": EVIL})
    doc = lxml_html.fragment_fromstring(note, create_parent="div")
    (inferred,) = doc.find_class("inferred")
    assert inferred.text_content().startswith(W["inferred"]["en"] + ": ")
    assert doc.find_class("rationale")[0].text == EVIL


def test_a_link_note_gives_the_rationale_in_the_briefs_language():
    link = {
        "stated": False,
        "evidence": [],
        "rationale": "read between the lines",
        "rationales": {"en": "read between the lines", "zh": "言外之意"},
    }
    names = {ID + "both": {"en": "Talent", "zh": "人才"}}
    for lang, expected in (("zh", "言外之意"), ("en", "read between the lines")):
        note = Pieces(content(names), lang).link_note(link)
        doc = lxml_html.fragment_fromstring(note, create_parent="div")
        assert doc.find_class("rationale")[0].text == expected, lang
    # a rationale written in one language only is shown in the other brief too
    only_en = {**link, "rationales": {"en": "read between the lines"}}
    note = Pieces(content(names), "zh").link_note(only_en)
    assert "read between the lines" in note


@pytest.mark.parametrize("svg", ["<svg>图</svg>", b"<svg/>"])
def test_data_uri_holds_the_svg(svg):
    uri = data_uri(svg)
    prefix = "data:image/svg+xml;base64,"
    assert uri.startswith(prefix)
    expected = svg.encode() if isinstance(svg, str) else svg
    assert base64.b64decode(uri[len(prefix) :]) == expected


def test_a_section_shows_each_quote_once_and_links_back_to_it(en):
    ev = {"section": "2.1", "quote": "same words"}
    en.begin("sec")
    first = lxml_html.fragment_fromstring(en.cite(ev, ID + "both"))
    again = lxml_html.fragment_fromstring(en.cite(dict(ev)))
    assert (first.get("id"), first.find("q").text) == ("sec-q1", "same words")
    assert again.get("class") == "again" and again.find("q") is None
    assert again.xpath("./a/@href") == ["#sec-q1"]
    assert again.text_content() == "§2.1 " + W["again"]["en"]
    other = lxml_html.fragment_fromstring(en.cite({"section": "2.2", "quote": "same words"}))
    assert other.get("id") == "sec-q2" and other.find("q") is not None  # another section number
    en.begin("next")  # a new section quotes the words afresh
    assert lxml_html.fragment_fromstring(en.cite(ev)).get("id") == "next-q1"


def test_a_node_and_a_link_cite_the_quote_chosen_for_them(en):
    chosen = {"section": "2.2", "quote": "chosen"}
    link = {"source": ID + "a", "predicate": "cbec:addresses", "target": ID + "b", "stated": True}
    en.begin("s", {ID + "both": chosen, f"{ID}a cbec:addresses {ID}b": chosen})
    evidence = [{"section": "0", "quote": "first"}]
    node = lxml_html.fragment_fromstring(en.node(ID + "both", "cbec:Cause", evidence))
    assert node.find("cite").find("q").text == "chosen"
    note = lxml_html.fragment_fromstring(en.link_note({**link, "evidence": evidence}), "div")
    assert note.find("cite").get("class") == "again"  # the same words, already shown
