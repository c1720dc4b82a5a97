"""`check`'s warnings about the scholarly record: what a citation would get wrong.

A translation dated before its original, an original title without its language (or the
reverse), a source URL a reader cannot follow, a translated article without the original's
author (`original_author: []` says the original names none). Each points at the key to fix.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from sitegen.content.frontmatter import Document
from sitegen.errors import Diagnostic


def check_citations(documents: tuple[Document, ...], site_language: str) -> list[Diagnostic]:
    problems: list[Diagnostic] = []
    for doc in documents:
        problems += _dates(doc) + _original(doc, site_language) + _source_url(doc) + _author(doc)
    return problems


def _warn(doc: Document, key: str, message: str, hint: str) -> Diagnostic:
    return Diagnostic(doc.source.path, doc.key_line(key), 1, "warning", message, hint)


def _dates(doc: Document) -> list[Diagnostic]:
    meta, source = doc.meta, doc.meta.provenance
    if not (meta.date and source.original_date and (source.translator or source.source_name)):
        return []
    if meta.date.date() >= source.original_date.date() or meta.date_inferred:
        return []  # date_inferred: the editor knows the date is a guess and says why, on the page
    return [_warn(doc, "date", f"dated {meta.date:%Y-%m-%d}, before its original "
                  f"(original_date {source.original_date:%Y-%m-%d})",
                  "a translation or reprint cannot appear before its original: correct date "
                  "or original_date, or say in date_inferred why the date is a guess")]


def _original(doc: Document, site_language: str) -> list[Diagnostic]:
    """The original's title and language go together, for a translation (a reprint in the
    page's own language has the page's title)."""
    source = doc.meta.provenance
    here = (doc.meta.lang or site_language)[:2].lower()
    translated = source.translator or source.original_language[:2].lower() != here
    if source.original_language and not source.original_title and translated:
        return [_warn(doc, "original_language", "original_language without original_title",
                      "add 'original_title: ...' with the title in the original language")]
    if source.original_title and not source.original_language:
        return [_warn(doc, "original_title", "original_title without original_language",
                      "add 'original_language: ja' (the original's language code)")]
    return []


def _source_url(doc: Document) -> list[Diagnostic]:
    url = doc.meta.provenance.source_url
    if not url:
        return []
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.netloc:
        return []
    return [_warn(doc, "source_url", f"source_url is not an absolute http(s) URL: {url!r}",
                  "write the original's full address, e.g. 'https://globe.asahi.com/article/12508614'")]


def _author(doc: Document) -> list[Diagnostic]:
    source = doc.meta.provenance
    if not source.translator or source.original_author or doc.key_line("original_author") > 1:
        return []
    return [_warn(doc, "translator", "translated article without original_author",
                  "add 'original_author: Name' (who wrote the original), or "
                  "'original_author: []' if the original names no author")]
