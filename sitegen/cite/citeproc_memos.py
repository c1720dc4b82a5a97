"""Speed for citeproc-py 0.11 without changing a byte of what it prints: which of its
functions are replaced (by the memos of citeproc_lookups and the planned walk of
citeproc_walk), and the check that each still is the function they were written against.

citeproc-py re-derives from the loaded style, at every step of every entry, what cannot
change once the style is loaded. Remembering it makes an article's four citations (APA,
Chicago, MLA and the Chicago note) roughly eight times cheaper (scripts/bench_citations.py).

What is remembered stays true because a loaded style does not change in any way the memos
read. Only two citeproc-py functions touch its tree: `Names.process` inserts a default
cs:name into a cs:names that has none (an element with the tag "Name", outside the CSL
namespace, which no remembered query or child list can include: cs:names keeps its own
walk), and `Date_Part.process` copies a style's date-part attributes onto the locale's
date-part of the same name (no memo reads a date-part's attributes).

Each replacement is installed only when the function it replaces, every other function it
relies on (`requires`), and those two (`TREE_MUTATORS`) still have the source they had in
citeproc-py 0.11.1 (a SHA-256 of it, below). If a release changes one, that replacement is
left out: the output stays right, only slower; `skipped()` names it and
tests/unit/test_citeproc_memos.py fails until someone re-checks it and updates its digest.
The same tests format a few hundred varied records with and without them.
"""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from collections.abc import Callable
from functools import cache
from typing import Any, NamedTuple

from citeproc import model
from citeproc.source import CitationItem, CustomDict

from sitegen.cite import citeproc_lookups as lookups
from sitegen.cite import citeproc_walk as walk


class Memo(NamedTuple):
    owner: type
    name: str
    digest: str  # first 16 hex digits of the SHA-256 of the original's dedented source
    make: Callable[[Any], Any]  # the original function -> its replacement
    requires: tuple[tuple[type, str, str], ...] = ()  # other functions it relies on, as checked


TREE_MUTATORS = ((model.Names, "process", "03946ff825eca030"),
                 (model.Date_Part, "process", "6959fbdb0c9466bc"))
# What a cs:name's options are read from (the citation or bibliography, the style).
_OPTIONS = ((model.FormattingInstructions, "get_option", "cbffa4ff62dc3bac"),
            (model.CitationStylesElement, "get_option", "ccd15caa6e6f5903"))
_BRANCHES = ((model.If, "render", "c4d165cf91109c79"), (model.Else, "render", "7c17cdb0a2a6fc76"))
_MARKUP = ((model.StrippedPeriods, "strip_periods", "5bceacdf78d9a171"),
           (model.Quoted, "quote", "659f45847dbf7c2a"), (model.Affixed, "wrap", "12dab64e400362b6"),
           (model.Formatted, "format", "fd6a348887919893"))
_TEXT = ((model.Text, "process", "f76cbf7f94cc6dab"), (model.Text, "markup", "61dce88457973e49"),
         *_MARKUP)
_ELEMENT = model.CitationStylesElement

MEMOS = (
    Memo(_ELEMENT, "xpath_search", "76be8c5eba2f753d", lookups.memo_xpath),
    Memo(_ELEMENT, "get_root", "289495a9482ec77e", lookups.memo_root),
    Memo(_ELEMENT, "get_term", "43f5a3f0410154d4", lookups.memo_term),
    Memo(model.Term, "single", "9502ee36698aef08", lookups.memo_term_text),
    Memo(model.Term, "multiple", "a1de52b7060d6daf", lookups.memo_term_text),
    Memo(_ELEMENT, "get_locale_option", "78bf0b5137d049f8", lookups.memo_by_name("_locale_options")),
    Memo(_ELEMENT, "get_macro", "047b04818c4d101a", lookups.memo_by_name("_macros")),
    Memo(_ELEMENT, "get_date", "c24a3adaf8159d01", lookups.memo_by_name("_dates")),
    Memo(model.Name, "get_option", "8ee0f907a2207df9", lookups.memo_name_option, _OPTIONS),
    Memo(model.Names, "get_parent_delimiter", "8d4c38e3a3362c87", lookups.memo_parent_delimiter,
         _OPTIONS),
    Memo(model.Parent, "calls_variable", "77b8324275183d7e", lookups.memo_calls),
    Memo(model.Text, "calls_variable", "521ce68369c01169", lookups.memo_calls),
    Memo(model.SomewhatObjectifiedElement, "__getattr__", "a632aad15349004c", lookups.memo_child),
    Memo(CitationItem, "reference", "82cac24a95bd5161", lookups.memo_reference),
    Memo(CustomDict, "__getattr__", "e7f5ea086e9a95a0", lookups.direct_attribute,
         ((CustomDict, "__getitem__", "bf15096f78ae3b6d"),)),
    Memo(model.Formatted, "format", "fd6a348887919893", walk.plain_format),
    Memo(model.Choose, "render", "f52114e953bd7cd7", walk.quiet_choose, _BRANCHES),
    Memo(model.Group, "process", "02ddcfb0725a2e1e", walk.planned_group),
    Memo(model.Parent, "render_children", "d6fc98e29ebc98ba", walk.planned_children),
    Memo(model.Text, "render", "a6f888584043d799", walk.planned_text, _TEXT),
)
_ORIGINALS = {(memo.owner, memo.name): memo.owner.__dict__[memo.name] for memo in MEMOS}
_RELIED_ON = {(owner, name): owner.__dict__[name]
              for owner, name, _ in (*TREE_MUTATORS, *(r for memo in MEMOS for r in memo.requires))}


def source_digest(function: Any) -> str:
    """First 16 hex digits of the SHA-256 of a function's (or property's) dedented source."""
    function = getattr(function, "fget", function)
    try:
        text = textwrap.dedent(inspect.getsource(function))
    except (OSError, TypeError):  # no source shipped: treat as changed
        return ""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def name(memo: Memo) -> str:
    return f"{memo.owner.__name__}.{memo.name}"


@cache
def skipped() -> tuple[str, ...]:
    """The replacements left out because citeproc-py no longer looks as they were checked
    against, each as `Class.function (changed: what changed)`."""
    mutated = [f"{owner.__name__}.{fn}" for owner, fn, digest in TREE_MUTATORS
               if source_digest(_RELIED_ON[owner, fn]) != digest]
    left_out = []
    for memo in MEMOS:
        changed = [*mutated, *(f"{owner.__name__}.{fn}" for owner, fn, digest in memo.requires
                               if source_digest(_RELIED_ON[owner, fn]) != digest)]
        if source_digest(_ORIGINALS[memo.owner, memo.name]) != memo.digest:
            changed.insert(0, name(memo))
        if changed:
            left_out.append(f"{name(memo)} (changed: {', '.join(changed)})")
    return tuple(left_out)


def apply() -> None:
    """Install every replacement whose citeproc-py functions are as checked (idempotent)."""
    left_out = {text.split(" ")[0] for text in skipped()}
    for memo in MEMOS:
        if name(memo) not in left_out:
            setattr(memo.owner, memo.name, memo.make(_ORIGINALS[memo.owner, memo.name]))


def remove() -> None:
    """citeproc-py's own functions back (tests and the benchmark compare both)."""
    for memo in MEMOS:
        setattr(memo.owner, memo.name, _ORIGINALS[memo.owner, memo.name])
