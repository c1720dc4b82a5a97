"""GitHub-style alerts (`markdown.alerts`) and reference links whose labels hold code,
read from the HTML with a real parser."""

from __future__ import annotations

from lxml import html as lxml_html

from sitegen.markup.markdown import MarkdownOptions, render_markdown

ALERTS = """\
> [!NOTE]
> Useful information.

> [!warning]- Read this first
> Urgent **info**.
>
> Second paragraph.

> A quote, [!NOTE] in the middle.
"""


def _tree(text: str, **options: str) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(render_markdown(text, MarkdownOptions(**options)).html,
                                         create_parent="body")


def test_alerts_are_notes_named_by_their_kind_without_the_marker() -> None:
    body = _tree(ALERTS, alerts="given")
    alerts = body.xpath("./div[@role='note']")
    assert [(a.get("class"), a.get("aria-label")) for a in alerts] == [
        ("alert alert-note", "Note"), ("alert alert-warning", "Warning")]
    assert [p.text_content() for p in alerts[0]] == ["Useful information."]
    assert [(p.get("class"), p.text_content()) for p in alerts[1]] == [
        ("alert-title", "Read this first"), (None, "Urgent info."), (None, "Second paragraph.")]
    assert [q.text_content().strip() for q in body.xpath("./blockquote")] == ["A quote, [!NOTE] in the middle."]
    assert render_markdown(ALERTS, MarkdownOptions(alerts="given")).word_count == 2 + 3 + 2 + 2 + 6


def test_without_the_setting_the_marker_stays_text_as_in_hugo_without_a_hook() -> None:
    body = _tree(ALERTS)
    assert body.xpath("./div") == []
    assert [q.text_content().split()[0] for q in body.xpath("./blockquote")] == ["[!NOTE]", "[!warning]-", "A"]


def test_a_reference_label_with_code_matches_its_definition() -> None:
    body = _tree("See [`warnf`][], [`errorf`] and [`none`][].\n\n[`warnf`]: /fmt/warnf/\n"
                 "[`errorf`]: /fmt/errorf/\n")
    assert [(a.get("href"), a.text_content()) for a in body.iter("a")] == [
        ("/fmt/warnf/", "warnf"), ("/fmt/errorf/", "errorf")]
    assert body.text_content().strip() == "See warnf, errorf and [none][]."


FENCE = '```go {file="layouts/<b>page.html" linenos=false}\nx := 1\n```\n'


def test_a_reference_label_with_code_matches_in_any_case() -> None:
    """Hugo's docs: ``- [`reflect.IsImageResource`][]: ...`` in a list, defined below."""
    body = _tree("- [`reflect.IsImageResource`][]: reports\n\n"
                 "[`reflect.IsImageResource`]: /functions/reflect/isimageresource/\n")
    assert [(a.get("href"), a.text_content()) for a in body.iter("a")] == [
        ("/functions/reflect/isimageresource/", "reflect.IsImageResource")]


def test_a_fence_title_is_shown_above_the_code_escaped_and_counted_apart() -> None:
    body = _tree(FENCE, code_titles="file")
    assert [t.text_content() for t in body.xpath("//span[@class='filename']")] == ["layouts/<b>page.html"]
    assert body.xpath("//b") == []
    assert render_markdown(FENCE, MarkdownOptions(code_titles="file")).word_count == 1 + 3


def test_without_the_setting_the_file_attribute_is_not_shown_as_in_hugo_without_a_hook() -> None:
    assert _tree(FENCE).xpath("//span[@class='filename']") == []
    assert render_markdown(FENCE, MarkdownOptions()).word_count == 3
