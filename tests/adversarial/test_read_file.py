"""Hugo's readFile in shortcode templates: content names the file, so it stays in the project.

A shortcode template (trusted) calls `read_file(arg(0))`; the argument comes from the
content (untrusted). Reading outside the project folder, a hidden file, or through a
symbolic link that leads out stops the build with the file, line and column of the
shortcode and a hint; nothing is published. Inside the project, the file is read as text
(HTML-escaped by the template), and a missing file reads as "", as in Hugo.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from lxml import html as lxml_html

from tests.support.sites import article, build_site, write_site

HINT = "  hint: give a path relative to the project folder, e.g. data/example.toml"


def _site(root: Path, call: str) -> Path:
    return write_site(root, {
        "templates/shortcodes/inc.html": '<pre class="inc">{{ read_file(arg(0)) }}</pre>',
        "snippets/example.toml": "title = '<b>Example</b>'\n",
        "content/a.md": article("A", body=f"Text.\n\nSee {call} here.\n"),
    })


@pytest.mark.parametrize(("argument", "message", "hint"), [
    ("../outside.txt", "readFile: '../outside.txt' leads out of its folder with '..'; only files "
     "inside the project folder can be read", HINT),
    ("snippets/../../outside.txt", "readFile: 'snippets/../../outside.txt' leads out of its folder "
     "with '..'; only files inside the project folder can be read", HINT),
    ("/etc/passwd", "readFile: '/etc/passwd' is an absolute path; only files inside the project "
     "folder can be read", HINT),
    ("C:/secret.txt", "readFile: 'C:/secret.txt' is an absolute path; only files inside the project "
     "folder can be read", HINT),
    (".env", "readFile: '.env' is a hidden file or in a hidden folder, which shortcodes may not read",
     "  hint: move the file to a folder whose name does not start with '.'"),
    (".cache/build.db", "readFile: '.cache/build.db' is a hidden file or in a hidden folder, which "
     "shortcodes may not read", "  hint: move the file to a folder whose name does not start with '.'"),
    ("snippets", "readFile: 'snippets' is a folder, not a file", HINT),
    ("", "readFile: no file name given", HINT),
])
def test_a_name_that_leaves_the_project_stops_the_build_at_the_shortcode(
        tmp_path: Path, argument: str, message: str, hint: str) -> None:
    (tmp_path / "outside.txt").write_text("SECRET\n", encoding="utf-8")
    root = _site(tmp_path / "site", f'{{{{< inc "{argument}" >}}}}')
    (root / ".env").write_text("TOKEN=SECRET\n", encoding="utf-8")
    result = build_site(root)
    assert result.code == 1
    lines = result.err.splitlines()
    assert lines[:2] == [f"content/a.md:7:5: error: {message}", hint], result.err
    assert "SECRET" not in result.err + result.out
    assert not (root / "public" / "a" / "index.html").exists()


def test_a_symbolic_link_out_of_the_project_is_refused(tmp_path: Path) -> None:
    (tmp_path / "outside.txt").write_text("SECRET\n", encoding="utf-8")
    root = _site(tmp_path / "site", '{{< inc "snippets/link.txt" >}}')
    os.symlink(tmp_path / "outside.txt", root / "snippets" / "link.txt")
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    result = build_site(root)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "content/a.md:7:5: error: readFile: 'snippets/link.txt' is a symbolic link (or in a linked "
        "folder) that leads out of the project folder", "  hint: copy the file into the project"]
    (root / "content" / "a.md").write_text(article("A", body='{{< inc "linked/outside.txt" >}}'),
                                           encoding="utf-8")
    result = build_site(root)
    assert result.code == 1 and "SECRET" not in result.err + result.out
    assert "content/a.md:5:1: error: readFile: 'linked/outside.txt' is a symbolic link" in result.err


def test_a_file_inside_the_project_is_read_as_escaped_text(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", '{{< inc "snippets/./example.toml" >}} {{< inc "snippets/inner.toml" >}}')
    (root / "snippets" / "inner.toml").symlink_to(root / "snippets" / "example.toml")  # a link inside
    result = build_site(root)
    assert result.code == 0, result.err
    page = lxml_html.fromstring((root / "public" / "a" / "index.html").read_bytes())
    assert [pre.text for pre in page.xpath("//pre[@class='inc']")] == ["title = '<b>Example</b>'\n"] * 2
    assert page.xpath("//pre[@class='inc']//b") == []


def test_a_missing_file_reads_as_empty_text_as_in_hugo(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", '{{< inc "snippets/not-yet.toml" >}}')
    result = build_site(root)
    assert result.code == 0, result.err
    page = lxml_html.fromstring((root / "public" / "a" / "index.html").read_bytes())
    assert [pre.text for pre in page.xpath("//pre[@class='inc']")] == [None]
