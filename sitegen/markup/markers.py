"""The engine's own markers in converted text, made of characters no source can hold.

Conversion leaves two kinds of marker in the text it passes along: a shortcode's raw
HTML waits behind a stash marker while Markdown runs (sitegen/markup/shortcodes.py), and
``<!--more-->`` becomes a marker paragraph, and so does a passthrough block. (Page URLs need none: every page is routed
before any body is converted, so ref and relref give the URL itself.)

Text that merely looks like a marker must never be taken for one: that is how body text
used to paste a shortcode's HTML into a link title and out of its quotes. So every marker
is delimited by Unicode noncharacters (U+FDD0..U+FDEF, "permanently reserved for internal
use"; no text is meant to carry them), and `strip_reserved` removes that whole range from
everything that enters conversion from outside: the body, front matter summaries, and the
output of every shortcode template (which may print front matter values). Markdown itself
neither makes nor removes them. What is left in the text after that is a marker the engine
made, in the place the engine put it.
"""

from __future__ import annotations

import re

_RESERVED = "\ufdd0-\ufdef"
_RESERVED_RE = re.compile(f"[{_RESERVED}]")

STASH_OPEN, STASH_CLOSE = "\ufdd0", "\ufdd1"
MORE_TOKEN = "\ufdd4more\ufdd5"
PASSTHROUGH_OPEN, PASSTHROUGH_CLOSE = "\ufdd6", "\ufdd7"  # a passthrough block's place (passthrough.py)
JOIN_NEXT = "\ufdd8"  # no newline after this block (diagrams.py)

STASH_RE = re.compile(f"{STASH_OPEN}([0-9]+){STASH_CLOSE}")


def strip_reserved(text: str) -> str:
    """`text` without any character the engine's markers are made of."""
    return _RESERVED_RE.sub("", text) if _RESERVED_RE.search(text) else text


def stash_token(index: int) -> str:
    """The marker standing for the `index`-th stashed shortcode output."""
    return f"{STASH_OPEN}{index}{STASH_CLOSE}"


def drop_stash_tokens(text: str) -> str:
    """`text` without stash markers: where one cannot be restored (an attribute)."""
    return STASH_RE.sub("", text) if STASH_OPEN in text else text
