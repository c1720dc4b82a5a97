"""Shortcodes that read the site (its pages, terms, data files), menus, and the theme's links.

A shortcode reading the site's pages is converted after the site is assembled (a second
pass); its output follows every edit: each cached rebuild must equal a clean build.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import html as lxml_html

import sitegen
from tests.support.sites import DEFAULT_CONFIG, article, build_site, read_tree, write_site

POSTS = """\
<ul class="posts">
{%- for post in site.articles %}
  <li>{{ post.date.year }}: <a href="{{ post.url }}">{{ post.title }}</a></li>
{%- endfor %}
</ul>
"""
PEOPLE = """\
<ul class="people">{% for person in site.data.people %}<li>{{ person.name }}</li>{% endfor %}</ul>
<p>{{ site.data.team.lead.name }}; {{ site.data.figures.bases }} bases;
{% for row in site.data.budget[1:] %}{{ row[0] }}={{ row[1] }} {% endfor %}</p>
"""


def _site(tmp_path: Path, **extra: str) -> Path:
    """The repository's theme, two shortcodes of the site's own, four posts and data files."""
    files = {
        "content/2019/bases.md": article("The bases", "2019-04-01", "Numbers."),
        "content/2020/quotes.md": article("Two quotes", "2020-06-01", "Quotes."),
        "content/2021/all.md": article("Every post", "2021-01-01", "All posts:\n\n{{< posts >}}\n"),
        "content/2021/people.md": article("People", "2021-02-01", "Who:\n\n{{< people >}}\n"),
        "data/people.yaml": "- name: Aiko Tanaka\n- name: Ben Carter\n",
        "data/team/lead.toml": 'name = "Chen Wei"\n',
        "data/figures.json": '{"bases": 85}\n',
        "data/budget.csv": "year,amount\n2019,197\n2020,199\n",
    }
    files.update(extra)
    root = write_site(tmp_path, files)
    (root / "templates" / "shortcodes").mkdir(parents=True, exist_ok=True)  # the theme is the package's
    (root / "templates" / "shortcodes" / "posts.html").write_text(POSTS, encoding="utf-8")
    (root / "templates" / "shortcodes" / "people.html").write_text(PEOPLE, encoding="utf-8")
    return root


def _page(root: Path, path: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / path / "index.html").read_bytes())


def test_a_shortcode_lists_the_sites_posts_and_reads_every_kind_of_data_file(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    run = build_site(root)
    assert run.code == 0, run.err
    items = [li.text_content() for li in _page(root, "2021/every-post").cssselect("ul.posts li")]
    assert items == ["2021: People", "2021: Every post", "2020: Two quotes", "2019: The bases"]
    people = _page(root, "2021/people")
    assert [li.text for li in people.cssselect("ul.people li")] == ["Aiko Tanaka", "Ben Carter"]
    assert " ".join(people.cssselect("ul.people + p")[0].text_content().split()) == \
        "Chen Wei; 85 bases; 2019=197 2020=199"


def _rename(root: Path) -> None:
    path = root / "content" / "2019" / "bases.md"
    path.write_text(path.read_text(encoding="utf-8").replace("The bases", "The bases, renamed"),
                    encoding="utf-8")


def _add(root: Path) -> None:
    (root / "content" / "2022").mkdir()
    (root / "content" / "2022" / "new.md").write_text(article("A new post", "2022-03-03", "New."),
                                                      encoding="utf-8")


def _remove(root: Path) -> None:
    (root / "content" / "2020" / "quotes.md").unlink()


def _edit_data(root: Path) -> None:
    (root / "data" / "people.yaml").write_text("- name: Aiko Tanaka\n- name: Dana Ito\n", encoding="utf-8")


def _draft(root: Path) -> None:
    path = root / "content" / "2020" / "quotes.md"
    path.write_text(path.read_text(encoding="utf-8").replace("---\nQuotes", "draft: true\n---\nQuotes"),
                    encoding="utf-8")


EDITS: dict[str, Callable[[Path], None]] = {
    "post renamed": _rename, "post added": _add, "post removed": _remove, "data file edited": _edit_data,
    "post made a draft": _draft,
}


@pytest.mark.parametrize("name", list(EDITS))
def test_a_cached_rebuild_after_an_edit_equals_a_clean_build(name: str, tmp_path: Path) -> None:
    root = _site(tmp_path / "work")
    assert build_site(root).code == 0
    before = (root / "public" / "2021" / "every-post" / "index.html").read_bytes()
    EDITS[name](root)
    again = build_site(root, "-v", "--allow-removed-urls")  # "post removed": its URL goes for good
    assert again.code == 0, again.err
    clean = tmp_path / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    assert build_site(clean, "--no-cache").code == 0
    incremental, reference = read_tree(root / "public"), read_tree(clean / "public")
    assert sorted(incremental) == sorted(reference)
    assert [path for path in reference if incremental[path] != reference[path]] == []
    if name != "data file edited":
        assert (root / "public" / "2021" / "every-post" / "index.html").read_bytes() != before


def test_a_listing_is_converted_again_only_when_a_page_changes(tmp_path: Path) -> None:
    root = _site(tmp_path / "site")
    article_html = root / "templates" / "article.html"  # the project overrides the theme's
    article_html.write_bytes((Path(sitegen.__file__).parent / "theme" / "templates" / "article.html").read_bytes())
    assert "convert with site" in build_site(root, "-v").out
    article_html.write_text(article_html.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert "convert with site" not in build_site(root, "-v").out  # a page template is not a page
    _rename(root)
    assert "convert with site" in build_site(root, "-v").out


def test_a_broken_data_file_is_an_error_naming_it(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", **{"data/figures.json": '{"bases": 85,,}\n'})
    run = build_site(root)
    assert run.code == 1
    assert "data/figures.json:1: error: data file cannot be read: Expecting property name" in run.err


def test_without_an_about_page_no_page_links_to_about(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/2019/a.md": article()})
    assert build_site(root).code == 0
    for path in (root / "public").rglob("*.html"):
        assert "/about/" not in path.read_text(encoding="utf-8"), path


def test_with_an_about_page_the_menu_and_footer_link_to_it(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/2019/a.md": article(),
                                          "content/about.md": "---\ntitle: About\ntype: page\n---\nUs.\n"})
    assert build_site(root).code == 0
    home = _page(root, "")
    assert [a.get("href") for a in home.cssselect("nav.site-nav a")] == [
        "/", "/archive/", "/categories/", "/tags/", "/about/", "/search/"]
    assert "/about/" in [a.get("href") for a in home.cssselect("footer a")]


def test_menus_from_config_and_front_matter_drive_the_navigation(tmp_path: Path) -> None:
    config = DEFAULT_CONFIG + (
        "menus:\n  main:\n    - name: Posts\n      url: /2019/\n      weight: 2\n"
        "    - name: Docs\n      url: https://example.com/docs/\n      weight: 9\n"
        "    - name: Team\n      page_ref: /team\n      weight: 3\n")
    root = write_site(tmp_path / "site", {
        "config.yaml": config,
        "content/2019/a.md": article(),
        "content/team.md": "---\ntitle: Our team\ntype: page\n---\nUs.\n",
        "content/history.md": "---\ntitle: History of the archive\nlinkTitle: History\ntype: page\n"
                              "menu:\n  main:\n    weight: 1\n    identifier: history\n---\nOld.\n",
    })
    run = build_site(root)
    assert run.code == 0, run.err
    links = [(a.text_content(), a.get("href")) for a in _page(root, "").cssselect("nav.site-nav a")]
    assert links == [("History", "/history/"), ("Posts", "/2019/"), ("Team", "/team/"),
                     ("Docs", "https://example.com/docs/")]


def test_the_sites_own_search_page_wins_with_a_note(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "content/2019/a.md": article(),
        "content/search.md": "---\ntitle: Find things\n---\nOur own search page.\n"})
    run = build_site(root, "--strict")
    assert run.code == 0, run.err
    assert ("content/search.md:1:1: note: this page is the site's /search/ page: the built-in "
            "search page is not made") in run.err
    assert "Our own search page." in (root / "public" / "search" / "index.html").read_text(encoding="utf-8")


def test_translation_keys_get_one_note(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {
        "content/2019/a.md": article("A", translationKey="one"),
        "content/2019/b.md": article("B", translationKey="two")})
    run = build_site(root, "--strict")
    assert run.code == 0, run.err
    assert run.err.count("note: translationKey is set on 2 page(s) and not used") == 1


def test_draft_yes_is_read_as_hugo_reads_it_with_a_warning(tmp_path: Path) -> None:
    """YAML 1.1's `yes` is text in YAML 1.2; Hugo's reading of it as a draft flag is false."""
    root = write_site(tmp_path / "site", {"content/2019/a.md": article("Yes", draft="yes")})
    run = build_site(root)
    assert run.code == 0, run.err
    assert ("content/2019/a.md:4:1: warning: draft: yes is text, not true or false; Hugo reads it "
            "as false") in run.err
    assert (root / "public" / "2019" / "yes" / "index.html").is_file()


def test_site_timezone_places_dates_written_without_one(tmp_path: Path) -> None:
    config = DEFAULT_CONFIG.replace("  language: en\n", "  language: en\n  timezone: Asia/Tokyo\n")
    root = write_site(tmp_path / "site", {"config.yaml": config, "content/2019/a.md": article(date="2019-07-07")})
    assert build_site(root).code == 0
    assert 'datetime="2019-07-07T00:00:00+09:00"' in (root / "public" / "2019" / "an-article" / "index.html"
                                                     ).read_text(encoding="utf-8")
    (root / "config.yaml").write_text(config.replace("Asia/Tokyo", "Mars/Olympus"), encoding="utf-8")
    run = build_site(root)
    assert (run.code, run.err.splitlines()[0]) == (
        2, "config.yaml: error: site.timezone: no time zone is named 'Mars/Olympus'")


def test_a_listing_follows_pages_moved_by_the_permalinks_setting(tmp_path: Path) -> None:
    """The permalinks setting moves every page without changing a source: a body that lists
    the site's pages (converted once all are routed, and stored) is converted again with
    the new URLs, as a clean build would make it."""
    root = _site(tmp_path / "site")
    assert build_site(root).code == 0
    links = [a.get("href") for a in _page(root, "2021/every-post").cssselect("ul.posts a")]
    assert "/2019/the-bases/" in links
    config = root / "config.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("/:section/:slug/", "/posts/:slug/"),
                      encoding="utf-8")
    assert build_site(root, "--allow-removed-urls").code == 0
    links = [a.get("href") for a in _page(root, "posts/every-post").cssselect("ul.posts a")]
    assert "/posts/the-bases/" in links and "/2019/the-bases/" not in links
