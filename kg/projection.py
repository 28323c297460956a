"""Project the RDF knowledge graph onto a :class:`networkx.MultiDiGraph` for analysis and maps.

The projection reads any backend (in-memory rdflib, embedded store, endpoint) with a few
SPARQL queries. Nodes are keyed by IRI and carry their most specific class, chain layer and
trace group (from :class:`kg.model.ChainModel`), both labels, both definitions and their evidence
in the paper's order; every curated link (the properties marked ``cbec:curated true``, in their
primary direction) becomes an edge keyed by the predicate's CURIE, with its stated/inferred flag,
rationale and evidence. Materialised inverses (``cbec:addressedBy`` …) are not curated, so
projecting before or after :func:`kg.build.materialise_inverses` gives the same graph.

Views (:data:`VIEWS`)
---------------------
``remedy``
    The chain: problems (challenges, causes, effects), remedies (countermeasures, actions)
    and trends, and the curated links among them.
``chain``
    The remedy view plus the actors responsible for its remedies: the whole question "what
    does the paper propose, who acts, what does it lead to".
``actors``
    Actors (platforms included), the remedies they are responsible for and what those address.
``full``
    Every IRI node that is an instance of a ``cbec`` class, with every curated link. Left out:
    the ontology's own terms and the records that become attributes (links, evidence).

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
from typing import TYPE_CHECKING, Any

import networkx as nx

from kg.errors import InputError
from kg.labels import evidence as fetch_evidence
from kg.labels import labels as fetch_labels
from kg.labels import section_key
from kg.model import ChainModel, model_of
from kg.namespaces import CBEC, curie

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = ["VIEWS", "as_backend", "check_view", "project"]

#: The projections :func:`project` knows, the default first.
VIEWS: tuple[str, ...] = ("remedy", "chain", "actors", "full")

#: Layers of the remedy view.
REMEDY_LAYERS = ("problem", "remedy", "outcome")

#: Classes whose instances are records turned into attributes, never nodes.
RECORD_CLASSES = ("cbec:Link", "cbec:Evidence")

_TYPES_QUERY = """
SELECT DISTINCT ?n ?c WHERE { ?n a ?c . FILTER(isIRI(?n) && STRSTARTS(STR(?c), STR(cbec:))) }
"""

_DEFINITIONS_QUERY = """
SELECT ?n ?d WHERE { ?n skos:definition ?d }
"""

_LINKS_QUERY = """
SELECT ?s ?p ?o ?link ?mode ?rationale WHERE {
  ?p cbec:curated true .
  ?s ?p ?o .
  OPTIONAL {
    ?link cbec:linkSubject ?s ; cbec:linkPredicate ?p ; cbec:linkObject ?o .
    OPTIONAL { ?link cbec:assertion ?mode }
    OPTIONAL { ?link cbec:rationale ?rationale }
  }
}
"""


def as_backend(source: Graph | Backend) -> Backend:
    """A backend for an rdflib graph (wrapped in memory) or the backend itself."""
    from rdflib import Graph

    from kg.backends import MemoryBackend

    return MemoryBackend(source) if isinstance(source, Graph) else source


def _paper_order(q: dict[str, Any]) -> tuple[Any, ...]:
    return (q["start"] is None, q["start"] or 0, section_key(q["section"]), q["quote"])


def check_view(view: str) -> None:
    """Raise :class:`kg.errors.InputError` unless ``view`` is one of :data:`VIEWS`.

    >>> check_view("actors")
    """
    if view not in VIEWS:
        close = difflib.get_close_matches(str(view), VIEWS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise InputError(f"unknown view {view!r}: choose one of {', '.join(VIEWS)}.{hint}")


def _most_specific(model: ChainModel, classes: set[str]) -> str:
    leaves = [c for c in classes if not any(o != c and c in model.ancestors(o) for o in classes)]
    return sorted(leaves or classes)[0]


def _types(backend: Backend) -> dict[str, set[str]]:
    types: dict[str, set[str]] = {}
    for n, c in backend.query(_TYPES_QUERY).rows:
        if not str(n).startswith(str(CBEC)):
            types.setdefault(str(n), set()).add(curie(str(c)))
    return types


def _links(backend: Backend) -> list[dict[str, Any]]:
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for s, p, o, link, mode, rationale in backend.query(_LINKS_QUERY).rows:
        key = (str(s), curie(str(p)), str(o))
        entry = found.setdefault(key, {"records": set(), "stated": False, "rationales": {}})
        if link is not None:
            entry["records"].add(str(link))
            entry["stated"] |= mode is not None and str(mode) == str(CBEC.Stated)
            if rationale is not None:
                lang = getattr(rationale, "language", None) or ""
                entry["rationales"].setdefault(lang, set()).add(str(rationale))
    out = []
    for (subject, predicate, obj), e in sorted(found.items()):
        # one rationale per language, the same whatever order the rows came in
        by_lang = {lang: min(texts) for lang, texts in e.pop("rationales").items()}
        e["rationale"] = by_lang.get("en") or by_lang.get("") or min(by_lang.values(), default="")
        e["rationale_zh"] = by_lang.get("zh", "")
        out.append({"s": subject, "p": predicate, "o": obj, **e})
    return out


def _view_nodes(
    view: str,
    types: dict[str, set[str]],
    layers: dict[str, str | None],
    links: list[dict[str, Any]],
) -> set[str]:
    if view == "full":
        return {n for n, cs in types.items() if not cs & set(RECORD_CLASSES)}
    chain = {n for n, layer in layers.items() if layer in REMEDY_LAYERS}
    responsible = [(e["s"], e["o"]) for e in links if e["role"] == "responsibility"]
    if view == "remedy":
        return chain
    if view == "chain":
        return chain | {o for s, o in responsible if s in chain and layers.get(o) == "agent"}
    actors = {n for n, layer in layers.items() if layer == "agent"}
    doers = {s for s, o in responsible if o in actors and layers.get(s) == "remedy"}
    addressed = {
        e["o"]
        for e in links
        if e["role"] == "remedy" and e["s"] in doers and layers.get(e["o"]) == "problem"
    }
    return actors | doers | addressed


def project(source: Graph | Backend, view: str = "remedy") -> nx.MultiDiGraph:
    """Project ``source`` (an rdflib graph with the ontology, or a backend) for ``view``.

    Returns a MultiDiGraph with nodes and edges inserted in sorted order; ``G.graph["view"]``
    names the view. Node attributes: ``type``, ``layer``, ``group``, ``label_en``,
    ``label_zh``, ``definition_en``, ``definition_zh``, ``section`` (of the first quote) and
    ``evidence``; edge attributes: ``predicate``, ``role``, ``stated``, ``recorded`` (False: no
    link record, i.e. unvalidated data, not inferred), ``rationale`` (English), ``rationale_zh``,
    ``evidence_count`` and ``evidence``.

    Raises
    ------
    kg.errors.InputError
        ``view`` is not one of :data:`VIEWS`.

    Examples
    --------
    >>> from kg.loader import load_graph
    >>> G = project(load_graph(), "remedy")
    >>> sorted({layer for _, layer in G.nodes(data="layer")})
    ['outcome', 'problem', 'remedy']
    >>> project(load_graph(), "remedies")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    kg.errors.InputError: unknown view 'remedies': choose one of remedy, chain, actors, full. ...
    """
    check_view(view)
    backend = as_backend(source)
    model = model_of(backend)
    types = _types(backend)
    layers = {n: model.layer_of(cs) for n, cs in types.items()}
    links = _links(backend)
    for e in links:
        relation = model.relation(e["p"])
        e["role"] = relation.role if relation else "context"
    nodes = sorted(_view_nodes(view, types, layers, links))
    chosen = set(nodes)
    edges = [e for e in links if e["s"] in chosen and e["o"] in chosen]

    names = fetch_labels(backend, nodes)
    definitions: dict[str, dict[str, str]] = {}
    for node, d in backend.query(_DEFINITIONS_QUERY).rows:
        if str(node) in chosen:
            lang = getattr(d, "language", "") or ""
            definitions.setdefault(str(node), {}).setdefault(lang, str(d))
    quotes = fetch_evidence(backend, chosen | {r for e in edges for r in e["records"]})

    G = nx.MultiDiGraph(view=view)
    for n in nodes:
        cls = _most_specific(model, types[n])
        ev = [{"section": q["section"], "quote": q["quote"]} for q in quotes.get(n, [])]
        G.add_node(
            n,
            type=cls,
            layer=layers[n] or "",
            group=model.group_of(types[n]) or "",
            label_en=names[n]["en"],
            label_zh=names[n]["zh"],
            definition_en=definitions.get(n, {}).get("en", ""),
            definition_zh=definitions.get(n, {}).get("zh", ""),
            section=ev[0]["section"] if ev else "",
            evidence=ev,
        )
    for e in edges:
        found = {(q["section"], q["quote"]): q for r in e["records"] for q in quotes.get(r, [])}
        ordered = sorted(found.values(), key=_paper_order)
        evidence = [{"section": q["section"], "quote": q["quote"]} for q in ordered]
        G.add_edge(
            e["s"],
            e["o"],
            key=e["p"],
            predicate=e["p"],
            role=e["role"],
            stated=bool(e["stated"]),
            recorded=bool(e["records"]),
            rationale=e["rationale"] or "",
            rationale_zh=e["rationale_zh"],
            evidence_count=len(evidence),
            evidence=evidence,
        )
    return G
