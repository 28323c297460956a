"""The chain model, read from the ontology: which relations lead from a problem to its remedies
and trends, in which direction, and how each class is grouped and named.

Everything here comes from annotations in ``ontology/cbec.ttl`` (``cbec:curated``,
``cbec:chainRole``, ``cbec:chainDirection``, ``cbec:layer``, ``cbec:groupKey``,
``cbec:pluralLabel``, ``cbec:displayOrder``) and the relations' and classes' labels; no relation,
direction or heading is written in code. Trace, path, gaps, analysis, the maps and the map's
script (through its payload, :meth:`ChainModel.payload`) all read this one model.

The chain reads from a problem to its remedies and on to the trends they support:

* **causal** relations build the problem tree; along the chain they lead from a problem down to
  what produces it (``X cbec:hasCause Y``: from X to Y), and against it up to its effects;
* **remedy** relations lead from a problem to the countermeasures and actions addressing it;
* **composition** relations lead from an action (a means) to its countermeasure (the end);
* **outcome** relations lead from a remedy to the trends it supports;
* **responsibility** and **driver** relations are shown beside remedies and trends, never
  walked through; **context** relations are outside the chain.

>>> from kg.backends import MemoryBackend
>>> from kg.loader import load_graph
>>> model = ChainModel.from_backend(MemoryBackend(load_graph()))
>>> [(r.curie, r.along) for r in model.relations_for("remedy")]
[('cbec:addresses', False)]
>>> model.reading("cbec:addresses", along=True, lang="en")
'addressed by'
>>> model.group_of(["cbec:Platform", "cbec:Actor", "cbec:DomainConcept"])
'actors'
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kg.namespaces import curie

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.backends import Backend

__all__ = ["ROLES", "WALKED_ROLES", "ChainModel", "ClassInfo", "Relation", "model_of"]

#: The roles a curated relation can play (local names of the ``cbec:ChainRole`` individuals,
#: without the ``Role`` suffix, lower-cased).
ROLES = ("causal", "remedy", "composition", "outcome", "responsibility", "driver", "context")

#: Roles the chain walks through (responsibility and driver links are shown beside it).
WALKED_ROLES = ("causal", "remedy", "composition", "outcome")

Labels = dict[str, str]

_RELATIONS_QUERY = """
SELECT ?p ?role ?direction ?inverse ?label WHERE {
  ?p cbec:curated true .
  OPTIONAL { ?p cbec:chainRole ?role }
  OPTIONAL { ?p cbec:chainDirection ?direction }
  OPTIONAL { { ?p owl:inverseOf ?inverse } UNION { ?inverse owl:inverseOf ?p } }
  OPTIONAL { ?p rdfs:label ?label }
}
"""

_INVERSE_LABELS_QUERY = """
SELECT ?q ?label WHERE {
  ?p cbec:curated true .
  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
  ?q rdfs:label ?label .
}
"""

_CLASSES_QUERY = """
SELECT ?c ?super ?layer ?key ?order ?plural ?label WHERE {
  { ?c rdfs:subClassOf* cbec:DomainConcept } UNION { ?c cbec:groupKey ?anyKey }
  FILTER(isIRI(?c))
  OPTIONAL { ?c rdfs:subClassOf ?super . FILTER(isIRI(?super)) }
  OPTIONAL { ?c cbec:layer ?layer }
  OPTIONAL { ?c cbec:groupKey ?key }
  OPTIONAL { ?c cbec:displayOrder ?order }
  OPTIONAL { ?c cbec:pluralLabel ?plural }
  OPTIONAL { ?c rdfs:label ?label }
}
"""


@dataclass(frozen=True)
class Relation:
    """A curated relation and its place in the chain.

    ``along`` tells whether the chain (problem → remedy → trend) follows the relation's arrow;
    ``label`` reads the arrow forwards, ``inverse_label`` backwards (the ``owl:inverseOf``).
    """

    iri: str
    curie: str
    role: str  # one of ROLES
    along: bool
    label: Labels = field(default_factory=dict, compare=False)
    inverse: str | None = None
    inverse_label: Labels = field(default_factory=dict, compare=False)

    @property
    def walked(self) -> bool:
        """Whether the chain walks through this relation."""
        return self.role in WALKED_ROLES


@dataclass(frozen=True)
class ClassInfo:
    """A domain class: its layer in the chain, the trace group it is listed in, its names."""

    curie: str
    supers: tuple[str, ...] = ()
    layer: str | None = None  # problem, remedy, outcome, agent (local name without "Layer")
    group: str | None = None
    order: int = 99
    label: Labels = field(default_factory=dict, compare=False)
    plural: Labels = field(default_factory=dict, compare=False)


def _local(iri: str, suffix: str) -> str:
    name = curie(iri).split(":", 1)[-1]
    return name.removesuffix(suffix).lower()


def _text(value: Any, lang: str, fallback: str = "") -> str:
    """``value[lang]``, else the other language, else ``fallback``."""
    other = "zh" if lang == "en" else "en"
    return value.get(lang) or value.get(other) or fallback


class ChainModel:
    """The relations and classes of the chain, as the ontology declares them."""

    def __init__(self, relations: Iterable[Relation], classes: Iterable[ClassInfo]):
        self.relations: dict[str, Relation] = {r.curie: r for r in relations}
        self.classes: dict[str, ClassInfo] = {c.curie: c for c in classes}
        self._by_iri = {r.iri: r for r in self.relations.values()}
        self._ancestors: dict[str, tuple[str, ...]] = {}

    # --- reading the ontology ----------------------------------------------------------------

    @classmethod
    def from_backend(cls, backend: Backend) -> ChainModel:
        """Read the model with three SPARQL queries (works on every backend)."""
        rel: dict[str, dict[str, Any]] = {}
        for p, role, direction, inverse, label in backend.query(_RELATIONS_QUERY).rows:
            entry = rel.setdefault(str(p), {"label": {}})
            if role is not None:
                entry["role"] = _local(str(role), "Role")
            if direction is not None:
                entry["along"] = _local(str(direction), "") != "against"
            if inverse is not None:
                entry["inverse"] = str(inverse)
            if label is not None:
                entry["label"].setdefault(getattr(label, "language", None) or "", str(label))
        inverse_labels: dict[str, Labels] = {}
        for q, label in backend.query(_INVERSE_LABELS_QUERY).rows:
            lang = getattr(label, "language", None) or ""
            inverse_labels.setdefault(str(q), {}).setdefault(lang, str(label))
        relations = [
            Relation(
                iri,
                curie(iri),
                e.get("role", "context"),
                e.get("along", True),
                e["label"],
                e.get("inverse"),
                inverse_labels.get(e.get("inverse") or "", {}),
            )
            for iri, e in sorted(rel.items())
        ]
        cls_: dict[str, dict[str, Any]] = {}
        for c, sup, layer, key, order, plural, label in backend.query(_CLASSES_QUERY).rows:
            entry = cls_.setdefault(str(c), {"supers": set(), "plural": {}, "label": {}})
            if sup is not None:
                entry["supers"].add(curie(str(sup)))
            if layer is not None:
                entry["layer"] = _local(str(layer), "Layer")
            if key is not None:
                entry["group"] = str(key)
            if order is not None:
                entry["order"] = int(str(order))
            for name, value in (("plural", plural), ("label", label)):
                if value is not None:
                    lang = getattr(value, "language", None) or ""
                    entry[name].setdefault(lang, str(value))
        classes = [
            ClassInfo(
                curie(iri),
                tuple(sorted(e["supers"])),
                e.get("layer"),
                e.get("group"),
                e.get("order", 99),
                e["label"],
                e["plural"],
            )
            for iri, e in sorted(cls_.items())
        ]
        return cls(relations, classes)

    @classmethod
    def from_graph(cls, graph: Graph) -> ChainModel:
        """Read the model from an rdflib graph holding the ontology."""
        from kg.backends import MemoryBackend

        return cls.from_backend(MemoryBackend(graph))

    # --- relations -----------------------------------------------------------------------------

    def relation(self, predicate: str) -> Relation | None:
        """The relation named by a CURIE or an IRI, or ``None`` if it is not curated."""
        return self.relations.get(predicate) or self._by_iri.get(predicate)

    def relations_for(self, *roles: str) -> list[Relation]:
        """Curated relations playing any of ``roles``, sorted by CURIE."""
        return [r for _, r in sorted(self.relations.items()) if r.role in roles]

    def reading(self, predicate: str, *, along: bool, lang: str = "en") -> str:
        """How a link reads when walked along the chain (``along=True``) or against it.

        >>> from kg.loader import load_graph
        >>> m = ChainModel.from_graph(load_graph())
        >>> m.reading("cbec:hasCause", along=True), m.reading("cbec:hasCause", along=False)
        ('has cause', 'leads to')
        """
        r = self.relation(predicate)
        if r is None:
            return curie(predicate)
        forwards = along == r.along  # reading the arrow from its subject to its object
        labels = r.label if forwards else r.inverse_label
        return _text(labels, lang, r.curie if forwards else f"inverse of {r.curie}")

    # --- classes -------------------------------------------------------------------------------

    def ancestors(self, cls: str) -> list[str]:
        """``cls`` and its super-classes among the domain classes, nearest first."""
        found = self._ancestors.get(cls)
        if found is None:
            seen, order, todo = {cls}, [cls], [cls]
            while todo:
                info = self.classes.get(todo.pop(0))
                for sup in info.supers if info else ():
                    if sup not in seen:
                        seen.add(sup)
                        order.append(sup)
                        todo.append(sup)
            found = self._ancestors[cls] = tuple(order)
        return list(found)

    def _first(self, types: Iterable[str], attribute: str) -> Any:
        """The ``attribute`` of the most specific of ``types`` that has one: the classes no other
        of ``types`` is a sub-class of come first, then their super-classes, nearest first."""
        given = set(types)
        leaves = sorted(
            t for t in given if not any(o != t and t in self.ancestors(o) for o in given)
        )
        best: tuple[int, str, Any] | None = None
        for t in leaves:
            for depth, c in enumerate(self.ancestors(t)):
                value = getattr(self.classes[c], attribute) if c in self.classes else None
                if value is not None:
                    if best is None or depth < best[0]:
                        best = (depth, c, value)
                    break
        return best[2] if best else None

    def group_of(self, types: Iterable[str]) -> str | None:
        """The trace group (``causes``, ``actors`` …) of a node with the given class CURIEs."""
        found = self._first(types, "group")
        return str(found) if found is not None else None

    def layer_of(self, types: Iterable[str]) -> str | None:
        """The chain layer (``problem``, ``remedy``, ``outcome``, ``agent``) of such a node."""
        found = self._first(types, "layer")
        return str(found) if found is not None else None

    def groups(self) -> list[ClassInfo]:
        """The classes that name a trace group, in display order."""
        named = [c for c in self.classes.values() if c.group]
        return sorted(named, key=lambda c: (c.order, c.curie))

    def group_keys(self) -> list[str]:
        """The trace groups' keys in display order (``challenges``, ``effects``, ``causes`` …)."""
        return [c.group for c in self.groups() if c.group]

    def heading(self, group: str, lang: str = "en") -> str:
        """The heading of a trace group in ``lang``."""
        info = next((c for c in self.groups() if c.group == group), None)
        return _text(info.plural, lang, group) if info else group

    def class_label(self, cls: str, lang: str = "en") -> str:
        """The label of a class in ``lang`` (its CURIE when it has none)."""
        info = self.classes.get(cls)
        return _text(info.label, lang, cls) if info else cls

    def in_group(self, group: str) -> list[str]:
        """The classes whose nodes are listed under ``group``."""
        return [c for c in self.classes if self.group_of([c]) == group]

    # --- the map's payload ---------------------------------------------------------------------

    def payload(self, predicates: Iterable[str]) -> dict[str, Any]:
        """What the map's script needs to walk the chain: each predicate's role and direction,
        and each group's headings, in display order.

        >>> from kg.loader import load_graph
        >>> m = ChainModel.from_graph(load_graph())
        >>> m.payload(["cbec:supports"])["relations"]
        [['cbec:supports', 'outcome', 1]]
        """
        rows = []
        for p in predicates:
            r = self.relation(p)
            rows.append([p, r.role if r else "context", 1 if (r is None or r.along) else 0])
        groups = [[c.group, _text(c.plural, "en"), _text(c.plural, "zh")] for c in self.groups()]
        return {"relations": rows, "groups": groups}


def model_of(graph_or_backend: Graph | Backend) -> ChainModel:
    """The chain model of an rdflib graph or a backend (cached on a backend)."""
    from rdflib import Graph

    if isinstance(graph_or_backend, Graph):  # graphs may change: read afresh
        return ChainModel.from_graph(graph_or_backend)
    cached = getattr(graph_or_backend, "_kg_chain_model", None)
    if isinstance(cached, ChainModel):
        return cached
    model = ChainModel.from_backend(graph_or_backend)
    setattr(graph_or_backend, "_kg_chain_model", model)  # noqa: B010 - backends do not change
    return model


@functools.cache
def packaged_model() -> ChainModel:
    """The chain model of the ontology shipped with cbec-kg, read once: for code that renders
    answers already computed from data built against it (the brief).

    >>> packaged_model().relation("cbec:addresses").role
    'remedy'
    """
    from kg.loader import load_graph
    from kg.paths import ontology_files

    return ChainModel.from_graph(load_graph(ontology_files(), include_default=False))
