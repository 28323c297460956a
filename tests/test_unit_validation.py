"""Validating one unit of sources (kg.unit_validation): a violation is reported with its focus
node, a node only given as context is validated where it is described, every source text is
looked for, and the cache key changes with everything the outcome depends on.
"""

from __future__ import annotations

import pytest
from helpers import DATA

from kg.errors import InputError
from kg.sources import Part, Source, Unit
from kg.unit_validation import UnitOutcome, check_unit, unit_key

ID = "https://w3id.org/cbec-kg/id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
CBEC = "https://w3id.org/cbec-kg/ontology#"
CHALLENGE = CBEC + "Challenge"


def test_a_violation_is_reported_with_its_focus_node():
    outcome = UnitOutcome(**check_unit([Part(DATA / "violating.ttl", "turtle")], []))
    assert outcome.report["conforms"] is False
    assert {v["focus"] for v in outcome.report["violations"]} == {ID + "challenge-lonely"}
    assert outcome.findings == []  # the figure checks run only on a unit that conforms


def test_a_node_given_as_context_is_validated_where_it_is_described(tmp_path):
    """The context types a node (here a challenge without labels, cause or evidence) so that
    references to it check; its own shapes are the business of the unit that describes it."""
    data = tmp_path / "ref.ttl"
    data.write_text(f"<urn:x:topic> <http://purl.org/dc/terms/subject> <{ID}challenge-far> .\n")
    context = [f"<{ID}challenge-far> <{RDF_TYPE}> <{CHALLENGE}> ."]
    outcome = check_unit([Part(data, "turtle")], context)
    assert outcome["report"]["conforms"] is True
    described = tmp_path / "described.nt"
    described.write_text(context[0] + "\n")
    alone = check_unit([Part(data, "turtle"), Part(described, "nt")], [])
    assert {v["focus"] for v in alone["report"]["violations"]} == {ID + "challenge-far"}


def test_a_source_text_may_be_a_blank_node(tmp_path):
    """Every cbec:SourceText of a unit is looked for on disk, a blank node one too."""
    data = tmp_path / "texts.ttl"
    data.write_text(
        "@prefix cbec: <https://w3id.org/cbec-kg/ontology#> .\n"
        '[] a cbec:SourceText ; cbec:textFile "no-such-text-a.txt" .\n'
        '<urn:x:text> a cbec:SourceText ; cbec:textFile "no-such-text-b.txt" .\n',
        encoding="utf-8",
    )
    outcome = check_unit([Part(data, "turtle")], [])
    assert sorted(outcome["missing_texts"]) == ["no-such-text-a.txt", "no-such-text-b.txt"]


def test_a_syntax_error_names_the_line_in_the_file_not_in_the_part(tmp_path):
    data = tmp_path / "two.ttl"
    data.write_bytes(b"<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n")
    part = Part(data, "turtle", start=len(b"<urn:a> <urn:b> <urn:c> .\n"), first_line=2)
    with pytest.raises(InputError, match=r"two\.ttl:3: "):
        check_unit([part], [])


def test_the_key_changes_with_the_units_bytes_context_and_source_texts(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SOURCE_DIR", str(tmp_path / "texts"))
    data = tmp_path / "a.ttl"
    data.write_text(f'<urn:x:t> a <{CBEC}SourceText> ; <{CBEC}textFile> "t.txt" .\n')

    def unit(context=()):
        source = Source(str(data), [Part(data, "turtle")], text_files={"t.txt"})
        return Unit([source], list(context))

    first = unit_key(unit())
    assert unit_key(unit()) == first and len(first) == 64
    assert unit_key(unit([f"<urn:x:t> <{RDF_TYPE}> <{CHALLENGE}> ."])) != first
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "t.txt").write_text("the paper")
    with_text = unit_key(unit())
    assert with_text != first
    (tmp_path / "texts" / "t.txt").write_text("the paper, corrected")
    assert unit_key(unit()) not in (first, with_text)
    data.write_text(data.read_text() + "<urn:x:t> <urn:x:p> <urn:x:o> .\n")
    assert unit_key(unit()) not in (first, with_text)
