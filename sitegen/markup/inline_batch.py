"""Apply one inline pattern to every match in a text, rebuilding the text once.

Python-Markdown's inline processor replaces each match of a pattern with a placeholder by
building a new string (``data[:start] + placeholder + data[end:]``) and searching again in
it. A paragraph with n matches of one pattern therefore copied the paragraph n times: 100 KB
of ``a\\`` line breaks took 13 s, of ``*a*`` 26 s.

`apply_all` gives the same result, match for match: it searches the unchanged text from
where the last match ended and keeps the replacements aside, joining them in one pass at the
end. The text the library would have searched differs from the unchanged one only before
that point, where the last match's placeholder stands. So this is done only for patterns we
have read, which keep no state between matches:

- `_NOT_LOOKING_BACK`: their expression and handler never look at the text before a match
  (or only for a character no match of theirs ends with);
- `_LOOKING_BACK_ONE`: they may look at the one character before a match (a lookbehind,
  ``\\b``); when a match starts right where the last one ended, the pending replacements
  are joined first and the search goes on in the joined text, exactly as the library does.

Any other pattern (pymdownx's delimiter processors keep state between matches) runs the
library's own loop.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections import deque
from typing import Any

from markdown import inlinepatterns
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.util import INLINE_PLACEHOLDER_PREFIX, INLINE_PLACEHOLDER_RE, AtomicString

# Patterns (by registered name) whose matching does not depend on the character before the
# match, or only on whether it is one that a match of the same pattern cannot end with:
# links and images ('!' before '['), not_strong (whitespace before), the asterisk
# delimiters (no lookbehind), escapes, entities, raw HTML, line breaks, footnote marks, the
# typographer's ``<<`` and ``>>`` (typographer.py).
_NOT_LOOKING_BACK = frozenset({
    "backslash_break", "escape", "entity", "linebreak", "html", "autolink", "automail",
    "link", "image_link", "reference", "short_reference", "image_reference", "short_image_ref",
    "footnote", "not_strong", "em_strong", "angle_quotes",
})
_LOOKING_BACK_ONE = frozenset({"backtick", "em_strong2", "magic-link", "magic-mail"})
# Python-Markdown 3.11 registers its emphasis as `em_strong` too, but as a DelimiterProcessor,
# which pairs delimiters across its calls (``*a**[*`` gave ``<em>a</em>*[*``, where the
# library gives two): such a pattern keeps state between matches and runs the library's loop.
_STATEFUL: tuple[type, ...] = ((inlinepatterns.DelimiterProcessor,)
                               if hasattr(inlinepatterns, "DelimiterProcessor") else ())  # before 3.11: none


def apply_all(processor: Any, name: str, pattern: Any, data: str, pattern_index: int) -> str:
    """`data` with every match of `pattern` replaced by a placeholder, as the library's
    repeated ``__applyPattern`` calls would leave it (`processor` is its InlineProcessor)."""
    free = name in _NOT_LOOKING_BACK
    if (not isinstance(pattern, InlinePattern) or not (free or name in _LOOKING_BACK_ONE)
            or isinstance(pattern, _STATEFUL)):
        return _library_loop(processor, pattern, data, pattern_index)
    if any(exclude.lower() in processor.ancestors for exclude in pattern.ANCESTOR_EXCLUDES):
        return data
    regex = pattern.getCompiledRegExp()
    pieces: list[str] = []
    copied = 0  # data[:copied] is in `pieces`, with its placeholders
    pos = 0
    while True:
        found = _next_match(pattern, regex, data, pos)
        if found is None:
            break
        node, start, end = found
        if end < start:  # the link handler's answer to an unclosed title: the library's own way
            joined = "".join(pieces) + data[copied:] if pieces else data
            return _library_loop(processor, pattern, joined, pattern_index, len(joined) - len(data) + start)
        if pieces and (start < copied or (start == copied and not free)):
            data, pos = "".join(pieces) + data[copied:], len("".join(pieces))
            pieces, copied = [], 0
            continue  # search again in the text as the library has it
        if node is None:  # the handler skipped this stretch without replacing it
            pos = end
            continue
        placeholder = _placeholder(processor, pattern, node, pattern_index)
        pieces += [data[copied:start], placeholder]
        copied = pos = end
    if not pieces:
        return data
    pieces.append(data[copied:])
    return "".join(pieces)


def _next_match(pattern: Any, regex: Any, data: str, pos: int) -> tuple[Any, int, int] | None:
    """(node, start, end) of the first match at or after `pos` that the handler accepts."""
    for match in regex.finditer(data, pos):
        node, start, end = pattern.handleMatch(match, data)
        if start is not None and end is not None:
            return node, start, end
    return None


def _placeholder(processor: Any, pattern: Any, node: Any, pattern_index: int) -> str:
    """Process the new element's own text (as the library does) and stash it."""
    if not isinstance(node, str) and not isinstance(node.text, AtomicString):
        handle = processor._InlineProcessor__handleInline
        for child in [node, *list(node)]:
            if child.text:
                processor.ancestors.append(child.tag.lower())
                child.text = handle(child.text, pattern_index + 1)
                processor.ancestors.pop()
            if child.tail:
                child.tail = handle(child.tail, pattern_index)
    placeholder: str = processor._InlineProcessor__stashNode(node, pattern.type())
    return placeholder


def _library_loop(processor: Any, pattern: Any, data: str, pattern_index: int, start: int = 0) -> str:
    """The library's own loop, from `start`: for patterns we have not read, and for answers
    (an end before the start) whose result only the library's string slicing defines."""
    apply = processor._InlineProcessor__applyPattern
    while True:
        data, matched, start = apply(pattern, data, pattern_index, start)
        if not matched:
            return data


class ChildIndexMixin:
    """For the library's InlineProcessor: find where a child stands without `list.index`.

    The library's ``run`` and ``__processElementText`` look each child up with
    ``list(node).index(child)`` to insert what its tail turned into after it, and take
    the next element to process with ``list.pop(0)``; an element with thousands of
    children (``*a*`` repeated) cost the square of their number. The children are visited
    in order, so each lookup starts where the last one for the same element ended, and
    every child is passed over once. Apart from that, `run` is the library's.
    """

    _index_hints: dict[Any, int]

    def _InlineProcessor__processPlaceholders(
            self, data: str | None, parent: Any, isText: bool = True) -> list[Any]:
        """The library's, after putting each stashed plain string back in place of its
        placeholder: the library appends each one to the element's text with ``+=``,
        which copies the text so far every time. A paragraph with 40,000 of the
        typographer's ``<<`` took 11 to 33 s at 1 MB. The text comes out the same: a
        string node was only ever appended to the text around it."""
        lib: Any = super()
        if data and INLINE_PLACEHOLDER_PREFIX in data:
            data = INLINE_PLACEHOLDER_RE.sub(self._plain_string, data)
        found: list[Any] = lib._InlineProcessor__processPlaceholders(data, parent, isText)
        return found

    def _plain_string(self, match: re.Match[str]) -> str:
        node = self.stashed_nodes.get(match.group(1))  # type: ignore[attr-defined]
        if isinstance(node, str) and INLINE_PLACEHOLDER_PREFIX not in node:
            return node
        return match.group(0)

    def _InlineProcessor__processElementText(
            self, node: Any, subnode: Any, isText: bool = True) -> None:
        if isText:
            text = subnode.text
            subnode.text = None
        else:
            text = subnode.tail
            subnode.tail = None
        child_result = self._InlineProcessor__processPlaceholders(text, subnode, isText)
        pos = self._child_index(node, subnode) + 1 if not isText and node is not subnode else 0
        child_result.reverse()
        for new_child in child_result:
            node.insert(pos, new_child[0])

    def _child_index(self, node: Any, subnode: Any) -> int:
        hints = self.__dict__.setdefault("_index_hints", {})
        start = hints.get(node, 0)
        for index in range(start, len(node)):
            if node[index] is subnode:
                hints[node] = index
                return index
        index = list(node).index(subnode)
        hints[node] = index
        return index

    def reset_child_indexes(self) -> None:
        """Forget the hints (at the start of each tree)."""
        self._index_hints = {}

    def _linear_run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        """The library's InlineProcessor.run (Python-Markdown 3.x), with the two lookups above."""
        lib: Any = self
        lib.stashed_nodes = {}
        tree_parents = [] if ancestors is None else ancestors[:]
        lib.parent_map = {c: p for p in tree.iter() for c in p}
        stack: deque[tuple[etree.Element, list[str]]] = deque([(tree, tree_parents)])
        lib._InlineProcessor__build_ancestors(tree, tree_parents)
        while stack:
            current, parents = stack.popleft()
            lib.ancestors = parents
            if current is not tree:
                lib.ancestors.append(current.tag.lower())
            insert_queue = []
            for child in current:
                if child.text and not isinstance(child.text, AtomicString):
                    insert_queue.append((child, self._inline_text(child, stack)))
                if child.tail:
                    self._inline_tail(current, child)
                if len(child):
                    lib.parent_map[child] = current
                    stack.append((child, lib.ancestors[:]))
            for element, found in insert_queue:
                for index, item in enumerate(found):
                    element.insert(index, item[0])
        return tree

    def _inline_text(self, child: etree.Element, stack: Any) -> list[Any]:
        lib: Any = self
        lib.ancestors.append(child.tag.lower())
        text = child.text
        child.text = None
        found = lib._InlineProcessor__processPlaceholders(lib._InlineProcessor__handleInline(text), child)
        for item in found:
            lib.parent_map[item[0]] = child
        stack.extend(found)
        lib.ancestors.pop()
        return found

    def _inline_tail(self, current: etree.Element, child: etree.Element) -> None:
        lib: Any = self
        tail = lib._InlineProcessor__handleInline(child.tail)
        dummy = etree.Element("d")
        child.tail = None
        found = lib._InlineProcessor__processPlaceholders(tail, dummy, False)
        if dummy.tail:
            child.tail = dummy.tail
        pos = self._child_index(current, child) + 1
        found.reverse()
        for new_child in found:
            lib.parent_map[new_child[0]] = current
            current.insert(pos, new_child[0])
