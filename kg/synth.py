"""A deterministic synthetic corpus shaped like the paper's KG, for scale tests and benchmarks.

Each synthetic source looks like the curated paper: a ``cbec:Source`` with its
``cbec:SourceText`` and 21 sections; four challenges with causes; four countermeasures with
actions that address the challenges and causes, name a responsible actor and support a trend;
findings substantiated by statistics (observations with indicator, period, value, unit and
reporting actor); an evidence node with a ``oa:TextQuoteSelector`` and a
``oa:TextPositionSelector`` for every claim; and a ``cbec:Link`` record (stated or inferred, with
a rationale when inferred) for every curated link. Every node has one ``@en`` and one ``@zh``
label. A first, shared block (its own source) defines the trends, drivers, actors, indicators
and units that all sources refer to, so trends are shared across sources.

The output is written line by line (never as one big rdflib graph). In N-Triples, each source is
preceded by a comment line ``# kg:source <IRI>`` (:data:`SOURCE_MARKER`): ``kg build`` uses
these to validate each source separately; any RDF tool ignores them.

Sizes (triples in the file, without the ontology and the inverses ``kg build`` adds):
``--sources 3`` → 9,334, ``--sources 39`` → 99,935, ``--sources 397`` → 999,238
(:func:`sources_for`).

>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "small.nt"
>>> stats = synth(1, out)
>>> stats.sources, stats.triples == sum(1 for line in out.open() if line.strip()
...                                      and not line.startswith("#"))
(1, True)
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TextIO

from kg.namespaces import PREFIXES

__all__ = [
    "SOURCE_MARKER",
    "TRIPLES_PER_SOURCE",
    "SynthStats",
    "source_iri",
    "sources_for",
    "synth",
]

#: Comment line that starts a source's block in a synthetic N-Triples file.
SOURCE_MARKER = "# kg:source "

#: Approximate triples per synthetic source, and in the shared block (written once).
TRIPLES_PER_SOURCE = 2_515
SHARED_TRIPLES = 1_710

ID = PREFIXES["id"]
CBEC = PREFIXES["cbec"]
RDF_TYPE = PREFIXES["rdf"] + "type"
XSD = PREFIXES["xsd"]
SKOS = PREFIXES["skos"]
OA = PREFIXES["oa"]
DCT = PREFIXES["dcterms"]
RDFS = PREFIXES["rdfs"]
BIBO = PREFIXES["bibo"]

SECTIONS = [
    ("0", "Abstract", "摘要"),
    ("1", "I. Current status", "一、发展现状"),
    ("1.1", "Exports", "（一）出口"),
    ("1.2", "Imports", "（二）进口"),
    ("1.3", "Business models", "（三）业务模式"),
    ("2", "II. Problems", "二、存在的问题"),
    ("2.1", "Problem one", "（一）问题一"),
    ("2.2", "Problem two", "（二）问题二"),
    ("2.3", "Problem three", "（三）问题三"),
    ("2.4", "Problem four", "（四）问题四"),
    ("3", "III. Countermeasures", "三、对策"),
    ("3.1", "Countermeasure one", "（一）对策一"),
    ("3.2", "Countermeasure two", "（二）对策二"),
    ("3.3", "Countermeasure three", "（三）对策三"),
    ("3.4", "Countermeasure four", "（四）对策四"),
    ("4", "IV. Trends", "四、发展趋势"),
    ("4.1", "Trend one", "（一）趋势一"),
    ("4.2", "Trend two", "（二）趋势二"),
    ("4.3", "Trend three", "（三）趋势三"),
    ("4.4", "Trend four", "（四）趋势四"),
    ("5", "V. Conclusion", "五、结语"),
]

TOPICS = [
    ("credit", "信用"),
    ("logistics", "物流"),
    ("talent", "人才"),
    ("payment", "支付"),
    ("customs", "通关"),
    ("branding", "品牌"),
    ("regulation", "监管"),
    ("data", "数据"),
    ("returns", "退货"),
    ("tax", "税收"),
    ("standards", "标准"),
    ("finance", "融资"),
]
N_TRENDS, N_DRIVERS, N_ACTORS, N_INDICATORS, N_UNITS = 12, 24, 20, 10, 3


@dataclass
class SynthStats:
    """What :func:`synth` wrote."""

    path: Path
    sources: int
    triples: int
    seed: int


def sources_for(triples: int) -> int:
    """Number of sources that gives about ``triples`` triples.

    >>> sources_for(10_000), sources_for(100_000), sources_for(1_000_000)
    (3, 39, 397)
    """
    return max(1, round((triples - SHARED_TRIPLES) / TRIPLES_PER_SOURCE))


def source_iri(index: int) -> str:
    """IRI of synthetic source ``index`` (0 is the shared block).

    >>> source_iri(7)
    'https://w3id.org/cbec-kg/id/synth-00007'
    """
    return f"{ID}synth-{index:05d}" if index else f"{ID}synth-shared"


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")


class _Writer:
    """Formats triples as N-Triples (or Turtle with prefixed names) and counts them."""

    def __init__(self, handle: TextIO, turtle: bool):
        self.handle = handle
        self.turtle = turtle
        self.count = 0
        self._buf: list[str] = []

    def iri(self, iri: str) -> str:
        if self.turtle:
            for prefix in ("id", "cbec", "skos", "oa", "dcterms", "xsd"):
                ns = PREFIXES[prefix]
                local = iri[len(ns) :]
                if iri.startswith(ns) and local and all(c.isalnum() or c in "-_" for c in local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"

    def triple(self, s: str, p: str, o: str) -> None:
        self._buf.append(f"{self.iri(s)} {self.iri(p)} {o} .\n")
        self.count += 1
        if len(self._buf) >= 4096:
            self.flush()

    def node(self, s: str, p: str, o: str) -> None:
        self.triple(s, p, self.iri(o))

    def lit(
        self, s: str, p: str, value: str, lang: str | None = None, dt: str | None = None
    ) -> None:
        if lang:
            obj = f'"{_esc(value)}"@{lang}'
        elif dt:
            obj = f'"{_esc(value)}"^^{self.iri(XSD + dt)}'
        else:
            obj = f'"{_esc(value)}"'
        self.triple(s, p, obj)

    def comment(self, text: str) -> None:
        self._buf.append(text + "\n")

    def flush(self) -> None:
        self.handle.write("".join(self._buf))
        self._buf.clear()


class _Source:
    """Writes one source's block."""

    def __init__(self, w: _Writer, index: int, rng: random.Random):
        self.w, self.i, self.rng = w, index, rng
        self.base = source_iri(index)
        self.text = self.base + "-text"
        self.pos = 0
        self.n_ev = 0

    # --- building blocks ---------------------------------------------------------------------

    def labels(self, node: str, cls: str, en: str, zh: str, definition: bool = True) -> None:
        w = self.w
        w.node(node, RDF_TYPE, CBEC + cls)
        w.lit(node, SKOS + "prefLabel", en, "en")
        w.lit(node, SKOS + "prefLabel", zh, "zh")
        if definition:
            w.lit(node, SKOS + "definition", f"{en}: a synthetic {cls.lower()}.", "en")
            w.lit(node, SKOS + "definition", f"合成数据：{zh}。", "zh")

    def evidence(self, section: str, hint: str) -> str:
        """A new evidence node in ``section`` quoting a synthetic sentence about ``hint``."""
        w = self.w
        self.n_ev += 1
        exact = f"{hint}第{self.n_ev}句"
        digest = hashlib.sha1(f"{self.i}|{section}|{exact}".encode()).hexdigest()[:10]
        ev = f"{self.base}-ev-{section}-{digest}"
        start = self.pos + self.rng.randint(3, 40)
        self.pos = start + len(exact)
        w.node(ev, RDF_TYPE, CBEC + "Evidence")
        w.node(ev, OA + "hasSource", self.text)
        w.node(ev, CBEC + "inSection", f"{self.base}-section-{section}")
        quote, position = ev + "-quote", ev + "-position"
        w.node(ev, OA + "hasSelector", quote)
        w.node(ev, OA + "hasSelector", position)
        w.node(quote, RDF_TYPE, OA + "TextQuoteSelector")
        w.lit(quote, OA + "exact", exact)
        w.lit(quote, OA + "prefix", f"前文{self.n_ev}")
        w.lit(quote, OA + "suffix", f"后文{self.n_ev}")
        w.node(position, RDF_TYPE, OA + "TextPositionSelector")
        w.lit(position, OA + "start", str(start), dt="integer")
        w.lit(position, OA + "end", str(self.pos), dt="integer")
        return ev

    def link(self, s: str, p: str, o: str, evidence: list[str], inferred: bool = False) -> None:
        """The plain triple and its ``cbec:Link`` record."""
        w = self.w
        w.node(s, CBEC + p, o)
        rec = f"{ID}link-{s.removeprefix(ID)}--{p}--{o.removeprefix(ID)}"
        w.node(rec, RDF_TYPE, CBEC + "Link")
        w.node(rec, CBEC + "linkSubject", s)
        w.node(rec, CBEC + "linkPredicate", CBEC + p)
        w.node(rec, CBEC + "linkObject", o)
        w.node(rec, CBEC + "assertion", CBEC + ("Inferred" if inferred else "Stated"))
        if inferred:
            w.lit(rec, CBEC + "rationale", "Synthetic: a curator's cross-pairing reading.", "en")
        for ev in evidence:
            w.node(rec, CBEC + "evidence", ev)

    def header(self, title_en: str, title_zh: str) -> dict[str, str]:
        """Source, text rendition and sections; returns the section IRIs by notation."""
        w, src = self.w, self.base
        w.node(src, RDF_TYPE, CBEC + "Source")
        w.node(src, RDF_TYPE, BIBO + "AcademicArticle")
        w.lit(src, DCT + "title", title_zh, "zh")
        w.lit(src, DCT + "title", title_en, "en")
        w.lit(src, DCT + "creator", f"合成作者{self.i}", "zh")
        w.lit(src, DCT + "creator", f"Synthetic author {self.i}", "en")
        w.lit(src, DCT + "language", "zh")
        w.node(self.text, RDF_TYPE, CBEC + "SourceText")
        w.node(self.text, DCT + "isFormatOf", src)
        w.lit(self.text, CBEC + "textFile", f"synth-{self.i:05d}.txt")
        w.lit(self.text, CBEC + "normalisation", "Unicode NFC, whitespace removed.", "en")
        sha = hashlib.sha256(f"synthetic text {self.i}".encode()).hexdigest()
        w.lit(self.text, CBEC + "textSha256", sha)
        sections = {}
        for order, (notation, en, zh) in enumerate(SECTIONS):
            sec = f"{src}-section-{notation}"
            sections[notation] = sec
            w.node(src, DCT + "hasPart", sec)
            w.node(sec, RDF_TYPE, CBEC + "Section")
            w.lit(sec, SKOS + "notation", notation)
            w.lit(sec, SKOS + "prefLabel", f"{en} ({self.i})", "en")
            w.lit(sec, SKOS + "prefLabel", f"{zh}（{self.i}）", "zh")
            w.lit(sec, CBEC + "order", str(order), dt="integer")
            w.node(sec, DCT + "isPartOf", src)
            w.node(sec, CBEC + "evidence", self.evidence(notation, zh))
        return sections


def _shared_iri(kind: str, n: int) -> str:
    return f"{ID}synth-shared-{kind}-{n}"


def _write_shared(w: _Writer) -> None:
    """The shared block: trends with drivers, actors, indicators and units."""
    s = _Source(w, 0, random.Random(0))
    s.header("Synthetic shared vocabulary", "合成共享词表")
    for n in range(N_ACTORS):
        node = _shared_iri("actor", n)
        s.labels(node, "Actor", f"Synthetic actor {n}", f"合成主体{n}")
        w.node(node, CBEC + "evidence", s.evidence("1", f"主体{n}"))
    for n in range(N_UNITS):
        node = _shared_iri("unit", n)
        s.labels(node, "Unit", f"Synthetic unit {n}", f"合成单位{n}")
        w.lit(node, CBEC + "multiplier", ("100000000", "0.01", "1")[n], dt="decimal")
    for n in range(N_INDICATORS):
        node = _shared_iri("indicator", n)
        s.labels(node, "Indicator", f"Synthetic indicator {n}", f"合成指标{n}")
        w.node(node, SKOS + "inScheme", CBEC + "IndicatorScheme")
        w.node(node, CBEC + "evidence", s.evidence("1.1", f"指标{n}"))
    for n in range(N_DRIVERS):
        node = _shared_iri("driver", n)
        s.labels(node, "Driver", f"Synthetic driver {n}", f"合成驱动因素{n}")
        w.node(node, CBEC + "evidence", s.evidence(f"4.{n % 4 + 1}", f"驱动{n}"))
    for n in range(N_TRENDS):
        node = _shared_iri("trend", n)
        section = f"4.{n % 4 + 1}"
        s.labels(node, "Trend", f"Synthetic trend {n}", f"合成趋势{n}")
        w.lit(node, CBEC + "order", str(n + 1), dt="integer")
        ev = s.evidence(section, f"趋势{n}")
        w.node(node, CBEC + "evidence", ev)
        for d in (2 * n, 2 * n + 1):
            s.link(node, "hasDriver", _shared_iri("driver", d % N_DRIVERS), [ev])


def _write_source(w: _Writer, index: int, seed: int) -> None:
    """One source: challenges, causes, countermeasures, actions, findings, statistics."""
    rng = random.Random(f"{seed}:{index}")
    s = _Source(w, index, rng)
    s.header(f"Synthetic paper {index} on cross-border e-commerce", f"跨境电商合成论文{index}")
    base = s.base
    topics = rng.sample(TOPICS, 4)
    causes_by_challenge: list[list[str]] = []
    challenges = []
    for c, (topic, topic_zh) in enumerate(topics, 1):
        section = f"2.{c}"
        ch = f"{base}-challenge-{c}"
        challenges.append(ch)
        s.labels(
            ch, "Challenge", f"{topic.title()} problem {index}-{c}", f"{topic_zh}问题{index}-{c}"
        )
        w.lit(ch, CBEC + "order", str(c), dt="integer")
        ev = s.evidence(section, f"{topic_zh}问题")
        w.node(ch, CBEC + "evidence", ev)
        causes = []
        for k in range(1, rng.randint(3, 5) + 1):
            cause = f"{base}-cause-{c}-{k}"
            causes.append(cause)
            s.labels(
                cause,
                "Cause",
                f"{topic.title()} cause {index}-{c}-{k}",
                f"{topic_zh}成因{index}-{c}-{k}",
            )
            cev = s.evidence(section, f"{topic_zh}成因{k}")
            w.node(cause, CBEC + "evidence", cev)
            s.link(ch, "hasCause", cause, [cev])
        causes_by_challenge.append(causes)
    for c, (topic, topic_zh) in enumerate(topics, 1):
        section = f"3.{c}"
        cm = f"{base}-countermeasure-{c}"
        s.labels(cm, "Countermeasure", f"Improve {topic} {index}-{c}", f"改进{topic_zh}{index}-{c}")
        w.lit(cm, CBEC + "order", str(c), dt="integer")
        ev = s.evidence(section, f"改进{topic_zh}")
        w.node(cm, CBEC + "evidence", ev)
        s.link(cm, "addresses", challenges[c - 1], [ev])
        trend = _shared_iri("trend", rng.randrange(N_TRENDS))
        s.link(cm, "supports", trend, [s.evidence(section, f"{topic_zh}趋势")])
        for a in range(1, rng.randint(5, 7) + 1):
            act = f"{base}-action-{c}-{a}"
            s.labels(
                act,
                "Action",
                f"{topic.title()} action {index}-{c}-{a}",
                f"{topic_zh}措施{index}-{c}-{a}",
            )
            w.lit(act, CBEC + "order", str(a), dt="integer")
            aev = s.evidence(section, f"{topic_zh}措施{a}")
            w.node(act, CBEC + "evidence", aev)
            w.node(act, CBEC + "partOf", cm)
            s.link(cm, "hasAction", act, [aev])
            own = causes_by_challenge[c - 1]
            s.link(act, "addresses", own[(a - 1) % len(own)], [aev])
            if rng.random() < 0.2:  # a curator's cross-pairing reading
                other = causes_by_challenge[(c + rng.randint(0, 2)) % 4]
                s.link(act, "addresses", rng.choice(other), [aev], inferred=True)
            actor = _shared_iri("actor", rng.randrange(N_ACTORS))
            s.link(act, "responsibleActor", actor, [aev])
            if rng.random() < 0.5:
                s.link(act, "supports", _shared_iri("trend", rng.randrange(N_TRENDS)), [aev])
    for f in range(1, 4):
        section = f"1.{f}"
        finding = f"{base}-finding-{f}"
        s.labels(finding, "Finding", f"Finding {index}-{f}", f"发现{index}-{f}")
        w.lit(finding, CBEC + "order", str(f), dt="integer")
        w.node(finding, CBEC + "evidence", s.evidence(section, f"发现{f}"))
        for year in range(2019, 2022):
            obs = f"{base}-obs-{f}-{year}"
            ind = rng.randrange(N_INDICATORS)
            w.node(obs, RDF_TYPE, CBEC + "Observation")
            w.lit(obs, RDFS + "label", f"Observation {index}-{f}, {year}", "en")
            w.lit(obs, RDFS + "label", f"{year}年观测{index}-{f}", "zh")
            w.node(obs, CBEC + "indicator", _shared_iri("indicator", ind))
            w.lit(obs, CBEC + "refPeriod", str(year))
            value = f"{rng.randint(10, 99999)}.{rng.randint(0, 9)}"
            w.lit(obs, CBEC + "value", value, dt="decimal")
            w.node(obs, CBEC + "unit", _shared_iri("unit", ind % N_UNITS))
            w.node(obs, CBEC + "reportedBy", _shared_iri("actor", ind % N_ACTORS))
            w.node(obs, CBEC + "source", base)
            oev = s.evidence(section, f"{year}年数据")
            w.node(obs, CBEC + "evidence", oev)
            s.link(obs, "substantiates", finding, [oev])


def iter_blocks(sources: int, seed: int = 0) -> Iterator[tuple[str, Callable[[_Writer], None]]]:
    """(source IRI, writer function) for the shared block and each source, in order."""
    yield source_iri(0), _write_shared
    for i in range(1, sources + 1):
        yield source_iri(i), partial(_write_source, index=i, seed=seed)


def synth(
    sources: int,
    out: str | Path,
    seed: int = 0,
    progress: Callable[[int], None] | None = None,
) -> SynthStats:
    """Write a synthetic KG of ``sources`` sources (plus the shared block) to ``out``.

    ``.nt`` gives N-Triples with a ``# kg:source <IRI>`` line before each source; ``.ttl``
    gives Turtle (one document, prefixed names). The same ``sources`` and ``seed`` always give
    byte-identical files. ``progress`` is called with the number of sources written so far.
    """
    if sources < 1:
        raise ValueError("need at least one source")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    turtle = out.suffix.lower() in (".ttl", ".turtle")
    tmp = out.with_name(f".{out.name}.tmp")
    with tmp.open("w", encoding="utf-8", newline="\n") as handle:
        w = _Writer(handle, turtle)
        w.comment(f"# Synthetic cbec-kg corpus: {sources} source(s), seed {seed} (kg synth).")
        if turtle:
            for prefix in ("id", "cbec", "skos", "oa", "dcterms", "xsd"):
                w.comment(f"@prefix {prefix}: <{PREFIXES[prefix]}> .")
        for done, (iri, write) in enumerate(iter_blocks(sources, seed)):
            w.comment(f"{SOURCE_MARKER}<{iri}>")
            write(w)
            w.flush()
            if progress is not None and done:
                progress(done)
        w.flush()
    tmp.replace(out)
    return SynthStats(out, sources, w.count, seed)
