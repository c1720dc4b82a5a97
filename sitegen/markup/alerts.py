"""GitHub-style alerts: a block quote whose first line is ``[!NOTE]`` (markdown.alerts).

Goldmark reads ``> [!NOTE] Title`` as a block quote like any other; Hugo hands it to a
site's ``render-blockquote`` hook as an alert (its type, its title, the text after the
first line), and themes such as Stack and Dream render a title and the text. Without a
hook, Hugo writes the ``[!NOTE]`` line as text, and so do we unless the setting is on
(`migrate` turns it on where the site's hook renders alerts, migrate/hooks.py):

- ``type``: the title given after the marker, else the type's name (``Note``), as the
  hooks that fall back to ``title .AlertType`` or the theme's words do;
- ``given``: only a title given after the marker (Hugo's documentation's hook).

The alert is ``<div class="alert alert-note" role="note" aria-label="Note">`` (not a
quote: a screen reader announces its kind), its title a ``<p class="alert-title">``: the
theme styles them. The title is Markdown like the text (run
before the inline processor, priority 25 against its 20).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

ALERT_TITLES = ("type", "given")
# Goldmark's marker: letters between "[!" and "]", a fold sign, then the title to the line's end.
_MARKER_RE = re.compile(r"\[!([A-Za-z]+)\][+-]?[ \t]*([^\n]*)(?:\n|$)")


class _Alerts(Treeprocessor):
    def __init__(self, md: Markdown, titles: str) -> None:
        super().__init__(md)
        self.titles = titles

    def run(self, root: etree.Element) -> None:
        for quote in list(root.iter("blockquote")):
            first = quote[0] if len(quote) else None
            if first is None or first.tag != "p" or not first.text:
                continue
            marker = _MARKER_RE.match(first.text)
            if marker is not None:
                self._make_alert(quote, first, marker)

    def _make_alert(self, quote: etree.Element, first: etree.Element, marker: re.Match[str]) -> None:
        kind = marker.group(1).lower()
        quote.tag = "div"
        quote.attrib.update({"class": f"alert alert-{kind}", "role": "note", "aria-label": kind.capitalize()})
        first.text = first.text[marker.end():] if first.text else ""
        if not first.text.strip() and len(first) == 0:
            quote.remove(first)
        title = marker.group(2).strip() or (kind.capitalize() if self.titles == "type" else "")
        if title:
            heading = etree.Element("p", {"class": "alert-title"})
            heading.text = title
            quote.insert(0, heading)
        quote.text = "\n"


class AlertsExtension(Extension):
    """Render ``> [!TYPE]`` block quotes as alerts; `titles` is "type" or "given"."""

    def __init__(self, titles: str = "type") -> None:
        super().__init__()
        self.titles = titles if titles in ALERT_TITLES else "type"

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Alerts(md, self.titles), "alerts", 25)
