"""What manifest.json says of a build (kg.manifest): file sizes and hashes, class and link counts,
validation, checks, store and versions, with the build time as the only field that changes."""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime, timedelta
from importlib import metadata
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

import kg.manifest as manifest_module
from kg.checks import Finding
from kg.manifest import class_counts, file_info, link_counts, manifest, manifest_of, store_entry
from kg.namespaces import CBEC
from kg.validate import ValidationReport, Violation


def node(name):
    return URIRef(f"https://w3id.org/cbec-kg/id/{name}")


TRIPLES = [
    (node("h1"), RDF.type, CBEC.Challenge),
    (node("h2"), RDF.type, CBEC.Challenge),
    (node("c1"), RDF.type, CBEC.Cause),
    (node("c1"), RDF.type, CBEC.Effect),  # two classes: counted in both
    (CBEC.Cause, RDF.type, OWL.Class),
    (node("x"), RDF.type, URIRef("urn:other#Thing")),
    (node("l1"), CBEC.assertion, CBEC.Stated),
    (node("l2"), CBEC.assertion, CBEC.Stated),
    (node("l3"), CBEC.assertion, CBEC.Inferred),
    (node("h1"), SKOS.prefLabel, Literal("Credit gap", lang="en")),
]


def graph(triples=TRIPLES):
    g = Graph()
    for t in triples:
        g.add(t)
    return g


def test_file_info_is_the_size_and_hashlibs_sha256():
    for data in (b"", b"abc", "人才缺乏\n".encode(), bytes(range(256)) * 1000):
        assert file_info(data) == {"bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert file_info(b"abc")["sha256"] == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2's example
    )


def test_class_counts_by_curie_sorted():
    counts = class_counts(graph())
    assert counts == {
        "cbec:Cause": 1,
        "cbec:Challenge": 2,
        "cbec:Effect": 1,
        "owl:Class": 1,
        "urn:other#Thing": 1,  # no prefix: the IRI
    }
    assert list(counts) == sorted(counts)


def test_link_counts_by_assertion_mode():
    assert link_counts(graph()) == {"inferred": 1, "stated": 2}
    assert link_counts(Graph()) == {}


def test_counts_do_not_depend_on_the_order_triples_were_added():
    forward, backward = graph(), graph(list(reversed(TRIPLES)))
    assert json.dumps(class_counts(forward)) == json.dumps(class_counts(backward))
    assert json.dumps(link_counts(forward)) == json.dumps(link_counts(backward))


# --- the manifest ------------------------------------------------------------------------------

WARNING = Violation("Warning", "Lonely", "cbec:hasCause", "no cause", "urn:x")
FINDING = Finding(
    "sum", "mismatch", "b does not add up", (str(node("obs-1")),), "10", "9", "Sum", "和", "不符"
)
FILES = {"kg.ttl": file_info(b"@prefix x: <urn:> .\n"), "kg.nt": file_info(b"")}


def arguments():
    return {
        "files": FILES,
        "report": ValidationReport(True, [], [WARNING, WARNING]),
        "extra": [Path("/data/extra.ttl")],
        "checked": 12,
        "status": "all quotes found",
        "findings": [FINDING],
        "inverses": True,
    }


def test_manifest_of_a_graph():
    m = manifest_of(graph(), **arguments())
    assert m["triples"] == len(TRIPLES)
    assert m["classes"] == class_counts(graph()) and m["links"] == {"inferred": 1, "stated": 2}
    assert m["files"] == FILES
    assert m["inputs"] == {"embedded": True, "extra": ["/data/extra.ttl"]}
    assert m["inverses_materialised"] is True
    assert m["validation"] == {"conforms": True, "warnings": 2}
    assert m["evidence"] == {"checked": 12, "status": "all quotes found"}
    assert m["checks"] == [
        {
            "kind": "sum",
            "status": "mismatch",
            "message": "b does not add up",
            "observations": ["id:obs-1"],
            "reported": "10",
            "recomputed": "9",
            "title": "Sum",
            "title_zh": "和",
            "message_zh": "不符",
        }
    ]
    assert json.loads(json.dumps(m)) == m  # JSON-ready as it is
    assert set(m) == {
        "generated",
        "inputs",
        "files",
        "triples",
        "inverses_materialised",
        "classes",
        "links",
        "validation",
        "evidence",
        "checks",
        "tool_versions",
    }


def test_manifest_from_counts_already_made():
    m = manifest(7, {"cbec:Cause": 3}, {"stated": 1}, **arguments())
    assert (m["triples"], m["classes"], m["links"]) == (7, {"cbec:Cause": 3}, {"stated": 1})


def test_generated_is_the_only_field_that_changes_between_two_calls(monkeypatch):
    times = iter(
        [datetime(2024, 1, 2, 3, 4, 5, 678, tzinfo=UTC), datetime(2025, 6, 7, 8, 9, 10, tzinfo=UTC)]
    )

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return next(times)

    monkeypatch.setattr(manifest_module, "datetime", Clock)
    first = manifest_of(graph(), **arguments())
    second = manifest_of(graph(list(reversed(TRIPLES))), **arguments())
    assert first["generated"] == "2024-01-02T03:04:05+00:00"  # UTC, to the second
    assert second["generated"] == "2025-06-07T08:09:10+00:00"
    first.pop("generated"), second.pop("generated")
    assert json.dumps(first) == json.dumps(second)  # the same, in the same order


def test_generated_is_now_in_utc():
    before = datetime.now(UTC).replace(microsecond=0)
    stamp = datetime.fromisoformat(manifest_of(graph(), **arguments())["generated"])
    assert stamp.utcoffset() == timedelta(0)
    assert before <= stamp <= datetime.now(UTC)


def test_tool_versions_are_the_installed_ones_and_none_when_absent(monkeypatch):
    monkeypatch.setattr(manifest_module, "DISTRIBUTIONS", ("rdflib", "no-such-dist-for-kg"))
    versions = manifest_of(graph(), **arguments())["tool_versions"]
    assert versions == {
        "python": platform.python_version(),
        "rdflib": metadata.version("rdflib"),
        "no-such-dist-for-kg": None,
    }


@pytest.mark.parametrize("dist", manifest_module.DISTRIBUTIONS)
def test_every_listed_distribution_is_reported(dist):
    versions = manifest_of(graph(), **arguments())["tool_versions"]
    try:
        assert versions[dist] == metadata.version(dist)
    except metadata.PackageNotFoundError:
        assert versions[dist] is None


def test_store_entry():
    meta = {"triples": 5, "sha256": "a" * 64, "key": "b" * 64, "terms": 2, "format": 1}
    assert store_entry(Path("out/kg.store"), meta) == {
        "path": "out/kg.store",
        "quads": 5,
        "sha256": "a" * 64,
        "key": "b" * 64,
    }
