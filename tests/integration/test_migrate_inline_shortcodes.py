"""Shortcodes of the content through `migrate`: inline shortcodes, translated once from the
content by the site's owner and never run from content written after, and Hugo's embedded
ones (tests/hugo_parity/sites/inline-and-embedded/ compares them with Hugo's output)."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from tests.support.sites import build_site, run_cli

BODY = "{{ .Page.Title | upper }}"
PAGE = "---\ntitle: Treaty\ndate: 2019-01-01\n---\nBefore {{< t.inline >}}" + BODY + "{{< /t.inline >}} after.\n"


def _migrate(tmp_path: Path, config: str, page: str = PAGE) -> tuple[Path, str]:
    site = tmp_path / "hugo"
    (site / "content" / "post").mkdir(parents=True)
    (site / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "T"\n' + config,
                                    encoding="utf-8")
    (site / "content" / "post" / "p.md").write_text(page, encoding="utf-8")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    return tmp_path / "project", run.out


def _paragraph(project: Path) -> str:
    built = build_site(project)
    assert built.code == 0, built.err
    tree = lxml_html.parse(str(project / "public" / "post" / "p" / "index.html"))
    paragraphs = [p.text_content() for p in tree.iter("p") if "Before" in p.text_content()]
    assert len(paragraphs) == 1
    return " ".join(paragraphs[0].split())


def test_an_enabled_inline_shortcode_runs_its_translated_body(tmp_path: Path) -> None:
    project, out = _migrate(tmp_path, "enableInlineShortcodes = true\n")
    assert "templates/shortcodes/t.inline.html: from the content (1 body)" in out
    assert _paragraph(project) == "Before TREATY after."


def test_a_body_edited_after_the_migration_is_shown_not_run(tmp_path: Path) -> None:
    """Content is untrusted: only the bodies the owner migrated are templates."""
    project, _ = _migrate(tmp_path, "enableInlineShortcodes = true\n")
    page = project / "content" / "post" / "p.md"
    page.write_text(PAGE.replace(BODY, "{{ .Page.Date }}"), encoding="utf-8")
    assert _paragraph(project) == "Before {{ .Page.Date }} after."


def test_inline_shortcodes_write_nothing_where_hugo_does_not_enable_them(tmp_path: Path) -> None:
    project, out = _migrate(tmp_path, "")
    assert "t.inline.html: from inline, not enabled (Hugo writes nothing)" in out
    assert _paragraph(project) == "Before after."


def test_an_untranslatable_body_is_listed_for_a_person(tmp_path: Path) -> None:
    page = PAGE.replace(BODY, '{{ .Page.Resources.GetMatch "x" }}')
    project, out = _migrate(tmp_path, "enableInlineShortcodes = true\n", page)
    assert "Needs a person (1):\n  templates/shortcodes/t.inline.html: stub showing only its inner text " \
           "(an inline shortcode whose body cannot be translated: " in out
    assert _paragraph(project) == "Before {{ .Page.Resources.GetMatch \u201cx\u201d }} after."  # smart quotes


def test_hugos_x_and_instagram_shortcodes(tmp_path: Path) -> None:
    """instagram is Hugo's own markup (the fixture site compares it with Hugo's); x is a
    stub that says why: Hugo fetches the post while it builds."""
    page = PAGE.replace("{{< t.inline >}}" + BODY + "{{< /t.inline >}}",
                        '{{< x user="GoHugoIO" id="1305090583917203457" >}}{{< instagram DBHw3t6A6a4 >}}')
    project, out = _migrate(tmp_path, "", page)
    assert "templates/shortcodes/x.html: stub showing only its inner text (Hugo's built-in x fetches " \
           "the post from the network while it builds; ours fetch nothing)" in out
    assert "templates/shortcodes/instagram.html: from Hugo's built-in" in out
    built = build_site(project)
    assert built.code == 0, built.err
    tree = lxml_html.parse(str(project / "public" / "post" / "p" / "index.html"))
    (quote,) = tree.getroot().find_class("instagram-media")
    assert quote.find(".//a").get("href") == "https://www.instagram.com/p/DBHw3t6A6a4"
    assert " ".join(quote.text_content().split()) == "View this post on Instagram"
