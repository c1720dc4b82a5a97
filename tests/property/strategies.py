"""Hypothesis strategies for front matter and Markdown bodies an editor might write.

Front matter is drawn as a mapping of realistic keys (and case variants, near misses
and junk) to values of every YAML type, then written out three ways: by
``yaml.safe_dump`` (always valid YAML), by hand as an editor types it (often invalid:
unquoted colons, stray quotes, tabs) and as TOML. Text is salted with the characters
that break parsers: tabs, quotes, colons, CJK, a BOM, CR and CRLF, NEL and the Unicode
line and paragraph separators.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

import yaml
from hypothesis import strategies as st

REAL_KEYS = (
    "title", "date", "lastmod", "publishDate", "expiryDate", "slug", "url", "tags", "categories",
    "draft", "summary", "description", "author", "authors", "aliases", "weight", "lang",
    "keywords", "hasCJKLanguage", "source_name", "source_url", "original_title",
    "original_language", "original_date", "translator", "date_inferred", "author_role",
    "toc", "series", "images", "type", "layout",
)
NEAR_MISSES = ("tgas", "categores", "Titel", "dates", "sumary", "autor", "slugs", "drafts")
TRICKY_TOKENS = (
    "\t", '"', "'", ":", ": ", " #", "#", "-", "- ", "[", "]", "{", "}", ",", "&", "*", "!",
    "|", ">", "%", "@", "`", "?", "\\", "\ufeff", "\r\n", "\r", "\n", "\x85", "\u2028",
    "\u2029", "日米安保", "안보", "条約", " ", "  ", "---", "+++", "...", "{{<", ">}}",
    "{{%", "%}}", "<script>", "null", "~", "yes", "no", "on", "1.10", "0x1F", "2019-13-01",
    "2019-07-07", "=", '"""', "'''", "\x00", "\x1b", "é", "e\u0301", "İ", "ß",
)

NO_SURROGATES: tuple[Literal["Cs"]] = ("Cs",)
# Clean text: no controls, and nothing unassigned, which holds the noncharacters (U+FDD0,
# U+FFFE...) that front matter drops with a warning (content/characters.py; a title of
# U+FDD0 alone became "" and failed the typed round trip).
NO_CONTROLS: tuple[Literal["Cs"], Literal["Cc"], Literal["Cn"]] = ("Cs", "Cc", "Cn")
# Text without surrogates (they cannot be encoded) but with everything else.
any_char = st.characters(blacklist_categories=NO_SURROGATES)
plain_text = st.text(any_char, max_size=30)
tricky_text = st.lists(st.one_of(st.sampled_from(TRICKY_TOKENS), st.text(any_char, max_size=4)),
                       max_size=12).map("".join)
text_value = st.one_of(plain_text, tricky_text)


def _case_variants(key: str) -> st.SearchStrategy[str]:
    return st.sampled_from((key, key.lower(), key.upper(), key.capitalize(), key.swapcase()))


keys = st.one_of(
    st.sampled_from(REAL_KEYS).flatmap(_case_variants),
    st.sampled_from(NEAR_MISSES),
    st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7e), min_size=1, max_size=10),
    st.text(any_char, min_size=1, max_size=6),
)
dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
zones = st.one_of(st.none(), st.integers(-23 * 60, 23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))))
datetimes = st.builds(lambda d, z: d.replace(tzinfo=z),
                      st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30)),
                      zones)
scalars = st.one_of(
    text_value, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), dates, datetimes)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(any_char, min_size=1, max_size=6), inner,
                                            max_size=3)),
    max_leaves=8)
mappings = st.dictionaries(keys, values, max_size=8)


LIST_INDENTS = ("  ", "", "\t", "    ")
KEY_INDENTS = ("", "", " ", "  ", "\t")
GAPS = (" ", "", "  ", "\t")


def _naive(value: Any) -> str:
    """A value as an editor would type it, without quoting: often not valid YAML."""
    if isinstance(value, list):
        return "[" + ", ".join(_naive(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_naive(v)}" for k, v in value.items()) + "}"
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


@st.composite
def yaml_blocks(draw: st.DrawFn) -> str:
    """A YAML front matter block (without fences), valid or not."""
    mapping = draw(mappings)
    style = draw(st.sampled_from(("dump", "naive", "list-lines", "indented")))
    if style == "dump":
        return yaml.safe_dump(mapping, allow_unicode=draw(st.booleans()), sort_keys=False,
                              default_flow_style=draw(st.sampled_from((False, None))))
    lines = []
    for key, value in mapping.items():
        if style == "list-lines" and isinstance(value, list):
            lines.append(f"{key}:")
            lines += [draw(st.sampled_from(LIST_INDENTS)) + f"- {_naive(v)}" for v in value]
        else:
            indent = draw(st.sampled_from(KEY_INDENTS)) if style == "indented" else ""
            gap = draw(st.sampled_from(GAPS))
            lines.append(f"{indent}{key}:{gap}{_naive(value)}")
    return "\n".join(lines) + ("\n" if lines else "")


@st.composite
def toml_blocks(draw: st.DrawFn) -> str:
    mapping = draw(mappings)
    lines = []
    for key, value in mapping.items():
        if isinstance(value, str) and draw(st.booleans()):
            rendered = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
        else:
            rendered = _naive(value) if not isinstance(value, bool) else str(value).lower()
        lines.append(f"{key} = {rendered}")
    return "\n".join(lines) + "\n"


bodies = st.one_of(st.text(any_char, max_size=200), tricky_text)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A whole Markdown file as it might be on disk: fences, block, body, encoding quirks."""
    kind = draw(st.sampled_from(("yaml", "yaml", "yaml", "toml", "none", "unclosed", "junk")))
    body = draw(bodies)
    if kind == "junk":
        text = draw(st.one_of(st.text(any_char, max_size=300), tricky_text))
    elif kind == "none":
        text = draw(yaml_blocks()) + body
    else:
        fence = "+++" if kind == "toml" else "---"
        block = draw(toml_blocks() if kind == "toml" else yaml_blocks())
        opening = fence + draw(st.sampled_from(("", "", " ", "-", "\t")))
        closing = "" if kind == "unclosed" else fence + draw(st.sampled_from(("", "\n", "\n\n")))
        text = f"{opening}\n{block}{closing}{body}"
    if draw(st.booleans()):
        text = "\ufeff" + text
    newline = draw(st.sampled_from(("\n", "\n", "\r\n", "\r")))
    return text.replace("\n", newline)


# --- well-typed front matter for dump-then-parse ---------------------------------------

def _folded_unique(mapping: dict[str, Any]) -> bool:
    return len({k.lower() for k in mapping}) == len(mapping)


clean_text = st.text(st.characters(blacklist_categories=NO_CONTROLS), max_size=40)
names = st.text(st.characters(blacklist_categories=NO_CONTROLS), min_size=1, max_size=20).filter(
    lambda s: s.strip() != "")
json_like = st.recursive(
    st.one_of(clean_text, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(),
              dates),
    lambda inner: st.one_of(st.lists(inner, max_size=3),
                            st.dictionaries(st.text(st.characters(blacklist_categories=NO_CONTROLS),
                                                    min_size=1, max_size=8), inner, max_size=3)),
    max_leaves=6)
param_keys = st.from_regex(r"\A[a-z][a-z0-9_]{0,11}\Z").filter(lambda k: k not in {
    key.lower() for key in REAL_KEYS} | {"publishdate", "expirydate", "hascjklanguage"})


@st.composite
def typed_front_matter(draw: st.DrawFn) -> dict[str, Any]:
    """A mapping every value of which is of the type its key requires."""
    fields: dict[str, Any] = {"title": draw(names)}
    optional = {
        "date": st.one_of(dates, datetimes),
        "lastmod": st.one_of(dates, datetimes),
        "tags": st.lists(names, max_size=4),
        "categories": st.lists(names, max_size=3),
        "slug": clean_text,
        "draft": st.booleans(),
        "summary": clean_text,
        "description": clean_text,
        "weight": st.integers(-10**6, 10**6),
        "author": names,
        "source_name": clean_text,
        "translator": clean_text,
    }
    for key in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        fields[draw(_case_variants(key))] = draw(optional[key])
    fields.update(draw(st.dictionaries(param_keys, json_like, max_size=3)))
    return fields
