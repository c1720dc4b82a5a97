"""Goldmark's rules that real Hugo sites showed we read differently (issue 17), one by one.

The parity sites in tests/hugo_parity/sites/ compare whole pages with Hugo's own output;
these pin each rule down where it is implemented, with the HTML Hugo 0.168 gives.
"""

from __future__ import annotations

import pytest

from sitegen.markup.markdown import MarkdownOptions, render_markdown
from sitegen.markup.shortcodes import expand_shortcodes
from sitegen.markup.text import count_html_words, summary_cut

UNSAFE = MarkdownOptions(unsafe=True, has_cjk_language=False)
SAFE = MarkdownOptions(unsafe=False, has_cjk_language=False)


def html(text: str, options: MarkdownOptions = UNSAFE) -> str:
    return render_markdown(text, options).html


@pytest.mark.parametrize(("text", "expected"), [
    ("**作者：**张三", "<p>**作者：**张三</p>"),
    ('**"Quoted bold"** works', "<p><strong>&ldquo;Quoted bold&rdquo;</strong> works</p>"),
    ("**Note.**Text", "<p>**Note.**Text</p>"),
    ("a**b**c and *foo*bar", "<p>a<strong>b</strong>c and <em>foo</em>bar</p>"),
    ("__x__y", "<p>__x__y</p>"),
])
def test_emphasis_follows_commonmark_flanking(text: str, expected: str) -> None:
    assert html(text).replace(' lang="ja"', "") == expected


@pytest.mark.parametrize(("text", "expected"), [
    ('他说"这是一句引语"。', '他说"这是一句引语"。'),
    ("it's 'tis the '90s, rock 'n' roll", "it&rsquo;s &rsquo;tis the &rsquo;90s, rock &rsquo;n&rsquo; roll"),
    ("'single' -- and --- and...", "&lsquo;single&rsquo; &ndash; and &mdash; and&hellip;"),
    ("<<angles>>", "&laquo;angles&raquo;"),
    ('A "Monitor 21"" here', "A &ldquo;Monitor 21\"&rdquo; here"),
])
def test_typographer_is_goldmarks(text: str, expected: str) -> None:
    assert html(text).replace(' lang="ja"', "") == f"<p>{expected}</p>"


def test_markdown_after_an_html_block_and_a_blank_line_is_markdown() -> None:
    source = '<div class="box">\n<p>Raw.</p>\n\nA [link](/x) and **bold**.\n\n</div>'
    assert html(source) == ('<div class="box">\n<p>Raw.</p>\n<p>A <a href="/x">link</a> and '
                            '<strong>bold</strong>.</p>\n</div>')
    assert html(source, SAFE) == ('<!-- raw HTML omitted -->\n<p>A <a href="/x">link</a> and '
                                  "<strong>bold</strong>.</p>\n<!-- raw HTML omitted -->")


def test_more_divider_right_after_an_html_block_line_stays_in_it_and_ends_it_at_a_blank() -> None:
    body = render_markdown("<div>a</div>\n<!--more-->\n\n# TL;DR\n\nText.", UNSAFE)
    assert body.html == '<div>a</div>\n<!--more-->\n<h1 id="tldr">TL;DR</h1>\n<p>Text.</p>'
    assert not body.has_more


def test_text_right_after_a_closing_fence_is_a_paragraph_and_a_fence_may_be_indented() -> None:
    out = html("```\ncode\n ```\nText right after.")
    assert out.endswith("</code></pre></div>\n<p>Text right after.</p>") and out.count("<p>") == 1


def test_another_bullet_starts_another_list() -> None:
    assert html("* a\n\n- b").count("<ul>") == 2


def test_bare_addresses_are_plain_links_where_goldmark_links_them() -> None:
    assert html("Write to a@b.org or <c@d.org>; www.e.org") == (
        '<p>Write to <a href="mailto:a@b.org">a@b.org</a> or <a href="mailto:c@d.org">c@d.org</a>; '
        '<a href="https://www.e.org">www.e.org</a></p>')
    assert html("联系我：a@b.org。").replace(' lang="ja"', "") == "<p>联系我：a@b.org。</p>"


def test_a_raw_img_line_is_not_put_in_a_paragraph() -> None:
    assert html('Intro.\n\n<img src="a.png">') == '<p>Intro.</p>\n<img src="a.png">'


@pytest.mark.parametrize(("fragment", "words"), [
    ("<p>HTML、CSS、JSON</p>", 13),  # a word with a non-ASCII character counts by its characters
    ("<p>café résumé</p>", 10),
    ("<p>&ldquo;quoted&rdquo; words</p>", 2),  # entities as Goldmark writes them: ASCII words
    ('<p>说"这是"</p>', 1 + 6 + 2 + 6),  # Goldmark writes the straight quote as &quot;
    ("<style>p { x: y; }</style><p>two words</p>", 2),
    ("<script>var a = 1;</script><p>one</p>", 1),
])
def test_cjk_word_counts_are_hugos(fragment: str, words: int) -> None:
    assert count_html_words(fragment, cjk=True) == words


def test_summaries_join_inline_elements_without_spaces() -> None:
    long = "<p>" + "资料（<em>链接</em>，<b>粗体</b>）。" * 30 + "</p>"
    summary, truncated = summary_cut(long, 70, cjk=True)  # one long paragraph: cut at a sentence
    assert summary.startswith("<p>资料（链接，粗体）。资料（链接，粗体）。") and truncated


def test_self_closing_shortcodes_have_no_inner_text() -> None:
    calls = []
    expansion = expand_shortcodes('A {{< new-in 0.144.0 />}} b {{< x k="v" />}}.', "p.md", 1,
                                  lambda call: calls.append(call) or "OUT", lambda name: True,
                                  lambda name: True)
    assert expansion.text == "A OUT b OUT." and expansion.diagnostics == []
    assert [(c.name, c.args, c.kwargs, c.inner) for c in calls] == [
        ("new-in", ("0.144.0",), {}, ""), ("x", (), {"k": "v"}, "")]


@pytest.mark.parametrize(("text", "expected"), [
    ('<<a>> *b* <<c>> \\* <b>raw</b> <<d>> [l](/x) >> `<<code>>` &amp; <<e *f* g>>',
     '<p>&laquo;a&raquo; <em>b</em> &laquo;c&raquo; * <b>raw</b> &laquo;d&raquo; <a href="/x">l</a> '
     '&raquo; <code>&lt;&lt;code&gt;&gt;</code> &amp; &laquo;e <em>f</em> g&raquo;</p>'),
    ("* item <<one>> and **two** >> end\n* <<x>>\n\n> <<q>> *e* <<r>>\n",
     "<ul>\n<li>item &laquo;one&raquo; and <strong>two</strong> &raquo; end</li>\n<li>&laquo;x&raquo;</li>\n"
     "</ul>\n<blockquote>\n<p>&laquo;q&raquo; <em>e</em> &laquo;r&raquo;</p>\n</blockquote>"),
])
def test_angle_quotes_beside_elements_and_raw_html_keep_their_places(text: str, expected: str) -> None:
    """The inline step puts stashed strings (angle quotes, raw HTML) back into the text
    in one pass instead of appending each to the element (inline_batch.py)."""
    assert html(text) == expected
