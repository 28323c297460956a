"""Which quote the brief cites for each node and link of a challenge, and what drives a trend:
decided once here, so the HTML and the Markdown brief cite the same words.

The quote preference is :func:`kg.render.text.best_quote`'s (the one ``kg trace`` uses), with the
part of the paper in focus chosen per layer of the chain.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["DRIVER_KINDS", "Item", "chosen_quotes", "link_key", "plays", "trend_drivers"]

#: An item or a link of a trace (:func:`kg.trace.trace`, the JSON contract of ``kg trace``).
Item = dict[str, Any]


def plays(link: Item, role: str) -> bool:
    """Whether the relation of ``link`` (a link of a trace) plays ``role`` in the chain, as the
    ontology declares it (:data:`kg.model.ROLES`): the brief names roles, never relations.

    >>> plays({"predicate": "cbec:hasCause"}, "causal")
    True
    >>> plays({"predicate": "cbec:concerns"}, "remedy")
    False
    """
    from kg.model import packaged_model

    relation = packaged_model().relation(link["predicate"])
    return relation is not None and relation.role == role


def link_key(link: Item) -> str:
    """A link of a trace as a key: its source, predicate and target."""
    return " ".join(str(link.get(k, "")) for k in ("source", "predicate", "target"))


#: The trace groups of the problem tree and of the remedies (every other group is read from the
#: trends' sections: the trends, what drives them, the statistics).
_PROBLEM_GROUPS = ("challenges", "effects", "causes")
_REMEDY_GROUPS = ("countermeasures", "actions", "actors")


def chosen_quotes(t: Item) -> dict[str, dict[str, Any]]:
    """The one quote the brief shows for each node and link of a challenge's trace ``t``, keyed
    by the node's IRI or the :func:`link_key`: a quote from the part of the paper in focus — the
    challenge's own section for the problem tree, the countermeasures' sections for the remedies,
    the trends' sections for the trends and what drives them — else from any other section, the
    abstract last (the preference of :func:`kg.render.text.best_quote`, which ``kg trace`` uses).

    >>> ev = lambda s, q: {"section": s, "quote": q}
    >>> node = lambda i, *e: {"iri": i, "evidence": list(e)}
    >>> t = {"focus": node("h", ev("2.2", "heading")),
    ...      "effects": [node("e", ev("0", "abstract"), ev("2.1", "a"), ev("2.2", "b"))],
    ...      "links": [{"source": "e", "predicate": "cbec:hasCause", "target": "h",
    ...                 "evidence": [ev("0", "abstract"), ev("2.2", "c")]}]}
    >>> q = chosen_quotes(t)
    >>> q["h"]["quote"], q["e"]["quote"], q["e cbec:hasCause h"]["quote"]
    ('heading', 'b', 'c')
    """
    from kg.render.text import ABSTRACT, best_quote, chain_groups

    groups = dict(chain_groups(t))

    def sections(items: Iterable[Item]) -> set[str]:
        return {ev["section"] for i in items for ev in i["evidence"]} - {ABSTRACT}

    problem = sections([t["focus"]])
    remedy = sections(groups.get("countermeasures", []))
    outcome = sections(groups.get("trends", []))
    wanted = {t["focus"]["iri"]: problem}
    for key, items in groups.items():
        in_focus = (
            problem if key in _PROBLEM_GROUPS else remedy if key in _REMEDY_GROUPS else outcome
        )
        wanted.update((i["iri"], in_focus) for i in items)
    out: dict[str, dict[str, Any]] = {}
    for item in [t["focus"], *(i for items in groups.values() for i in items)]:
        quote = best_quote(item, wanted[item["iri"]], t["links"])
        if quote is not None:
            out[item["iri"]] = quote
    for link in t["links"]:
        near = wanted.get(link["source"], set()) | wanted.get(link["target"], set())
        quote = best_quote({"iri": "", "evidence": link["evidence"]}, near, [])
        if quote is not None:
            out[link_key(link)] = quote
    return out


#: How the brief lists what drives a trend, by the class of the driver: laws and policies,
#: standards, and every other driver (forces, technologies) under ``driven_by``.
DRIVER_KINDS = {"cbec:Policy": "laws", "cbec:Standard": "standards"}


def trend_drivers(t: Item, trend: str) -> list[tuple[str, list[Item]]]:
    """What drives ``trend`` as the trace ``t`` records it (its ``cbec:hasDriver`` links), by
    kind — ``driven_by``, ``laws``, ``standards`` (:data:`DRIVER_KINDS`), in that order, empty
    kinds left out — each kind's links in the paper's order of the driver.

    >>> t = {"focus": {"iri": "h"}, "related": [{"iri": "law", "type": "cbec:Policy"},
    ...      {"iri": "tech", "type": "cbec:Technology"}], "links": [
    ...      {"source": "tr", "predicate": "cbec:hasDriver", "target": "tech"},
    ...      {"source": "tr", "predicate": "cbec:hasDriver", "target": "law"}]}
    >>> [(kind, [lk["target"] for lk in links]) for kind, links in trend_drivers(t, "tr")]
    [('driven_by', ['tech']), ('laws', ['law'])]
    """
    from kg.render.text import chain_groups

    items = [i for _, group in chain_groups(t) for i in group]
    order = {i["iri"]: n for n, i in enumerate(items)}
    types = {i["iri"]: i.get("type", "") for i in items}
    links = sorted(
        (lk for lk in t["links"] if lk["source"] == trend and plays(lk, "driver")),
        key=lambda lk: (order.get(lk["target"], len(order)), lk["target"]),
    )
    by_kind: dict[str, list[Item]] = {k: [] for k in ("driven_by", *DRIVER_KINDS.values())}
    for lk in links:
        by_kind[DRIVER_KINDS.get(types.get(lk["target"], ""), "driven_by")].append(lk)
    return [(k, v) for k, v in by_kind.items() if v]
