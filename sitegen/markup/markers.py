"""The engine's own markers in converted text, made of characters no source can hold.

Conversion leaves three kinds of marker in the text it passes along: a shortcode's raw
HTML waits behind a stash marker while Markdown runs (sitegen/markup/shortcodes.py), a page URL
waits behind a ref marker until every page is routed (sitegen/render/bodies.py; those live in
cached bodies, across builds), and ``<!--more-->`` becomes a marker paragraph.

Text that merely looks like a marker must never be taken for one: that is how body text
used to paste a shortcode's HTML into a link title and out of its quotes. So every marker
is delimited by Unicode noncharacters (U+FDD0..U+FDEF, "permanently reserved for internal
use"; no text is meant to carry them), and `strip_reserved` removes that whole range from
everything that enters conversion from outside: the body, front matter summaries, and the
output of every shortcode template (which may print front matter values). Markdown itself
neither makes nor removes them. What is left in the text after that is a marker the engine
made, in the place the engine put it.

A ref marker issued during one body's conversion may travel through a shortcode's output
(a template prints ``ref(...)``, or an outer shortcode prints the inner one's output), so
`clean_output` keeps the ref markers issued for that body and removes every other
reserved character.
"""

from __future__ import annotations

import re
from collections.abc import Collection

_RESERVED = "\ufdd0-\ufdef"
_RESERVED_RE = re.compile(f"[{_RESERVED}]")

STASH_OPEN, STASH_CLOSE = "\ufdd0", "\ufdd1"
REF_OPEN, REF_CLOSE = "\ufdd2", "\ufdd3"
MORE_TOKEN = "\ufdd4more\ufdd5"

STASH_RE = re.compile(f"{STASH_OPEN}([0-9]+){STASH_CLOSE}")
REF_RE = re.compile(f"{REF_OPEN}([AR])([0-9a-f]*){REF_CLOSE}")
_OUTPUT_RE = re.compile(f"{REF_OPEN}[AR][0-9a-f]*{REF_CLOSE}|[{_RESERVED}]")


def strip_reserved(text: str) -> str:
    """`text` without any character the engine's markers are made of."""
    return _RESERVED_RE.sub("", text) if _RESERVED_RE.search(text) else text


def stash_token(index: int) -> str:
    """The marker standing for the `index`-th stashed shortcode output."""
    return f"{STASH_OPEN}{index}{STASH_CLOSE}"


def ref_token(kind: str, target: str) -> str:
    """The marker for the URL of page `target`; kind "A" absolute, "R" site-relative."""
    return f"{REF_OPEN}{kind}{target.encode('utf-8').hex()}{REF_CLOSE}"


def clean_output(text: str, issued: Collection[str]) -> str:
    """A shortcode's output with every reserved character removed, except in `issued` refs."""
    if not _RESERVED_RE.search(text):
        return text
    return _OUTPUT_RE.sub(lambda m: m[0] if m[0] in issued else "", text)


def drop_stash_tokens(text: str) -> str:
    """`text` without stash markers: where one cannot be restored (an attribute)."""
    return STASH_RE.sub("", text) if STASH_OPEN in text else text
