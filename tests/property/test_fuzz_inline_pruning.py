"""Fuzz inline-pattern and block-test pruning: text built from every pattern's trigger
characters converts exactly as it does without pruning, no pattern that could match is ever
dropped, and no guarded block processor refuses a block it would take.

Runs as ``[normal]`` and as ``[long]`` (10,000 cases, marked slow); see budget.py.
"""

from __future__ import annotations

from hypothesis import strategies as st

from sitegen.markup.markdown import MarkdownOptions
from tests.property.budget import BUDGETS, run_property
from tests.property.strategies import any_char
from tests.support.pruning import check_pruning

# Every character and run of characters a trigger is made of, and the syntax around them.
TRIGGER_TOKENS = (
    "[", "]", "^", "[^", "[^1]", "\n[^1]: ", "!", "![", "(", ")", "](", "<", ">", "</", "@",
    "&", ";", "&amp;", "&#", "&#x", "#", "x", "*", "**", "_", "__", "~", "~~", "`", "``",
    "\\", "\\\n", "  \n", " ", "  ", "\n", "\n\n", "\t", "\r\n", ":", "/", "://", "http",
    "https://", "HTTP://", "ftp", "www.", "WWW.", "wWw.", ".", "a", "e.org", "me@e.org",
    "<!--", "-->", "<?", "?>", "<![CDATA[", "]]>", "\x02", "\x03", "\x02wzxhzdk:0\x03",
    "\x02klzzwxh:0000\x03", "{: .c }", "\n- ", "\n1. ", "\n> ", "\n    ", "\n```\n", "|",
    "\n|---|---|\n", "*[a]: b\n", "\nT\n: d\n", '<div markdown="1">\n', "\n</div>\n", "\"",
    "'", "-", "=", "日本", "<!--more-->", "\n[r]: /u\n", "[r]", "{{<", ">}}",
    # and those the block guards look for (sitegen/markup/block_pruning.py)
    "\n---", "\n=", "___", "* * *", "]:", ": ", "\n###", "\n   >", "*[",
)
soups = st.lists(st.one_of(st.sampled_from(TRIGGER_TOKENS), st.text(any_char, max_size=3)),
                 max_size=40).map("".join)
option_sets = st.sampled_from([
    MarkdownOptions(),
    MarkdownOptions(unsafe=True, smart_quotes=False, has_cjk_language=False),
])


@BUDGETS
def test_pruning_changes_no_output(examples: int) -> None:
    run_property(examples, st.tuples(soups, option_sets), lambda case: check_pruning(*case),
                 ("a  \n[b](c) &amp; <d@e.org> www.f.org ~~g~~ `h` \\\n*i*", MarkdownOptions()))
