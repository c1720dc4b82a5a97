"""What `serve` does to the live site between its builds: previews and search catch-ups.

A build is the authority on the whole site (pipeline.py). Between two of them `serve`
writes over the live site in two smaller ways, each told here to the cache and the
search index so that no later build mistakes the site for one it made:

- a preview (serve/preview.py) puts an edited article's page in place at once;
  `note_previewed` makes the next build render it again and find nothing standing;
- `index_previewed` then indexes the shards holding those pages, from the live files,
  before the build that brings the rest of the site up to date: at 40,000 articles that
  build takes half a minute, and an editor searching for the sentence just written
  should not wait for it;
- `index_pending` indexes the shards the last build left stale (defer_search), in the
  quiet after it.

Both indexers read the pages the last build planned (with a preview's plans in place
of the pages it wrote) and render nothing. A page's search digest is the one the next
build will compute for it, so a shard indexed here is kept by that build.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence

from sitegen.build.pipeline import SEARCH_FILES, page_fingerprinter
from sitegen.build.session import BuildSession, LastSite
from sitegen.build.workers import worker_count
from sitegen.cancelling import cancellable
from sitegen.config.settings import Config
from sitegen.incremental.cache import BuildCache
from sitegen.incremental.fingerprint import Fingerprinter
from sitegen.incremental.unchanged import forget_build, remember_build
from sitegen.output.inplace import InPlaceOutput
from sitegen.output.lock import build_lock
from sitegen.output.ownership import open_output
from sitegen.render.templates import OutputPlan
from sitegen.search.indexing import SearchReport, index_search
from sitegen.search.shards import BUNDLE_DIR


def index_pending(config: Config, session: BuildSession, cancel: threading.Event | None = None,
                  runs: int | None = None) -> SearchReport | None:
    """Index the search shards that `serve`'s last builds left stale (defer_search), over
    the live site, from the pages that build planned: no source is read, nothing planned or
    rendered again. None when the session has no such build under this configuration (a
    full build catches up then). `cancel` (a new edit) stops it: the shards indexed by
    then are published, the rest stay pending (the report says how many) for the next
    quiet moment; stopped before the first, it changes nothing (BuildCancelled). `runs`:
    Pagefind runs at a time (default: one per core, see search/runs.py)."""
    last = _searchable(config, session)
    if last is None:
        return None
    searched = _searched(config, last, {})
    report = _index_live(config, last.planned.plans, searched, set(session.unindexed), cancel,
                         session, catching_up=True, runs=runs)
    if not report.pending:
        session.unindexed = set()
    return report


def index_previewed(config: Config, session: BuildSession, cancel: threading.Event | None = None
                    ) -> SearchReport | None:
    """Index the shards holding the pages previews wrote since the last build, from the
    live files, with the digests of the plans they were rendered from (LastSite.previews).

    Only those shards are indexed (and any with nothing published to keep): shards an
    earlier build left stale stay pending for the catch-up. The digests of the previewed
    pages and of the session's `unindexed` ones are worked out again, those of the others
    taken from the published shards (at 40,000 articles working out all of them took
    seconds). The site is not what any build made, so nothing is remembered. None when
    there is nothing to index; a new edit stops it as it stops a catch-up."""
    last = _searchable(config, session)
    if last is None or not last.previews.plans:
        return None
    fresh = last.previews.plans
    every = [fresh.get(plan.output, plan) for plan in last.planned.plans]
    return _index_live(config, every, _searched(config, last, last.previews.digests),
                       set(fresh) | session.unindexed, cancel, session, only=set(fresh))


def note_previewed(config: Config, outputs: list[str]) -> None:
    """`serve`'s preview wrote these pages over the live site: no build may find the last
    one standing now, and the next renders them again (BuildCache.mark_stale). Without
    this, an edit undone before a full build finished kept the edited page for good."""
    if not outputs:
        return
    cache = BuildCache(config.path("cache"))
    try:
        forget_build(cache)
        cache.mark_stale(outputs)
    finally:
        cache.close()


def _searchable(config: Config, session: BuildSession) -> LastSite | None:
    """The session's last build, if it was made under this configuration with search on."""
    last = session.last
    if last is None or last.config_text != repr(config) or not config.search.enabled:
        return None
    return last


def _searched(config: Config, last: LastSite, edited: Mapping[str, str]) -> Fingerprinter:
    """The search digests of the last build's pages, `edited` (previewed since) aside,
    taken from that build's fingerprints where they stand (FingerprintMemo.searched)."""
    kept = (last.prints, frozenset(edited)) if last.prints is not None else None
    return page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates, edited, kept)


def _index_live(config: Config, plans: Sequence[OutputPlan], searched: Fingerprinter, changed: set[str],
                cancel: threading.Event | None, session: BuildSession, catching_up: bool = False,
                only: set[str] | None = None, runs: int | None = None) -> SearchReport:
    """Index stale shards of `plans` over the live site, keeping every other file as it
    stands: all of them, those of `changed` pages first, or only those holding pages in
    `only` (index_search). `session`: serve's, which remembers the published stamps and,
    `catching_up`, its last build, under the lock, once nothing is pending."""
    with build_lock(config, wait=True), cancellable(cancel):
        state = open_output(config.path("output"), config.paths.output, False, within=BUNDLE_DIR,
                            memo=session.folders)
        staged = InPlaceOutput(config.path("output"), state, False, config.paths.output)
        try:
            staged.stand(state.made_outside(SEARCH_FILES))  # only the index changes
            report = index_search(staged, plans, searched.searched, config, changed, cancel=cancel,
                                  partial=True, only=only, runs=runs or worker_count(),
                                  stamps=session.shard_stamps, memo=session.shard_memo)
            staged.commit()
        except BaseException:
            staged.abort()
            raise
        if catching_up and not report.pending:
            _remember_caught_up(config, session)
    return report


def _remember_caught_up(config: Config, session: BuildSession) -> None:
    """The site is now what the last build's inputs make, index included: remember it."""
    if session.caught_up is None:
        return
    cache = BuildCache(config.path("cache"))
    try:
        remember_build(cache, session.caught_up)
    finally:
        cache.close()
    session.caught_up = None
