"""Convert Markdown with and without inline-pattern pruning, and check the two agree.

`check_pruning(text, options)` converts `text` with the engine's converter (pruning on) and
with a converter built without `InlinePruningExtension`, through `render_markdown` and
`render_inline_markdown`, and asserts:

- every field of the two `RenderedBody`s, and the two inline renderings, are equal;
- soundness, which is stronger than equal output: every pattern whose regular expression
  finds a match in any string the unpruned inline processor tries it on is among the
  patterns the pruned run kept, and the pruned run tried it on that very string (the
  per-string check skips a pattern only where its trigger is missing). A string is the
  text as a pattern first gets it (from offset 0): the pruned run applies a pattern to all
  its matches at once (sitegen/markup/inline_batch.py), where the library tries it again on the
  text it has just changed;
- for the block processors (sitegen/markup/block_pruning.py): every block the unpruned parser
  offers a guarded processor, and that the processor would take, passes its guard.

It returns the names the pruned run kept, so tests can also check that pruning happened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from xml.etree import ElementTree as etree

from markdown.treeprocessors import InlineProcessor

import sitegen.markup.inline_pruning as pruning_module
import sitegen.markup.markdown as engine
from sitegen.markup.block_pruning import guard_for
from sitegen.markup.inline_pruning import PruningInlineProcessor
from sitegen.markup.markdown import MarkdownOptions, render_inline_markdown, render_markdown

_APPLY = "_InlineProcessor__applyPattern"


def unpruned(options: MarkdownOptions) -> Any:
    """The Markdown instance for `options` without pruning (cached like the engine's)."""
    return engine._converter(options, False)  # noqa: SLF001


def pruned(options: MarkdownOptions) -> Any:
    return engine._converter(options)  # noqa: SLF001


@contextmanager
def pruning_off() -> Iterator[None]:
    """Make render_markdown and render_inline_markdown use unpruned converters."""
    original = engine._converter  # noqa: SLF001
    engine._converter = lambda options, prune_inline=True: original(options, False)  # noqa: SLF001
    try:
        yield
    finally:
        engine._converter = original  # noqa: SLF001


@contextmanager
def spying() -> Iterator[dict[str, Any]]:
    """Record the patterns kept by pruned runs and those that could match in unpruned runs."""
    seen: dict[str, Any] = {"kept": set(), "matchable": set(), "tried": set(), "runs": 0,
                            "matchable_on": set(), "tried_on": set()}
    original_apply = getattr(InlineProcessor, _APPLY)
    original_apply_all = pruning_module.apply_all
    original_pruned = PruningInlineProcessor._pruned  # noqa: SLF001

    def apply(self: InlineProcessor, pattern: Any, data: str, index: int, start: int = 0) -> Any:
        if not isinstance(self, PruningInlineProcessor):
            name = _name(self, pattern)
            seen["tried"].add(name)
            if pattern.getCompiledRegExp().search(data, start):
                seen["matchable"].add(name)
                if start == 0:  # the text as the pattern first gets it
                    seen["matchable_on"].add((name, data, start))
        elif start == 0:
            seen["tried_on"].add((_name(self, pattern), data, start))
        return original_apply(self, pattern, data, index, start)

    def apply_all(processor: Any, name: str, pattern: Any, data: str, index: int) -> str:
        seen["tried_on"].add((name, data, 0))
        return original_apply_all(processor, name, pattern, data, index)

    def pruned_for(self: PruningInlineProcessor, text: str) -> Any:
        registry, patterns = original_pruned(self, text)
        seen["runs"] += 1
        seen["kept"].update(name for name in self.md.inlinePatterns._data if name in registry)  # noqa: SLF001
        return registry, patterns

    setattr(InlineProcessor, _APPLY, apply)
    pruning_module.apply_all = apply_all  # type: ignore[assignment]
    PruningInlineProcessor._pruned = pruned_for  # type: ignore[method-assign]  # noqa: SLF001
    try:
        yield seen
    finally:
        setattr(InlineProcessor, _APPLY, original_apply)
        pruning_module.apply_all = original_apply_all
        PruningInlineProcessor._pruned = original_pruned  # type: ignore[method-assign]  # noqa: SLF001


def _name(processor: InlineProcessor, pattern: Any) -> str:
    for name, item in processor.md.inlinePatterns._data.items():  # noqa: SLF001
        if item is pattern:
            return name
    raise AssertionError(f"unregistered pattern {pattern!r}")


DEFAULT_OPTIONS = MarkdownOptions()


def check_pruning(text: str, options: MarkdownOptions = DEFAULT_OPTIONS) -> frozenset[str]:
    """Assert pruning changes nothing for `text`; return the pattern names the pruned run kept."""
    with spying() as seen:
        with_pruning = render_markdown(text, options)
        kept = frozenset(seen["kept"])
        assert seen["runs"] or not text.strip(), "the pruned converter never chose its patterns"
        with pruning_off(), offered_blocks(unpruned(options)) as offered:
            without = render_markdown(text, options)
        _assert_sound(seen)
        assert_guards_hold(offered)
        inline_with = render_inline_markdown(text, options)
        with pruning_off():
            inline_without = render_inline_markdown(text, options)
        _assert_sound(seen)
    assert with_pruning == without, _first_difference(with_pruning, without)
    assert inline_with == inline_without
    return kept


def _assert_sound(seen: dict[str, Any]) -> None:
    missing = seen["matchable"] - seen["kept"]
    assert not missing, f"pruned patterns that could have matched: {sorted(missing)}"
    skipped = seen["matchable_on"] - seen["tried_on"]
    assert not skipped, f"patterns skipped on strings they match: {sorted(skipped)[:3]}"
    for key in ("matchable", "kept", "matchable_on", "tried_on"):
        seen[key].clear()
    seen["runs"] = 0


def _first_difference(a: Any, b: Any) -> str:
    for field in a.__dataclass_fields__:
        if getattr(a, field) != getattr(b, field):
            return f"{field} differs:\n{getattr(a, field)!r}\n{getattr(b, field)!r}"
    return "equal"


# Processors whose `test` accepts every block and whose `run` looks for a definition,
# giving the block back when its expression finds none: they "take" a block it matches.
_TAKEN_IN_RUN = ("FootnoteBlockProcessor", "AbbrBlockprocessor", "ReferenceProcessor")


@contextmanager
def offered_blocks(md: Any) -> Iterator[list[tuple[Any, str]]]:
    """Record (processor, block) for every block the parser of `md` offers a guarded processor."""
    offered: list[tuple[Any, str]] = []
    guarded = [p for p in md.parser.blockprocessors if guard_for(p) is not None]
    for processor in guarded:
        def test(parent: Any, block: str, processor: Any = processor) -> bool:
            offered.append((processor, block))
            return type(processor).test(processor, parent, block)
        processor.test = test
    try:
        yield offered
    finally:
        for processor in guarded:
            del processor.test


def assert_guards_hold(offered: list[tuple[Any, str]]) -> None:
    """A block the library's processor would take must pass that processor's guard."""
    parent = etree.Element("div")
    for processor, block in offered:
        name = type(processor).__name__
        takes = (bool(processor.RE.search(block)) if name in _TAKEN_IN_RUN
                 else type(processor).test(processor, parent, block))
        guard = guard_for(processor)
        assert guard is not None
        assert not takes or guard(block), f"{name}'s guard refuses a block it takes: {block!r}"
