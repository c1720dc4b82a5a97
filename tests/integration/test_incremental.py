"""A cached rebuild must be byte-identical to a clean build of the same input.

For each scenario: build with the cache, change the input, rebuild with the cache,
then build the changed input from scratch (no cache, empty output folder) and
compare every file. A stale page after any edit is a bug, not a speed-up. The
report's counters show the cache actually did its job.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.theme import theme_folder
from tests.support.sites import REPO, article, build_site, override, read_tree, write_site

sys.path.insert(0, str(REPO / "bench"))
import corpus

Edit = Callable[[Path], None]


def _first_article(root: Path) -> Path:
    return sorted((root / "content").rglob("*.md"))[0]


def _edit_body(root: Path) -> None:
    path = _first_article(root)
    path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence about the treaty.\n",
                    encoding="utf-8")


def _edit_title(root: Path) -> None:
    path = _first_article(root)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("title:", "title: Renamed —", 1), encoding="utf-8")


def _retag(root: Path) -> None:
    path = _first_article(root)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("tags:\n", "tags:\n- Brand New Tag\n", 1), encoding="utf-8")


def _add_article(root: Path) -> None:
    (root / "content" / "2030").mkdir(parents=True, exist_ok=True)
    (root / "content" / "2030" / "added.md").write_text(
        "---\ntitle: An added article\ndate: 2020-06-01\ntags: [futenma]\ncategories: [bases]\n---\n"
        "Text of the added article.\n", encoding="utf-8")


def _remove_article(root: Path) -> None:
    _first_article(root).unlink()


def _new_slug(root: Path) -> None:
    """The old URL now redirects (url_history), in the cached and in the clean build alike."""
    path = _first_article(root)
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "slug: a-new-slug\ntitle:", 1),
                    encoding="utf-8")


def _edit_template(root: Path) -> None:
    path = override(root, "templates/article.html")
    path.write_text(path.read_text(encoding="utf-8").replace("</article>", "<!-- edited --></article>", 1),
                    encoding="utf-8")


def _edit_partial(root: Path) -> None:
    first = sorted((theme_folder("templates") / "partials").glob("*.html"))[0]
    partial = override(root, f"templates/partials/{first.name}")
    partial.write_text(partial.read_text(encoding="utf-8") + "\n<!-- edited partial -->\n", encoding="utf-8")


def _edit_config(root: Path) -> None:
    path = root / "config.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title:", "title: Edited", 1), encoding="utf-8")


def _edit_shortcode(root: Path) -> None:
    path = override(root, "templates/shortcodes/rawhtml.html")
    path.write_text("<div class=\"raw\">" + path.read_text(encoding="utf-8") + "</div>", encoding="utf-8")


def _edit_static(root: Path) -> None:
    first = sorted(theme_folder("static").rglob("*.css"))[0]
    css = override(root, "static/" + first.relative_to(theme_folder("static")).as_posix())
    css.write_text(css.read_text(encoding="utf-8") + "\n/* edited */\n", encoding="utf-8")


def _edit_read_file(root: Path) -> None:
    """A file a shortcode reads (readFile) is a dependency of the page that reads it; the
    edit keeps the page's word count, which alone would make the page render again."""
    path = root / "snippets" / "example.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("Example", "Changed"), encoding="utf-8")


def _create_read_file(root: Path) -> None:
    """A file read while it did not exist (read as "", as in Hugo) is a dependency too."""
    (root / "snippets" / "later.toml").write_text("created = true\n", encoding="utf-8")


def _edit_hugo_partial(root: Path) -> None:
    """A partial a translated shortcode calls (templates/hugo_partials/) shapes the body."""
    path = root / "templates" / "hugo_partials" / "box.html"
    path.write_text(path.read_text(encoding="utf-8").replace("Boxed", "Framed"), encoding="utf-8")


def _nothing(root: Path) -> None:
    return None


# A removed article's URL must be let go explicitly, or the build stops (url_history).
OPTIONS: dict[str, tuple[str, ...]] = {"article removed": ("--allow-removed-urls",)}
SCENARIOS: dict[str, Edit] = {
    "no change": _nothing, "body edited": _edit_body, "title edited": _edit_title,
    "tag added": _retag, "article added": _add_article, "article removed": _remove_article,
    "slug changed": _new_slug,
    "template edited": _edit_template, "partial edited": _edit_partial, "config edited": _edit_config,
    "shortcode template edited": _edit_shortcode, "static file edited": _edit_static,
    "file read by a shortcode edited": _edit_read_file, "file read by a shortcode created": _create_read_file,
    "hugo partial edited": _edit_hugo_partial,
}


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus.generate(root, 40, seed=3, flavor="ours")
    post = root / "content" / "2001" / "with-shortcode.md"
    post.parent.mkdir(parents=True, exist_ok=True)
    post.write_text("---\ntitle: With a shortcode\ndate: 2001-01-01\ntags: [futenma]\n---\n"
                    "{{< rawhtml >}}\n<p>raw</p>\n{{< /rawhtml >}}\n\nSee {{< relref \"with-shortcode.md\" >}}.\n",
                    encoding="utf-8")
    (root / "snippets").mkdir()
    (root / "snippets" / "example.toml").write_text("title = 'Example'\n", encoding="utf-8")
    (root / "templates" / "shortcodes").mkdir(parents=True, exist_ok=True)
    (root / "templates" / "shortcodes" / "include-file.html").write_text(
        "<pre class=\"included\">{{ read_file(arg(0)) }}</pre>", encoding="utf-8")
    (root / "templates" / "shortcodes" / "boxed.html").write_text(
        "{{ go_partial('box.html', shortcode) }}", encoding="utf-8")
    (root / "templates" / "hugo_partials").mkdir()
    (root / "templates" / "hugo_partials" / "box.html").write_text(
        "<div class=\"box\">Boxed: {{ go.field(dot, 'Inner') }}</div>", encoding="utf-8")
    (root / "content" / "2001" / "with-a-partial.md").write_text(
        "---\ntitle: With a partial\ndate: 2001-01-03\n---\nIntro.\n\n<!--more-->\n\n"
        "{{< boxed >}}inside{{< /boxed >}}\n", encoding="utf-8")
    (root / "content" / "2001" / "with-included-file.md").write_text(
        "---\ntitle: With an included file\ndate: 2001-01-02\n---\nThe settings:\n\n<!--more-->\n\n"
        "{{< include-file \"snippets/example.toml\" >}}\n\nLater: {{< include-file \"snippets/later.toml\" >}}\n",
        encoding="utf-8")
    return root


def _rendered(output: str) -> int:
    match = re.search(r"^(\d+) pages rendered", output, re.MULTILINE)
    assert match, output
    return int(match.group(1))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_cached_rebuild_equals_clean_build(name: str, corpus_site: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus_site, work)
    first = build_site(work)
    assert first.code == 0, first.err
    SCENARIOS[name](work)
    again = build_site(work, "-v", *OPTIONS.get(name, ()))
    assert again.code == 0, again.err
    clean = tmp_path / "clean"
    shutil.copytree(work, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    fresh = build_site(clean, "--no-cache")
    assert fresh.code == 0, fresh.err
    incremental, reference = read_tree(work / "public"), read_tree(clean / "public")
    assert sorted(incremental) == sorted(reference)
    changed = [name for name in reference if incremental[name] != reference[name]]
    assert changed == []


def test_no_change_rebuild_renders_and_writes_nothing(corpus_site: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus_site, work)
    assert build_site(work).code == 0
    again = build_site(work, "-v")
    assert "0 written" in again.out
    assert "0 pages rendered" in again.out


def test_one_body_edit_renders_few_pages(corpus_site: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus_site, work)
    first = build_site(work, "-v")
    _edit_body(work)
    again = build_site(work, "-v")
    total = _rendered(first.out)
    rendered = _rendered(again.out)
    assert 1 <= rendered < total / 4


def test_a_body_edit_makes_only_the_feeds_that_show_the_article(corpus_site: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    shutil.copytree(corpus_site, work)
    first = build_site(work, "-v")
    made, derived = re.search(r"(\d+) of (\d+) feeds and other derived files made", first.out).groups()
    assert made == derived and int(derived) > 10  # a cold build makes every one
    before = {p: p.read_bytes() for p in (work / "public").rglob("*")
              if p.suffix in (".xml", ".bib", ".ris", ".json") and p.name != "pagefind-entry.json"
              and "pagefind" not in p.parts}
    _edit_body(work)
    again = build_site(work, "-v")
    changed = sorted(p.relative_to(work / "public").as_posix() for p in before if p.read_bytes() != before[p])
    made = re.search(r"(\d+) of \d+ feeds and other derived files made", again.out).group(1)
    assert "sitemap.xml" not in changed  # the article's URL and date did not change
    assert 1 <= len(changed) == int(made) < int(derived)


@pytest.mark.parametrize("name", ["config edited", "partial edited", "body edited"])
def test_cached_rebuild_of_a_large_site_equals_clean_build(name: str, tmp_path: Path) -> None:
    """A site large enough that a rebuild touching every page renders in forked workers
    (past render_pool.PARALLEL_THRESHOLD) with fingerprints computed beforehand."""
    work = tmp_path / "work"
    corpus.generate(work, 240, seed=5, flavor="ours")
    assert build_site(work).code == 0
    SCENARIOS[name](work)
    again = build_site(work, "-v", "--jobs", "2")
    assert again.code == 0, again.err
    if name != "body edited":
        assert _rendered(again.out) > 400
    clean = tmp_path / "clean"
    shutil.copytree(work, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    assert build_site(clean, "--no-cache", "--jobs", "1").code == 0
    incremental, reference = read_tree(work / "public"), read_tree(clean / "public")
    assert sorted(incremental) == sorted(reference)
    assert [name for name in reference if incremental[name] != reference[name]] == []



def test_a_body_edit_re_renders_only_the_list_pages_that_show_the_article(tmp_path: Path) -> None:
    """A term's list pages depend on the term's members, not on their contents, unless a
    template reads the term's articles: then every page of the list follows any edit."""
    files = {f"content/2019/a{n:02}.md": article(f"Article {n}", f"2019-01-{n:02}", f"Text {n}.",
                                                 tags="[alliance]")
             for n in range(1, 13)}  # 12 articles, 6 pages of the term list; a01 is the oldest
    rendered = {}
    for variant, reads_members in (("items only", False), ("reads term.articles", True)):
        work = write_site(tmp_path / variant, files)
        with (work / "config.yaml").open("a", encoding="utf-8") as config:
            config.write("pagination:\n  page_size: 2\n")
        if reads_members:  # the last article of the term is the one edited below
            term = override(work, "templates/term.html")
            term.write_text(term.read_text(encoding="utf-8").replace(
                "{% block content %}", "{% block content %}<!-- {{ term.articles[-1].word_count }} -->", 1),
                encoding="utf-8")
        assert build_site(work).code == 0
        assert len(list((work / "public" / "tags" / "alliance").rglob("index.html"))) == 6
        oldest = work / "content" / "2019" / "a01.md"
        oldest.write_text(oldest.read_text(encoding="utf-8") + "\nThree more words.\n", encoding="utf-8")
        again = build_site(work, "-v")
        assert again.code == 0, again.err
        rendered[variant] = _rendered(again.out)
        clean = tmp_path / f"{variant} clean"
        shutil.copytree(work, clean, ignore=shutil.ignore_patterns("public", ".cache"))
        assert build_site(clean, "--no-cache").code == 0
        assert read_tree(work / "public") == read_tree(clean / "public")
    # The other five pages of the term's list follow the edit only when the template reads
    # the term's articles.
    assert rendered["reads term.articles"] - rendered["items only"] == 5
