"""The glossary in built pages: first uses marked, every form listed for search, errors by line."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

from tests.support.sites import REPO, article, build_site, run_cli

GLOSSARY = (REPO / "data" / "glossary.yaml").read_text(encoding="utf-8")
BODY = ("The relocation of Futenma is disputed.\n\n## Futenma today\n\n"
        "Futenma again, and the omoiyari budget.\n")


def page(root: Path, rel: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring((root / "public" / rel).read_bytes())


def test_first_use_is_marked_and_every_form_is_indexed(make_site: Callable[..., Path]) -> None:
    root = make_site({"data/glossary.yaml": GLOSSARY,
                      "content/2010/x.md": article("Bases", "2010-02-15", BODY, slug="x")})
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    tree = page(root, "2010/x/index.html")
    assert [d.text_content() for d in tree.cssselect(".article-body dfn")] == ["Futenma", "omoiyari"]
    hidden = tree.cssselect("[data-pagefind-body] .glossary-forms[hidden]")[0]
    forms = [span.text for span in hidden.cssselect("span")]
    assert {"普天間", "ふてんま", "思いやり予算", "Omoiyari Yosan", "host-nation support"} <= set(forms)
    assert hidden.cssselect("span[lang=ja]")[0].text == "普天間"
    assert tree.cssselect("script[src$='js/glossary.js']")
    # the tooltips are not part of the summary, the description or the word count
    assert "Marine Corps" not in tree.cssselect("meta[name=description]")[0].get("content")
    assert tree.cssselect(".word-count")[0].text == "14 words"


def test_without_a_glossary_nothing_is_marked(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2010/x.md": article("Bases", "2010-02-15", BODY, slug="x")})
    assert build_site(root, "--quiet").code == 0
    tree = page(root, "2010/x/index.html")
    assert not tree.cssselect("dfn, .glossary-forms, script[src$='js/glossary.js']")
    assert tree.cssselect(".word-count")[0].text == "14 words"


def test_a_glossary_edit_converts_the_articles_again(make_site: Callable[..., Path]) -> None:
    root = make_site({"data/glossary.yaml": GLOSSARY,
                      "content/2010/x.md": article("Bases", "2010-02-15", BODY, slug="x")})
    assert build_site(root, "--quiet").code == 0
    (root / "data" / "glossary.yaml").write_text(
        GLOSSARY.replace("ja-Latn: Futenma", "ja-Latn: Futenma\n    ko: 후텐마"),
        encoding="utf-8")
    assert build_site(root, "--quiet").code == 0
    tip = page(root, "2010/x/index.html").cssselect("#gloss-futenma")[0]
    assert tip.cssselect("span[lang=ko]")[0].text == "후텐마"


def test_a_bad_glossary_stops_build_and_check_at_its_line(make_site: Callable[..., Path]) -> None:
    root = make_site({"data/glossary.yaml": "- id: a\n  forms: {en: A}\n  definiton: {en: x}\n",
                      "content/2010/x.md": article()})
    for command in ("build", "check"):
        run = run_cli(command, "--root", str(root))
        assert run.code == 1, command
        assert ("data/glossary.yaml:3:3: error: unknown key 'definiton' in a term\n"
                "  hint: did you mean 'definition'?") in run.err
    assert not (root / "public").exists()


def test_check_reports_a_near_miss_with_its_line(make_site: Callable[..., Path]) -> None:
    root = make_site({"data/glossary.yaml": GLOSSARY,
                      "content/2010/x.md": article(body="Moving Futemma.")})
    run = run_cli("check", "--root", str(root))
    assert ("content/2010/x.md:5:8: warning: 'Futemma' is not a form the glossary knows: did you mean "
            "'Futenma'?") in run.out + run.err


def test_the_archive_checks_clean_with_its_glossary(tmp_path: Path) -> None:
    for name in ("content", "templates", "static", "i18n", "data"):
        shutil.copytree(REPO / name, tmp_path / name)
    shutil.copy(REPO / "config.yaml", tmp_path / "config.yaml")
    run = run_cli("check", "--root", str(tmp_path))
    assert run.out.strip() == "check: 0 error(s), 0 warning(s)", run.out + run.err
