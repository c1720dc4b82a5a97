"""Routes of pages written for Hugo (sitegen/content/urls.py)."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from sitegen.config.settings import Config
from sitegen.content.frontmatter import parse_source
from sitegen.content.sources import Source
from sitegen.content.urls import (
    Route,
    alias_path,
    clean_site_path,
    decode_escapes,
    has_suffix,
    href,
    route_document,
    term_path,
)

CONFIG = Config(root=Path("."))


def route(name: str, front: str = "") -> Route:
    result = parse_source(Source(f"content/{name}", name, f"---\ntitle: T\n{front}---\nBody\n", "0"))
    assert result.document is not None
    found, problem = route_document(result.document, CONFIG)
    assert problem is None and found is not None
    return found


@pytest.mark.parametrize(("name", "front", "path"), [
    ("posts/slug-plain.md", "slug: treaty-of-1960\n", "/posts/treaty-of-1960/"),
    ("posts/slug-upper.md", "slug: Okinawa-Bases\n", "/posts/okinawa-bases/"),  # lower-cased
    ("posts/x.md", "slug: Alliance/History\n", "/posts/alliance/history/"),
    ("notes/Note-Upper.md", "", "/notes/note-upper/"),
    ("notes/note with spaces.md", "", "/notes/note-with-spaces/"),
    ("notes/note-toml.toml.md", "", "/notes/note-toml.toml/"),
    ("posts/2019/slugged.md", "slug: Year-End\n", "/posts/2019/year-end/"),
    ("posts/bundle-post/index.md", "", "/posts/bundle-post/"),
    ("posts/x.md", "url: /Special/Alliance-Overview/\n", "/Special/Alliance-Overview/"),  # kept
    ("posts/x.md", "url: /archive/plain-url\n", "/archive/plain-url/"),  # gets its slash
    ("posts/x.md", "url: /legacy/treaty.html\n", "/legacy/treaty.html"),
    ("posts/2019/_index.md", "", "/posts/2019/"),
])
def test_routes_as_hugo(name: str, front: str, path: str) -> None:
    assert route(name, front).path == path


def test_a_url_keeps_its_case_in_the_output_file() -> None:
    assert route("posts/x.md", "url: /Special/Page/\n").output == "Special/Page/index.html"


def test_a_bundle_owns_its_folder() -> None:
    assert route("posts/bundle-post/index.md").bundle_dir == "posts/bundle-post"


@pytest.mark.parametrize(("term", "path"), [
    ("U.S. Forces", "/tags/u.s.-forces/"),
    ("Two-plus-Two (2+2)", "/tags/two-plus-two-2+2/"),
    ("日米安保", "/tags/日米安保/"),
])
def test_term_paths(term: str, path: str) -> None:
    assert term_path("tags", term) == path


def test_links_keep_plus_and_encode_cjk_as_hugo() -> None:
    assert href(CONFIG, "/tags/two-plus-two-2+2/") == "/tags/two-plus-two-2+2/"
    assert href(CONFIG, "/tags/日米/") == "/tags/%E6%97%A5%E7%B1%B3/"


@pytest.mark.parametrize(("raw", "disk"), [
    ("/%E8%A8%98%E4%BA%8B/x/", "/記事/x/"),  # copied from a browser: decoded, as it lies on disk
    ("/old%20page.html", "/old page.html"),
    ("/100%/", "/100%/"),  # not an escape
    ("/a%2Fb/", "/a%2Fb/"),  # would change the folders: kept
    ("/a%00b/", "/a%00b/"),  # a control character: kept
    ("/%FF%FE/", "/%FF%FE/"),  # not UTF-8: kept
    ("/記事/旧/", "/記事/旧/"),
])
def test_escapes_in_front_matter_paths_are_decoded_once(raw: str, disk: str) -> None:
    assert decode_escapes(raw) == disk


@pytest.mark.parametrize(("alias", "path"), [
    ("/記事/旧/", "/記事/旧/"),
    ("/%E8%A8%98%E4%BA%8B/%E6%97%A7", "/記事/旧/"),
    ("renamed", "/posts/renamed/"),
    ("/old/page.html", "/old/page.html"),
    ("/../../etc/", "/etc/"),
    ("/%2e%2e/%2e%2e/outside/", "/outside/"),
    ("/a/./b//c", "/a/b/c/"),
])
def test_alias_paths_are_site_paths_on_disk(alias: str, path: str) -> None:
    assert alias_path(alias, "posts/x.md") == path


def test_aliases_are_part_of_the_route_unencoded() -> None:
    assert route("posts/x.md", "aliases: [/記事/旧/, old.html]\n").aliases == ("/記事/旧/", "/posts/old.html")


@pytest.mark.parametrize("path", ["a/b.html", "a/b.", "a/.b", "a/..", ".", "", "x.tar.gz", "a.b/c", "a/b"])
def test_has_suffix_agrees_with_purepath(path: str) -> None:
    assert has_suffix(path) == bool(PurePosixPath(path).suffix)


@pytest.mark.parametrize("path", ["/", "/a/", "/a/b.html", "/a//b/", "/a/./b/", "/a/../b/", "/a/..", "/a/b",
                                  "a/b/", "/a/b./", "/a/."])
def test_clean_site_path_is_the_slow_loop_when_the_path_is_not_clean(path: str) -> None:
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment and segment != ".":
            segments.append(segment)
    slow = "/" + "/".join(segments)
    slow = slow if PurePosixPath(slow).suffix else slow.rstrip("/") + "/"
    assert clean_site_path(path) == slow
