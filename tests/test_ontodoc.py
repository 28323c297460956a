"""The ontology's documentation page (kg.ontodoc): every class and property of ontology/cbec.ttl
in its own section with both labels and both definitions, offline and escaped.

Expectations come from the ontology file parsed here with rdflib, not from kg.ontodoc.
"""

from __future__ import annotations

from lxml import html as lxml_html
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.ontodoc import ontology_html
from kg.paths import ontology_dir

CBEC = "https://w3id.org/cbec-kg/ontology#"


def _terms(graph: Graph) -> list[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return sorted(
        {s for k in kinds for s in graph.subjects(RDF.type, k) if str(s).startswith(CBEC)}
    )


def test_every_class_and_property_has_a_section_with_both_labels_and_definitions():
    graph = Graph().parse(ontology_dir() / "cbec.ttl", format="turtle")
    doc = lxml_html.fromstring(ontology_html())
    terms = _terms(graph)
    assert len(terms) > 50
    for term in terms:
        local = str(term).split("#", 1)[1]
        found = doc.xpath(f'//section[@id="{local}"]')
        assert len(found) == 1, local
        text = found[0].text_content()
        assert str(term) in text
        for prop in (RDFS.label, SKOS.definition):
            for lang in ("en", "zh"):
                values = [o for o in graph.objects(term, prop) if o.language == lang]
                if prop == RDFS.label:
                    assert values, (local, lang)  # the ontology promises both labels
                for value in values:
                    shown = found[0].xpath(f'.//div[@lang="{lang}"]')
                    assert any(str(value) in d.text_content() for d in shown), (local, lang)
    toc = set(doc.xpath('//div[@class="toc"]//a/@href'))
    assert {f"#{str(t).split('#', 1)[1]}" for t in terms} <= toc


def test_domains_ranges_and_inverses_link_to_their_sections():
    graph = Graph().parse(ontology_dir() / "cbec.ttl", format="turtle")
    doc = lxml_html.fromstring(ontology_html())
    for prop, _, cls in graph.triples((None, RDFS.domain, None)):
        if str(prop).startswith(CBEC) and isinstance(cls, URIRef) and str(cls).startswith(CBEC):
            section = doc.xpath(f'//section[@id="{str(prop).split("#")[1]}"]')[0]
            assert f"#{str(cls).split('#')[1]}" in section.xpath(".//a/@href")


def test_page_is_offline_and_escapes_the_ontology_text():
    graph = Graph().parse(ontology_dir() / "cbec.ttl", format="turtle")
    term = URIRef(CBEC + "Challenge")
    graph.add((term, SKOS.definition, Literal("<script>alert(1)</script>", lang="en")))
    page = ontology_html(graph)
    doc = lxml_html.fromstring(page)
    assert not doc.xpath("//script | //link | //*[@src]")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    csp = doc.xpath('//meta[@http-equiv="Content-Security-Policy"]/@content')[0]
    assert "default-src 'none'" in csp
