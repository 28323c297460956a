"""A small brief made by hand, for the tests of the brief's modules (import as
``from briefdata import ...``): one challenge's trace with a problem tree (one cause brought in
by an inferred link), a countermeasure with an action and who acts, an action no one is named
for, a trend with what supports it and what drives it (a technology, a law, a standard), and a
few statistics — every value chosen here, so that a test can say what the brief must print.

Some quotes are shared on purpose: a node and the link that brings it in, two statistics of one
sentence, two drivers of one clause.
"""

from __future__ import annotations

import functools
from typing import Any

from kg.brief.content import Content, Num
from kg.charts import Chart, ChartSpec, Point

ID = "https://w3id.org/cbec-kg/id/"
EVIL = "<img src=x onerror=alert(1)> *bold* | `code`"


def ev(section: str, quote: str) -> dict[str, Any]:
    return {"section": section, "quote": quote, "stated": True}


def item(name: str, type_: str, *evidence: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "iri": ID + name,
        "type": type_,
        "label": {"en": name, "zh": f"{name}（中）"},
        "evidence": list(evidence),
        **extra,
    }


def link(
    source: str, predicate: str, target: str, *evidence: dict[str, Any], why: str | None = None
) -> dict[str, Any]:
    return {
        "source": ID + source,
        "predicate": predicate,
        "target": ID + target,
        "stated": why is None,
        "rationale": why,
        "evidence": list(evidence),
    }


HEADING = ev("2.1", "（一）困境标题")
ASYMMETRY = ev("2.1", "信息不对称的问题")
DRIVERS = ev("4.3", "随着大数据、区块链等技术")

TRACE: dict[str, Any] = {
    "focus": item("ch", "cbec:Challenge", ev("0", "摘要里的话"), HEADING),
    "challenges": [
        item("ch", "cbec:Challenge", ev("0", "摘要里的话"), HEADING, causes=[ID + "cause-a"])
    ],
    "effects": [
        item(
            "effect",
            "cbec:Effect",
            ev("1.1", "现状里的话"),
            ev("2.1", "后果的话"),
            causes=[ID + "ch"],
        )
    ],
    "causes": [
        item("cause-a", "cbec:Cause", ASYMMETRY, causes=[ID + "cause-b"]),
        item("cause-b", "cbec:Cause", ev("2.1", "文化差异"), causes=[]),
    ],
    "countermeasures": [item("cm", "cbec:Countermeasure", ev("3.1", "（一）对策标题"), actors=[])],
    "actions": [
        item("act", "cbec:Action", ev("3.1", "鼓励机构开展业务"), actors=[ID + "actor"]),
        item("lone", "cbec:Action", ev("3.1", "无人负责的措施"), actors=[]),
    ],
    "trends": [item("trend", "cbec:Trend", ev("4.3", "（三）全流程数字化"))],
    "actors": [item("actor", "cbec:Actor", ev("3.1", "境内相关机构"))],
    "related": [
        item("tech", "cbec:Technology", DRIVERS),
        item("tech-2", "cbec:Technology", DRIVERS),
        item("law", "cbec:Policy", ev("0", "摘要里的政策"), ev("4.4", "电子商务法正式实施")),
        item("std", "cbec:Standard", ev("4.4", "《服务质量评价》")),
    ],
    "links": [
        link("effect", "cbec:hasCause", "ch", ev("2.1", "后果的话")),
        link("ch", "cbec:hasCause", "cause-a", ASYMMETRY, why="read between the lines"),
        link("cause-a", "cbec:hasCause", "cause-b", ev("2.1", "文化差异")),
        link("cm", "cbec:addresses", "ch", ev("0", "并提出相应的对策"), ev("3.1", "对策应对困境")),
        link("cm", "cbec:hasAction", "act", ev("3.1", "鼓励机构开展业务")),
        link("cm", "cbec:hasAction", "lone", ev("3.1", "无人负责的措施")),
        link("act", "cbec:responsibleActor", "actor", ev("3.1", "鼓励机构开展业务")),
        link("cm", "cbec:supports", "trend", ev("3.1", "助推趋势"), why="the curator's reading"),
        link("trend", "cbec:hasDriver", "tech", DRIVERS),
        link("trend", "cbec:hasDriver", "tech-2", DRIVERS),
        link("trend", "cbec:hasDriver", "law", ev("4.4", "电子商务法正式实施")),
        link("trend", "cbec:hasDriver", "std", ev("4.4", "《服务质量评价》")),
    ],
    "none": {},
}

NAMES = {
    i["iri"]: i["label"]
    for key, group in TRACE.items()
    if isinstance(group, list) and key != "links"
    for i in group
}
NAMES[ID + "unit"] = {"en": "per cent", "zh": "百分比"}


def point(name: str, value: str, section: str, quote: str, **extra: Any) -> Point:
    return Point(
        iri=ID + name,
        indicator=ID + "indicator-" + name,
        indicator_label={"en": f"Indicator {name}", "zh": f"指标{name}"},
        period=extra.pop("period", "2020"),
        value=value,
        unit=ID + "unit",
        unit_label={"en": "per cent", "zh": "百分比"},
        agency_label={"en": "Customs", "zh": "海关"},
        section=section,
        quote=quote,
        **extra,
    )


SHARES = "B2B和B2C交易占比分别为77.3%和22.7%"
STATISTICS = [
    point("obs-value", "7981", "1.1", "出口额为7981亿元"),
    point("obs-users", "1.6", "1.2", "已超出1.6亿人", qualifier="more than", period="2021-H1"),
    point(
        "obs-b2b",
        "77.3",
        "1.3",
        SHARES,
        model=ID + "b2b",
        model_label={"en": "B2B", "zh": "企业对企业"},
    ),
    point(
        "obs-b2c",
        "22.7",
        "1.3",
        SHARES,
        model=ID + "b2c",
        model_label={"en": "B2C", "zh": "企业对消费者"},
    ),
    point("obs-services", "52982.7", "4.2", "服务贸易进出口总额达52982.7亿元"),
]

CHART = Chart(
    spec=ChartSpec("export-value", "values", "id:indicator-obs-value"),
    points=STATISTICS[:1],
    title={"en": "Export value", "zh": "出口额"},
    axis={"en": "100 million yuan", "zh": "亿元"},
    source={"en": "Source: Customs, §1.1", "zh": "数据来源：海关，§1.1"},
    note={"en": "", "zh": ""},
    svg=b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
)

OBS = ID + "obs-growth"


def content(**changes: Any) -> Content:
    """The hand-made content; ``changes`` replace its fields."""
    fields: dict[str, Any] = {
        "source": {
            "creator": {"en": "Xiang Yuxiang", "zh": "向宇翔"},
            "title": {"en": "A paper", "zh": "一篇论文"},
            "publisher": {"en": "A college", "zh": "某学院"},
        },
        "version": "9.8.7",
        "ontology_version": "1.2.3",
        "kg_hash": "ab" * 32,
        "challenges": [TRACE],
        "definitions": {ID + "ch": {"en": "A definition.", "zh": "一个定义。"}},
        "charts": [CHART],
        "mismatches": [
            {
                "en": ["Growth, ", Num("2020", "period", (OBS,)), ": ", Num("39.2", "obs", (OBS,))],
                "zh": ["增长，", Num("2020", "period", (OBS,)), "：", Num("39.2", "obs", (OBS,))],
            }
        ],
        "consistent": [
            {
                "en": ["Shares add up: ", Num("100.0", "sum", (OBS,))],
                "zh": ["占比合计：", Num("100.0", "sum", (OBS,))],
            }
        ],
        "unverifiable": [
            {
                "en": "Indicator obs-value (2019)",
                "zh": "指标obs-value（2019）",
                "iri": ID + "obs-value",
                "indicator": ID + "indicator-obs-value",
                "period": "2019",
            }
        ],
        "gaps": {
            "problems_without_remedy": [[ID + "cause-b", ID + "ch"]],
            "trends_without_support": [],
        },
        "leverage": [
            {
                "iri": ID + "cm",
                "type": "cbec:Countermeasure",
                "score": Num("3", "leverage", (ID + "cm",)),
                "stated": Num("2", "stated-leverage", (ID + "cm",)),
                "problems": [ID + "ch", ID + "effect", ID + "cause-a"],
            }
        ],
        "names": {
            **NAMES,
            ID + "indicator-obs-value": {"en": "Indicator obs-value", "zh": "指标obs-value"},
        },
        "statistics": STATISTICS,
    }
    fields.update(changes)
    return Content(**fields)


@functools.cache
def paper_content() -> Content:
    """What the brief says about the paper's KG (the default store), collected once per session
    for the tests of both renderers. Do not mutate it (use dataclasses.replace)."""
    from kg.api import KnowledgeGraph
    from kg.brief.content import collect
    from kg.charts import build_charts

    kg = KnowledgeGraph.open()
    return collect(kg, build_charts(kg.backend, render=False))
