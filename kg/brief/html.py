"""The brief as one self-contained HTML page (also the source of the PDF).

Everything is inline: the style, the charts and the figures as ``data:`` images (an SVG in an
``<img>`` can run no script), and a Content-Security-Policy forbids every request and every
script. Text from the KG is escaped; every number is a ``<data>`` element naming where it comes
from (see :class:`kg.brief.content.Num`), and every node and citation carries its IRI, so the
page can be checked against the KG mechanically.

The pieces are :mod:`kg.brief.html_pieces`; a challenge's section :mod:`kg.brief.html_challenge`;
this module holds the page's style and the other sections.

The page in Chinese, from the embedded KG (what ``kg brief --lang zh`` writes)::

    graph = KnowledgeGraph.open()
    page = brief_html(collect(graph, build_charts(graph.backend)), "zh")
"""

from __future__ import annotations

from html import escape
from typing import Any

from kg.brief.content import Content
from kg.brief.html_challenge import challenge_html
from kg.brief.html_pieces import Pieces, data_uri, segments
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
cite.again a {{ color: inherit; text-decoration: none; }}
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


class _Page(Pieces):
    """The sections of the page other than the challenges'."""

    def reach(self, r: dict[str, Any]) -> str:
        """`` reaches N problems (M stated)`` of a remedy in the leverage ranking."""
        text = escape(w("reaches", self.lang, n="\x00") + w("stated_part", self.lang, n="\x01"))
        return text.replace("\x00", segments([r["score"]])).replace("\x01", segments([r["stated"]]))

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
                f"{segments(m[self.lang])}</span>"
            )
        unremedied = self.c.gaps.get("problems_without_remedy", [])
        if unremedied:
            listed = w("sep", self.lang).join(self.label(row[0]) for row in unremedied)
            items.append(f"{escape(w('kp_gaps', self.lang))}{listed}{w('stop', self.lang)}")
        if self.c.leverage:
            top = self.c.leverage[0]
            items.append(
                f"{escape(w('kp_leverage', self.lang))}{self.label(top['iri'])}{self.reach(top)}"
                f"{w('stop', self.lang)}"
            )
        body = "".join(f"<li>{i}</li>\n" for i in items)
        head = escape(w("key_points", self.lang))
        return f'<section><h2>{head}</h2>\n<ul class="keypoints">\n{body}</ul></section>\n'

    def figures(self) -> str:
        self.begin("figures")
        out = [
            f'<section id="figures"><h2>{escape(w("figures", self.lang))}</h2>',
            f"<p>{escape(w('figures_intro', self.lang))}</p>",
        ]
        for chart in self.c.charts:
            title = f"{chart.title['en']} · {chart.title['zh']}"
            out.append(
                f'<figure id="chart-{escape(chart.spec.slug)}"><img alt="{escape(title)}" '
                f'src="{data_uri(chart.svg)}"><figcaption>{escape(chart.source[self.lang])}'
                "</figcaption></figure>"
            )
        out.append(f"<h3>{escape(w('all_figures', self.lang))}</h3>")
        heads = ("th_indicator", "th_period", "th_value", "th_unit", "th_by", "th_cite")
        out.append(
            '<table class="statistics"><tr>'
            + "".join(f"<th>{escape(w(h, self.lang))}</th>" for h in heads)
            + "</tr>"
        )
        for p in self.c.statistics:
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
            out += [
                f'<li class="mismatch">{segments(m[self.lang])}</li>' for m in self.c.mismatches
            ]
            out.append("</ul>")
        if self.c.consistent:
            out.append(f"<p>{escape(w('consistent_lead', self.lang))}</p><ul>")
            out += [f"<li>{segments(m[self.lang])}</li>" for m in self.c.consistent]
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
            problems = w("sep", self.lang).join(self.label(p) for p in r["problems"])
            out.append(
                f'<li><span class="node" data-iri="{escape(curie(r["iri"]))}">'
                f"{self.label(r['iri'])}"
                f'</span>{self.reach(r)}: <span class="rel">{problems}</span></li>'
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
        sections.append(challenge_html(page, t, n))
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
