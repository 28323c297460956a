"""The brief as PDF (kg.brief.pdf): WeasyPrint lays out a page with its text and fonts embedded,
the same page gives the same bytes, and without WeasyPrint or the libraries it loads the error
says how to get them — and kg brief writes everything else.

The tests that make a PDF need WeasyPrint (the ``pdf`` extra) and Pango: on a machine without
them they skip with the reason; under CI they must run.
"""

from __future__ import annotations

import builtins
import io
import re
import sys

import pytest
from helpers import IN_CI
from rdflib import URIRef
from rdflib.namespace import RDF, SKOS

from kg.brief.pdf import INSTALL_HINT, PdfUnavailable, _weasyprint, render_pdf
from kg.cli import main
from kg.errors import KGError
from kg.namespaces import CBEC

PAGE = (
    '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><style>'
    "html { font: 11pt 'Noto Sans CJK SC','WenQuanYi Micro Hei','DejaVu Sans',sans-serif; }"
    "</style></head><body><h1>Policy brief 政策简报</h1><p>跨境电商</p></body></html>"
)


@pytest.fixture(scope="module")
def weasyprint():
    try:
        return _weasyprint()
    except PdfUnavailable as exc:
        if IN_CI:
            pytest.fail(f"the PDF tests must run under CI: {exc}")
        pytest.skip(f"no PDF on this machine: {exc}")


def _reader(pdf: bytes):
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf))


def _embedded_fonts(reader) -> list:
    return [
        f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for page in reader.pages
        for f in page["/Resources"]["/Font"].values()
        if "/DescendantFonts" in f.get_object()
    ]


def test_a_page_becomes_a_pdf_with_its_text_and_its_fonts(weasyprint):
    pdf = render_pdf(PAGE)
    assert pdf.startswith(b"%PDF-")
    reader = _reader(pdf)
    assert len(reader.pages) == 1
    text = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert "Policybrief" in text and "跨境电商" in text
    fonts = _embedded_fonts(reader)
    assert fonts and all(
        any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts
    )


def test_the_same_page_gives_the_same_bytes(weasyprint):
    first = render_pdf(PAGE)
    assert render_pdf(PAGE) == first
    assert b"/CreationDate" not in first  # nothing in it says when it was made


def test_without_weasyprint_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    with pytest.raises(PdfUnavailable) as caught:
        render_pdf(PAGE)
    assert isinstance(caught.value, KGError) and caught.value.exit_code == 2
    message = str(caught.value)
    assert message.startswith("WeasyPrint is not installed; ")
    assert "pip install 'cbec-kg[pdf]'" in message and "libpango-1.0-0" in message
    assert message.endswith(INSTALL_HINT)


def test_a_system_library_that_cannot_be_loaded_is_named(monkeypatch):
    real = builtins.__import__

    def fake(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake)
    with pytest.raises(PdfUnavailable) as caught:
        render_pdf(PAGE)
    assert "cannot load a system library (cannot load library 'libpango-1.0-0')" in str(
        caught.value
    )
    assert "brew install pango" in str(caught.value)


# --- the brief's PDF (moved from test_brief.py) --------------------------------------------------


@pytest.fixture(scope="module")
def graph():
    from kg.api import KnowledgeGraph

    return KnowledgeGraph.open().rdflib_graph()


@pytest.fixture(scope="module")
def made():
    """Every file, PDF included where WeasyPrint works (from the cache when test_brief.py made
    them in this session)."""
    from kg.api import KnowledgeGraph
    from kg.brief import brief_files

    return brief_files(KnowledgeGraph.open())


def _label(graph, iri, lang: str) -> str:
    for o in graph.objects(URIRef(str(iri)), SKOS.prefLabel):
        if o.language == lang:
            return str(o)
    raise AssertionError(f"no {lang} label for {iri}")


def test_pdf_holds_every_challenge_label(graph, made):
    files, notes = made
    if "brief/brief.en.pdf" not in files:
        reason = f"no PDF on this machine: {notes}"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)

    for lang in ("en", "zh"):
        reader = _reader(files[f"brief/brief.{lang}.pdf"])
        text = re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))
        for challenge in graph.subjects(RDF.type, CBEC.Challenge):
            label = re.sub(r"\s+", "", _label(graph, challenge, lang))
            assert label in text, (lang, label)
        fonts = _embedded_fonts(reader)
        assert fonts and all(
            any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3")) for d in fonts
        )  # embedded, so Chinese renders in any reader
        size = len(files[f"brief/brief.{lang}.pdf"])
        print(f"brief.{lang}.pdf: {len(reader.pages)} pages, {size:,} bytes")


def test_without_weasyprint_the_brief_says_how_to_get_the_pdf(runner, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import fails as if not installed
    result = runner.invoke(main, ["brief", "--lang", "en", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brief" / "brief.en.html").is_file()
    assert (tmp_path / "brief" / "brief.en.md").is_file()
    assert (tmp_path / "charts" / "export-value.svg").is_file()
    assert not (tmp_path / "brief" / "brief.en.pdf").exists()
    assert "pip install 'cbec-kg[pdf]'" in result.output and "pango" in result.output.lower()
