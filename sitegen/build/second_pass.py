"""The second pass: bodies whose shortcodes read the assembled site (its pages, terms,
sections), converted once every other page is known.

Most bodies are converted before routing, from their text alone, and cached by it. A
shortcode that lists the posts of a year or the people of a data file cannot be: its
output depends on other pages. The first pass marks such sources (SourceResult.needs_site);
this pass assembles the site from every other page, with these pages present by their
front matter (title, URL, date, terms) but with empty bodies, and converts them with it.

Their cache key adds `site_key`: every published source's path and digest, every page's
URL and the conversion fingerprint (which holds the data folder's digest), so a body reading the site
is converted again whenever any page changes, and stays cached while none does. A
listing page that lists other listing pages sees them without summaries or word counts.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from sitegen.build.workers import SourceProcessor, SourceResult, cached_result, pack
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.urls import Route
from sitegen.incremental.bodies import BodyStore
from sitegen.incremental.cache import BuildCache, digest
from sitegen.markup.markdown import RenderedBody
from sitegen.render.bodies import RefIndex
from sitegen.site.assemble import PageInput, assemble_site
from sitegen.site.model import ArticleBody, SiteView

EMPTY_BODY = RenderedBody(html="", summary_html="", summary_text="", truncated=False, toc_html="",
                          headings=(), word_count=0, reading_time=0, is_cjk=False, lang_hint="",
                          links=(), ids=())


class SecondPass:
    """Converts the deferred sources of one build."""

    def __init__(self, config: Config, stores: tuple[BuildCache, BodyStore], conversion: str, documents: list[Document],
                 data: dict[str, Any], unrendered: list[Document] | None = None,
                 refs: RefIndex | None = None) -> None:
        self.config, self.data, self.refs = config, data, refs
        self.cache, self.bodies = stores  # converted sources go to the cache; bodies it cannot keep, to the store
        self.unrendered = unrendered or []  # `build: {render: never}` pages, which get_page finds
        self.converted = 0  # sources converted (not taken from the cache) by `convert`
        # Every page's URL too: the permalinks setting moves pages without changing a source.
        routes = refs.routes if refs is not None else {}
        self.site_key = digest(conversion, *sorted(f"{d.source.path}:{d.source.digest}"
                                                   for d in [*documents, *self.unrendered]),
                               *sorted(f"{path}>{route.path}" for path, route in routes.items()))

    def convert(self, deferred: list[tuple[Document, str]], pages: list[PageInput],
                routes: dict[str, Route], first_keys: list[str]) -> list[tuple[str, SourceResult]]:
        """(cache key, result) for each deferred source, in order; bodies go to the cache."""
        keys = [digest(key, self.site_key) for _, key in deferred]
        known = self.cache.get_sources(keys)
        processor: SourceProcessor | None = None
        results: list[tuple[str, SourceResult]] = []
        for (doc, _), key in zip(deferred, keys, strict=True):
            cached = cached_result(known[key], doc.source) if key in known else None
            if cached is not None:  # else not stored, or not whole: converted again and replaced
                results.append((key, cached))
                continue
            if processor is None:
                processor = SourceProcessor(self.config, None, self.refs)
                processor.converter.site = self.site(deferred, pages, routes, processor)
            packed = pack(processor.process(doc.source))
            self.converted += 1
            body = {key: packed.body} if packed.body is not None else {}
            # A result the codec cannot carry keeps its body for this build only.
            if packed.encoded is None:
                self.bodies.hold(body)
            else:
                self.bodies.keep({key: packed.encoded}, body)
            results.append((key, packed.result(doc.source)))
        if len(known) < len(keys) and self.cache.enabled:
            self.cache.prune_sources({*first_keys, *keys})
        return results

    def site(self, deferred: list[tuple[Document, str]], pages: list[PageInput],
             routes: dict[str, Route], processor: SourceProcessor) -> SecondPassSite:
        """The site from every first-pass page, the deferred ones with empty bodies, and the
        unrendered ones for `site.GetPage`."""
        placeholders = [PageInput(doc, routes[doc.source.path], EMPTY_BODY, "", ArticleBody.of(""))
                        for doc, _ in deferred]
        site = assemble_site([*pages, *placeholders], self.config, data=self.data)
        fields = {f.name: getattr(site, f.name) for f in dataclasses.fields(site)}
        return SecondPassSite(**fields, headless=tuple(HeadlessPage(doc, processor) for doc in self.unrendered))


@dataclass(frozen=True)
class SecondPassSite(SiteView):
    """The site as second-pass shortcodes see it: with the pages that are not rendered."""

    headless: tuple[HeadlessPage, ...] = ()


class HeadlessPage:
    """A page with `build: {render: never}` (a snippet other pages include), as
    `site.GetPage` returns it: its title, params and `.RenderShortcodes` (its Markdown
    with its shortcodes run, read when asked)."""

    def __init__(self, doc: Document, processor: SourceProcessor) -> None:
        self.doc, self.processor = doc, processor
        self.content_path = doc.source.content_path

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in ("rendershortcodes", "rawcontent", "content"):
            return self._markdown()
        if lowered in ("title", "linktitle"):
            return self.doc.meta.title
        if lowered == "params":
            return dict(self.doc.meta.params)
        return getattr(self.doc.meta, lowered, None)

    def _markdown(self) -> Markup:
        read, _ = self.processor.read(self.doc.source)
        if read is None:
            return Markup("")
        doc = dataclasses.replace(self.doc, source=read)
        return Markup(self.processor.converter.render_shortcodes(doc))
