"""Code blocks in a diagram language (markdown.diagrams, e.g. ``mermaid``): the text that a
script such as Mermaid draws, not code to highlight.

Hugo gives a site's ``render-codeblock-mermaid.html`` hook these blocks, and the hooks
themes ship write ``<pre class="mermaid">`` and the text, without Chroma's highlighting
or line numbers; `migrate` lists the languages that have such a hook. The text is escaped
(content is untrusted): the browser shows it, and Mermaid reads it, as written. A hook
that writes the text as is (``.Inner | safeHTML``, Stack's) is followed only where the
site keeps raw HTML anyway (markdown.unsafe): then ``<br/>`` in a label is a line
break, as there. A hook whose output ends at ``</pre>`` (its last actions trim the
newline: Stack's) is followed too (markdown.diagrams_joined): no newline after the block,
so the word count joins its last word to the next block's first, as Hugo's does. Loading
the drawing script is the theme's choice, not the body's.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

from sitegen.markup.markers import JOIN_NEXT

DIAGRAM_NAME_RE = re.compile(r"[A-Za-z][\w-]*")  # a fence language superfences can name


def diagram_fence(language: str, raw: bool = False, joined: bool = False) -> dict[str, Any]:
    """A superfences custom fence for `language`; `raw`: the text written as is; `joined`:
    no newline after the block."""
    formatter = _format_raw if raw else _format
    if not joined:
        return {"name": language, "class": language, "format": formatter}

    def joined_format(*args: Any, **kwargs: Any) -> str:
        return formatter(*args, **kwargs) + JOIN_NEXT

    return {"name": language, "class": language, "format": joined_format}


def _format(source: str, language: str, css_class: str, options: dict[str, Any], md: Markdown,
            **kwargs: Any) -> str:
    """``<pre class="LANG">`` and the escaped text (`language` is a configured name)."""
    return f'<pre class="{html.escape(css_class)}">{html.escape(source, quote=False)}</pre>'


def _format_raw(source: str, language: str, css_class: str, options: dict[str, Any], md: Markdown,
                **kwargs: Any) -> str:
    """``<pre class="LANG">`` and the text as written: only where raw HTML is kept."""
    return f'<pre class="{html.escape(css_class)}">{source}</pre>'


class _JoinNext(Postprocessor):
    def run(self, text: str) -> str:
        return text.replace(JOIN_NEXT + "\n", "").replace(JOIN_NEXT, "") if JOIN_NEXT in text else text


class DiagramsJoinedExtension(Extension):
    """Remove the newline after each diagram marked by `diagram_fence(..., joined=True)`."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(_JoinNext(md), "diagrams_joined", 4)
