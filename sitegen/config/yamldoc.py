"""Read a YAML file into plain data plus the line and column of every key.

PyYAML's errors speak of scanners and streams, point at the end of the file for an
unclosed quote, and duplicate keys pass silently (the last one wins). This module
turns all three into diagnostics an editor can act on, and keeps each key's place so
that later checks (a wrong type, an unknown key) can point at the right line too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from sitegen.config.datalimits import TooCostly, check_yaml
from sitegen.errors import Diagnostic

KeyPath = tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """Where one key and its value start (1-based)."""

    line: int
    col: int
    value_line: int
    value_col: int


@dataclass(frozen=True)
class YamlDoc:
    data: Any
    places: dict[KeyPath, Place]

    def where(self, path: KeyPath) -> tuple[int, int]:
        """Line and column of a key (0, 0 when it is not in the file, e.g. an override)."""
        place = self.places.get(path)
        return (place.line, place.col) if place else (0, 0)

    def where_value(self, path: KeyPath) -> tuple[int, int]:
        """Line and column of a key's value when it is on the key's line, else of the key."""
        place = self.places.get(path)
        if place is None:
            return 0, 0
        if place.value_line == place.line:
            return place.value_line, place.value_col
        return place.line, place.col


def read_numbers_strictly(loader: Any) -> None:
    """Make `!!int abc`, `!!float abc` and integers of more than 4,300 digits YAML errors
    at their line, where PyYAML raises a bare ValueError."""
    for tag, construct in (("tag:yaml.org,2002:int", yaml.SafeLoader.construct_yaml_int),
                           ("tag:yaml.org,2002:float", yaml.SafeLoader.construct_yaml_float)):
        loader.add_constructor(tag, _strictly(construct))


def _strictly(construct: Any) -> Any:
    def strict(loader: Any, node: yaml.ScalarNode) -> Any:
        try:
            return construct(loader, node)
        except ValueError:
            raise yaml.constructor.ConstructorError(
                None, None, f"{str(node.value)[:40]!r} is not a number YAML can read", node.start_mark) from None
    return strict


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """PyYAML's safe loader (in C when available), with numbers read strictly."""


read_numbers_strictly(_Loader)


def loader_class() -> type:
    return _Loader


def load_yaml(text: str, path: str) -> YamlDoc:
    """Parse `text`; raise `YamlProblem` with diagnostics for bad syntax, duplicate keys, or
    data that would cost far more than its size (datalimits.py)."""
    loader = _Loader(text)
    try:
        check_yaml(text, _Loader)
        root = loader.get_single_node()
        data = loader.construct_document(root) if root is not None else None
    except TooCostly as cost:
        raise YamlProblem([Diagnostic(path, cost.line + 1, cost.col + 1, "error", cost.message,
                                      cost.hint)]) from None
    except yaml.YAMLError as exc:
        raise YamlProblem([describe_yaml_error(exc, text, path)]) from None
    finally:
        loader.dispose()
    places: dict[KeyPath, Place] = {}
    duplicates: list[Diagnostic] = []
    if root is not None:
        _walk(root, (), places, duplicates, path)
    if duplicates:
        raise YamlProblem(duplicates)
    return YamlDoc(data, places)


class YamlProblem(Exception):
    """The YAML could not be read; `diagnostics` say where and why."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


def _walk(node: yaml.Node, prefix: KeyPath, places: dict[KeyPath, Place],
          duplicates: list[Diagnostic], path: str) -> None:
    if not isinstance(node, yaml.MappingNode):
        return
    first_line: dict[str, int] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        mark, value_mark = key_node.start_mark, value_node.start_mark
        if key in first_line:
            duplicates.append(Diagnostic(
                path, mark.line + 1, mark.column + 1, "error", f"duplicate key '{key}'",
                f"'{key}' is already set on line {first_line[key]}: merge the two, or delete one"))
            continue
        first_line[key] = mark.line + 1
        places[(*prefix, key)] = Place(mark.line + 1, mark.column + 1,
                                       value_mark.line + 1, value_mark.column + 1)
        _walk(value_node, (*prefix, key), places, duplicates, path)


def describe_yaml_error(exc: yaml.YAMLError, text: str, path: str) -> Diagnostic:
    """One diagnostic for a YAML syntax error, pointing where an editor must look."""
    problem = str(getattr(exc, "problem", None) or "could not be read")
    context = str(getattr(exc, "context", None) or "")
    mark = getattr(exc, "problem_mark", None)
    start = getattr(exc, "context_mark", None)
    line, col = (mark.line, mark.column) if mark else (0, -1)
    lines = text.split("\n")
    here = lines[line] if 0 <= line < len(lines) else ""
    if 0 <= col < len(here) and here[col] == "\t":
        return Diagnostic(path, line + 1, col + 1, "error", "tab character in YAML",
                          "YAML indents with spaces only: replace the tab with spaces")
    if start is not None and "quoted scalar" in context:
        quote = _char_at(lines, start.line, start.column) or '"'
        return Diagnostic(path, start.line + 1, start.column + 1, "error",
                          f"invalid YAML: the {quote} opened here is never closed",
                          f"add the closing {quote} at the end of the value")
    if start is not None and "flow" in context:
        bracket = _char_at(lines, start.line, start.column) or "["
        closing = {"[": "]", "{": "}"}.get(bracket, "]")
        return Diagnostic(path, start.line + 1, start.column + 1, "error",
                          f"invalid YAML: the '{bracket}' opened here is never closed",
                          f"add '{closing}' at the end of the value, on the same line")
    if "mapping values are not allowed" in problem:
        problem = "unexpected ': ' in a value"
    return Diagnostic(path, line + 1, col + 1, "error", f"invalid YAML: {problem}", _hint(problem))


def _char_at(lines: list[str], line: int, col: int) -> str:
    text = lines[line] if 0 <= line < len(lines) else ""
    return text[col] if 0 <= col < len(text) else ""


def _hint(problem: str) -> str:
    if "unexpected ': '" in problem:
        return ("put a value containing ': ' in quotes (title: \"Japan: an ally\"), "
                "and indent keys of one level by the same number of spaces")
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "indent keys of one level by the same number of spaces"
    return "check the indentation and the quotes on this line"
