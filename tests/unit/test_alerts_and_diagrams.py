"""markdown.alerts and markdown.diagrams: what Hugo's alert and diagram render hooks render
(tests/hugo_parity/sites/render-hooks/ compares them with Hugo's own output)."""

from __future__ import annotations

from lxml import html as lxml_html

from sitegen.markup.markdown import MarkdownOptions, render_markdown

ALERT = "> [!IMPORTANT]\n> Read *this*.\n\n> [!TIP] Given **title**\n> Advice.\n"


def _tree(text: str, options: MarkdownOptions) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(render_markdown(text, options).html, create_parent="div")


def test_alerts_titled_by_type_show_the_types_name_unless_given() -> None:
    tree = _tree(ALERT, MarkdownOptions(alerts="type"))
    quotes = tree.findall("blockquote")
    assert [q.get("class") for q in quotes] == ["alert alert-important", "alert alert-tip"]
    assert [q.find("p").text_content() for q in quotes] == ["Important", "Given title"]
    assert quotes[1].find("p/strong").text == "title"  # the title is Markdown
    assert quotes[0].findall("p")[1].find("em").text == "this"


def test_alerts_with_given_titles_only_have_no_title_otherwise() -> None:
    tree = _tree(ALERT, MarkdownOptions(alerts="given"))
    first, second = tree.findall("blockquote")
    assert [p.text_content() for p in first.findall("p")] == ["Read this."]
    assert second.find("p").get("class") == "alert-title"


def test_without_the_setting_the_marker_is_text_as_in_hugo_without_a_hook() -> None:
    tree = _tree(ALERT, MarkdownOptions())
    assert tree.find("blockquote").get("class") is None
    assert tree.find("blockquote/p").text_content().startswith("[!IMPORTANT]")


def test_a_diagram_is_text_for_its_script_and_its_markup_stays_text() -> None:
    source = "```mermaid\ngraph TD;\n  A-->B[\"<script>alert(1)</script>\"];\n```\n"
    tree = _tree(source, MarkdownOptions(diagrams=("mermaid",), line_numbers="table", unsafe=True))
    (pre,) = tree.findall("pre")
    assert pre.get("class") == "mermaid" and len(pre) == 0  # no element inside, no numbers
    assert pre.text == 'graph TD;\n  A-->B["<script>alert(1)</script>"];'
    assert tree.find(".//script") is None
