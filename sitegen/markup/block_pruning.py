"""Answer "no" at once where a block processor's test cannot pass for want of one character.

Why: Python-Markdown's block parser offers every block to its processors in priority order
until one's `test` accepts it, so an ordinary paragraph is searched by the heading, setext,
rule, table, definition-list, quote, footnote, abbreviation and reference expressions before
the paragraph processor takes it. Guarding them made conversion about a sixth cheaper: most
paragraphs hold none of the characters the expressions need.

How: `BlockPruningExtension` gives each processor we analysed a `test` that first checks
for a character (or text) every accepted block must contain, and only then calls the
processor's own `test`. A guard that fails means the library's test would have returned
False; the tests skipped have no effect when they return False (the rule processor keeps
its match, the table processor its borders, only for the `run` that follows a True), so
the parse is the same. The footnote, abbreviation and reference processors accept every
block and look for their definitions in `run`, giving the block back when there is none;
their guard stops them earlier, with the same result. Each guard names the expression it
was derived from, and a processor whose expression differs (another library version) is
left alone.
The benchmark's floor (bench/floor.py) does not use this extension.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.blockprocessors import (
    BlockQuoteProcessor,
    HashHeaderProcessor,
    HRProcessor,
    ReferenceProcessor,
    SetextHeaderProcessor,
)
from markdown.extensions.abbr import AbbrBlockprocessor
from markdown.extensions.def_list import DefListProcessor
from markdown.extensions.footnotes import FootnoteBlockProcessor
from markdown.extensions.tables import TableProcessor

from sitegen.markup.tables import GoldmarkTableProcessor

Guard = Callable[[str], bool]


def _rule_guard(block: str) -> bool:
    """A thematic break is three or more of one of -, _ or * on a line."""
    return block.count("-") >= 3 or block.count("_") >= 3 or block.count("*") >= 3


# class -> (attribute holding the expression, the expression analysed (or those of each
# library version, all analysed), the guard).
_GUARDS: dict[type, tuple[str | None, str | tuple[str, ...] | None, Guard]] = {
    HashHeaderProcessor: (
        "RE", r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)",
        lambda block: "#" in block),
    SetextHeaderProcessor: (
        "RE", r"^.*?\n(?:=+|-+)[ ]*(\n|$)",
        lambda block: "\n=" in block or "\n-" in block),
    HRProcessor: (
        "SEARCH_RE",
        r"^[ ]{0,3}(?=(?P<atomicgroup>(-+[ ]{0,2}){3,}|(_+[ ]{0,2}){3,}|(\*+[ ]{0,2}){3,}))"
        r"(?P=atomicgroup)[ ]*$",
        _rule_guard),
    BlockQuoteProcessor: ("RE", r"(^|\n)[ ]{0,3}>[ ]?(.*)", lambda block: ">" in block),
    DefListProcessor: ("RE", r"(^|\n)[ ]{0,3}:[ ]{1,3}(.*?)(\n|$)", lambda block: ": " in block),
    # These three accept every block and give it back from `run` (returning False, so the
    # parser goes on to the next processor) when their expression finds no definition.
    FootnoteBlockProcessor: (
        "RE", r"^[ ]{0,3}\[\^([^\]]*)\]:[ ]*(.*)$", lambda block: "[^" in block and "]:" in block),
    AbbrBlockprocessor: (  # Markdown 3.11.4 keeps the abbreviation to one line; both need "*["
        "RE", (r"^[*]\[(?P<abbr>[^\\]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$",
               r"^[*]\[(?P<abbr>[^\\\n]*?)\][ ]?:[ ]*\n?[ ]*(?P<title>.*)$"), lambda block: "*[" in block),
    ReferenceProcessor: (
        "RE", r"^[ ]{0,3}\[([^\[\]]*)\]:[ ]*(?:\n[ ]*)?([^\s]+)[ ]*(?:\n[ ]*)?"
              r"""((["\'])(.*)\4[ ]*|\((.*)\)[ ]*)?$""",
        lambda block: "]:" in block),
    # Its test splits the first row on pipes and wants two cells or a bordering pipe.
    TableProcessor: (None, None, lambda block: "|" in block),
    GoldmarkTableProcessor: (None, None, lambda block: "|" in block),  # same split (tables.py)
}


def guard_for(processor: Any) -> Guard | None:
    """The guard for this processor, or None: its expression is not the one we analysed."""
    known = _GUARDS.get(type(processor))
    if known is None:
        return None
    attribute, expected, guard = known
    if attribute is not None:
        regex = getattr(processor, attribute, None)
        if getattr(regex, "pattern", regex) not in (expected if isinstance(expected, tuple) else (expected,)):
            return None
    return guard


def _guarded(test: Callable[[Any, str], bool], guard: Guard) -> Callable[[Any, str], bool]:
    def guarded_test(parent: Any, block: str) -> bool:
        return guard(block) and test(parent, block)
    return guarded_test


class BlockPruningExtension(Extension):
    """Guard the tests of the block processors registered by the time it is loaded.

    Load it after every other extension, so the processors they add are seen.
    """

    def extendMarkdown(self, md: Markdown) -> None:
        for processor in md.parser.blockprocessors:
            guard = guard_for(processor)
            if guard is not None:
                # The stubs type `test` as a method; an instance attribute is what we mean.
                processor.test = _guarded(processor.test, guard)  # type: ignore[method-assign,assignment]
