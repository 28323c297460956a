"""The brief's own words (headings and fixed sentences) in English and Chinese."""

from __future__ import annotations

W: dict[str, dict[str, str]] = {
    "kicker": {"en": "Policy brief", "zh": "政策简报"},
    "title": {
        "en": "China's cross-border e-commerce: problems, remedies and trends",
        "zh": "我国跨境电商：困境、对策与趋势",
    },
    "subtitle": {
        "en": "An evidenced brief drawn from the cbec-kg knowledge graph of {creator}, “{title}”",
        "zh": "依据 cbec-kg 知识图谱整理的循证简报；所据原文：{creator}《{title}》",
    },
    "reading": {
        "en": "Every statement cites the paper: §2.4 is the paper's section 二（四）, followed by "
        "the quoted words in 「」. Links a curator inferred, rather than read in the paper, are "
        "marked “inferred” with the curator's rationale. Numbers are printed exactly as the "
        "paper prints them.",
        "zh": "每项陈述均注明原文出处：§2.4 即原文第二部分第（四）节，其后「」内为原文引文。"
        "非原文陈述、由整理者推断的关系标注“推断”并给出理由。所有数字均照录原文。",
    },
    "key_points": {"en": "Key points", "zh": "要点"},
    "kp_challenges": {"en": "The paper identifies these challenges: ", "zh": "原文指出的困境："},
    "kp_mismatch": {
        "en": "One of its figures disagrees with its own numbers. ",
        "zh": "原文数字存在不一致：",
    },
    "kp_gaps": {
        "en": "Problems no remedy in the paper reaches: ",
        "zh": "原文对策未触及的问题：",
    },
    "kp_leverage": {
        "en": "The remedy with the most leverage: ",
        "zh": "杠杆度最高的对策：",
    },
    "reaches": {"en": " reaches {n} problems", "zh": "触及 {n} 个问题"},
    "stated_part": {"en": " ({n} stated)", "zh": "（其中原文陈述 {n} 个）"},
    "challenges": {"en": "The challenges", "zh": "困境"},
    "challenge_n": {"en": "Challenge", "zh": "困境"},
    "figure_caption": {
        "en": "The problem tree, the remedies (who acts in grey) and the trends they support. "
        "Dashed lines: inferred by a curator.",
        "zh": "问题树、对策与措施（灰字为实施主体）及其助推的趋势。虚线：整理者推断。",
    },
    "problem_tree": {"en": "Problem tree", "zh": "问题树"},
    "effects": {"en": "Effects", "zh": "后果"},
    "remedies": {"en": "Remedies", "zh": "对策与措施"},
    "trends": {"en": "Trends they support", "zh": "所助推的趋势"},
    "addresses": {"en": "Addresses", "zh": "应对"},
    "who_acts": {"en": "Who acts", "zh": "实施主体"},
    "no_actor": {
        "en": "The paper names no one responsible for this action.",
        "zh": "原文未指明此措施的实施主体。",
    },
    "supports": {"en": "Supports", "zh": "助推"},
    "supported_by": {"en": "Supported by", "zh": "助推者"},
    "driven_by": {"en": "Driven by", "zh": "驱动因素"},
    "laws": {"en": "Laws and policies", "zh": "法律政策"},
    "standards": {"en": "Standards", "zh": "标准"},
    "again": {"en": "as quoted above", "zh": "引文见上"},
    "produced_by": {"en": "produced by", "zh": "成因"},
    "inferred": {"en": "inferred by a curator", "zh": "整理者推断"},
    "figures": {"en": "The paper's figures", "zh": "原文数据"},
    "figures_intro": {
        "en": "The paper's statistics charted from the KG, then every figure it prints in one "
        "table, in the paper's order; the data of each chart is also in charts/*.csv.",
        "zh": "由知识图谱绘制的原文统计图表，其后按原文顺序列出原文所载全部数据；"
        "各图数据另见 charts/*.csv。",
    },
    "all_figures": {
        "en": "Every figure the paper prints, in its order",
        "zh": "原文所载全部数据（按原文顺序）",
    },
    "th_indicator": {"en": "Indicator", "zh": "指标"},
    "th_period": {"en": "Period", "zh": "时期"},
    "th_value": {"en": "Value", "zh": "数值"},
    "th_unit": {"en": "Unit", "zh": "单位"},
    "th_by": {"en": "Reported by", "zh": "发布机构"},
    "th_cite": {"en": "Citation", "zh": "出处"},
    "consistency": {"en": "Do the figures add up?", "zh": "数字是否自洽？"},
    "mismatch_lead": {
        "en": "Inconsistent — the KG keeps the printed figure and flags the disagreement "
        "(kg check; named query inconsistent-figures):",
        "zh": "不一致——知识图谱保留原文数字，并标记其不一致"
        "（kg check；命名查询 inconsistent-figures）：",
    },
    "consistent_lead": {
        "en": "Consistent within the rounding of the printed figures:",
        "zh": "在原文数字的舍入范围内一致：",
    },
    "unverifiable_lead": {
        "en": "Cannot be checked (the paper gives no base value):",
        "zh": "无法核验（原文未给出基数）：",
    },
    "gaps": {"en": "Gaps the paper leaves", "zh": "原文留下的空白"},
    "gap_none": {"en": "None.", "zh": "无。"},
    "gap_problems_without_remedy": {
        "en": "Problems no remedy reaches (and the problem above them)",
        "zh": "没有任何对策触及的问题（及其上位问题）",
    },
    "gap_challenges_without_countermeasure": {
        "en": "Challenges without a countermeasure",
        "zh": "没有对策的困境",
    },
    "gap_countermeasures_without_trend": {
        "en": "Countermeasures that support no trend",
        "zh": "未助推任何趋势的对策",
    },
    "gap_trends_without_support": {
        "en": "Trends nothing in the paper supports",
        "zh": "原文中没有对策助推的趋势",
    },
    "gap_links_without_evidence": {
        "en": "Links without evidence",
        "zh": "缺少证据的关系",
    },
    "leverage": {"en": "Remedies with the most leverage", "zh": "杠杆度最高的对策"},
    "leverage_intro": {
        "en": "Leverage: how many distinct problems a remedy reaches — what it (with its "
        "actions) addresses and everything above that in the problem tree. In brackets, how "
        "many of them it reaches through links the paper states, a curator's inferences left "
        "out.",
        "zh": "杠杆度：对策（连同其措施）所应对的问题及问题树中其上各层问题的数量。"
        "括号内为仅经原文陈述的关系（不计整理者推断）所触及的问题数。",
    },
    "cite": {"en": "How to cite", "zh": "引用方式"},
    "cite_paper": {"en": "The paper", "zh": "原文"},
    "cite_kg": {"en": "This knowledge graph", "zh": "本知识图谱"},
    "cite_kg_text": {
        "en": "cbec-kg contributors. cbec-kg: a knowledge graph of China's cross-border "
        "e-commerce problems, remedies and trends. Version ",
        "zh": "cbec-kg 贡献者。cbec-kg：我国跨境电商困境、对策与趋势知识图谱。版本 ",
    },
    "cite_ontology": {"en": "; ontology ", "zh": "；本体 "},
    "cite_hash": {
        "en": "Content hash (SHA-256 of the canonical kg.nt of this build): ",
        "zh": "内容哈希（本次构建规范化 kg.nt 的 SHA-256）：",
    },
    "year_unknown": {"en": "Publication year not stated.", "zh": "原文未注明发表年份。"},
    "other_lang": {"en": "中文版", "zh": "English"},
    "sep": {"en": "; ", "zh": "；"},
    "stop": {"en": ".", "zh": "。"},
    "colon": {"en": ": ", "zh": "："},
}


def w(key: str, lang: str, **values: str) -> str:
    """The brief's words for ``key`` in ``lang``, with ``{placeholders}`` filled."""
    text = W[key][lang]
    return text.format(**values) if values else text
