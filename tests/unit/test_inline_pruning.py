"""Inline-pattern pruning (sitegen/markup/inline_pruning.py) changes no output byte, and does prune.

Every document here is converted with the engine's converter and with one built without
pruning; the HTML, table of contents, headings, links, ids and summaries must be equal, and
every pattern that could have matched in the unpruned run must have been kept (see
tests/support/pruning.py).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown.inlinepatterns import InlineProcessor as InlinePattern
from markdown.treeprocessors import InlineProcessor

from sitegen.content.frontmatter import split_front_matter
from sitegen.markup import inline_pruning
from sitegen.markup.inline_pruning import PruningInlineProcessor, pattern_triggers
from sitegen.markup.markdown import MarkdownOptions, markdown_extensions, render_markdown
from tests.support.pruning import check_pruning, pruned, spying, unpruned

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))
import corpus

OPTION_SETS = [
    MarkdownOptions(),
    MarkdownOptions(unsafe=True, smart_quotes=False, has_cjk_language=False),
]
OPTION_IDS = ["safe", "unsafe"]

SNIPPETS = {
    "footnotes": "Claim[^1] and another[^note], a missing one[^x].\n\n[^1]: One *em*.\n"
                 "[^note]: Two with [a link](https://e.org) and <b>html</b>.\n",
    "footnote definition only": "[^1]: defined, never used\n\nText.",
    "references": "[Label][r], [r] and [r][] and [missing][nope].\n\n[r]: https://e.org/r 'Title'\n",
    "inline links": "[a](/a) [b](</b c> \"t\") [c [nested]](http://x.org/(p)) [d]( 'x' ) [unclosed",
    "images": "![alt](/a.png \"t\") ![ref][i] ![i] and ![missing][m]\n\n[i]: /i.png\n",
    "autolinks": "<https://x.org/a?b=c&d=e> <HTTP://X.ORG> <ftp://f.org> <irc://x.org> <http://>",
    "automail": "Mail <me@example.org> or <mailto:you@example.org> or <not mail@x>.",
    "raw inline html": "a <b>bold</b> <span class=\"x\">y</span> <!-- c --> <?pi x?> "
                       "<![CDATA[ d ]]> <br/> < not> <a href='x'>l</a>",
    "html blocks": "<div>\nblock *x*\n</div>\n\n<div markdown=\"1\">\n*em* [l](/u) &amp; "
                   "<me@e.org>\n</div>\n\n<p markdown=\"span\">*s* `c`</p>\n",
    "entities": "&amp; &#169; &#xA9; &copy; &nbsp; AT&T; a & b; &; &#; &unknown;",
    "emphasis": "*a* **b** ***c*** _d_ __e__ snake_case_word 2*3*4 * not * _*mixed*_",
    "tilde": "~~del~~ ~single~ a~~b~~c ~~~not fence~~~ ~~ spaced ~~",
    "backslash escapes": "\\*not em\\* \\[not link\\] \\\\ \\` \\q \\& \\< \\~~x~~",
    "backslash break": "line one\\\nline two\\\n\\\nend\\",
    "two-space break": "line one  \nline two   \nthree\t\nfour \n",
    "crlf": "one  \r\ntwo\\\r\nthree\r\n\r\n[a](b)\r\n",
    "bare urls": "see https://example.org/a_(b) and www.example.org. and WWW.EXAMPLE.ORG, "
                 "ftp://f.org/x http://a_b.c (https://p.org/x) *https://e.org*",
    "magic mail": "write me@example.org or ME@Example.ORG, not @handle or a@b.",
    "code spans": "`code` ``a ` b`` ```x``` `unclosed \\`x` ``` `` ```",
    "code blocks": "    [indented](code) *x*\n\n```python\n[fenced](code) <b> &amp;\n```\n\n"
                   "```go {linenos=table,hl_lines=[2]}\nx := `y`\n[z](w)\n```\n",
    "tables": "| a | *b* |\n|---|---|\n| [c](/d) | `e` &amp; <f@g.org> |\n| x\\|y | ~~z~~ |\n",
    "definition lists": "Term *t*\n: definition with [link](/l)\n: second <b>x</b>\n",
    "abbreviations": "*[HTML]: Hyper *Text*\n\nHTML is [x](y) and HTML.",
    "attr lists": "# Heading *one* {: #top .c }\n\nPara [x](/y){: .link } text.\n{: lang=ja }",
    "headings": "# One\n\n## Two [link](/x)\n\n### Three `code`\n\n#### Four &amp;\n",
    "lists": "- a [x](/y)\n  - b *c*\n- d\n1. e\n2. f  \n   g\n\n> quote **x**\n> > nested <b>",
    "more divider": "Intro *x*.\n\n<!--more-->\n\nRest [a](/b).",
    "control characters": "a\x02b\x03c [x](/y) \x02wzxhzdk:0\x03 \x02klzzwxh:0000\x03",
    "smart quotes": "\"Quoted\" 'single' -- dash --- em ... and 90s' \"[x](/y)\"",
    "cjk": "日米安保条約は*重要*です。[リンク](/x)　https://例え.jp",
    "only text": "Plain words only, with no trigger at all.",
    "html comment only": "<!-- a comment -->",
    "script url": "[x](javascript:alert(1)) <a href=\"javascript:x\">y</a>",
    "link in image in link": "[![a](/b.png)](/c) [*em [in] link*](/d) [`code`](/e)",
    "brackets inside code": "`[not a link](x)` and `<b>` and `&amp;` and `*x*`",
    "tabs": "a\tb  \n\tc\n\n\tcode\n",
    # One trigger alone per document, so that a trigger too narrow shows up:
    "www only": "visit www.example.org today",
    "upper-case www only": "visit WWW.EXAMPLE.ORG today",
    "named footnote only": "x[^note]\n\n[^note]: n",
    "upper-case mail only": "ME@EXAMPLE.ORG",
    "ftp autolink only": "<ftp://f.org/x>",
    "upper-case autolink only": "<HTTP://X.ORG>",
    "image only": "![](/x.png)",
    "reference image only": "![x]\n\n[x]: /x.png",
    "numeric entity only": "&#169;",
    "comment only inline": "a <!-- c --> b",
    "strong underscore only": "__strong__",
    "angle quotes only": "<<guillemets>> and >> alone",
}


def _markdown_files() -> list[Path]:
    roots = [REPO / "content", REPO / "tests", REPO / "docs"]
    files = [p for root in roots if root.is_dir() for p in sorted(root.rglob("*.md"))]
    return files + [REPO / "README.md"]


def _body(text: str) -> str:
    """The text after any front matter, split as the engine splits it."""
    try:
        return text[split_front_matter(text)[2]:]
    except ValueError:  # an opening fence never closed: all of it is body
        return text


@pytest.mark.parametrize("options", OPTION_SETS, ids=OPTION_IDS)
@pytest.mark.parametrize("name", list(SNIPPETS))
def test_snippets_convert_identically(name: str, options: MarkdownOptions) -> None:
    check_pruning(SNIPPETS[name], options)


@pytest.mark.parametrize("options", OPTION_SETS, ids=OPTION_IDS)
def test_all_snippets_together_convert_identically(options: MarkdownOptions) -> None:
    check_pruning("\n\n".join(SNIPPETS.values()), options)


@pytest.mark.parametrize("options", OPTION_SETS, ids=OPTION_IDS)
def test_repository_markdown_converts_identically(options: MarkdownOptions) -> None:
    files = _markdown_files()
    assert len(files) > 50
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        check_pruning(_body(text), options)
        check_pruning(text, options)


def test_bench_corpus_converts_identically(tmp_path: Path) -> None:
    paths = corpus.generate(tmp_path, 200, seed=3, flavor="ours")
    assert len(paths) == 200
    kept_sets = set()
    for path in paths:
        kept_sets.add(check_pruning(_body(path.read_text(encoding="utf-8"))))
    assert len(kept_sets) > 1  # documents differ in what they need


def test_every_pattern_is_exercised_and_kept_where_needed() -> None:
    """Each analysed pattern matches in some snippet, so the comparisons above test it."""
    kept: set[str] = set()
    for options in OPTION_SETS:
        for text in SNIPPETS.values():
            kept |= check_pruning(text, options)
    md = pruned(MarkdownOptions())
    analysed = {name for name in md.inlinePatterns._data
                if pattern_triggers(name, md.inlinePatterns[name]) is not None}
    assert analysed <= kept


# --- pruning happens ----------------------------------------------------------------------

def _kept(text: str) -> frozenset[str]:
    with spying() as seen:
        render_markdown(text, MarkdownOptions())
    assert seen["runs"] == 1
    return frozenset(seen["kept"])


def test_every_registered_pattern_is_analysed() -> None:
    """A library upgrade that changes a pattern's expression turns its pruning off: say so."""
    md = pruned(MarkdownOptions())
    unknown = [name for name in md.inlinePatterns._data
               if pattern_triggers(name, md.inlinePatterns[name]) is None]
    assert unknown == []


def test_plain_text_needs_no_inline_pattern() -> None:
    assert _kept("Plain words. Only words, and numbers: 1, 2.") == frozenset()


def test_a_document_without_brackets_has_no_link_patterns() -> None:
    kept = _kept("Some *emphasis* and `code` but no brackets at all.")
    assert kept == {"em_strong", "backtick"}
    assert not kept & {"link", "reference", "short_reference", "image_link", "footnote"}


@pytest.mark.parametrize(("text", "needed"), [
    ("a [link](/x)", {"link", "reference", "short_reference"}),
    ("an ![image](/x.png)", {"link", "reference", "short_reference", "image_link",
                             "image_reference", "short_image_ref"}),
    ("a note[^1]\n\n[^1]: x", {"footnote", "link", "reference", "short_reference"}),
    ("<https://e.org>", {"autolink", "html", "magic-link"}),
    ("<me@e.org>", {"automail", "html", "magic-mail"}),
    ("&amp;", {"entity"}),
    ("*x* _y_", {"em_strong"}),
    ("~~x~~", {"delimiter"}),
    ("`x`", {"backtick"}),
    ("a\\#b", {"escape"}),
    ("a\\\nb", {"escape", "backslash_break"}),
    ("a  \nb", {"linebreak"}),
    ("www.e.org", {"magic-link"}),
    ("WwW.e.org", {"magic-link"}),
    ("me@e.org", {"magic-mail"}),
])
def test_each_pattern_is_kept_exactly_when_its_trigger_occurs(text: str, needed: set[str]) -> None:
    assert _kept(text) == needed
    check_pruning(text)


def test_the_inline_processor_tries_fewer_patterns() -> None:
    text = "A paragraph of *plain* prose.\n\nAnother one, with `code`.\n"
    counts = []
    for md in (pruned(MarkdownOptions()), unpruned(MarkdownOptions())):
        calls = 0
        original = InlineProcessor._InlineProcessor__applyPattern

        def counting(self: InlineProcessor, *args: object, _original=original) -> object:
            nonlocal calls
            calls += 1
            return _original(self, *args)

        InlineProcessor._InlineProcessor__applyPattern = counting
        try:
            md.reset()
            md.convert(text)
        finally:
            InlineProcessor._InlineProcessor__applyPattern = original
        counts.append(calls)
    assert counts[0] * 3 < counts[1], counts


def test_each_string_is_tried_only_with_the_patterns_its_own_text_can_trigger() -> None:
    """A pattern the document needs somewhere is still skipped on strings without its trigger."""
    text = "A [link](/x) here.\n\nA paragraph of plain prose, no brackets.\n"
    tried: list[tuple[str, str]] = []
    original = inline_pruning.apply_all  # the pruned processor applies each pattern through it

    def recording(processor: object, name: str, pattern: object, data: str, *args: Any) -> str:
        tried.append((name, data))
        return original(processor, name, pattern, data, *args)

    inline_pruning.apply_all = recording  # type: ignore[assignment]
    try:
        md = pruned(MarkdownOptions())
        md.reset()
        html = md.convert(text)
    finally:
        inline_pruning.apply_all = original
    assert '<a href="/x">link</a>' in html
    assert ("link", "A [link](/x) here.") in tried
    assert [name for name, data in tried if "plain prose" in data] == []
    check_pruning(text)


def test_the_full_registry_is_restored_between_documents() -> None:
    md = pruned(MarkdownOptions())
    inline = md.treeprocessors["inline"]
    assert isinstance(inline, PruningInlineProcessor)
    md.reset()
    assert md.convert("no links here") == "<p>no links here</p>"
    assert inline.inlinePatterns is md.inlinePatterns
    md.reset()
    assert md.convert("[a](/b) *c*") == '<p><a href="/b">a</a> <em>c</em></p>'


def test_registries_are_cached_per_set_of_patterns() -> None:
    inline = pruned(MarkdownOptions()).treeprocessors["inline"]
    first = inline.registry_for("a [b](/c) *d*")
    assert inline.registry_for("[x] _y_ [z]") is first
    assert [p for p in first] == [p for p in inline.md.inlinePatterns
                                  if p in first]  # same objects, same order
    full = inline.md.inlinePatterns
    priorities = {item.name: item.priority for item in full._priority}
    assert all(item.priority == priorities[item.name] for item in first._priority)


def test_unknown_or_changed_patterns_are_always_kept() -> None:
    class Custom(InlinePattern):
        pass

    assert pattern_triggers("link", Custom(r"\[|@")) is None  # known name, other expression
    assert pattern_triggers("mine", Custom(r"\[")) is None  # unknown name
    md = pruned(MarkdownOptions(unsafe=True, smart_quotes=False))
    md.inlinePatterns.register(Custom(r"zzz(q)"), "custom", 95)
    try:
        inline = md.treeprocessors["inline"]
        assert "custom" in inline.active_names("plain")
        assert "link" not in inline.active_names("plain")
    finally:
        md.inlinePatterns.deregister("custom")
        assert "custom" not in inline.active_names("plain")


def test_the_floor_extensions_do_not_prune() -> None:
    """bench/floor.py builds Python-Markdown from markdown_extensions(): no pruning there."""
    names = [e if isinstance(e, str) else type(e).__name__ for e in markdown_extensions(MarkdownOptions())]
    assert not any(re.search("prun", name, re.IGNORECASE) for name in names)
    assert type(unpruned(MarkdownOptions()).treeprocessors["inline"]) is InlineProcessor


def test_a_blank_body_reports_no_headings_links_or_ids_of_the_previous_one() -> None:
    """Found by the pruning fuzz: a blank body skips the tree processors, and used to keep
    the collector's state from the body converted before it (on the same converter)."""
    render_markdown("# A\n\n## B\n\n## C\n\n[a](/b)", MarkdownOptions())
    for blank in ("", "  \n\t\n"):
        body = render_markdown(blank, MarkdownOptions())
        assert (body.headings, body.links, body.ids, body.toc_html) == ((), (), (), "")


@pytest.mark.parametrize("text", ['[t](e "[t](e "x', '[t](https://e.org "[t](https://e.org "x\\-',
                                  'a *b* [t](e "[t](e "x *c* d'])
@pytest.mark.parametrize("options", OPTION_SETS, ids=OPTION_IDS)
def test_a_link_whose_title_never_closes_converts_as_the_library_does(text: str,
                                                                      options: MarkdownOptions) -> None:
    """Python-Markdown's link handler answers an unclosed nested title with an end of -1;
    the batched loop took that for progress and appended placeholders until memory ran out."""
    check_pruning(text, options)


@pytest.mark.parametrize("text", ["*a**[*", "*&#x**[*", "_a__[_", "*a* **b**[*c*"])
@pytest.mark.parametrize("options", OPTION_SETS, ids=OPTION_IDS)
def test_emphasis_that_pairs_across_matches_converts_as_the_library_does(text: str,
                                                                         options: MarkdownOptions) -> None:
    """Found by the pruning fuzz: Python-Markdown 3.11's emphasis (a DelimiterProcessor)
    pairs delimiters across its calls, so the batched loop, which searches the text without
    the placeholders the library puts in, left ``*[*`` where the library makes a second em."""
    check_pruning(text, options)
