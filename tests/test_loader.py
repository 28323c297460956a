"""Loading RDF files: errors name the file and line; unusable IRIs are refused."""

from __future__ import annotations

import pytest
from rdflib import Graph

from kg.errors import InputError
from kg.loader import load_graph, parse_file


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("bad.ttl", '@prefix a: <http://a/> .\na:x a:y "oops .\n', "bad.ttl:2: "),
        ("bad.nt", '<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "x .\n', "bad.nt:2: "),
        ("bad.rdf", '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="x">\n<oops>\n', "bad.rdf:"),
        ("bad.jsonld", '{"@id": ', "bad.jsonld:"),
    ],
)
def test_malformed_files_name_file_and_line(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError) as err:
        parse_file(Graph(), path)
    assert expected in str(err.value)


def test_invalid_iri_is_refused(tmp_path):
    path = tmp_path / "iri.ttl"
    path.write_text("<https://example.org/a b> <https://example.org/p> 1 .\n")
    with pytest.raises(InputError, match="invalid IRI"):
        parse_file(Graph(), path)


def test_relative_iri_is_refused(tmp_path):
    path = tmp_path / "rel.ttl"
    path.write_text("<thing> <https://example.org/p> 1 .\n")
    with pytest.raises(InputError, match="relative or file: IRI"):
        parse_file(Graph(), path)


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_graph([tmp_path / "nope.ttl"])
