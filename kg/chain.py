"""The chain around a node: its problem tree, the remedies for it, the trends they support and
who must act. Written once, against a small adjacency interface, so that the SPARQL trace (any
backend), the networkx analyses and the maps all walk it the same way; the map's script follows
the same rules (``kg/web/map.js``, tested against this module node by node).

Which relations play which role, and in which direction the chain runs through them, comes from
the ontology (:class:`kg.model.ChainModel`). A walk *along the chain* goes down a problem's
causes (causal links), to a remedy that addresses one of them (remedy link), at most one step
inside the remedy tree (composition: an action's countermeasure, or a countermeasure's actions),
and on to the trends the remedies support (outcome link). :data:`GRAMMAR` states exactly that;
:mod:`kg.pathfinding` finds paths by it, and :func:`around` collects what it reaches:

* around a **problem** P: its tree *below* (P and what produces it, transitively), everything
  *above* that tree (effects, the challenge a cause belongs to), the **remedies** the walk
  reaches from below P, the **trends** they support and the **actors** responsible for them;
* around a **remedy** R: R with one composition step (its actions, or its countermeasure), the
  problems they address and everything above those, their trends and actors;
* around a **trend** T: the remedies supporting it with one composition step, the problems they
  address and everything above those, and the actors;
* around anything else (an actor, a driver, a law …): the union of the chains around the chain
  nodes linked to it.

>>> import networkx as nx
>>> from kg.loader import load_graph
>>> from kg.model import ChainModel
>>> model = ChainModel.from_graph(load_graph())
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("h", {"layer": "problem"}), ("c", {"layer": "problem"}),
...                   ("a", {"layer": "remedy"}), ("m", {"layer": "remedy"}),
...                   ("t", {"layer": "outcome"}), ("x", {"layer": "agent"})])
>>> for u, v, k in [("h", "c", "cbec:hasCause"), ("a", "c", "cbec:addresses"),
...                 ("m", "a", "cbec:hasAction"), ("m", "t", "cbec:supports"),
...                 ("a", "x", "cbec:responsibleActor")]:
...     _ = G.add_edge(u, v, key=k)
>>> sorted(around(GraphAdjacency(G, model), "h"))
['a', 'c', 'h', 'm', 't', 'x']
>>> sorted(around(GraphAdjacency(G, model), "c"))  # the challenge above it, not its siblings
['a', 'c', 'h', 'm', 't', 'x']
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from kg.model import ChainModel, Relation

if TYPE_CHECKING:
    import networkx as nx

    from kg.backends import Backend
    from kg.termindex import TermIndex

__all__ = [
    "GRAMMAR",
    "START",
    "Adjacency",
    "BackendAdjacency",
    "GraphAdjacency",
    "around",
    "closure",
    "problem_tree",
]

#: A walk along the chain, as transitions between states: ``(state, role, along) → state``.
#: ``along`` tells whether the step follows the chain's direction through the relation
#: (``None``: either way). The walk starts in the state of its first node's layer
#: (:data:`START`).
GRAMMAR: tuple[tuple[str, str, bool | None, str], ...] = (
    ("problem", "causal", True, "problem"),  # down the problem tree
    ("problem", "remedy", True, "remedy"),  # to a remedy addressing it
    ("remedy", "composition", None, "means"),  # one step inside the remedy tree
    ("remedy", "outcome", True, "trend"),  # to a trend the remedy supports
    ("means", "outcome", True, "trend"),
)

#: The state a walk starts in, by the layer of its first node.
START = {"problem": "problem", "remedy": "remedy", "outcome": "trend"}


class Adjacency(Protocol):
    """Where the walk reads the graph from."""

    model: ChainModel

    def step(self, nodes: set[str], role: str, along: bool) -> set[str]:
        """Nodes one link of ``role`` away from ``nodes``, walking along the chain or against
        it (``along=False``)."""
        ...

    def layer(self, node: str) -> str | None:
        """The chain layer of ``node`` (problem, remedy, outcome, agent) or ``None``."""
        ...

    def linked(self, node: str) -> set[str]:
        """Nodes linked to ``node`` by any curated relation, in either direction."""
        ...


def closure(adj: Adjacency, nodes: Iterable[str], role: str, along: bool) -> set[str]:
    """``nodes`` and everything reachable from them by links of ``role``, transitively."""
    found = set(nodes)
    frontier = set(found)
    while frontier:
        frontier = adj.step(frontier, role, along) - found
        found |= frontier
    return found


def problem_tree(adj: Adjacency, problem: str) -> tuple[set[str], set[str]]:
    """``(below, above)``: ``problem`` with everything that produces it, and everything that
    tree produces in turn (effects, the problems a cause belongs to)."""
    below = closure(adj, {problem}, "causal", along=True)
    above = closure(adj, below, "causal", along=False) - below
    return below, above


def _one_composition_step(adj: Adjacency, remedies: set[str]) -> set[str]:
    """``remedies`` with their countermeasures and their actions (one step either way)."""
    wholes = adj.step(remedies, "composition", True)
    return remedies | wholes | adj.step(remedies, "composition", False)


def around(adj: Adjacency, focus: str) -> set[str]:
    """Every node of the chain around ``focus`` (itself included); see the module's rules."""
    layer = adj.layer(focus)
    if layer == "problem":
        below, above = problem_tree(adj, focus)
        problems = below | above
        remedies = _one_composition_step(adj, adj.step(below, "remedy", along=True))
        trends = adj.step(remedies, "outcome", along=True)
    elif layer in ("remedy", "outcome"):
        if layer == "remedy":
            remedies = _one_composition_step(adj, {focus})
            trends = adj.step(remedies, "outcome", along=True)
        else:
            remedies = _one_composition_step(adj, adj.step({focus}, "outcome", along=False))
            trends = {focus}
        targets = adj.step(remedies, "remedy", along=False)
        problems = closure(adj, targets, "causal", along=False)
    else:
        found = {focus}
        for seed in sorted(adj.linked(focus)):
            if adj.layer(seed) in ("problem", "remedy", "outcome"):
                found |= around(adj, seed)
        return found
    actors = adj.step(remedies, "responsibility", along=True)
    return {focus} | problems | remedies | trends | actors


# --- adjacency over a networkx projection ------------------------------------------------------


class GraphAdjacency:
    """The walk over a :mod:`networkx` projection whose edges are keyed by predicate CURIE and
    whose nodes carry a ``layer`` attribute (see :func:`kg.projection.project`)."""

    def __init__(self, G: nx.MultiDiGraph, model: ChainModel):
        self.G, self.model = G, model
        self._roles: dict[str, Relation] = {r.curie: r for r in model.relations.values()}

    def step(self, nodes: set[str], role: str, along: bool) -> set[str]:
        """See :meth:`Adjacency.step`."""
        out: set[str] = set()
        for n in nodes:
            if n not in self.G:
                continue
            for _, v, k in self.G.out_edges(n, keys=True):
                r = self._roles.get(k)
                if r is not None and r.role == role and r.along == along:
                    out.add(v)
            for u, _, k in self.G.in_edges(n, keys=True):
                r = self._roles.get(k)
                if r is not None and r.role == role and r.along != along:
                    out.add(u)
        return out

    def layer(self, node: str) -> str | None:
        """See :meth:`Adjacency.layer`."""
        return self.G.nodes[node].get("layer") if node in self.G else None

    def linked(self, node: str) -> set[str]:
        """See :meth:`Adjacency.linked`."""
        if node not in self.G:
            return set()
        return {v for _, v in self.G.out_edges(node)} | {u for u, _ in self.G.in_edges(node)}


# --- adjacency over SPARQL ----------------------------------------------------------------------


class BackendAdjacency:
    """The walk as a few SPARQL queries, one per step: works the same on every backend.

    ``layers`` maps nodes to their chain layer; nodes it lacks are looked up in ``index`` (the
    term index, :mod:`kg.termindex`), and those it lacks with one query.
    """

    def __init__(
        self,
        backend: Backend,
        model: ChainModel,
        layers: dict[str, str | None],
        index: TermIndex | None = None,
    ):
        self.backend, self.model, self.layers = backend, model, dict(layers)
        self.index = index
        #: The classes of the nodes looked up so far (CURIEs), for nodes not given in ``layers``.
        self.types: dict[str, list[str]] = {}

    def _query(
        self, nodes: set[str], relations: list[tuple[Relation, bool]]
    ) -> set[tuple[str, str]]:
        from rdflib import URIRef

        if not nodes or not relations:
            return set()
        values = " ".join(URIRef(n).n3() for n in sorted(nodes))
        patterns = []
        for r, forwards in relations:
            p = URIRef(r.iri).n3()
            patterns.append(f"{{ ?x {p} ?y }}" if forwards else f"{{ ?y {p} ?x }}")
        text = (
            f"SELECT DISTINCT ?x ?y WHERE {{ VALUES ?x {{ {values} }} {' UNION '.join(patterns)} }}"
        )
        rows = self.backend.query(text).rows
        return {(str(x), str(y)) for x, y in rows if y is not None}

    def pairs(self, nodes: set[str], role: str, along: bool) -> set[tuple[str, str]]:
        """``(node, neighbour)`` for each step of :meth:`step`."""
        found = self._query(nodes, [(r, r.along == along) for r in self.model.relations_for(role)])
        self._learn({y for _, y in found})
        return found

    def step(self, nodes: set[str], role: str, along: bool) -> set[str]:
        """See :meth:`Adjacency.step`."""
        return {y for _, y in self.pairs(nodes, role, along)}

    def _learn(self, nodes: set[str]) -> None:
        from rdflib import URIRef

        unknown = sorted(n for n in nodes if n not in self.layers)
        if unknown and self.index is not None:
            for n, m in self.index.get_many(unknown).items():
                self.layers[n] = self.model.layer_of(m.types)
                self.types[n] = sorted(m.types)
            unknown = [n for n in unknown if n not in self.layers]
        if not unknown:
            return
        values = " ".join(URIRef(n).n3() for n in unknown)
        text = f"SELECT ?x ?c WHERE {{ VALUES ?x {{ {values} }} ?x a ?c }}"
        types: dict[str, list[str]] = {n: [] for n in unknown}
        from kg.namespaces import curie

        for x, c in self.backend.query(text).rows:
            types[str(x)].append(curie(str(c)))
        for n, ts in types.items():
            self.layers[n] = self.model.layer_of(ts)
            self.types[n] = sorted(ts)

    def layer(self, node: str) -> str | None:
        """See :meth:`Adjacency.layer`."""
        self._learn({node})
        return self.layers.get(node)

    def linked(self, node: str) -> set[str]:
        """See :meth:`Adjacency.linked`."""
        rels = [(r, True) for r in self.model.relations.values()]
        rels += [(r, False) for r in self.model.relations.values()]
        found = {y for _, y in self._query({node}, rels)}
        self._learn(found)
        return found
