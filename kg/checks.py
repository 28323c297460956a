"""Consistency checks on the statistics the source reports; the source's numbers are never changed.

* **growth**: a reported year-on-year growth rate is recomputed from the two values the source
  also reports, taking the rounding of every figure into account (interval arithmetic: a value
  written ``7981`` stands for anything in [7980.5, 7981.5)). A mismatch is reported only when
  no rounding of the inputs could give the reported rate.
* **share**: shares of one whole for one period should add up to 100 (again within rounding).

>>> from kg.loader import load_graph
>>> findings = run_checks(load_graph())
>>> all(f.status in {"consistent", "mismatch", "unverifiable"} for f in findings)
True
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF
from rdflib.term import Node

from kg.labels import label_of
from kg.namespaces import CBEC, curie, expand

__all__ = ["Finding", "half_ulp", "run_checks"]


@dataclass(frozen=True, order=True)
class Finding:
    """The outcome of one check."""

    kind: str
    status: str
    message: str
    observations: tuple[str, ...] = ()
    reported: str = ""
    recomputed: str = ""
    title: str = ""  # what was checked, in English and Chinese (labels of the flag)
    title_zh: str = ""
    message_zh: str = ""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["observations"] = [curie(o) for o in self.observations]
        return data


def half_ulp(value: Literal) -> Decimal:
    """Half a unit in the last place the source wrote: the rounding a value may carry.

    >>> half_ulp(Literal("7981", datatype="http://www.w3.org/2001/XMLSchema#decimal"))
    Decimal('0.5')
    >>> half_ulp(Literal("1.25", datatype="http://www.w3.org/2001/XMLSchema#decimal"))
    Decimal('0.005')
    """
    text = str(value)
    decimals = len(text.split(".", 1)[1]) if "." in text else 0
    return Decimal(5) / Decimal(10) ** (decimals + 1)


@dataclass(frozen=True)
class _Obs:
    iri: URIRef
    indicator: URIRef
    period: str
    value: Decimal
    tol: Decimal
    qualifier: str | None
    model: URIRef | None


def _iri(node: Node | None) -> URIRef | None:
    return node if isinstance(node, URIRef) else None


def _observations(graph: Graph) -> list[_Obs]:
    out = []
    for obs in sorted(graph.subjects(RDF.type, CBEC.Observation), key=str):
        value = graph.value(obs, CBEC.value)
        indicator = _iri(graph.value(obs, CBEC.indicator))
        if not isinstance(value, Literal) or not isinstance(obs, URIRef) or indicator is None:
            continue
        qualifier = graph.value(obs, CBEC.valueQualifier)
        out.append(
            _Obs(
                obs,
                indicator,
                str(graph.value(obs, CBEC.refPeriod)),
                Decimal(str(value)),
                half_ulp(value),
                str(qualifier) if qualifier is not None else None,
                _iri(graph.value(obs, CBEC.businessModel)),
            )
        )
    return out


def _fmt(d: Decimal, places: int = 2) -> str:
    return f"{d:.{places}f}"


def check_growth(graph: Graph, obs: list[_Obs]) -> list[Finding]:
    """Recompute each reported growth rate from the reported values of its base indicator."""
    index = {(o.indicator, o.period, o.model): o for o in obs if o.qualifier is None}
    findings = []
    for g in obs:
        base = _iri(graph.value(g.indicator, CBEC.growthOf))
        if base is None:
            continue
        name = f"{label_of(graph, base)} growth {g.period}"
        name_zh = f"{g.period}年{label_of(graph, base, 'zh')}增长率"
        try:
            prev_period = str(int(g.period) - 1)
        except ValueError:
            findings.append(
                Finding(
                    "growth",
                    "unverifiable",
                    f"{name}: period is not a year",
                    (str(g.iri),),
                    _fmt(g.value),
                )
            )
            continue
        cur, prev = index.get((base, g.period, g.model)), index.get((base, prev_period, g.model))
        if cur is None or prev is None:
            missing = " or ".join(p for p, o in ((prev_period, prev), (g.period, cur)) if o is None)
            findings.append(
                Finding(
                    "growth",
                    "unverifiable",
                    f"{name}: the source gives no {label_of(graph, base)} for {missing}",
                    (str(g.iri),),
                    f"{_fmt(g.value)}%",
                )
            )
            continue
        point = (cur.value / prev.value - 1) * 100
        low = ((cur.value - cur.tol) / (prev.value + prev.tol) - 1) * 100
        high = ((cur.value + cur.tol) / (prev.value - prev.tol) - 1) * 100
        ok = low <= g.value + g.tol and g.value - g.tol <= high
        status = "consistent" if ok else "mismatch"
        msg = (
            f"{name}: reported {g.value}%, recomputed {_fmt(point)}% from "
            f"{prev.value} ({prev_period}) and {cur.value} ({g.period}); "
            f"rounding allows {_fmt(low)}–{_fmt(high)}%"
        )
        msg_zh = (
            f"{name_zh}：原文为 {g.value}%，按原文的 {prev.value}（{prev_period}）与 "
            f"{cur.value}（{g.period}）复算为 {_fmt(point)}%，考虑舍入应在 "
            f"{_fmt(low)}–{_fmt(high)}% 之间"
        )
        findings.append(
            Finding(
                "growth",
                status,
                msg,
                (str(g.iri), str(prev.iri), str(cur.iri)),
                f"{g.value}%",
                f"{_fmt(point)}%",
                name,
                name_zh,
                msg_zh,
            )
        )
    return findings


def check_shares(graph: Graph, obs: list[_Obs]) -> list[Finding]:
    """Shares of one whole for one period should sum to 100 within rounding."""
    groups: dict[tuple[URIRef, str], list[_Obs]] = defaultdict(list)
    for o in obs:
        whole = _iri(graph.value(o.indicator, CBEC.shareOf))
        if whole is not None:
            groups[(whole, o.period)].append(o)
    findings = []
    for (whole, period), members in sorted(groups.items()):
        total = sum((m.value for m in members), Decimal(0))
        tol = sum((m.tol for m in members), Decimal(0))
        ok = abs(total - 100) <= tol
        parts = " + ".join(f"{m.value}" for m in members)
        msg = f"shares of {label_of(graph, whole)} in {period}: {parts} = {total} (expected 100)"
        title = f"shares of {label_of(graph, whole)} in {period}"
        title_zh = f"{period}年{label_of(graph, whole, 'zh')}各占比"
        msg_zh = f"{title_zh}：{parts} = {total}（应为 100）"
        findings.append(
            Finding(
                "share",
                "consistent" if ok else "mismatch",
                msg,
                tuple(str(m.iri) for m in members),
                str(total),
                "100",
                title,
                title_zh,
                msg_zh,
            )
        )
    return findings


def add_flags(graph: Graph, findings: list[Finding]) -> int:
    """Record each mismatch in ``graph`` as a ``cbec:InconsistencyFlag`` derived from the
    observations involved (the observations themselves are left as the source gives them).

    Returns the number of flags added.
    """
    import hashlib

    from rdflib.namespace import PROV, RDFS

    from kg.namespaces import ID

    added = 0
    for f in findings:
        if f.status != "mismatch":
            continue
        flag = ID["flag-" + hashlib.sha1(f.message.encode()).hexdigest()[:10]]
        graph.add((flag, RDF.type, CBEC.InconsistencyFlag))
        graph.add((flag, RDFS.comment, Literal(f.message, lang="en")))
        if f.message_zh:
            graph.add((flag, RDFS.comment, Literal(f.message_zh, lang="zh")))
        if f.title:
            graph.add((flag, RDFS.label, Literal(f"Figures disagree: {f.title}", lang="en")))
        if f.title_zh:
            graph.add((flag, RDFS.label, Literal(f"数字不一致：{f.title_zh}", lang="zh")))
        for obs in f.observations:  # full IRIs, or CURIEs from a cached report
            graph.add((flag, PROV.wasDerivedFrom, URIRef(expand(obs))))
        added += 1
    return added


def run_checks(graph: Graph) -> list[Finding]:
    """Run every check; findings sorted by kind, status and message."""
    obs = _observations(graph)
    return sorted(check_growth(graph, obs) + check_shares(graph, obs))
