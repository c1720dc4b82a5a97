"""JSON strings written without the json module when nothing in them needs escaping.

Two files the build writes on every run hold tens of thousands of short strings: the URL
history (a path and a content file a line) and the search shards' stamps (an output and
a digest a page). `json.dumps` costs a call and an encoder per string; nearly all of them
are plain paths and hex digests that JSON writes as they are, quoted. The bytes are
json.dumps's with ensure_ascii=False either way (tests/unit/test_jsontext.py).
"""

from __future__ import annotations

import json
import re

# What JSON escapes (a quote, a backslash, control characters) and lone surrogates, which
# json.dumps passes on for its callers to deal with: strings with none are written as they are.
_PLAIN = re.compile(r'[^"\\\x00-\x1f\ud800-\udfff]*')


def is_plain(text: str) -> bool:
    """Whether JSON writes `text` as it is, between quotes."""
    return _PLAIN.fullmatch(text) is not None


def json_string(text: str) -> str:
    """json.dumps(text, ensure_ascii=False)."""
    return f'"{text}"' if is_plain(text) else json.dumps(text, ensure_ascii=False)
