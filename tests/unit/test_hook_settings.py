"""markdown.alerts, .diagrams and .passthrough_blocks: what Hugo's alert and diagram render
hooks and its passthrough extension render (tests/hugo_parity/sites/render-hooks/ and
math-and-diagrams/ compare them with Hugo's own output)."""

from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from sitegen.markup.markdown import MarkdownOptions, render_markdown
from tests.support.sites import build_site, write_site

ALERT = "> [!IMPORTANT]\n> Read *this*.\n\n> [!TIP] Given **title**\n> Advice.\n"


def _tree(text: str, options: MarkdownOptions) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(render_markdown(text, options).html, create_parent="div")


def test_alerts_titled_by_type_show_the_types_name_unless_given() -> None:
    tree = _tree(ALERT, MarkdownOptions(alerts="type"))
    quotes = tree.findall("div[@role='note']")
    assert [(q.get("class"), q.get("aria-label")) for q in quotes] == [
        ("alert alert-important", "Important"), ("alert alert-tip", "Tip")]
    assert [q.find("p").text_content() for q in quotes] == ["Important", "Given title"]
    assert quotes[1].find("p/strong").text == "title"  # the title is Markdown
    assert quotes[0].findall("p")[1].find("em").text == "this"


def test_alerts_with_given_titles_only_have_no_title_otherwise() -> None:
    tree = _tree(ALERT, MarkdownOptions(alerts="given"))
    first, second = tree.findall("div[@role='note']")
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


def test_a_raw_diagram_is_written_as_is_only_where_raw_html_is_kept() -> None:
    source = "```mermaid\nA-->B[\"x<br/>y\"]\n```\n\n## Next\n"
    kept = render_markdown(source, MarkdownOptions(diagrams=("mermaid",), raw_diagrams=True, unsafe=True))
    assert '<pre class="mermaid">A-->B["x<br/>y"]</pre>\n<h2' in kept.html
    joined = render_markdown(source, MarkdownOptions(diagrams=("mermaid",), raw_diagrams=True, unsafe=True,
                                                     diagrams_joined=True))
    assert '"]</pre><h2' in joined.html and joined.word_count == kept.word_count - 1


PASSTHROUGH = (("$$", "$$"), ("\\[", "\\]"))


def test_passthrough_blocks_are_left_as_written_and_escaped_in_safe_mode() -> None:
    source = "Intro.\n\n$$\na_1 * b_2 * c <script>x</script>\n$$\n\nAfter.\n"
    tree = _tree(source, MarkdownOptions(passthrough_blocks=PASSTHROUGH))
    assert tree.find(".//script") is None and tree.find(".//em") is None
    assert "$$\na_1 * b_2 * c <script>x</script>\n$$" in tree.text_content()
    assert [p.text_content() for p in tree.findall("p")] == ["Intro.", "After."]


def test_passthrough_delimiters_in_code_or_without_an_end_are_markdown() -> None:
    source = "```\n$$\na_1\n$$\n```\n\n$$\n*b*\n"
    tree = _tree(source, MarkdownOptions(passthrough_blocks=PASSTHROUGH))
    assert tree.find(".//code").text == "$$\na_1\n$$\n"
    assert tree.find(".//em").text == "b"  # no closing $$: an ordinary paragraph


def test_a_body_cannot_forge_a_passthrough_marker(tmp_path: Path) -> None:
    """The markers are reserved characters, removed from every body before conversion."""
    root = write_site(tmp_path / "site", {
        "config.yaml": "site:\n  title: T\n  base_url: https://example.org/\n"
                       "markdown:\n  passthrough_blocks: ['$$ $$']\n",
        "content/2019/a.md": "---\ntitle: A\ndate: 2019-01-01\n---\nText \ufdd60\ufdd7 <b>x</b>\n\n$$\ny\n$$\n",
    })
    run = build_site(root)
    assert run.code == 0, run.err
    tree = lxml_html.parse(str(root / "public" / "2019" / "a" / "index.html"))
    article = " ".join(tree.getroot().text_content().split())
    assert "Text 0 x" in article and article.count("$$ y $$") == 1
