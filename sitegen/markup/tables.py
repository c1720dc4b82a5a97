"""Pipe tables whose delimiter row has more cells than their header, read as Goldmark reads them.

Python-Markdown's tables extension makes a table only when the delimiter row (``:--|:--``)
has as many cells as the header row. Goldmark (Hugo) also makes one when the delimiter row
has more: the table has the delimiter's columns and the header is padded with empty cells
(a header with more cells than the delimiter is still a paragraph). Hugo's documentation
has such a table (functions/collections/D.md); we wrote it as a paragraph whose ``:--``
became dashes.

A line of block attributes right under a table (``{class="!mt-0"}``, Goldmark's
parser.attribute.block) sets the table's attributes; the tables extension read it as one
more row, written out as text.
"""

from __future__ import annotations

import re
import types
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor

_DELIMITER_CHARS = set("|:- ")
_ATTRIBUTES_RE = re.compile(r"[ ]{0,3}\{:?[ ]*([^}\n ][^\n]*)\}[ ]*")  # attr_list's BLOCK_RE


def _goldmark_test(self: Any, parent: etree.Element, block: str) -> bool:
    """The library's test, but the delimiter row may have more cells than the header
    (`self` is the TableProcessor, whose attribute types the library declares loosely)."""
    rows = [row.strip(" ") for row in block.split("\n")]
    if len(rows) < 2:
        return False
    header = rows[0]
    self.border = PIPE_NONE
    if header.startswith("|"):
        self.border |= PIPE_LEFT
    if self.RE_END_BORDER.search(header) is not None:
        self.border |= PIPE_RIGHT
    header_len = len(self._split_row(header))
    is_table = header_len > 1
    if not is_table and header_len == 1 and self.border:  # one column: a pipe on every row
        is_table = all(row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                       for row in rows[1:])
    if not is_table:
        return False
    separator = self._split_row(rows[1])
    if len(separator) < header_len or not set("".join(separator)) <= _DELIMITER_CHARS:
        return False
    # Goldmark aligns only the header's columns; the padded ones have no alignment.
    self.separator = [*separator[:header_len], *[""] * (len(separator) - header_len)]
    return True


_Run = Callable[[etree.Element, list[str]], "bool | None"]


def _with_attributes(run: _Run, attributes: AttrListTreeprocessor) -> _Run:
    """The table processor's `run`, taking a last line of block attributes for the table's
    (after the header and delimiter rows: before them the block is no table)."""

    def table_run(parent: etree.Element, blocks: list[str]) -> bool | None:
        lines = blocks[0].split("\n")
        found = _ATTRIBUTES_RE.fullmatch(lines[-1]) if len(lines) > 2 else None
        if found is not None:
            blocks[0] = "\n".join(lines[:-1])
        result = run(parent, blocks)
        if found is not None and len(parent) and parent[-1].tag == "table":
            attributes.assign_attrs(parent[-1], found.group(1))
        return result

    return table_run


class GoldmarkTablesExtension(Extension):
    """Give the "table" block processor Goldmark's test and block attributes (load after
    "tables" and "attr_list")."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "table" not in md.parser.blockprocessors:
            return
        processor = md.parser.blockprocessors["table"]
        if not isinstance(processor, TableProcessor):
            return
        processor.test = types.MethodType(_goldmark_test, processor)  # type: ignore[method-assign]
        attributes = md.treeprocessors["attr_list"] if "attr_list" in md.treeprocessors else None  # noqa: SIM401 - a Registry has no get()
        if isinstance(attributes, AttrListTreeprocessor):
            processor.run = _with_attributes(processor.run, attributes)  # type: ignore[method-assign,assignment]
