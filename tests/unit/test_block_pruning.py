"""Block-test guards (sitegen/markup/block_pruning.py): they refuse only blocks the library refuses.

The conversions in test_inline_pruning.py run with both kinds of pruning and compare the
output with an unpruned converter's; `check_pruning` also asserts, for every block offered
to a guarded processor there, that a block the processor takes passes its guard. These
tests add blocks made to sit on each guard's edge, and check the guards are in place.
"""

from __future__ import annotations

import re

import pytest
from markdown.blockprocessors import HashHeaderProcessor

from sitegen.markup.block_pruning import guard_for
from sitegen.markup.markdown import MarkdownOptions
from tests.support.pruning import check_pruning, pruned, unpruned

# Blocks that each guarded processor takes with the least text its guard allows, and
# near misses beside them.
EDGE_BLOCKS = {
    "hash heading": "#",
    "hash heading after text": "text\n###### six",
    "not a heading": "#hashtag and C# in a line",
    "setext equals": "Title\n=",
    "setext dashes": "Title\n-",
    "setext spaced": "Title\n---   ",
    "rule dashes": "- - -",
    "rule underscores": "___",
    "rule stars": "* * *",
    "rule mixed is not a rule": "-_*",
    "rule after text": "text\n---",
    "two dashes": "text -- more",
    "quote": ">",
    "quote indented": "   > x",
    "greater than in text": "a > b",
    "definition": "Term\n: d",
    "definition spaced": "Term\n:   d",
    "colon without space": "Term\n:d",
    "table": "a|b\n-|-",
    "table bordered single column": "| a |\n| - |",
    "pipe in text": "a | b",
    "footnote definition": "[^1]: note",
    "footnote definition indented": "   [^x]:",
    "footnote reference only": "text[^1] here",
    "abbreviation": "*[HTML]: Hyper Text",
    "abbreviation without space": "*[W3C]:World Wide Web",
    "reference": "[r]: /u",
    "reference with title": "[r]:\n  /u\n  'title'",
    "brackets and colon": "[not] : a reference",
}


@pytest.mark.parametrize("name", list(EDGE_BLOCKS))
def test_edge_blocks_convert_identically(name: str) -> None:
    text = EDGE_BLOCKS[name]
    check_pruning(text)
    check_pruning(f"Before.\n\n{text}\n\nAfter.")
    check_pruning(f"- item\n\n    {text.replace(chr(10), chr(10) + '    ')}\n")  # nested in a list


def test_every_analysed_processor_is_guarded() -> None:
    names = {type(p).__name__ for p in pruned(MarkdownOptions()).parser.blockprocessors
             if "test" in vars(p)}
    assert names == {"HashHeaderProcessor", "SetextHeaderProcessor", "HRProcessor",
                     "BlockQuoteProcessor", "DefListProcessor", "GoldmarkTableProcessor",
                     "FootnoteBlockProcessor", "AbbrBlockprocessor", "ReferenceProcessor"}
    assert not any("test" in vars(p) for p in unpruned(MarkdownOptions()).parser.blockprocessors)


def test_processor_with_another_expression_is_not_guarded() -> None:
    md = unpruned(MarkdownOptions())
    heading = next(p for p in md.parser.blockprocessors if type(p) is HashHeaderProcessor)
    assert guard_for(heading) is not None
    changed = HashHeaderProcessor(md.parser)
    changed.RE = re.compile(r"(?:^|\n)(?P<level>@{1,6})(?P<header>.*)")  # a new syntax
    assert guard_for(changed) is None


def test_plain_paragraphs_skip_the_library_tests() -> None:
    """An ordinary paragraph (two hyphens, a semicolon) is refused by every guard."""
    block = "A well-known treaty, signed in 1951 and re-read in 1960; why?"
    guarded = [p for p in pruned(MarkdownOptions()).parser.blockprocessors if "test" in vars(p)]
    assert len(guarded) == 9
    assert not any(p.test(None, block) for p in guarded)
    refused = [type(p).__name__ for p in guarded if not guard_for(p)(block)]  # type: ignore[misc]
    assert len(refused) == 9
