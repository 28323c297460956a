"""What `kg push` reads and checks (kg.push_scan): counts of a small file worked out by hand,
files refused before anything is sent, batches that hold the parsed triples (never the file's
text), and the comparison with what a store reports.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
import pytest

from kg.errors import InputError, KGError
from kg.push_scan import FileStats, batches, compare, scan, store_stats

XSD = "http://www.w3.org/2001/XMLSchema#"
LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

SMALL = f"""\
<urn:s1> <urn:p> "7"^^<{XSD}decimal> .
<urn:s1> <urn:q> "hi"@en .
# a comment
<urn:s2> <urn:p> "x" .
<urn:s2> <urn:r> <urn:o> .
"""


def write(path, text: str):
    path.write_text(text, encoding="utf-8")
    return path


def test_scan_counts_triples_predicates_and_datatypes(tmp_path):
    stats = scan(write(tmp_path / "small.nt", SMALL))
    assert stats.triples == 4
    assert stats.predicates == Counter({"urn:p": 2, "urn:q": 1, "urn:r": 1})
    assert stats.datatypes == Counter(
        {("urn:p", XSD + "decimal"): 1, ("urn:p", XSD + "string"): 1, ("urn:q", LANGSTRING): 1}
    )


def test_turtle_is_scanned_like_ntriples(tmp_path):
    turtle = write(
        tmp_path / "small.ttl",
        f'@prefix xsd: <{XSD}> .\n<urn:s1> <urn:p> "7"^^xsd:decimal ; <urn:q> "hi"@en .\n'
        '<urn:s2> <urn:p> "x" ; <urn:r> <urn:o> .\n',
    )
    assert scan(turtle) == scan(write(tmp_path / "small.nt", SMALL))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<urn:a> <urn:b> <urn:c> .\n_:b <urn:p> <urn:o> .\n", "blank node"),
        ('<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> "open .\n', r"bad\.nt:2: "),
    ],
)
def test_a_file_push_cannot_send_is_refused_with_its_reason(tmp_path, text, message):
    with pytest.raises(InputError, match=message):
        scan(write(tmp_path / "bad.nt", text))


def test_a_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        scan(tmp_path / "none.nt")


def test_batches_hold_the_parsed_triples_in_order(tmp_path):
    lines = [f"<urn:s{i}> <urn:p> <urn:o{i}> . # INSERT DATA {{ }}" for i in range(5)]
    path = write(tmp_path / "five.nt", "\n".join(lines) + "\n")
    got = list(batches(path, 2))
    assert [n for _, n in got] == [2, 2, 1]
    data = b"".join(b for b, _ in got)
    assert b"INSERT" not in data  # re-serialised triples, not the file's text
    triples = [str(t) for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    assert triples == [f"<urn:s{i}> <urn:p> <urn:o{i}>" for i in range(5)]


class FakeStore:
    """Answers the three queries of store_stats with the rows given."""

    def __init__(self, total, per_predicate, per_datatype):
        self.total, self.per_predicate, self.per_datatype = total, per_predicate, per_datatype
        self.queries = []

    def count(self, graph):
        self.queries.append(("count", graph))
        return self.total

    def select(self, text):
        self.queries.append(("select", text))
        return self.per_datatype if "DATATYPE" in text else self.per_predicate


def term(value: str) -> dict[str, str]:
    return {"type": "literal", "value": value}


def test_store_stats_read_the_same_counts_from_the_store():
    store = FakeStore(
        3,
        [{"p": term("urn:p"), "n": term("2")}, {"p": term("urn:q"), "n": term("1")}],
        [
            {"p": term("urn:p"), "dt": term(XSD + "integer"), "n": term("2")},
            {"p": term("urn:q"), "n": term("1")},  # no ?dt: a plain string
        ],
    )
    stats = store_stats(store, "urn:g")
    assert stats == FileStats(
        3,
        Counter({"urn:p": 2, "urn:q": 1}),
        Counter({("urn:p", XSD + "integer"): 2, ("urn:q", XSD + "string"): 1}),
    )
    assert all("GRAPH <urn:g>" in q for kind, q in store.queries if kind == "select")


@pytest.mark.parametrize("row", [{"n": term("1")}, {"p": term("urn:p"), "n": term("one")}])
def test_a_garbled_count_per_predicate_is_a_kg_error(row):
    with pytest.raises(KGError, match="unexpected answer to a count per predicate"):
        store_stats(FakeStore(1, [row], []), "urn:g")


def test_compare_reports_missing_triples_per_predicate_and_skips_datatypes_then():
    file = FileStats(3, Counter({"urn:p": 2, "urn:q": 1}), Counter({("urn:p", XSD + "decimal"): 2}))
    short = FileStats(2, Counter({"urn:p": 2}), Counter({("urn:p", XSD + "integer"): 2}))
    errors, warnings = compare(file, short)
    assert errors == [
        "the temporary graph holds 2 triples, the file 3",
        "<urn:q>: 0 triple(s) in the store, 1 in the file",
    ]
    assert warnings == []  # datatypes are compared only once the triples agree
    assert compare(file, file) == ([], [])
