"""ORDER BY in Python (kg.ordering): the same order as Oxigraph, or None when it cannot be sure."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from kg.backends import OxigraphBackend
from kg.ordering import Plan, plan

# Five nodes; each ordering below is worked out by hand from these values.
#   name (strings by code point): "B" n3 < "a" n2 = "a" n5 < "b" n1 < "é" n4
#   num  (by value): -1 n4 < 9 n2 < 9.5 n3 < 10 n1;  STR(num): "-1" < "10" < "9" < "9.5"
#   opt: only n1 "o" and n3 "o2" (the others unbound, which sort first)
#   link (IRIs by their text): <urn:a> n3 < <urn:m> n2 < <urn:z> n1
#   group: "g1" n1 n3 n5, "g2" n2 n4 (ties)
FIXTURE = """
@prefix : <urn:> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:n1 a :Node ; :name "b" ; :num 10 ; :opt "o" ; :link :z ; :group "g1" ;
    :mixed "s" ; :lang "x"@en ; :blank [] ; :dbl 1.5e0 .
:n2 a :Node ; :name "a" ; :num 9 ; :link :m ; :group "g2" ; :mixed 5 ; :lang "y" .
:n3 a :Node ; :name "B" ; :num 9.5 ; :opt "o2" ; :link :a ; :group "g1" .
:n4 a :Node ; :name "é" ; :num -1 ; :group "g2" .
:n5 a :Node ; :name "a" ; :group "g1" .
"""


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    store = ox.Store()
    store.load(FIXTURE.encode(), format=ox.RdfFormat.TURTLE)
    return OxigraphBackend.over(store, tmp_path_factory.mktemp("ordering"))


def engine(backend, text):
    """The query as written: Oxigraph sorts."""
    result = backend._run(text, None)
    return result.variables, result.rows


def in_python(backend, text):
    """The query without its ORDER BY, sorted by the plan (which must take it)."""
    p = plan(text)
    assert p is not None, text
    result = backend._run(p.text, None)
    done = p.sort(result.variables, result.rows)
    assert done is not None, text
    return done


def subjects(rows):
    return [str(row[0]).removeprefix("urn:") for row in rows]


def over(order_by: str, columns: str = "?s ?v") -> str:
    return (
        f"SELECT {columns} WHERE {{ ?s a <urn:Node> OPTIONAL {{ ?s <urn:P> ?v }} }} "
        f"ORDER BY {order_by}"
    )


# --- recognising an ORDER BY -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_by", "keys"),
    [
        ("?a", (("term", "a"),)),
        ("STR(?a)", (("str", "a"),)),
        ("str( ?a )", (("str", "a"),)),
        ('COALESCE(STR(?a), "")', (("cstr", "a"),)),
        ('COALESCE(?a, "")', (("cterm", "a"),)),
        ("COALESCE(?a, 99)", (("cnum:99", "a"),)),
        ("COALESCE( ?a , -1 )", (("cnum:-1", "a"),)),
        ("STR(?a) ?b", (("str", "a"), ("term", "b"))),
    ],
)
def test_plan_recognises_the_simple_ascending_keys(order_by, keys):
    text = f"SELECT ?a ?b WHERE {{ ?a <urn:p> ?b }} ORDER BY {order_by}"
    assert plan(text) == Plan("SELECT ?a ?b WHERE { ?a <urn:p> ?b } ", keys)


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?a WHERE { ?a <urn:p> ?b }",  # no ORDER BY
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY DESC(?a)",
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY ASC(?a)",
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY ?b DESC(?a)",
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY LCASE(?b)",
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY ?a LIMIT 3",  # something after it
        "SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY ?a OFFSET 1",
        "SELECT ?a WHERE { { SELECT ?a WHERE { ?a <urn:p> ?b } ORDER BY ?a } }",  # inner only
        "SELECT ?a WHERE { ?a <urn:p> ?b } GROUP BY ?a ORDER BY ?a",
        "SELECT DISTINCT ?a WHERE { ?a <urn:p> ?b } ORDER BY ?b",  # ?b would change DISTINCT
        "SELECT (STR(?a) AS ?t) WHERE { ?a <urn:p> ?b } ORDER BY ?b",
        "CONSTRUCT { ?a <urn:p> ?b } WHERE { ?a <urn:p> ?b } ORDER BY ?a",
        "SELECT ?a WHERE { ?a <urn:p> ?b } # ORDER BY ?a",  # in a comment
        'SELECT ?a WHERE { ?a <urn:p> "} ORDER BY ?a" }',  # in a string
    ],
)
def test_plan_declines_what_it_cannot_sort(text):
    assert plan(text) is None


def test_a_key_outside_the_projection_is_added_and_dropped_again(backend):
    text = "SELECT ?s WHERE { ?s <urn:name> ?name } ORDER BY ?name ?s"
    p = plan(text)
    assert p.added == ("name",) and "?name" in p.text.split("WHERE")[0]
    variables, rows = in_python(backend, text)
    assert variables == ["s"] and all(len(row) == 1 for row in rows)
    assert subjects(rows) == ["n3", "n2", "n5", "n1", "n4"]  # B < a = a (by ?s) < b < é


def test_distinct_with_its_keys_projected_is_sorted(backend):
    text = "SELECT DISTINCT ?g WHERE { ?s <urn:group> ?g } ORDER BY ?g"
    assert plan(text).added == ()
    variables, rows = in_python(backend, text)
    assert variables == ["g"] and [str(r[0]) for r in rows] == ["g1", "g2"]


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?where WHERE { ?where <urn:num> ?o } ORDER BY ?o",  # named like a keyword
        "SELECT ?from WHERE { ?from <urn:num> ?o } ORDER BY ?o",
        "SELECT ?s FROM <urn:g> WHERE { ?s <urn:num> ?o } ORDER BY ?o",  # a dataset clause
        "SELECT ?s FROM NAMED <urn:g> WHERE { ?s <urn:num> ?o } ORDER BY ?o",
    ],
)
def test_added_keys_go_into_the_projection_not_into_another_clause(backend, text):
    assert in_python(backend, text) == engine(backend, text)


# --- the same order as Oxigraph ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_by", "predicate"),
    [
        ("?v ?s", "name"),
        ("?v", "group"),  # ties: kept in the order the engine produced them
        ("STR(?v)", "group"),
        ("?v", "num"),
        ("STR(?v) ?s", "num"),
        ("?v ?s", "opt"),
        ('COALESCE(?v, "") ?s', "opt"),
        ('COALESCE(STR(?v), "")', "opt"),
        ("?v", "link"),
        ("STR(?v) ?s", "link"),
        ("STR(?v) ?s", "mixed"),
        ("STR(?v) ?s", "lang"),
        ("STR(?v) ?s", "blank"),  # STR of a blank node is an error: sorts as unbound
        ('COALESCE(STR(?v), "") ?s', "blank"),
        ("COALESCE(?v, 99) ?s", "num"),  # unbound as 99: after 10
        ("COALESCE(?v, 0) ?s", "num"),  # … or as 0: between -1 and 9
        ("COALESCE(?v, 9) ?s", "num"),  # … or tied with 9 (then by ?s)
        ("COALESCE(?v, 99) ?s", "name"),  # strings stay strings when all are bound
    ],
)
def test_python_order_equals_the_engines(backend, order_by, predicate):
    text = over(order_by).replace("<urn:P>", f"<urn:{predicate}>")
    assert in_python(backend, text) == engine(backend, text)


def test_numbers_sort_by_value_and_their_text_by_code_point(backend):
    by_value = "SELECT ?s WHERE { ?s <urn:num> ?n } ORDER BY ?n"
    by_text = "SELECT ?s WHERE { ?s <urn:num> ?n } ORDER BY STR(?n)"
    assert subjects(in_python(backend, by_value)[1]) == ["n4", "n2", "n3", "n1"]
    assert subjects(in_python(backend, by_text)[1]) == ["n4", "n1", "n2", "n3"]


def test_unbound_sorts_first_and_coalesce_makes_it_the_empty_string(backend):
    for key in ("?v", "STR(?v)", 'COALESCE(?v, "")', 'COALESCE(STR(?v), "")'):
        text = over(f"{key} ?s").replace("<urn:P>", "<urn:opt>")
        assert subjects(in_python(backend, text)[1]) == ["n2", "n4", "n5", "n1", "n3"], key


def test_iris_sort_by_their_text(backend):
    text = "SELECT ?s WHERE { ?s <urn:link> ?l } ORDER BY ?l"
    assert subjects(in_python(backend, text)[1]) == ["n3", "n2", "n1"]


def test_ties_keep_the_order_of_the_unsorted_answer(backend):
    text = "SELECT ?s ?g WHERE { ?s <urn:group> ?g } ORDER BY ?g"
    unsorted = subjects(backend._run(plan(text).text, None).rows)
    got = subjects(in_python(backend, text)[1])
    g1 = [s for s in unsorted if s in ("n1", "n3", "n5")]
    g2 = [s for s in unsorted if s in ("n2", "n4")]
    assert got == g1 + g2


# --- declining a column it cannot order exactly -----------------------------------------------


@pytest.mark.parametrize(
    ("order_by", "predicate"),
    [
        ("?v", "mixed"),  # a string and a number in one column
        ("?v", "lang"),  # a language-tagged literal
        ("?v", "blank"),  # a blank node
        ("?v", "dbl"),  # a double: not one of the exact numeric types
        ('COALESCE(?v, "")', "link"),  # COALESCE keeps IRIs as IRIs, next to ""
        ('COALESCE(?v, "")', "num"),  # … and numbers as numbers
        ("COALESCE(?v, 99)", "opt"),  # strings next to the number for unbound
        ("COALESCE(?v, 99)", "link"),  # IRIs: not numbers
        ("COALESCE(?v, 99)", "dbl"),  # a double: not one of the exact numeric types
    ],
)
def test_sort_answers_none_for_a_column_it_cannot_order(backend, order_by, predicate):
    text = over(order_by).replace("<urn:P>", f"<urn:{predicate}>")
    p = plan(text)
    result = backend._run(p.text, None)
    assert p.sort(result.variables, result.rows) is None


def test_sort_answers_none_when_a_key_is_not_in_the_answer():
    p = plan("SELECT * WHERE { ?s <urn:p> ?o } ORDER BY ?missing")
    assert p is not None and p.sort(["s", "o"], []) is None
