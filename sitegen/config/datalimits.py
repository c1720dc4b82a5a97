"""Refuse YAML and TOML whose cost is out of all proportion to its size.

A kilobyte of YAML can name a list of lists of lists through aliases (`*a` repeats what
`&a` holds) until it stands for a billion values ("billion laughs"): parsing is cheap,
but everything that later walks the value (checks, fingerprints, templates) takes
minutes and then runs out of memory. Deep nesting (`[[[[...]]]]`) crashes the C YAML
composer outright and exhausts Python's recursion in TOML's. Front matter and config
are read here first, as a stream of parser events (never composed), and refused with
the line of the first value that nests too deep, aliases a value inside itself, or
makes aliases stand for more values than the limit. A few hundred aliases of ordinary
anchors are nowhere near it.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 100  # levels of nesting; front matter and config use a handful
ALIAS_ALLOWANCE = 100_000  # values that aliases may add to what the text writes out
_STRUCTURE = "[{-:?"  # every level of YAML nesting opens with one of these characters
_DEPTH_HINT = "front matter and config need a few levels at most: flatten the value"


class TooCostly(Exception):
    """Data that would cost far more to use than its size suggests, at `index` in the text
    (`line` and `col` 0-based, as YAML counts them)."""

    def __init__(self, index: int, line: int, col: int, message: str, hint: str) -> None:
        super().__init__(message)
        self.index, self.line, self.col, self.message, self.hint = index, line, col, message, hint


def check_yaml(text: str, loader: type) -> None:
    """Raise TooCostly (or the parser's own YAMLError) for YAML that nests deeper than
    MAX_DEPTH, has an alias inside its own anchor, or expands aliases beyond the allowance.

    Text without an alias that cannot nest that deep is not scanned at all: most front
    matter is a dozen plain keys."""
    if "*" not in text and sum(text.count(c) for c in _STRUCTURE) <= MAX_DEPTH:
        return
    try:
        _scan_with(loader, text)
    except yaml.YAMLError as exc:
        if "maximum nesting depth" not in str(getattr(exc, "problem", "")):
            raise
        # libyaml 0.2.6 refuses 1,000 levels while scanning, before the events that would
        # tell us about level 101 arrive: the pure-Python parser has no such limit and
        # streams the events, so the editor hears about the first level too many.
        _scan_with(yaml.SafeLoader, text)
        raise


def _scan_with(loader: type, text: str) -> None:
    parser = loader(text)
    try:
        _scan(parser)
    finally:
        parser.dispose()


def _scan(parser: Any) -> None:
    """Walk the events, keeping for each open collection its anchor and how many values it
    stands for, and for each finished anchor that count (an alias adds it again)."""
    open_: list[list[Any]] = []  # [anchor, values so far] of each collection being read
    sizes: dict[str, int] = {}
    written = added = 0
    while parser.check_event():
        event = parser.get_event()
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            written += 1
            open_.append([event.anchor, 1])
            if len(open_) > MAX_DEPTH:
                raise _too_costly(event, f"is nested more than {MAX_DEPTH} levels deep", _DEPTH_HINT)
            continue
        if isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            anchor, size = open_.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
            written += 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, _alias_size(event, sizes, open_)
            added += size
            if added > max(ALIAS_ALLOWANCE, written):
                raise _too_costly(event, f"aliases stand for more than {max(ALIAS_ALLOWANCE, written):,} "
                                  f"values (*{event.anchor} repeats what &{event.anchor} holds)",
                                  "write the values out, or use fewer aliases of aliases")
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if open_:
            open_[-1][1] += size


def _alias_size(event: Any, sizes: dict[str, int], open_: list[list[Any]]) -> int:
    if any(anchor == event.anchor for anchor, _ in open_):
        raise _too_costly(event, f"alias *{event.anchor} is inside the value &{event.anchor} names, "
                          "which would contain itself", f"remove *{event.anchor} from that value")
    return sizes.get(event.anchor, 1)  # an unknown alias: the composer reports it


def _too_costly(event: Any, message: str, hint: str) -> TooCostly:
    mark = event.start_mark
    return TooCostly(mark.index, mark.line, mark.column, message, hint)


def too_deep(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and mappings in `value` nest more than `limit` levels (for TOML, whose
    dotted keys nest without brackets); without recursion, so any depth is safe to ask."""
    pending = [(value, 1)]
    while pending:
        item, depth = pending.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False
