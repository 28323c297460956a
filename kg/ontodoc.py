"""Documentation of the ontology as one offline HTML page, after the conventions of pyLODE and
Widoco: the ontology's metadata, a table of contents, one section per class, object property,
datatype property, annotation property and named individual (anchored by its local name), each
with its IRI, both labels and both definitions, super- and sub-classes, domains, ranges and
inverses as links, and the diagram of how a curated link carries its evidence.

pyLODE itself is not used: it shows the English and Chinese labels of a term mixed together
without a language tag (pyLODE issue 213), and the release on PyPI at the time of writing fails
at start-up; this page is generated from the ontology graph directly and is written to
``ontology/index.html`` by ``kg build``. Style is inline, there is no script, and a
Content-Security-Policy forbids every request.

>>> html = ontology_html()
>>> 'id="Challenge"' in html and "困境" in html
True
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TypeGuard

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.namespaces import CBEC, PREFIXES, curie

__all__ = ["ONTOLOGY_PAGE", "ontology_graph", "ontology_html", "ontology_terms"]

ONTOLOGY_PAGE = "ontology/index.html"
VANN = "http://purl.org/vocab/vann/"

#: Kinds of term, their OWL type and headings, in the order of the page.
KINDS = (
    ("classes", OWL.Class, "Classes", "类"),
    ("object-properties", OWL.ObjectProperty, "Object properties", "对象属性"),
    ("datatype-properties", OWL.DatatypeProperty, "Datatype properties", "数据属性"),
    ("annotation-properties", OWL.AnnotationProperty, "Annotation properties", "注释属性"),
    ("individuals", None, "Named individuals", "命名个体"),
)

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; "
    "form-action 'none'"
)

CSS = """
body{font:14px/1.5 'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',
system-ui,sans-serif;margin:24px auto;max-width:980px;padding:0 16px;color:#1f1f1f}
h1{font-size:24px;margin-bottom:4px}h2{font-size:19px;border-bottom:2px solid #1a5fb4;
margin-top:32px}h3{font-size:16px;margin:0 0 4px}code{font-size:12.5px;color:#444}
.entity{border:1px solid #ddd;border-radius:6px;padding:10px 14px;margin:14px 0}
.entity:target{border-color:#1a5fb4;box-shadow:0 0 0 2px #cfe0f8}
table.meta{border-collapse:collapse;width:100%}table.meta td,table.meta th{text-align:left;
vertical-align:top;padding:3px 8px;border-bottom:1px solid #eee}table.meta th{width:170px;
color:#555;font-weight:600}.zh{color:#333}.lang{font-size:11px;color:#fff;background:#888;
border-radius:3px;padding:0 4px;margin-right:4px}.toc{columns:3;font-size:13px}
.toc ul{margin:0;padding-left:16px}a{color:#1a5fb4;text-decoration:none}
figure{margin:16px 0}figcaption{color:#555;font-size:13px}
"""


def ontology_graph() -> Graph:
    """The ontology's own file (``ontology/cbec.ttl``; declarations of borrowed terms left out)."""
    from kg.paths import ontology_dir

    return Graph().parse(ontology_dir() / "cbec.ttl", format="turtle")


def _in_ns(term: object) -> TypeGuard[URIRef]:
    return isinstance(term, URIRef) and str(term).startswith(str(CBEC))


def ontology_terms(graph: Graph) -> dict[str, list[URIRef]]:
    """The ontology's own terms by kind (``classes``, ``object-properties`` …), sorted."""
    out: dict[str, list[URIRef]] = {}
    typed: set[URIRef] = set()
    for key, owl_type, *_ in KINDS:
        if owl_type is None:
            continue
        found = sorted(t for t in graph.subjects(RDF.type, owl_type) if _in_ns(t))
        out[key] = found
        typed |= set(found)
    classes = set(out["classes"])
    out["individuals"] = sorted(
        s
        for s, o in graph.subject_objects(RDF.type)
        if _in_ns(s) and o in classes and s not in typed
    )
    return out


def _local(iri: URIRef) -> str:
    return str(iri).split("#", 1)[-1]


def _texts(graph: Graph, s: Node | None, p: URIRef) -> dict[str, str]:
    out: dict[str, str] = {}
    for o in sorted(o for o in graph.objects(s, p) if isinstance(o, Literal)):
        out.setdefault(o.language or "", str(o))
    return out


def _ref(graph: Graph, term: object) -> str:
    """A link to a term of the page, or the CURIE/IRI of another term, or a class expression."""
    if isinstance(term, BNode):
        members = graph.value(term, OWL.unionOf)
        if members is not None:
            from rdflib.collection import Collection

            return " ⊔ ".join(_ref(graph, m) for m in Collection(graph, members))
        return "(class expression)"
    if _in_ns(term):
        labels = _texts(graph, term, RDFS.label)
        title = escape(" / ".join(labels[k] for k in ("en", "zh") if k in labels))
        name = escape(curie(str(term)))
        return f'<a href="#{escape(_local(term))}" title="{title}"><code>{name}</code></a>'
    return f"<code>{escape(curie(str(term)))}</code>"


def _refs(graph: Graph, terms: Iterable[object]) -> str:
    return ", ".join(_ref(graph, t) for t in sorted(terms, key=str))


def _both(texts: dict[str, str]) -> str:
    rows = []
    for lang in ("en", "zh"):
        if lang in texts:
            rows.append(
                f'<div lang="{lang}"><span class="lang">{lang}</span>{escape(texts[lang])}</div>'
            )
    return "".join(rows)


def _entity(graph: Graph, term: URIRef, kind: str) -> str:
    labels = _texts(graph, term, RDFS.label) or _texts(graph, term, SKOS.prefLabel)
    rows = [("IRI", f"<code>{escape(str(term))}</code>")]
    rows.append(("Label · 标签", _both(labels)))
    definition = _texts(graph, term, SKOS.definition)
    if definition:
        rows.append(("Definition · 定义", _both(definition)))
    comment = _texts(graph, term, RDFS.comment)
    if comment:
        rows.append(("Comment · 注释", _both(comment)))
    types = [t for t in graph.objects(term, RDF.type) if t not in (OWL.Class,)]
    if kind != "classes" and types:
        rows.append(("Type · 类型", _refs(graph, types)))
    relations = (
        ("Super-classes · 父类", graph.objects(term, RDFS.subClassOf)),
        ("Sub-classes · 子类", graph.subjects(RDFS.subClassOf, term)),
        ("Super-properties · 父属性", graph.objects(term, RDFS.subPropertyOf)),
        ("Domain · 定义域", graph.objects(term, RDFS.domain)),
        ("Range · 值域", graph.objects(term, RDFS.range)),
        (
            "Inverse of · 逆属性",
            [*graph.objects(term, OWL.inverseOf), *graph.subjects(OWL.inverseOf, term)],
        ),
        ("In the domain of · 作为定义域", graph.subjects(RDFS.domain, term)),
        ("In the range of · 作为值域", graph.subjects(RDFS.range, term)),
        ("Chain role · 链条角色", graph.objects(term, CBEC.chainRole)),
        ("Chain direction · 链条方向", graph.objects(term, CBEC.chainDirection)),
        ("Layer · 层", graph.objects(term, CBEC.layer)),
    )
    for name, values in relations:
        values = sorted(set(values), key=str)
        if values:
            rows.append((name, _refs(graph, values)))
    body = "".join(f"<tr><th>{h}</th><td>{v}</td></tr>" for h, v in rows)
    title = " · ".join(escape(labels[k]) for k in ("en", "zh") if k in labels) or escape(
        _local(term)
    )
    return (
        f'<section class="entity" id="{escape(_local(term))}">'
        f"<h3>{title} <code>{escape(curie(str(term)))}</code></h3>"
        f'<table class="meta">{body}</table></section>\n'
    )


def _box(x: int, y: int, w: int, text: str, fill: str) -> str:
    return (
        f'<rect x="{x}" y="{y}" width="{w}" height="26" rx="4" fill="{fill}" stroke="#666"/>'
        f'<text x="{x + w / 2}" y="{y + 17}" text-anchor="middle">{escape(text)}</text>'
    )


def _arrow(x1: int, y1: int, x2: int, y2: int, label: str, dash: bool = False) -> str:
    style = ' stroke-dasharray="5 3"' if dash else ""
    return (
        f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="#444" marker-end="url(#a)"{style}/>'
        f'<text x="{(x1 + x2) / 2 + 4}" y="{(y1 + y2) / 2 - 4}" font-size="11" fill="#1a5fb4">'
        f"{escape(label)}</text>"
    )


def evidence_diagram() -> str:
    """The diagram of ontology/README.md: a plain triple, its link record, the status and the
    anchored quotes (inline SVG, text only from this function)."""
    parts = [
        '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="330" viewBox="0 0 900 330" '
        'font-family="DejaVu Sans,sans-serif" font-size="12" role="img" '
        'aria-label="How a link carries its evidence · 关系如何携带证据">',
        '<defs><marker id="a" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#444"/>'
        "</marker></defs>",
        _box(20, 20, 160, "id:A (cbec:Action)", "#e6f4e1"),
        _box(700, 20, 170, "id:C (cbec:Cause)", "#ffe3c2"),
        _arrow(180, 33, 700, 33, "cbec:addresses  (the plain triple · 三元组)"),
        _box(330, 120, 240, "id:link-A--addresses--C (cbec:Link)", "#eeeeee"),
        _arrow(380, 120, 120, 46, "cbec:linkSubject"),
        _arrow(520, 120, 780, 46, "cbec:linkObject"),
        _arrow(450, 120, 450, 46, "cbec:linkPredicate → cbec:addresses"),
        _box(40, 200, 250, "cbec:Stated | cbec:Inferred", "#f6f0c8"),
        _arrow(350, 146, 200, 200, "cbec:assertion"),
        _box(620, 200, 250, 'cbec:rationale "why"@en (inferred)', "#f6f0c8"),
        _arrow(560, 146, 700, 200, "cbec:rationale", dash=True),
        _box(330, 280, 240, "id:ev-2.2-… (cbec:Evidence)", "#d3e3f3"),
        _arrow(450, 146, 450, 280, "cbec:evidence (1..n)"),
        _box(640, 280, 240, 'oa:exact "quote" · §2.2', "#d3e3f3"),
        _arrow(570, 293, 640, 293, "oa:hasSelector"),
        "</svg>",
    ]
    return "\n".join(parts)


def ontology_html(graph: Graph | None = None) -> str:
    """The documentation page of ``graph`` (default: :func:`ontology_graph`)."""
    graph = graph if graph is not None else ontology_graph()
    onto = next(iter(graph.subjects(RDF.type, OWL.Ontology)), None)
    title = _texts(graph, onto, DCTERMS.title)
    meta = [("IRI", f"<code>{escape(str(onto))}</code>")]
    for name, prop in (
        ("Version IRI · 版本 IRI", OWL.versionIRI),
        ("Version · 版本", OWL.versionInfo),
        ("License · 许可", DCTERMS.license),
        ("Creator · 创建者", DCTERMS.creator),
        ("Created · 创建日期", DCTERMS.created),
        ("Preferred prefix · 首选前缀", URIRef(VANN + "preferredNamespacePrefix")),
        ("Namespace · 命名空间", URIRef(VANN + "preferredNamespaceUri")),
    ):
        values = sorted(str(v) for v in graph.objects(onto, prop))
        if values:
            meta.append((name, ", ".join(f"<code>{escape(v)}</code>" for v in values)))
    meta.append(("Description · 描述", _both(_texts(graph, onto, DCTERMS.description))))
    meta.append(("Comment · 注释", _both(_texts(graph, onto, RDFS.comment))))
    terms = ontology_terms(graph)
    toc, sections = [], []
    for key, _, en, zh in KINDS:
        items = terms.get(key, [])
        if not items:
            continue
        toc.append(
            f'<div><b><a href="#{key}">{en} · {zh}</a></b><ul>'
            + "".join(
                f'<li><a href="#{escape(_local(t))}">{escape(curie(str(t)))}</a></li>'
                for t in items
            )
            + "</ul></div>"
        )
        sections.append(f'<h2 id="{key}">{en} · {zh}</h2>\n')
        sections += [_entity(graph, t, key) for t in items]
    namespaces = "".join(
        f"<tr><th><code>{escape(p)}:</code></th><td><code>{escape(ns)}</code></td></tr>"
        for p, ns in sorted(PREFIXES.items())
    )
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
            f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n',
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n',
            f"<title>{escape(title.get('en', 'Ontology'))} · ",
            f"{escape(title.get('zh', ''))}</title>\n",
            f"<style>{CSS}</style>\n</head>\n<body>\n",
            f"<h1>{escape(title.get('en', ''))}</h1>\n",
            f'<p class="zh" lang="zh">{escape(title.get("zh", ""))}</p>\n',
            '<p><a href="../index.html">← maps and outputs · 图谱与成果</a></p>\n',
            '<h2 id="metadata">Metadata · 元数据</h2>\n<table class="meta">',
            "".join(f"<tr><th>{h}</th><td>{v}</td></tr>" for h, v in meta),
            "</table>\n",
            '<h2 id="toc">Contents · 目录</h2>\n<div class="toc">',
            *toc,
            "</div>\n",
            '<h2 id="evidence">How a link carries its evidence · 关系如何携带证据</h2>\n',
            "<p>Each curated link is a plain triple and a link record (<code>cbec:Link</code>) "
            "naming its subject, predicate and object, whether the paper states it or a curator "
            "inferred it (then with a rationale), and the anchored quotes that support it.</p>\n"
            '<p lang="zh">每条人工整理的关系既是一条普通三元组，'
            "又有一条关系记录（<code>cbec:Link</code>），"
            "记明主语、谓词和宾语、该关系是原文陈述还是整理者推断（推断须附理由），以及支持它的锚定引文。</p>\n",
            f"<figure>{evidence_diagram()}<figcaption>The plain triple and its link record · "
            "三元组及其关系记录</figcaption></figure>\n",
            *sections,
            '<h2 id="namespaces">Namespaces · 命名空间</h2>\n<table class="meta">',
            namespaces,
            "</table>\n</body>\n</html>\n",
        ]
    )
