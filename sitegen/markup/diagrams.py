"""Code blocks in a diagram language (markdown.diagrams, e.g. ``mermaid``): the text that a
script such as Mermaid draws, not code to highlight.

Hugo gives a site's ``render-codeblock-mermaid.html`` hook these blocks, and the hooks
themes ship write ``<pre class="mermaid">`` and the text, without Chroma's highlighting
or line numbers; `migrate` lists the languages that have such a hook. The text is escaped
(content is untrusted): the browser shows it, and Mermaid reads it, as written. Loading
the drawing script is the theme's choice, not the body's.
"""

from __future__ import annotations

import html
import re
from typing import Any

from markdown import Markdown

DIAGRAM_NAME_RE = re.compile(r"[A-Za-z][\w-]*")  # a fence language superfences can name


def diagram_fence(language: str) -> dict[str, Any]:
    """A superfences custom fence for `language`."""
    return {"name": language, "class": language, "format": _format}


def _format(source: str, language: str, css_class: str, options: dict[str, Any], md: Markdown,
            **kwargs: Any) -> str:
    """``<pre class="LANG">`` and the escaped text (`language` is a configured name)."""
    return f'<pre class="{html.escape(css_class)}">{html.escape(source, quote=False)}</pre>'
