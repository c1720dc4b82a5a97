"""Back-links of a footnote referenced more than once, spaced as Goldmark spaces them.

Python-Markdown's footnotes extension writes the second and later back-links (``↩︎``) right
after the first, with nothing between them: ``↩︎↩︎``, one word where Goldmark (Hugo) writes
``↩︎&#160;↩︎``, one word per back-link. Word counts, and the look of the note, then differed.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.treeprocessors import Treeprocessor

_BACKREF = "footnote-backref"


class _SpacedBackLinks(Treeprocessor):
    """A no-break space between back-links that follow each other (run after the library's
    'footnote-duplicate', which adds them)."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            children = list(parent)
            for link, following in zip(children, children[1:], strict=False):
                if (link.get("class") == _BACKREF and following.get("class") == _BACKREF
                        and not (link.tail or "").strip()):
                    link.tail = NBSP_PLACEHOLDER  # written as &#160; by the library's postprocessor


class FootnoteLinksExtension(Extension):
    """Space repeated footnote back-links (load after "footnotes")."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_SpacedBackLinks(md), "footnote-backlink-space", 14)
