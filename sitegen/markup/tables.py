"""Pipe tables whose delimiter row has more cells than their header, read as Goldmark reads them.

Python-Markdown's tables extension makes a table only when the delimiter row (``:--|:--``)
has as many cells as the header row. Goldmark (Hugo) also makes one when the delimiter row
has more: the table has the delimiter's columns and the header is padded with empty cells
(a header with more cells than the delimiter is still a paragraph). Hugo's documentation
has such a table (functions/collections/D.md); we wrote it as a paragraph whose ``:--``
became dashes.
"""

from __future__ import annotations

import types
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.tables import PIPE_LEFT, PIPE_NONE, PIPE_RIGHT, TableProcessor

_DELIMITER_CHARS = set("|:- ")


def _goldmark_test(self: TableProcessor, parent: etree.Element, block: str) -> bool:
    """The library's test, but the delimiter row may have more cells than the header."""
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
    self.separator = separator
    return True


class GoldmarkTablesExtension(Extension):
    """Give the "table" block processor Goldmark's test (load after "tables")."""

    def extendMarkdown(self, md: Markdown) -> None:
        if "table" in md.parser.blockprocessors:
            processor = md.parser.blockprocessors["table"]
            if isinstance(processor, TableProcessor):
                processor.test = types.MethodType(_goldmark_test, processor)  # type: ignore[method-assign]
