"""A folder with an `_index.md` is a section page even when no page is in it yet (Hugo).

Before, such a folder was silently missing from public/: a glossary section whose terms
are all `build: {render: never}`, or a new section whose first post is not written yet.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

from tests.support.sites import build_site

SECTION = "---\ntitle: {title}\n---\n{body}\n"
POST = "---\ntitle: A post\ndate: 2020-01-02\n---\nText.\n"


def _heading_and_text(page: Path) -> tuple[str, str]:
    main = lxml_html.fromstring(page.read_bytes()).find(".//main")
    assert main is not None
    return main.findtext(".//h1", "").strip(), main.text_content()


def test_an_empty_section_with_an_index_is_published(make_site: Callable[..., Path]) -> None:
    root = make_site({
        "content/_index.md": SECTION.format(title="Home", body="Home text."),
        "content/about/_index.md": SECTION.format(title="About us", body="Who we are."),
        "content/notes/2020/first.md": POST,
        "content/notes/glossary/_index.md": SECTION.format(title="Glossary", body="Terms to come."),
    })
    run = build_site(root)
    assert run.code == 0, run.err
    for url, title, body in [("about", "About us", "Who we are."),
                             ("notes/glossary", "Glossary", "Terms to come.")]:
        heading, text = _heading_and_text(root / "public" / url / "index.html")
        assert heading == title and body in text
    assert (root / "public/index.html").is_file() and not (root / "public/_index").exists()


def test_an_index_in_a_taxonomy_folder_is_not_a_section(make_site: Callable[..., Path]) -> None:
    """content/tags/notes/_index.md is the text of the term page /tags/notes/ (Hugo, and
    the Stack theme's demo), not a section page at the same URL."""
    root = make_site({
        "content/tags/notes/_index.md": SECTION.format(title="Notes", body="All our notes."),
        "content/notes/2020/first.md": "---\ntitle: A post\ndate: 2020-01-02\ntags: [notes]\n---\nText.\n",
    })
    run = build_site(root)
    assert run.code == 0, run.err
    assert (root / "public/tags/notes/index.html").is_file()
