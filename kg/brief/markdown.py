"""The brief as Markdown: the same content as the HTML page (:mod:`kg.brief.content`), every
piece of KG text escaped with :func:`kg.render.markdown.escape`, the charts and figures linked
from the files written beside it. As on the page, each node and link cites the quote
:func:`kg.brief.quotes.chosen_quotes` picks, and a section shows each quote once (a later
citation of the same words gives the section and says it is quoted above)."""

from __future__ import annotations

from typing import Any

from kg.brief.content import Content, Num, Segment
from kg.brief.quotes import Item, chosen_quotes, link_key, plays, trend_drivers
from kg.brief.words import w
from kg.namespaces import curie
from kg.render.markdown import escape
from kg.render.text import rationale_in

__all__ = ["brief_markdown"]


def _seg(segments: list[Segment]) -> str:
    return "".join(escape(s.text) if isinstance(s, Num) else escape(s) for s in segments)


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


class _Doc:
    def __init__(self, content: Content, lang: str):
        self.c, self.lang = content, lang
        self.other = "zh" if lang == "en" else "en"
        self.lines: list[str] = []
        self.quotes: dict[str, dict[str, Any]] = {}
        self.shown: set[tuple[str, str]] = set()

    def begin(self, quotes: dict[str, dict[str, Any]] | None = None) -> None:
        """Start a section: its quotes are shown once each; nodes and links cite ``quotes``."""
        self.quotes, self.shown = quotes or {}, set()

    def name(self, iri: str) -> str:
        names = self.c.names.get(iri, {})
        return escape(names.get(self.lang) or names.get(self.other) or curie(iri))

    def quoted(self, ev: dict[str, Any]) -> str:
        """``§2.1 「quote」``, or ``§2.1 as quoted above`` when the section has shown it."""
        key = (ev["section"], ev["quote"])
        if key in self.shown:
            return f"§{escape(ev['section'])} {escape(w('again', self.lang))}"
        self.shown.add(key)
        return f"§{escape(ev['section'])} 「{escape(ev['quote'])}」"

    def cite(self, ev: dict[str, Any]) -> str:
        return f"({self.quoted(ev)})"

    def quote(self, key: str, evidence: list[dict[str, Any]]) -> dict[str, Any] | None:
        """The quote chosen for a node or link (``key``: IRI or link key), else its first."""
        return self.quotes.get(key) or (evidence[0] if evidence else None)

    def node(self, item: dict[str, Any]) -> str:
        ev = self.quote(item["iri"], item.get("evidence") or [])
        return f"**{self.name(item['iri'])}** {self.cite(ev) if ev else ''}".rstrip()

    def note(self, link: dict[str, Any]) -> str:
        ev = self.quote(link_key(link), link.get("evidence") or [])
        text = self.cite(ev) if ev else ""
        if not link["stated"]:
            why = rationale_in(link, self.lang)
            text += f" *{escape(w('inferred', self.lang))}{w('colon', self.lang)}{escape(why)}*"
        return text.strip()

    def reach(self, r: dict[str, Any]) -> str:
        """`` reaches N problems (M stated)`` of a remedy in the leverage ranking."""
        n, stated = r["score"].text, r["stated"].text
        return escape(w("reaches", self.lang, n=n) + w("stated_part", self.lang, n=stated))

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def tree(
        self,
        iri: str,
        items: dict[str, Item],
        links: list[Item],
        depth: int,
        seen: set[str],
        via: Item | None = None,
    ) -> None:
        """The problem ``iri`` and, nested, what causes it; ``via`` is the link from the problem
        above, whose note (an inferred link's rationale) follows the node."""
        if iri in seen or iri not in items:
            return
        seen.add(iri)
        item = items[iri]
        line = f"{'  ' * depth}- {self.node(item)}"
        if via is not None and not via["stated"]:
            line += " " + self.note(via)
        self.add(line)
        for child in item.get("causes", []):
            link = next(
                (
                    lk
                    for lk in links
                    if lk["source"] == iri and lk["target"] == child and plays(lk, "causal")
                ),
                None,
            )
            self.tree(child, items, links, depth + 1, seen, link)

    def relations(self, remedy: str, links: list[Item], depth: int) -> None:
        for role, word in (("remedy", "addresses"), ("outcome", "supports")):
            found = [lk for lk in links if lk["source"] == remedy and plays(lk, role)]
            if found:
                body = w("sep", self.lang).join(
                    f"{self.name(lk['target'])} {self.note(lk)}" for lk in found
                )
                self.add(
                    f"{'  ' * depth}- {escape(w(word, self.lang))}{w('colon', self.lang)}{body}"
                )

    def challenge(self, t: dict[str, Any], n: int) -> None:
        focus, links = t["focus"], t["links"]
        self.begin(chosen_quotes(t))
        items = {
            i["iri"]: i for k, v in t.items() if isinstance(v, list) and k != "links" for i in v
        }
        other = escape(self.c.names.get(focus["iri"], {}).get(self.other, ""))
        self.add(
            f"### {escape(w('challenge_n', self.lang))} {n}{w('colon', self.lang)}"
            f"{self.name(focus['iri'])} ({other})",
            "",
        )
        ev = self.quote(focus["iri"], focus.get("evidence") or [])
        if ev:
            self.add(self.cite(ev), "")
        definition = self.c.definitions.get(focus["iri"], {}).get(self.lang)
        if definition:
            self.add(escape(definition), "")
        slug = _slug(focus["iri"])
        self.add(f"![{self.name(focus['iri'])}](figures/{slug}.{self.lang}.svg)", "")
        self.add(f"*{escape(w('figure_caption', self.lang))}*", "")
        self.add(f"#### {escape(w('problem_tree', self.lang))}", "")
        if t.get("effects"):
            self.add(f"{escape(w('effects', self.lang))}{w('colon', self.lang).rstrip()}", "")
            self.add(*[f"- {self.node(e)}" for e in t["effects"]])
            self.add("")
        elif "effects" in t.get("none", {}):
            self.add(f"*{escape(t['none']['effects'][self.lang])}*", "")
        self.tree(focus["iri"], items, links, 0, set())
        self.add("", f"#### {escape(w('remedies', self.lang))}", "")
        shown: set[str] = set()
        for cm in t.get("countermeasures", []):
            self.add(f"- {self.node(cm)}")
            self.relations(cm["iri"], links, 1)
            for lk in links:
                if lk["source"] == cm["iri"] and plays(lk, "composition"):
                    shown.add(lk["target"])
                    self.action(items[lk["target"]], links, 1)
        for a in sorted({a["iri"] for a in t.get("actions", [])} - shown):
            self.action(items[a], links, 0)
        self.add("", f"#### {escape(w('trends', self.lang))}", "")
        if t.get("trends"):
            for tr in t["trends"]:
                self.add(f"- {self.node(tr)}")
                sup = [lk for lk in links if lk["target"] == tr["iri"] and plays(lk, "outcome")]
                for lk in sup:
                    head = escape(w("supported_by", self.lang))
                    self.add(
                        f"  - {head}{w('colon', self.lang)}"
                        f"{self.name(lk['source'])} {self.note(lk)}"
                    )
                for kind, found in trend_drivers(t, tr["iri"]):
                    body = w("sep", self.lang).join(
                        f"{self.name(lk['target'])} {self.note(lk)}" for lk in found
                    )
                    self.add(f"  - {escape(w(kind, self.lang))}{w('colon', self.lang)}{body}")
        elif "trends" in t.get("none", {}):
            self.add(f"*{escape(t['none']['trends'][self.lang])}*")
        self.add("")

    def action(self, item: Item, links: list[Item], depth: int) -> None:
        pad = "  " * depth
        self.add(f"{pad}- {self.node(item)}")
        self.relations(item["iri"], links, depth + 1)
        who = [lk for lk in links if lk["source"] == item["iri"] and plays(lk, "responsibility")]
        if who:
            body = w("sep", self.lang).join(
                f"{self.name(lk['target'])} {self.note(lk)}" for lk in who
            )
        else:
            body = f"*{escape(w('no_actor', self.lang))}*"
        self.add(f"{pad}  - {escape(w('who_acts', self.lang))}{w('colon', self.lang)}{body}")

    def render(self) -> str:
        c, lang = self.c, self.lang
        src = c.source
        sub = w(
            "subtitle",
            lang,
            creator=src.get("creator", {}).get(lang, ""),
            title=src.get("title", {}).get(lang, ""),
        )
        self.add(
            f"# {escape(w('title', lang))}",
            "",
            f"*{escape(sub)}*",
            "",
            f"> {escape(w('reading', lang))}",
            "",
        )
        self.add(f"## {escape(w('key_points', lang))}", "")
        names = w("sep", self.lang).join(self.name(t["focus"]["iri"]) for t in c.challenges)
        self.add(f"- {escape(w('kp_challenges', lang))}{names}{w('stop', self.lang)}")
        for m in c.mismatches:
            self.add(f"- {escape(w('kp_mismatch', lang))}{_seg(m[lang])}")
        unremedied = c.gaps.get("problems_without_remedy", [])
        if unremedied:
            listed = w("sep", lang).join(self.name(r[0]) for r in unremedied)
            self.add(f"- {escape(w('kp_gaps', lang))}{listed}{w('stop', lang)}")
        if c.leverage:
            top = c.leverage[0]
            reach = self.reach(top)
            self.add(
                f"- {escape(w('kp_leverage', lang))}**{self.name(top['iri'])}**{reach}"
                f"{w('stop', lang)}"
            )
        self.add("", f"## {escape(w('challenges', lang))}", "")
        for n, t in enumerate(c.challenges, 1):
            self.challenge(t, n)
        self.add(f"## {escape(w('figures', lang))}", "", escape(w("figures_intro", lang)), "")
        heads = [
            w(h, lang)
            for h in ("th_indicator", "th_period", "th_value", "th_unit", "th_by", "th_cite")
        ]
        for chart in c.charts:
            title = escape(f"{chart.title['en']} · {chart.title['zh']}")
            self.add(
                f"![{title}](../charts/{chart.spec.slug}.svg)",
                "",
                f"*{escape(chart.source[lang])}*",
                "",
            )
        self.begin()
        self.add(f"### {escape(w('all_figures', lang))}", "")
        self.add("| " + " | ".join(escape(h) for h in heads) + " |", "|---|---|---:|---|---|---|")
        for p in c.statistics:
            model = f" · {p.model_label.get(lang, '')}" if p.model else ""
            value = f"{p.qualifier} {p.value}" if p.qualifier else p.value
            cells = [
                escape(x)
                for x in (
                    p.indicator_label[lang] + model,
                    p.period,
                    value,
                    p.unit_label[lang],
                    p.agency_label.get(lang, ""),
                )
            ]
            cite = self.quoted({"section": p.section, "quote": p.quote}) if p.quote else ""
            self.add("| " + " | ".join([*cells, cite]) + " |")
        self.add("")
        self.add(f"## {escape(w('consistency', lang))}", "")
        for key, items in (("mismatch_lead", c.mismatches), ("consistent_lead", c.consistent)):
            if items:
                self.add(escape(w(key, lang)), "", *[f"- {_seg(m[lang])}" for m in items], "")
        if c.unverifiable:
            self.add(
                escape(w("unverifiable_lead", lang)),
                "",
                *[f"- {escape(u[lang])}" for u in c.unverifiable],
                "",
            )
        self.add(f"## {escape(w('gaps', lang))}", "")
        for kind, rows in c.gaps.items():
            self.add(f"### {escape(w('gap_' + kind, lang))}", "")
            if rows:
                self.add(*[f"- {' ← '.join(self.name(i) for i in row)}" for row in rows])
            else:
                self.add(escape(w("gap_none", lang)))
            self.add("")
        self.add(f"## {escape(w('leverage', lang))}", "", escape(w("leverage_intro", lang)), "")
        for i, r in enumerate(c.leverage, 1):
            reach = self.reach(r)
            problems = w("sep", self.lang).join(self.name(p) for p in r["problems"])
            self.add(f"{i}. **{self.name(r['iri'])}**{reach}{w('colon', self.lang)}{problems}")
        self.add("", f"## {escape(w('cite', lang))}", "")
        paper = (
            f"{src.get('creator', {}).get(lang, '')}. {src.get('title', {}).get(lang, '')} "
            f"({src.get('title', {}).get(self.other, '')}). "
            f"{src.get('publisher', {}).get(lang, '')}. "
            f"{w('year_unknown', lang)}"
        )
        self.add(f"- **{escape(w('cite_paper', lang))}.** {escape(paper)}")
        self.add(
            f"- **{escape(w('cite_kg', lang))}.** {escape(w('cite_kg_text', lang))}`{c.version}`"
            f"{escape(w('cite_ontology', lang))}`{c.ontology_version}`. `https://w3id.org/cbec-kg/`"
        )
        self.add(f"- {escape(w('cite_hash', lang))}`sha256:{c.kg_hash}`", "")
        return "\n".join(self.lines)


def brief_markdown(content: Content, lang: str = "en") -> str:
    """The brief in ``lang`` as Markdown."""
    return _Doc(content, lang).render()
