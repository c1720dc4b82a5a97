"""What a saved web page says about itself, and its main text, for `import`.

With the optional `[import]` extra installed, trafilatura finds the article's main text
and its reader comments (as separate parts, so a page's own furniture, such as this
archive's "Cite this" block, is neither body nor comment) and its metadata, and htmldate
its date. Without them, the page's own tags are read with the standard library: the
Highwire, Open Graph and Dublin Core tags, `<link rel="canonical">` and the first
`<time datetime>`; the caller then falls back to its text heuristics for the body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from typing import Any

try:  # the optional [import] extra
    import htmldate
    import trafilatura
    from lxml import etree
except ImportError:  # pragma: no cover - the fallback tests switch the extra off instead
    trafilatura = None  # type: ignore[assignment]
    htmldate = None  # type: ignore[assignment]



@dataclass(frozen=True)
class PageFacts:
    """The record a page gives of itself; "" when it does not say."""

    title: str = ""
    author: str = ""
    date: str = ""  # YYYY-MM-DD
    site_name: str = ""
    url: str = ""  # canonical
    how: str = ""  # "trafilatura" or "meta tags"


def available() -> bool:
    """Whether the [import] extra (trafilatura, htmldate) is installed and enabled."""
    return trafilatura is not None and not _disabled


_disabled = False  # tests turn the extra off to exercise the fallback


def page_facts(html: str) -> PageFacts:
    """Title, author, date, site name and canonical URL of a saved page."""
    tags = _read_tags(html)
    if available():
        found = trafilatura.extract_metadata(html)
        day = htmldate.find_date(html, extensive_search=False, original_date=True) or ""
        if found is not None:
            return PageFacts(found.title or "", _first_author(found.author or ""),
                             _iso(day or found.date or ""), found.sitename or "",
                             tags.canonical or found.url or "", "trafilatura")
    return _facts_from_tags(tags)


Part = tuple[str, str, int, str]  # kind ("heading", "para", "item"), text, level, area


def main_blocks(html: str) -> list[Part] | None:
    """The article's blocks (reader comments in area "comments"), by trafilatura; None
    without it, or when it finds no text."""
    if not available():
        return None
    xml = trafilatura.extract(html, output_format="xml", include_comments=True,
                              include_formatting=False, include_links=False, favor_precision=True)
    if not xml:
        return None
    root = etree.fromstring(xml.encode("utf-8"))
    blocks = [*_blocks(root.find("main"), ""), *_blocks(root.find("comments"), "comments")]
    return blocks or None


def _blocks(part: Any, area: str) -> list[Part]:
    if part is None:
        return []
    blocks = []
    for element in part.iter("head", "p", "item", "row"):
        text = " ".join("".join(element.itertext()).split())
        if not text or (element.tag == "p" and element.getparent().tag == "item"):
            continue
        if element.tag == "head":
            level = int((element.get("rend") or "h2").lstrip("h") or 2)
            blocks.append(("heading", text, min(max(level, 2), 3), area))
        else:
            blocks.append(("item" if element.tag == "item" else "para", text, 0, area))
    return blocks


# --- the page's own tags (fallback, and the canonical URL in both paths) -----------------

@dataclass
class _Tags:
    meta: dict[str, str]
    canonical: str = ""
    time: str = ""


class _TagReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = _Tags({})

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or "").strip().lower()
            if key and values.get("content", "").strip():
                self.tags.meta.setdefault(key, " ".join(values["content"].split()))
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split():
            self.tags.canonical = self.tags.canonical or values.get("href", "").strip()
        elif tag == "time" and values.get("datetime") and not self.tags.time:
            self.tags.time = values["datetime"].strip()


def _read_tags(html: str) -> _Tags:
    reader = _TagReader()
    reader.feed(html)
    reader.close()
    return reader.tags


def _facts_from_tags(tags: _Tags) -> PageFacts:
    meta = tags.meta

    def first(*keys: str) -> str:
        return next((meta[k] for k in keys if meta.get(k)), "")

    author = first("citation_author", "author", "dc.creator", "article:author")
    if re.match(r"https?://", author):
        author = ""
    day = first("citation_publication_date", "citation_date", "article:published_time",
                "dc.date", "date") or tags.time
    return PageFacts(first("citation_title", "og:title", "dc.title"), author, _iso(day),
                     first("og:site_name", "citation_publisher", "application-name"),
                     tags.canonical or first("og:url", "citation_public_url"), "meta tags")


def _first_author(text: str) -> str:
    return re.split(r"\s*;\s*", text.strip())[0] if text.strip() else ""


def _iso(text: str) -> str:
    """YYYY-MM-DD from '2019-07-13', '2019/07/13' or '2019-07-13T09:00:00+09:00'; else ""."""
    match = re.match(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text.strip())
    if not match:
        return ""
    try:
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        return ""
