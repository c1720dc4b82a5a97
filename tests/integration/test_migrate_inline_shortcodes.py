"""Inline shortcodes through `migrate`: translated from the content once, by the site's
owner; never run from content written after (tests/hugo_parity/sites/inline-and-embedded/
compares the translated ones with Hugo's output)."""

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
    page = PAGE.replace(BODY, '{{ partial "x.html" . }}')
    project, out = _migrate(tmp_path, "enableInlineShortcodes = true\n", page)
    assert "Needs a person (1):\n  templates/shortcodes/t.inline.html: stub showing only its inner text " \
           "(an inline shortcode whose body cannot be translated: " in out
    assert _paragraph(project) == "Before {{ partial \u201cx.html\u201d . }} after."  # smart quotes
