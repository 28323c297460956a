"""The brief's own words (kg.brief.words): every entry in both languages with the same
placeholders, filled by ``w``; Chinese words in Chinese with full-width punctuation; and every
word the renderers ask for exists.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kg.brief.words import W, w
from kg.gaps import GAP_QUERIES

CJK = re.compile(r"[\u3000-\u303f\u2e80-\u9fff\uff00-\uffef]")
BRIEF = Path(__file__).resolve().parent.parent / "kg" / "brief"


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_is_in_english_and_chinese_with_the_same_placeholders():
    for key, words in W.items():
        assert set(words) == {"en", "zh"}, key
        assert words["en"].strip() and words["zh"].strip(), key
        assert _placeholders(words["en"]) == _placeholders(words["zh"]), key


def test_chinese_words_are_chinese():
    for key, words in W.items():
        if key != "other_lang":  # the link to the other language names it in its own
            assert CJK.search(words["zh"]), key
    assert W["other_lang"] == {"en": "中文版", "zh": "English"}
    assert (W["sep"]["zh"], W["stop"]["zh"], W["colon"]["zh"]) == ("；", "。", "：")


def test_w_fills_the_placeholders():
    assert w("reaches", "en", n="7") == " reaches 7 problems"
    assert w("reaches", "zh", n="7") == "触及 7 个问题"
    assert w("stated_part", "en", n="4") == " (4 stated)"
    assert w("stated_part", "zh", n="4") == "（其中原文陈述 4 个）"
    assert w("subtitle", "zh", creator="向宇翔", title="题目").endswith("原文：向宇翔《题目》")
    assert w("again", "en") == "as quoted above" and w("again", "zh") == "引文见上"


def test_unknown_words_and_languages_are_errors():
    with pytest.raises(KeyError):
        w("no such word", "en")
    with pytest.raises(KeyError):
        w("title", "fr")


def test_every_word_the_renderers_ask_for_exists():
    asked = set()
    for path in BRIEF.glob("*.py"):
        asked |= set(re.findall(r"""\bw\(\s*["']([a-z_]+)["']\s*[,)]""", path.read_text("utf-8")))
    assert {"title", "again", "stated_part", "all_figures", "colon"} <= asked
    assert asked <= set(W)
    # words looked up by a name the code composes or keeps in a variable
    assert {f"gap_{kind}" for kind in GAP_QUERIES} <= set(W)
    assert {"driven_by", "laws", "standards", "addresses", "supports"} <= set(W)
    assert {f"th_{h}" for h in ("indicator", "period", "value", "unit", "by", "cite")} <= set(W)
    assert {"mismatch_lead", "consistent_lead", "unverifiable_lead"} <= set(W)
