"""sitegen/jsontext.py: the same text as json.dumps, written directly when it can be."""

from __future__ import annotations

import json

import pytest

from sitegen.jsontext import is_plain, json_string

ODD = ["", "plain/path.html", 'quote"d', "back\\slash", "tab\there", "new\nline", "\x00", "\x1f", "日本語",
       "line\u2028sep", "del\x7f", "lone\udcffsurrogate", "/"]


@pytest.mark.parametrize("text", ODD)
def test_each_string_is_what_json_writes(text: str) -> None:
    assert json_string(text) == json.dumps(text, ensure_ascii=False)


def test_only_strings_json_writes_as_they_are_count_as_plain() -> None:
    plain = ["", "plain/path.html", "日本語", "line\u2028sep", "del\x7f", "/"]
    assert [text for text in ODD if is_plain(text)] == plain
    assert all(json.dumps(text, ensure_ascii=False) == f'"{text}"' for text in ODD if is_plain(text))
