"""Plain-text renderings (kg.render.text): the trace's trees, links marked stated or inferred,
the gaps, paths, named queries, prefixes and figure checks."""

from __future__ import annotations

from helpers import EVIL, sample_trace, trace_item

from kg.checks import Finding
from kg.query import NamedQuery, Param
from kg.render.text import (
    best_quote,
    chain_groups,
    checks_text,
    gaps_text,
    label_in,
    path_text,
    prefixes_text,
    queries_text,
    quote_of,
    rationale_in,
    trace_text,
)

TRACE = sample_trace()


def ev(section, quote):
    return {"section": section, "quote": quote}


def step(**extra):
    return {
        "from_label_en": "A",
        "to_label_en": "B",
        "from_label_zh": "甲",
        "to_label_zh": "乙",
        "reading": {"en": "leads to", "zh": "导致"},
        "predicate": "cbec:hasCause",
        "direction": "forward",
        "along_chain": True,
        "stated": True,
        "recorded": True,
        "rationale": None,
        "evidence": [],
        "alternatives": [],
        **extra,
    }


# --- the trace -------------------------------------------------------------------------------


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


def test_the_focus_is_starred_and_a_node_reached_by_inference_is_marked():
    t = sample_trace()
    t["actions"][0]["via_inferred"] = True
    lines = trace_text(t).splitlines()
    assert "  * Credit gap" in lines  # the focus, in its group: no quote of its own
    assert "  • Credit gap" not in lines
    assert "  • Payment law  — Government  (via an inferred link)  §3.1 「支付」" in lines


def test_stated_and_inferred_links_are_told_apart_with_their_readings():
    t = sample_trace()
    t["links"].append(
        {
            "source": "urn:h",
            "predicate": "cbec:hasCause",
            "target": "urn:c1",
            "stated": True,
            "evidence": [ev("2.1", "成因")],
        }
    )
    lines = trace_text(t, "en", readings={"cbec:hasCause": "has cause"}).splitlines()
    at = lines.index("Links (2, 1 inferred)")
    assert lines[at + 1 :] == [
        "  Payment law —addresses→ Payment risk  [INFERRED: read into 3.1]",
        "      §3.1 「支付」",
        "  Credit gap —has cause→ Payment risk  [stated]",
        "      §2.1 「成因」",
    ]


def test_an_inferred_link_gives_its_rationale_in_the_language_asked_for():
    t = sample_trace()
    t["links"][0]["rationales"] = {"en": "read into 3.1", "zh": "由3.1推断"}
    assert "[推断: 由3.1推断]" in trace_text(t, "zh")
    assert "[INFERRED: read into 3.1]" in trace_text(t, "en")


def test_headings_counts_and_groups_without_members():
    text = trace_text(TRACE, "en", {"causes": "Causes"})
    lines = text.splitlines()
    assert "Causes (2)" in lines and "actions (1)" in lines  # heading or, without one, the key
    assert "effects (0)" in lines  # an empty group that says why it is empty
    assert "countermeasures (" not in text and "trends (" not in text  # empty, nothing to say


def test_at_most_three_quotes_of_the_focus_are_shown():
    t = sample_trace()
    t["focus"]["evidence"] = [ev("2.1", f"q{i}") for i in range(1, 5)]
    lines = trace_text(t).splitlines()
    assert lines[1:4] == ["  §2.1 「q1」", "  §2.1 「q2」", "  §2.1 「q3」"]
    assert "q4" not in "\n".join(lines)


def test_causes_in_a_cycle_are_each_printed_once():
    t = {
        "focus": trace_item("urn:h", "H", "H"),
        "causes": [
            trace_item("urn:x", "X", "X", causes=["urn:y"]),
            trace_item("urn:y", "Y", "Y", causes=["urn:x"]),
        ],
        "links": [],
        "none": {},
    }
    lines = trace_text(t).splitlines()
    at = lines.index("causes (2)")
    assert lines[at + 1 : at + 3] == ["  • X", "    • Y"]
    assert sum("• " in line for line in lines) == 2


# --- the pieces --------------------------------------------------------------------------------


def test_label_in_falls_back_to_the_other_language_then_the_iri():
    assert label_in({"iri": "urn:x", "label": {"en": "E", "zh": "中"}}, "zh") == "中"
    assert label_in({"iri": "urn:x", "label": {"en": "", "zh": "中"}}, "en") == "中"
    assert label_in({"iri": "urn:x", "label": {"en": "E"}}, "zh") == "E"
    assert label_in({"iri": "urn:x", "label": {}}, "en") == "urn:x"


def test_rationale_in_falls_back_to_the_other_language_then_the_default():
    assert rationale_in({"rationales": {"en": "E", "zh": "Z"}}, "zh") == "Z"
    assert rationale_in({"rationales": {"en": "E"}, "rationale": "R"}, "zh") == "E"
    assert rationale_in({"rationales": {}, "rationale": "R"}, "en") == "R"
    assert rationale_in({"rationale": None}, "en") == ""


def test_quote_of():
    assert quote_of(ev("2.2", "跨境")) == "§2.2 「跨境」"


def test_chain_groups_are_the_lists_in_order_without_focus_links_or_none():
    t = {"focus": {}, "b": [1], "links": [], "a": [], "none": {}, "note": "x"}
    assert chain_groups(t) == [("b", [1]), ("a", [])]


def test_best_quote_prefers_own_quotes_from_the_focus_sections_then_the_links_sections():
    item = {"iri": "urn:x", "evidence": [ev("2.1", "own a"), ev("3.1", "own b")]}
    links = [
        {"source": "urn:x", "target": "urn:y", "evidence": [ev("4.1", "link")]},
        {"source": "urn:z", "target": "urn:y", "evidence": [ev("3.1", "not x's")]},
    ]
    assert best_quote(item, {"3.1"}, links) == ev("3.1", "own b")
    touching_21 = [{"source": "urn:y", "target": "urn:x", "evidence": [ev("2.1", "l")]}]
    assert best_quote(item, {"9"}, touching_21) == ev("2.1", "own a")
    assert best_quote(item, {"9"}, links) == ev("4.1", "link")  # no own quote fits: the link's
    assert best_quote(item, {"9"}, []) == ev("2.1", "own a")  # else its first
    assert best_quote({"iri": "urn:x", "evidence": []}, {"2.1"}, links[1:]) is None


# --- gaps, paths, queries, prefixes, checks --------------------------------------------------


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


def test_gaps_text_joins_the_cells_of_a_row_and_titles_unknown_kinds_by_key():
    gaps = {
        "orphans": [
            {"a": {"label": "X", "curie": "id:x"}, "b": {"label": "Y", "curie": "id:y"}},
        ],
        "empty": [],
    }
    assert gaps_text(gaps, {}) == "orphans (1)\n  • X <id:x>  ←  Y <id:y>\n\nempty (0)\n"


def test_path_text_counts_steps_and_marks_inferred_and_off_chain_steps():
    steps = [
        step(evidence=[ev("2.1", "q")]),
        step(stated=False, rationale="a reading", outside_chain=True, along_chain=False),
        step(stated=False, alternatives=[{"predicate": "cbec:x", "direction": "forward"}]),
    ]
    text = path_text({"mode": "chain", "reversed": False, "paths": [steps, []]})
    assert text.splitlines() == [
        "Path 1 (3 steps, along the chain):",
        "  A —leads to→ B  (stated)",
        "      §2.1 「q」",
        "  A —leads to→ B  (inferred: a reading)  [outside the chain]",
        "  A —leads to→ B  (inferred)",
        "      also cbec:x (forward)",
        "Path 2 (0 steps, along the chain):",
        "  (same node)",
    ]


def test_path_text_in_chinese_falls_back_to_the_predicate_without_a_reading():
    text = path_text(
        {"mode": "any", "paths": [[step(), step(reading={"en": "only English"})]]}, "zh"
    )
    assert text.splitlines()[1:] == [
        "  甲 —导致→ 乙  (stated)",
        "  甲 —cbec:hasCause→ 乙  (stated)",
    ]
    assert text.startswith("Path 1 (2 steps, over any link):")


def test_queries_text_lists_parameters_and_which_are_optional():
    q = NamedQuery(
        "trace",
        "Trace",
        "Walk the chain.",
        (Param("node", "iri", "The node."), Param("lang", "string", "Language.", required=False)),
    )
    assert queries_text([q]) == (
        "trace\n    Trace. Walk the chain.\n"
        "    --param node=<iri>  The node.\n"
        "    --param lang=<string, optional>  Language.\n"
    )


def test_prefixes_text_is_ready_to_paste():
    assert prefixes_text({"cbec": "urn:c#", "id": "urn:i/"}) == (
        "PREFIX cbec:     <urn:c#>\nPREFIX id:       <urn:i/>\n"
    )


def test_checks_text_counts_the_mismatches():
    findings = [Finding("sum", "ok", "a adds up"), Finding("sum", "mismatch", "b does not")]
    assert checks_text(findings) == (
        "          ok  a adds up\n    mismatch  b does not\n2 checks, 1 mismatch(es).\n"
    )


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
