"""Template-API values (`Article`, `SiteView`) built in memory, for unit tests of the helpers
that templates call (citations, structured data) without building a site."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from markupsafe import Markup

from sitegen.content.frontmatter import Provenance
from sitegen.site.model import Article, ArticleBody, Body, SiteView, TermRef


def when(text: str) -> datetime:
    """A UTC datetime from `YYYY-MM-DD`."""
    return datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)


def terms(taxonomy: str, *names: str) -> tuple[TermRef, ...]:
    singular = taxonomy.removesuffix("s")
    return tuple(TermRef(name, name.lower().replace(" ", "-"),
                         f"/{taxonomy}/{name.lower().replace(' ', '-')}/", taxonomy, singular)
                 for name in names)


def make_article(title: str = "An article", *, date: str | None = "2019-07-07",
                 authors: tuple[str, ...] = ("Corey Bell",), lang: str = "en",
                 url: str = "/2019/an-article/", provenance: Provenance | None = None,
                 tags: tuple[str, ...] = (), categories: tuple[str, ...] = (),
                 **fields: Any) -> Article:
    """An article as templates see it; every field has a plain default (`content` and `toc`
    may be given as text, for the body)."""
    values: dict[str, Any] = {
        "source_path": "content" + url.rstrip("/") + ".md", "kind": "article",
        "section": url.strip("/").split("/")[0], "title": title, "slug": url.strip("/").split("/")[-1],
        "url": url, "permalink": "https://example.org" + url,
        "date": when(date) if date else None, "lastmod": when(date) if date else None,
        "authors": authors, "terms": {"categories": terms("categories", *categories),
                                      "tags": terms("tags", *tags)},
        "keywords": (), "description": "What the article says.", "summary": Markup("<p>Summary.</p>"),
        "summary_text": "Summary.", "truncated": True,
        "word_count": 120, "reading_time": 1, "lang": lang, "draft": False,
        "aliases": (), "weight": 0, "provenance": provenance or Provenance(), "date_inferred": "",
    }
    body = ArticleBody.holding(Body(fields.pop("content", "<p>Body.</p>"), fields.pop("toc", ""),
                                    fields.pop("headings", ())))
    values.update(fields, body=body)
    return Article(**values)


def make_site_view(**fields: Any) -> SiteView:
    """A site with no articles of its own: enough for helpers that read its settings."""
    values: dict[str, Any] = {
        "title": "Treaty Commentary Archive", "description": "Commentary on the treaty.",
        "base_url": "https://example.org/", "base_path": "/", "language": "en",
        "author": "Archive editors", "copyright": "", "articles": (), "pages": (),
        "taxonomies": (), "taxonomy_links": (), "sections": (), "archive": (), "extra": {},
        "search_enabled": False, "feeds_full_content": True,
    }
    values.update(fields)
    return SiteView(**values)


ASAHI = Provenance(source_name="Asahi Shimbun GLOBE", source_url="https://globe.asahi.com/article/12508614",
                   original_title="「日米安保は不公平」は、今に始まった議論ではない", original_language="ja",
                   original_date=when("2019-07-07"), translator="Corey Bell")
