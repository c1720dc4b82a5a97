"""Live reload for `build.py serve`: watch, rebuild, and tell open pages.

`Watcher` turns bursts of edits into one `Rebuilder.rebuild()`, which reloads the
configuration (it may have changed) and builds with the session it keeps for the server's
life (build/session.py: only the files that changed are written, each replaced in one
step); a failure keeps the last good site on disk (nothing is written before the whole
site rendered) and is printed and published, never raised.

The server keeps one `LiveReloadHub`. Each rebuild publishes into it: a success bumps the
build token, a failure records the formatted diagnostics. Every open page holds a
Server-Sent Events stream at `/__livereload` that receives the state whenever it changes:

    event: reload          data: <token>         sent on connect and after every change
    event: build-error     data: <diagnostics>   sent while the last build failed

A page knows the token of the build it was served from (`data-build` on the script tag),
so it reloads when the stream reports another token: after a rebuild, after a rebuild it
missed while disconnected, and after the server restarted (each run has a fresh token
prefix). The error event is not called `error` because EventSource already fires `error`
for connection failures. The script is added to HTML responses at serve time only; the
files on disk never carry it.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os
import re
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

import watchfiles

from sitegen.build.failures import explain_failure
from sitegen.build.live import index_pending, index_previewed
from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.config.settings import CONFIG_NAME, Config, load_config
from sitegen.errors import BuildCancelled, SiteError
from sitegen.output.lock import build_lock
from sitegen.search.pagefind_cli import SearchInterrupted
from sitegen.serve.collector import QuietCollector
from sitegen.serve.preview import prepare as prepare_preview
from sitegen.serve.preview import preview

SCRIPT_URL = "/__livereload.js"
EVENTS_URL = "/__livereload"
RECONNECT_MS = 1000
log = logging.getLogger(__name__)

# After an edit is shown, the full build waits until the open tabs have reloaded (each
# opens its event stream again), at most this long: a build running meanwhile competes
# with the server for the interpreter, and at 40,000 articles the reload took a second
# longer (the server had the page ready in 0.2 s).
PREVIEW_GRACE = 2.0
# The catch-up indexes the shards a build left stale (every one after a cold start-up or a
# template edit) one Pagefind run at a time: it is background work. At 40,000 articles a
# run holds some 175 MB beside a server of about 1 GB, and two at a time took both cores
# from the next edit's preview, whose page took 0.9 to 1.4 s to show instead of 0.25 s.
CATCH_UP_RUNS = 1
CATCH_UP_NICE = 10  # added to the catch-up thread's nice value on Linux (in_background)
WATCH_STEP_MS = 25  # a burst of changes is built once the sources were quiet this long...
WATCH_DEBOUNCE_MS = 1600  # ...or once changes kept coming for this long
READY_TIMEOUT_MS = 200  # how long a watcher waits before saying it is ready (and idles)

WatchFilter = Callable[[watchfiles.Change, str], bool]

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)

CLIENT_SCRIPT = """\
// Live reload for `build.py serve`: never part of the built site.
(() => {
  "use strict";
  const script = document.currentScript;
  const build = script ? script.dataset.build : "";
  const BOX_ID = "sitegen-build-error";

  function showError(text) {
    let box = document.getElementById(BOX_ID);
    if (!box) {
      box = document.createElement("div");
      box.id = BOX_ID;
      box.setAttribute("role", "alert");
      // all:initial / all:unset keep the site's own CSS (pre, strong, ...) out of the box.
      box.style.cssText = "all:initial;display:block;position:fixed;top:0;left:0;right:0;" +
        "z-index:2147483647;max-height:70vh;overflow:auto;padding:1rem 1.25rem;" +
        "background:#3b0d0c;color:#fff;border-bottom:4px solid #e5484d;" +
        "font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,monospace;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.4)";
      const title = document.createElement("strong");
      title.style.cssText = "all:unset;display:block;font-weight:bold";
      title.textContent = "Build failed: this page shows the last good build.";
      const details = document.createElement("pre");
      details.style.cssText = "all:unset;display:block;margin-top:.5rem;white-space:pre-wrap";
      box.append(title, details);
      document.body.append(box);
    }
    box.querySelector("pre").textContent = text;
  }

  function connect() {
    const source = new EventSource("/__livereload");
    source.addEventListener("reload", (event) => {
      if (event.data !== build) {
        source.close();
        location.reload();
      }
    });
    source.addEventListener("build-error", (event) => showError(event.data));
    source.addEventListener("error", () => {
      // EventSource retries by itself after network errors, but gives up after an HTTP
      // error (e.g. a restart that answered 503): start over then.
      if (source.readyState === EventSource.CLOSED) {
        setTimeout(connect, 2000);
      }
    });
  }

  connect();
})();
"""


@dataclass(frozen=True)
class BuildState:
    """What pages need to know about the latest build."""

    token: str  # changes with every successful build, and with every server run
    error: str | None  # formatted diagnostics of the latest build, if it failed
    version: int  # changes with every published build, good or bad


class LiveReloadHub:
    """Hold the latest build state and wake the event streams waiting for a change."""

    def __init__(self, max_streams: int = 32) -> None:
        self._run = secrets.token_hex(4)
        self._generation = 0
        self._version = 0
        self._error: str | None = None
        self._closed = False
        self._streams = 0
        self._opened = 0  # streams opened since the server started: a reloaded tab opens one
        self._max_streams = max_streams
        self._changed = threading.Condition()

    def current(self) -> BuildState:
        """Return the latest state."""
        with self._changed:
            return self._state()

    def succeeded(self) -> None:
        """Record a good build: every page served before it is now stale."""
        with self._changed:
            self._generation += 1
            self._error = None
            self._publish()

    def failed(self, diagnostics: str) -> None:
        """Record a failed build; pages keep showing the last good one, plus the error."""
        with self._changed:
            self._error = diagnostics
            self._publish()

    def wait_for_change(self, seen_version: int, timeout: float) -> BuildState | None:
        """Block until the state differs from `seen_version` or `timeout` passes.

        Returns None once the hub is closed, so streams end when the server stops.
        """
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._version != seen_version,
                                   timeout)
            return None if self._closed else self._state()

    def close(self) -> None:
        """End every stream: the server is stopping."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def open_stream(self) -> bool:
        """Claim a stream slot; False when too many are open (each one holds a thread)."""
        with self._changed:
            if self._closed or self._streams >= self._max_streams:
                return False
            self._streams += 1
            self._opened += 1
            self._changed.notify_all()
            return True

    def tabs(self) -> tuple[int, int]:
        """(streams open now, streams opened so far): what `wait_for_reloads` compares."""
        with self._changed:
            return self._streams, self._opened

    def wait_for_reloads(self, before: tuple[int, int], timeout: float, cancel: threading.Event) -> bool:
        """Wait until every tab that was open at `before` (see `tabs`) has reloaded and
        opened its stream again, `timeout` passes, or `cancel` is set (True then)."""
        open_then, opened_then = before
        deadline = time.monotonic() + timeout
        with self._changed:
            while self._opened - opened_then < open_then and not self._closed:
                left = deadline - time.monotonic()
                if left <= 0 or cancel.is_set():
                    break
                self._changed.wait(min(left, 0.05))
        return cancel.is_set()

    def close_stream(self) -> None:
        """Give back a slot claimed with `open_stream`."""
        with self._changed:
            self._streams -= 1

    def _state(self) -> BuildState:
        return BuildState(f"{self._run}.{self._generation}", self._error, self._version)

    def _publish(self) -> None:
        self._version += 1
        self._changed.notify_all()


def format_event(name: str, data: str) -> bytes:
    """Encode one Server-Sent Event; every line of `data` needs its own `data:` field."""
    lines = data.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    fields = [f"event: {name}"] + [f"data: {line}" for line in lines]
    return ("\n".join(fields) + "\n\n").encode("utf-8")


def encode_state(state: BuildState) -> bytes:
    """The events that bring a page up to date with `state`."""
    events = format_event("reload", state.token)
    if state.error is not None:
        events += format_event("build-error", state.error)
    return events


def inject_script(page: bytes, token: str) -> bytes:
    """Add the live-reload script tag before the last `</body>`, or at the end if none."""
    tag = f'<script src="{SCRIPT_URL}" data-build="{html.escape(token)}" defer></script>\n'
    matches = list(_BODY_END.finditer(page))
    if not matches:
        return page + b"\n" + tag.encode("utf-8")
    at = matches[-1].start()
    return page[:at] + tag.encode("utf-8") + page[at:]


def pinned_overrides(config: Config) -> dict[str, object]:
    """The command-line overrides behind `config`, to apply again when config.yaml changes.

    The CLI hands `serve` a loaded Config, not its overrides: the drafts and future flags
    are always command-line values, and the output folder and base URL count as overridden
    where they differ from what config.yaml says on its own.
    """
    overrides: dict[str, object] = {"build_drafts": config.build_drafts,
                                    "build_future": config.build_future}
    try:
        plain: Config | None = load_config(config.root)
    except SiteError:
        plain = None
    if plain is None or plain.site.base_url != config.site.base_url:
        overrides["site.base_url"] = config.site.base_url
    if plain is None or plain.paths.output != config.paths.output:
        overrides["paths.output"] = config.paths.output
    return overrides


class Rebuilder:
    """Reload the configuration and rebuild, reporting to the terminal and the hub."""

    def __init__(self, config: Config, hub: LiveReloadHub, out: TextIO, err: TextIO) -> None:
        self.config = config
        self._overrides = pinned_overrides(config)
        self._hub, self._out, self._err = hub, out, err
        self.search_pending = False  # the last build left search shards for catch_up()
        self.cancel = threading.Event()  # set by the watcher when an edit arrives
        self.session = BuildSession()  # what one build leaves the next: only changed files are written
        self.collector = QuietCollector()  # garbage collection kept out of an edit's way

    def rebuild(self, changed: Sequence[str] = ()) -> bool:
        """Show an edited article's page at once when the edit allows it (serve/preview.py),
        then build the pages and reload the open tabs; changed search shards are left for
        `catch_up`. On failure keep the last good site and say why, everywhere. A build
        after a preview stops when another edit arrives (`cancel`): the next one does it.
        An edit's build runs with automatic garbage collection held off
        (collector.QuietCollector.paused); the first, which renders every page here and
        makes its garbage in proportion, runs with it."""
        with self.collector.paused() if changed else nullcontext():
            return self._rebuild(changed)

    def _rebuild(self, changed: Sequence[str]) -> bool:
        stamp = time.strftime("%H:%M:%S")
        cause = f"{_describe(changed, self.config.root)} changed: " if changed else ""
        self.cancel.clear()  # edits before this point are in `changed`
        try:
            config = load_config(self.config.root, self._overrides)
            tabs = self._hub.tabs()
            shown = self._preview(config, changed, stamp, cause)
            if shown and self._hub.wait_for_reloads(tabs, PREVIEW_GRACE, self.cancel):
                return True  # another edit already: its build does the rest
            if shown:
                self._index_shown(config)
            report = build(config, now=datetime.now(UTC), defer_search=True, session=self.session,
                           cancel=self.cancel if shown else None)
        except BuildCancelled:
            self.collector.after_build(finished=False)
            return True  # a newer edit is waiting; its build does the rest
        except SiteError as exc:
            self._fail(stamp, "\n".join(d.format() for d in exc.diagnostics))
            return False
        except Exception as exc:  # noqa: BLE001 - a failure must not kill the server; it is shown
            explained = explain_failure(exc, self.config.root, self.config)
            self._fail(stamp, "\n".join(d.format() for d in explained) if explained
                       else traceback.format_exc().rstrip())  # a bug: its traceback
            return False
        self.config = config
        for warning in report.warnings:
            print(warning.format(), file=self._err)
        print(f"[{stamp}] {cause}built {report.pages} pages in {report.seconds:.2f} s",
              file=self._out, flush=True)
        self._hub.succeeded()
        self.search_pending = report.search_pending > 0
        self._prepare_previews(config)
        self.collector.after_build(finished=True)
        return True

    def _prepare_previews(self, config: Config) -> None:
        """Ready the next edit's preview now, while the editor reads (serve/preview.py)."""
        try:
            prepare_preview(config, self.session.last)
        except Exception:  # noqa: BLE001 - a preview that cannot be readied is made when needed
            log.debug("preview not readied", exc_info=True)

    def _preview(self, config: Config, changed: Sequence[str], stamp: str, cause: str) -> list[str]:
        """Put the edited articles' pages in the live site and reload the tabs, if this edit
        allows it; the pages it showed. A failure here only means the full build does it all."""
        started = time.perf_counter()
        try:
            with build_lock(config, wait=True):
                shown = preview(config, self.session.last, list(changed))
        except Exception:  # noqa: BLE001 - the full build that follows reports any real problem
            log.debug("preview skipped", exc_info=True)
            return []
        if shown:
            self.session.caught_up = None  # the site is no longer what that build made
            self._hub.succeeded()
            print(f"[{stamp}] {cause}showed {', '.join(shown)} in {time.perf_counter() - started:.2f} s; "
                  "building the rest", file=self._out, flush=True)
        return shown

    def _index_shown(self, config: Config) -> None:
        """Index the search shards holding the previewed pages, before the full build: at
        40,000 articles that build takes half a minute, and the edit should be found
        sooner (build/live.py). A new edit stops it (BuildCancelled, for `_rebuild`); a
        failure only leaves the indexing to the build and its catch-up, which report it."""
        started = time.perf_counter()
        try:
            report = index_previewed(config, self.session, self.cancel)
        except BuildCancelled:
            raise
        except Exception:  # noqa: BLE001 - the build that follows indexes these shards too
            log.debug("search index of the preview skipped", exc_info=True)
            return
        if report is not None and report.shards[0]:
            print(f"[{time.strftime('%H:%M:%S')}] search: indexed the edited page(s) in "
                  f"{time.perf_counter() - started:.2f} s", file=self._out, flush=True)

    def catch_up(self) -> None:
        """Index the search shards the last build left stale, unless an edit comes first.

        The pages are the last build's, so nothing re-renders and open tabs are not
        reloaded: the shards are indexed from the pages that build planned (index_pending),
        or, without such a build in the session, by a build over the cache. A new edit
        cancels this (the next build defers search again). The caller clears `cancel`
        before it checks for edits. It runs at a lower priority (in_background)."""
        in_background(self._index_stale)

    def _index_stale(self) -> None:
        started = time.perf_counter()
        try:
            caught = index_pending(self.config, self.session, self.cancel, runs=CATCH_UP_RUNS)
            if caught is None:
                report = build(self.config, now=datetime.now(UTC), cancel=self.cancel, session=self.session)
                self.search_pending = report.search_pending > 0
            else:
                self.search_pending = caught.pending > 0
        except (BuildCancelled, SearchInterrupted):  # a new edit, or Ctrl+C reached Pagefind too
            return  # search_pending stays: the next quiet moment tries again
        except SiteError as exc:
            self._fail(time.strftime("%H:%M:%S"), "\n".join(d.format() for d in exc.diagnostics))
            self.search_pending = False
            return
        seconds = time.perf_counter() - started
        if self.search_pending:  # the edited pages' shards, or an edit stopped it: the rest later
            log.info("search index: part caught up in %.2f s, the rest follows", seconds)
            return
        print(f"[{time.strftime('%H:%M:%S')}] search index caught up in {seconds:.2f} s",
              file=self._out, flush=True)

    def _fail(self, stamp: str, text: str) -> None:
        print(text, file=self._err)
        print(f"[{stamp}] build failed: still serving the last good build", file=self._err,
              flush=True)
        self._hub.failed(text)


def in_background(work: Callable[[], None]) -> None:
    """Run `work` in a thread of its own, its nice value raised by CATCH_UP_NICE on Linux,
    and wait for it (its exception is raised here). Linux gives each thread a nice value
    and a process inherits that of the thread that starts it, so the catch-up's Pagefind
    runs yield the cores to the next edit's preview. The thread ends with the work: an
    unprivileged process could not lower the value back. Elsewhere `work` runs here."""
    if sys.platform != "linux":
        work()
        return
    failed: list[BaseException] = []

    def run() -> None:
        _lower_priority()
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            failed.append(exc)

    worker = threading.Thread(target=run, name="search-catch-up", daemon=True)
    worker.start()
    worker.join()
    if failed:
        raise failed[0]


def _lower_priority() -> None:
    """Raise this thread's nice value by CATCH_UP_NICE (at most 19); where the system
    refuses, the thread runs as it was."""
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread, min(19, os.getpriority(os.PRIO_PROCESS, thread) + CATCH_UP_NICE))


def _describe(changed: Sequence[str], root: Path) -> str:
    names = sorted({Path(p).relative_to(root).as_posix() if Path(p).is_relative_to(root) else p
                    for p in changed})
    return ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def _within(path: str, folders: Sequence[Path]) -> bool:
    target = Path(path)
    return any(target.is_relative_to(folder) for folder in folders)


class SourceFilter(watchfiles.DefaultFilter):
    """Watchfiles' default filter (editor swap files, .git, ...) minus our own outputs."""

    def __init__(self, ignored: Sequence[Path]) -> None:
        super().__init__()
        self._ignored = tuple(ignored)

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        return super().__call__(change, path) and not _within(path, self._ignored)


class Watcher:
    """Watch content/, templates/, static/ and config.yaml; rebuild once per burst.

    config.yaml gets a watcher of its own on the project folder, not recursive, because
    editors save by renaming a new file over the old one, which a watch on the file itself
    would lose, and a recursive watch on the project would cover public/ and node_modules/.
    """

    def __init__(self, rebuilder: Rebuilder) -> None:
        self._rebuilder = rebuilder
        self._stop = threading.Event()
        self._dirty = threading.Event()
        self._lock = threading.Lock()
        self._changed: list[str] = []
        self._threads: list[threading.Thread] = []
        self._ready: list[threading.Event] = []

    def start(self) -> None:
        """Start watching in threads; see `wait_until_ready`."""
        config = self._rebuilder.config
        folders = [config.path(n) for n in ("content", "templates", "static")]
        config_file = config.root / CONFIG_NAME
        own = (config.path("output"), config.path("cache"))
        self._ready = [self._spawn([f for f in folders if f.is_dir()], True,
                                   lambda _c, p: not _within(p, own), SourceFilter(own)),
                       self._spawn([config.root], False, lambda _c, p: Path(p) == config_file)]
        thread = threading.Thread(target=self._build_loop, name="rebuild", daemon=True)
        thread.start()
        self._threads.append(thread)

    def wait_until_ready(self, timeout: float = 5.0) -> None:
        """Return once the OS watches are in place: edits made after this are seen."""
        for event in self._ready:
            event.wait(timeout)

    def stop(self) -> None:
        """Stop watching and wait for a build in progress to end."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)
        self._rebuilder.collector.stop()

    def _spawn(self, paths: list[Path], recursive: bool, accept: WatchFilter,
               builds: WatchFilter | None = None) -> threading.Event:
        """Watch `paths` in a thread. Every change `accept` lets through is noted for the
        build (content/rescan.py); those `builds` lets through too (all, without it) start one."""
        ready = threading.Event()
        if not paths:
            ready.set()
            return ready
        thread = threading.Thread(target=self._watch, args=(paths, recursive, (accept, builds), ready),
                                  name="watch", daemon=True)
        thread.start()
        self._threads.append(thread)
        return ready

    def _watch(self, paths: list[Path], recursive: bool, filters: tuple[WatchFilter, WatchFilter | None],
               ready: threading.Event) -> None:
        accept, builds = filters
        notes = self._rebuilder.session.notes
        # yield_on_timeout: the first (empty) yield proves the OS watches are in place.
        for changes in watchfiles.watch(*paths, watch_filter=accept, recursive=recursive,
                                        debounce=WATCH_DEBOUNCE_MS, step=WATCH_STEP_MS,
                                        rust_timeout=READY_TIMEOUT_MS, yield_on_timeout=True,
                                        stop_event=self._stop, raise_interrupt=False):
            ready.set()
            if recursive:
                notes.watching()
            notes.note(path for _change, path in changes)  # before any build can start
            chosen = [path for change, path in changes if builds is None or builds(change, path)]
            if chosen:
                with self._lock:
                    self._changed.extend(chosen)
                self._dirty.set()
                self._rebuilder.cancel.set()  # after _dirty: see _build_loop

    def _build_loop(self) -> None:
        """Build after each burst; changes that arrive during a build cause one more."""
        while not self._stop.is_set():
            if not self._dirty.wait(timeout=0.2):
                self._rebuilder.session.drop_retired()
                self._catch_up()
                if not self._rebuilder.search_pending and not self._dirty.is_set():
                    self._rebuilder.collector.when_quiet()
                continue
            self._dirty.clear()
            with self._lock:
                changed, self._changed = self._changed, []
            if changed and not self._stop.is_set():
                self._rebuilder.rebuild(changed)

    def _catch_up(self) -> None:
        """Index the search shards left stale, in a quiet moment. `cancel` is cleared before
        `_dirty` is read, and the watcher sets it after `_dirty`: an edit arriving at any
        point either stops this before it starts or cancels it."""
        if not self._rebuilder.search_pending or self._stop.is_set():
            return
        self._rebuilder.cancel.clear()
        if not self._dirty.is_set():
            self._rebuilder.catch_up()
