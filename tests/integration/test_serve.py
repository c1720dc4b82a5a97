"""`build.py serve` for real: a server on a free port, real edits on disk, a real browser.

Each test starts `sitegen.serve.server.Server` on 127.0.0.1, port 0, against a mini-site, talks
to it over HTTP (http.client, so paths such as `/../x` go out unnormalised) and stops it.
"""

from __future__ import annotations

import gzip
import http.client
import io
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest

from sitegen.config.settings import load_config
from sitegen.serve.server import Server, serve
from tests.support.sites import REPO, article, write_site

if TYPE_CHECKING:
    from playwright.sync_api import Page

SITE: dict[str, str | bytes] = {
    "content/2019/first.md": article("First light", slug="first", body="The original text."),
    "content/2019/plans.md": article("Secret plans", slug="plans", draft="true",
                                     body="Not yet published."),
}
SOURCE = "content/2019/first.md"
BROKEN = "---\ntitle: [unclosed\ndate: 2019-07-07\nslug: first\n---\nHalf-edited.\n"
WAIT = 10.0  # seconds a rebuild may take to show up, at most


@dataclass(frozen=True)
class Response:
    status: int
    headers: http.client.HTTPMessage
    text: str


@dataclass
class Live:
    """A running server, its project folder, and what it printed."""

    server: Server
    root: Path
    out: io.StringIO
    err: io.StringIO

    @property
    def address(self) -> tuple[str, int]:
        parts = urlsplit(self.server.url)
        return parts.hostname or "", parts.port or 0

    def get(self, path: str, method: str = "GET") -> Response:
        """Send `path` exactly as given, without following redirects."""
        conn = http.client.HTTPConnection(*self.address, timeout=10)
        try:
            conn.request(method, path)
            response = conn.getresponse()
            return Response(response.status, response.headers,
                            response.read().decode("utf-8", "replace"))
        finally:
            conn.close()

    def edit(self, name: str, text: str) -> None:
        (self.root / name).write_text(text, encoding="utf-8")


class EventStream:
    """Read the live-reload event stream the way a page's EventSource does."""

    def __init__(self, live: Live) -> None:
        self._conn = http.client.HTTPConnection(*live.address, timeout=WAIT)
        self._conn.request("GET", "/__livereload")
        self.response = self._conn.getresponse()

    def next_event(self) -> tuple[str, str]:
        name, data = "message", list[str]()
        while True:
            line = self.response.readline().decode("utf-8").rstrip("\n")
            if not line and (data or name != "message"):
                return name, "\n".join(data)
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])

    def wait_for(self, name: str, accept: Callable[[str], bool] = lambda _: True) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            event, data = self.next_event()
            if event == name and accept(data):
                return data
        raise AssertionError(f"no {name!r} event within {WAIT} s")

    def close(self) -> None:
        self._conn.close()


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Callable[..., Live]]:
    """Start a server on a free port for a mini-site; stopped after the test."""
    with ExitStack() as stack:
        def run(files: dict[str, str | bytes] = SITE, max_threads: int = 64,
                **overrides: object) -> Live:
            root = write_site(tmp_path / "site", files)
            config = load_config(root, {"build_drafts": True, **overrides})
            out, err = io.StringIO(), io.StringIO()
            server = Server(config, host="127.0.0.1", port=0, out=out, err=err,
                            max_threads=max_threads)
            server.start()
            stack.callback(server.stop)
            return Live(server, root, out, err)

        yield run


def test_serves_pages_drafts_and_the_custom_404(start: Callable[..., Live]) -> None:
    live = start()
    assert live.server.url.startswith("http://127.0.0.1:")
    home = live.get("/")
    assert home.status == 200 and home.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "The original text." in live.get("/2019/first/").text
    assert "Not yet published." in live.get("/2019/plans/").text  # drafts are on
    assert live.get("/2019/first").headers["Location"] == "/2019/first/"
    missing = live.get("/no/such/page/")
    assert missing.status == 404 and "Page not found" in missing.text
    assert live.get("/no/such/page/", method="HEAD").status == 404
    assert live.get("/css/site.css").headers["Content-Type"] == "text/css; charset=utf-8"


def test_injects_live_reload_in_served_html_only(start: Callable[..., Live]) -> None:
    live = start()
    served = live.get("/2019/first/").text
    assert '<script src="/__livereload.js" data-build="' in served
    assert served.index("/__livereload.js") < served.rindex("</body>")
    on_disk = (live.root / "public" / "2019" / "first" / "index.html").read_text("utf-8")
    assert "__livereload" not in on_disk
    assert "__livereload" not in live.get("/css/site.css").text
    script = live.get("/__livereload.js")
    assert script.status == 200 and "EventSource" in script.text
    assert script.headers["Content-Type"].startswith("text/javascript")


OUTSIDE = ["/../config.yaml", "/%2e%2e/config.yaml", "/%2E%2E%2Fconfig.yaml",
           "/2019/..%2f..%2fconfig.yaml", "/..%5cconfig.yaml", "//etc/passwd",
           "/%2Fetc%2Fpasswd", "/leak.yaml", "/leakdir/config.yaml"]


def test_refuses_everything_outside_the_output(start: Callable[..., Live]) -> None:
    live = start()
    (live.root / "public" / "leak.yaml").symlink_to(live.root / "config.yaml")
    (live.root / "public" / "leakdir").symlink_to(live.root, target_is_directory=True)
    answers = {path: live.get(path) for path in OUTSIDE}
    assert {p: r.status for p, r in answers.items() if r.status not in (403, 404)} == {}
    assert [p for p, r in answers.items() if "base_url" in r.text or "root:" in r.text] == []
    assert answers["/leak.yaml"].status == 403  # the symlink was found, and refused


def test_mounts_the_site_under_its_base_path(start: Callable[..., Live]) -> None:
    live = start(**{"site.base_url": "https://example.org/archive/"})
    assert live.server.url.endswith("/archive/")
    root = live.get("/")
    assert root.status == 301 and root.headers["Location"] == "/archive/"
    assert "The original text." in live.get("/archive/2019/first/").text
    assert live.get("/2019/first/").status == 404


def test_broken_edit_keeps_the_last_good_build_then_recovers(start: Callable[..., Live]) -> None:
    live = start()
    events = EventStream(live)
    try:
        first_token = events.wait_for("reload")
        live.edit(SOURCE, BROKEN)
        error = events.wait_for("build-error")
        broken = "content/2019/first.md:2:8: error: invalid YAML front matter: the '[' opened here is never closed"
        assert broken in error
        assert broken in live.err.getvalue()
        assert "still serving the last good build" in live.err.getvalue()
        still = live.get("/2019/first/")
        assert still.status == 200 and "The original text." in still.text
        live.edit(SOURCE, article("First light", slug="first", body="Fixed."))
        events.wait_for("reload", lambda token: token != first_token)
    finally:
        events.close()
    assert "Fixed." in live.get("/2019/first/").text


def test_a_config_edit_is_rebuilt_with_the_same_overrides(start: Callable[..., Live]) -> None:
    live = start()
    events = EventStream(live)
    try:
        first_token = events.wait_for("reload")
        config = live.root / "config.yaml"
        replacement = live.root / "config.yaml.new"  # saved the way editors do: rename over
        replacement.write_text(config.read_text("utf-8").replace("Test archive", "Renamed"),
                               encoding="utf-8")
        os.replace(replacement, config)
        events.wait_for("reload", lambda token: token != first_token)
    finally:
        events.close()
    assert "Renamed" in live.get("/").text
    assert live.get("/2019/plans/").status == 200  # drafts still on after the reload


def test_survives_a_flood_of_requests(start: Callable[..., Live]) -> None:
    live = start(max_threads=4)  # 32 clients, 4 handler threads: the rest wait their turn
    paths = ["/", "/2019/first/", "/css/site.css", "/nope/", "/../config.yaml"] * 100
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(lambda p: live.get(p).status, paths))
    assert len(statuses) == 500
    assert sorted(set(statuses)) == [200, 403, 404]
    assert live.get("/").status == 200


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", SITE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        err = io.StringIO()
        code = serve(load_config(root), host="127.0.0.1", port=port, out=io.StringIO(), err=err)
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in err.getvalue()


def _start_serving(root: Path, ignore_sigint: bool = False) -> tuple[subprocess.Popen[str], str]:
    """`build.py serve` on a free port, started (optionally with SIGINT ignored, as a shell
    script's background job is), and the URL it serves at."""
    command = [sys.executable, str(REPO / "build.py"), "serve", "--root", str(root), "--port", "0"]
    ignore = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if ignore_sigint else None
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=REPO, preexec_fn=ignore)  # noqa: PLW1509 - no threads here
    assert process.stdout is not None
    line = process.stdout.readline()
    while line and not line.startswith("Serving "):
        line = process.stdout.readline()
    assert line.startswith("Serving http://127.0.0.1:") and line.endswith("(Ctrl+C to stop)\n")
    return process, line.split()[1]


def test_the_command_serves_drafts_on_localhost_until_ctrl_c(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", SITE)
    process, address = _start_serving(root)
    try:
        url = urlsplit(address)
        conn = http.client.HTTPConnection(url.hostname or "", url.port, timeout=10)
        conn.request("GET", "/2019/plans/")
        assert conn.getresponse().status == 200
        conn.close()
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize(("ignored", "stop"), [(True, signal.SIGINT), (False, signal.SIGTERM)])
def test_the_command_stops_on_sigint_though_started_ignoring_it_and_on_sigterm(tmp_path: Path, ignored: bool,
                                                                                stop: signal.Signals) -> None:
    """As Hugo's server does; before, a server started as a script's background job could
    be stopped by SIGKILL only."""
    root = write_site(tmp_path / "site", SITE)
    process, _ = _start_serving(root, ignore_sigint=ignored)
    try:
        process.send_signal(stop)
        out, _ = process.communicate(timeout=20)
        assert process.returncode == 0 and "Stopped." in out
        assert sorted(path.name for path in root.iterdir() if path.name.startswith(".")) == [".cache"]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.browser
def test_the_browser_follows_edits_and_shows_errors(start: Callable[..., Live],
                                                    page: Page) -> None:
    live = start()
    page.goto(live.server.url + "2019/first/")
    assert page.get_by_text("The original text.", exact=True).is_visible()
    live.edit(SOURCE, BROKEN)
    alert = page.get_by_role("alert")
    alert.wait_for(timeout=WAIT * 1000)
    assert "content/2019/first.md:2:8: error:" in alert.inner_text()
    assert page.get_by_text("The original text.", exact=True).is_visible()  # the last good page stays
    live.edit(SOURCE, article("First light", slug="first", body="Edited live."))
    page.get_by_text("Edited live.", exact=True).wait_for(timeout=WAIT * 1000)
    assert page.get_by_role("alert").count() == 0


@pytest.mark.browser
def test_an_open_page_reloads_after_a_server_restart(tmp_path: Path, page: Page) -> None:
    root = write_site(tmp_path / "site", SITE)
    config = load_config(root, {"build_drafts": True})
    quiet = io.StringIO()
    first = Server(config, port=0, out=quiet, err=quiet)
    first.start()
    try:
        url = first.url
        page.goto(url + "2019/first/")
        page.get_by_text("The original text.", exact=True).wait_for()
    finally:
        first.stop()
    (root / SOURCE).write_text(article("First light", slug="first", body="After restart."),
                               encoding="utf-8")
    port = urlsplit(url).port or 0
    with Server(config, port=port, out=quiet, err=quiet):
        page.get_by_text("After restart.", exact=True).wait_for(timeout=WAIT * 1000)


def _wait_for_output(live: Live, text: str, count: int = 1) -> None:
    deadline = time.monotonic() + WAIT
    while live.out.getvalue().count(text) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert live.out.getvalue().count(text) >= count, live.out.getvalue() + live.err.getvalue()


def test_tabs_reload_before_search_catches_up(start: Callable[..., Live]) -> None:
    """An edit reloads open pages as soon as the pages are built; the search index of the
    edited page follows in the background, without another reload. (A new title is not
    previewed: the whole edit waits for the build.)"""
    live = start()
    events = EventStream(live)
    try:
        first_token = events.wait_for("reload")
        live.edit(SOURCE, article("First light, retitled", slug="first", body="A zeppelin over Yokosuka."))
        events.wait_for("reload", lambda token: token != first_token)
        _wait_for_output(live, "changed: built")
        built_token = live.server.hub.current().token
        _wait_for_output(live, "search index caught up")
    finally:
        events.close()
    assert "zeppelin" in live.get("/2019/first/").text
    fragments = [gzip.decompress(p.read_bytes()) for p in
                 (live.root / "public" / "pagefind" / "en").glob("*/fragment/*.pf_fragment")]
    assert any(b"zeppelin" in fragment for fragment in fragments)
    assert live.server.hub.current().token == built_token  # no reload for the index


def _previewed_then_built(live: Live, body: str) -> bytes:
    """Give SOURCE a new body; wait for the preview's reload and then the full build; the
    page as the preview showed it."""
    events = EventStream(live)
    try:
        first_token = events.wait_for("reload")
        live.edit(SOURCE, article("First light", slug="first", body=body))
        events.wait_for("reload", lambda token: token != first_token)
        _wait_for_output(live, "changed: showed 2019/first/index.html in ")
        shown = (live.root / "public" / "2019" / "first" / "index.html").read_bytes()
        _wait_for_output(live, "changed: built")
    finally:
        events.close()
    return shown


def test_an_edit_to_the_text_shows_before_the_site_is_built_again(start: Callable[..., Live]) -> None:
    """Hugo's fast render, for the edit writers make all day: the article's own page is
    rendered at once from the last build's plan and the tabs reload; the build that
    follows brings the lists up to date, and leaves that page's bytes as they were."""
    live = start()
    shown = _previewed_then_built(live, "A zeppelin over Yokosuka.")
    assert b"A zeppelin over Yokosuka." in shown
    assert (live.root / "public" / "2019" / "first" / "index.html").read_bytes() == shown
    assert "zeppelin" in live.get("/").text  # the home list's summary, from the full build
    out = live.out.getvalue()
    assert out.index("changed: showed") < out.index("changed: built")


def test_a_page_where_no_edit_starts_a_build_comes_with_the_next_build(start: Callable[..., Live]) -> None:
    """The watcher starts no build for a change under node_modules/ (watchfiles' default
    filter), yet a Markdown file there is a page, as for a command-line build. The next
    edit's build must publish it, though that edit alone is one an edit's build finds
    from the watcher's notes (content/rescan.py): the new file was noted too."""
    live = start()
    live.edit("content/2019/first.md", article("First light", slug="first", body="Before."))
    _wait_for_output(live, "changed: built")
    (live.root / "content/node_modules").mkdir()
    live.edit("content/node_modules/guide.md", article("A guide", slug="guide", body="Found."))
    time.sleep(0.5)  # past the watcher's step: its change is noted, and builds nothing
    assert live.out.getvalue().count("changed: built") == 1
    _previewed_then_built(live, "After.")
    _wait_for_output(live, "changed: built", count=2)
    assert "Found." in live.get("/node_modules/guide/").text


def test_a_previewed_page_without_a_description_of_its_own_has_the_sites(start: Callable[..., Live]) -> None:
    """A body left with only a comment gives its article no description, so its page
    carries the site's, as planning gives it; the preview shows the same page as the build
    that follows (it once published an empty description until then)."""
    live = start()
    shown = _previewed_then_built(live, "<!-- to be written -->")
    assert b'<meta name="description" content="A test site.">' in shown
    assert (live.root / "public" / "2019" / "first" / "index.html").read_bytes() == shown


def test_a_previewed_edit_is_searchable_before_the_site_is_built_again(start: Callable[..., Live]) -> None:
    """After the preview's reload, the edited page's search shards are indexed from the live
    page before the full build (which keeps them): at 40,000 articles that build takes
    half a minute, and search should not wait for it."""
    live = start()
    live.edit(SOURCE, article("First light", slug="first", body="A zeppelin over Yokosuka."))
    _wait_for_output(live, "changed: built")
    out = live.out.getvalue()
    assert out.index("changed: showed") < out.index("search: indexed the edited page(s) in ") < out.index(
        "changed: built")
    assert "search index caught up" not in out  # the build left no shard behind
    fragments = [gzip.decompress(p.read_bytes()) for p in
                 (live.root / "public" / "pagefind" / "en").glob("*/fragment/*.pf_fragment")]
    assert any(b"zeppelin" in fragment for fragment in fragments)


def test_an_edit_to_the_front_matter_waits_for_the_build(start: Callable[..., Live]) -> None:
    """A new title can move the page in every list (and its slug its URL): nothing is shown
    before the whole site is built again."""
    live = start()
    live.edit(SOURCE, article("First light, retitled", slug="first", body="The original text."))
    _wait_for_output(live, "changed: built")
    assert "changed: showed" not in live.out.getvalue()
    assert "First light, retitled" in live.get("/2019/first/").text


def test_the_first_edit_after_starting_on_a_built_site_is_shown_at_once(tmp_path: Path) -> None:
    """A server started over a site already built (its output standing) still plans it,
    so that the first edit to an article's text is shown at once too."""
    from datetime import UTC, datetime

    from sitegen.build.pipeline import build

    root = write_site(tmp_path / "site", SITE)
    config = load_config(root, {"build_drafts": True})
    build(config, now=datetime.now(UTC))
    out, err = io.StringIO(), io.StringIO()
    server = Server(config, host="127.0.0.1", port=0, out=out, err=err)
    server.start()
    try:
        live = Live(server, root, out, err)
        live.edit(SOURCE, article("First light", slug="first", body="A zeppelin over Yokosuka."))
        _wait_for_output(live, "changed: showed 2019/first/index.html in ")
    finally:
        server.stop()
