"""One challenge's section of the brief's HTML: its heading and definition, its figure, its
problem tree (what it causes, what causes it, inferred links with their rationale), the remedies
with their actions and who acts, and the trends with what supports and what drives them (forces
and technologies, laws and policies, standards).

Each node and link cites the quote :func:`kg.brief.quotes.chosen_quotes` picks, and each quote
is shown once in the section (:meth:`kg.brief.html_pieces.Pieces.begin`).

``t`` is a trace (:func:`kg.trace.trace`, the JSON contract of ``kg trace``) of a challenge::

    from kg.brief.html_pieces import Pieces

    html = challenge_html(Pieces(content, "en"), content.challenges[0], 1)
"""

from __future__ import annotations

from html import escape

from kg.brief.figure import chain_figure
from kg.brief.html_pieces import Pieces, data_uri
from kg.brief.quotes import Item, chosen_quotes, plays, trend_drivers
from kg.brief.words import w
from kg.namespaces import curie

__all__ = ["challenge_html"]


def challenge_html(p: Pieces, t: Item, n: int) -> str:
    """The section of challenge number ``n`` (1, 2, …) from its trace ``t``."""
    focus = t["focus"]
    iri = focus["iri"]
    links = t["links"]
    items = {i["iri"]: i for k, v in t.items() if isinstance(v, list) and k != "links" for i in v}
    slug = curie(iri).split(":")[-1]
    p.begin(slug, chosen_quotes(t))
    out = [f'<section class="challenge" id="{escape(slug)}">']
    other = p.c.names.get(iri, {}).get(p.other, "")
    out.append(
        f"<h3>{escape(w('challenge_n', p.lang))} "
        f'<data value="{n}" data-kind="ordinal">{n}</data>: '
        f"{p.node(iri, focus['type'], focus['evidence'])}"
        f' <span class="other">{escape(other)}</span></h3>'
    )
    definition = p.c.definitions.get(iri, {}).get(p.lang)
    if definition:
        out.append(f'<p class="def">{escape(definition)}</p>')
    svg = chain_figure(t, p.lang)
    alt = escape(p.name(iri))
    out.append(
        f'<figure><img alt="{alt}" src="{data_uri(svg)}">'
        f"<figcaption>{escape(w('figure_caption', p.lang))}</figcaption></figure>"
    )
    # problem tree
    out.append(f"<h4>{escape(w('problem_tree', p.lang))}</h4>")
    if t.get("effects"):
        out.append(f'<p class="rel">{escape(w("effects", p.lang))}:</p><ul>')
        for e in t["effects"]:
            out.append(f"<li>{p.node(e['iri'], e['type'], e['evidence'])}</li>")
        out.append("</ul>")
    elif "effects" in t.get("none", {}):
        out.append(f'<p class="none">{escape(t["none"]["effects"][p.lang])}</p>')
    out.append("<ul>" + _tree(p, iri, items, links, set()) + "</ul>")
    # remedies
    out.append(f"<h4>{escape(w('remedies', p.lang))}</h4><ul>")
    actions = {a["iri"] for a in t.get("actions", [])}
    shown: set[str] = set()
    for cm in t.get("countermeasures", []):
        out.append(f"<li>{p.node(cm['iri'], cm['type'], cm['evidence'])}")
        out.append(_relations(p, cm["iri"], links))
        members = [
            lk["target"] for lk in links if lk["source"] == cm["iri"] and plays(lk, "composition")
        ]
        if members:
            out.append("<ul>")
            for a in members:
                shown.add(a)
                out.append(_action(p, items[a], links))
            out.append("</ul>")
        out.append("</li>")
    for a in sorted(actions - shown):
        out.append(_action(p, items[a], links))
    out.append("</ul>")
    # trends
    out.append(f"<h4>{escape(w('trends', p.lang))}</h4>")
    if t.get("trends"):
        out.append("<ul>")
        for tr in t["trends"]:
            out.append(f"<li>{p.node(tr['iri'], tr['type'], tr['evidence'])}")
            sup = [lk for lk in links if lk["target"] == tr["iri"] and plays(lk, "outcome")]
            if sup:
                out.append(
                    f'<br><span class="rel">{escape(w("supported_by", p.lang))}'
                    f"{w('colon', p.lang)}</span> "
                )
                out.append(
                    w("sep", p.lang).join(
                        f"{p.label(lk['source'])} {p.link_note(lk)}" for lk in sup
                    )
                )
            for kind, found in trend_drivers(t, tr["iri"]):
                out.append(
                    f'<br><span class="rel">{escape(w(kind, p.lang))}{w("colon", p.lang)}</span> '
                )
                out.append(
                    w("sep", p.lang).join(
                        f'<span class="driver" data-kind="{kind}" '
                        f'data-iri="{escape(curie(lk["target"]))}">'
                        f"{p.label(lk['target'])} {p.link_note(lk)}</span>"
                        for lk in found
                    )
                )
            out.append("</li>")
        out.append("</ul>")
    elif "trends" in t.get("none", {}):
        out.append(f'<p class="none">{escape(t["none"]["trends"][p.lang])}</p>')
    out.append("</section>")
    return "\n".join(out) + "\n"


def _tree(
    p: Pieces,
    iri: str,
    items: dict[str, Item],
    links: list[Item],
    seen: set[str],
    via: Item | None = None,
) -> str:
    """The problem ``iri`` and, nested, what causes it; ``via`` is the link from the problem
    above, whose note (an inferred link's rationale) follows the node, in reading order."""
    if iri in seen or iri not in items:
        return ""
    seen.add(iri)
    item = items[iri]
    head = p.node(iri, item["type"], item["evidence"])
    note = "" if via is None or via["stated"] else " " + p.link_note(via)
    inner = ""
    for child in item.get("causes", []):
        link = next(
            (
                lk
                for lk in links
                if lk["source"] == iri and lk["target"] == child and plays(lk, "causal")
            ),
            None,
        )
        inner += _tree(p, child, items, links, seen, link)
    kids = f"<ul>{inner}</ul>" if inner else ""
    return f"<li>{head}{note}{kids}</li>"


def _relations(p: Pieces, remedy: str, links: list[Item]) -> str:
    parts = []
    for role, word in (("remedy", "addresses"), ("outcome", "supports")):
        found = [lk for lk in links if lk["source"] == remedy and plays(lk, role)]
        if found:
            body = w("sep", p.lang).join(
                f"{p.label(lk['target'])} {p.link_note(lk)}" for lk in found
            )
            parts.append(
                f'<br><span class="rel">{escape(w(word, p.lang))}{w("colon", p.lang)}</span> {body}'
            )
    return "".join(parts)


def _action(p: Pieces, item: Item, links: list[Item]) -> str:
    iri = item["iri"]
    out = [f'<li class="action">{p.node(iri, item["type"], item["evidence"])}']
    out.append(_relations(p, iri, links))
    who = [lk for lk in links if lk["source"] == iri and plays(lk, "responsibility")]
    out.append(f'<br><span class="rel">{escape(w("who_acts", p.lang))}{w("colon", p.lang)}</span> ')
    if who:
        out.append(
            w("sep", p.lang).join(
                f'<span class="actor" data-iri="{escape(curie(lk["target"]))}">'
                f"{p.label(lk['target'])} {p.link_note(lk)}</span>"
                for lk in who
            )
        )
    else:
        out.append(f'<span class="none">{escape(w("no_actor", p.lang))}</span>')
    out.append("</li>")
    return "".join(out)
