"""The second pass: bodies whose shortcodes read the assembled site (its pages, terms,
sections), converted once every other page is known.

Most bodies are converted before routing, from their text alone, and cached by it. A
shortcode that lists the posts of a year or the people of a data file cannot be: its
output depends on other pages. The first pass marks such sources (SourceResult.needs_site);
this pass assembles the site from every other page, with these pages present by their
front matter (title, URL, date, terms) but with empty bodies, and converts them with it.

Their cache key adds `site_key`: every published source's path and digest and the
conversion fingerprint (which holds the data folder's digest), so a body reading the site
is converted again whenever any page changes, and stays cached while none does. A
listing page that lists other listing pages sees them without summaries or word counts.
"""

from __future__ import annotations

from typing import Any

from sitegen.build.workers import SourceProcessor, SourceResult, attach_source, pack
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.urls import Route
from sitegen.incremental.cache import BuildCache, digest
from sitegen.markup.markdown import RenderedBody
from sitegen.site.assemble import PageInput, assemble_site
from sitegen.site.model import ArticleBody

EMPTY_BODY = RenderedBody(html="", summary_html="", summary_text="", truncated=False, toc_html="",
                          headings=(), word_count=0, reading_time=0, is_cjk=False, lang_hint="",
                          links=(), ids=())


class SecondPass:
    """Converts the deferred sources of one build."""

    def __init__(self, config: Config, cache: BuildCache, conversion: str, documents: list[Document],
                 data: dict[str, Any]) -> None:
        self.config, self.cache, self.data = config, cache, data
        self.converted = 0  # sources converted (not taken from the cache) by `convert`
        self.site_key = digest(conversion, *sorted(f"{d.source.path}:{d.source.digest}" for d in documents))

    def convert(self, deferred: list[tuple[Document, str]], pages: list[PageInput],
                routes: dict[str, Route], first_keys: list[str]) -> list[tuple[str, SourceResult]]:
        """(cache key, result) for each deferred source, in order; bodies go to the cache."""
        keys = [digest(key, self.site_key) for _, key in deferred]
        known = self.cache.get_sources(keys)
        processor: SourceProcessor | None = None
        results: list[tuple[str, SourceResult]] = []
        for (doc, _), key in zip(deferred, keys):
            if key in known:
                results.append((key, attach_source(known[key], doc.source)))
                continue
            processor = processor or SourceProcessor(self.config, self.site(deferred, pages, routes))
            packed = pack(processor.process(doc.source))
            self.converted += 1
            self.cache.put_sources({key: packed.pickled}, {key: packed.body} if packed.body else {})
            results.append((key, packed.result(doc.source)))
        if len(known) < len(keys) and self.cache.enabled:
            self.cache.prune_sources({*first_keys, *keys})
        return results

    def site(self, deferred: list[tuple[Document, str]], pages: list[PageInput],
             routes: dict[str, Route]) -> Any:
        """The site from every first-pass page, and the deferred ones with empty bodies."""
        placeholders = [PageInput(doc, routes[doc.source.path], EMPTY_BODY, "", ArticleBody.of(""))
                        for doc, _ in deferred]
        return assemble_site([*pages, *placeholders], self.config, self.data)
