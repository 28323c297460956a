"""Which quote the brief cites for each node and link, and what drives a trend
(kg.brief.quotes), on the hand-made trace of tests/briefdata.py: expected quotes worked out by
hand from the sections each item is quoted in.
"""

from __future__ import annotations

from briefdata import ID, TRACE, ev, item, link

from kg.brief.quotes import chosen_quotes, link_key, trend_drivers


def test_link_key_names_source_predicate_and_target():
    lk = link("cm", "cbec:addresses", "ch")
    assert link_key(lk) == f"{ID}cm cbec:addresses {ID}ch"


def test_each_node_quotes_the_section_in_focus():
    q = chosen_quotes(TRACE)
    # the challenge: its own 2.1 heading, not the abstract it is also quoted in
    assert q[ID + "ch"]["quote"] == "（一）困境标题"
    # an effect quoted in 1.1 and in the challenge's 2.1: the challenge's section
    assert (q[ID + "effect"]["section"], q[ID + "effect"]["quote"]) == ("2.1", "后果的话")
    # remedies and trends keep their own sections
    assert q[ID + "act"]["section"] == "3.1" and q[ID + "trend"]["section"] == "4.3"
    # a law quoted in the abstract and in 4.4: the trends' section
    assert q[ID + "law"]["quote"] == "电子商务法正式实施"


def test_a_link_quotes_a_section_before_the_abstract():
    q = chosen_quotes(TRACE)
    addresses = link_key(TRACE["links"][3])
    assert TRACE["links"][3]["evidence"][0]["section"] == "0"  # the paper's order puts it first
    assert q[addresses]["quote"] == "对策应对困境"


def test_the_abstract_is_quoted_when_nothing_else_is():
    only = item("x", "cbec:Cause", ev("0", "摘要"))
    t = {"focus": item("h", "cbec:Challenge", ev("2.2", "标题")), "causes": [only], "links": []}
    assert chosen_quotes(t)[ID + "x"]["quote"] == "摘要"


def test_a_problem_of_another_challenge_section_quotes_this_challenge():
    # an effect of two challenges, quoted in both sections: each brief section quotes its own
    shared = item("e", "cbec:Effect", ev("2.1", "一"), ev("2.2", "二"))
    for section, words in (("2.1", "一"), ("2.2", "二")):
        t = {"focus": item("h", "cbec:Challenge", ev(section, "标题")), "effects": [shared]}
        assert chosen_quotes({**t, "links": []})[ID + "e"]["quote"] == words


def test_trend_drivers_by_kind_in_the_papers_order():
    found = trend_drivers(TRACE, ID + "trend")
    assert [(kind, [lk["target"] for lk in links]) for kind, links in found] == [
        ("driven_by", [ID + "tech", ID + "tech-2"]),
        ("laws", [ID + "law"]),
        ("standards", [ID + "std"]),
    ]
    assert trend_drivers(TRACE, ID + "cm") == []  # only a trend's hasDriver links count
    # a kind with nothing in it is left out
    no_law = {**TRACE, "links": [lk for lk in TRACE["links"] if lk["target"] != ID + "law"]}
    assert [kind for kind, _ in trend_drivers(no_law, ID + "trend")] == ["driven_by", "standards"]
