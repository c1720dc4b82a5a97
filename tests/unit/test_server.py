"""The dev server's pure parts: where a URL path leads, script injection, the build-state hub."""

from __future__ import annotations

import sys
import threading
import time
from http import HTTPStatus
from pathlib import Path

import pytest

from sitegen.config.settings import load_config
from sitegen.serve.files import content_type, request_path, resolve_target
from sitegen.serve.livereload import (
    BuildState,
    LiveReloadHub,
    encode_state,
    format_event,
    inject_script,
    pinned_overrides,
)
from sitegen.serve.server import SWITCH_INTERVAL, responsive_threads
from tests.support.sites import write_site

OK, MOVED, FORBIDDEN, NOT_FOUND = (HTTPStatus.OK, HTTPStatus.MOVED_PERMANENTLY,
                                   HTTPStatus.FORBIDDEN, HTTPStatus.NOT_FOUND)


@pytest.fixture
def output(tmp_path: Path) -> Path:
    """A built-site folder next to a secret that must never be served."""
    (tmp_path / "secret.txt").write_text("top secret", encoding="utf-8")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "index.html").write_text("outside", encoding="utf-8")
    out = tmp_path / "public"
    (out / "2019" / "first").mkdir(parents=True)
    (out / "index.html").write_text("home", encoding="utf-8")
    (out / "2019" / "first" / "index.html").write_text("first", encoding="utf-8")
    (out / "css").mkdir()
    (out / "css" / "site.css").write_text("body{}", encoding="utf-8")
    (out / "a file.txt").write_text("spaced", encoding="utf-8")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "leakdir").symlink_to(tmp_path / "outside", target_is_directory=True)
    (out / "alias.css").symlink_to(out / "css" / "site.css")
    return out


@pytest.mark.parametrize(("path", "status", "served"), [
    ("/", OK, "index.html"),
    ("/2019/first/", OK, "2019/first/index.html"),
    ("/css/site.css", OK, "css/site.css"),
    ("/a%20file.txt", OK, "a file.txt"),
    ("/./css/./site.css", OK, "css/site.css"),
    ("/alias.css", OK, "css/site.css"),  # a symlink that stays inside is fine
    ("/missing/", NOT_FOUND, None),
    ("/2019/first/nope.html", NOT_FOUND, None),
    ("//etc/passwd", NOT_FOUND, None),  # an absolute path is looked up inside the site
    ("/%2Fetc%2Fpasswd", NOT_FOUND, None),
    ("/../secret.txt", FORBIDDEN, None),
    ("/%2e%2e/secret.txt", FORBIDDEN, None),
    ("/%2E%2E%2Fsecret.txt", FORBIDDEN, None),
    ("/css/..%2f..%2fsecret.txt", FORBIDDEN, None),
    ("/..\\secret.txt", FORBIDDEN, None),
    ("/%5c..%5csecret.txt", FORBIDDEN, None),
    ("/index.html%00.css", FORBIDDEN, None),
    ("/leak.txt", FORBIDDEN, None),
    ("/leakdir/", FORBIDDEN, None),
    ("/leakdir/index.html", FORBIDDEN, None),
])
def test_resolve_target_serves_only_inside_the_output(
        output: Path, path: str, status: HTTPStatus, served: str | None) -> None:
    target = resolve_target(output, "/", path)
    assert target.status == status
    assert target.file == (output / served if served else None)


@pytest.mark.parametrize(("base", "path", "location"), [
    ("/", "/2019/first", "/2019/first/"),
    ("/", "//2019//first", "/2019/first/"),  # never a protocol-relative '//host' Location
    ("/", "/a%20dir", "/a%20dir/"),
    ("/archive/", "/", "/archive/"),
    ("/archive/", "/archive", "/archive/"),
    ("/archive/", "/archive/2019", "/archive/2019/"),
])
def test_resolve_target_redirects_folders_to_their_slash(
        output: Path, base: str, path: str, location: str) -> None:
    (output / "a dir").mkdir()
    target = resolve_target(output, base, path)
    assert (target.status, target.location) == (MOVED, location)


def test_resolve_target_honours_the_base_path(output: Path) -> None:
    assert resolve_target(output, "/archive/", "/archive/").file == output / "index.html"
    assert resolve_target(output, "/archive/", "/archive/css/site.css").status == OK
    assert resolve_target(output, "/archive/", "/css/site.css").status == NOT_FOUND
    assert resolve_target(output, "/archive/", "/archived/").status == NOT_FOUND


def test_resolve_target_copes_with_a_missing_output(tmp_path: Path) -> None:
    assert resolve_target(tmp_path / "never-built", "/", "/").status == NOT_FOUND


def test_resolve_target_answers_odd_names_with_not_found(output: Path) -> None:
    (output / "loop").symlink_to(output / "loop")
    assert resolve_target(output, "/", "/loop").status == NOT_FOUND
    assert resolve_target(output, "/", "/" + "a" * 5000).status == NOT_FOUND


@pytest.mark.parametrize(("raw", "path"), [
    ("/a/b/?q=1", "/a/b/"),
    ("/a#frag", "/a"),
    ("http://127.0.0.1:1313/x/?y", "/x/"),
    ("//etc/passwd", "//etc/passwd"),  # kept as a path, not parsed as a host
])
def test_request_path_drops_query_and_host(raw: str, path: str) -> None:
    assert request_path(raw) == path


@pytest.mark.parametrize(("name", "kind"), [
    ("index.html", "text/html; charset=utf-8"),
    ("site.css", "text/css; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("favicon.ico", "image/x-icon"),
    ("photo.JPG", "image/jpeg"),
    ("data.bin", "application/octet-stream"),
])
def test_content_type(name: str, kind: str) -> None:
    assert content_type(Path(name)) == kind


def test_inject_script_goes_before_the_last_body_end() -> None:
    page = b"<html><body><pre>&lt;/body&gt;</pre><p>x</p></BODY >\n</html>\n"
    injected = inject_script(page, "abc.1")
    tag = b'<script src="/__livereload.js" data-build="abc.1" defer></script>\n'
    assert injected == page.replace(b"</BODY >", tag + b"</BODY >")


def test_inject_script_appends_without_a_body_end_and_escapes_the_token() -> None:
    injected = inject_script(b"<p>fragment</p>", 'a"b')
    assert injected.startswith(b"<p>fragment</p>\n<script ")
    assert b'data-build="a&quot;b"' in injected


def test_format_event_splits_lines_into_data_fields() -> None:
    assert format_event("build-error", "a:1: error: x\n  hint: y") == (
        b"event: build-error\ndata: a:1: error: x\ndata:   hint: y\n\n")


def test_encode_state_adds_the_error_only_after_a_failure() -> None:
    good = BuildState("run.2", None, 3)
    assert encode_state(good) == b"event: reload\ndata: run.2\n\n"
    bad = BuildState("run.2", "boom", 4)
    assert encode_state(bad).endswith(b"event: build-error\ndata: boom\n\n")


def test_hub_tokens_change_with_good_builds_only() -> None:
    hub = LiveReloadHub()
    first = hub.current()
    hub.failed("x.md:1: error: broken")
    failed = hub.current()
    assert (failed.token, failed.error) == (first.token, "x.md:1: error: broken")
    assert failed.version != first.version
    hub.succeeded()
    fixed = hub.current()
    assert fixed.token != first.token and fixed.error is None
    assert LiveReloadHub().current().token != first.token  # a restart reloads pages too


def test_hub_wakes_waiting_streams_and_ends_them_on_close() -> None:
    hub = LiveReloadHub()
    seen = hub.current().version
    assert hub.wait_for_change(seen - 1, timeout=0).version == seen  # type: ignore[union-attr]
    timer = threading.Timer(0.05, hub.succeeded)
    timer.start()
    changed = hub.wait_for_change(seen, timeout=5)
    assert changed is not None and changed.version != seen
    threading.Timer(0.05, hub.close).start()
    assert hub.wait_for_change(changed.version, timeout=5) is None


def test_hub_bounds_the_number_of_streams() -> None:
    hub = LiveReloadHub(max_streams=2)
    assert hub.open_stream() and hub.open_stream()
    assert not hub.open_stream()
    hub.close_stream()
    assert hub.open_stream()


def test_pinned_overrides_keep_command_line_values_only(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {})
    plain = load_config(root, {"build_drafts": True})
    assert pinned_overrides(plain) == {"build_drafts": True, "build_future": False}
    overridden = load_config(root, {"paths.output": "out", "site.base_url": "/x/"})
    assert pinned_overrides(overridden) == {
        "build_drafts": False, "build_future": False,
        "paths.output": "out", "site.base_url": "/x/"}


def test_the_build_after_a_preview_waits_for_the_open_tabs_to_reload_not_longer() -> None:
    """serve's full build after a preview starts once every open tab has reloaded (its
    event stream opened again), so the reload does not compete with the build for the
    interpreter; with no tab open it starts at once, and a new edit ends the wait."""
    hub = LiveReloadHub()
    assert hub.open_stream()  # one tab, on the page being edited
    before = hub.tabs()
    assert before[0] == 1
    cancel = threading.Event()

    def reload_the_tab() -> None:
        hub.close_stream()
        hub.open_stream()

    tab = threading.Timer(0.05, reload_the_tab)
    tab.start()
    waited = time.monotonic()
    assert hub.wait_for_reloads(before, 60.0, cancel) is False
    assert hub.tabs() == (1, before[1] + 1)  # the tab had reloaded when the wait ended
    assert time.monotonic() - waited < 30  # at the reload, long before the limit
    tab.join()
    idle = LiveReloadHub()
    assert idle.wait_for_reloads(idle.tabs(), 60.0, cancel) is False  # no tab: no wait
    cancel.set()
    assert hub.wait_for_reloads(hub.tabs(), 60.0, cancel) is True  # an edit came: stop waiting


def test_serving_hands_the_interpreter_to_waiting_threads_sooner_and_gives_it_back() -> None:
    """serve() answers requests in threads beside a computing build thread; while it runs
    a waiting thread gets the interpreter after SWITCH_INTERVAL, not Python's 5 ms, and
    the process's own setting comes back afterwards, even when serving fails."""
    before = sys.getswitchinterval()
    with pytest.raises(RuntimeError), responsive_threads():
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
        assert before > SWITCH_INTERVAL
        raise RuntimeError("the server stopped")
    assert sys.getswitchinterval() == before
