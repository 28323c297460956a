"""What the brief says, gathered from the KG: one language-neutral structure that the HTML and
Markdown renderers both print, so the two never disagree.

Sentences that carry numbers are lists of text and :class:`Num` segments; every number keeps
where it comes from (an observation, a recomputation from two observations, a sum, a count of
problems a remedy reaches), so the HTML can tag it (``<data>``) and the tests can check it
against the KG.

Which quote each node and link of a challenge cites and what drives a trend are decided in
:mod:`kg.brief.quotes`, so that both formats cite the same words.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from decimal import Decimal
from importlib import metadata
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from kg.brief.quotes import Item
from kg.labels import evidence as fetch_evidence
from kg.labels import labels as fetch_labels
from kg.labels import section_key
from kg.namespaces import curie

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rdflib import Graph

    from kg.api import KnowledgeGraph
    from kg.charts import Chart, Point

__all__ = [
    "Content",
    "Item",
    "Num",
    "Segment",
    "collect",
    "content_hash",
]

Names = dict[str, str]


@dataclass(frozen=True)
class Num:
    """A number in the brief and its provenance.

    ``kind`` is ``obs`` (an observation's value as printed; ``refs`` = the observation),
    ``period`` (its period), ``recomputed`` (growth from two observations: ``refs`` = previous,
    current), ``sum`` (of the ``refs``' values), ``leverage`` (problems the remedy ``refs[0]``
    reaches) or ``stated-leverage`` (those of them it reaches through links the paper states).
    """

    text: str
    kind: str
    refs: tuple[str, ...] = ()


Segment = str | Num


@dataclass
class Content:
    """Everything the brief shows, in both languages."""

    source: dict[str, Names]
    version: str
    ontology_version: str
    kg_hash: str
    challenges: list[Item]
    definitions: dict[str, Names]
    charts: list[Chart]
    mismatches: list[dict[str, list[Segment]]]
    consistent: list[dict[str, list[Segment]]]
    unverifiable: list[Names]
    gaps: dict[str, list[list[str]]]
    leverage: list[dict[str, Any]]
    names: dict[str, Names] = field(default_factory=dict)
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: Every observation, in the order the paper prints them (:func:`kg.charts.statistics`).
    statistics: list[Point] = field(default_factory=list)


_SOURCE_QUERY = """
SELECT ?p ?o WHERE {
  ?s a cbec:Source ; ?p ?o .
  FILTER(?p IN (dcterms:title, dcterms:creator, dcterms:publisher, dcterms:description))
}"""

_DEFINITIONS_QUERY = "SELECT ?s ?d WHERE { ?s skos:definition ?d }"

_CHALLENGES_QUERY = "SELECT ?c WHERE { ?c a cbec:Challenge }"

_FLAGS_QUERY = """
SELECT ?flag ?obs ?indicator ?base ?period ?value WHERE {
  ?flag a cbec:InconsistencyFlag ; prov:wasDerivedFrom ?obs .
  ?obs cbec:indicator ?indicator ; cbec:refPeriod ?period ; cbec:value ?value .
  OPTIONAL { ?indicator cbec:growthOf ?base }
}"""

_ONTOLOGY_VERSION_QUERY = "SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v }"


def content_hash(graph: Graph) -> str:
    """SHA-256 of the KG's canonical N-Triples (the bytes of ``kg.nt``)."""
    from kg.serialize import to_ntriples

    return hashlib.sha256(to_ntriples(graph).encode()).hexdigest()


def _lang_literals(rows: Iterable[tuple[object, ...]]) -> dict[str, Names]:
    out: dict[str, Names] = {}
    for key, value in rows:
        out.setdefault(str(key), {}).setdefault(getattr(value, "language", None) or "", str(value))
    return out


def _ordered(kg: KnowledgeGraph, iris: list[str]) -> list[str]:
    ev = fetch_evidence(kg.backend, iris)
    names = kg.names(iris)

    def key(iri: str) -> tuple[Any, ...]:
        first = ev.get(iri, [{}])[0]
        return section_key(first.get("section", "99")), first.get("start") or 0, names[iri]["en"]

    return sorted(iris, key=key)


def _growth_sentence(
    growth: dict[str, Any], prev: dict[str, Any], cur: dict[str, Any], names: dict[str, Names]
) -> tuple[Decimal, dict[str, list[Segment]]]:
    """Printed against recomputed growth, in both languages."""
    point = (Decimal(cur["value"]) / Decimal(prev["value"]) - 1) * 100
    recomputed = Num(f"{point:.2f}", "recomputed", (prev["iri"], cur["iri"]))
    base = names[growth["base"]]
    printed = Num(growth["value"], "obs", (growth["iri"],))
    p_prev, p_cur = (
        Num(prev["value"], "obs", (prev["iri"],)),
        Num(cur["value"], "obs", (cur["iri"],)),
    )
    y_prev, y_cur = (
        Num(prev["period"], "period", (prev["iri"],)),
        Num(cur["period"], "period", (cur["iri"],)),
    )
    y_g = Num(growth["period"], "period", (growth["iri"],))
    return point, {
        "en": [
            f"{base['en']}, ",
            y_g,
            ": the paper prints a growth of ",
            printed,
            " %; its own values, ",
            p_prev,
            " (",
            y_prev,
            ") and ",
            p_cur,
            " (",
            y_cur,
            "), give ",
            recomputed,
            " %.",
        ],
        "zh": [
            f"{base['zh']}，",
            y_g,
            "年：原文所载增长率为 ",
            printed,
            "%；按原文自身数值 ",
            p_prev,
            "（",
            y_prev,
            "年）与 ",
            p_cur,
            "（",
            y_cur,
            "年）计算，应为 ",
            recomputed,
            "%。",
        ],
    }


def _observations(kg: KnowledgeGraph) -> dict[str, dict[str, Any]]:
    rows = kg.query(
        """SELECT ?obs ?indicator ?base ?period ?value ?qualifier WHERE {
          ?obs a cbec:Observation ; cbec:indicator ?indicator ; cbec:refPeriod ?period ;
               cbec:value ?value .
          OPTIONAL { ?indicator cbec:growthOf ?base }
          OPTIONAL { ?obs cbec:valueQualifier ?qualifier }
        }"""
    ).rows
    return {
        str(o): {
            "iri": str(o),
            "indicator": str(i),
            "base": str(b) if b is not None else None,
            "period": str(p),
            "value": str(v),
            "qualifier": str(q) if q is not None else None,
        }
        for o, i, b, p, v, q in rows
    }


def _checks(
    kg: KnowledgeGraph, names: dict[str, Names]
) -> tuple[list[dict[str, list[Segment]]], list[dict[str, list[Segment]]], list[Names]]:
    """The figure checks: flagged mismatches (from the KG's flags), then what agrees and what
    cannot be checked (from :func:`kg.checks.run_checks`)."""
    from kg.checks import run_checks

    obs = _observations(kg)
    flagged: dict[str, list[str]] = {}
    for flag_node, flagged_obs, *_ in kg.query(_FLAGS_QUERY).rows:
        flagged.setdefault(str(flag_node), []).append(str(flagged_obs))
    mismatches = []
    for flag in sorted(flagged):
        members = [obs[o] for o in sorted(set(flagged[flag])) if o in obs]
        growth = next((m for m in members if m["base"]), None)
        values = sorted((m for m in members if not m["base"]), key=lambda m: m["period"])
        if growth is not None and len(values) == 2:
            _, sentence = _growth_sentence(growth, values[0], values[1], names)
        else:  # shares that do not add up: list the figures
            figures = [Num(m["value"], "obs", (m["iri"],)) for m in members]
            total = sum(Decimal(m["value"]) for m in members)
            en: list[Segment] = [f"{names[members[0]['indicator']]['en']}: "]
            zh: list[Segment] = [f"{names[members[0]['indicator']]['zh']}："]
            for i, p in enumerate(figures):
                en += [" + " if i else "", p]
                zh += [" + " if i else "", p]
            s = Num(f"{total}", "sum", tuple(m["iri"] for m in members))
            en += [" = ", s, ", not 100."]
            zh += [" = ", s, "，而非 100。"]
            sentence = {"en": en, "zh": zh}
        mismatches.append(sentence)
    consistent: list[dict[str, list[Segment]]] = []
    unverifiable: list[Names] = []
    for f in run_checks(kg.rdflib_graph()):
        refs = [str(o) for o in f.observations]
        if f.status == "consistent" and f.kind == "growth":
            growth, prev, cur = (obs[r] for r in refs)
            _, sentence = _growth_sentence(growth, prev, cur, names)
            consistent.append(sentence)
        elif f.status == "consistent" and f.kind == "share":
            members = [obs[r] for r in refs]
            total = sum(Decimal(m["value"]) for m in members)
            name = names[members[0]["indicator"]]
            period = Num(members[0]["period"], "period", (members[0]["iri"],))
            parts: list[Segment] = []
            for i, m in enumerate(members):
                parts += [" + " if i else "", Num(m["value"], "obs", (m["iri"],))]
            s = Num(f"{total}", "sum", tuple(refs))
            consistent.append(
                {
                    "en": [f"{name['en']}, ", period, ": ", *parts, " = ", s, "."],
                    "zh": [f"{name['zh']}，", period, "年：", *parts, " = ", s, "。"],
                }
            )
        elif f.status == "unverifiable" and refs and refs[0] in obs:
            point = obs[refs[0]]
            unverifiable.append(
                {
                    "en": f"{names[point['indicator']]['en']} ({point['period']})",
                    "zh": f"{names[point['indicator']]['zh']}（{point['period']}）",
                    "iri": point["iri"],
                    "indicator": point["indicator"],
                    "period": point["period"],
                }
            )
    return mismatches, consistent, unverifiable


def _leverage(kg: KnowledgeGraph, top: int) -> list[dict[str, Any]]:
    from kg.measures import rank_leverage
    from kg.projection import project

    ranking = rank_leverage(project(kg.backend, "remedy"), kg.model)[:top]
    return [
        {
            "iri": r["iri"],
            "type": r["type"],
            "score": Num(str(r["score"]), "leverage", (r["iri"],)),
            "stated": Num(str(r["stated_score"]), "stated-leverage", (r["iri"],)),
            "problems": list(r["problems"]),
        }
        for r in ranking
    ]


def collect(
    kg: KnowledgeGraph, charts: list[Chart], *, kg_hash: str | None = None, top: int = 5
) -> Content:
    """Gather the brief's content from a :class:`kg.api.KnowledgeGraph`."""
    from kg.charts import statistics

    source = _lang_literals(
        (curie(str(p)).split(":", 1)[1], o) for p, o in kg.query(_SOURCE_QUERY).rows
    )
    challenges = _ordered(kg, [str(r[0]) for r in kg.query(_CHALLENGES_QUERY).rows])
    traces = [kg.trace(c) for c in challenges]
    nodes = {
        item["iri"]
        for t in traces
        for key, items in t.items()
        if isinstance(items, list) and key != "links"
        for item in items
    }
    lev = _leverage(kg, top)
    for r in lev:
        nodes |= {r["iri"], *r["problems"]}
    stats = statistics(kg.backend)
    obs_iris = {p.iri for c in charts for p in c.points} | {p.iri for p in stats}
    indicator_iris = {i for c in charts for p in c.points for i in (p.indicator, p.base) if i}
    flags_obs = {str(r[1]) for r in kg.query(_FLAGS_QUERY).rows}
    all_obs = _observations(kg)
    indicator_iris |= {o["indicator"] for o in all_obs.values()}
    indicator_iris |= {o["base"] for o in all_obs.values() if o["base"]}
    names = fetch_labels(kg.backend, nodes | obs_iris | indicator_iris | flags_obs)
    definitions = {
        k: v for k, v in _lang_literals(kg.query(_DEFINITIONS_QUERY).rows).items() if k in nodes
    }
    mismatches, consistent, unverifiable = _checks(kg, names)
    gaps = {
        kind: [[cell["iri"] for cell in row.values() if cell is not None] for row in rows]
        for kind, rows in kg.gaps("en").items()
    }
    missing = {i for rows in gaps.values() for row in rows for i in row} - set(names)
    names.update(fetch_labels(kg.backend, missing))
    versions = [str(r[0]) for r in kg.query(_ONTOLOGY_VERSION_QUERY).rows]
    try:
        version = metadata.version("cbec-kg")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        from kg import __version__ as version
    if kg_hash is None:
        kg_hash = content_hash(kg.rdflib_graph())
    evidence = fetch_evidence(kg.backend, nodes)
    return Content(
        source=source,
        version=version,
        ontology_version=versions[0] if versions else "",
        kg_hash=kg_hash,
        challenges=traces,
        definitions=definitions,
        charts=charts,
        mismatches=mismatches,
        consistent=consistent,
        unverifiable=unverifiable,
        gaps=gaps,
        leverage=lev,
        names=names,
        evidence=evidence,
        statistics=stats,
    )


def iri_ref(iri: str) -> URIRef:
    """An IRI as an rdflib term (for callers that build queries)."""
    return URIRef(iri)
