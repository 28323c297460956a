"""Resolving a term by IRI, CURIE or label fragment, with candidates and suggestions."""

from __future__ import annotations

import pytest

from kg.backends import MemoryBackend
from kg.errors import InputError
from kg.terms import label_index, resolve

TALENT = "https://w3id.org/cbec-kg/id/challenge-talent"


@pytest.fixture(scope="module")
def backend(kg_graph):
    return MemoryBackend(kg_graph)


@pytest.mark.parametrize(
    "term",
    [
        TALENT,
        f"<{TALENT}>",
        "id:challenge-talent",
        "跨境电商人才缺乏",
        "  跨境电商 人才缺乏 ",
        "SHORTAGE OF CROSS-BORDER E-COMMERCE TALENT",
    ],
)
def test_resolves_iri_curie_and_exact_labels(backend, term):
    assert resolve(backend, term).iri == TALENT


def test_exact_label_wins_over_partial_matches(backend):
    # "Customs" is the whole label of one actor and part of three other labels
    index = label_index(backend)
    partial = [m for m in index if "customs" in m.label_en.lower()]
    assert len(partial) == 4
    assert resolve(backend, "customs").iri.endswith("/actor-customs")
    assert resolve(backend, "  CUSTOMS ").iri.endswith("/actor-customs")


def test_class_restriction_rejects_a_node_of_another_class(backend):
    with pytest.raises(InputError, match="is a cbec:Trend, not a cbec:Challenge"):
        resolve(backend, "id:trend-export-branding", of_type="cbec:Challenge")


def test_unknown_prefix_is_named(backend):
    with pytest.raises(InputError, match=r"unknown prefix .cbex:.*did you mean: cbec:"):
        resolve(backend, "cbex:Challenge")


def test_subclass_instances_count_as_their_superclass(backend):
    platform = next(m for m in label_index(backend) if m.type == "cbec:Platform")
    assert "cbec:Actor" in platform.types


def test_several_matches_list_candidates(backend):
    with pytest.raises(InputError) as err:
        resolve(backend, "talent")
    text = str(err.value)
    assert (
        "matches" in text and "id:challenge-talent" in text and "id:countermeasure-talent" in text
    )


def test_type_restriction_disambiguates(backend):
    assert resolve(backend, "talent", of_type="cbec:Challenge").iri == TALENT


def test_unknown_term_suggests_close_labels(backend):
    with pytest.raises(InputError) as err:
        resolve(backend, "credit guarantea system")
    assert "did you mean" in str(err.value)
    assert "credit guarantee" in str(err.value).lower()


def test_unknown_curie_suggests_close_iris(backend):
    with pytest.raises(InputError, match="id:challenge-talent"):
        resolve(backend, "id:challenge-talnet")
