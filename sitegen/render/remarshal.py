"""Hugo's `transform.Remarshal FORMAT DATA`: a map (or TOML, YAML or JSON text) written out
as TOML, YAML or JSON, laid out as Hugo writes it.

Shortcodes that show one configuration in three formats (Hugo's own `code-toggle`) call
it; the text is highlighted and counted as words, so the layout follows Hugo's encoders
where it changes the words: keys sorted, TOML tables as `[a.b]` headers (a table holding
only tables gets its header too) with arrays of maps as `[[a.b]]`, nil values left out of
TOML, YAML lists at their key's indentation, floats with no fraction written as integers.
A text's format is found as Hugo finds it (whichever of `,`, `{`, `:`, `<`, `=` comes
first); what cannot be read stops the page with the reason.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

import yaml

from sitegen.markup.shortcodes import ShortcodeFailure

_BARE_KEY_RE = re.compile(r"^[A-Za-z0-9_-]+$")
_HINT = "give Remarshal a map, or TOML, YAML or JSON text that reads as one"


def remarshal(to: Any, data: Any) -> str:
    """`data` (a map, or text in TOML/YAML/JSON) written in the format `to`."""
    target = str(to).strip().lower()
    if target not in ("toml", "yaml", "yml", "json"):
        raise ShortcodeFailure(f"Remarshal: unknown format {to!r}", "give toml, yaml or json")
    if isinstance(data, Mapping):
        value: Any = data
    else:
        text = ("" if data is None else str(data)).strip()
        if not text:
            return ""
        value = _unmarshal(text)
    value = _plain(value)
    if target == "json":
        return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False, default=_iso) + "\n"
    if target == "toml":
        return "".join(_toml_table(value, []))
    return yaml.dump(value, Dumper=_GoYamlDumper, sort_keys=True, allow_unicode=True,
                     default_flow_style=False, width=math.inf)


def _iso(value: Any) -> str:
    """A time as Go writes it (RFC 3339, a T between date and time); anything else as text."""
    return value.isoformat() if isinstance(value, (datetime, date)) else str(value)


class _GoYamlDumper(yaml.SafeDumper):
    """PyYAML's safe dumper, writing times as Go's YAML encoder does: 2024-10-19T00:32:13-07:00."""


_GoYamlDumper.add_representer(datetime, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:timestamp", value.isoformat()))


def content_format(text: str) -> str:
    """Hugo's FormatFromContentString: the format whose mark comes first in the text."""
    marks = {name: text.find(mark) for name, mark in
             (("csv", ","), ("json", "{"), ("yaml", ":"), ("xml", "<"), ("toml", "="))}
    order = list(marks)
    for position, name in enumerate(order):
        first = marks[name]
        later = [marks[other] for other in order[position + 1:] if marks[other] != -1]
        if first != -1 and all(first < index for index in later):
            return name
    return ""


def _unmarshal(text: str) -> Any:
    found = content_format(text)
    try:
        if found == "toml":
            return tomllib.loads(text)
        if found == "yaml":
            value = yaml.safe_load(text)
        elif found == "json":
            value = json.loads(text)
        else:
            raise ShortcodeFailure(f"Remarshal: cannot read the text as TOML, YAML or JSON "
                                   f"(it reads as {found or 'nothing known'})", _HINT)
    except (tomllib.TOMLDecodeError, yaml.YAMLError, ValueError) as exc:
        raise ShortcodeFailure(f"Remarshal: the {found.upper()} text does not read: "
                               f"{str(exc).splitlines()[0]}", _HINT) from None
    if not isinstance(value, Mapping):
        raise ShortcodeFailure("Remarshal: the text is not a map of keys and values", _HINT)
    return value


def _plain(value: Any) -> Any:
    """Maps with string keys, lists, and floats without a fraction as integers (Hugo's)."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**63:
        return int(value)
    return value


def _toml_table(table: Mapping[str, Any], path: list[str]) -> list[str]:
    """A table's lines: its plain keys, then each sub-table and array of tables, indented."""
    indent = "  " * len(path)
    lines = [f"{indent}{_key(k)} = {_toml_value(v)}\n" for k, v in sorted(table.items())
             if v is not None and not _is_table(v) and not _is_table_array(v)]
    for key, value in sorted(table.items()):
        inner = [*path, _key(key)]
        if _is_table(value):
            lines.append(f"{indent}[{'.'.join(inner)}]\n")
            lines += _toml_table(value, inner)
        elif _is_table_array(value):
            for item in value:
                lines.append(f"{indent}[[{'.'.join(inner)}]]\n")
                lines += _toml_table(item, inner)
    return lines


def _is_table(value: Any) -> bool:
    return isinstance(value, Mapping)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _key(key: str) -> str:
    return key if _BARE_KEY_RE.match(key) else json.dumps(key, ensure_ascii=False)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()  # TOML's own date-time, as Go writes it
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value if v is not None) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{_key(k)} = {_toml_value(v)}" for k, v in sorted(value.items())
                               if v is not None) + "}"
    text = str(value)
    if "'" not in text and not any(ord(c) < 32 and c != "\t" for c in text):
        return f"'{text}'"
    return json.dumps(text, ensure_ascii=False)
