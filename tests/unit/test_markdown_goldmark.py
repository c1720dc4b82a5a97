"""Markdown as Goldmark (Hugo) renders it, where Python-Markdown on its own would differ.

Each case is decided against CommonMark (https://spec.commonmark.org/0.31.2/): the section
is named in the test.
"""

from __future__ import annotations

import pytest

from sitegen.markup.goldmark import fence_info, normalize_blocks
from sitegen.markup.markdown import (
    MarkdownOptions,
    page_options,
    reading_minutes,
    render_inline_markdown,
    render_markdown,
)
from sitegen.markup.markers import stash_token
from sitegen.markup.text import count_html_words

OPTIONS = MarkdownOptions(unsafe=True, has_cjk_language=False, smart_quotes=False)


def html(text: str, options: MarkdownOptions = OPTIONS) -> str:
    return render_markdown(text, options).html


# --- inline -------------------------------------------------------------------------------

def test_hard_breaks_backslash_and_two_spaces() -> None:  # CommonMark 6.7
    assert html("Signed\\\non 19 January.") == "<p>Signed<br>\non 19 January.</p>"
    assert html("Ratified  \non 23 June.") == "<p>Ratified<br>\non 23 June.</p>"


def test_bare_urls_are_links() -> None:  # GFM autolinks (extension), as Goldmark's linkify
    out = html("See https://www.mofa.go.jp/q&a/1.html and www.example.org too.")
    assert '<a href="https://www.mofa.go.jp/q&amp;a/1.html">' in out
    assert ">www.example.org</a>" in out


def test_strikethrough() -> None:  # GFM strikethrough
    assert html("lapses ~~in 1970~~ only") == "<p>lapses <del>in 1970</del> only</p>"


# --- HTML ---------------------------------------------------------------------------------

def test_raw_html_block_and_comment_over_blank_lines() -> None:  # CommonMark 4.6
    out = html("Before.\n\n<div class=\"note\">\n<p>Ten articles.</p>\n</div>\n\nAfter.")
    assert '<div class="note">\n<p>Ten articles.</p>\n</div>' in out
    out = html("Before.\n\n<!-- note\n\nhidden\n\nend -->\n\nAfter.")
    assert "<!-- note\n\nhidden\n\nend -->" in out and "<p>hidden</p>" not in out


# --- lists --------------------------------------------------------------------------------

def test_a_list_right_after_a_paragraph() -> None:  # CommonMark 5.3: lists interrupt paragraphs
    assert html("Key articles:\n- Article 5\n- Article 6") == (
        "<p>Key articles:</p>\n<ul>\n<li>Article 5</li>\n<li>Article 6</li>\n</ul>")


def test_only_an_ordered_list_from_1_interrupts_a_paragraph() -> None:  # CommonMark 5.3
    assert html("Two:\n1. one\n2. two").startswith("<p>Two:</p>\n<ol>")
    assert html("Not a list:\n2. stays") == "<p>Not a list:\n2. stays</p>"
    assert html("Not a list:\n+") == "<p>Not a list:\n+</p>"  # an empty item cannot either


@pytest.mark.parametrize("indent", [2, 4])
def test_nested_lists_at_any_indent(indent: int) -> None:  # CommonMark 5.2
    pad = " " * indent
    out = html(f"- Bases\n{pad}- Kadena\n{pad}- Futenma\n- Agreements\n{pad}- SOFA")
    assert out.count("<ul>") == 3 and "<li>Kadena</li>" in out and "<li>SOFA</li>" in out


def test_a_list_under_an_ordered_item_at_three_spaces() -> None:  # CommonMark 5.2
    out = html("1. one\n   - nested\n2. two")
    assert out.startswith("<ol>\n<li>one<ul>\n<li>nested</li>")


def test_a_paragraph_and_code_inside_items() -> None:  # CommonMark 5.2
    out = html("- item\n\n  more text\n- next")
    assert "<p>more text</p>" in out and "<p>next</p>" in out
    out = html("- item\n\n  ```python\n  x = 1\n  ```\n- next")
    assert '<code><span class="n">x</span>' in out and "<p>next</p>" in out


def test_lazy_continuation_stays_in_the_item() -> None:  # CommonMark 5.2
    assert html("- item\ncontinued\n- next") == "<ul>\n<li>item\ncontinued</li>\n<li>next</li>\n</ul>"


def test_list_lines_inside_code_are_left_alone() -> None:
    assert normalize_blocks(["```", "- a", "  - b", "```"]) == ["```", "- a", "  - b", "```"]
    assert normalize_blocks(["Para", "", "    - code", "    more"]) == ["Para", "", "    - code", "    more"]


def test_a_table_without_leading_pipes() -> None:  # GFM tables
    out = html("Year | Event\n---- | -----\n1951 | Security Treaty")
    assert "<th>Year</th>" in out and "<td>Security Treaty</td>" in out


# --- fences -------------------------------------------------------------------------------

def test_an_unclosed_fence_runs_to_the_end() -> None:  # CommonMark 4.5
    out = html("Open:\n\n```python\nyears = [1951, 1960]")
    assert "```" not in out and '<span class="n">years</span>' in out


@pytest.mark.parametrize(("info", "wanted"), [
    ("go {linenos=table,hl_lines=[2]}", 'go linenums="1" linenums_style="table" hl_lines="2"'),
    ("go {linenos=inline}", 'go linenums="1" linenums_style="inline"'),
    ("go {linenos=false}", 'go linenums="0"'),
    ("go {linenos=true, linenostart=5, hl_lines=\"2-3 5\"}", 'go linenums="5" hl_lines="2 3 5"'),
    ("go {hl_lines=[2,\"4-5\"]}", 'go hl_lines="2 4 5"'),
    ("{r setup, include=FALSE}", "r"),
    ("{r}", "r"),
    ("{.python #id}", "{.python #id}"),
    ("python", "python"),
])
def test_fence_info_strings(info: str, wanted: str) -> None:
    assert fence_info(info) == wanted


def test_hugo_line_numbers_render_as_a_table() -> None:
    out = html("```go {linenos=table,hl_lines=[2]}\npackage treaty\nconst Signed = 1960\n```")
    assert 'class="linenos"' in out and '<span class="hll">' in out


def test_an_r_chunk_header_is_r_code() -> None:  # Hugo fails on this fence; we render it
    out = html("```{r setup, include=FALSE}\nbases <- c(\"Kadena\")\n```")
    assert "language-r" in out and "{r" not in out


# --- summaries and words ------------------------------------------------------------------

def words(count: int, word: str = "word") -> str:
    return " ".join([word] * count) + "."


def test_more_divider_splits_even_inside_a_paragraph() -> None:
    body = render_markdown("Kishi signed the treaty <!--more--> and resigned.", OPTIONS)
    assert body.summary_html == "<p>Kishi signed the treaty</p>"
    assert body.html == "<p>Kishi signed the treaty</p>\n<p>and resigned.</p>"
    assert body.truncated and body.has_more and body.word_count == 6


def test_more_divider_with_spaces_is_a_comment() -> None:
    body = render_markdown("One.\n\n<!-- more -->\n\nTwo.", OPTIONS)
    assert not body.has_more and not body.truncated and "<!-- more -->" in body.html


def test_more_divider_in_code_is_code() -> None:
    body = render_markdown("Text.\n\n```html\n<!--more-->\n```\n", OPTIONS)
    assert not body.has_more and "&lt;!--more--&gt;" in body.html


def test_automatic_summary_is_whole_paragraphs_until_the_limit() -> None:
    text = "\n\n".join([words(50), words(23), words(10)])
    body = render_markdown(text, OPTIONS)
    assert body.summary_html == f"<p>{words(50)}</p>\n<p>{words(23)}</p>"
    assert body.truncated


def test_automatic_summary_counts_headings_and_lists_but_ends_at_a_paragraph() -> None:
    text = f"## Background\n\n{words(30)}\n\n- {words(30)}\n\n{words(20)}\n\nlast."
    body = render_markdown(text, OPTIONS)
    assert body.summary_html.endswith(f"<p>{words(20)}</p>") and "<h2" in body.summary_html
    assert body.truncated


def test_a_short_post_is_its_own_summary() -> None:
    body = render_markdown("- Bases\n  - Kadena", OPTIONS)
    assert body.summary_html == body.html.strip() and not body.truncated


def test_one_paragraph_over_twice_the_limit_is_cut_at_a_sentence() -> None:  # not Hugo
    text = " ".join(f"Sentence {n} has five words." for n in range(40))
    body = render_markdown(text, OPTIONS)
    assert body.summary_text.endswith("Sentence 13 has five words.")
    assert body.truncated


def test_word_count_counts_code_and_line_numbers() -> None:
    body = render_markdown("Intro.\n\n```go {linenos=table}\npackage a\nfunc b()\n```", OPTIONS)
    assert body.word_count == 1 + 2 + 4  # "1 2" from the line-number column


def test_adjacent_inline_elements_join_as_in_hugo() -> None:
    body = render_markdown('<table><tr><td>Kadena</td><td>Okinawa</td></tr></table>', OPTIONS)
    assert body.word_count == 1
    assert render_markdown("See [the text](x.txt).", OPTIONS).word_count == 3


def test_cjk_word_count_per_page() -> None:
    text = "The treaty is called 日米安保条約 in Japanese press."
    assert render_markdown(text, OPTIONS).word_count == 8
    flagged = page_options(OPTIONS, True)
    assert render_markdown(text, flagged).word_count == 13
    assert page_options(OPTIONS, None) is OPTIONS
    site_wide = MarkdownOptions(has_cjk_language=True)
    assert page_options(site_wide, False) is site_wide  # Hugo detects CJK itself then


def test_shortcode_output_counts_once_restored() -> None:
    body = render_markdown(f"Intro.\n\n{stash_token(0)}\n", OPTIONS,
                           ["<figure><figcaption>US bases</figcaption></figure>"])
    assert body.word_count == 3 and "US bases" in body.summary_html


def test_reading_time_is_zero_for_no_words() -> None:
    assert render_markdown("", OPTIONS).reading_time == 0
    assert (reading_minutes(1, False), reading_minutes(214, False), reading_minutes(501, True)) == (1, 2, 1)


def test_front_matter_summary_is_inline_markdown() -> None:
    assert render_inline_markdown("The *front matter* summary.", OPTIONS) == (
        "The <em>front matter</em> summary.")
    assert render_inline_markdown("One.\n\nTwo.", OPTIONS) == "<p>One.</p>\n<p>Two.</p>"


def test_footnote_backlink_is_the_text_arrow() -> None:
    assert "&#x21a9;&#xfe0e;" in html("Protests.[^1]\n\n[^1]: Anpo.")


def test_cjk_word_count_of_a_footnote_is_hugos() -> None:
    """Hugo counts the backlink's entity as written, inside the CJK word before it: 28 in
    Hugo 0.168 for this page (Goldmark's &#x21a9; is one character longer than &#8617;)."""
    assert count_html_words(html("本文。[^1]\n\n[^1]: 注。"), cjk=True) == 28


def test_a_list_right_after_a_paragraph_in_a_blockquote_is_a_list() -> None:
    """CommonMark lets a list interrupt a paragraph inside a quote too (Hugo's output for
    budougumi0617/blog's book reviews); lazy continuation lines stay in the last item."""
    assert html("> Para\n> * a\n> * b\n") == (
        "<blockquote>\n<p>Para</p>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n</blockquote>")
    assert "<li>b\nlazy</li>" in html("> Para\n> 1. a\n> 2. b\nlazy\n\nafter")


def test_an_html_block_keeps_a_quote_line_under_it() -> None:
    """An HTML block runs to the next blank line: a `>` line in it is not a quote."""
    assert html("<div>\n> not a quote\n</div>") == "<div>\n> not a quote\n</div>"


def test_quotes_apart_by_a_blank_line_are_two_quotes() -> None:
    """CommonMark (and Hugo): a blank line ends a blockquote; Python-Markdown joined them."""
    assert html("> a\n\n> b\n") == (
        "<blockquote>\n<p>a</p>\n</blockquote>\n<blockquote>\n<p>b</p>\n</blockquote>")
    assert html("> a\n>\n> b\n") == "<blockquote>\n<p>a</p>\n<p>b</p>\n</blockquote>"
