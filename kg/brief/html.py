"""The brief as one self-contained HTML page (also the source of the PDF).

Everything is inline: the style, the charts and the figures as ``data:`` images (an SVG in an
``<img>`` can run no script), and a Content-Security-Policy forbids every request and every
script. Text from the KG is escaped; every number is a ``<data>`` element naming where it comes
from (see :class:`kg.brief.content.Num`), and every node and citation carries its IRI, so the
page can be checked against the KG mechanically.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from kg.brief.content import Content, Item, Num, Segment
from kg.brief.figure import chain_figure
from kg.brief.words import w
from kg.namespaces import curie

__all__ = ["CSP", "brief_html"]

CSP = (
    "default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'; "
    "base-uri 'none'; form-action 'none'"
)

FONTS = (
    "'Noto Sans CJK SC','Source Han Sans SC','Noto Sans SC','PingFang SC','Microsoft YaHei',"
    "'WenQuanYi Micro Hei','DejaVu Sans',system-ui,sans-serif"
)

CSS = f"""
@page {{ size: A4; margin: 16mm 15mm 17mm 15mm;
  @bottom-center {{ content: counter(page) " / " counter(pages); font: 8pt {FONTS}; color: #666; }}
  @top-right {{ content: string(running); font: 8pt {FONTS}; color: #888; }} }}
@page :first {{ @top-right {{ content: none; }} }}
html {{ font: 10.5pt/1.5 {FONTS}; color: #1f1f1f; }}
body {{ max-width: 860px; margin: 24px auto; padding: 0 18px; }}
header .kicker {{ text-transform: uppercase; letter-spacing: .08em; color: #8a1c1c;
  font-size: 9pt; font-weight: bold; string-set: running content(); }}
h1 {{ font-size: 20pt; line-height: 1.2; margin: 4px 0 6px; }}
h2 {{ font-size: 14pt; border-bottom: 2px solid #8a1c1c; padding-bottom: 2px; margin-top: 26px;
  break-after: avoid; }}
h3 {{ font-size: 12pt; margin: 18px 0 4px; break-after: avoid; }}
h4 {{ font-size: 10.5pt; margin: 10px 0 2px; color: #444; break-after: avoid; }}
.subtitle {{ color: #444; margin: 0 0 8px; }}
.reading {{ font-size: 9pt; color: #555; border-left: 3px solid #ddd; padding-left: 8px; }}
.keypoints {{ background: #f7f3ee; padding: 8px 14px 8px 28px; border-radius: 4px; }}
.keypoints li {{ margin: 3px 0; }}
.other {{ font-size: 9pt; color: #666; }}
cite {{ font-style: normal; font-size: 8.5pt; color: #555; }}
cite .sec {{ color: #8a1c1c; }}
q {{ quotes: "「" "」"; }}
.inferred {{ font-size: 8.5pt; color: #8a4b00; }}
.inferred::before {{ content: "◇ "; }}
.def {{ color: #444; font-size: 9.5pt; margin: 2px 0 6px; }}
.label {{ font-weight: 600; }}
ul {{ padding-left: 20px; margin: 4px 0; }}
li {{ margin: 2px 0; }}
.rel {{ color: #666; font-size: 9pt; }}
.none {{ color: #777; font-style: italic; }}
figure {{ margin: 10px 0; break-inside: avoid; }}
figure img {{ max-width: 100%; height: auto; border: 1px solid #eee; }}
figcaption {{ font-size: 8.5pt; color: #555; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 6px 0 12px; }}
td, th {{ border-bottom: 1px solid #e4e4e4; padding: 3px 5px; text-align: left;
  vertical-align: top; }}
td.n {{ text-align: right; white-space: nowrap; }}
.mismatch {{ color: #a61b1b; }}
code {{ font-size: 8.5pt; word-break: break-all; }}
.challenge {{ break-before: page; }}
.challenge:first-of-type {{ break-before: auto; }}
@media screen {{ .challenge {{ border-top: 1px solid #eee; }} }}
"""


def _seg(segments: list[Segment]) -> str:
    out = []
    for s in segments:
        if isinstance(s, Num):
            refs = " ".join(curie(r) for r in s.refs)
            out.append(
                f'<data value="{escape(s.text)}" data-kind="{s.kind}" data-ref="{escape(refs)}">'
                f"{escape(s.text)}</data>"
            )
        else:
            out.append(escape(s))
    return "".join(out)


def _data_uri(svg: str | bytes) -> str:
    data = svg.encode("utf-8") if isinstance(svg, str) else svg
    return "data:image/svg+xml;base64," + base64.b64encode(data).decode("ascii")


class _Page:
    def __init__(self, content: Content, lang: str):
        self.c, self.lang = content, lang
        self.other = "zh" if lang == "en" else "en"

    # --- pieces -----------------------------------------------------------------------------

    def name(self, iri: str) -> str:
        names = self.c.names.get(iri, {})
        return names.get(self.lang) or names.get(self.other) or curie(iri)

    @staticmethod
    def text_label(text: str) -> str:
        return f'<span class="label">{escape(text)}</span>' if text else ""

    def label(self, iri: str) -> str:
        return f'<span class="label">{escape(self.name(iri))}</span>'

    def cite(self, ev: dict[str, Any], of: str = "") -> str:
        target = f' data-of="{escape(curie(of))}"' if of else ""
        return (
            f'<cite{target}><span class="sec">§{escape(ev["section"])}</span> '
            f"<q>{escape(ev['quote'])}</q></cite>"
        )

    def node(self, iri: str, type_: str, evidence: list[dict[str, Any]]) -> str:
        cites = " ".join(self.cite(e, iri) for e in evidence[:1])
        return (
            f'<span class="node" data-iri="{escape(curie(iri))}" data-type="{escape(type_)}">'
            f"{self.label(iri)} {cites}</span>"
        )

    def link_note(self, link: dict[str, Any]) -> str:
        cites = " ".join(self.cite(e) for e in link.get("evidence", [])[:1])
        note = cites
        if not link["stated"]:
            rationale = escape(link.get("rationale") or "")
            note += (
                f' <span class="inferred">{escape(w("inferred", self.lang))}: '
                f'<span class="rationale">{rationale}</span></span>'
            )
        return note

    # --- sections ---------------------------------------------------------------------------

    def header(self) -> str:
        src = self.c.source
        creator = src.get("creator", {}).get(self.lang, "")
        title = src.get("title", {}).get(self.lang, "")
        sub = w("subtitle", self.lang, creator=creator, title=title)
        return (
            f'<header><div class="kicker">{escape(w("kicker", self.lang))} · cbec-kg</div>\n'
            f"<h1>{escape(w('title', self.lang))}</h1>\n"
            f'<p class="subtitle">{escape(sub)}</p>\n'
            f'<p class="reading">{escape(w("reading", self.lang))}</p></header>\n'
        )

    def key_points(self) -> str:
        items = []
        names = w("sep", self.lang).join(self.label(t["focus"]["iri"]) for t in self.c.challenges)
        items.append(f"{escape(w('kp_challenges', self.lang))}{names}{w('stop', self.lang)}")
        for m in self.c.mismatches:
            items.append(
                f'{escape(w("kp_mismatch", self.lang))}<span class="mismatch">'
                f"{_seg(m[self.lang])}</span>"
            )
        unremedied = self.c.gaps.get("problems_without_remedy", [])
        if unremedied:
            listed = w("sep", self.lang).join(self.label(row[0]) for row in unremedied)
            items.append(f"{escape(w('kp_gaps', self.lang))}{listed}{w('stop', self.lang)}")
        if self.c.leverage:
            top = self.c.leverage[0]
            reach = escape(w("reaches", self.lang, n="\x00")).replace("\x00", _seg([top["score"]]))
            items.append(
                f"{escape(w('kp_leverage', self.lang))}{self.label(top['iri'])}{reach}"
                f"{w('stop', self.lang)}"
            )
        body = "".join(f"<li>{i}</li>\n" for i in items)
        head = escape(w("key_points", self.lang))
        return f'<section><h2>{head}</h2>\n<ul class="keypoints">\n{body}</ul></section>\n'

    def challenge(self, t: dict[str, Any], n: int) -> str:
        focus = t["focus"]
        iri = focus["iri"]
        links = t["links"]
        items = {
            i["iri"]: i for k, v in t.items() if isinstance(v, list) and k != "links" for i in v
        }
        out = [f'<section class="challenge" id="{escape(curie(iri).split(":")[-1])}">']
        other = self.c.names.get(iri, {}).get(self.other, "")
        out.append(
            f"<h3>{escape(w('challenge_n', self.lang))} "
            f'<data value="{n}" data-kind="ordinal">{n}</data>: '
            f'<span class="node" data-iri="{escape(curie(iri))}" '
            f'data-type="{escape(focus["type"])}">'
            f"{self.label(iri)} {self.cite(focus['evidence'][0], iri) if focus['evidence'] else ''}"
            f'</span> <span class="other">{escape(other)}</span></h3>'
        )
        definition = self.c.definitions.get(iri, {}).get(self.lang)
        if definition:
            out.append(f'<p class="def">{escape(definition)}</p>')
        svg = chain_figure(t, self.lang)
        alt = escape(self.name(iri))
        out.append(
            f'<figure><img alt="{alt}" src="{_data_uri(svg)}">'
            f"<figcaption>{escape(w('figure_caption', self.lang))}</figcaption></figure>"
        )
        # problem tree
        out.append(f"<h4>{escape(w('problem_tree', self.lang))}</h4>")
        if t.get("effects"):
            out.append(f'<p class="rel">{escape(w("effects", self.lang))}:</p><ul>')
            for e in t["effects"]:
                out.append(f"<li>{self.node(e['iri'], e['type'], e['evidence'])}</li>")
            out.append("</ul>")
        elif "effects" in t.get("none", {}):
            out.append(f'<p class="none">{escape(t["none"]["effects"][self.lang])}</p>')
        out.append("<ul>" + self.tree(iri, items, links, set()) + "</ul>")
        # remedies
        out.append(f"<h4>{escape(w('remedies', self.lang))}</h4><ul>")
        actions = {a["iri"] for a in t.get("actions", [])}
        shown: set[str] = set()
        for cm in t.get("countermeasures", []):
            out.append(f"<li>{self.node(cm['iri'], cm['type'], cm['evidence'])}")
            out.append(self.relations(cm["iri"], links))
            members = [
                lk["target"]
                for lk in links
                if lk["source"] == cm["iri"] and lk["predicate"] == "cbec:hasAction"
            ]
            if members:
                out.append("<ul>")
                for a in members:
                    shown.add(a)
                    out.append(self.action(items[a], links))
                out.append("</ul>")
            out.append("</li>")
        for a in sorted(actions - shown):
            out.append(self.action(items[a], links))
        out.append("</ul>")
        # trends
        out.append(f"<h4>{escape(w('trends', self.lang))}</h4>")
        if t.get("trends"):
            out.append("<ul>")
            for tr in t["trends"]:
                out.append(f"<li>{self.node(tr['iri'], tr['type'], tr['evidence'])}")
                sup = [
                    lk
                    for lk in links
                    if lk["target"] == tr["iri"] and lk["predicate"] == "cbec:supports"
                ]
                if sup:
                    out.append(
                        f'<br><span class="rel">{escape(w("supported_by", self.lang))}'
                        f"{w('colon', self.lang)}</span> "
                    )
                    out.append(
                        w("sep", self.lang).join(
                            f"{self.label(lk['source'])} {self.link_note(lk)}" for lk in sup
                        )
                    )
                out.append("</li>")
            out.append("</ul>")
        elif "trends" in t.get("none", {}):
            out.append(f'<p class="none">{escape(t["none"]["trends"][self.lang])}</p>')
        out.append("</section>")
        return "\n".join(out) + "\n"

    def tree(self, iri: str, items: dict[str, Item], links: list[Item], seen: set[str]) -> str:
        if iri in seen or iri not in items:
            return ""
        seen.add(iri)
        item = items[iri]
        inner = ""
        for child in item.get("causes", []):
            link = next(
                (
                    lk
                    for lk in links
                    if lk["source"] == iri
                    and lk["target"] == child
                    and lk["predicate"] == "cbec:hasCause"
                ),
                None,
            )
            note = "" if link is None or link["stated"] else " " + self.link_note(link)
            sub = self.tree(child, items, links, seen)
            if sub:
                inner += sub.replace("</span>", "</span>" + note, 1) if note else sub
        kids = f"<ul>{inner}</ul>" if inner else ""
        return f"<li>{self.node(iri, item['type'], item['evidence'])}{kids}</li>"

    def relations(self, remedy: str, links: list[Item]) -> str:
        parts = []
        for pred, word in (("cbec:addresses", "addresses"), ("cbec:supports", "supports")):
            found = [lk for lk in links if lk["source"] == remedy and lk["predicate"] == pred]
            if found:
                body = w("sep", self.lang).join(
                    f"{self.label(lk['target'])} {self.link_note(lk)}" for lk in found
                )
                parts.append(
                    f'<br><span class="rel">{escape(w(word, self.lang))}'
                    f"{w('colon', self.lang)}</span> {body}"
                )
        return "".join(parts)

    def action(self, item: Item, links: list[Item]) -> str:
        iri = item["iri"]
        out = [f'<li class="action">{self.node(iri, item["type"], item["evidence"])}']
        out.append(self.relations(iri, links))
        who = [
            lk for lk in links if lk["source"] == iri and lk["predicate"] == "cbec:responsibleActor"
        ]
        out.append(
            f'<br><span class="rel">{escape(w("who_acts", self.lang))}'
            f"{w('colon', self.lang)}</span> "
        )
        if who:
            out.append(
                w("sep", self.lang).join(
                    f'<span class="actor" data-iri="{escape(curie(lk["target"]))}">'
                    f"{self.label(lk['target'])} {self.link_note(lk)}</span>"
                    for lk in who
                )
            )
        else:
            out.append(f'<span class="none">{escape(w("no_actor", self.lang))}</span>')
        out.append("</li>")
        return "".join(out)

    def figures(self) -> str:
        out = [
            f'<section id="figures"><h2>{escape(w("figures", self.lang))}</h2>',
            f"<p>{escape(w('figures_intro', self.lang))}</p>",
        ]
        for chart in self.c.charts:
            title = f"{chart.title['en']} · {chart.title['zh']}"
            out.append(
                f'<figure id="chart-{escape(chart.spec.slug)}"><img alt="{escape(title)}" '
                f'src="{_data_uri(chart.svg)}"><figcaption>{escape(chart.source[self.lang])}'
                "</figcaption></figure>"
            )
            heads = ("th_indicator", "th_period", "th_value", "th_unit", "th_by", "th_cite")
            out.append(
                "<table><tr>"
                + "".join(f"<th>{escape(w(h, self.lang))}</th>" for h in heads)
                + "</tr>"
            )
            for p in chart.points:
                ref = escape(curie(p.iri))
                qual = f"{escape(p.qualifier)} " if p.qualifier else ""
                model = p.model_label.get(self.lang, "") if p.model else ""
                model = f' · <span class="label">{escape(model)}</span>' if model else ""
                out.append(
                    f'<tr data-obs="{ref}"><td><span class="label">'
                    f"{escape(p.indicator_label[self.lang])}</span>{model}</td>"
                    f'<td><data value="{escape(p.period)}" data-kind="period" data-ref="{ref}">'
                    f"{escape(p.period)}</data></td>"
                    f'<td class="n">{qual}<data value="{escape(p.value)}" data-kind="obs" '
                    f'data-ref="{ref}">{escape(p.value)}</data></td>'
                    f'<td><span class="label">{escape(p.unit_label[self.lang])}</span></td>'
                    f"<td>{self.text_label(p.agency_label.get(self.lang, ''))}</td>"
                    f"<td>{self.cite({'section': p.section, 'quote': p.quote}) if p.quote else ''}"
                    "</td></tr>"
                )
            out.append("</table>")
        out.append("</section>")
        return "\n".join(out) + "\n"

    def consistency(self) -> str:
        out = [f'<section id="consistency"><h2>{escape(w("consistency", self.lang))}</h2>']
        if self.c.mismatches:
            out.append(f"<p>{escape(w('mismatch_lead', self.lang))}</p><ul>")
            out += [f'<li class="mismatch">{_seg(m[self.lang])}</li>' for m in self.c.mismatches]
            out.append("</ul>")
        if self.c.consistent:
            out.append(f"<p>{escape(w('consistent_lead', self.lang))}</p><ul>")
            out += [f"<li>{_seg(m[self.lang])}</li>" for m in self.c.consistent]
            out.append("</ul>")
        if self.c.unverifiable:
            out.append(f"<p>{escape(w('unverifiable_lead', self.lang))}</p><ul>")
            out += [
                f'<li>{self.label(u["indicator"])} (<data value="{escape(u["period"])}" '
                f'data-kind="period" data-ref="{escape(curie(u["iri"]))}">{escape(u["period"])}'
                "</data>)</li>"
                for u in self.c.unverifiable
            ]
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out) + "\n"

    def gaps(self) -> str:
        out = [f'<section id="gaps"><h2>{escape(w("gaps", self.lang))}</h2>']
        for kind, rows in self.c.gaps.items():
            out.append(f"<h4>{escape(w('gap_' + kind, self.lang))}</h4>")
            if not rows:
                out.append(f'<p class="none">{escape(w("gap_none", self.lang))}</p>')
                continue
            out.append("<ul>")
            for row in rows:
                cells = " ← ".join(
                    f'<span class="node" data-iri="{escape(curie(i))}">{self.label(i)}</span>'
                    for i in row
                )
                out.append(f"<li>{cells}</li>")
            out.append("</ul>")
        out.append("</section>")
        return "\n".join(out) + "\n"

    def leverage(self) -> str:
        out = [
            f'<section id="leverage"><h2>{escape(w("leverage", self.lang))}</h2>',
            f"<p>{escape(w('leverage_intro', self.lang))}</p><ol>",
        ]
        for r in self.c.leverage:
            reach = escape(w("reaches", self.lang, n="\x00")).replace("\x00", _seg([r["score"]]))
            problems = w("sep", self.lang).join(self.label(p) for p in r["problems"])
            out.append(
                f'<li><span class="node" data-iri="{escape(curie(r["iri"]))}">'
                f"{self.label(r['iri'])}"
                f'</span>{reach}: <span class="rel">{problems}</span></li>'
            )
        out.append("</ol></section>")
        return "\n".join(out) + "\n"

    def how_to_cite(self) -> str:
        src = self.c.source
        lang, other = self.lang, self.other
        paper = (
            f"{escape(src.get('creator', {}).get(lang, ''))}. "
            f"{escape(src.get('title', {}).get(lang, ''))} "
            f"({escape(src.get('title', {}).get(other, ''))}). "
            f"{escape(src.get('publisher', {}).get(lang, ''))}. {escape(w('year_unknown', lang))}"
        )
        kg = (
            f"{escape(w('cite_kg_text', lang))}<code>{escape(self.c.version)}</code>"
            f"{escape(w('cite_ontology', lang))}<code>{escape(self.c.ontology_version)}</code>. "
            "<code>https://w3id.org/cbec-kg/</code><br>"
            f"{escape(w('cite_hash', lang))}<code>sha256:{escape(self.c.kg_hash)}</code>"
        )
        return (
            f'<section id="cite"><h2>{escape(w("cite", lang))}</h2>'
            f"<p><b>{escape(w('cite_paper', lang))}.</b> {paper}</p>"
            f'<p class="kgcite"><b>{escape(w("cite_kg", lang))}.</b> {kg}</p></section>\n'
        )


def brief_html(content: Content, lang: str = "en") -> str:
    """The brief in ``lang`` as one self-contained HTML page."""
    page = _Page(content, lang)
    sections = [page.header(), page.key_points()]
    sections.append(f'<section id="challenges"><h2>{escape(w("challenges", lang))}</h2>\n')
    for n, t in enumerate(content.challenges, 1):
        sections.append(page.challenge(t, n))
    sections.append("</section>\n")
    sections += [
        page.figures(),
        page.consistency(),
        page.gaps(),
        page.leverage(),
        page.how_to_cite(),
    ]
    title = f"{w('title', lang)} — cbec-kg"
    return "".join(
        [
            "<!DOCTYPE html>\n",
            f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">\n',
            '<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="referrer" content="no-referrer">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
            *sections,
            "</body>\n</html>\n",
        ]
    )
