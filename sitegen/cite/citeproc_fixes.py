"""Fixes to citeproc-py 0.11 where it departs from CSL 1.0.1, so the official styles print
what their guides print. (What makes it fast, without changing output, is citeproc_memos.)

Each fix is tested in tests/unit/test_cite_styles.py by rendering with and without it:
when a citeproc-py release makes a fix unnecessary, that test fails and the fix goes.

- `initialize="false"` on `cs:name` (Chicago, MLA: full given names) is ignored, so
  "Corey Bell" became "C. Bell".
- A `cs:label` for a variable the item lacks still prints its term (Chicago printed
  "Edition" for every newspaper article).
- `text-case="title"` is skipped when no language is passed, which is always the case for
  labels (APA printed "trans." for "Trans.").
- A `cs:names` inside a `cs:choose` inside `cs:substitute` ignored the substituted
  names' `cs:name` and `cs:label` (Chicago printed an authorless translation's translator
  as "C. Bell." instead of "Bell, Corey, trans.").
- Variables rendered by `cs:substitute` are not suppressed in the rest of the entry (CSL
  1.0.1, "Substitution"), so an article without an author printed its title twice in APA,
  and its translator twice in Chicago and MLA.
- A period after a title ending in "?" or "!" is kept ("forgetting?."), and
  `punctuation-in-quote` (en-US: a period or comma goes inside the closing quotation mark)
  is not implemented; `move_punctuation_into_quotes` does it on the finished text.
"""

from __future__ import annotations

import re
from typing import Any

from citeproc import model

_original = {"initialize": model.Name.initialize, "label_process": model.Label.process,
             "label_markup": model.Label.markup, "text_variable": model.Text._variable,
             "names_process": model.Names.process,
             "substitute": model.Substitute.render,
             "render_bibliography": model.Layout.render_bibliography,
             "render_citation": model.Layout.render_citation}
# Variables a `cs:substitute` printed in the entry being rendered (one entry at a time:
# `styles` renders one item per call, and builds run in processes, not threads).
_suppressed: set[str] = set()
_recording: list[set[str]] = []  # variables printed inside each substitute being tried
_CLOSING_QUOTE_THEN_PUNCTUATION = re.compile(r"(’?”)([.,])")
_DOUBLED_STOP = re.compile(r"([.?!])([’”]*)\.")


def _initialize(self: Any, given: Any, mark: Any, context: Any) -> Any:
    if self.get("initialize", "true").lower() == "false":
        return given
    return _original["initialize"](self, given, mark, context)


def _label_process(self: Any, item: Any, variable: Any = None, plural: Any = None,
                   context: Any = None, **kwargs: Any) -> Any:
    own = self.get("variable")
    if variable is None and own and own != "locator" and own.replace("-", "_") not in item.reference:
        return None  # CSL 1.0.1: a label is printed only beside a variable that has a value
    return _original["label_process"](self, item, variable, plural, context, **kwargs)


def _label_markup(self: Any, text: Any) -> Any:
    if not text:
        return None
    return self.wrap(self.format(self.case(self.strip_periods(text), "en")))


def _substitute_render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
    """citeproc-py's `cs:substitute`, suppressing every variable the chosen element printed."""
    for child in self.getchildren():
        _recording.append(set())
        try:
            if isinstance(child, model.Names) and child.name is None:
                names = self.xpath_search("./parent::cs:names[1]")[0]
                text = child.render(item, names_context=names, context=context, **kwargs)
            else:
                text = child.render(item, context=context, **kwargs)
        except model.VariableError:
            continue
        finally:
            printed = _recording.pop()
        if text:
            _suppressed.update(printed)
            return text
    return None


def _record(variables: Any) -> None:
    for printed in _recording:
        printed.update(variables)


def _fresh(original: Any) -> Any:
    """Start each rendering with nothing suppressed (sorting may have substituted before)."""
    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        _suppressed.clear()
        _recording.clear()
        return original(self, *args, **kwargs)
    return render


def _text_variable(self: Any, item: Any, context: Any) -> Any:
    if self.get("variable") in _suppressed:
        return None
    text = _original["text_variable"](self, item, context)
    if text:
        _record([self.get("variable")])
    return text


def _names_process(self: Any, item: Any, names_context: Any = None, context: Any = None,
                   **kwargs: Any) -> Any:
    if names_context is None and self.name is None:
        # CSL: a bare `cs:names` anywhere inside `cs:substitute` (also in a `cs:choose`) takes
        # the `cs:name` and `cs:label` of the names it stands in for; citeproc-py did that
        # only for direct children, so Chicago printed a translator as "C. Bell".
        outer = self.xpath_search("./ancestor::cs:substitute[1]/parent::cs:names[1]")
        names_context = outer[0] if outer else None
    hidden = [role for role in self.get("variable", "").split() if role in _suppressed]
    saved = {key: item.reference.pop(key) for key in (r.replace("-", "_") for r in hidden)
             if key in item.reference}
    try:
        if saved and not any(r.replace("-", "_") in item.reference
                             for r in self.get("variable", "").split()):
            return None
        text = _original["names_process"](self, item, names_context, context, **kwargs)
        if text:
            _record(r for r in self.get("variable", "").split() if r.replace("-", "_") in item.reference)
        return text
    finally:
        item.reference.update(saved)


def move_punctuation_into_quotes(text: str) -> str:
    """ '“Title”.' -> '“Title.”' (US punctuation, the en-US locale's punctuation-in-quote),
    and no period after a title's own stop ("forgetting?." -> "forgetting?", "‘unfair.’." ->
    "‘unfair.’"), which CSL
    processors drop and citeproc-py does not."""
    return _DOUBLED_STOP.sub(r"\1\2", _CLOSING_QUOTE_THEN_PUNCTUATION.sub(r"\2\1", text))


def apply() -> None:
    """Install the fixes (idempotent); `styles` calls it before loading a style."""
    model.Name.initialize = _initialize
    model.Label.process = _label_process
    model.Label.markup = _label_markup
    model.Text._variable = _text_variable
    model.Names.process = _names_process
    model.Substitute.render = _substitute_render
    model.Layout.render_bibliography = _fresh(_original["render_bibliography"])
    model.Layout.render_citation = _fresh(_original["render_citation"])


def remove() -> None:
    """Restore citeproc-py as released (tests compare its output with and without the fixes)."""
    model.Name.initialize = _original["initialize"]
    model.Label.process = _original["label_process"]
    model.Label.markup = _original["label_markup"]
    model.Text._variable = _original["text_variable"]
    model.Names.process = _original["names_process"]
    model.Substitute.render = _original["substitute"]
    model.Layout.render_bibliography = _original["render_bibliography"]
    model.Layout.render_citation = _original["render_citation"]

