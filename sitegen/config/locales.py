"""Dates, numbers and plural forms in a language, from Babel (the CLDR data), not by hand.

"29 March 2019" and "2019年3月29日" are the same date in two languages; month names,
digit grouping and which plural form a number takes ("1 word", "2 words"; Japanese has
one form) come from the Unicode CLDR through Babel, the standard Python i18n library.
Every function is pure and cached: a page shows the same dates many times.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.core import get_global
from babel.dates import format_date, format_skeleton
from babel.numbers import format_decimal

PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def babel_name(tag: str) -> str:
    """A BCP 47 tag ("en-GB", "ja") as Babel spells locales ("en_GB")."""
    return tag.strip().replace("-", "_")


@lru_cache(maxsize=64)
def locale_for(tag: str) -> Locale:
    """The Babel locale of a language tag; raises ValueError for a tag CLDR does not know."""
    try:
        return Locale.parse(babel_name(tag))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValueError(f"'{tag}' is not a language Babel (CLDR) knows: {exc}") from None


def is_known(tag: str) -> bool:
    try:
        locale_for(tag)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1 << 16)
def long_date(value: date | None, tag: str, pattern: str = "") -> str:
    """A date as readers of `tag` write it in running text: "29 March 2019", "2019年3月29日".

    `pattern` is a CLDR date pattern ("d MMMM y"); empty means the locale's own long format.
    """
    if value is None:
        return ""
    day = value.date() if isinstance(value, datetime) else value
    return format_date(day, pattern or "long", locale=locale_for(tag))


@lru_cache(maxsize=4096)
def month_year(year: int, month: int, tag: str) -> str:
    """A month of a year: "July 2019", "2019年7月"."""
    return format_skeleton("yMMMM", date(year, month, 1), locale=locale_for(tag))


@lru_cache(maxsize=4096)
def number(value: float, tag: str) -> str:
    """A quantity with the locale's digit grouping: "1,234"."""
    return format_decimal(value, locale=locale_for(tag))


@lru_cache(maxsize=4096)
def plural_category(count: float, tag: str) -> str:
    """The CLDR plural category of `count` in the language: "one", "other", ..."""
    return str(locale_for(tag).plural_form(count))


@lru_cache(maxsize=64)
def language_name(tag: str, in_tag: str = "") -> str:
    """A language's name, in its own language ("日本語") or in `in_tag`'s ("Japanese")."""
    locale = locale_for(tag)
    name = locale.get_display_name(locale_for(in_tag) if in_tag else locale) or tag
    return name[:1].upper() + name[1:] if not in_tag or in_tag.startswith("en") else name


@lru_cache(maxsize=64)
def og_locale(tag: str) -> str:
    """The Open Graph locale of a tag, language_TERRITORY ("en_US", "ja_JP"), as
    Facebook's list spells them: a tag without a territory gets its likeliest one."""
    locale = locale_for(tag)
    if locale.territory:
        return f"{locale.language}_{locale.territory}"
    likely = get_global("likely_subtags").get(locale.language, "")
    territory = likely.split("_")[-1] if likely.count("_") >= 1 else ""
    return f"{locale.language}_{territory}" if territory.isalpha() and territory.isupper() else locale.language


def text_direction(tag: str) -> str:
    """"ltr" or "rtl", for the dir attribute of text in that language."""
    return str(locale_for(tag).text_direction)
