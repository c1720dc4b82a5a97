"""Word counts, summaries and term slugs as Hugo makes them (sitegen/markup/text.py)."""

from __future__ import annotations

import pytest

from sitegen.markup.text import count_html_words, strip_tags, summarize_text, summary_cut, urlize


@pytest.mark.parametrize(("term", "slug"), [
    ("U.S. Forces", "u.s.-forces"),  # Hugo's urlize keeps dots
    ("Two-plus-Two (2+2)", "two-plus-two-2+2"),  # ... and plus signs
    ("Okinawa, Futenma", "okinawa-futenma"),
    ("Host-Nation Support", "host-nation-support"),
    ("Japan", "japan"),
    ("日米安保", "日米安保"),  # URL-encoded when written into links, as Hugo does
    ("a - b", "a-b"),
    ("  spaced   out ", "spaced-out"),
    ("c#/d", "cd"),  # not Hugo: '#' and '/' would break or nest the URL
    ("..", "2e-2e"),  # never a path that climbs
])
def test_urlize(term: str, slug: str) -> None:
    assert urlize(term) == slug
    assert urlize(slug) == slug or slug == "2e-2e"


def test_terms_differing_only_in_case_share_a_slug() -> None:
    assert urlize("Japan") == urlize("japan") == urlize("JAPAN")


def test_strip_tags_as_hugo_counts() -> None:
    assert strip_tags("<p>a<sup>1</sup></p>\n<p>b&amp;c</p>") == "a1\n\nb&amp;c\n"
    assert strip_tags("x<!-- a > b -->y<br>z") == "xy\nz"
    assert count_html_words("<td>Kadena</td><td>Okinawa</td>", cjk=False) == 1
    assert count_html_words("<p>1960.&#160;<a>&#8617;</a></p>", cjk=False) == 1


def test_cjk_counts_characters_of_words_with_cjk() -> None:
    assert count_html_words("<p>日米 同盟 。 Alliance words</p>", cjk=True) == 2 + 2 + 1 + 2
    assert count_html_words("<p>日米 同盟</p>", cjk=False) == 2


@pytest.mark.parametrize("quote", ['"', "&quot;"])
def test_quotes_in_highlighted_code_count_as_chromas_whatever_pygments_writes(quote: str) -> None:
    """Hugo counts characters of a CJK word as written: Chroma's ``&#34;`` (5) in highlighted
    code, Goldmark's ``&quot;`` (6) in text. Pygments 2.19 wrote ``&quot;``, 2.21 writes ``"``."""
    code = (f'<div class="language-r codehilite"><pre><code><span class="s">{quote}中文{quote}</span>'
            "</code></pre></div>")
    assert count_html_words(code, cjk=True) == 5 + 2 + 5
    assert count_html_words(f"<p><code>{quote}引号{quote}</code></p>", cjk=True) == 6 + 2 + 6


def p(words: int) -> str:
    return "<p>" + " ".join(["w"] * words) + "</p>"


@pytest.mark.parametrize(("blocks", "taken", "truncated"), [  # each checked against Hugo 0.168
    ([p(50), p(23), p(5)], 2, True),  # the paragraph that reaches 70 is the last one
    ([p(50), p(20)], 2, False),  # exactly 70 words: all of it
    ([p(10), p(20)], 2, False),  # too short: the whole text
    ([p(70), p(1)], 2, False),  # Hugo does not count a paragraph's last word: 69, then 69
    ([p(71), p(1)], 1, True),
    ([p(139)], 1, False),  # one paragraph under twice the limit stays whole
])
def test_summary_cut_takes_whole_paragraphs(blocks: list[str], taken: int, truncated: bool) -> None:
    text = "\n".join(blocks)
    assert summary_cut(text, 70, cjk=False) == ("\n".join(blocks[:taken]), truncated)


def test_summary_cut_ends_at_the_first_paragraph_reaching_the_length_and_closes_its_blocks() -> None:
    """As Hugo, at a paragraph inside a quote too; unlike Hugo, the quote is closed."""
    text = "<blockquote>\n" + p(80) + "\n</blockquote>\n" + p(3) + "\n" + p(3)
    summary, truncated = summary_cut(text, 70, cjk=False)
    assert summary == "<blockquote>\n" + p(80) + "</blockquote>" and truncated


def test_summary_words_are_counted_as_hugo_counts_them_in_html() -> None:
    """With lang="ja" (ours, not Goldmark's) a paragraph counts as without it: Hugo counts
    none of a word that starts like an attribute."""
    japanese = '<p lang="ja">' + "あ" * 40 + '。</p>\n<p lang="ja">' + "い" * 40 + "。</p>\n<p>x</p>"
    summary, truncated = summary_cut(japanese, 70, cjk=True)
    assert summary.count("</p>") == 2 and truncated


def test_summary_cut_cuts_a_very_long_paragraph_at_a_sentence() -> None:
    sentences = " ".join(f"Sentence number {n} here." for n in range(60))
    summary, truncated = summary_cut(f"<p>{sentences}</p>", 70, cjk=False)
    assert summary.endswith("Sentence number 17 here.</p>") and truncated


def test_summarize_text_follows_the_same_rule() -> None:
    assert summarize_text(["a " * 50, "b " * 23, "c"], 70, cjk=False)[1] is True
    assert summarize_text(["a " * 10], 70, cjk=False) == (" ".join(["a"] * 10), False)


def test_plain_text_of_markup_is_a_plain_str() -> None:
    """Markup without tags or entities must not come back as Markup: its words would each
    become Markup when split (a measurable cost over thousands of summaries)."""
    from markupsafe import Markup

    from sitegen.markup.text import plain_text

    for fragment in (Markup("plain words only"), Markup("<p>with a tag</p>"), Markup("AT&amp;T")):
        assert type(plain_text(fragment)) is str
    assert plain_text(Markup("AT&amp;T <b>x</b>")) == "AT&T  x "


def test_a_sources_named_entity_counts_as_the_character_goldmark_writes() -> None:
    """Hugo 0.168 counts 9 words in `See Figure&nbsp;1 and 図&nbsp;2 here &copy; x.` with
    hasCJKLanguage: Goldmark writes the characters, and a no-break space separates words
    (jottr.org's `Figure&nbsp;1`). The typographer's own entities count as written."""
    assert count_html_words("<p>See Figure&nbsp;1 and 図&nbsp;2 here &copy; x.</p>", cjk=True) == 9
    assert count_html_words("<p>文&ldquo;字&rdquo;</p>", cjk=True) == len("文&ldquo;字&rdquo;")
