"""The importer never turns a captured article into code, lists or other markup (issue 14.12).

A plain-text capture is one paragraph per line. A line that Markdown would read as block
syntax changing what follows (a fence, an HTML block or comment, a definition, a setext
underline, a rule, a list or quote marker) must stay a sentence: each capture below is run
through the real `import` command, the site is built, and every captured line must appear,
in order, as the text of its own paragraph or heading, with no element the importer did
not mean to make.
"""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tests.support.sites import build_site, run_cli, write_site

TITLE = "Burden sharing in the alliance"
OPENING = ("The treaty was signed in 1960 and has been argued over ever since, by "
           "governments, by parliaments and by the people who live next to the bases.")

# Lines a capture may hold that Markdown reads as block syntax; each is followed by an
# ordinary sentence, which must stay a paragraph too.
HOSTILE_LINES = [
    "~~~", "~~~~ python", "```", "``` go", "~~~ {.python title=\"x\"}", "<!--", "<!-- a comment -->",
    "<div>", "<script>", "</div>", "<?php echo 1; ?>", "<![CDATA[ x ]]>",
    "[ref]: https://example.org/x", "[^1]: a footnote", "*[HTML]: Hyper Text",
    "===", "---", "- - -", "***", "___", "* * *",
    "# not a heading", "> not a quote", "1. not a list", "1) not a list", "+ not a list",
    "- not a list", "* not a list", ": not a definition", ":   nor this one",
    "| a | b |", "|---|---|", "{: .class #id }", "{{< rawhtml >}}", "{{% param x %}}",
    "<!--more-->", "\\", "$$ x $$", "~~not struck~~", "Term", "==", "--",
]


def straight(text: str) -> str:
    """Text as written, before the site's typographic quotes and dashes."""
    text = text.translate(str.maketrans("“”‘’", "\"\"''"))
    return text.replace("—", "---").replace("–", "--").replace("…", "...")


def capture() -> str:
    lines = [TITLE, "", OPENING, ""]
    for number, line in enumerate(HOSTILE_LINES):
        lines += [line, "", f"Sentence number {number} after that line stays a paragraph.", ""]
    return "\n".join(lines)


def imported_page(tmp_path: Path, text: str) -> lxml.html.HtmlElement:
    root = write_site(tmp_path / "site", {})
    source = tmp_path / "capture.txt"
    source.write_text(text, encoding="utf-8")
    run = run_cli("import", "--root", str(root), "--quiet", "--date", "2019-07-07", str(source))
    assert run.code == 0, run.err
    built = build_site(root, "--quiet")
    assert built.code == 0, built.err
    page = (root / "public" / "2019" / "burden-sharing-in-the-alliance" / "index.html").read_bytes()
    body = lxml.html.document_fromstring(page).find_class("article-body")
    assert body, "the article template has no .article-body"
    return body[0]


def test_block_syntax_in_a_capture_stays_text(tmp_path: Path) -> None:
    body = imported_page(tmp_path, capture())
    blocks = [element for element in body if isinstance(element.tag, str)]
    made = {element.tag for element in body.iter() if isinstance(element.tag, str)} - {"div"}
    allowed = {"p", "h2", "h3", "a"}  # headings the importer chose; a URL in a sentence is a link
    assert made <= allowed, f"the import made markup of its own: {sorted(made - allowed)}"
    texts = [straight(" ".join(element.text_content().split())) for element in blocks]
    expected = [OPENING]
    for number, line in enumerate(HOSTILE_LINES):
        expected += [" ".join(line.split()), f"Sentence number {number} after that line stays a paragraph."]
    assert texts == expected


@pytest.mark.parametrize("line", ["~~~", "```", "<!--", "<div>", ": a definition"])
def test_one_hostile_line_does_not_swallow_the_rest(line: str, tmp_path: Path) -> None:
    """The issue's case: a `~~~` line turned the rest of the article into a code block."""
    text = f"{TITLE}\n\n{OPENING}\n\n{line}\n\nThe next sentence.\n\nAnd the last one, too."
    body = imported_page(tmp_path, text)
    paragraphs = [" ".join(p.text_content().split()) for p in body.iter("p", "h2", "h3")]
    assert paragraphs[-2:] == ["The next sentence.", "And the last one, too."], paragraphs
    assert not list(body.iter("pre", "code", "dl"))
