"""A site built in Japanese with the theme: its interface, dates and reading time in Japanese."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

import sitegen
from tests.support.sites import DEFAULT_CONFIG, article, build_site, run_cli

JA_CONFIG = DEFAULT_CONFIG.replace("language: en", "language: ja")
BODY = "本文です。" * 400  # 2,000 characters: 4 minutes at Hugo's 501 a minute


def page(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / rel).read_bytes())


def test_a_japanese_site_speaks_japanese(make_site: Callable[..., Path]) -> None:
    root = make_site({"config.yaml": JA_CONFIG,
                      "content/2019/x.md": article("記事", "2019-03-29", BODY, slug="x", tags="[普天間]")})
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    tree = page(root, "2019/x/index.html")
    assert tree.get("lang") == "ja"
    assert tree.cssselect(".article-meta time")[0].text == "2019年3月29日"
    assert tree.cssselect(".reading-time")[0].text == "4分で読めます"
    assert tree.cssselect(".word-count")[0].text == "2,000語"
    assert tree.cssselect(".skip-link")[0].text == "本文へ移動"
    assert tree.cssselect(".terms-label")[0].text == "タグ："
    archive = page(root, "archive/index.html")
    assert archive.cssselect("h1")[0].text == "アーカイブ"
    assert archive.cssselect("h3")[0].text == "2019年3月"
    assert page(root, "tags/index.html").findtext(".//title").startswith("タグ — ")
    assert page(root, "404.html").cssselect("h1")[0].text == "ページが見つかりません"


def test_an_unknown_id_in_a_template_stops_the_build_at_its_line(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/x.md": article()})
    base = root / "templates" / "404.html"  # the project's copy of the theme's, with a typo
    base.parent.mkdir(parents=True, exist_ok=True)
    theirs = (Path(sitegen.__file__).parent / "theme" / "templates" / "404.html").read_text(encoding="utf-8")
    base.write_text(theirs.replace('T("page_not_found")', 'T("page_not_fuond")'), encoding="utf-8")
    run = build_site(root, "--quiet")
    assert run.code == 1
    assert "templates/404.html:6: error: template error: no translation 'page_not_fuond' in " \
           "sitegen/theme/i18n/en.yaml (did you mean 'page_not_found'?)" in run.err


def test_a_bad_i18n_file_is_reported_by_build_and_check(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/x.md": article(), "i18n/de.yaml": "home:\n  one: Start\n"})
    for command in ("build", "check"):
        run = run_cli(command, "--root", str(root))
        assert run.code == 1, command
        assert "i18n/de.yaml:2:3: error: 'home' has no 'other' form" in run.err, (command, run.err)
