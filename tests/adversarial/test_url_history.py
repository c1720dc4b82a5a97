"""Cool URIs don't change: a URL the site published keeps working, or the build says why not.

Every test builds a real mini-site with the real CLI, changes it the way an editor would
(a new slug, a deleted article, a draft, a non-ASCII alias) and builds again. The history
of published URLs lives in `published-urls.txt` in the project (meant to be committed)
with a copy in the build cache, so these tests also delete the output folder, the file or
the cache to check which of them the history survives.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from lxml import html as lxml_html

from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.build.url_history import HEADER, Entry, HistoryMemo, load_history, render_history
from sitegen.config.settings import load_config
from sitegen.errors import BuildFailed, ContentError
from tests.support.server import serve_directory
from tests.support.sites import article, build_site, read_tree, run_cli, write_site

CONFIG = """\
site:
  title: Test archive
  base_url: https://example.org/
  language: en
permalinks:
  default: /:section/:slug/
search:
  enabled: false
"""
HISTORY = "published-urls.txt"
LINE_HINT = ('each line is ["/url/", "path/under/content.md"] (and "removed" after a removed one): '
             "resolve the merge or restore the file from version control")


def site(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_site(tmp_path / "site", {"config.yaml": CONFIG, **files})


def built(root: Path, *args: str) -> str:
    run = build_site(root, *args)
    assert run.code == 0, run.err
    return run.err


def redirect_target(page: Path) -> str:
    """Where a redirect page sends the reader; it must say so three ways, all the same."""
    tree = lxml_html.fromstring(page.read_bytes())
    refresh = [m.get("content") for m in tree.cssselect('meta[http-equiv="refresh"]')]
    canonical = [link.get("href") for link in tree.cssselect('link[rel="canonical"]')]
    assert len(refresh) == 1 and refresh[0].startswith("0; url=")
    target = refresh[0][len("0; url="):]
    assert canonical == [target]
    assert [m.get("content") for m in tree.cssselect('meta[name="robots"]')] == ["noindex"]
    assert tree.cssselect(f'a[href="{target}"]')
    return target


def history_lines(root: Path, name: str = HISTORY) -> list[list[str]]:
    text = (root / name).read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line and not line.startswith("#")]


def set_slug(path: Path, slug: str) -> None:
    path.write_text(article("Moving article", slug=slug), encoding="utf-8")


# -- a page that moves leaves a redirect behind ---------------------------------------

def test_a_new_slug_leaves_a_redirect_at_the_old_url(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="first-name")})
    built(root)
    assert history_lines(root) == [["/2019/first-name/", "2019/x.md"]]
    set_slug(root / "content/2019/x.md", "second-name")
    built(root)
    public = root / "public"
    assert (public / "2019/second-name/index.html").is_file()
    assert redirect_target(public / "2019/first-name/index.html") == "https://example.org/2019/second-name/"
    sitemap = (public / "sitemap.xml").read_text(encoding="utf-8")
    assert "first-name" not in sitemap and "2019/second-name/" in sitemap
    assert history_lines(root) == [["/2019/first-name/", "2019/x.md"], ["/2019/second-name/", "2019/x.md"]]
    # A third name: both earlier URLs now lead to the third, directly (no chains).
    set_slug(root / "content/2019/x.md", "third-name")
    built(root)
    for old in ("first-name", "second-name"):
        assert redirect_target(public / f"2019/{old}/index.html") == "https://example.org/2019/third-name/"


def test_the_redirect_has_the_shape_of_an_alias_page(tmp_path: Path) -> None:
    """The same template and the same bytes an alias at that URL would have."""
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old")})
    built(root)
    set_slug(root / "content/2019/x.md", "new")
    built(root)
    moved = (root / "public/2019/old/index.html").read_bytes()
    other = site(tmp_path / "alias", {"content/2019/x.md": article(
        "Moving article", slug="new", aliases="[/2019/old/]")})
    built(other)
    assert moved == (other / "public/2019/old/index.html").read_bytes()


def test_the_old_url_comes_back_to_life_when_the_slug_does(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old")})
    built(root)
    set_slug(root / "content/2019/x.md", "new")
    built(root)
    set_slug(root / "content/2019/x.md", "old")
    built(root)
    public = root / "public"
    assert lxml_html.fromstring((public / "2019/old/index.html").read_bytes()).cssselect("article")
    assert redirect_target(public / "2019/new/index.html") == "https://example.org/2019/old/"


def test_another_page_may_take_over_an_old_url(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old")})
    built(root)
    set_slug(root / "content/2019/x.md", "new")
    (root / "content/2019/y.md").write_text(article("Newcomer", slug="old"), encoding="utf-8")
    built(root)
    page = lxml_html.fromstring((root / "public/2019/old/index.html").read_bytes())
    assert page.cssselect("h1")[0].text_content().strip() == "Newcomer"
    assert ["/2019/old/", "2019/y.md"] in history_lines(root)


# -- a page that disappears stops the build --------------------------------------------

def test_a_deleted_article_stops_the_build_naming_its_url_and_the_ways_out(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep"),
                           "content/2019/gone.md": article("Gone", slug="gone", aliases="[/old/gone.html]")})
    built(root)
    before = read_tree(root / "public")
    history = (root / HISTORY).read_bytes()
    (root / "content/2019/gone.md").unlink()
    run = build_site(root)
    assert run.code == 1
    line = history.decode("utf-8").splitlines().index('["/2019/gone/", "2019/gone.md"]') + 1
    assert run.err == (
        f"{HISTORY}:{line}:1: error: /2019/gone/ and /old/gone.html would answer 404: they were "
        "published from content/2019/gone.md, which no longer exists\n"
        "  hint: to remove them for good, build with --allow-removed-urls; to keep them, add this "
        'line to the front matter of the page that replaces it: aliases: ["/2019/gone/", "/old/gone.html"]\n')
    assert read_tree(root / "public") == before  # nothing was published
    assert (root / HISTORY).read_bytes() == history


def test_confirming_the_removal_lets_the_url_go_for_good(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep"),
                           "content/2019/gone.md": article("Gone", slug="gone")})
    built(root)
    (root / "content/2019/gone.md").unlink()
    run = build_site(root, "--allow-removed-urls")
    assert run.code == 0, run.err
    assert run.err == f"{HISTORY}: /2019/gone/ removed for good (--allow-removed-urls)\n"
    assert not (root / "public/2019/gone").exists()
    assert history_lines(root) == [["/2019/gone/", "2019/gone.md", "removed"], ["/2019/keep/", "2019/keep.md"]]
    again = build_site(root)
    assert again.code == 0 and again.err == ""


def test_a_removal_confirmed_and_committed_is_not_undone_by_an_older_cache(tmp_path: Path) -> None:
    """CI restores a cache from before the removal: the file, which says "removed", wins."""
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep"),
                           "content/2019/gone.md": article("Gone", slug="gone")})
    built(root)
    older_cache = (root / ".cache" / HISTORY).read_bytes()
    (root / "content/2019/gone.md").unlink()
    built(root, "--allow-removed-urls")
    (root / ".cache" / HISTORY).write_bytes(older_cache)
    assert built(root) == ""


def test_a_url_first_published_by_ci_is_kept_by_its_cache(tmp_path: Path) -> None:
    """A CI build publishes a merged article; its updated file is thrown away with the
    checkout, and the committed file never lists the URL. The cache's copy does, so deleting
    the article later is still caught."""
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep")})
    built(root)
    committed = (root / HISTORY).read_bytes()
    (root / "content/2019/merged.md").write_text(article("Merged", slug="merged"), encoding="utf-8")
    built(root)  # the CI build that publishes it
    (root / HISTORY).write_bytes(committed)  # the next CI run checks out the committed file
    (root / "content/2019/merged.md").unlink()
    run = build_site(root)
    assert run.code == 1
    line = history_lines(root, ".cache/" + HISTORY).index(["/2019/merged/", "2019/merged.md"]) + 5
    assert run.err.startswith(f".cache/{HISTORY}:{line}:1: error: /2019/merged/ would answer 404: ")


def test_an_alias_on_another_page_keeps_the_url(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep"),
                           "content/2019/gone.md": article("Gone", slug="gone")})
    built(root)
    (root / "content/2019/gone.md").unlink()
    (root / "content/2019/keep.md").write_text(article("Kept", slug="keep", aliases='["/2019/gone/"]'),
                                               encoding="utf-8")
    assert built(root) == ""
    assert redirect_target(root / "public/2019/gone/index.html") == "https://example.org/2019/keep/"
    assert ["/2019/gone/", "2019/keep.md"] in history_lines(root)


def test_check_reports_the_removed_url_too(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/keep.md": article("Kept", slug="keep"),
                           "content/2019/gone.md": article("Gone", slug="gone")})
    built(root)
    line = (root / HISTORY).read_text(encoding="utf-8").splitlines().index(
        '["/2019/gone/", "2019/gone.md"]') + 1
    (root / "content/2019/gone.md").unlink()
    checked = run_cli("check", "--root", str(root))
    assert checked.code == 1
    assert checked.err.startswith(f"{HISTORY}:{line}:1: error: /2019/gone/ would answer 404: it was "
                                  "published from content/2019/gone.md, which no longer exists\n")


def test_a_removed_alias_keeps_redirecting(tmp_path: Path) -> None:
    """The URL an alias published stays: its page is still there, so it still redirects."""
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x", aliases="[/old/x/]")})
    built(root)
    (root / "content/2019/x.md").write_text(article("X", slug="x"), encoding="utf-8")
    assert built(root) == ""
    assert redirect_target(root / "public/old/x/index.html") == "https://example.org/2019/x/"


def test_no_redirect_where_a_folder_of_the_site_now_stands(tmp_path: Path) -> None:
    """/legacy/a.html moved away, and another page made a folder of that name: the server
    answers the old URL with that folder's page, and the build writes no file over it."""
    root = site(tmp_path, {"content/2019/a.md": article("A", url="/legacy/a.html")})
    built(root)
    (root / "content/2019/a.md").write_text(article("A", url="/new/a/"), encoding="utf-8")
    (root / "content/2019/b.md").write_text(article("B", url="/legacy/a.html/sub/"), encoding="utf-8")
    assert built(root) == ""
    assert (root / "public/legacy/a.html/sub/index.html").is_file()
    assert ["/legacy/a.html", "2019/a.md"] in history_lines(root)


def test_odd_but_valid_urls_survive_the_round_trip(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/a.md": article("A", url='"/tab\\there/"'),
                           "content/2019/b.md": article("B", url='"/quote\\"d/"')})
    built(root)
    assert built(root) == ""
    assert ["/tab\there/", "2019/a.md"] in history_lines(root)


# -- drafts, expiry, future dates --------------------------------------------------------

def test_a_page_turned_back_into_a_draft_is_withdrawn_without_a_prompt(tmp_path: Path) -> None:
    """The front matter says so; the URL is remembered and redirects if the page comes back."""
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x")})
    built(root)
    (root / "content/2019/x.md").write_text(article("X", slug="y", draft="true"), encoding="utf-8")
    assert built(root) == ""
    assert not (root / "public/2019/x").exists()
    assert history_lines(root) == [["/2019/x/", "2019/x.md"]]
    (root / "content/2019/x.md").write_text(article("X", slug="y"), encoding="utf-8")
    built(root)
    assert redirect_target(root / "public/2019/x/index.html") == "https://example.org/2019/y/"


def test_an_expired_page_is_withdrawn_without_a_prompt(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x"),
                           "content/2019/y.md": article("Y", slug="y")})
    built(root)
    (root / "content/2019/x.md").write_text(article("X", slug="x", expiryDate="2020-01-01"),
                                            encoding="utf-8")
    assert built(root) == ""
    assert not (root / "public/2019/x").exists()


def test_drafts_built_for_a_preview_are_not_remembered(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x"),
                           "content/2019/d.md": article("Draft", slug="d", draft="true")})
    built(root, "--drafts")
    assert (root / "public/2019/d/index.html").is_file()
    assert history_lines(root) == [["/2019/x/", "2019/x.md"]]
    (root / "content/2019/d.md").unlink()
    assert built(root) == ""


# -- where the history lives -------------------------------------------------------------

def test_the_history_survives_a_deleted_output_folder(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old")})
    built(root)
    for path in sorted((root / "public").rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (root / "public").rmdir()
    set_slug(root / "content/2019/x.md", "new")
    built(root)
    assert redirect_target(root / "public/2019/old/index.html") == "https://example.org/2019/new/"


def test_the_cache_restores_a_history_file_that_was_not_committed(tmp_path: Path) -> None:
    """A fresh CI clone without the file but with its restored cache still knows the URLs."""
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old")})
    built(root)
    (root / HISTORY).unlink()
    set_slug(root / "content/2019/x.md", "new")
    built(root)
    assert redirect_target(root / "public/2019/old/index.html") == "https://example.org/2019/new/"
    assert history_lines(root) == [["/2019/new/", "2019/x.md"], ["/2019/old/", "2019/x.md"]]


def test_a_clean_build_with_the_history_file_equals_the_incremental_one(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("Moving article", slug="old"),
                           "content/2019/y.md": article("Other", slug="other")})
    built(root)
    set_slug(root / "content/2019/x.md", "new")
    built(root)
    clean = tmp_path / "clean"
    clean.mkdir()
    for name in ("config.yaml", HISTORY):
        (clean / name).write_bytes((root / name).read_bytes())
    for folder in ("content", "templates", "static", "i18n"):
        if (root / folder).is_dir():  # the theme is the package's; a project may have none of these
            shutil.copytree(root / folder, clean / folder)
    built(clean, "--no-cache")
    assert read_tree(clean / "public") == read_tree(root / "public")


def test_a_broken_history_file_is_an_error_with_its_line(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x")})
    built(root)
    with (root / HISTORY).open("a", encoding="utf-8") as history:
        history.write('<<<<<<< HEAD\n["/a/", "2019/a.md"]\n["/../../etc/", "2019/x.md"]\n')
    lines = (root / HISTORY).read_text(encoding="utf-8").count("\n")
    run = build_site(root)
    assert run.code == 1
    assert run.err == (
        f"{HISTORY}:{lines - 2}:1: error: this line is not a published URL and its source file\n"
        f"  hint: {LINE_HINT}\n"
        f"{HISTORY}:{lines}:1: error: '/../../etc/' is not a path inside the site\n"
        f"  hint: {LINE_HINT}\n")


def test_a_broken_cache_copy_is_ignored(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x")})
    built(root)
    (root / HISTORY).unlink()
    (root / ".cache" / HISTORY).write_bytes(b"\xff\xfe not json\n[1, 2]\n")
    assert built(root) == ""
    assert history_lines(root) == [["/2019/x/", "2019/x.md"]]


# -- non-ASCII aliases --------------------------------------------------------------------

def test_a_non_ascii_alias_is_written_as_utf8_and_served(tmp_path: Path) -> None:
    """Aliases, and every other output named after content (term pages and feeds, bundle
    files), lie on disk under the decoded name a static server looks for."""
    root = site(tmp_path, {
        "content/2019/x.md": article("X", slug="x", tags="[日本]",
                                     aliases="[/記事/旧/, '/old page.html', /%E6%97%A5%E6%9C%AC/]"),
        "content/2019/写真集/index.md": article("写真集", body="![写真](写真.svg)"),
        "content/2019/写真集/写真.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>\n'})
    built(root)
    public = root / "public"
    assert not [p for p in public.rglob("*") if "%" in p.name]
    with serve_directory(public) as url:
        for path in ("/記事/旧/", "/old page.html", "/日本/"):
            with urllib.request.urlopen(url.rstrip("/") + quote(path)) as response:
                assert response.status == 200
                page = lxml_html.fromstring(response.read())
            refresh = page.cssselect('meta[http-equiv="refresh"]')[0].get("content")
            assert refresh == "0; url=https://example.org/2019/x/"
        for path in ("/tags/日本/", "/tags/日本/feed.xml", "/2019/写真集/", "/2019/写真集/写真.svg"):
            with urllib.request.urlopen(url.rstrip("/") + quote(path)) as response:
                assert response.status == 200, path


def test_a_percent_encoded_url_is_written_as_utf8(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", url="/%E8%A8%98%E4%BA%8B/x/")})
    built(root)
    assert (root / "public/記事/x/index.html").is_file()
    home = lxml_html.fromstring((root / "public/index.html").read_bytes())
    assert "/%E8%A8%98%E4%BA%8B/x/" in [a.get("href") for a in home.cssselect("a")]


def test_a_non_ascii_slug_change_redirects(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="日米")})
    built(root)
    set_slug(root / "content/2019/x.md", "安保")
    built(root)
    target = redirect_target(root / "public/2019/日米/index.html")
    assert target == "https://example.org/2019/" + quote("安保") + "/"


# -- names the build keeps for itself -------------------------------------------------------

@pytest.mark.parametrize(("name", "value", "what", "output"), [
    ("url", "/.sitegen-manifest/", "this page", ".sitegen-manifest/index.html"),
    ("url", "/.sitegen-manifest", "this page", ".sitegen-manifest/index.html"),
    ("url", "/.sitegen-later/x.html", "this page", ".sitegen-later/x.html"),
    ("aliases", "[/.sitegen-manifest]", "alias /.sitegen-manifest/", ".sitegen-manifest/index.html"),
])
def test_a_page_on_the_builds_own_names_is_an_error(tmp_path: Path, name: str, value: str, what: str,
                                                    output: str) -> None:
    root = site(tmp_path, {"content/2019/good.md": article("Good", slug="good"),
                           "content/2019/bad.md": article("Bad", **{name: value})})
    run = build_site(root)
    assert run.code == 1
    use = ("its manifest (the list of files it wrote)" if "manifest" in output
           else "its own files")
    assert run.err == (
        f"content/2019/bad.md:4:1: error: {what} would be written to {output}, where the build keeps "
        f"{use}\n"
        f"  hint: choose another {'alias' if name == 'aliases' else 'url'}: top-level names starting "
        "with '.sitegen' are the build's own\n")
    assert not (root / "public").exists()


def test_a_static_file_on_the_manifest_is_an_error(tmp_path: Path) -> None:
    root = site(tmp_path, {"content/2019/good.md": article("Good", slug="good"),
                           "static/.sitegen-manifest": "pretend\n"})
    run = build_site(root)
    assert run.code == 1
    assert run.err == (
        "static/.sitegen-manifest: error: this file would be written to .sitegen-manifest, where the "
        "build keeps its manifest (the list of files it wrote)\n"
        "  hint: rename or move static/.sitegen-manifest: top-level names starting with '.sitegen' "
        "are the build's own\n")


def test_a_page_inside_the_search_index_is_an_error(tmp_path: Path) -> None:
    root = write_site(tmp_path / "search", {"content/2019/good.md": article("Good", slug="good"),
                                            "content/2019/bad.md": article("Bad", url="/pagefind/")})
    run = build_site(root)
    assert run.code == 1
    assert run.err == (
        "content/2019/bad.md:4:1: error: this page would be written to pagefind/index.html, where the "
        "build keeps the search index\n"
        "  hint: choose another url (pagefind/ is the search index's folder while search.enabled "
        "is true)\n")


# -- serve's builds: the history is parsed again only when a text changed ---------------

def _session_build(root: Path, session: BuildSession) -> None:
    build(load_config(root), now=datetime.now(UTC), session=session)


def test_a_session_parses_an_unchanged_history_once_and_an_edited_one_again(tmp_path: Path) -> None:
    """serve keeps the history its last build read (url_history.HistoryMemo); a history
    edited between two of its builds (a merge, a contributor) is read and checked again."""
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x")})
    session = BuildSession()
    _session_build(root, session)
    config = load_config(root)
    memo = HistoryMemo()
    first = load_history(config, root / ".cache", memo)
    assert load_history(config, root / ".cache", memo) is first
    assert load_history(load_config(root), root / ".cache", memo) is first  # serve loads the config for each build
    assert first.entries.keys() == {"/2019/x/"}
    assert memo.texts[0] is memo.texts[1] is first.text  # the file, its copy and the history's: one string
    with (root / HISTORY).open("a", encoding="utf-8") as history:
        history.write('["/2018/gone/", "2018/gone.md"]\n')
    assert load_history(config, root / ".cache", memo).entries.keys() == {"/2019/x/", "/2018/gone/"}
    (root / "content/2019/x.md").write_text(article("X", slug="x", body="Edited."), encoding="utf-8")
    with pytest.raises(BuildFailed) as failed:
        _session_build(root, session)
    assert "/2018/gone/ would answer 404" in str(failed.value.diagnostics[0])
    with (root / HISTORY).open("a", encoding="utf-8") as history:
        history.write("not a line\n")
    with pytest.raises(ContentError):
        _session_build(root, session)


def _text_edit(root: Path, body: str, title: str = "X") -> None:
    """An edit to x's text alone: the session keeps its plan (build/rebody.py)."""
    (root / "content/2019/x.md").write_text(article(title, slug="x", body=body), encoding="utf-8")


def test_a_session_takes_the_last_moves_again_only_while_the_sources_are_the_same(tmp_path: Path) -> None:
    """serve takes the URL moves of the last build of the same plan again (HistoryMemo.moves),
    but a source deleted since is seen: a withheld draft's URL would now answer 404."""
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x"), "content/2019/d.md": article("D", slug="d")})
    session = BuildSession()
    _session_build(root, session)
    (root / "content/2019/d.md").write_text(article("D", slug="d", draft="true"), encoding="utf-8")
    _session_build(root, session)  # d withheld: its URL stays in the history
    _text_edit(root, "Edited once.")
    _session_build(root, session)
    assert session.history is not None and session.history.moves is not None
    kept = session.history.moves.moves
    _text_edit(root, "Edited twice.")
    _session_build(root, session)
    assert session.history.moves is not None and session.history.moves.moves is kept
    (root / "content/2019/x.md").write_text(article("X, retitled", slug="x"), encoding="utf-8")
    _session_build(root, session)  # planned again: the kept moves were made for another plan
    assert session.history.moves is None
    _text_edit(root, "Edited again.", "X, retitled")
    _session_build(root, session)
    assert session.history.moves is not None  # made for this plan
    (root / "content/2019/d.md").unlink()
    _text_edit(root, "Edited three times.", "X, retitled")
    with pytest.raises(BuildFailed) as failed:
        _session_build(root, session)
    assert "/2019/d/ would answer 404" in str(failed.value.diagnostics[0])


def test_a_session_promises_a_url_once_its_page_comes_due(tmp_path: Path) -> None:
    """A page dated in the future, built for a preview (--future), is not promised until its
    date; the moves kept from the last build are not taken again past that moment."""
    root = site(tmp_path, {"content/2019/x.md": article("X", slug="x"),
                           "content/2019/f.md": article("F", "2030-01-01", slug="f")})
    config = dataclasses.replace(load_config(root), build_future=True)
    session = BuildSession()
    before, after = datetime(2029, 12, 30, tzinfo=UTC), datetime(2030, 1, 2, tzinfo=UTC)
    for number, now in enumerate((before, before, before, after)):
        _text_edit(root, f"Edit {number}.")
        build(config, now=now, session=session)
        promised = [url for url, _ in history_lines(root)]
        assert promised == (["/2019/f/", "/2019/x/"] if now == after else ["/2019/x/"]), number
    assert session.history is not None and session.history.moves is not None


@pytest.mark.parametrize("name", ["plain", 'quote"d', "back\\slash", "tab\there", "日本語", "bad\udcffbyte",
                                  "del\x7f", "line\u2028sep"])
def test_each_history_line_is_what_json_writes(name: str) -> None:
    """Lines are written without json.dumps when nothing needs escaping; they must be the
    bytes json.dumps gives (UTF-8, escaped to ASCII for a name that is not UTF-8)."""
    entries = {f"/{name}/": Entry(f"2019/{name}.md"), f"/{name}-old/": Entry("2019/y.md", removed=True)}
    lines = render_history(entries).split("\n")[HEADER.count("\n"):-1]  # U+2028 is no line end here
    expected = []
    for url, entry in sorted(entries.items()):
        value = [url, entry.source, "removed"] if entry.removed else [url, entry.source]
        line = json.dumps(value, ensure_ascii=False)
        expected.append(json.dumps(value) if "\udcff" in name else line)
    assert lines == expected
    assert [json.loads(line) for line in lines] == [
        [u, e.source, *(["removed"] if e.removed else [])] for u, e in sorted(entries.items())]
