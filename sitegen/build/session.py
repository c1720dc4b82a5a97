"""What `serve` keeps from one build to the next.

A build run from the command line starts from nothing but its cache. The development
server builds again on every save, in one process, so it can keep what a build learned
and the next one would only work out again. One `BuildSession` lives as long as the
server; `build(..., session=...)` uses it. Everything kept here is a speed-up, never an
input: a build with a session makes the same bytes as a clean build
(tests/integration/test_serve_session_edits.py).

What it keeps, and why each is safe to keep:

- the site is written over the live one, only the files that changed
  (output/inplace.py), instead of staging a whole new tree of links per edit;
- each source's parse-and-convert result, by its cache key (conversion settings, path,
  digest of the bytes): what the cache would give back for that key, without reading
  and decoding 4,000 rows per edit. A result is taken again only under the same key, and
  then goes through the same checks as a stored one (its refs must still resolve);
- each page's route, by its document (the very object kept above, so the same parsed
  front matter) and the configuration's text: routing reads nothing else;
- each source as the last build found it, by path: a file whose stamp still matches
  is the very same Source (content/sources.py), not one made again;
- the last scan of the content folder, and the paths the file watcher noted since: an
  edit to an article is found from those, not by a `stat` of every file
  (content/rescan.py);
- the last build's checked and planned site and its template environments (`LastSite`),
  from which an edit to an article's text alone is shown at once (serve/preview.py),
  before the build that brings the rest of the site up to date.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from sitegen.content.rescan import ChangeNotes, Scan
from sitegen.incremental.bodies import BodyStore
from sitegen.output.ownership import FolderMemo
from sitegen.search.published import StampedPages
from sitegen.search.shards import ShardMemo

if TYPE_CHECKING:
    from sitegen.build.loading import CheckedSite, Published
    from sitegen.build.planning import PlannedSite
    from sitegen.build.render_pool import Environments
    from sitegen.build.url_history import HistoryMemo
    from sitegen.build.workers import SourceProcessor, SourceResult
    from sitegen.config.settings import Config
    from sitegen.content.frontmatter import Document
    from sitegen.content.sources import Source
    from sitegen.content.urls import Route
    from sitegen.errors import Diagnostic
    from sitegen.incremental.cache import BuildCache, PageRows, StampRows
    from sitegen.incremental.fingerprint import FingerprintMemo
    from sitegen.incremental.unchanged import LastBuild
    from sitegen.render.templates import OutputPlan

T = TypeVar("T")
# Routes of documents no longer any result's, kept until there are this many more routes
# than results: pruning them after every build looked through 40,000 of each (0.05 s).
STALE_ROUTES = 1024


@dataclass
class Previews:
    """What previews wrote over the live site since the last build: the live site is that
    build's with these pages in place. Kept with the build (LastSite) and gone with it.

    - `files`: the source files whose page a preview replaced. Their text may be back to
      the build's while the live page still shows the preview, so it is previewed again.
    - `plans`: each replaced page's plan, made from the edited article: the search index
      of those pages (build/live.py index_previewed) works their digests out from these,
      not from the build's plans, whatever preview wrote them.
    - `digests`: the edited articles' source digests by source path, for the same.
    """

    files: set[Path] = field(default_factory=set)
    plans: dict[str, OutputPlan] = field(default_factory=dict)
    digests: dict[str, str] = field(default_factory=dict)

    def record(self, documents: list[Document], plans: list[OutputPlan], replaced: list[str]) -> None:
        """A preview of these edited documents rendered `plans` and replaced `replaced`."""
        self.files.update(Path(document.source.file) for document in documents)
        self.plans.update((plan.output, plan) for plan in plans if plan.output in replaced)
        self.digests.update((document.source.path, document.source.digest) for document in documents)


@dataclass(frozen=True)
class LastSite:
    """What the last build that wrote the site read and planned, under which settings."""

    config_text: str  # repr of the configuration it was built with
    checked: CheckedSite
    planned: PlannedSite
    envs: Environments
    templates: str  # templates_fingerprint, as that build read it
    config: Config  # the configuration itself: previews convert with it
    moved: bool = False  # whether the build added redirects for moved URLs (url_history)
    prints: FingerprintMemo | None = None  # its pages' fingerprints, for a build of the same plan
    # what previews wrote over this build's site since (serve/preview.py)
    previews: Previews = field(default_factory=Previews, compare=False, hash=False)

    @cached_property
    def documents_by_file(self) -> dict[Path, Document]:
        """Its documents by source file: a preview looks the edited file up here."""
        return {Path(d.source.file): d for d in self.checked.documents if d.source.file}

    @cached_property
    def processor(self) -> SourceProcessor:
        """A converter resolving refs from this build's routes, made once per build (for
        4,000 articles that took 60 ms, most of an edit's preview: serve/preview.py)."""
        from sitegen.build.workers import SourceProcessor
        from sitegen.render.bodies import RefIndex

        routes = self.checked.routes
        return SourceProcessor(self.config, refs=RefIndex(
            {d.source.content_path: routes[d.source.path] for d in self.checked.documents
             if d.source.path in routes}))


@dataclass
class BuildSession:
    """State kept across the builds of one `serve` run."""

    results: dict[str, SourceResult] = field(default_factory=dict)  # by cache key, last build's
    # id(document) -> (the document, kept alive so the id stays its own; config text; routing)
    routes: dict[int, tuple[Document, str, tuple[Route | None, Diagnostic | None]]] = field(
        default_factory=dict)
    last: LastSite | None = None  # the last build that wrote the site
    retired: LastSite | None = None  # the one before, until a quiet moment frees it
    # pages written by builds that left search behind (defer_search), whose words and
    # languages the search index has not read yet: what `index_pending` reads again
    unindexed: set[str] = field(default_factory=set)
    caught_up: LastBuild | None = None  # what to remember once search has caught up
    bodies: BodyStore | None = None  # the body store of every build (body_store)
    folders: FolderMemo = field(default_factory=FolderMemo)  # the output's folders as last surveyed
    pruned: bool = False  # the cache's stored results pruned whole once (loading._Stages._prune)
    pages: PageRows | None = None  # the cache's pages table as the last build left it (cache.page_rows)
    stamps: StampRows | None = None  # the cache's stamps table as the last build left it (cache.stamp_rows)
    sources: dict[str, Source] = field(default_factory=dict)  # the last build's, by path (discover_sources)
    scan: Scan | None = None  # the last build's scan of the content folder (content/rescan.py)
    notes: ChangeNotes = field(default_factory=ChangeNotes)  # what serve's watcher saw change since
    # each of those sources' cache key, by path: (the source, the conversion settings, the key)
    keys: dict[str, tuple[Source, str, str]] = field(default_factory=dict)
    history: HistoryMemo | None = None  # the URL history the last build read (pipeline.load_history)
    sorted: tuple[str, Published] | None = None  # the last build's first sort, with the config's repr
    shard_stamps: StampedPages = field(default_factory=StampedPages)  # the published search shards' stamps
    shard_memo: ShardMemo = field(default_factory=ShardMemo)  # the last build's search shards

    def body_store(self, cache: BuildCache) -> BodyStore:
        """The store a build's articles read their bodies from: one for the whole session,
        read through this build's cache (BodyStore.rebind)."""
        if self.bodies is None:
            self.bodies = BodyStore(cache)
            return self.bodies
        return self.bodies.rebind(cache)

    def keep_last(self, last: LastSite) -> None:
        """Keep `last` as the site previews start from. The one before is retired: its
        environments release the site they held (render_pool.Environments.release), and
        it is freed by `drop_retired` in a quiet moment, not here: freeing a site of
        40,000 articles takes 0.3 s, which an edit arriving now would wait for."""
        previous, self.last = self.last, last
        if previous is not None and previous.envs is not last.envs:
            previous.envs.release()
            self.retired = previous

    def drop_retired(self) -> None:
        """Free the retired site (serve calls this when no edit is waiting)."""
        self.retired = None

    def remember_results(self, results: dict[str, SourceResult]) -> None:
        """Keep this build's results (only: a key no source has any more is dropped), without
        the body HTML a fresh one carries to the cache, and never one true of this build only.
        The routes of documents gone are let go once they are many (STALE_ROUTES)."""
        self.results = {key: dataclasses.replace(result, body=None) if result.body is not None else result
                        for key, result in results.items() if not result.transient}
        if len(self.routes) > len(self.results) + STALE_ROUTES:
            alive = {id(result.document) for result in self.results.values()}
            self.routes = {key: value for key, value in self.routes.items() if key in alive}

    def route(self, document: Document, config_text: str,
              make: Callable[[], tuple[Route | None, Diagnostic | None]]) -> tuple[Route | None, Diagnostic | None]:
        """The document's route as routed before under the same configuration, else `make()`."""
        known = self.routes.get(id(document))
        if known is not None and known[0] is document and known[1] == config_text:
            return known[2]
        routed = make()
        self.routes[id(document)] = (document, config_text, routed)
        return routed
