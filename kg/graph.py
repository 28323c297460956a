"""Project the RDF knowledge graph onto a :class:`networkx.MultiDiGraph`.

Nodes are keyed by IRI string and carry their type, labels, definitions and evidence; every
curated link (the properties marked ``cbec:curated true``, in their primary direction) becomes an
edge keyed by the predicate's CURIE, with its stated/inferred flag and evidence. Materialised
inverses (``cbec:addressedBy``, ``cbec:causeOf`` ...) are ignored, so projecting a graph before
or after :func:`kg.build.materialise_inverses` gives the same result.

Views
-----
``remedy``
    Challenges, causes, countermeasures, actions and trends, and the curated links among them.
``actors``
    Actors (platforms included), the countermeasures and actions they are responsible for
    (``cbec:responsibleActor``) and what those address, with the curated links among them.
``full``
    Every IRI node that is an instance of a ``cbec`` class, with every curated link. Left out:
    the ontology's own terms and the records that become attributes (``cbec:Link``,
    ``cbec:Evidence``).

>>> from kg.loader import load_graph
>>> G = project(load_graph())
>>> G.nodes["https://w3id.org/cbec-kg/id/challenge-talent"]["type"]
'cbec:Challenge'
>>> ids = "https://w3id.org/cbec-kg/id/"
>>> G.edges[ids + "countermeasure-talent", ids + "challenge-talent", "cbec:addresses"]["stated"]
True
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

import networkx as nx
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from kg.errors import InputError
from kg.namespaces import CBEC, OA, curie
from kg.validate import label_of

__all__ = [
    "REMEDY_CLASSES",
    "VIEWS",
    "check_view",
    "class_closure",
    "curated_predicates",
    "evidence_of",
    "project",
    "section_key",
]

#: The projections :func:`project` knows, the default first.
VIEWS: tuple[str, ...] = ("remedy", "actors", "full")

#: Classes whose instances make up the ``remedy`` view.
REMEDY_CLASSES: tuple[URIRef, ...] = (
    CBEC.Challenge,
    CBEC.Cause,
    CBEC.Action,
    CBEC.Countermeasure,
    CBEC.Trend,
)

#: Classes whose instances are records turned into attributes, never nodes.
RECORD_CLASSES: tuple[URIRef, ...] = (CBEC.Link, CBEC.Evidence)

Evidence = dict[str, str]


def section_key(notation: str) -> tuple:
    """Sort key that orders section notations numerically ("2.10" after "2.9").

    >>> sorted(["2.10", "2.9", "10", "3"], key=section_key)
    ['2.9', '2.10', '3', '10']
    """
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"[.\s]+", notation))


def _evidence_key(item: Evidence) -> tuple:
    return section_key(item["section"]), item["quote"]


def evidence_of(graph: Graph, evidence_nodes: Iterable) -> list[Evidence]:
    """The ``{"section", "quote"}`` of each evidence node, sorted by section then quote.

    >>> from kg.loader import load_graph
    >>> from kg.namespaces import ID
    >>> evidence_of(load_graph(), [ID["ev-2.4-890ca93e78"]])
    [{'section': '2.4', 'quote': '全国跨境电商人才缺口较大'}]
    """
    items = []
    for ev in set(evidence_nodes):
        section = graph.value(ev, CBEC.inSection)
        notation = graph.value(section, SKOS.notation) if section is not None else None
        quotes = [
            str(q)
            for sel in graph.objects(ev, OA.hasSelector)
            for q in graph.objects(sel, OA.exact)
        ]
        items.append({"section": str(notation or ""), "quote": min(quotes, default="")})
    return sorted(items, key=_evidence_key)


def class_closure(graph: Graph, cls: URIRef) -> set[URIRef]:
    """``cls`` and all its (transitive) subclasses declared in ``graph``.

    >>> from kg.loader import load_graph
    >>> CBEC.Platform in class_closure(load_graph(), CBEC.Actor)
    True
    """
    return set(graph.transitive_subjects(RDFS.subClassOf, cls))


def curated_predicates(graph: Graph) -> list[URIRef]:
    """Curated relations (marked ``cbec:curated true``), sorted, inverses excluded.

    A curated relation that is declared the ``owl:inverseOf`` of a lexically smaller curated
    relation is treated as that relation's inverse and dropped.

    >>> from kg.loader import load_graph
    >>> [curie(p) for p in curated_predicates(load_graph())][:3]
    ['cbec:addresses', 'cbec:concerns', 'cbec:hasAction']
    """
    curated = set(graph.subjects(CBEC.curated, Literal(True)))
    primary = []
    for p in sorted(curated):
        inverses = set(graph.objects(p, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, p))
        if not any(q in curated and q < p for q in inverses):
            primary.append(p)
    return primary


def _cbec_classes(graph: Graph) -> set[URIRef]:
    """Every class in the ``cbec`` namespace that the graph declares or subclasses."""
    candidates = set(graph.subjects(RDF.type, OWL.Class)) | set(graph.subjects(RDFS.subClassOf))
    return {c for c in candidates if isinstance(c, URIRef) and c.startswith(str(CBEC))}


def _most_specific(graph: Graph, classes: set[URIRef]) -> URIRef:
    """The class of ``classes`` that no other class of ``classes`` is a subclass of."""
    leaves = [
        c
        for c in classes
        if not any(o != c and c in graph.transitive_objects(o, RDFS.subClassOf) for o in classes)
    ]
    return sorted(leaves or classes)[0]


def _node_attributes(graph: Graph, node: URIRef, cls: URIRef) -> dict:
    definitions = {d.language: str(d) for d in sorted(graph.objects(node, SKOS.definition))}
    evidence = evidence_of(graph, graph.objects(node, CBEC.evidence))
    return {
        "type": curie(str(cls)),
        "label_en": label_of(graph, node, "en"),
        "label_zh": label_of(graph, node, "zh"),
        "definition_en": definitions.get("en", ""),
        "definition_zh": definitions.get("zh", ""),
        "section": evidence[0]["section"] if evidence else "",
        "evidence": evidence,
    }


def _typed_nodes(graph: Graph, roots: Iterable[URIRef]) -> dict[URIRef, set[URIRef]]:
    """IRI nodes that are instances of ``roots`` (or their subclasses) → their cbec classes."""
    wanted = set().union(*(class_closure(graph, r) for r in roots))
    cbec_classes = _cbec_classes(graph)
    nodes: dict[URIRef, set[URIRef]] = {}
    for cls in wanted:
        for node in graph.subjects(RDF.type, cls):
            if isinstance(node, URIRef) and not node.startswith(str(CBEC)):
                nodes[node] = {c for c in graph.objects(node, RDF.type) if c in cbec_classes}
    return nodes


def _links(graph: Graph, nodes: set[URIRef]) -> list[tuple[URIRef, URIRef, URIRef]]:
    """Curated triples whose both ends are in ``nodes``, sorted."""
    triples = {
        (s, p, o)
        for p in curated_predicates(graph)
        for s, o in graph.subject_objects(p)
        if s in nodes and o in nodes
    }
    return sorted(triples, key=lambda t: (str(t[0]), curie(str(t[1])), str(t[2])))


def _edge_attributes(graph: Graph, s: URIRef, p: URIRef, o: URIRef) -> dict:
    records = set(graph.subjects(CBEC.linkSubject, s)) & set(graph.subjects(CBEC.linkObject, o))
    records = {r for r in records if (r, CBEC.linkPredicate, p) in graph}
    stated = any((r, CBEC.assertion, CBEC.Stated) in graph for r in records)
    evidence = evidence_of(graph, (ev for r in records for ev in graph.objects(r, CBEC.evidence)))
    return {
        "predicate": curie(str(p)),
        "stated": stated,
        "recorded": bool(records),  # False: no cbec:Link record (unvalidated data), not inferred
        "evidence_count": len(evidence),
        "evidence": evidence,
    }


def _view_nodes(graph: Graph, view: str) -> dict[URIRef, set[URIRef]]:
    if view == "remedy":
        return _typed_nodes(graph, REMEDY_CLASSES)
    if view == "full":
        everything = _typed_nodes(graph, _cbec_classes(graph))
        records = _typed_nodes(graph, RECORD_CLASSES)
        return {n: c for n, c in everything.items() if n not in records}
    actors = _typed_nodes(graph, [CBEC.Actor])
    remedies = _typed_nodes(graph, [CBEC.Action, CBEC.Countermeasure])
    doers = {
        s: remedies[s]
        for s, o in graph.subject_objects(CBEC.responsibleActor)
        if s in remedies and o in actors
    }
    targets = _typed_nodes(graph, [CBEC.Challenge, CBEC.Cause])
    addressed = {
        o: targets[o] for s in doers for o in graph.objects(s, CBEC.addresses) if o in targets
    }
    return {**actors, **doers, **addressed}


def check_view(view: str) -> None:
    """Raise :class:`kg.errors.InputError` unless ``view`` is one of :data:`VIEWS`.

    >>> check_view("actors")
    """
    if view not in VIEWS:
        close = difflib.get_close_matches(str(view), VIEWS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InputError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}.{hint}")


def project(graph: Graph, view: str = "remedy") -> nx.MultiDiGraph:
    """Project ``graph`` (ontology + data) onto a MultiDiGraph for ``view``.

    Parameters
    ----------
    graph
        The RDF graph, with the ontology (classes, curated relations) loaded.
    view
        One of :data:`VIEWS`.

    Returns
    -------
    networkx.MultiDiGraph
        Nodes and edges inserted in sorted order; ``G.graph["view"]`` names the view.

    Raises
    ------
    kg.errors.InputError
        ``view`` is not one of :data:`VIEWS`.

    Examples
    --------
    >>> from kg.loader import load_graph
    >>> G = project(load_graph(), "remedy")
    >>> {t for _, t in G.nodes(data="type")} <= {curie(c) for c in REMEDY_CLASSES}
    True
    >>> project(load_graph(), "remedies")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.InputError: unknown view 'remedies': choose one of remedy, actors, full. Did you ...
    """
    check_view(view)
    nodes = _view_nodes(graph, view)
    G = nx.MultiDiGraph(view=view)
    for node in sorted(nodes, key=str):
        G.add_node(str(node), **_node_attributes(graph, node, _most_specific(graph, nodes[node])))
    for s, p, o in _links(graph, set(nodes)):
        key = curie(str(p))
        G.add_edge(str(s), str(o), key=key, **_edge_attributes(graph, s, p, o))
    return G
