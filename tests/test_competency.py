"""Competency questions: what a policy researcher asks of the KG, with the answers the paper gives.

Each ``tests/cq/cqNN-name.rq`` starts with a header::

    # CQ07 — <question in Chinese> / <question in English>
    # expects: <what and why, one line>
    # ordered                      (optional: the ORDER BY is part of the answer)

and its expected answer is ``tests/cq/expected/cqNN-name.csv``: a header of the query's variables
(``boolean`` for ASK), IRIs as CURIEs, literals as their plain text (numbers as the paper prints
them), booleans ``true``/``false`` and an empty cell for an unbound variable. The expectations were
derived from the paper, not from the query output. Rows are compared as sets unless the header says
``# ordered``. The KG is loaded once, with the inverse properties materialised (``kg.load()``).
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

import kg
from kg.api import KnowledgeGraph, memory_backend
from kg.namespaces import curie

CQ_DIR = Path(__file__).parent / "cq"
EXPECTED_DIR = CQ_DIR / "expected"
CQ_FILES = sorted(CQ_DIR.glob("cq*.rq"))

NAME_RE = re.compile(r"^cq(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.rq$")
TITLE_RE = re.compile(r"^# CQ(\d{2}) — (?P<zh>\S.*?) / (?P<en>\S.*)$")
EXPECTS_RE = re.compile(r"^# expects: \S.*$")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")
EN_RE = re.compile(r"^[A-Z][A-Za-z' ,-]+")  # may quote the paper's Chinese words later on

#: Every class with instances in the KG must be asked about in at least one CQ.
CLASSES = [
    "Challenge", "Cause", "Effect", "Countermeasure", "Action", "Trend", "Driver", "Finding",
    "Actor", "Platform", "Policy", "Standard", "BusinessModel", "ProductCategory", "Technology",
    "ServiceType", "Indicator", "Unit", "Observation", "Source", "Section", "Evidence", "Link",
]  # fmt: skip
#: Every curated relation, and every inverse the build materialises.
RELATIONS = [
    "hasCause", "addresses", "hasAction", "partOf", "supports", "hasDriver", "responsibleActor",
    "concerns", "usesBusinessModel", "substantiates", "requires",
    "causeOf", "addressedBy", "supportedBy", "drives", "responsibleFor", "concernedBy",
    "businessModelOf", "substantiatedBy", "requiredBy",
]  # fmt: skip


def cq_id(path: Path) -> str:
    return path.stem


def header_lines(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return lines


def is_ordered(path: Path) -> bool:
    return "# ordered" in header_lines(path)


def cell(term) -> str:
    """An rdflib term as the CSV writes it: CURIE, plain literal text, or empty when unbound."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return curie(str(term))
    if isinstance(term, Literal):
        return str(term)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def read_expected(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows, f"{path.name} is empty"
    header, body = rows[0], rows[1:]
    for number, row in enumerate(body, start=2):
        assert len(row) == len(header), f"{path.name} line {number}: {len(row)} cells"
    return header, [tuple(row) for row in body]


def answer(graph, path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    result = graph.query(path.read_text(encoding="utf-8"))
    if result.form == "ASK":
        return ["boolean"], [("true" if result.boolean else "false",)]
    assert result.form == "SELECT", f"{path.name}: a CQ must be SELECT or ASK, not {result.form}"
    return list(result.variables), [tuple(cell(t) for t in row) for row in result.rows]


def diff(expected: list[tuple], actual: list[tuple], ordered: bool) -> str:
    exp, act = Counter(expected), Counter(actual)
    missing = list((exp - act).elements())
    unexpected = list((act - exp).elements())
    lines = []
    if missing:
        lines.append("missing rows (expected, not returned):")
        lines += [f"  - {', '.join(row)}" for row in missing]
    if unexpected:
        lines.append("unexpected rows (returned, not expected):")
        lines += [f"  + {', '.join(row)}" for row in unexpected]
    if ordered and not lines and expected != actual:
        lines.append("same rows, wrong order:")
        lines += ["  expected:"] + [f"    {', '.join(row)}" for row in expected]
        lines += ["  returned:"] + [f"    {', '.join(row)}" for row in actual]
    return "\n".join(lines)


@pytest.fixture(scope="module")
def graph():
    """The embedded KG with materialised inverses, in memory, loaded once through the public
    API (the expected answers spell computed numbers as rdflib does: ``100.0``)."""
    return KnowledgeGraph(memory_backend())


@pytest.fixture(scope="module")
def stored():
    """The same KG from the built store: what ``kg.load()`` reads by default."""
    loaded = kg.load()
    assert loaded.backend.name == "oxigraph"
    return loaded


def by_value(term) -> tuple[str, object]:
    """A typed literal by its value (stores write canonical lexical forms: ``100``)."""
    if isinstance(term, Literal) and term.datatype is not None:
        value = term.toPython()
        return ("typed", value if not isinstance(value, Literal) else term.n3())
    return ("term", "" if term is None else term.n3())


@pytest.mark.parametrize("path", CQ_FILES, ids=cq_id)
def test_competency_question_same_on_the_default_store(graph, stored, path: Path):
    text = path.read_text(encoding="utf-8")
    mine, theirs = stored.query(text), graph.query(text)
    assert (mine.form, mine.variables, mine.boolean) == (
        theirs.form,
        theirs.variables,
        theirs.boolean,
    )
    rows = [tuple(by_value(t) for t in row) for row in mine.rows]
    want = [tuple(by_value(t) for t in row) for row in theirs.rows]
    assert rows == want if is_ordered(path) else Counter(rows) == Counter(want)


@pytest.mark.parametrize("path", CQ_FILES, ids=cq_id)
def test_competency_question(graph, path: Path):
    expected_path = EXPECTED_DIR / f"{path.stem}.csv"
    assert expected_path.is_file(), f"no expected answer {expected_path.name}"
    exp_header, exp_rows = read_expected(expected_path)
    header, rows = answer(graph, path)
    title = header_lines(path)[0]
    assert header == exp_header, f"{title}\nvariables {header} != expected {exp_header}"
    ordered = is_ordered(path)
    ok = rows == exp_rows if ordered else Counter(rows) == Counter(exp_rows)
    assert ok, f"{title}\n{diff(exp_rows, rows, ordered)}"


def test_at_least_thirty_questions():
    assert len(CQ_FILES) >= 30, f"only {len(CQ_FILES)} competency questions"


def test_numbering_is_unique_and_dense():
    numbers = [int(NAME_RE.match(p.name).group(1)) for p in CQ_FILES if NAME_RE.match(p.name)]
    assert len(numbers) == len(CQ_FILES), "every CQ file is named cqNN-short-name.rq"
    assert sorted(numbers) == list(range(1, len(numbers) + 1))


@pytest.mark.parametrize("path", CQ_FILES, ids=cq_id)
def test_header(path: Path):
    lines = header_lines(path)
    assert len(lines) >= 2, f"{path.name}: header needs a title line and an expects line"
    title = TITLE_RE.match(lines[0])
    assert title, f"{path.name}: first line must be '# CQNN — <zh> / <en>', got {lines[0]!r}"
    assert title.group(1) == path.name[2:4], f"{path.name}: header number differs from file name"
    assert CJK_RE.search(title.group("zh")), f"{path.name}: the first question must be Chinese"
    assert EN_RE.match(title.group("en")), f"{path.name}: the second question must be English"
    assert EXPECTS_RE.match(lines[1]), f"{path.name}: second line must be '# expects: …'"
    assert set(lines[2:]) <= {"# ordered"}, f"{path.name}: unknown header lines {lines[2:]}"
    if is_ordered(path):
        assert "ORDER BY" in path.read_text(encoding="utf-8"), f"{path.name}: ordered, no ORDER BY"
    body = path.read_text(encoding="utf-8")
    for prefix in set(re.findall(r"\b([a-z]+):[A-Za-z]", body.split("\n\n", 1)[-1])):
        assert re.search(rf"^PREFIX {prefix}:", body, re.M), f"{path.name}: declare {prefix}:"


def test_every_question_has_an_expected_answer():
    expected = {p.stem for p in EXPECTED_DIR.glob("*.csv")}
    questions = {p.stem for p in CQ_FILES}
    assert expected == questions, f"unpaired: {sorted(expected ^ questions)}"


@pytest.mark.parametrize("kind, names", [("class", CLASSES), ("relation", RELATIONS)])
def test_coverage(kind: str, names: list[str]):
    text = "\n".join(p.read_text(encoding="utf-8") for p in CQ_FILES)
    missing = [n for n in names if not re.search(rf"\bcbec:{n}\b", text)]
    assert not missing, f"no competency question uses the {kind}(s): {missing}"


# --- researcher questions: "what does the paper propose for X, who acts, what does it lead to?"
#
# tests/cq/researcher-questions.json holds the questions with their answers derived by hand from
# the paper (its "semantics" says how); each is asked through `kg trace`, `kg path` and a named
# query.

QUESTIONS = json.loads((CQ_DIR / "researcher-questions.json").read_text(encoding="utf-8"))


def _ids(items) -> set[str]:
    return {curie(i["iri"]) for i in items}


@pytest.fixture(scope="module")
def kgraph():
    return kg.load()


@pytest.mark.parametrize("q", QUESTIONS["questions"], ids=lambda q: q["term"])
def test_researcher_question_through_trace(kgraph, q):
    t = kgraph.trace(q["term"])
    focus = q["focus"]
    assert curie(t["focus"]["iri"]) == focus
    for key in ("countermeasures", "actions", "actors", "trends"):
        assert _ids(t[key]) - {focus} == set(q[key]), key
    problems = set(q["causes"]) | set(q["effects"]) | set(q.get("challenges", []))
    found = _ids(t["causes"]) | _ids(t["effects"]) | _ids(t["challenges"])
    assert found - {focus} == problems - {focus}
    for key in ("trends", "actors", "countermeasures"):  # an empty group says so, in en and zh
        assert (key in t["none"]) == (not t[key])
        if not t[key]:
            assert set(t["none"][key]) == {"en", "zh"}


@pytest.mark.parametrize(
    "q", [q for q in QUESTIONS["questions"] if q["trends"]], ids=lambda q: q["term"]
)
def test_researcher_question_through_path(kgraph, q):
    # every trend the paper's chain leads to from the focus is reached by a path along the chain
    for trend in q["trends"]:
        if trend == q["focus"]:
            continue
        found = kgraph.path(q["focus"], trend, view="chain")
        assert found["paths"], trend
        assert found["through"] == []  # never through an actor
        assert all(step["along_chain"] for p in found["paths"] for step in p)


@pytest.mark.parametrize(
    "q",
    [q for q in QUESTIONS["questions"] if q["focus"].startswith("id:challenge-")],
    ids=lambda q: q["term"],
)
def test_researcher_question_through_the_named_query(kgraph, q):
    rows = kgraph.query(name="remedies-for-challenge", params={"challenge": q["focus"]}).dicts()
    remedies = {curie(r["remedy"]) for r in rows}
    wholes = {curie(r["countermeasure"]) for r in rows}
    # the query lists the remedy links into the tree; with their countermeasures they are the
    # trace's countermeasures, and every action the trace lists for a challenge addresses it
    assert wholes == set(q["countermeasures"])
    assert remedies - wholes == set(q["actions"])


def test_talent_does_not_reach_digitalisation_through_an_actor(kgraph):
    found = kgraph.path("跨境电商人才缺乏", "全流程数字化", view="full")
    assert all(step["along_chain"] for p in found["paths"] for step in p)
    assert found["through"] == []
    anyway = kgraph.path("跨境电商人才缺乏", "全流程数字化", view="full", any_link=True)
    assert anyway["mode"] == "any"
