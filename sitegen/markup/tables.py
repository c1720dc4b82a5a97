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
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor

_DELIMITER_CHARS = set("|:- ")
_TABLE_PRIORITY = 75  # the tables extension's (a Registry has no public way to read it)
_ATTRIBUTES_RE = re.compile(r"[ ]{0,3}\{:?[ ]*([^}\n ][^\n]*)\}[ ]*")  # attr_list's BLOCK_RE


class GoldmarkTableProcessor(TableProcessor):
    """The tables extension's processor with Goldmark's test and block attributes."""

    def test(self, parent: etree.Element, block: str) -> bool:
        """The library's test, but the delimiter row may have more cells than the header."""
        rows = [row.strip(" ") for row in block.split("\n")]
        if len(rows) < 2 or not self._header_is_a_row(rows):
            return False
        header_len = len(self._cells(rows[0]))
        separator = self._cells(rows[1])
        if len(separator) < header_len or not set("".join(separator)) <= _DELIMITER_CHARS:
            return False
        # Goldmark aligns only the header's columns; the padded ones have no alignment.
        self.separator = [  # type: ignore[assignment]  # the library declares it str
            *separator[:header_len], *[""] * (len(separator) - header_len)]
        return True

    def _header_is_a_row(self, rows: list[str]) -> bool:
        """Two cells, or one with a bordering pipe on every row (the library's rule); sets
        the border the rows are split with."""
        header = rows[0]
        border = PIPE_NONE
        if header.startswith("|"):
            border |= PIPE_LEFT
        if self.RE_END_BORDER.search(header) is not None:
            border |= PIPE_RIGHT
        self.border: Any = border  # the library declares it bool and stores these flags
        header_len = len(self._cells(header))
        if header_len == 1 and border:
            return all(row.startswith("|") or self.RE_END_BORDER.search(row) is not None
                       for row in rows[1:])
        return header_len > 1

    def _cells(self, row: str) -> list[str]:
        split: list[str] = self._split_row(row)  # type: ignore[attr-defined]  # the library's
        return split

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        """The library's run; a last line of block attributes is the table's (after the
        header and delimiter rows: before them the block is no table)."""
        lines = blocks[0].split("\n")
        found = _ATTRIBUTES_RE.fullmatch(lines[-1]) if len(lines) > 2 else None
        if found is not None:
            blocks[0] = "\n".join(lines[:-1])
        super().run(parent, blocks)
        attributes = self.parser.md.treeprocessors
        attr_list = attributes["attr_list"] if "attr_list" in attributes else None  # noqa: SIM401 - a Registry has no get()
        if (found is not None and isinstance(attr_list, AttrListTreeprocessor)
                and len(parent) and parent[-1].tag == "table"):
            attr_list.assign_attrs(parent[-1], found.group(1))


class GoldmarkTablesExtension(Extension):
    """Put GoldmarkTableProcessor in the place of the "table" block processor (load after
    "tables")."""

    def extendMarkdown(self, md: Markdown) -> None:
        registry = md.parser.blockprocessors
        if "table" not in registry or type(registry["table"]) is not TableProcessor:
            return
        old: Any = registry["table"]
        registry.register(GoldmarkTableProcessor(md.parser, old.config), "table", _TABLE_PRIORITY)
