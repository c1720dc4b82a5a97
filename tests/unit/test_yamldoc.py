"""load_yaml: plain data plus where every key is, and readable syntax errors."""

from __future__ import annotations

import pytest

from sitegen.config.yamldoc import Place, YamlProblem, load_yaml
from sitegen.errors import Diagnostic


def test_keeps_the_place_of_every_key_and_value() -> None:
    doc = load_yaml("site:\n  title: x\n  list:\n    - 1\nfeeds: {limit: 3}\n", "c.yaml")
    assert doc.data == {"site": {"title": "x", "list": [1]}, "feeds": {"limit": 3}}
    assert doc.places[("site",)] == Place(1, 1, 2, 3)
    assert doc.places[("site", "title")] == Place(2, 3, 2, 10)
    assert doc.places[("feeds", "limit")] == Place(5, 9, 5, 16)
    assert doc.where(("site", "title")) == (2, 3)
    assert doc.where_value(("site", "title")) == (2, 10)
    assert doc.where_value(("site", "list")) == (3, 3)  # the value starts on the next line
    assert doc.where(("not", "there")) == doc.where_value(("not", "there")) == (0, 0)


def test_an_empty_document_is_none_with_no_places() -> None:
    doc = load_yaml("# nothing\n", "c.yaml")
    assert (doc.data, doc.places) == (None, {})


def test_duplicate_keys_are_all_reported() -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml("a: 1\nb:\n  c: 1\n  c: 2\na: 3\n", "c.yaml")
    assert caught.value.diagnostics == [
        Diagnostic("c.yaml", 4, 3, "error", "duplicate key 'c'",
                   "'c' is already set on line 3: merge the two, or delete one"),
        Diagnostic("c.yaml", 5, 1, "error", "duplicate key 'a'",
                   "'a' is already set on line 1: merge the two, or delete one"),
    ]


@pytest.mark.parametrize(("text", "where", "message"), [
    ("a: 'open\nb: 1\n", (1, 4), "invalid YAML: the ' opened here is never closed"),
    ("a:\n  - [1, 2\nb: 1\n", (2, 5), "invalid YAML: the '[' opened here is never closed"),
    ("a:\n  b: 1\n\tc: 2\n", (3, 1), "tab character in YAML"),
    ("a: b: c\n", (1, 5), "invalid YAML: unexpected ': ' in a value"),
    ("a:\n  b: 1\n c: 2\n", (3, 2), "invalid YAML: did not find expected key"),
])
def test_syntax_errors_point_where_the_editor_must_look(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(YamlProblem) as caught:
        load_yaml(text, "c.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert ((diagnostic.line, diagnostic.col), diagnostic.message) == (where, message)
    assert diagnostic.hint
