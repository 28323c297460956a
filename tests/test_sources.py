"""Sources and validation units (kg.sources): finding the sources (folders, files, sections of an
N-Triples file), what each says, syntax errors naming file and line, grouping into units with
their context, and validating units with the cache."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import DATA

import kg.sources as sources_module
from kg.errors import InputError
from kg.sources import (
    Part,
    Source,
    Unit,
    check_input_file,
    collect_sources,
    index_sources,
    ox_format,
    rdf_format,
    split_sections,
    validate_units,
    validation_units,
)

CBEC = "https://w3id.org/cbec-kg/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
BOM = b"\xef\xbb\xbf"


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, str):
        text = text.encode()
    path.write_bytes(text)
    return path


def source_of(path: Path) -> Source:
    return Source(str(path), [Part(path, rdf_format(path))])


# --- formats and parts -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "ox_fmt"),
    [
        ("a.ttl", "turtle", ox.RdfFormat.TURTLE),
        ("a.TURTLE", "turtle", ox.RdfFormat.TURTLE),
        ("a.nt", "nt", ox.RdfFormat.N_TRIPLES),
        ("a.ntriples", "nt", ox.RdfFormat.N_TRIPLES),
        ("a.n3", "n3", ox.RdfFormat.N3),
        ("a.owl", "xml", ox.RdfFormat.RDF_XML),
        ("a.rdf", "xml", ox.RdfFormat.RDF_XML),
        ("a.json", "json-ld", ox.RdfFormat.JSON_LD),
        ("a.jsonld", "json-ld", ox.RdfFormat.JSON_LD),
        ("a.txt", "turtle", ox.RdfFormat.TURTLE),  # unknown: Turtle
    ],
)
def test_formats_by_extension(name, fmt, ox_fmt):
    assert rdf_format(name) == fmt and ox_format(fmt) == ox_fmt


def test_a_part_reads_its_range_and_drops_a_byte_order_mark_at_the_start(tmp_path):
    path = write(tmp_path / "a.nt", BOM + b"ABCDEF")
    assert Part(path, "nt").read() == b"ABCDEF"
    assert Part(path, "nt", 3, 5).read() == b"AB"
    assert Part(path, "nt", 5).read() == b"CDEF"
    plain = write(tmp_path / "b.nt", b"AB" + BOM)
    assert Part(plain, "nt").read() == b"AB" + BOM  # a BOM elsewhere is data
    assert Part(path, "nt").label == str(path)
    assert Part(path, "nt", 3, None, 7).label == f"{path}:7"


# --- sections of an N-Triples file -----------------------------------------------------------

SECTIONED = [
    "# a header comment\n",  # 1
    "# kg:source <urn:s0>\n",  # 2: no data yet, so no split
    "<urn:a> <urn:p> <urn:b> .\n",  # 3
    "# kg:source <urn:s1>\n",  # 4: a new section
    "\n",  # 5
    "<urn:c> <urn:p> <urn:d> .\n",  # 6
    "# kg:source <urn:s2>\n",  # 7: a new section …
    "# kg:source <urn:s3>\n",  # 8: … with no data before this marker: the same section
    "<urn:e> <urn:p> <urn:f> .\n",  # 9
]


def offset(line: int) -> int:
    """Byte offset of the start of line ``line`` (1-based) of :data:`SECTIONED`."""
    return sum(len(x.encode()) for x in SECTIONED[: line - 1])


def test_split_sections_at_markers_after_data(tmp_path):
    path = write(tmp_path / "s.nt", "".join(SECTIONED))
    assert split_sections(path) == [
        Part(path, "nt", 0, offset(4), 1),
        Part(path, "nt", offset(4), offset(7), 4),
        Part(path, "nt", offset(7), None, 7),
    ]


def test_a_file_without_markers_is_one_part(tmp_path):
    path = write(tmp_path / "s.nt", "<urn:a> <urn:p> <urn:b> .\n# a comment\n")
    assert split_sections(path) == [Part(path, "nt", 0, None, 1)]


def test_each_section_is_a_source_named_by_its_marker(tmp_path):
    path = write(tmp_path / "s.nt", "".join(SECTIONED))
    found = collect_sources([path])
    assert [s.name for s in found] == [
        "kg/data/xiang",  # the curated folders come first
        f"{path}#urn:s0",
        f"{path}#urn:s1",
        f"{path}#urn:s2",
    ]
    assert [len(s.parts) for s in found[1:]] == [1, 1, 1]


def test_a_section_without_a_marker_is_named_by_its_line_not_the_next_marker(tmp_path):
    path = write(
        tmp_path / "s.nt",
        "<urn:a> <urn:p> <urn:b> .\n# kg:source <urn:s1>\n<urn:c> <urn:p> <urn:d> .\n",
    )
    assert [s.name for s in collect_sources([path])[1:]] == [f"{path}:1", f"{path}#urn:s1"]


# --- finding the sources -----------------------------------------------------------------------


def test_collect_sources_takes_other_formats_whole(tmp_path):
    ttl = write(tmp_path / "x.ttl", "<urn:a> <urn:p> <urn:b> .\n# kg:source <urn:s>\n")
    nt = write(tmp_path / "y.nt", "<urn:a> <urn:p> <urn:b> .\n")
    found = collect_sources([ttl, str(nt)])
    assert [(s.name, s.parts) for s in found[1:]] == [
        (str(ttl), [Part(ttl, "turtle")]),
        (str(nt), [Part(nt, "nt")]),
    ]
    curated = found[0].parts
    assert curated and all(p.fmt == "turtle" and p.path.parent.name == "xiang" for p in curated)


def test_check_input_file_says_what_the_path_is_instead(tmp_path):
    check_input_file(write(tmp_path / "ok.ttl", ""))  # a regular file passes
    with pytest.raises(InputError, match=r"missing\.ttl: no such file$"):
        check_input_file(tmp_path / "missing.ttl")
    with pytest.raises(InputError, match="is a folder; give an RDF file"):
        check_input_file(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        collect_sources([tmp_path / "missing.nt"])


# --- what each source says ---------------------------------------------------------------------


def test_index_counts_triples_and_notes_types_subjects_references_and_texts(tmp_path):
    path = write(
        tmp_path / "a.ttl",
        f"""@prefix cbec: <{CBEC}> .
<urn:a> a cbec:Challenge ; <urn:p> <urn:b> ; cbec:textFile "paper.txt" ; <urn:q> "text" .
_:x <urn:p> <urn:c> .
""",
    )
    source = source_of(path)
    index_sources([source])
    assert source.triples == 5
    assert source.typed == {"urn:a": {CBEC + "Challenge"}}
    assert source.subjects == {"urn:a"}  # a blank node is no one's subject to share
    assert source.objects == {"urn:b", "urn:c"}  # neither classes nor literals
    assert source.text_files == {"paper.txt"}


def test_index_adds_up_the_parts_of_a_source(tmp_path):
    path = write(tmp_path / "s.nt", "".join(SECTIONED))
    source = Source("all", split_sections(path))
    index_sources([source])
    assert source.triples == 3 and source.subjects == {"urn:a", "urn:c", "urn:e"}


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("bad.ttl", '@prefix : <urn:> .\n:a :p :b .\n:c :p "unterminated .\n', 3),
        ("bad2.ttl", "@prefix : <urn:> .\n\n:a :p :b ;\n  :q .\n", 4),
        ("bom.ttl", BOM + b"@prefix : <urn:> .\n\n:a :p :b ;\n  :q .\n", 4),
        ("bad.nt", "<urn:a> <urn:p> <urn:b> .\n<urn:a> oops <urn:b> .\n", 2),
        ("bad.jsonld", '{\n  "@id": "urn:a",\n  "urn:p": [,]\n}\n', 3),
    ],
)
def test_a_syntax_error_names_the_file_and_line(tmp_path, name, content, line):
    path = write(tmp_path / name, content)
    with pytest.raises(InputError) as caught:
        index_sources([source_of(path)])
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: ")
    reason = message.removeprefix(f"{path}:{line}: ")
    assert reason and "line" not in reason  # one line number: the file's


@pytest.mark.parametrize(
    "bad",
    [
        "<urn:bad> oops .",  # an error within one line
        '<urn:bad> <urn:p> "unterminated .',  # an error that runs to the end of the input
    ],
)
def test_an_error_in_a_later_section_gives_the_files_line_only(tmp_path, bad):
    lines = ["# kg:source <urn:s1>"]
    lines += [f'<urn:a{i}> <urn:p> "x" .' for i in range(10)]
    lines += ["# kg:source <urn:s2>"]
    lines += [f'<urn:b{i}> <urn:p> "x" .' for i in range(5)]
    lines += [bad]  # line 18 of the file, line 7 of its section
    path = write(tmp_path / "big.nt", "\n".join(lines) + "\n")
    found = collect_sources([path])[1:]
    with pytest.raises(InputError) as caught:
        index_sources(found)
    message = str(caught.value)
    assert message.startswith(f"{path}:18: ")
    assert "line" not in message.removeprefix(f"{path}:18: ")


# --- validation units --------------------------------------------------------------------------


def indexed(tmp_path, **files) -> list[Source]:
    found = [source_of(write(tmp_path / f"{name}.ttl", text)) for name, text in files.items()]
    index_sources(found)
    return found


def test_a_source_refers_to_another_by_context_and_extends_it_in_one_unit(tmp_path):
    found = indexed(
        tmp_path,
        base=f"<urn:x> a <{CBEC}Challenge> . <urn:y> a <{CBEC}Cause> , <{CBEC}Effect> .",
        refers="<urn:r> a <urn:T> ; <urn:about> <urn:y> .",  # only points at urn:y
        extends="<urn:x> <urn:more> <urn:z> .",  # says something about urn:x
    )
    base, refers, extends = found
    units = validation_units(found)
    assert [[s.name for s in u.sources] for u in units] == [
        [base.name, extends.name],
        [refers.name],
    ]
    assert units[0].name == f"{base.name} + {extends.name}"
    assert units[0].parts == base.parts + extends.parts
    assert units[0].triples == 4
    assert units[0].context == []  # urn:z is typed nowhere
    assert units[1].context == [
        f"<urn:y> <{RDF_TYPE}> <{CBEC}Cause> .",
        f"<urn:y> <{RDF_TYPE}> <{CBEC}Effect> .",
    ]


def test_units_join_transitively_and_a_node_typed_in_two_sources_is_owned_by_the_first(tmp_path):
    found = indexed(
        tmp_path,
        a="<urn:x> a <urn:T> .",
        b="<urn:y> a <urn:T> . <urn:x> <urn:p> <urn:o> .",  # about a's node
        c="<urn:y> <urn:p> <urn:o> .",  # about b's node
        d="<urn:x> a <urn:U> .",  # types a's node again: its own, no merge
        e="<urn:w> a <urn:V> ; <urn:p> <urn:x> .",  # refers to x: context from a and d
    )
    units = validation_units(found)
    assert [[s.name.rsplit("/", 1)[1] for s in u.sources] for u in units] == [
        ["a.ttl", "b.ttl", "c.ttl"],
        ["d.ttl"],
        ["e.ttl"],
    ]
    assert units[2].context == [
        f"<urn:x> <{RDF_TYPE}> <urn:T> .",
        f"<urn:x> <{RDF_TYPE}> <urn:U> .",
    ]


def test_a_patch_file_is_validated_with_the_source_it_extends():
    sources = collect_sources([DATA / "cross-link.ttl", DATA / "extra-valid.ttl"])
    index_sources(sources)
    names = {u.name for u in validation_units(sources)}
    assert names == {
        f"kg/data/xiang + {DATA / 'cross-link.ttl'}",  # adds a link to a curated node
        str(DATA / "extra-valid.ttl"),  # only refers to curated evidence
    }


# --- validating units, with the cache ---------------------------------------------------------


def fake_check(parts, context):
    """Stands in for kg.unit_validation.check_unit: says which unit it saw."""
    return {"report": {"conforms": True, "unit": [str(p.path) for p in parts]}, "problems": []}


@pytest.fixture
def counted(monkeypatch, tmp_path):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    calls = []

    def check(parts, context):
        calls.append([p.path.name for p in parts])
        return fake_check(parts, context)

    monkeypatch.setattr(sources_module, "check_unit", check)
    return calls


def test_validate_units_caches_each_unit_by_its_content(tmp_path, counted):
    one = Unit([source_of(write(tmp_path / "one.ttl", "<urn:a> <urn:p> 1 ."))])
    two = Unit([source_of(write(tmp_path / "two.ttl", "<urn:b> <urn:p> 2 ."))])
    first = validate_units([one, two], jobs=1)
    assert counted == [["one.ttl"], ["two.ttl"]]
    assert [o.cached for o in first] == [False, False]
    assert first[1].report["unit"] == [str(tmp_path / "two.ttl")]
    again = validate_units([one, two], jobs=1)
    assert len(counted) == 2 and [o.cached for o in again] == [True, True]
    assert [o.report for o in again] == [o.report for o in first]
    write(tmp_path / "two.ttl", "<urn:b> <urn:p> 3 .")  # one unit changes
    third = validate_units([one, two], jobs=1)
    assert counted[2:] == [["two.ttl"]] and [o.cached for o in third] == [True, False]
    validate_units([one], use_cache=False, jobs=1)
    assert counted[3:] == [["one.ttl"]]  # without the cache: validated again


def test_validate_units_in_processes_keeps_the_order_of_the_units(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sources_module, "check_unit", fake_check)
    units = [
        Unit([source_of(write(tmp_path / f"u{i}.ttl", f"<urn:a> <urn:p> {i} ."))]) for i in range(4)
    ]
    outcomes = validate_units(units, jobs=2)
    assert [o.report["unit"] for o in outcomes] == [[str(tmp_path / f"u{i}.ttl")] for i in range(4)]
