"""A page's description for meta tags, Open Graph, JSON-LD and the citation abstract.

In order: front matter `description`, front matter `summary`, then the automatic summary
without the page furniture a capture often starts with: date lines ("Updated: Jul 13,
2019", "July 7, 2019"), bare URLs and headings copied from the source. Shortened to about
200 characters at a word.
"""

from __future__ import annotations

import functools
import re

from lxml import html as lxml_html

from sitegen.markup.text import plain_text

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_DATE_LINE = re.compile(
    rf"^(?:(?:updated|published|posted|last updated|date)\s*:?\s*)?(?:on\s+)?(?:"
    rf"{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH},?\s+\d{{4}}|\d{{4}}[-/.]\d{{1,2}}[-/.]\d{{1,2}}"
    rf"|\d{{4}}年\d{{1,2}}月\d{{1,2}}日)(?:\s+\d{{1,2}}:\d{{2}}(?:\s*[ap]m)?)?$", re.IGNORECASE)
_URL_LINE = re.compile(r"^(?:https?://|www\.)\S+$", re.IGNORECASE)
_BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "pre",
           "table", "dl", "figure", "section", "aside"}
LIMIT = 200


@functools.lru_cache(maxsize=1 << 16)
def page_description(description: str, summary_given: bool, summary_html: str) -> str:
    """The description to publish (see the module docstring). A pure function of its text,
    remembered: every build assembles every article, and parsing each summary again was
    a tenth of an edit's background build at 40,000 articles (the strings are the ones the
    build keeps anyway; the memo adds only its table)."""
    if description.strip():
        return " ".join(description.split())
    if summary_given:
        return shorten(" ".join(plain_text(summary_html).split()), LIMIT)
    return shorten(clean_summary(summary_html), LIMIT)


def clean_summary(summary_html: str) -> str:
    """Plain text of the summary from its first block that is not a date, URL or heading."""
    if not summary_html.strip():
        return ""
    root = lxml_html.fragment_fromstring(summary_html, create_parent="div")
    texts: list[str] = []
    for block in root:
        if not isinstance(block.tag, str):  # a comment or processing instruction
            continue
        if not texts and _furniture(block):
            continue
        texts.append(" ".join(block.text_content().split()))
    if not texts:  # all furniture: keep what there was rather than say nothing
        return " ".join(plain_text(summary_html).split())
    return " ".join(t for t in texts if t)


def _furniture(block: lxml_html.HtmlElement) -> bool:
    tag = block.tag if isinstance(block.tag, str) else ""
    if re.fullmatch(r"h[1-6]", tag):
        return True
    if tag not in _BLOCKS:
        return False
    lines = [" ".join(line.split()).strip("*_ ") for line in _lines(block)]
    lines = [line for line in lines if line]
    return bool(lines) and all(_DATE_LINE.match(line) or _URL_LINE.match(line) for line in lines)


def _lines(block: lxml_html.HtmlElement) -> list[str]:
    """The block's text split at <br> (a capture's "date, line break, URL")."""
    for br in block.iter("br"):
        br.tail = "\n" + (br.tail or "")
    return block.text_content().split("\n")


def shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a word, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[: cut if cut > limit // 2 else limit].rstrip(",;:") + "…"
