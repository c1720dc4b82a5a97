"""Reference links whose label holds code: ``[`warnf`][]`` with ``[`warnf`]: /fmt/warnf/``.

Python-Markdown reads code spans before links, so by the time it looks a reference up,
the label's code span is a placeholder and matches no definition: the link stayed text,
brackets and all (``[warnf][]``). Goldmark, like CommonMark, matches the label as it was
written. Here a label that matches nothing is looked up again with each code span put
back as it was written (one pair of backticks around its text), the way a definition's
label is stored. Hugo's documentation writes hundreds of these.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import Any

from markdown import Extension, Markdown, util
from markdown.inlinepatterns import (
    IMAGE_REFERENCE_RE,
    REFERENCE_RE,
    ImageReferenceInlineProcessor,
    ReferenceInlineProcessor,
)

_SPACES_RE = re.compile(r"\s+")


def _as_written(processor: Any, label: str) -> str:
    """The label with code-span placeholders written back as backticked text."""
    try:
        stash = processor.md.treeprocessors["inline"].stashed_nodes
    except KeyError:
        return label

    def back(match: re.Match[str]) -> str:
        node = stash.get(match.group(1))
        if isinstance(node, etree.Element) and node.tag == "code":
            return "`" + "".join(node.itertext()) + "`"
        return match.group(0)

    return util.INLINE_PLACEHOLDER_RE.sub(back, label)


def _found(processor: Any, label: str | None) -> str | None:
    """`label`, or the label as written when only that names a definition."""
    if label is None or _SPACES_RE.sub(" ", label) in processor.md.references:
        return label
    written = _as_written(processor, label).lower()  # definitions are stored lower-cased
    return written if _SPACES_RE.sub(" ", written) in processor.md.references else label


class _FullLookup:
    """``[text][label]``: the label the pattern read, looked up as written when need be."""

    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:
        label, end, handled = super().evalId(data, index, text)  # type: ignore[misc]
        return _found(self, label), end, handled


class _ShortLookup:
    """``[label]`` and ``[label][]``: the text is the label."""

    def evalId(self, data: str, index: int, text: str) -> tuple[str | None, int, bool]:
        return _found(self, text.lower()), index, True


class _Reference(_FullLookup, ReferenceInlineProcessor):
    pass


class _ShortReference(_ShortLookup, ReferenceInlineProcessor):
    pass


class _ImageReference(_FullLookup, ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_ShortLookup, ImageReferenceInlineProcessor):
    pass


class CodeLabelReferencesExtension(Extension):
    """Python-Markdown's four reference patterns, at their places, with the lookup above."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.inlinePatterns.register(_Reference(REFERENCE_RE, md), "reference", 170)
        md.inlinePatterns.register(_ImageReference(IMAGE_REFERENCE_RE, md), "image_reference", 140)
        md.inlinePatterns.register(_ShortReference(REFERENCE_RE, md), "short_reference", 130)
        md.inlinePatterns.register(_ShortImageReference(IMAGE_REFERENCE_RE, md), "short_image_ref", 125)
