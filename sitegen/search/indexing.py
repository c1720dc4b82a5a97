"""Index the staged site for search with Pagefind, or keep the previous index when nothing changed.

Pagefind keeps one index per `<html lang>` and a page only searches its own language's
index, so an English page would never find Japanese words and the reverse. We opt out
with `--force-language` and build two bundles over the same pages instead:

- `pagefind/` in the site's language (English): stems English words, so "treaties"
  finds "treaty"; Japanese runs stay unsplit.
- `pagefind/ja/` forced to Japanese with the extended binary, which splits Japanese into
  words (日米安保は不公平 → 日米 / 安保 / は / 不 / 公平) inside English and Japanese
  articles alike, but does not stem English.

`static/js/search.js` sends a query with Han or kana characters to the second bundle and
any other query to the first, from every page whatever its language. A site whose own
language is Japanese or Chinese gets the segmenting bundle only.

Only article and standalone pages are indexed (the templates mark the article with
`data-pagefind-body`; navigation, related lists and footers lie outside it), through hard
links in a work folder inside staging, so Pagefind reads nothing else. Pagefind writes each
bundle there; the files then go through `StagedOutput.put` like every other output, and the
work folder is removed. Indexing is skipped, and the previous bundle kept, when no
searchable page's fingerprint changed, the set of pages is the same, and the previous
bundle was written by the same Pagefind version with the same settings (`STAMP`).
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen.build.lock import inherited_fds
from sitegen.config.settings import Config
from sitegen.errors import BuildFailed, Diagnostic
from sitegen.output.faults import checkpoint
from sitegen.output.ownership import SEARCH_WORK, remove_tree
from sitegen.output.writer import StagedOutput
from sitegen.render.templates import OutputPlan
from sitegen.search.bundle import canonicalize_bundle, prune_bundle

log = logging.getLogger(__name__)

BUNDLE_DIR = "pagefind"
SEGMENTED = "ja"  # the language of the segmenting bundle: Pagefind splits Japanese words
SEGMENTED_LANGUAGES = ("ja", "zh")  # site languages whose own bundle already segments
SEARCHABLE_KINDS = ("article", "page")
# Article-header parts that are not the article's own text (filters and metadata on them
# are still captured: Pagefind reads data-pagefind-filter/-meta even in ignored elements).
EXCLUDE_SELECTORS = (".article-meta .dates", ".date-note", ".terms-label")
STAMP = f"{BUNDLE_DIR}/sitegen-search.json"
WORK_DIR = SEARCH_WORK
VERSION_TIMEOUT = 30  # seconds for `pagefind --version`
INSTALL_HINT = ("pip install 'pagefind[extended]' (the extended binary splits Japanese into "
                "words), or set search.enabled: false in config.yaml")


class NothingIndexed(Exception):
    """Pagefind found no page it could index (e.g. pages without an <html> element)."""


@dataclass(frozen=True)
class SearchBundle:
    folder: str  # under the output folder: "pagefind" or "pagefind/ja"
    language: str  # what Pagefind is forced to index the pages as


@dataclass(frozen=True)
class SearchReport:
    indexed: bool  # True when Pagefind ran; False when the previous bundle was kept
    pages: int  # pages in the index
    files: int  # files of the search bundle in the output
    seconds: float


def plan_bundles(config: Config) -> tuple[SearchBundle, ...]:
    """One bundle in the site's language, plus a Japanese-segmenting one unless that is it."""
    language = (config.site.language or "en").split("-")[0].lower()
    if language in SEGMENTED_LANGUAGES:
        return (SearchBundle(BUNDLE_DIR, language),)
    return (SearchBundle(BUNDLE_DIR, language), SearchBundle(f"{BUNDLE_DIR}/{SEGMENTED}", SEGMENTED))


def searchable_outputs(plans: Iterable[OutputPlan]) -> list[str]:
    """Output files of the pages to index: articles and standalone pages, sorted."""
    return sorted(p.output for p in plans if p.context["page"].kind in SEARCHABLE_KINDS)


def index_search(staged: StagedOutput, plans: Iterable[OutputPlan], fingerprints: dict[str, str],
                 previous: dict[str, str], config: Config) -> SearchReport:
    """Put the search bundle for the staged pages into `staged`: rebuilt, or kept if unchanged.

    `fingerprints` are this build's page fingerprints (output -> fingerprint), `previous`
    the last successful build's, from the cache.
    """
    started = time.perf_counter()
    outputs = searchable_outputs(plans)
    if not outputs:  # Pagefind refuses an empty site; search.js reports there is no index
        log.info("search: no articles to index")
        return SearchReport(False, 0, 0, time.perf_counter() - started)
    bundles = plan_bundles(config)
    pagefind = find_pagefind()
    stamp = make_stamp(pagefind_version(pagefind), bundles)
    if can_keep(staged.out_dir, outputs, fingerprints, previous, stamp, bundles):
        files = keep_bundle(staged)
        log.info("search: no searchable page changed; kept the previous index (%d files)", files)
        return SearchReport(False, len(outputs), files, time.perf_counter() - started)
    work = staged.staging / WORK_DIR
    try:
        files = _index(staged, outputs, pagefind, bundles, work, config.search.timeout)
    except NothingIndexed as exc:  # a theme without <html> elements, say: no search
        log.warning("search: no index written: %s", exc)
        return SearchReport(False, 0, 0, time.perf_counter() - started)
    finally:
        _remove_quietly(work)
    staged.put(STAMP, stamp)
    seconds = time.perf_counter() - started
    log.info("search: indexed %d pages into %d bundle(s) in %.2f s", len(outputs), len(bundles), seconds)
    return SearchReport(True, len(outputs), files + 1, seconds)


def _index(staged: StagedOutput, outputs: list[str], pagefind: Path, bundles: tuple[SearchBundle, ...],
           work: Path, timeout: float) -> int:
    """Index the staged pages in the work folder and hand each bundle's files to the writer;
    return how many files that makes."""
    remove_tree(str(work))  # left by a build killed while indexing, if there is one
    written = {bundle: work / f"bundle-{bundle.language}" for bundle in bundles}
    link_pages(staged.staging, outputs, work / "site")
    run_pagefind(pagefind, work / "site", {out: b.language for b, out in written.items()}, timeout)
    checkpoint("indexing")
    files = 0
    for bundle, out in written.items():
        prune_bundle(out)
        canonicalize_bundle(out)
        files += put_bundle(staged, out, bundle.folder)
    return files


def can_keep(out_dir: Path, outputs: list[str], fingerprints: dict[str, str],
             previous: dict[str, str], stamp: bytes, bundles: tuple[SearchBundle, ...]) -> bool:
    """True when the previous build's bundle indexes exactly the pages this build has."""
    if set(previous) != set(fingerprints):  # a page was added or removed
        return False
    if any(previous[o] != fingerprints[o] for o in outputs):
        return False
    try:
        if (out_dir / STAMP).read_bytes() != stamp:
            return False
    except OSError:
        return False
    if not all((out_dir / b.folder / "pagefind-entry.json").is_file() for b in bundles):
        return False
    return _bundle_is_plain(out_dir)


def keep_bundle(staged: StagedOutput) -> int:
    """Take every file of the previous bundle into staging; return how many."""
    folder = staged.out_dir / BUNDLE_DIR
    files = sorted(p.relative_to(staged.out_dir).as_posix() for p in folder.rglob("*") if p.is_file())
    for rel in files:
        staged.keep(rel)
    return len(files)


def _bundle_is_plain(out_dir: Path) -> bool:
    """Whether the previous bundle is made of plain files only: a link there (put by hand)
    is never carried into the new site."""
    for path in (out_dir / BUNDLE_DIR).rglob("*"):
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            return False
    return True


def _remove_quietly(folder: Path) -> None:
    """Remove the work folder; if that fails it stays marked as the build's, and goes with
    the staging folder it sits in (the next build removes it before indexing)."""
    try:
        remove_tree(str(folder))
    except OSError:
        pass


def make_stamp(version: str, bundles: tuple[SearchBundle, ...]) -> bytes:
    """What the bundle was built with: a change to any of it means indexing again."""
    stamp = {"pagefind": version, "bundles": {b.folder: b.language for b in bundles},
             "exclude": list(EXCLUDE_SELECTORS), "kinds": list(SEARCHABLE_KINDS)}
    return (json.dumps(stamp, sort_keys=True, indent=1) + "\n").encode("utf-8")


def link_pages(staging: Path, outputs: list[str], site: Path) -> None:
    """Mirror the pages to index into `site` as hard links (copies where links fail)."""
    for rel in outputs:
        source, dest = staging / rel, site / PurePosixPath(rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if os.path.lexists(dest):
            os.unlink(dest)  # copying over a hard link of the source would fail (SameFileError)
        try:
            os.link(source, dest)
        except OSError:
            shutil.copyfile(source, dest)
    site.mkdir(parents=True, exist_ok=True)


def find_pagefind() -> Path:
    """The extended Pagefind binary from the `pagefind[extended]` package, or from PATH."""
    try:
        module = importlib.import_module("pagefind_bin_extended")
        return Path(module.get_executable())
    except (ImportError, AttributeError, OSError):
        pass
    found = shutil.which("pagefind_extended")
    if found:
        return Path(found)
    raise BuildFailed([Diagnostic("config.yaml", 0, 0, "error",
                                  "search.enabled is true but Pagefind's extended binary is missing",
                                  INSTALL_HINT)])


def pagefind_version(pagefind: Path) -> str:
    """`pagefind 1.5.2` -> `1.5.2`."""
    try:
        run = subprocess.run([str(pagefind), "--version"], capture_output=True, text=True, check=False,
                             env=_clean_env(), timeout=VERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise _timed_out(f"{pagefind.name} --version", VERSION_TIMEOUT) from None
    if run.returncode != 0:
        raise _failure(f"{pagefind.name} --version", run.stdout + run.stderr)
    return run.stdout.strip().rpartition(" ")[2]


def run_pagefind(pagefind: Path, site: Path, bundles: dict[Path, str], timeout: float) -> None:
    """Index `site` once per bundle, forced to its language, all bundles at the same time.

    Each run is stopped after `timeout` seconds in all (search.timeout). Pagefind holds
    the build lock with the build (see build/lock.py): if the build is killed, the next
    one waits for Pagefind to end instead of running beside it.
    """
    running = []
    for out, language in bundles.items():
        command = [str(pagefind), "--site", str(site), "--output-path", str(out),
                   "--force-language", language, "--silent"]
        for selector in EXCLUDE_SELECTORS:
            command += ["--exclude-selectors", selector]
        # cwd: the work folder, so that no pagefind.yml of the project's is picked up
        running.append((language, subprocess.Popen(command, cwd=site.parent, env=_clean_env(),
                                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                                   text=True, pass_fds=inherited_fds())))
    deadline = time.monotonic() + timeout
    failures: list[Exception] = []
    try:
        for language, process in running:
            try:
                output, _ = process.communicate(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                raise _timed_out(f"pagefind --force-language {language}", timeout,
                                 "raise search.timeout in config.yaml if the site is large, or ") from None
            if process.returncode != 0 and "not able to build an index" in output:
                failures.append(NothingIndexed(" ".join(output.split())[:300]))
            elif process.returncode != 0:
                failures.append(_failure(f"pagefind --force-language {language}", output))
    finally:
        for _, process in running:
            if process.poll() is None:
                process.kill()
                process.wait()
    if failures:
        raise failures[0]


def put_bundle(staged: StagedOutput, out: Path, folder: str) -> int:
    """Hand a bundle's files to the writer under `folder` (unchanged ones are linked)."""
    files = sorted(p for p in out.rglob("*") if p.is_file())
    for path in files:
        staged.put(f"{folder}/{path.relative_to(out).as_posix()}", path.read_bytes())
    return len(files)


def _clean_env() -> dict[str, str]:
    """The environment without PAGEFIND_* variables, which would override our options."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def _timed_out(what: str, seconds: float, advice: str = "") -> BuildFailed:
    return BuildFailed([Diagnostic("", 0, 0, "error",
                                   f"search indexing stopped: {what} did not finish within {seconds:g} s",
                                   f"{advice}set search.enabled: false to build without search; "
                                   "the previous site was left as it was")])


def _failure(what: str, output: str) -> BuildFailed:
    tail = " | ".join(line.strip() for line in output.strip().splitlines()[-5:]) or "no output"
    return BuildFailed([Diagnostic("", 0, 0, "error", f"search indexing failed: {what}: {tail}",
                                   "run the build with --debug; " + INSTALL_HINT)])
