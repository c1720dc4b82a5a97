"""An article's formatted citations, made once and handed to the pages that show them.

citeproc is the largest single cost of rendering: an article page shows three
bibliography entries and a note (about 3 ms of CPU), and each term page shows the APA
entry of every article it lists. Formatted where the page is rendered, the same entry was
made again in each render worker whose pages showed it (a fifth of a cold build's citeproc
time), and again by every build that re-rendered the pages (a template edit: all of it).

So the build formats each record's texts once, before the renderers start
(build/citing.py), keeps them in the build cache, and gives them to the templates through
`CitationTexts`, keyed by the digest of the record's JSON: a page whose record is not
there (another theme's use, a record the build did not foresee) formats its own, as
before. The texts are exactly what `styles` makes for the record, so a page cannot tell
where they came from.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from sitegen.cite import styles

Texts = tuple[str, ...]  # the entries in styles.STYLES order, then the Chicago note
TEXTS = len(styles.STYLES) + 1


def record_json(record: dict[str, Any]) -> str:
    """The record as the styles and the downloads' digests read it: keys sorted."""
    return json.dumps(record, sort_keys=True, ensure_ascii=False)


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def record_digest(record: dict[str, Any]) -> str:
    """What the record's citations are known by (CitationRecords.shown holds the same)."""
    return text_digest(record_json(record))


def format_texts(record: dict[str, Any]) -> Texts:
    """Every text a page may show of the record, formatted by citeproc."""
    chicago = next(style.csl for style in styles.STYLES if style.key == "chicago")
    return (*(styles.bibliography_entry(record, style.csl) for style in styles.STYLES),
            styles.note(record, chicago))


class CitationTexts:
    """The texts of the records a build's pages are about to show, by record digest.

    Filled by the build before its renderers fork (they inherit it), emptied after the
    pages are made: serve keeps a build's template environments, and with them this, for
    the whole session, where 40,000 articles' texts would be some 50 MB held for nothing."""

    def __init__(self) -> None:
        self._texts: dict[str, Texts] = {}

    def get(self, key: str) -> Texts | None:
        return self._texts.get(key)

    def add(self, texts: Mapping[str, Texts]) -> None:
        self._texts.update(texts)

    def clear(self) -> None:
        self._texts.clear()
