"""The chain model (kg.model) read from the ontology: roles, directions, readings, groups.

Expectations are read off ontology/cbec.ttl by hand; a test also shows that a relation added in
data (not in code) takes its place in the chain."""

from __future__ import annotations

import pytest
from test_projection import fixture_graph

from kg.loader import load_graph
from kg.model import ROLES, ChainModel


@pytest.fixture(scope="module")
def model():
    return ChainModel.from_graph(load_graph())


def test_every_curated_relation_has_a_role_and_direction(model):
    roles = {r.curie: (r.role, r.along) for r in model.relations.values()}
    assert roles == {
        "cbec:hasCause": ("causal", True),
        "cbec:addresses": ("remedy", False),
        "cbec:hasAction": ("composition", False),
        "cbec:supports": ("outcome", True),
        "cbec:responsibleActor": ("responsibility", True),
        "cbec:hasDriver": ("driver", False),
        "cbec:concerns": ("context", True),
        "cbec:usesBusinessModel": ("context", True),
        "cbec:substantiates": ("context", True),
        "cbec:requires": ("context", True),
    }
    assert {r.role for r in model.relations.values()} <= set(ROLES)
    assert [r.curie for r in model.relations.values() if r.walked] == [
        "cbec:addresses",
        "cbec:hasAction",
        "cbec:hasCause",
        "cbec:supports",
    ]


def test_readings_follow_the_direction_in_both_languages(model):
    assert model.reading("cbec:addresses", along=True) == "addressed by"
    assert model.reading("cbec:addresses", along=False) == "addresses"
    assert model.reading("cbec:hasCause", along=True, lang="zh") == "成因包括"
    assert model.reading("cbec:hasCause", along=False, lang="zh") == "导致"
    assert model.reading("cbec:hasAction", along=True) == "part of"
    assert model.reading("urn:not-curated", along=True) == "urn:not-curated"


def test_groups_in_display_order_with_both_headings(model):
    assert model.group_keys() == [
        "challenges",
        "effects",
        "causes",
        "countermeasures",
        "actions",
        "trends",
        "actors",
        "related",
        "statistics",
    ]
    assert [model.heading(g, "zh") for g in model.group_keys()] == [
        "困境",
        "后果",
        "成因",
        "对策",
        "具体措施",
        "趋势",
        "主体",
        "相关：驱动因素、法律、标准等",
        "统计数据",
    ]
    assert model.heading("causes") == "Causes"


def test_subclasses_inherit_layer_and_group(model):
    assert model.group_of(["cbec:Platform"]) == "actors"  # Platform ⊑ Actor
    assert model.layer_of(["cbec:Effect"]) == "problem"
    assert model.layer_of(["cbec:Action", "cbec:Remedy"]) == "remedy"
    assert model.group_of(["cbec:Policy"]) == "related"  # every other domain class
    assert model.group_of(["cbec:Observation"]) == "statistics"
    assert model.layer_of(["cbec:Policy"]) is None  # ...outside the chain
    assert model.ancestors("cbec:Platform")[:2] == ["cbec:Platform", "cbec:Actor"]
    assert model.class_label("cbec:Effect", "zh") == "后果"


def test_a_relation_declared_in_data_joins_the_chain():
    extra = """
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
cbec:blocks a owl:ObjectProperty ; cbec:curated true ;
    cbec:chainRole cbec:CausalRole ; cbec:chainDirection cbec:Against ;
    rdfs:label "blocks"@en , "阻碍"@zh ."""
    m = ChainModel.from_graph(
        fixture_graph("@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> ." + extra)
    )
    blocks = m.relation("cbec:blocks")
    assert (blocks.role, blocks.along, blocks.walked) == ("causal", False, True)
    assert m.reading("cbec:blocks", along=False, lang="zh") == "阻碍"


def test_payload_for_the_maps(model):
    payload = model.payload(["cbec:addresses", "cbec:concerns"])
    assert payload["relations"] == [
        ["cbec:addresses", "remedy", 0],
        ["cbec:concerns", "context", 1],
    ]
    assert payload["groups"][0] == ["challenges", "Challenges", "困境"]


def test_the_chain_relations_are_named_in_code_only_by_the_model(model):
    # the chain is declared once (ontology/cbec.ttl) and read through kg.model: no other module
    # of kg/ (Python or the maps' script) picks links by naming a chain relation; docstrings and
    # comments may mention them
    import ast
    import re

    from helpers import REPO

    names = {r.curie for role in ROLES for r in model.relations_for(role) if role != "context"}
    assert "cbec:hasCause" in names and "cbec:addresses" in names
    found = []
    for path in sorted((REPO / "kg").rglob("*.py")):
        if path.name == "model.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docs
            ):
                hits = [n for n in names if re.search(rf"{re.escape(n)}\b", node.value)]
                found += [f"{path.relative_to(REPO)}:{node.lineno} {h}" for h in hits]
    for path in sorted((REPO / "kg" / "web").glob("*.js")):
        code = re.sub(r"//[^\n]*|/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.relative_to(REPO)} {n}" for n in names if n in code]
    # ontodoc draws the link record of one example relation in its diagram of the model
    assert [f for f in found if not f.startswith("kg/ontodoc.py")] == []
