"""GitHub-style alerts: a quote that starts with `[!NOTE]` (or TIP, WARNING...) is an alert.

    > [!WARNING] An optional title
    > The text of the alert.

Hugo parses the marker the same way, but shows it as text unless the site's blockquote
render hook draws alerts (`.AlertType`); so this is off by default (`markdown.alerts`),
and `migrate` turns it on for a site whose hook does. The marker and its title leave the
text, as Hugo's hook receives it: they count in neither the word count nor the summary.
The alert is a `<div class="alert alert-note" role="note">` named for screen readers by
its kind (`aria-label="Note"`), with the title, when one is written, as its first line.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

# Hugo's pattern: a word in [! ], a fold sign, then the title to the end of the line.
_MARKER_RE = re.compile(r"\[!([A-Za-z]+)\]([-+])?[^\S\r\n]?([^\n]*)\n?")


class _Alerts(Treeprocessor):
    """Turn each blockquote whose first paragraph opens with a marker into an alert."""

    def run(self, root: etree.Element) -> None:
        for parent in root.iter():
            for child in parent:
                if child.tag == "blockquote":
                    _to_alert(child)


def _to_alert(quote: etree.Element) -> None:
    first = quote[0] if len(quote) else None
    if first is None or first.tag != "p" or not first.text:
        return
    marker = _MARKER_RE.match(first.text)
    if marker is None:
        return
    kind, title = marker.group(1).lower(), marker.group(3).strip()
    first.text = first.text[marker.end():]
    if not first.text and not len(first):
        quote.remove(first)
    quote.tag = "div"
    quote.attrib.update({"class": f"alert alert-{kind}", "role": "note", "aria-label": kind.capitalize()})
    if title:
        heading = etree.Element("p", {"class": "alert-title"})
        heading.text = title
        quote.insert(0, heading)


class AlertsExtension(Extension):
    """Registered before inline parsing, so the marker is read as it was written."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_Alerts(md), "github_alerts", 30)
