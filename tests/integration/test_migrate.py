"""`treaty-archive migrate HUGO_SITE --into DIR`: a Hugo site in, a project that builds out."""

from __future__ import annotations

from pathlib import Path

import yaml
from lxml import html as lxml_html

from sitegen.config.settings import load_config
from tests.support.sites import build_site, run_cli

HUGO_TOML = """\
baseURL = "https://example.org/blog/"
title = "A Hugo blog"
languageCode = "en-gb"
hasCJKLanguage = true
summaryLength = 30
ignoreFiles = ["\\\\.Rmd$", "_cache$"]

[pagination]
  pagerSize = 7

[permalinks]
  post = "/:year/:month/:slug/"

[taxonomies]
  tag = "tags"
  series = "series"

[markup.goldmark.renderer]
  unsafe = true

[params]
  description = "Notes"
  mainSections = ["post"]

[[menu.main]]
  name = "About"
  url = "/about/"
  weight = 1
"""


def _hugo_site(root: Path, shortcodes: dict[str, str] | None = None) -> Path:
    files = {
        "hugo.toml": HUGO_TOML,
        "content/post/2019-01-01-first.md": "---\ntitle: First\ndate: 2019-01-01\ntags: [a]\n---\n"
                                            "Hello {{< hi name=\"you\" >}}.\n",
        "content/about.md": "---\ntitle: About\n---\nAbout me.\n",
        "static/img/logo.png": "PNG",
        "data/links.yaml": "- one\n",
        "layouts/shortcodes/hi.html": "<span>hi {{ .Get \"name\" }}</span>",
        **(shortcodes or {}),
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_migrate_makes_a_project_that_builds(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    assert "Converted automatically (1):\n  templates/shortcodes/hi.html: from layouts/shortcodes/hi.html " \
           "(1 use, first at content/post/2019-01-01-first.md:6)" in run.out
    assert "Needs a person (0):" in run.out
    project = tmp_path / "project"
    built = build_site(project)
    assert built.code == 0, built.err
    page = (project / "public" / "2019" / "01" / "first" / "index.html").read_text(encoding="utf-8")
    assert "Hello <span>hi you</span>." in page
    assert (project / "public" / "img" / "logo.png").read_text() == "PNG"
    assert (project / "data" / "links.yaml").is_file()


def test_the_config_keeps_hugos_settings_and_defaults(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    config = load_config(tmp_path / "project")
    assert (config.site.base_url, config.site.title, config.site.language) == (
        "https://example.org/blog/", "A Hugo blog", "en-gb")
    assert config.site.description == "Notes"
    assert config.permalinks == {"post": "/:year/:month/:slug/"}
    assert config.taxonomies == {"tag": "tags", "series": "series"}
    assert (config.markdown.has_cjk_language, config.markdown.unsafe, config.markdown.summary_words) == (
        True, True, 30)
    assert config.pagination.page_size == 7
    assert config.ignore_files == ("\\.Rmd$", "_cache$")
    assert config.extra == {"description": "Notes", "mainsections": ["post"]}
    assert config.menus == {"main": [{"name": "About", "url": "/about/", "weight": 1}]}


def test_hugo_defaults_are_written_where_the_site_sets_nothing(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "config.yaml").write_text("title: Plain\n", encoding="utf-8")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    config = load_config(tmp_path / "project")
    assert config.permalinks == {}  # Hugo's default: the content path
    assert config.taxonomies == {"category": "categories", "tag": "tags"}
    assert (config.markdown.has_cjk_language, config.markdown.unsafe, config.markdown.summary_words) == (
        False, False, 70)
    assert config.pagination.page_size == 10


def test_a_config_folder_and_json_are_read(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "config" / "_default").mkdir(parents=True)
    (site / "config" / "_default" / "hugo.json").write_text('{"baseURL": "https://x.org/", "Title": "J"}',
                                                           encoding="utf-8")
    (site / "config" / "_default" / "params.toml").write_text('tagline = "Hi"\n', encoding="utf-8")
    (site / "config" / "_default" / "menus.yaml").write_text("main:\n  - name: Home\n    url: /\n",
                                                            encoding="utf-8")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    config = load_config(tmp_path / "project")
    assert (config.site.base_url, config.site.title, config.extra) == ("https://x.org/", "J", {"tagline": "Hi"})
    assert config.menus == {"main": [{"name": "Home", "url": "/"}]}


def test_a_second_run_writes_nothing(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    first = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    again = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert again.code == 0, again.err
    assert "written: 0 files" in again.out and "written: 0 files" not in first.out


def test_a_changed_file_is_not_overwritten_without_force(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    project = tmp_path / "project"
    assert run_cli("migrate", str(site), "--into", str(project)).code == 0
    (project / "config.yaml").write_text((project / "config.yaml").read_text() + "# mine\n", encoding="utf-8")
    (project / "content" / "about.md").write_text("---\ntitle: Edited\n---\n", encoding="utf-8")
    refused = run_cli("migrate", str(site), "--into", str(project))
    assert refused.code == 1
    assert f"{project.as_posix()}/config.yaml: error: would be overwritten by the migration" in refused.err
    assert "2 file(s) in the target folder differ from what the migration writes; nothing was written" \
        in refused.err
    assert (project / "content" / "about.md").read_text() == "---\ntitle: Edited\n---\n"
    forced = run_cli("migrate", str(site), "--into", str(project), "--force")
    assert forced.code == 0, forced.err
    assert (project / "content" / "about.md").read_text() == "---\ntitle: About\n---\nAbout me.\n"


def test_an_untranslatable_shortcode_gets_a_listed_stub_and_the_site_builds(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo", {
        "layouts/shortcodes/box.html": '<div>{{ partial "box.html" . }}{{ .Inner }}</div>',
        "content/post/2019-02-02-box.md": "---\ntitle: Box\ndate: 2019-02-02\n---\n"
                                          "{{< box >}}Inside the box.{{< /box >}}\n"})
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    assert ("Needs a person (1):\n  templates/shortcodes/box.html: stub showing only its inner text "
            "(the partial box.html is not in the site or its theme) (1 use, first at "
            "content/post/2019-02-02-box.md:5)"
            ) in run.out
    stub = (tmp_path / "project" / "templates" / "shortcodes" / "box.html").read_text(encoding="utf-8")
    assert '{{ partial "box.html" . }}' in stub  # the Go source, for the person
    built = build_site(tmp_path / "project")
    assert built.code == 0, built.err
    assert "Inside the box." in (tmp_path / "project" / "public" / "2019" / "02" / "box" / "index.html"
                                 ).read_text(encoding="utf-8")


def test_a_shortcode_defined_nowhere_is_not_called_hugos(tmp_path: Path) -> None:
    """A site whose theme is not in its repository uses the theme's shortcodes: the stub
    says it found no definition, not that Hugo has one."""
    site = _hugo_site(tmp_path / "hugo", {
        "content/post/2019-02-02-img.md": "---\ntitle: Img\ndate: 2019-02-02\n---\n"
                                          '{{% img src="/a.png" %}}\n'})
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    stub = (tmp_path / "project" / "templates" / "shortcodes" / "img.html").read_text(encoding="utf-8")
    assert stub.startswith("{#- STUB written by `treaty-archive migrate`: Hugo's shortcode 'img' "
                           "(defined nowhere we looked)\n")
    assert build_site(tmp_path / "project").code == 0


def test_the_report_says_what_differs_from_hugo(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    (site / "hugo.toml").write_text('defaultContentLanguage = "en"\nuglyURLs = true\n' + HUGO_TOML +
                                    '[languages.en]\n  weight = 1\n[languages.fr]\n  weight = 2\n',
                                    encoding="utf-8")
    (site / "content" / "about.fr.md").write_text("---\ntitle: À propos\n---\n", encoding="utf-8")
    (site / "layouts" / "_markup").mkdir(parents=True)
    (site / "layouts" / "_markup" / "render-link.html").write_text("<a>", encoding="utf-8")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    differs = run.out.split("Differs from Hugo")[1]
    assert "1 content file(s) in other languages (fr) are left out" in differs
    assert "uglyURLs: pages are folders with index.html, not .html files" in differs
    assert "render hooks are not translated (render-link.html)" in differs
    assert not (tmp_path / "project" / "content" / "about.fr.md").exists()


def test_a_missing_site_folder_is_an_error(tmp_path: Path) -> None:
    run = run_cli("migrate", str(tmp_path / "nowhere"), "--into", str(tmp_path / "project"))
    assert run.code == 1
    assert f"{(tmp_path / 'nowhere').as_posix()}: error: no such folder" in run.err


def test_a_broken_hugo_config_is_an_error_with_its_line(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "hugo.yaml").write_text("title: ok\nparams: [unclosed\n", encoding="utf-8")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 2
    assert run.err.startswith("hugo.yaml:3: error: cannot read this Hugo config file:")
    assert not (tmp_path / "project").exists()


def test_the_written_config_is_commented_yaml(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    text = (tmp_path / "project" / "config.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Migrated from a Hugo site (hugo.toml) by `treaty-archive migrate`.")
    assert "# Hugo's permalinks. Sections without a pattern keep Hugo's default" in text
    assert yaml.safe_load(text)["site"]["title"] == "A Hugo blog"


def test_disable_aliases_carries_over(tmp_path: Path) -> None:
    """hugoDocs sets disableAliases; its aliases name its own section pages."""
    site = tmp_path / "hugo"
    (site / "content" / "functions" / "time").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "Docs"\ndisableAliases = true\n', encoding="utf-8")
    (site / "content" / "functions" / "time" / "_index.md").write_text("---\ntitle: Time\n---\n")
    (site / "content" / "functions" / "time" / "AsTime.md").write_text(
        "---\ntitle: AsTime\naliases: [/functions/time]\n---\nText.\n", encoding="utf-8")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    assert load_config(tmp_path / "project").disable_aliases is True
    built = build_site(tmp_path / "project")
    assert built.code == 0, built.err
    section = (tmp_path / "project" / "public" / "functions" / "time" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh"' not in section and "<title>Time" in section


def test_a_chinese_site_marks_han_only_text_chinese_and_japanese_articles_japanese(tmp_path: Path) -> None:
    """On a zh-CN site, a paragraph written only in Han characters is Chinese (not the
    engine's default Japanese), while the same kind of line in an article that writes kana
    is Japanese: the lang attribute picks the fonts and the screen reader's voice."""
    site = tmp_path / "hugo"
    (site / "content" / "post").mkdir(parents=True)
    (site / "hugo.toml").write_text('title = "博客"\nlanguageCode = "zh-CN"\n', encoding="utf-8")
    (site / "content" / "post" / "zh.md").write_text(
        '---\ntitle: "中文"\ndate: 2021-01-01\n---\n行内代码也算字数。\n', encoding="utf-8")
    (site / "content" / "post" / "ja.md").write_text(
        '---\ntitle: "日本語"\ndate: 2021-01-02\n---\n日米安保について考える。\n\n**筆者：**山田太郎\n',
        encoding="utf-8")
    project = tmp_path / "project"
    assert run_cli("migrate", str(site), "--into", str(project)).code == 0
    assert load_config(project).markdown.cjk_lang == "zh-CN"
    assert build_site(project).code == 0
    langs = {name: [p.get("lang") for p in lxml_html.fromstring(
        (project / "public" / "post" / name / "index.html").read_bytes()).cssselect(".article-body p[lang]")]
        for name in ("zh", "ja")}
    assert langs == {"zh": ["zh-CN"], "ja": ["ja", "ja"]}


def test_migrate_copies_the_files_readfile_shortcodes_name_and_nothing_outside(tmp_path: Path) -> None:
    """`readFile` reads a file of the site named by a call's arguments: migrate copies each
    such file to the same path, and never one outside the site or hidden."""
    (tmp_path / "outside.txt").write_text("SECRET\n", encoding="utf-8")
    site = _hugo_site(tmp_path / "hugo", {
        "layouts/shortcodes/file.html": '<pre class="file">{{ readFile (.Get "path") }}</pre>',
        "snippets/example.toml": "answer = 42\n",
        ".env": "TOKEN=SECRET\n",
        "content/files.md": "---\ntitle: Files\n---\n{{< file path=\"snippets/example.toml\" >}}\n\n"
                            "{{< file path=\"../outside.txt\" >}} {{< file path=\".env\" >}}"
                            " {{< file path=\"content/about.md\" >}}\n",
    })
    result = run_cli("migrate", str(site), "--into", str(tmp_path / "ours"))
    assert result.code == 0, result.err
    assert "  read by shortcodes (readFile), copied: snippets/example.toml" in result.out.splitlines()
    assert (tmp_path / "ours" / "snippets" / "example.toml").read_text(encoding="utf-8") == "answer = 42\n"
    copied = [p for p in (tmp_path / "ours").rglob("*") if p.is_file()]
    assert [p for p in copied if b"SECRET" in p.read_bytes()] == []
    (tmp_path / "ours" / "content" / "files.md").write_text(
        "---\ntitle: Files\n---\n{{< file path=\"snippets/example.toml\" >}}\n", encoding="utf-8")
    assert build_site(tmp_path / "ours").code == 0
    page = lxml_html.fromstring((tmp_path / "ours" / "public" / "files" / "index.html").read_bytes())
    assert [pre.text for pre in page.xpath("//pre[@class='file']")] == ["answer = 42\n"]


IMG = """{{- $src := .Get "src" }}
{{- $i := partial "inline/find.html" (dict "page" .Page "src" $src) }}
{{- $small := $i.Resize "100x" }}
<img src="{{ $small.RelPermalink }}" alt="{{ .Get "alt" }}">
{{- define "_partials/inline/find.html" }}
  {{- $r := .page.Resources.Get .src }}
  {{- if not $r }}{{ $r = resources.Get .src }}{{ end }}
  {{- return $r }}
{{- end -}}
"""


def test_a_shortcode_publishing_assets_gets_them_in_static_and_the_report_says_so(tmp_path: Path) -> None:
    site = _hugo_site(tmp_path / "hugo", {"layouts/shortcodes/img.html": IMG})
    (site / "content/post/2019-01-01-first.md").write_text(
        "---\ntitle: First\ndate: 2019-01-01\n---\n{{< img src=\"photos/a.png\" alt=\"A\" >}}\n", encoding="utf-8")
    for name in ("assets/photos/a.png", "assets/css/site.scss"):
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        (site / name).write_text(name, encoding="utf-8")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    assert "templates/shortcodes/img.html: from layouts/shortcodes/img.html" in run.out.split("Needs a person")[0]
    differs = run.out.split("Differs from Hugo")[1]
    assert "1 image(s) of assets/ are copied to static/ too, since shortcodes publish them (resources.Get)" in differs
    assert "images are not processed: shortcodes that resize or filter an image" in differs
    project = tmp_path / "project"
    assert not (project / "static/css/site.scss").exists()
    built = build_site(project)
    assert built.code == 0, built.err
    page = lxml_html.fromstring((project / "public/2019/01/first/index.html").read_bytes())
    assert [(img.get("src"), img.get("alt")) for img in page.iter("img")] == [("/blog/photos/a.png", "A")]
    assert (project / "public/photos/a.png").read_text(encoding="utf-8") == "assets/photos/a.png"
