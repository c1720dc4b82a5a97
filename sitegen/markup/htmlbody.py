"""The body of an HTML page (an ``.html`` file with front matter, as blogdown renders them).

Hugo builds such a file as a page whose HTML is the content: no Markdown conversion, but
the same summary, word count and ``<!--more-->`` rules. Its HTML is published as written
when raw HTML is allowed (``markdown.unsafe``, as a Hugo site that allows HTML content
must have); otherwise it is cleaned to the article allow-list (sanitize.py), since
content is untrusted.
"""

from __future__ import annotations

from collections.abc import Sequence
from html.parser import HTMLParser

from sitegen.markup.markdown import MORE_DIVIDER, MarkdownOptions, RenderedBody, reading_minutes
from sitegen.markup.markdown_ext import heading_slug
from sitegen.markup.shortcodes import restore_shortcodes
from sitegen.markup.text import (
    count_html_words,
    dominant_cjk_lang,
    has_cjk,
    plain_text,
    summary_cut,
)
from sitegen.markup.urlsafety import is_unsafe_url


class _Collector(HTMLParser):
    """Headings, links and ids, as the Markdown body collector gathers them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headings: list[tuple[int, str, str]] = []
        self.links: list[str] = []
        self.ids: list[str] = []
        self._heading: tuple[int, str, list[str]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name in ("href", "src"):
            if values.get(name) and not is_unsafe_url(values[name]):
                self.links.append(values[name])
        if values.get("id"):
            self.ids.append(values["id"])
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self._heading = (int(tag[1]), values.get("id", ""), [])

    def handle_endtag(self, tag: str) -> None:
        if self._heading is not None and tag == f"h{self._heading[0]}":
            level, ident, parts = self._heading
            text = "".join(parts).strip()
            self.headings.append((level, ident or heading_slug(text, "-"), text))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._heading is not None:
            self._heading[2].append(data)


def render_html_body(text: str, options: MarkdownOptions, stash: Sequence[str] = ()) -> RenderedBody:
    """The RenderedBody of an HTML page's body (shortcodes already cut out into `stash`)."""
    html = restore_shortcodes(text, list(stash)) if stash else text
    before, divider, after = html.partition(MORE_DIVIDER)
    has_more = bool(divider)
    if not options.unsafe:
        from sitegen.markup.sanitize import sanitize_html  # nh3 only for pages that need it

        before, after = sanitize_html(before), sanitize_html(after) if has_more else ""
    body = (before.rstrip("\n") + "\n" + after.lstrip("\n")) if has_more else before
    collector = _Collector()
    collector.feed(body)
    collector.close()
    plain = plain_text(body)
    cjk_present = has_cjk(plain)
    is_cjk = options.has_cjk_language and (cjk_present or not options.cjk_detect)
    words = count_html_words(body, cjk=is_cjk)
    if has_more:
        summary_html, truncated = before.strip(), bool(after.strip())
    else:
        summary_html, truncated = summary_cut(body, options.summary_words, cjk=is_cjk)
    return RenderedBody(
        html=body, summary_html=summary_html,
        summary_text=" ".join(plain_text(summary_html).split()), truncated=truncated,
        toc_html="", headings=tuple(collector.headings), word_count=words,
        reading_time=reading_minutes(words, is_cjk), is_cjk=is_cjk,
        lang_hint=dominant_cjk_lang(plain, options.cjk_lang) if cjk_present else "",
        links=tuple(collector.links), ids=tuple(collector.ids), has_more=has_more)
