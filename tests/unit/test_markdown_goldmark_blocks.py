"""Blocks Goldmark (Hugo 0.168) reads differently from Python-Markdown's extensions, each
checked against what `hugo` builds from the same text (tests/hugo_parity/sites/goldmark-blocks/
holds the same cases as a site)."""

from __future__ import annotations

from lxml import html as lxml_html

from sitegen.markup.markdown import MarkdownOptions, render_markdown
from sitegen.markup.text import count_html_words

OPTIONS = MarkdownOptions(unsafe=False, has_cjk_language=False, smart_quotes=True)


def tree(text: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(render_markdown(text, OPTIONS).html, create_parent="div")


def test_fence_closes_on_a_longer_run() -> None:  # CommonMark 4.5
    page = tree("```go\nx := 1\n````\n\nAfter the fence.\n\n~~~\ny\n~~~~~\n\nEnd.\n")
    assert [code.text_content() for code in page.iter("code")] == ["x := 1\n", "y\n"]
    assert [p.text_content() for p in page.findall("p")] == ["After the fence.", "End."]


def test_shorter_run_inside_a_longer_fence_is_code() -> None:
    page = tree("````text\n```\ninner\n```\n````\n\nDone.\n")
    assert [code.text_content() for code in page.iter("code")] == ["```\ninner\n```\n"]
    assert [p.text_content() for p in page.findall("p")] == ["Done."]


def test_delimiter_row_wider_than_header_makes_a_table() -> None:
    page = tree("Condition|Return value\n:--|:--|:--\n`N`|A -- sample\n`H`|The range\n")
    table = page.find("table")
    assert table is not None
    assert [th.text_content() for th in table.iter("th")] == ["Condition", "Return value", ""]
    assert [th.get("style") for th in table.iter("th")] == ["text-align: left;"] * 2 + [None]
    assert [[td.text_content() for td in tr.findall("td")] for tr in table.find("tbody")] == [
        ["N", "A \u2013 sample", ""], ["H", "The range", ""]]


def test_header_wider_than_delimiter_row_stays_a_paragraph() -> None:
    page = tree("A|B|C\n:--|:--\nx|y|z\n")
    assert page.find("table") is None
    assert page.find("p").text_content() == "A|B|C\n:\u2013|:\u2013\nx|y|z"


def test_block_attributes_under_a_table_are_its_attributes() -> None:
    page = tree('| A | B |\n|---|---|\n| one | two |\n{class="!mt-0" #methods onclick="x()"}\n')
    table = page.find("table")
    assert dict(table.attrib) == {"class": "!mt-0", "id": "methods"}  # no script attributes
    assert [[td.text_content() for td in tr.findall("td")] for tr in table.find("tbody")] == [
        ["one", "two"]]


def test_repeated_footnote_back_links_are_separate_words() -> None:
    rendered = render_markdown("One[^1] and two[^1] and three[^1].\n\n[^1]: The note.\n", OPTIONS).html
    note = lxml_html.fragment_fromstring(rendered, create_parent="div").get_element_by_id("fn:1")
    links = note.find_class("footnote-backref")
    assert [link.get("href") for link in links] == ["#fnref:1", "#fnref2:1", "#fnref3:1"]
    assert [link.tail for link in links] == ["\xa0", "\xa0", None]
    assert note.text_content().split() == ["The", "note.", "\u21a9\ufe0e", "\u21a9\ufe0e", "\u21a9\ufe0e"]
    assert count_html_words(rendered, False) == 7  # as Hugo 0.168 counts this page
