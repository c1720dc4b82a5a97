"""Memos of what citeproc-py 0.11 looks up in a loaded style, and where it keeps them.

A loaded CSL style is an lxml tree that does not change once loaded (see citeproc_memos for
the two citeproc-py functions that touch it, and why that is safe), yet citeproc-py asks it
the same questions at every step of every entry: XPath queries (compiled and evaluated anew
each call: the enclosing layout, citation or bibliography, a macro by name, a locale's terms
and dates), the tree's root, whether an element calls a variable, a cs:name's inherited
options, a child element by tag (`names.label`: a `find`, 4 µs). Each memo here answers the
first call with citeproc-py's own function and every later call from a dict.

A memo lives on the element it describes (in the Python proxy lxml makes for it). lxml makes
a new proxy whenever none is alive, which would drop the memo, so the first memo on a tree
keeps every element proxy of that tree alive, on the tree's root, for the root's life: the
style, which sitegen.cite.styles loads once per process. Nothing is shared between styles.
Two memos are per entry, not per style: a citation item's reference, and reading a variable
of a reference as an attribute (`reference.title`) straight from its dict.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

from citeproc.source import CitationItem


def slot(node: Any, name: str) -> dict[Any, Any]:
    """The element's memo dict `name`, made (and the tree's proxies kept alive) on first use."""
    found: dict[Any, Any] | None = node.__dict__.get(name)
    if found is None:
        found = node.__dict__[name] = {}
        keep_alive(node)
    return found


def keep_alive(node: Any) -> None:
    """Hold every element proxy of the node's tree on its root, so memos on them survive."""
    root = node.getroottree().getroot()
    if "_alive" not in root.__dict__:
        root.__dict__["_alive"] = list(root.iter())


def memo_xpath(original: Any) -> Any:
    def xpath_search(self: Any, expression: str) -> Any:
        try:
            return self.__dict__["_xpath"][expression]
        except KeyError:
            found = slot(self, "_xpath")[expression] = original(self, expression)
            return found
    return xpath_search


def memo_root(original: Any) -> Any:
    def get_root(self: Any) -> Any:
        try:
            return self.__dict__["_root"]
        except KeyError:
            root = self.__dict__["_root"] = original(self)
            keep_alive(self)
            return root
    return get_root


def memo_term(original: Any) -> Any:
    """A term by (name, form, fallback, zero padding), on the root (the style or a locale)."""
    def get_term(self: Any, name: str, form: Any = None, fallback_locale: bool = True,
                 zero_padded: bool = False) -> Any:
        known = slot(self.get_root(), "_terms")
        key = (name, form, fallback_locale, zero_padded)
        if key not in known:
            known[key] = original(self, name, form, fallback_locale, zero_padded)
        return known[key]
    return get_term


def memo_term_text(original: property) -> property:
    """A term's single or multiple text, made for the formatter in use (it escapes it)."""
    def text(self: Any) -> Any:
        formatter = self.get_formatter()
        known = slot(self, "_text_" + str(original.fget.__name__))  # type: ignore[union-attr]
        if formatter not in known:
            known[formatter] = original.fget(self)  # type: ignore[misc]
        return known[formatter]
    return property(text)


def memo_by_name(name_of_slot: str) -> Callable[[Any], Any]:
    """A memo on the root for a method of one string argument (macros, dates, locale options)."""
    def make(original: Any) -> Any:
        def memoised(self: Any, name: str) -> Any:
            root = self.get_root()
            try:
                return root.__dict__[name_of_slot][name]
            except KeyError:
                found = slot(root, name_of_slot)[name] = original(self, name)
                return found
        return memoised
    return make


def memo_name_option(original: Any) -> Any:
    """The option a cs:name takes from itself, its citation or bibliography, or the style, by
    (option, context). Options given for sorting (a dict per sort key) are not remembered."""
    def get_option(self: Any, name: str, context: Any = None, sort_options: Any = None) -> Any:
        if sort_options is not None:
            return original(self, name, context, sort_options)
        known = slot(self, "_name_options")
        if (name, context) not in known:
            known[name, context] = original(self, name, context)
        return known[name, context]
    return get_option


def memo_parent_delimiter(original: Any) -> Any:
    """The names-delimiter of the citation or bibliography around a context, by context."""
    def get_parent_delimiter(self: Any, context: Any = None) -> Any:
        known = slot(self, "_delimiters")
        if context not in known:
            known[context] = original(self, context)
        return known[context]
    return get_parent_delimiter


def memo_calls(original: Any) -> Any:
    def calls_variable(self: Any) -> bool:
        try:
            return self.__dict__["_calls"]
        except KeyError:
            calls = self.__dict__["_calls"] = original(self)
            keep_alive(self)
            return calls
    return calls_variable


def memo_child(original: Any) -> Any:
    """`element.label` is citeproc-py's find('cs:label'): the element's first such child."""
    def __getattr__(self: Any, name: str) -> Any:
        known = slot(self, "_children")
        if name in known:
            return known[name]
        found = known[name] = original(self, name)
        return found
    return __getattr__


def memo_reference(original: property) -> cached_property[Any]:
    """A citation item's reference, kept in the item after the first read: its
    bibliography's source does not change once the item is registered."""
    remembered: cached_property[Any] = cached_property(original.fget)  # type: ignore[arg-type]
    remembered.__set_name__(CitationItem, "reference")
    return remembered


def direct_attribute(original: Any) -> Any:
    """`reference.title` read from the dict, without two more Python calls on the way."""
    def __getattr__(self: Any, name: str) -> Any:
        try:
            return dict.__getitem__(self, name)
        except KeyError:
            return original(self, name)  # raises VariableError, as released
    return __getattr__
