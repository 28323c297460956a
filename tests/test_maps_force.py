"""The force layout kept as an option (kg.maps.force): deterministic, one component at a time."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import networkx as nx
from helpers import REPO

from kg.maps.force import centred, force_positions


def test_force_positions_are_deterministic_integers_for_every_node(chain_view):
    pos = force_positions(chain_view)
    assert pos.keys() == set(chain_view)
    assert pos == force_positions(nx.MultiDiGraph(chain_view))
    assert all(isinstance(v, int) for p in pos.values() for v in p)


def test_force_positions_do_not_depend_on_the_hash_seed(chain_view, tmp_path):
    code = (
        "import json, sys; from kg.loader import load_graph; from kg.projection import project; "
        "from kg.maps.force import force_positions; "
        "print(json.dumps(sorted(force_positions(project(load_graph(), 'chain')).items())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, env=env, cwd=REPO, capture_output=True, text=True
    ).stdout
    here = sorted(force_positions(chain_view).items())
    assert out.strip() == json.dumps(here)


def test_components_are_packed_apart():
    G = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("x", "y")])
    pos = force_positions(G)
    near = min(abs(pos[p][0] - pos[q][0]) + abs(pos[p][1] - pos[q][1]) for p in "abc" for q in "xy")
    assert near > 50  # the two components do not sit on each other
    assert force_positions(nx.MultiDiGraph()) == {}


def test_centred_by_hand():
    assert centred(["a", "b"], [(10.0, 0.0), (20.4, 5.0)]) == {"a": (-5, -2), "b": (5, 2)}
