"""Characters no page, feed or sitemap can carry: found in the sources, reported, and dropped.

Text pasted from a PDF brings control characters (vertical tab, form feed, U+0001...).
XML 1.0 cannot carry most of them at all (one in a title made every feed that listed
the article unreadable), and HTML forbids them and the noncharacters (U+FFFE, U+FFFF,
U+FDD0-U+FDEF, the last two of every plane). So they are found where they are written:
in the source text, as numeric character references (`&#1;`), or as escapes in front
matter strings (`"\\x0b"`, `"\\f"`, `"\\u000b"`), reported with file, line and column,
and dropped. Vertical tab and form feed, which separate words, become a space; the
others go. In `url`, `slug` and `aliases` they are an error instead, because a
published address must be exactly what the author meant.

`strip_unsafe` is the same rule for output: the XML writer and the JSON-LD apply it to
every string (a last line of defence, e.g. for config.yaml's site title).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from sitegen.content.sources import Source
from sitegen.errors import Diagnostic

# The unsafe characters: C0 controls but tab, newline and carriage return; DEL and the C1
# controls; lone surrogates; the noncharacters U+FDD0-U+FDEF and the last two code points
# of every plane. Written as "anything but the safe ranges", which the regex engine tests
# some ten times faster than the list (every source, page and feed is searched for them).
_SAFE_ASTRAL = "".join(f"{chr(plane * 0x10000)}-{chr(plane * 0x10000 + 0xFFFD)}" for plane in range(1, 17))
UNSAFE = re.compile("[^\t\n\r\x20-\x7e\xa0-\ud7ff\ue000-\ufdcf\ufdf0-\ufffd" + _SAFE_ASTRAL + "]")
_SPACES = {"\x0b": " ", "\x0c": " "}
_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")
# Escapes of YAML double-quoted and TOML basic strings (a pair of backslashes is one escape).
_ESCAPE = re.compile(r"\\(?:x([0-9a-fA-F]{2})|u([0-9a-fA-F]{4})|U([0-9a-fA-F]{8})|([0abefvN])|.)")
_NAMED_ESCAPES = {"0": 0x00, "a": 0x07, "b": 0x08, "e": 0x1B, "f": 0x0C, "v": 0x0B, "N": 0x85}
_KEY_LINE = re.compile(r"^[\"']?([A-Za-z_][\w-]*)[\"']?\s*[:=]", re.MULTILINE)
PATH_KEYS = ("url", "slug", "aliases")  # where a dropped character would change an address
MAX_WARNINGS = 10  # per file; the rest are counted in one more warning
_HINT = ("no web page or feed can hold it (text pasted from a PDF often brings such "
         "characters): delete it")

Found = tuple[int, str]  # (offset in the text searched, what was found there)


def strip_unsafe(text: str) -> str:
    """`text` without the characters pages and feeds cannot carry (VT and FF become spaces)."""
    if not UNSAFE.search(text):
        return text
    return UNSAFE.sub(lambda match: _SPACES.get(match.group(), ""), text)


def strip_unsafe_in(value: Any, clean: Callable[[str], str] = strip_unsafe) -> Any:
    """`value` with `clean` applied to every string in it, keys too, through dicts, lists and tuples."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {strip_unsafe_in(k, clean): strip_unsafe_in(v, clean) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(strip_unsafe_in(item, clean) for item in value)
    return value


def may_be_unsafe(text: str) -> bool:
    """False when `text` surely has nothing to clean (the common case, found fast)."""
    return "&#" in text or UNSAFE.search(text) is not None


def describe(code: int) -> str:
    """'control character U+000B', 'noncharacter U+FFFE', as messages name them."""
    kind = ("control character" if code <= 0x9F else "lone surrogate" if 0xD800 <= code <= 0xDFFF
            else "noncharacter")
    return f"{kind} U+{code:04X}"


def clean_source(source: Source, front_matter: tuple[int, int] = (0, 0)
                 ) -> tuple[Source, tuple[Diagnostic, ...]]:
    """The source without unsafe characters and references, and a diagnostic for each one.

    `front_matter`: the offsets where its block starts and ends, to name the key a
    character sits in. Lines never change (no line break is unsafe).
    """
    text = source.text
    found = [(m.start(), describe(ord(m.group()))) for m in UNSAFE.finditer(text)]
    found += list(_unsafe_references(text))
    if not found:
        return source, ()
    problems = _report(source.path, text, 1, sorted(found), front_matter)
    return replace(source, text=strip_unsafe(_drop_references(text))), tuple(problems)


def clean_values(raw: dict[str, Any], path: str, block: str, block_line: int
                 ) -> tuple[dict[str, Any], list[Diagnostic]]:
    """Front matter values without unsafe characters, and a diagnostic for each escape or
    reference that made one (at the key's line if none can be found)."""
    cleaned = strip_unsafe_in(raw, _clean_text)
    if cleaned == raw:
        return raw, []
    dirty = {str(key).lower() for key, value in raw.items()
             if strip_unsafe_in(key, _clean_text) != key
             or cleaned.get(strip_unsafe_in(key, _clean_text)) != value}
    spans = _key_spans(block, (0, len(block)))
    found = [(offset, what) for offset, what in sorted([*_unsafe_escapes(block),
                                                        *_unsafe_references(block)])
             if _owner(spans, offset) in dirty]
    found += [(spans.get(key, (0, 0))[0], "a character no page can hold") for key in sorted(dirty)
              if key not in {_owner(spans, offset) for offset, _ in found}]
    return cleaned, _report(path, block, block_line, found, (0, len(block)))


def _report(path: str, text: str, first_line: int, found: list[Found],
            front_matter: tuple[int, int]) -> list[Diagnostic]:
    """Errors for what is in an address key, warnings (at most MAX_WARNINGS, then a count)
    for the rest."""
    spans = _key_spans(text, front_matter)
    problems: list[Diagnostic] = []
    warned = 0
    for offset, what in found:
        key = _owner(spans, offset)
        line = first_line + text.count("\n", 0, offset)
        col = offset - (text.rfind("\n", 0, offset) + 1) + 1
        if key in PATH_KEYS:
            problems.append(Diagnostic(path, line, col, "error", f"'{key}' has {what}, which no "
                                       "address can hold", f"delete it from the {key}"))
        elif warned < MAX_WARNINGS:
            subject = f"'{key}' has {what}" if key else what
            problems.append(Diagnostic(path, line, col, "warning", f"{subject}: dropped", _HINT))
            warned += 1
        elif warned == MAX_WARNINGS:
            rest = sum(1 for o, _ in found if _owner(spans, o) not in PATH_KEYS) - MAX_WARNINGS
            problems.append(Diagnostic(path, line, col, "warning", f"{rest} more characters no "
                                       "page can hold, from here on: dropped", _HINT))
            warned += 1
    return problems


def _clean_text(value: str) -> str:
    """A front matter string without unsafe characters, escaped or referenced."""
    if any("\ud800" <= char <= "\udfff" for char in value):  # "\ud83d\ude00" is one emoji
        value = value.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
    return strip_unsafe(_drop_references(value))


def _unsafe_escapes(block: str) -> Iterator[Found]:
    for match in _ESCAPE.finditer(block):
        digits = match.group(1) or match.group(2) or match.group(3)
        code = int(digits, 16) if digits else _NAMED_ESCAPES.get(match.group(4) or "", 0x20)
        if code <= 0x10FFFF and UNSAFE.fullmatch(chr(code)):
            yield match.start(), f"{describe(code)} (escape {match.group()})"


def _unsafe_references(text: str) -> Iterator[Found]:
    for match in _REFERENCE.finditer(text):
        code = _reference_code(match)
        if code is None or UNSAFE.fullmatch(chr(code)):
            target = "no character" if code is None else describe(code)
            yield match.start(), f"character reference {match.group()} (to {target})"


def _drop_references(text: str) -> str:
    if "&#" not in text:
        return text

    def keep(match: re.Match[str]) -> str:
        code = _reference_code(match)
        return "" if code is None or UNSAFE.fullmatch(chr(code)) else match.group()

    return _REFERENCE.sub(keep, text)


def _reference_code(match: re.Match[str]) -> int | None:
    """The code point a reference names; None for 0 and past U+10FFFF (HTML makes them U+FFFD)."""
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return code if 0 < code <= 0x10FFFF else None


def _key_spans(text: str, front_matter: tuple[int, int]) -> dict[str, tuple[int, int]]:
    """Where each top-level front matter key's lines start and end, as offsets in `text`."""
    start, end = front_matter
    starts = [(start + m.start(), m.group(1).lower()) for m in _KEY_LINE.finditer(text[start:end])]
    ends = [offset for offset, _ in starts[1:]] + [end]
    spans: dict[str, tuple[int, int]] = {}
    for (offset, key), stop in zip(starts, ends, strict=False):
        spans.setdefault(key, (offset, stop))
    return spans


def _owner(spans: dict[str, tuple[int, int]], offset: int) -> str:
    """The front matter key whose lines hold `offset`; '' in the body."""
    return next((key for key, (start, end) in spans.items() if start <= offset < end), "")
