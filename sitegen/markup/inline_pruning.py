"""Skip the inline patterns that cannot match: in a document, and in each string of it.

Why: most of Python-Markdown's conversion time is `InlineProcessor.__applyPattern`, because
every registered inline pattern (about twenty with our extensions) is tried on every text
node, although most documents contain no trigger for most of them: a document without
``[`` needs no link or reference pattern, one without ``<`` no autolink or raw HTML, one
without ``&`` and ``;`` no entity pattern, and so on.

How: `InlinePruningExtension` replaces the ``inline`` tree processor with a subclass whose
`run` first collects the text the inline processor is about to read (every non-atomic
``text`` and ``tail`` in the tree, which already holds footnotes, tables, definition lists,
abbreviations, ``md_in_html`` content and whatever our preprocessors wrote), asks which
patterns have their trigger text in it, and runs the unchanged library code with
``self.inlinePatterns`` set, for that one run, to a `Registry` of only those patterns (the
same objects, priorities and order; one registry is built per set of names and reused).
The full registry is put back afterwards, so a reused `Markdown` instance starts every
document with all patterns. Then, for each string the processor works on, a kept pattern
whose trigger is missing from that string is skipped too (`_InlineProcessor__handleInline`):
most paragraphs have no link, code or entity even when the document has some.

Why the output cannot change: a pattern whose regular expression finds no match in a
string returns ``(data, False, 0)`` from ``__applyPattern`` without calling ``handleMatch``
(so with no side effect), and 0 is exactly the start offset the next pattern would have
been given; dropping it leaves every other pattern's calls — their order, data, start
offsets and ancestors — as they were. Every string the patterns are run on is a piece of
one collected string with spans replaced by placeholders (``\x02``, then letters, digits
or ``:``, then ``\x03``: inline nodes, escapes, stashed HTML), or a string a pattern made
itself, which is atomic (code, autolinks, e-mail links) or, for the footnote pattern,
``SUPERSCRIPT_TEXT`` with a number (added to the scanned text). Triggers contain neither
``\x02`` nor ``\x03`` and occur in no placeholder, so one absent from the collected text
is absent from everything its pattern would be run on.

Only patterns we analysed are ever dropped: each entry of `_TRIGGERS` names the exact
regular expression it was derived from, and a pattern registered under that name with any
other expression (a new library version, another extension) is always kept, as is every
pattern we do not know. The benchmark's floor (bench/floor.py) does not use this extension.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor
from markdown.util import AtomicString, Registry

from sitegen.markup.inline_batch import ChildIndexMixin, apply_all

# A trigger set is a tuple of alternatives; an alternative is a tuple of strings that must all
# occur (each exactly as written; "www." is also matched case-insensitively, as magic-link does).
Triggers = tuple[tuple[str, ...], ...]
_PatternList = list[tuple[Any, "Triggers | None"]]  # (pattern, its triggers), in registry order

_LINK_RE = r"(?<!\!)\["
_IMAGE_RE = r"\!\["
_HTML_RE = (
    r'''(<(\/?+[a-zA-Z][^\s"'<>@]*+(?:\s+[^\s"'=<>]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>]++))?+)*+\s*+/?|'''
    r'!--(?:(?!<!--|-->).)*--|'
    r'[?](?:(?!<[?]|[?]>).)*[?]|'
    r'!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\]'
    ')>)'
)
_MAGIC_LINK_RE = r'''(?xi)
(?<![^\s*_~^[('"\x03])(?:
    (?:ht|f)tps?://|                                        # (http|ftp)://
    (?P<www>w{3}\.)                                         # www.
)
'''
_MAGIC_MAIL_RE = r'''(?xi)
(?P<mail>
    (?<![-/\+@a-z\d_])(?<![-+a-z\d_]\.)(?:[-+a-z\d_]([-a-z\d_+]|\.(?!\.))*)  # Local part
    (?<!\.)@(?:[-a-z\d_]+\.)                                # @domain part start
    (?:(?:[-a-z\d_]|(?<!\.)\.(?!\.))*)[a-z]\b               # @domain.end (allow multiple dot names)
    (?![-@])                                                # Don't allow last char to be followed by these
)
'''

# pymdown-extensions 12 (the newest release for Pythons before 3.11.5, such as Debian 12's
# 3.11.2) writes the same two patterns differently; a match of either still needs "://" or
# "www." (in any case), and "@".
_MAGIC_LINK_RE_12 = r'''(?xi)
(?P<link>
    (?:(?<=\b)|(?<=_))(?:
        (?:ht|f)tps?://[^_\W](?:[-\w]|\.(?!=$))*|           # (http|ftp)://host.name
        (?P<www>w{3}\.)[^_\W](?:[-\w]|\.(?!=$))*            # www.host.name
    )
    /?[-\w.?,!'(){}\[\]/+&@%$#=:"|~;]*                      # url path, fragments, and query stuff
    (?:[^_\W]|[-/#@$+=])                                    # allowed end chars
)
'''
_MAGIC_MAIL_RE_12 = r'''(?xi)
(?P<mail>
    (?<![-/\+@a-z\d_])(?:[-+a-z\d_]([-a-z\d_+]|\.(?!\.))*)  # Local part
    (?<!\.)@(?:[-a-z\d_]+\.)                                # @domain part start
    (?:(?:[-a-z\d_]|(?<!\.)\.(?!\.))*)[a-z]\b               # @domain.end (allow multiple dot names)
    (?![-@])                                                # Don't allow last char to be followed by these
)
'''
# Other versions' expressions for a name in _TRIGGERS, analysed the same way.
_VARIANTS: dict[str, tuple[str, ...]] = {
    "magic-link": (_MAGIC_LINK_RE_12,),
    "magic-mail": (_MAGIC_MAIL_RE_12,),
}

# name -> (the regular expression analysed, what any match of it needs in the text).
_TRIGGERS: dict[str, tuple[str, Triggers]] = {
    # `x` or an escaped run of backslashes before a backtick: both need a backtick.
    "backtick": (r"(?:(?<!\\)((?:\\{2})+)(?=`+)|(?<!\\)`)", (("`",),)),
    "backslash_break": (r"\\\n", (("\\\n",),)),
    "escape": (r"\\(.)", (("\\",),)),
    "footnote": (r"\[\^([^\]]*)\]", (("[^", "]"),)),
    "reference": (_LINK_RE, (("[",),)),
    "link": (_LINK_RE, (("[",),)),
    "short_reference": (_LINK_RE, (("[",),)),
    "image_link": (_IMAGE_RE, (("![",),)),
    "image_reference": (_IMAGE_RE, (("![",),)),
    "short_image_ref": (_IMAGE_RE, (("![",),)),
    # pymdownx.magiclink's autolink, and Python-Markdown's own (if magiclink is not loaded).
    "autolink": (r"(?i)<((?:ht|f)tps?://[^<>]*)>", (("<", "://", ">"),)),
    "automail": (r"<([^<> !]+@[^@<> ]+)>", (("<", "@", ">"),)),
    "linebreak": (r"  \n", (("  \n",),)),
    "html": (_HTML_RE, (("<", ">"),)),
    "magic-link": (_MAGIC_LINK_RE, (("://",), ("www.",))),
    "magic-mail": (_MAGIC_MAIL_RE, (("@",),)),
    "entity": (r"(&(?:\#[0-9]+|\#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)", (("&", ";"),)),
}
_AUTOLINK_MARKDOWN_RE = r"<([A-Za-z][A-Za-z0-9+.-]*://[^<>]*)>"


def pattern_triggers(name: str, pattern: Any) -> Triggers | None:
    """What text a match of this registered pattern needs, or None: never skip it."""
    if not isinstance(pattern, InlinePattern):
        return None  # old-style patterns match differently; keep them
    regex = pattern.getCompiledRegExp().pattern
    tokens = getattr(pattern, "tokens", None)
    if (isinstance(tokens, list) and tokens and all(isinstance(t, str) and t for t in tokens)
            and regex == "|".join(re.escape(t) for t in tokens)):
        # Python-Markdown's and pymdownx's DelimiterProcessor (em_strong, tilde's `delimiter`):
        # the expression is the alternation of the delimiter tokens.
        return tuple((token,) for token in tokens)
    if name == "autolink" and regex == _AUTOLINK_MARKDOWN_RE:
        return (("<", "://", ">"),)
    known = _TRIGGERS.get(name)
    if known is None or (known[0] != regex and regex not in _VARIANTS.get(name, ())):
        return None
    return known[1]


class PruningInlineProcessor(ChildIndexMixin, InlineProcessor):
    """Python-Markdown's inline processor, run with only the patterns that can match."""

    def __init__(self, md: Markdown) -> None:
        super().__init__(md)
        self._signature: tuple[object, ...] = ()
        self._triggers: list[tuple[str, Triggers | None]] = []
        self._registries: dict[frozenset[str], tuple[Registry[Any], _PatternList]] = {}
        self._extra_text = ""
        self._patterns: _PatternList = []  # this run's patterns, with their triggers
        self._names: list[str] = []  # and their registered names

    def run(self, tree: etree.Element, ancestors: list[str] | None = None) -> etree.Element:
        full = self.md.inlinePatterns
        self.inlinePatterns, self._patterns = self._pruned(_inline_text(tree))
        self._names = [name for name, _ in _prioritised(self.inlinePatterns)]
        self.reset_child_indexes()
        try:
            return self._linear_run(tree, ancestors)
        finally:
            # The stubs type this registry by the old Pattern API's processors; it holds both.
            self.inlinePatterns = full  # type: ignore[assignment]

    def _InlineProcessor__handleInline(self, data: str, patternIndex: int = 0) -> str:  # noqa: N802,N803
        """The library's loop over patterns, skipping each whose trigger `data` lacks.

        Overrides the name-mangled private method the library calls for every string. A
        skipped pattern is one whose expression cannot match in `data`, for which the
        library's `__applyPattern` returns `(data, False, 0)` with no side effect: the
        same as moving on to the next pattern from offset 0, which is what we do. A kept
        pattern replaces all its matches in one pass (`apply_all`), which is what the
        library's repeated calls do, without copying the text once per match.
        """
        if isinstance(data, AtomicString):
            return data
        patterns = self._patterns
        names = self._names
        for index in range(patternIndex, len(patterns)):
            pattern, triggers = patterns[index]
            if triggers is None or may_match(triggers, data):
                # Every match of the pattern at once (sitegen/markup/inline_batch.py): the library
                # copied the whole text once per match.
                data = apply_all(self, names[index], pattern, data, index)
        return data

    def active_names(self, text: str) -> frozenset[str]:
        """The names of the registered patterns that could match somewhere in `text`."""
        self._refresh()
        text += self._extra_text
        return frozenset(name for name, triggers in self._triggers
                         if triggers is None or may_match(triggers, text))

    def registry_for(self, text: str) -> Registry[Any]:
        """A registry of the patterns that could match in `text` (cached per set of names)."""
        return self._pruned(text)[0]

    def _pruned(self, text: str) -> tuple[Registry[Any], _PatternList]:
        names = self.active_names(text)
        known = self._registries.get(names)
        if known is None:
            full = self.md.inlinePatterns
            registry: Registry[Any] = Registry()
            for name, priority in _prioritised(full):
                if name in names:
                    registry.register(full[name], name, priority)
            triggers = dict(self._triggers)
            patterns = [(full[name], triggers[name]) for name, _ in _prioritised(registry)]
            known = self._registries[names] = (registry, patterns)
        return known

    def _refresh(self) -> None:
        """Re-read the patterns if the registry changed since the last document."""
        full: Any = self.md.inlinePatterns  # Any: its private fields are read (pruning_support.py)
        full._sort()  # noqa: SLF001 - so that the signature below is taken in one order
        signature = (tuple(full._priority), tuple(map(id, full._data.values())))  # noqa: SLF001
        if signature == self._signature:
            return
        self._signature = signature
        self._triggers = [(name, pattern_triggers(name, full[name]))
                          for name, _ in _prioritised(full)]
        self._registries = {}
        footnote = full["footnote"] if "footnote" in full else None  # noqa: SIM401 - a Registry has no get()
        footnotes = getattr(footnote, "footnotes", None)
        # The footnote pattern writes SUPERSCRIPT_TEXT into a text that later patterns read.
        extra = footnotes.getConfig("SUPERSCRIPT_TEXT") if footnotes is not None else ""
        self._extra_text = "\x00" + extra if isinstance(extra, str) else "\x00"


def may_match(triggers: Triggers, text: str) -> bool:
    """Whether `text` holds every part of one of the alternatives ("www." in any case)."""
    for alternative in triggers:
        for part in alternative:
            if part not in text and not (part == "www." and part in text.lower()):
                break
        else:
            return True
    return False


def _prioritised(registry: Any) -> list[tuple[str, float]]:
    """(name, priority) of a Registry's items, highest first: read from its private fields,
    which pruning_support.py checks before pruning is installed."""
    registry._sort()  # noqa: SLF001 - the registry's priorities have no public accessor
    return [(item.name, item.priority) for item in registry._priority]  # noqa: SLF001


def _inline_text(tree: etree.Element) -> str:
    """Every string the inline processor will read in `tree`, joined by NULs."""
    parts: list[str] = []
    for element in tree.iter():
        text, tail = element.text, element.tail
        if text and not isinstance(text, AtomicString):
            parts.append(text)
        if tail and not isinstance(tail, AtomicString):
            parts.append(tail)
    return "\x00".join(parts)


class InlinePruningExtension(Extension):
    """Install `PruningInlineProcessor` in place of the ``inline`` tree processor.

    Added by `sitegen.markdown._converter` last, not by `markdown_extensions()`, so that
    bench/floor.py keeps measuring Python-Markdown as it comes.
    """

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        if "inline" not in md.treeprocessors:
            return
        current = md.treeprocessors["inline"]
        if type(current) is not InlineProcessor:
            return  # someone else's inline processor: leave it alone
        priority = dict(_prioritised(md.treeprocessors))["inline"]
        md.treeprocessors.register(PruningInlineProcessor(md), "inline", priority)
