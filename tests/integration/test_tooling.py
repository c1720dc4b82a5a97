"""Prove the shared test tooling on a tiny hand-written site before anything trusts it."""

from __future__ import annotations

import http.client
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.browser import rendered_fonts, run_axe, run_coroutine
from tests.support.server import normalize_base_path, serve_directory
from tests.support.tools import require_file
from tests.support.validators import run_vnu

VALID = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{title}</title></head>
<body><main><h1>{title}</h1><p>Article 2 of the treaty.</p>{extra}</main></body>
</html>
"""
INVALID = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Broken</title></head>
<body><p><div>block in paragraph</div></p><blink>old</blink></body></html>
"""


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A built-looking folder: a home page, an article folder, a 404 page, a broken page."""
    root = tmp_path / "public"
    (root / "posts" / "first").mkdir(parents=True)
    (root / "index.html").write_text(VALID.format(title="Home", extra=""), encoding="utf-8")
    (root / "posts" / "first" / "index.html").write_text(
        VALID.format(title="First article", extra=""), encoding="utf-8")
    (root / "404.html").write_text(VALID.format(title="Not found", extra=""), encoding="utf-8")
    (root / "invalid.html").write_text(INVALID, encoding="utf-8")
    (root / "no-alt.html").write_text(
        VALID.format(title="Picture", extra='<img src="x.png" width="10" height="10">'),
        encoding="utf-8")
    (root / "style.css").write_text("body { color: #111; }\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the site", encoding="utf-8")
    return root


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


def fetch(url: str) -> tuple[int, str, str]:
    """GET `url` without following redirects; return status, content type and body."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read().decode()


def raw_get(base_url: str, raw_path: str) -> tuple[int, bytes]:
    """Send `raw_path` exactly as written (urllib and browsers would normalize `..`)."""
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.putrequest("GET", raw_path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.mark.parametrize(("given", "expected"), [
    ("/", "/"), ("", "/"), ("/archive/", "/archive/"), ("archive", "/archive/"),
    ("/a//b", "/a/b/"),
])
def test_base_path_is_normalized(given: str, expected: str) -> None:
    assert normalize_base_path(given) == expected


def test_server_serves_pages_folders_and_assets(site: Path) -> None:
    with serve_directory(site) as base:
        assert base.startswith("http://127.0.0.1:") and base.endswith("/")
        status, kind, body = fetch(base)
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert "<title>Home</title>" in body
        assert "First article" in fetch(base + "posts/first/")[2]
        assert fetch(base + "style.css")[:2] == (200, "text/css; charset=utf-8")


def test_server_redirects_a_folder_without_its_slash(site: Path) -> None:
    opener = urllib.request.build_opener(_NoRedirect)
    with serve_directory(site, "/archive/") as base, \
            pytest.raises(urllib.error.HTTPError) as caught:
        opener.open(base + "posts/first", timeout=10)
    assert caught.value.code == 301
    assert caught.value.headers["Location"] == "/archive/posts/first/"


def test_server_answers_missing_paths_with_the_sites_404_page(site: Path) -> None:
    with serve_directory(site) as base:
        status, kind, body = fetch(base + "no/such/page/")
        assert status == 404
        assert kind == "text/html; charset=utf-8"
        assert "<title>Not found</title>" in body
        assert fetch(base + "posts/")[0] == 404  # a folder without index.html


def test_server_without_404_page_still_answers_404(site: Path) -> None:
    (site / "404.html").unlink()
    with serve_directory(site) as base:
        assert fetch(base + "missing.html")[0] == 404


@pytest.mark.parametrize("raw", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/secret.txt", "/posts/../../secret.txt",
    "/posts/%2e%2e/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt",
    "/%2e%2e%2fsecret.txt",
])
def test_server_refuses_to_leave_the_site_folder(site: Path, raw: str) -> None:
    with serve_directory(site) as base:
        status, body = raw_get(base, raw)
    assert status == 404
    assert b"outside the site" not in body


def test_server_refuses_symlinks_that_leave_the_site(site: Path) -> None:
    (site / "link.txt").symlink_to(site.parent / "secret.txt")
    with serve_directory(site) as base:
        status, body = raw_get(base, "/link.txt")
    assert status == 404 and b"outside the site" not in body


def test_server_mounts_the_site_under_its_base_path(site: Path) -> None:
    with serve_directory(site, "/archive/") as base:
        assert urlsplit(base).path == "/archive/"
        assert fetch(base)[0] == 200
        assert "First article" in fetch(base + "posts/first/")[2]
        root = base.removesuffix("archive/")
        assert fetch(root + "index.html")[0] == 404
        assert fetch(root + "posts/first/")[0] == 404
        assert fetch(root + "archive")[0] == 301
        status, _, body = fetch(base + "missing/")
        assert status == 404 and "<title>Not found</title>" in body


def test_server_stops_when_the_block_ends(site: Path) -> None:
    with serve_directory(site) as base:
        pass
    with pytest.raises(OSError):
        urllib.request.urlopen(base, timeout=2)


def test_server_refuses_a_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no such folder"), \
            serve_directory(tmp_path / "public"):
        pass


def test_browser_loads_a_served_page(site: Path, page, serve) -> None:
    base = serve(site, "/archive/")
    response = page.goto(base + "posts/first/")
    assert response is not None and response.status == 200
    assert page.title() == "First article"
    missing = page.goto(base + "missing/")
    assert missing is not None and missing.status == 404
    assert page.title() == "Not found"


def test_browser_renders_japanese_with_a_cjk_font(tmp_path: Path, page, serve) -> None:
    (tmp_path / "index.html").write_text(
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>条約</title></head>'
        '<body><p id="t" style="font-size:40px;display:inline-block">条約の解釈</p></body></html>',
        encoding="utf-8")
    page.goto(serve(tmp_path))
    assert page.title() == "条約"
    fonts = rendered_fonts(page, "#t")
    assert any("CJK" in name for name in fonts), f"Japanese drawn with {fonts}: apt-get install -y fonts-noto-cjk"


def test_async_code_runs_beside_the_sync_browser(page) -> None:
    """asyncio.run() fails while Playwright's sync API is up; run_coroutine does not."""
    import asyncio

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    page.set_content("<title>up</title>")
    coroutine = answer()
    with pytest.raises(RuntimeError, match="running event loop"):
        asyncio.run(coroutine)
    coroutine.close()
    assert run_coroutine(answer()) == 42
    assert page.title() == "up"


def test_axe_finds_an_image_without_alt(site: Path, page, serve, axe_script: str) -> None:
    base = serve(site)
    page.goto(base + "no-alt.html")
    assert "image-alt" in {violation["id"] for violation in run_axe(page, axe_script)}


def test_axe_passes_a_clean_page(site: Path, page, serve, axe_script: str) -> None:
    page.goto(serve(site) + "posts/first/")
    assert run_axe(page, axe_script) == []


def test_vnu_reports_the_invalid_page_only(site: Path, vnu: Path) -> None:
    errors = run_vnu([site / "index.html", site / "invalid.html"], jar=vnu)
    assert errors, "the invalid page passed the Nu checker"
    assert all(line.startswith(str(site / "invalid.html") + ":") for line in errors), errors
    assert any("blink" in line for line in errors)


def test_vnu_walks_a_folder_and_skips_non_html(site: Path, vnu: Path) -> None:
    (site / "invalid.html").unlink()
    (site / "no-alt.html").unlink()  # the checker also wants alt on <img>
    assert run_vnu([site], jar=vnu) == []


def test_vnu_refuses_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        run_vnu([tmp_path / "nope.html"])


def test_a_missing_tool_skips_on_a_developers_machine(monkeypatch: pytest.MonkeyPatch,
                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="npm ci"):
        require_file(tmp_path / "vnu.jar", "run npm ci")


def test_a_missing_tool_fails_on_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"CI=true"):
        require_file(tmp_path / "vnu.jar", "run npm ci")


def load_screenshots_script():
    """Import scripts/screenshots.py, which is a script, not a package module."""
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots_script", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_screenshots_asks_for_a_build_when_the_site_is_missing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = load_screenshots_script()
    assert script.main(["--site", str(tmp_path / "public")]) == 2
    assert "run `python build.py` first" in capsys.readouterr().err


def test_screenshots_picks_home_japanese_and_tag_pages(site: Path) -> None:
    for folder, lang in [("tags/b-tag", "en"), ("tags/a-tag", "en"), ("posts/ja", "ja")]:
        (site / folder).mkdir(parents=True)
        (site / folder / "index.html").write_text(
            f'<html lang="{lang}"><title>x</title></html>', encoding="utf-8")
    script = load_screenshots_script()
    assert [(shot.name, shot.page) for shot in script.find_shots(site)] == [
        ("home", ""), ("japanese", "posts/ja/"), ("tag", "tags/a-tag/")]
