"""The policy brief (kg.brief) as a whole, made from the KG: every challenge, countermeasure and
action's actor cited with a quote found in the paper, no number that differs from the KG, what a
second reader asked of it (leverage with its stated part, each quote once per section, quotes
from the section in focus, every statistic in the paper's order, what drives each trend),
offline in a real browser, determinism, and kg build.

Expectations come from SPARQL over the KG written here (and the source text), never from the
brief's own code; the page is read back with lxml. Each module has its own tests as well:
tests/test_brief_<module>.py (the PDF's text and the escaping of data text are there).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from helpers import IN_CI, REPO
from lxml import html as lxml_html
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg import paths
from kg.api import KnowledgeGraph
from kg.brief import brief_files, research_links
from kg.brief.html import brief_html
from kg.brief.markdown import brief_markdown
from kg.brief.words import W
from kg.evidence import normalise
from kg.maps import BrowserUnavailable, chromium, offline_page
from kg.namespaces import CBEC, curie, expand

EVIL = "<img src=x onerror=alert(1)> *bold* | `code`"
NUMBER = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w.])")

Q_ACTORS = """
SELECT ?action ?actor WHERE { ?action a cbec:Action ; cbec:responsibleActor ?actor }"""
Q_NO_ACTOR = """
SELECT ?action WHERE {
  ?action a cbec:Action . FILTER NOT EXISTS { ?action cbec:responsibleActor ?x }
}"""
#: Problems a remedy reaches: what it or its actions address, and everything above that.
Q_REACHED = """
SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {
  { ?r cbec:addresses ?t } UNION { ?r cbec:hasAction ?a . ?a cbec:addresses ?t }
  ?p cbec:hasCause* ?t .
}"""
#: The links the paper states (a curator's inferences left out) that leverage walks.
Q_STATED_LINKS = """
SELECT ?s ?p ?o WHERE {
  ?link cbec:linkSubject ?s ; cbec:linkPredicate ?p ; cbec:linkObject ?o ;
        cbec:assertion cbec:Stated .
  FILTER(?p IN (cbec:addresses, cbec:hasAction, cbec:hasCause))
}"""


def _stated_reach(graph, remedy: str) -> int:
    """Problems ``remedy`` reaches through stated links only: what it or its actions address,
    and everything above that along stated hasCause links."""
    edges = {(str(s), curie(str(p)), str(o)) for s, p, o in graph.query(Q_STATED_LINKS)}
    unit = {remedy} | {o for s, p, o in edges if s == remedy and p == "cbec:hasAction"}
    reached = {o for s, p, o in edges if s in unit and p == "cbec:addresses"}
    while True:
        above = {s for s, p, o in edges if p == "cbec:hasCause" and o in reached} - reached
        if not above:
            return len(reached)
        reached |= above


@pytest.fixture(scope="module")
def kg():
    return KnowledgeGraph.open()


@pytest.fixture(scope="module")
def graph(kg):
    return kg.rdflib_graph()


@pytest.fixture(scope="module")
def made(kg):
    """Every file, PDF included where WeasyPrint works (cached for the builds that follow;
    determinism is tested without the cache)."""
    return brief_files(kg)


@pytest.fixture(scope="module")
def files(made):
    return made[0]


@pytest.fixture(scope="module")
def source():
    """The normalised paper, or None on a user's machine without it (fails under CI)."""
    path = paths.source_dir() / "000_25b2fadf580d6e84.txt"
    if path.is_file():
        return normalise(path.read_text(encoding="utf-8"))
    if IN_CI:
        pytest.fail(f"source text not found at {path}")
    return None


def _doc(files, lang):
    return lxml_html.fromstring(files[f"brief/brief.{lang}.html"])


def _labels(graph, iri: str) -> set[str]:
    node = URIRef(expand(iri))
    return {str(o) for p in (SKOS.prefLabel, RDFS.label) for o in graph.objects(node, p)}


def _label(graph, iri: str, lang: str) -> str:
    node = URIRef(expand(iri))
    for o in graph.objects(node, SKOS.prefLabel):
        if o.language == lang:
            return str(o)
    raise AssertionError(f"no {lang} label for {iri}")


def _section_of(element):
    return next(element.iterancestors("section"), None)


def _quoted(cite):
    """The quote a citation shows — or, for a citation of words its section has shown already,
    the quote of the earlier citation it links to (same section, same section number, before
    it in the page)."""
    quote = cite.find("q")
    if quote is not None:
        return quote
    (href,) = cite.xpath("./a/@href")
    root = cite.getroottree().getroot()
    (first,) = root.xpath(f'//cite[@id="{href.removeprefix("#")}"]')
    order = list(root.iter())
    assert order.index(first) < order.index(cite), href
    assert _section_of(first) is _section_of(cite), href
    assert first.find_class("sec")[0].text == cite.find_class("sec")[0].text, href
    return first.find("q")


def _cited(element, source) -> bool:
    """The element holds a citation with a section and a quote found in the paper (shown there,
    or, the second time a section cites the same words, linked to)."""
    for cite in element.iter("cite"):
        sec, quote = cite.find_class("sec"), _quoted(cite)
        text = quote.text_content().strip() if quote is not None else ""
        if sec and text and (source is None or normalise(text) in source):
            return True
    return False


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_challenge_countermeasure_and_actor_is_cited_from_the_paper(
    graph, files, source, lang
):
    doc = _doc(files, lang)
    nodes = {}
    for el in doc.xpath('//span[contains(@class, "node")]'):
        nodes.setdefault(el.get("data-iri"), []).append(el)
    for cls in (CBEC.Challenge, CBEC.Countermeasure):
        for iri in sorted(graph.subjects(RDF.type, cls)):
            key = curie(str(iri))
            assert key in nodes, key
            assert any(_cited(el, source) for el in nodes[key]), key
            shown = {el.find_class("label")[0].text_content() for el in nodes[key]}
            assert _label(graph, key, lang) in shown, key
    for action, actor in graph.query(Q_ACTORS):
        items = [
            li
            for li in doc.xpath('//li[contains(@class, "action")]')
            if li.xpath(f'./span[@data-iri="{curie(str(action))}"]')
        ]
        assert items, f"action {curie(str(action))} is not in the brief"
        for li in items:
            actors = li.xpath(f'.//span[@class="actor"][@data-iri="{curie(str(actor))}"]')
            assert actors and _cited(actors[0], source), (curie(str(action)), curie(str(actor)))
            assert actors[0].find_class("label")[0].text_content() == _label(
                graph, curie(str(actor)), lang
            )
    no_actor = W["no_actor"][lang]
    for (action,) in graph.query(Q_NO_ACTOR):
        for li in doc.xpath('//li[contains(@class, "action")]'):
            shown = li.xpath(f'./span[@data-iri="{curie(str(action))}"]')
            assert not shown or no_actor in li.text_content()
    rationales = {el.text_content() for el in doc.find_class("rationale")}
    kg_rationales = {str(o) for o in graph.objects(None, CBEC.rationale)}
    assert rationales and rationales <= kg_rationales  # inferred links say so, with the reason


def _value(graph, ref: str, prop: str) -> str:
    return str(graph.value(URIRef(expand(ref)), CBEC[prop]))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_number_in_the_brief_differs_from_the_kg(graph, files, lang):
    doc = _doc(files, lang)
    ordinals = []
    for el in doc.iter("data"):
        kind, value = el.get("data-kind"), el.get("value")
        refs = el.get("data-ref", "").split()
        assert el.text_content() == value
        if kind == "obs":
            assert value == _value(graph, refs[0], "value"), refs
        elif kind == "period":
            assert value == _value(graph, refs[0], "refPeriod"), refs
        elif kind == "recomputed":
            prev, cur = (Decimal(_value(graph, r, "value")) for r in refs)
            assert Decimal(value) == ((cur / prev - 1) * 100).quantize(Decimal("0.01"))
        elif kind == "sum":
            assert Decimal(value) == sum(Decimal(_value(graph, r, "value")) for r in refs)
        elif kind == "leverage":
            (n,) = next(iter(graph.query(Q_REACHED, initBindings={"r": URIRef(expand(refs[0]))})))
            assert int(value) == int(n), refs
        elif kind == "stated-leverage":
            assert int(value) == _stated_reach(graph, expand(refs[0])), refs
        elif kind == "ordinal":
            ordinals.append(int(value))
        else:
            raise AssertionError(f"unknown number kind {kind}")
    assert ordinals == list(range(1, len(ordinals) + 1))
    # whatever is left once tagged numbers and KG text are taken out holds no number
    literals = {str(o) for o in graph.objects() if isinstance(o, Literal)}
    for el in doc.xpath("//q | //*[@class='label'] | //*[@class='rationale'] | //*[@class='def']"):
        assert el.text_content() in literals, el.text_content()
    for el in doc.xpath(
        "//head | //data | //q | //code | //figcaption | //*[@class='label'] | //*[@class='sec']"
        " | //*[@class='rationale'] | //*[@class='def'] | //*[@class='other']"
    ):
        el.drop_tree() if el.getparent() is not None else None
    text = doc.text_content()
    for words in W.values():
        text = text.replace(words[lang], " ")
    assert NUMBER.findall(text) == [], NUMBER.findall(text)


def test_kg_hash_is_the_canonical_ntriples_hash(kg, files):
    from kg.serialize import to_ntriples

    digest = hashlib.sha256(to_ntriples(kg.rdflib_graph()).encode()).hexdigest()
    for lang in ("en", "zh"):
        assert f"sha256:{digest}" in files[f"brief/brief.{lang}.html"]
        assert f"sha256:{digest}" in files[f"brief/brief.{lang}.md"]


def test_files_are_identical_under_another_hash_seed(files, tmp_path):
    code = (
        "import hashlib, json, sys; import kg; from kg.brief import brief_files; "
        "f, _ = brief_files(kg.load(), pdf=False, use_cache=False); "
        "print(json.dumps({n: hashlib.sha256(b if isinstance(b, bytes) else b.encode())"
        ".hexdigest() for n, b in f.items()}))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "777"}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, cwd=REPO, capture_output=True, text=True
    ).stdout
    other = json.loads(out.strip().splitlines()[-1])
    mine = {
        n: hashlib.sha256(b if isinstance(b, bytes) else b.encode()).hexdigest()
        for n, b in files.items()
        if not n.endswith(".pdf")
    }
    assert other == mine


def test_text_from_the_data_is_escaped(kg, made):
    from kg.brief.content import collect
    from kg.charts import build_charts

    content = collect(kg, build_charts(kg.backend, render=False))
    challenge = content.challenges[0]["focus"]["iri"]
    names = {**content.names, challenge: {"en": EVIL, "zh": EVIL}}
    evil = dataclasses.replace(content, names=names)
    page = brief_html(evil, "en")
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert not lxml_html.fromstring(page).xpath("//img[@src='x'] | //script")
    md = brief_markdown(evil, "en")
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt; \\*bold\\* \\|" in md


def test_build_writes_the_brief_charts_and_ontology_and_the_index_links_them(tmp_path):
    from kg.build import build

    result = build(out_dir=tmp_path)
    for name in (
        "brief/brief.en.html",
        "brief/brief.zh.md",
        "charts/export-value.csv",
        "ontology/index.html",
    ):
        assert name in result.files and (tmp_path / name).is_file(), name
    index = lxml_html.fromstring((tmp_path / "index.html").read_text(encoding="utf-8"))
    hrefs = set(index.xpath("//a/@href"))
    expected = {p for p, *_ in research_links(lambda n: (tmp_path / n).is_file())}
    assert {"brief/brief.en.html", "ontology/index.html", "charts/export-value.svg"} <= hrefs
    assert expected <= hrefs
    nt = hashlib.sha256((tmp_path / "kg.nt").read_bytes()).hexdigest()
    assert f"sha256:{nt}" in (tmp_path / "brief" / "brief.en.html").read_text(encoding="utf-8")


# --- what a second reader asked of the brief ---------------------------------------------------


def _md_sections(md: str) -> list[str]:
    """The Markdown brief cut where a challenge or a top-level section starts."""
    return re.split(r"(?m)^(?=### (?:Challenge|困境) \d|## )", md)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_leverage_says_how_many_problems_it_reaches_through_stated_links(graph, files, lang):
    doc = _doc(files, lang)
    md = files[f"brief/brief.{lang}.md"]
    (key_points,) = doc.xpath('//ul[@class="keypoints"]')
    ranked = doc.xpath('//section[@id="leverage"]//li')
    assert ranked
    for li in [*key_points.iter("li"), *ranked]:
        score = li.xpath('.//data[@data-kind="leverage"]')
        if not score:
            continue
        (stated,) = li.xpath('.//data[@data-kind="stated-leverage"]')
        remedy = expand(score[0].get("data-ref"))
        assert stated.get("data-ref") == score[0].get("data-ref")
        n, m = score[0].text, stated.text
        assert int(m) == _stated_reach(graph, remedy) <= int(n)
        phrase = (
            f"reaches {n} problems ({m} stated)"
            if lang == "en"
            else f"触及 {n} 个问题（其中原文陈述 {m} 个）"
        )
        assert phrase in li.text_content()
        name = _label(graph, curie(remedy), lang)
        assert any(name in line and phrase in line for line in md.splitlines()), phrase
    # the key point and the first of the ranking are the same remedy, in both formats
    top = key_points.xpath('.//data[@data-kind="stated-leverage"]')[0]
    assert top.get("data-ref") == ranked[0].xpath('.//data[@data-kind="stated-leverage"]')[0].get(
        "data-ref"
    )


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_quote_is_shown_once_per_section(files, source, lang):
    doc = _doc(files, lang)
    sections = doc.xpath('//section[@class="challenge"] | //section[@id="figures"]')
    again = 0
    for section in sections:
        shown = set()
        for cite in section.iter("cite"):
            sec = cite.find_class("sec")[0].text
            if cite.find("q") is None:  # a later mention: links back to the words in this section
                again += 1
                assert (sec, _quoted(cite).text_content()) in shown
                assert W["again"][lang] in cite.text_content()
                continue
            key = (sec, cite.find("q").text_content())
            assert key not in shown, key
            shown.add(key)
        assert shown
    assert again  # the brief cites the same words more than once, as the paper is one text
    md = files[f"brief/brief.{lang}.md"]
    md_again = 0
    for part in _md_sections(md):
        quotes = re.findall(r"§([\d.]+) 「((?:[^」\\]|\\.)*)」", part)
        assert len(quotes) == len(set(quotes)), [q for q in quotes if quotes.count(q) > 1]
        md_again += part.count(W["again"][lang])
    assert md_again == again  # the Markdown refers back exactly where the page does
    # e.g. a cause and the inferred link that brings it in rest on the same words: shown once
    li = doc.xpath('//li[span[@data-iri="id:cause-information-asymmetry"]]')[0]
    node_cite, link_cite = li.xpath("./span/cite | ./cite")[:2]
    assert node_cite.find("q") is not None and link_cite.find("q") is None
    assert _quoted(link_cite) is node_cite.find("q")


#: Every node and link record with its quotes' sections.
Q_EVIDENCE_SECTIONS = """
SELECT ?x ?section ?quote WHERE {
  ?x cbec:evidence ?ev . ?ev cbec:inSection/skos:notation ?section ;
                            oa:hasSelector/oa:exact ?quote .
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quotes_come_from_the_section_in_focus_and_the_abstract_last(graph, files, lang):
    sections: dict[str, set[str]] = {}
    abstract_only = set()
    rows = list(graph.query(Q_EVIDENCE_SECTIONS))
    for x, section, _ in rows:
        sections.setdefault(curie(str(x)), set()).add(str(section))
    for x, _, quote in rows:
        if sections[curie(str(x))] == {"0"}:
            abstract_only.add(str(quote))
    doc = _doc(files, lang)
    checked = 0
    for section in doc.xpath('//section[@class="challenge"]'):
        challenge = section.xpath("./h3/span")[0].get("data-iri")
        in_focus = sections[challenge] - {"0"}
        remedies = {
            s
            for cm in section.xpath('.//span[@data-type="cbec:Countermeasure"]/@data-iri')
            for s in sections[cm]
        } - {"0"}
        for node in section.xpath('.//span[@class="node"]'):
            kind, own = node.get("data-type"), sections[node.get("data-iri")]
            wanted = remedies if kind in ("cbec:Countermeasure", "cbec:Action") else in_focus
            if kind == "cbec:Trend" or not own & wanted:
                continue
            (cite,) = node.xpath(f'./cite[@data-of="{node.get("data-iri")}"]')
            assert cite.find_class("sec")[0].text.removeprefix("§") in wanted, node.get("data-iri")
            checked += 1
        for cite in section.iter("cite"):
            if cite.find_class("sec")[0].text == "§0":
                assert _quoted(cite).text_content() in abstract_only
    assert checked > 30
    # the effect 'development held back' is quoted in 2.1 and 2.2: challenge 2 quotes 2.2
    md = files[f"brief/brief.{lang}.md"]
    (ch2,) = [
        p
        for p in _md_sections(md)
        if _label(graph, "id:challenge-comprehensive-services", lang) in p.splitlines()[0]
    ]
    name = _label(graph, "id:effect-development-hindered", lang)
    (line,) = [x for x in ch2.splitlines() if x.startswith(f"- **{name}**")]
    assert "(§2.2 「" in line
    for part in _md_sections(md):
        for quote in re.findall(r"§0 「([^」]*)」", part):
            assert quote in abstract_only


#: Every observation, the quote that prints its value and where that quote starts.
Q_FIGURES = """
SELECT ?obs ?value ?quote ?start WHERE {
  ?obs a cbec:Observation ; cbec:value ?value ; cbec:evidence ?ev .
  ?ev oa:hasSelector ?q , ?p . ?q oa:exact ?quote . ?p oa:start ?start .
  FILTER(CONTAINS(?quote, STR(?value)))
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_the_paper_cites_is_in_the_statistics_in_the_papers_order(graph, files, lang):
    where = {}
    for obs, value, quote, start in graph.query(Q_FIGURES):
        # where the paper prints the number: its quote's start, then its place in the quote
        at = (int(start), str(quote).index(str(value)))
        where[curie(str(obs))] = min(where.get(curie(str(obs)), at), at)
    expected = sorted(where, key=lambda o: where[o])
    assert len(expected) == len(set(graph.subjects(RDF.type, CBEC.Observation))) == 20
    doc = _doc(files, lang)
    (table,) = doc.xpath('//section[@id="figures"]//table[@class="statistics"]')
    rows = table.xpath(".//tr[@data-obs]")
    assert [r.get("data-obs") for r in rows] == expected
    for row in rows:
        (value,) = row.xpath('.//data[@data-kind="obs"]')
        assert value.text == _value(graph, row.get("data-obs"), "value")  # exactly as printed
    assert "52982.7" in [r.xpath('.//data[@data-kind="obs"]')[0].text for r in rows]
    md = files[f"brief/brief.{lang}.md"]
    (part,) = [p for p in _md_sections(md) if p.startswith(f"## {W['figures'][lang]}")]
    md_rows = [x for x in part.splitlines() if x.startswith("| ") and "---" not in x][1:]
    assert [x.split(" | ")[2] for x in md_rows] == [
        ("more than " if o == "id:obs-import-users-2021-h1" else "") + _value(graph, o, "value")
        for o in expected
    ]


#: What drives each trend, and the class of the driver.
Q_DRIVERS = "SELECT ?trend ?driver ?type WHERE { ?trend cbec:hasDriver ?driver . ?driver a ?type }"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_each_trend_shows_what_drives_it_and_the_laws_and_standards(graph, files, source, lang):
    types: dict[tuple[str, str], set] = {}
    for trend, driver, type_ in graph.query(Q_DRIVERS):
        types.setdefault((curie(str(trend)), curie(str(driver))), set()).add(type_)
    drivers: dict[str, dict[str, str]] = {}
    for (trend, driver), of in types.items():
        kind = "laws" if CBEC.Policy in of else "standards" if CBEC.Standard in of else "driven_by"
        drivers.setdefault(trend, {})[driver] = kind
    doc = _doc(files, lang)
    trends = doc.xpath('//section[@class="challenge"]//li[span[@data-type="cbec:Trend"]]')
    assert trends
    words = {
        "en": {
            "driven_by": "Driven by: ",
            "laws": "Laws and policies: ",
            "standards": "Standards: ",
        },
        "zh": {"driven_by": "驱动因素：", "laws": "法律政策：", "standards": "标准："},
    }[lang]
    for li in trends:
        trend = li.xpath("./span")[0].get("data-iri")
        shown = {d.get("data-iri"): d.get("data-kind") for d in li.find_class("driver")}
        assert shown == drivers[trend], trend
        for d in li.find_class("driver"):
            assert _cited(d, source)
            assert d.find_class("label")[0].text_content() == _label(graph, d.get("data-iri"), lang)
        for kind in set(shown.values()):
            assert words[kind] in li.text_content()
    assert {"driven_by", "laws", "standards"} <= {k for t in drivers.values() for k in t.values()}
    md = files[f"brief/brief.{lang}.md"].splitlines()
    for trend, found in drivers.items():
        starts = [
            i for i, x in enumerate(md) if x.startswith(f"- **{_label(graph, trend, lang)}**")
        ]
        for i in starts:
            block = []
            for x in md[i + 1 :]:
                if not x.startswith("  - "):
                    break
                block.append(x)
            for driver, kind in found.items():
                (line,) = [x for x in block if x.startswith(f"  - {words[kind]}")]
                assert _label(graph, driver, lang) in line, (trend, driver)


# --- browser ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    try:
        with chromium() as b:
            yield b
    except BrowserUnavailable as exc:
        if IN_CI:
            pytest.fail(f"browser tests cannot run under CI: {exc}")
        pytest.skip(str(exc))


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_brief_opens_offline_with_no_error_and_no_request(browser, files, tmp_path, lang):
    path = tmp_path / f"brief.{lang}.html"
    path.write_text(files[f"brief/brief.{lang}.html"], encoding="utf-8")
    page = offline_page(browser)
    errors, requests = [], []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(path.resolve().as_uri())
        page.wait_for_load_state("load")
        images = page.evaluate(
            "() => [...document.images].map(i => [i.complete && i.naturalWidth > 0, i.alt])"
        )
        assert images and all(ok for ok, _ in images), images
        assert page.evaluate("() => document.scripts.length") == 0
        heading = page.inner_text("h1")
    finally:
        page.context.close()
    assert not errors, errors
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    assert heading == W["title"][lang]
