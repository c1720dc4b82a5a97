"""citeproc-py 0.11's walk over a loaded style, with each element's part of it read once.

To render an entry, citeproc-py walks the style and, at every element, re-reads what cannot
change: a cs:choose tries each branch by letting it raise ConditionFailed when its condition
fails (~70 raises an entry), after splitting and lower-casing its `type` and `variable`
attributes again; every group, layout, macro and branch lists its children through lxml and
asks each whether it calls a variable; a cs:text tests which of variable, macro, term or
value it has, and reads nine attributes (strip-periods, text-case, five font properties,
quotes, prefix, suffix) to find that nearly all of them do nothing. The functions here are
citeproc-py's, doing the same steps in the same order with the same calls into the rest of
citeproc-py and of citeproc_fixes, on a "plan" of each element read from its attributes the
first time, and kept on the element like the memos of citeproc_lookups.
"""

from __future__ import annotations

from typing import Any

from citeproc import model
from citeproc.source import VariableError
from citeproc.string import MixedString, String, join

from sitegen.cite.citeproc_lookups import keep_alive

IF_RENDER, ELSE_RENDER = model.If.render, model.Else.render
_OTHER_TESTS = (("is-numeric", "_is_numeric"), ("is-uncertain-date", "_is_uncertain_date"),
                ("locator", "_locator"), ("position", "_position"))


def quiet_choose(original: Any) -> Any:
    """`cs:choose` testing its branches without a ConditionFailed for each that fails (if,
    else-if and else as citeproc-py renders them; any other child as its Choose does)."""
    def render(self: Any, item: Any, context: Any = None, delimiter: str = "",
               **kwargs: Any) -> Any:
        for child, kind, test in _branches(self):
            if kind == "other":
                try:
                    return child.render(item, context=context, delimiter=delimiter, **kwargs)
                except model.ConditionFailed:
                    continue
            if kind == "if" and not (_holds(test, item) if test[0] else
                                     _holds_in_order(child, test, item, context)):
                continue
            return child.render_children(item, context=context, delimiter=delimiter, **kwargs)
        return None
    return render


def _branches(choose: Any) -> tuple[tuple[Any, str, tuple[Any, ...]], ...]:
    try:
        return choose.__dict__["_branches"]
    except KeyError:
        plan = choose.__dict__["_branches"] = tuple(_branch(child)
                                                    for child in choose.iterchildren())
        keep_alive(choose)
        return plan


def _branch(child: Any) -> tuple[Any, str, tuple[Any, ...]]:
    """(child, "if"/"else"/"other", its test). The test of a branch that only tests `type` and
    `variable` is (True, match, types, variables): If.render's list of results (one per type,
    one per variable) combined by `match` is then a test of membership, as any/all/none of the
    two lists; other branches keep the list: (False, match, types, variables, other tests)."""
    kind = type(child).render
    if kind is not IF_RENDER:
        return child, "else" if kind is ELSE_RENDER else "other", ()
    types = tuple(typ.lower() for typ in child.get("type", "").split())
    variables = tuple(v.replace("-", "_") for v in child.get("variable", "").split())
    others = tuple(method for attribute, method in _OTHER_TESTS if attribute in child.attrib)
    match = child.get("match")
    match = match if match in ("any", "none") else "all"
    if others:
        return child, "if", (False, match, types, variables, others)
    return child, "if", (True, match, types, variables)


def _holds(test: tuple[Any, ...], item: Any) -> bool:
    _, match, types, variables = test
    reference = item.reference
    kind = dict.__getitem__(reference, "type")  # Reference sets it; never missing
    if match == "all":
        for typ in types:
            if typ != kind:
                return False
        for variable in variables:  # noqa: SIM110 (kept as citeproc-py writes it)
            if not (("locator" in item) if variable == "locator" else variable in reference):
                return False
        return True
    hit = kind in types
    if not hit:
        for variable in variables:
            if ("locator" in item) if variable == "locator" else variable in reference:
                hit = True
                break
    return hit if match == "any" else not hit


def _present(variable: str, item: Any, reference: Any) -> bool:
    return ("locator" in item) if variable == "locator" else variable in reference


def _holds_in_order(branch: Any, test: tuple[Any, ...], item: Any, context: Any) -> bool:
    """If.render's results list, test by test in its order, for branches that test more."""
    _, match, types, variables, others = test
    results: list[Any] = [typ == item.reference.type for typ in types]
    results += [_present(variable, item, item.reference) for variable in variables]
    for method in others:
        results += (branch._position(item, context) if method == "_position"
                    else getattr(branch, method)(item))
    return any(results) if match == "any" else not any(results) if match == "none" else all(results)


def children(node: Any) -> tuple[tuple[Any, bool], ...] | None:
    """(child, is a cs:choose) for each child of a layout, macro, group or branch (their
    children never change); None for a cs:names, which may get a cs:name from citeproc-py."""
    try:
        return node.__dict__["_kids"]
    except KeyError:
        plan = node.__dict__["_kids"] = None if isinstance(node, model.Names) else tuple(
            (child, isinstance(child, model.Choose)) for child in node.iterchildren())
        keep_alive(node)
        return plan


def _group_children(group: Any) -> tuple[tuple[Any, bool, bool], ...]:
    """(child, is a cs:choose, calls a variable): Group.process asks each child every time."""
    try:
        return group.__dict__["_group"]
    except KeyError:
        plan = group.__dict__["_group"] = tuple(
            (child, is_choose, bool(child.calls_variable()))
            for child, is_choose in children(group) or ())
        return plan


def planned_group(original: Any) -> Any:
    """Group.process over its remembered children."""
    def process(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        output = []
        variable_called = variable_rendered = False
        delimiter = self.get("delimiter", "")
        for child, is_choose, calls in _group_children(self):
            variable_called = variable_called or calls
            try:
                if is_choose:
                    text = child.render(item, context=context, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, context=context, **kwargs)
                if text is not None:
                    output.append(text)
                    variable_rendered = variable_rendered or calls
            except VariableError:
                pass
        if output and (not variable_called or variable_rendered):
            return self.join(output)
        raise VariableError
    return process


def planned_children(original: Any) -> Any:
    """Parent.render_children over remembered children (the layout, macros, branches)."""
    def render_children(self: Any, item: Any, delimiter: str = "", **kwargs: Any) -> Any:
        plan = children(self)
        if plan is None:
            return original(self, item, delimiter, **kwargs)
        output = []
        for child, is_choose in plan:
            try:
                if is_choose:  # noqa: SIM108 (kept as citeproc-py writes it)
                    text = child.render(item, delimiter=delimiter, **kwargs)
                else:
                    text = child.render(item, **kwargs)
                if text is not None:
                    output.append(text)
            except VariableError:
                pass
        return join(output, delimiter) if output else None
    return render_children


_TEXT_SOURCES = ("variable", "macro", "term", "value")
_PLAIN = (("font-style", "normal"), ("font-variant", "normal"), ("font-weight", "normal"),
          ("text-decoration", "none"), ("vertical-align", "baseline"))


def _text_plan(text: Any) -> tuple[str, Any, tuple[Any, ...] | None]:
    """What a cs:text prints (the first of `_TEXT_SOURCES` it has, and its value), and how
    Text.markup dresses it (see `_markup_plan`)."""
    try:
        return text.__dict__["_text"]
    except KeyError:
        source = next((name for name in _TEXT_SOURCES if name in text.attrib), "")
        value = text.get(source) if source else None
        plan = text.__dict__["_text"] = (source, value, _markup_plan(text))
        keep_alive(text)
        return plan


def _markup_plan(text: Any) -> tuple[Any, ...] | None:
    """(strip periods, text-case, formatted plainly, quotes, prefix, suffix), or None where
    markup must run as released (the locale has no punctuation-in-quote option to read)."""
    get = text.get
    try:
        text.get_locale_option("punctuation-in-quote").lower()  # Quoted.quote reads it first
    except Exception:  # noqa: BLE001 (the released markup raises it, so it runs as released)
        return None
    plain = all(get(name, default) == default for name, default in _PLAIN)
    return (get("strip-periods", "false").lower() == "true", get("text-case"), plain,
            get("quotes", "false").lower() == "true", get("prefix", ""), get("suffix", ""))


def planned_text(original: Any) -> Any:
    """Text.render: Text.process, then Text.markup, as released, on the element's plan."""
    def render(self: Any, item: Any, context: Any = None, **kwargs: Any) -> Any:
        source, value, markup = _text_plan(self)
        if not source or markup is None:
            return original(self, item, context=context, **kwargs)  # (raises, if no source)
        if context is None:
            context = self
        reference = item.reference
        if "language" in reference:
            language = dict.__getitem__(reference, "language")[:2]
        else:
            language = self.get_root().get("default-locale", "en")[:2]
        if source == "variable":
            text = self._variable(item, context)
        elif source == "macro":
            text = self.get_macro(value).render(item, context)
        elif source == "term":
            text = self._term(item)
        else:
            text = String(self.preformat(value))
        return _dress(self, markup, text, language) if text else None
    return render


def _dress(element: Any, plan: tuple[Any, ...], text: Any, language: Any) -> Any:
    """Text.markup, skipping what the plan shows to do nothing. A wrap without prefix and
    suffix gives back citeproc's own strings as they are (they discard an empty affix), and a
    `str` as an equal `str`; anything else (a formatter's tag class) is wrapped as released."""
    strip, text_case, plain, quotes, prefix, suffix = plan
    if strip:
        text = text.replace(".", "")
    if text_case is not None:
        text = element.case(text, language)
    if not plain or isinstance(text, (int, float)):
        text = element.format(text)  # (which also makes a number a string)
    if quotes:
        text = element.quote(text)
    if prefix or suffix or not (type(text) is str or isinstance(text, (String, MixedString))):
        return element.wrap(text)
    return text


def plain_format(original: Any) -> Any:
    """Formatting that is all `normal` (nearly every element) returns the text as it is."""
    def format(self: Any, string: Any) -> Any:
        get = self.get
        if (get("font-style", "normal") == "normal" and get("font-variant", "normal") == "normal"
                and get("font-weight", "normal") == "normal"
                and get("text-decoration", "none") == "none"
                and get("vertical-align", "baseline") == "baseline"):
            return str(string) if isinstance(string, (int, float)) else string
        return original(self, string)
    return format
