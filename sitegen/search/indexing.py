"""Index the staged site for search with Pagefind, re-indexing only the shards that changed.

Pagefind keeps one index per `<html lang>` and a page only searches its own language's
index, so an English page would never find Japanese words and the reverse. We opt out
with `--force-language` and build two families of bundles over the same pages instead:

- `pagefind/en/…` in the site's language (English): stems English words, so "treaties"
  finds "treaty"; Japanese runs stay unsplit.
- `pagefind/ja/…` forced to Japanese with the extended binary, which splits Japanese into
  words (日米安保は不公平 → 日米 / 安保 / は / 不 / 公平) inside English and Japanese
  articles alike, but does not stem English. Only pages with Han or kana go in it.

`static/js/search.js` sends a query with Han or kana characters to the second family and
any other query to the first, from every page whatever its language. A site whose own
language is Japanese or Chinese gets the segmenting family only. Each family is cut into
shards (shards.py); `pagefind/sitegen-search.json` lists them for search.js.

Only article and standalone pages are indexed (the templates mark the article with
`data-pagefind-body`; navigation, related lists and footers lie outside it), through hard
links in a work folder inside staging, so Pagefind reads nothing else. A shard is kept,
files and all, when its stamp (Pagefind's version, the settings, and each page's digest:
the page's own article and templates, not its neighbours) is the one the previous build
wrote beside it; otherwise Pagefind indexes it again.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.cancelling import cancel_point
from sitegen.config.settings import Config
from sitegen.errors import BuildCancelled
from sitegen.output.faults import checkpoint
from sitegen.output.ownership import SEARCH_WORK, remove_tree
from sitegen.output.writer import StagedOutput
from sitegen.render.templates import OutputPlan
from sitegen.search.bundle import canonicalize_bundle, prune_bundle
from sitegen.search.pagefind_cli import NothingIndexed, find_pagefind, pagefind_version, run_pagefind
from sitegen.search.published import PublishedShards, StampedPages
from sitegen.search.runs import HEAVY_LANGUAGES, Stop, heavy_languages, run_shards
from sitegen.search.shards import (
    BUNDLE_DIR,
    SHARD_STAMP,
    IndexedPage,
    Shard,
    ShardMemo,
    has_han_or_kana,
    plan_shards,
    shard_list,
)

log = logging.getLogger(__name__)

SEGMENTED = "ja"  # the language of the segmenting family: Pagefind splits Japanese words
SEGMENTED_LANGUAGES = ("ja", "zh")  # site languages whose own family already segments
SEARCHABLE_KINDS = ("article", "page")
# Article-header parts that are not the article's own text (filters and metadata on them
# are still captured: Pagefind reads data-pagefind-filter/-meta even in ignored elements).
EXCLUDE_SELECTORS = (".article-meta .dates", ".date-note", ".terms-label")
STAMP = f"{BUNDLE_DIR}/sitegen-search.json"
WORK_DIR = SEARCH_WORK
PageDigest = Callable[[OutputPlan], str]


@dataclass(frozen=True)
class SearchReport:
    indexed: bool  # True when Pagefind ran; False when every shard was kept
    pages: int  # pages in the index
    files: int  # files of the search bundles in the output
    seconds: float
    shards: tuple[int, int] = (0, 0)  # (indexed, of how many)
    pending: int = 0  # stale shards left as they were published, for a later build to index


def families(config: Config) -> tuple[str, str | None]:
    """The primary family's language (the site's), and the segmenting one's unless that is it."""
    language = (config.site.language or "en").split("-")[0].lower()
    return (language, None) if language in SEGMENTED_LANGUAGES else (language, SEGMENTED)


def searchable_plans(plans: Iterable[OutputPlan]) -> list[OutputPlan]:
    """The pages to index: articles and standalone pages, in the order given. Not sorted:
    the shards sort their pages (plan_shards), and sorting both took 0.06 s of each search
    step and each edit's build at 40,000 articles."""
    return [plan for plan in plans if plan.context.page.kind in SEARCHABLE_KINDS]


def index_search(staged: StagedOutput, plans: Iterable[OutputPlan], page_digest: PageDigest,
                 config: Config, changed: set[str], reuse: bool = True, defer: bool = False,
                 cancel: threading.Event | None = None, partial: bool = False,
                 only: set[str] | None = None, runs: int = 1, stamps: StampedPages | None = None,
                 memo: ShardMemo | None = None) -> SearchReport:
    """Put the search bundles for the staged pages into `staged`, re-indexing changed shards.

    `page_digest`: what a page's index entry is made from (its article and templates, not
    its neighbours). `changed`: pages whose bytes differ from the last build's (only those
    are read again for Han or kana); their shards go first. Without `reuse` (--no-cache)
    every shard is indexed again. serve's options: `defer` keeps a changed shard as it was
    published, pending; `partial` (the catch-up) publishes the shards indexed when a cancel
    comes, the rest pending; `only` (after a preview) indexes only the shards holding those
    pages and any with nothing published to keep, the digests of pages not `changed` from
    the published `stamps`.
    `memo`: the last build's shards (shards.ShardMemo). `runs`: at a time."""
    started = time.perf_counter()
    searchable = searchable_plans(plans)
    if not searchable:  # Pagefind refuses an empty site; search.js reports there is no index
        log.info("search: no articles to index")
        return SearchReport(False, 0, 0, time.perf_counter() - started)
    pagefind, version, settings = _pagefind(config, memo := memo or ShardMemo())
    pages = _pages(staged, searchable, page_digest, changed if reuse else None, only is not None, stamps)
    shards = plan_shards(pages, *families(config), config.search.pages_per_shard, memo)
    published = PublishedShards(staged.out_dir)
    stale, pending, urgent = _stale_shards(published, shards, (settings, memo), (reuse, defer), changed, only)
    work, keepable = staged.staging / WORK_DIR, (lambda shard: published.can_keep(shard, None)) if partial else None
    try:
        built = _index(staged, stale, pagefind, work, config.search.timeout, cancel, keepable, urgent, runs,
                       heavy_languages(version))
        pending += [s for s in stale if s not in built]  # what a cancel left (only `partial`)
        files = sum(_put_shard(staged, shard, built.get(shard), memo.stamp(shard, settings), published)
                    for shard in shards)
    except NothingIndexed as exc:  # a theme without <html> elements, say: no search
        log.warning("search: no index written: %s", exc)
        return SearchReport(False, 0, 0, time.perf_counter() - started)
    finally:
        _remove_quietly(work)
    staged.put(STAMP, shard_list(shards))
    return _report(time.perf_counter() - started, len(built), len(shards), len(pending), len(pages), files)


def _report(seconds: float, built: int, shards: int, pending: int, pages: int, files: int) -> SearchReport:
    log.info("search: %d of %d shard(s) indexed, %d left for later (%d pages in all) in %.2f s",
             built, shards, pending, pages, seconds)
    return SearchReport(built > 0, pages, files + 1, seconds, (built, shards), pending)


def _stale_shards(published: PublishedShards, shards: Sequence[Shard], stamping: tuple[dict[str, object], ShardMemo],
                  options: tuple[bool, bool], changed: set[str],
                  only: set[str] | None = None) -> tuple[list[Shard], list[Shard], int]:
    """The shards to index now, those holding `changed` pages first (an edit is found before
    the rest catches up), those left stale for later (`options`' defer, or outside `only`),
    and how many of the first hold changed pages. A shard is stale unless reused (`options`'
    reuse) and its published stamp is the one its pages and settings make (`stamping`)."""
    (settings, memo), (reuse, defer) = stamping, options
    stale = [s for s in shards if not (reuse and published.can_keep(s, memo.stamp(s, settings)))]
    pending = [s for s in stale if defer and published.can_keep(s, None)]
    later = set(pending)
    holding = [s for s in stale if s not in later and any(page.output in changed for page in s.pages)]
    later.update(holding)
    stale = holding + [s for s in stale if s not in later]
    return _only(published, stale, pending, only) if only is not None else (stale, pending, len(holding))


def _only(published: PublishedShards, stale: list[Shard], pending: list[Shard],
          only: set[str]) -> tuple[list[Shard], list[Shard], int]:
    """The stale shards holding pages in `only` and those with no published bundle to
    keep, all to be indexed now (their count: all urgent); the other stale ones join
    `pending`."""
    later = [s for s in stale if published.can_keep(s, None) and not any(p.output in only for p in s.pages)]
    left = set(later)
    now = [s for s in stale if s not in left]
    return now, pending + later, len(now)


def _pagefind(config: Config, memo: ShardMemo) -> tuple[Path, str, dict[str, object]]:
    """The binary this project indexes with (pagefind_cli.find_pagefind), its version, and
    the settings stamped on each shard, that version among them. The version is the one
    `memo` (serve's) asked the same file for, while its inode, size and times are as
    then: `pagefind --version` from a process holding a 40,000-article site took 0.05 s
    of each search step and each edit's build."""
    pagefind = find_pagefind(config.root, config.search.pagefind)
    try:
        info = os.stat(pagefind)
    except OSError:  # gone since it was found: `--version` reports it
        info = None
    binary = (os.fspath(pagefind), info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns) if info else None
    if binary is None or memo.version is None or memo.version[0] != binary:
        version = pagefind_version(pagefind)
        memo.version = (binary, version) if binary is not None else None
    else:
        version = memo.version[1]
    return pagefind, version, _settings(version)


def _settings(version: str) -> dict[str, object]:
    """Everything besides the pages that shapes a bundle: a change to any re-indexes all."""
    return {"pagefind": version, "exclude": list(EXCLUDE_SELECTORS), "kinds": list(SEARCHABLE_KINDS)}


def _pages(staged: StagedOutput, plans: list[OutputPlan], page_digest: PageDigest,
           changed: set[str] | None, published_digests: bool = False,
           stamps: StampedPages | None = None) -> list[IndexedPage]:
    """Each page with its digest and whether it holds Han or kana anywhere (a neighbour's
    title in its links counts: a clean build reads every page). That is read from the
    staged page, unless the page's bytes are the last build's and a published shard
    recorded it; `changed` None: read every page. With `published_digests` (index_search's
    `only`), a page not in `changed` that a published shard recorded keeps the digest
    recorded there: at 40,000 articles working out every page's digest took seconds. The
    caller puts in `changed` every page whose live bytes may differ from what its shard
    indexed (serve's `unindexed`); a recorded digest is then the page's, or out of date,
    which only makes the next build index that shard again. `stamps`: serve's memory of
    the published stamps."""
    known = (stamps or StampedPages()).recorded(staged.out_dir) if changed is not None else {}
    pages = []
    for plan in plans:
        cancel_point()  # serve's catch-up stops here when an edit arrives (sitegen/cancelling.py)
        recorded = None if changed is None or plan.output in changed else known.get(plan.output)
        if recorded is not None and published_digests:
            pages.append(IndexedPage(plan.output, *recorded))
            continue
        segmented = recorded[1] if recorded is not None else None
        if segmented is None:
            text = staged.path(plan.output).read_text(encoding="utf-8", errors="replace")
            segmented = has_han_or_kana(text)
        pages.append(IndexedPage(plan.output, page_digest(plan), segmented))
    return pages


def _index(staged: StagedOutput, stale: list[Shard], pagefind: Path, work: Path, timeout: float,
           cancel: threading.Event | None = None, keepable: Callable[[Shard], bool] | None = None,
           urgent: int = 0, runs: int = 1, heavy: Sequence[str] = HEAVY_LANGUAGES) -> dict[Shard, Path]:
    """Index each stale shard into its own folder under `work`; the bundles by shard.

    Up to `runs` Pagefind runs at a time, never two of the `heavy` languages (runs.py says
    why two, and why Pagefind 1.5 never runs two that segment Japanese). With `keepable`,
    when every shard not done can be kept as published (see index_search), a cancel
    returns the shards done so far, and so does the end of the first `urgent` ones (those
    holding edited pages): they are published at once, not after a catch-up of every
    shard (minutes at 40,000 articles)."""
    remove_tree(str(work))  # left by a build killed while indexing, if there is one
    deadline = time.monotonic() + timeout

    def index(shard: Shard, stop: Stop) -> Path:
        return _index_shard(staged, shard, pagefind, work, deadline, stop)

    built: dict[Shard, Path] = {}

    def rest_kept() -> bool:
        return keepable is not None and all(keepable(s) for s in stale if s not in built)

    for batch in ((stale[:urgent], stale[urgent:]) if keepable is not None and urgent else (stale,)):
        if built and rest_kept():
            break  # the edited pages' shards are done: publish them, the rest after
        try:
            run_shards(batch, index, runs, cancel, built, heavy)
        except BuildCancelled:
            if not built or not rest_kept():
                raise
            log.info("search: an edit stopped the indexing after %d of %d shard(s)", len(built), len(stale))
            break
    checkpoint("indexing")
    return built


def _index_shard(staged: StagedOutput, shard: Shard, pagefind: Path, work: Path, deadline: float,
                 stop: Stop) -> Path:
    """One shard's bundle, from hard links to its pages; the links go once Pagefind has
    read them, so that a cancelled catch-up leaves little to remove before the edit."""
    name = f"{shard.language}-{shard.number}"
    site, out = work / f"site-{name}", work / f"bundle-{name}"
    link_pages(staged.path, [page.output for page in shard.pages], site)
    try:
        run_pagefind(pagefind, site, out, shard.language, EXCLUDE_SELECTORS,
                     max(1.0, deadline - time.monotonic()), stop)
    finally:
        _remove_quietly(site)
    prune_bundle(out)
    canonicalize_bundle(out)
    return out


def _put_shard(staged: StagedOutput, shard: Shard, built: Path | None, stamp: bytes,
               published: PublishedShards) -> int:
    """Hand a shard's files to the writer: the new bundle and its stamp, or the published
    one kept."""
    if built is None:
        files = published.files(shard) or []
        staged.keep_all(files)
        return len(files)
    files_written = sorted(p for p in built.rglob("*") if p.is_file())
    for path in files_written:
        staged.take(f"{shard.folder}/{path.relative_to(built).as_posix()}", path)
    staged.put(f"{shard.folder}/{SHARD_STAMP}", stamp)
    return len(files_written) + 1


def _remove_quietly(folder: Path) -> None:
    """Remove the work folder; if that fails it stays marked as the build's, and goes with
    the staging folder it sits in (the next build removes it before indexing)."""
    try:
        remove_tree(str(folder))
    except OSError:
        pass


def link_pages(where: Callable[[str], Path], outputs: list[str], site: Path) -> None:
    """Mirror the pages to index into `site` as hard links (copies where links fail);
    `where` says where a page's file is while the site is made (StagedOutput.path)."""
    for rel in outputs:
        source, dest = where(rel), site / PurePosixPath(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)  # copying over a hard link of the source would fail (SameFileError)
        try:
            os.link(source, dest)
        except OSError:
            shutil.copyfile(source, dest)
    site.mkdir(parents=True, exist_ok=True)
