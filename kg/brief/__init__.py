"""The policy brief: each challenge's problem tree, remedies, who acts and trends, with a
citation for every statement; the paper's figures as charts; whether they add up; the gaps;
the remedies with the most leverage; and how to cite — in HTML, Markdown and, where the machine
can make one, PDF, in English or Chinese.

``kg brief`` and ``kg build`` write::

    brief/brief.<lang>.html   self-contained, offline (inline style, charts and figures)
    brief/brief.<lang>.md     Markdown (links to the charts and figures beside it)
    brief/brief.<lang>.pdf    PDF (WeasyPrint, optional extra ``pdf``)
    brief/figures/<challenge>.<lang>.svg
    charts/<chart>.svg|png|csv

Example (``files`` maps paths to contents; ``notes`` says what could not be made)::

    import kg
    files, notes = brief_files(kg.load(), langs=("en",), pdf=False)

>>> research_outputs()[0]
('brief/brief.en.html', 'Policy brief, English (HTML)', '政策简报（英文 HTML）')
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.api import KnowledgeGraph
    from kg.backends import Backend

__all__ = ["LANGS", "brief_files", "research_links", "write_brief"]

LANGS = ("en", "zh")


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _code_hash() -> bytes:
    """SHA-256 of the toolkit's code and queries: a cached brief is never from other code."""
    import hashlib

    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted([*root.rglob("*.py"), *root.rglob("*.rq")]):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest().encode()


def _versions() -> bytes:
    from importlib import metadata

    found = []
    for dist in ("matplotlib", "weasyprint", "rdflib"):
        try:
            found.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            found.append(f"{dist}=none")
    return ";".join(found).encode()


def brief_files(
    kg: KnowledgeGraph | Graph | Backend,
    *,
    langs: Iterable[str] = LANGS,
    pdf: bool = True,
    kg_hash: str | None = None,
    use_cache: bool = True,
) -> tuple[dict[str, str | bytes], list[str]]:
    """Every file of the brief and the charts, keyed by path relative to the output folder, and
    notes for the user (what could not be made, and how to enable it).

    ``kg`` is a :class:`kg.api.KnowledgeGraph` (or an rdflib graph / backend, wrapped in one);
    ``kg_hash`` the SHA-256 of the build's ``kg.nt`` (computed when not given). The files are a
    function of the KG's content, the toolkit's code, the libraries' versions and the fonts, so
    they are cached under that key (:mod:`kg.cache`) unless ``use_cache`` is false.
    """
    import base64

    from kg import cache
    from kg.api import KnowledgeGraph
    from kg.brief.content import content_hash
    from kg.chart_drawing import cjk_font
    from kg.projection import as_backend

    if not isinstance(kg, KnowledgeGraph):
        kg = KnowledgeGraph(as_backend(kg))
    langs = tuple(langs)
    if kg_hash is None:
        kg_hash = content_hash(kg.rdflib_graph())
    key = cache.content_key(
        [
            kg_hash.encode(),
            _code_hash(),
            _versions(),
            str(cjk_font()).encode(),
            ",".join(langs).encode(),
            str(pdf).encode(),
        ]
    )
    hit = cache.get("brief", key) if use_cache else None
    if hit is not None:
        files = {
            n: base64.b64decode(v["b"]) if "b" in v else v["t"] for n, v in hit["files"].items()
        }
        return files, hit["notes"]
    files, notes = _make_files(kg, langs, pdf, kg_hash)
    if use_cache and not notes:  # a missing PDF or font may be installed before the next run
        stored = {
            n: {"b": base64.b64encode(v).decode()} if isinstance(v, bytes) else {"t": v}
            for n, v in files.items()
        }
        cache.put("brief", key, {"files": stored, "notes": notes})
    return files, notes


def _make_files(
    kg: KnowledgeGraph, langs: tuple[str, ...], pdf: bool, kg_hash: str
) -> tuple[dict[str, str | bytes], list[str]]:
    from kg.brief.content import collect
    from kg.brief.figure import chain_figure
    from kg.brief.html import brief_html
    from kg.brief.markdown import brief_markdown
    from kg.chart_drawing import CJK_HINT, cjk_font
    from kg.chart_files import chart_files
    from kg.charts import build_charts

    notes: list[str] = []
    charts = build_charts(kg.backend)
    if cjk_font() is None:
        notes.append(CJK_HINT)
    content = collect(kg, charts, kg_hash=kg_hash)
    files: dict[str, str | bytes] = dict(chart_files(charts))
    for lang in langs:
        html = brief_html(content, lang)
        files[f"brief/brief.{lang}.html"] = html
        files[f"brief/brief.{lang}.md"] = brief_markdown(content, lang)
        for t in content.challenges:
            files[f"brief/figures/{_slug(t['focus']['iri'])}.{lang}.svg"] = chain_figure(t, lang)
        if pdf:
            from kg.brief.pdf import PdfUnavailable, render_pdf

            try:
                files[f"brief/brief.{lang}.pdf"] = render_pdf(html)
            except PdfUnavailable as exc:
                notes.append(f"no PDF written: {exc}")
                pdf = False
    return dict(sorted(files.items())), notes


def write_brief(
    kg: KnowledgeGraph | Graph | Backend, out_dir: str | Path, **options: Any
) -> tuple[dict[str, Path], list[str]]:
    """Write :func:`brief_files` into ``out_dir`` (each file atomically, all made first)."""
    from kg.serialize import write_files

    files, notes = brief_files(kg, **options)
    write_files(out_dir, files)
    return {name: Path(out_dir) / name for name in files}, notes


def research_outputs() -> list[tuple[str, str, str]]:
    """What the maps' index links to when it exists: ``(path, English, Chinese)``."""
    from kg.charts import CHARTS

    out = []
    for lang, en, zh in (("en", "English", "英文"), ("zh", "Chinese", "中文")):
        for ext, kind in (("html", "HTML"), ("pdf", "PDF"), ("md", "Markdown")):
            out.append(
                (
                    f"brief/brief.{lang}.{ext}",
                    f"Policy brief, {en} ({kind})",
                    f"政策简报（{zh} {kind}）",
                )
            )
    for spec in CHARTS:
        for ext in ("svg", "png", "csv"):
            name = spec.slug.replace("-", " ")
            out.append((f"charts/{spec.slug}.{ext}", f"Chart: {name} ({ext})", f"图表（{ext}）"))
    out.append(("ontology/index.html", "Ontology documentation", "本体文档"))
    return out


def research_links(exists: Callable[[str], bool]) -> list[tuple[str, str, str]]:
    """The research outputs for which ``exists(path)`` is true, for the maps' index."""
    return [entry for entry in research_outputs() if exists(entry[0])]


def screenshot_first_page(
    html_path: str | Path, png_path: str | Path, *, browser: Any = None
) -> Path:
    """Save the top of the brief, as it prints (A4 width, print styles), as a PNG — the image in
    the README. Needs the system Chromium and playwright (see :func:`kg.maps.chromium`)."""
    from kg.maps import chromium, offline_page
    from kg.serialize import atomic_write

    if browser is None:
        with chromium() as own:
            return screenshot_first_page(html_path, png_path, browser=own)
    page = offline_page(browser, width=794, height=1123)  # A4 at 96 dpi
    try:
        page.emulate_media(media="print")
        page.goto(Path(html_path).resolve().as_uri())
        atomic_write(png_path, page.screenshot(full_page=False))
    finally:
        page.context.close()
    return Path(png_path)
