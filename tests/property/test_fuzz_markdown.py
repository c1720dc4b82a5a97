"""Fuzz the body stages: shortcodes, Markdown, the rawhtml sanitiser, and whole builds.

Bodies are soups of Markdown syntax, shortcodes (known, unknown, unclosed, nested,
commented out), raw HTML and plain Unicode. Every property runs as ``[normal]`` and as
``[long]`` (10,000 cases, marked slow).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from hypothesis import strategies as st

from sitegen.config.settings import load_config
from sitegen.content.frontmatter import Document, parse_source
from sitegen.content.sources import Source
from sitegen.content.urls import Route
from sitegen.markup.markdown import MarkdownOptions, render_markdown
from sitegen.markup.markers import MORE_TOKEN, STASH_RE, strip_reserved
from sitegen.markup.sanitize import sanitize_html
from sitegen.render.bodies import BodyConverter, RefIndex
from sitegen.render.templates import make_environment
from tests.property.budget import BUDGETS, LONG_EXAMPLES, NORMAL_EXAMPLES, run_property
from tests.property.strategies import any_char, documents
from tests.support.sites import build_site, write_site

MARKDOWN_TOKENS = (
    "# ", "## ", "### ", "\n", "\n\n", "*", "**", "_", "`", "``", "\n```\n", "\n```python\n",
    "~~~", "~~", "> ", "\n- ", "\n1. ", "\n    ", "[", "]", "(", ")", "](", "![", "[^1]",
    "\n[^1]: ", "\n[r]: /x", "|", "\n|---|---|\n", "\n---\n", "***", "&amp;", "&#", "&", "\\",
    "<", ">", "<div>", "</div>", "<script>alert(1)</script>", "<b onclick=x>", "<!-- c -->",
    "<!--more-->", "\n<!--more-->\n", "{: .note }", "{: #id }", "{: lang=ja }", "*[HTML]: x",
    "\nTerm\n: definition\n", "http://example.org/a_b", "www.example.org", "user@example.org",
    "\"", "'", "--", "...", "日米安保条約", "안보", "\t", "  \n", "\u2028", "\ufeff", "\r",
    "{{< rawhtml >}}", "{{< /rawhtml >}}", "{{< details summary=\"More\" >}}", "{{< /details >}}",
    "{{% details %}}", "{{% /details %}}", "{{< figure src=\"/a.png\" caption=\"A *b*\" >}}",
    "{{< figure src=x.png link=\"https://e.org\" >}}", "{{< param foo >}}", "{{% param foo %}}",
    "{{< ref \"2019/other.md\" >}}", "{{< relref \"nowhere\" >}}", "{{< unknown >}}",
    "{{< /unknown >}}", "{{</* rawhtml */>}}", "{{< highlight go \"linenos=table,hl_lines=2\" >}}",
    "{{< highlight nosuchlang \"hl_lines=[1 3]\" >}}", "{{< /highlight >}}", "{{<", ">}}",
    "{{%", "%}}", "{{< details", "{{ 7*7 }}", "{% raw %}", "{#", "#}",
    # the engine's markers and text that imitates them (sitegen/markup/markers.py)
    "SITEGENSHORTCODE0X", "SITEGENREFA78X", "\ufdd00\ufdd1", "\ufdd2A78\ufdd3", "\ufdd4more\ufdd5",
    "[t](https://e.org \"", "\")", "{: title=\"",
)
markdown_soup = st.lists(st.one_of(st.sampled_from(MARKDOWN_TOKENS), st.text(any_char, max_size=6)),
                         max_size=40).map("".join)
bodies = st.one_of(markdown_soup, st.text(any_char, max_size=300))

SAFE = MarkdownOptions()
UNSAFE = MarkdownOptions(unsafe=True)
# Elements that Markdown never makes: if one appears in safe mode, raw HTML got through.
FOREIGN = {"script", "style", "iframe", "object", "embed", "svg", "math", "form", "input",
           "textarea", "link", "meta", "base", "frame", "frameset", "template", "b", "details"}
_URL_JUNK = re.compile(r"[\t\n\r]")


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def elements(html: str) -> Iterator[Any]:
    """Every element of an HTML fragment, as lxml's HTML parser reads it."""
    if not html.strip():
        return iter(())
    text = _NOT_XML.sub("\ufffd", html)
    page = lxml.html.document_fromstring(f"<html><body>{text}</body></html>")
    return (e for e in page.iter() if e.tag not in ("html", "head", "body"))


def live_script_url(value: str) -> bool:
    """Whether a browser would run this href/src (after decoding, as lxml has done)."""
    url = _URL_JUNK.sub("", value).strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e"
                                         "\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a"
                                         "\x1b\x1c\x1d\x1e\x1f ")
    return re.match(r"(?i)(javascript|vbscript|data):", url) is not None and not re.match(
        r"(?i)data:image/(png|gif|jpe?g|webp);", url)


def script_free(html: str) -> list[str]:
    """What in `html` would run script: on* attributes and javascript: URLs."""
    found = []
    for element in elements(html):
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                    live_script_url(value):
                found.append(f"<{element.tag} {name}={value!r}>")
    return found


# --- Markdown alone -------------------------------------------------------------------

def check_render(text: str) -> None:
    text = strip_reserved(text)  # as every body is before conversion (markup/markers.py)
    for options in (SAFE, UNSAFE):
        body = render_markdown(text, options)
        assert isinstance(body.html, str) and isinstance(body.summary_html, str)
        assert body.word_count >= 0 and body.reading_time >= 0
        assert all(1 <= level <= 6 for level, _, _ in body.headings)
        if options is SAFE:  # unsafe: test_more_marker_in_raw_html_block_is_not_leaked
            assert MORE_TOKEN not in body.html
    safe = render_markdown(text, SAFE).html
    made = {e.tag for e in elements(safe) if isinstance(e.tag, str)}
    assert not made & FOREIGN, f"raw HTML in safe mode: {sorted(made & FOREIGN)} from {text!r}"


@BUDGETS
def test_markdown_renders_and_omits_raw_html(examples: int) -> None:
    run_property(examples, bodies, check_render,
                 "", "\n", "<script>alert(1)</script>", "<div markdown=\"1\"><script>x</script></div>",
                 "```\n<script>\n```", "`<script>`", "<!--more-->", "# {: onclick=x }",
                 "[x](javascript:alert(1))", "a\\\nb", "<![CDATA[<script>]]>")


@pytest.mark.parametrize("text", ["<div><!--more-->", "<div>\n<!--more-->\n</div>\n\nAfter."])
def test_more_marker_in_raw_html_block_is_not_leaked(text: str) -> None:
    """A divider inside a raw HTML block stays a comment there, and does not split the summary."""
    rendered = render_markdown(text, UNSAFE)
    assert MORE_TOKEN not in rendered.html
    assert "<!--more-->" in rendered.html
    assert not rendered.has_more


def check_no_script(text: str) -> None:
    html = render_markdown(text, SAFE).html
    assert not script_free(html), f"{script_free(html)} from {text!r}"


@BUDGETS
def test_markdown_safe_mode_runs_no_script(examples: int) -> None:
    run_property(examples, bodies, check_no_script,
                 "[x](javascript:alert(1))", "# Title {: onclick=\"alert(1)\" }",
                 "para\n{: onmouseover=alert(1) }", "[x](jav&#x61;script:alert(1))",
                 "[x](&#106;avascript:alert(1))", "[x](java&#x09;script:alert(1))")


# --- shortcodes and Markdown, as the pipeline converts a body ----------------------------

@pytest.fixture(scope="module")
def converter(tmp_path_factory: pytest.TempPathFactory) -> BodyConverter:
    root = write_site(tmp_path_factory.mktemp("fuzz-site"), {})
    config = load_config(root)
    # As the build's second stage converts bodies that call ref: with every page's route
    # (here one), so a ref either gives a URL or is an error at its line.
    routes = {"2019/fuzz.md": Route(path="/2019/fuzz/", output="2019/fuzz/index.html", section="2019",
                                    slug="fuzz", kind="article", bundle_dir="")}
    return BodyConverter(config, make_environment(config), refs=RefIndex(routes))


FRONT = "---\ntitle: Fuzz\ndate: 2019-07-07\nfoo: bar\n---\n"


def document(body: str) -> Document:
    text = FRONT + body.replace("\r\n", "\n").replace("\r", "\n").removeprefix("\ufeff")
    result = parse_source(Source("content/2019/fuzz.md", "2019/fuzz.md", text, "0" * 64))
    assert result.document is not None
    return result.document


def check_convert(converter: BodyConverter, body: str) -> None:
    doc = document(body)
    lines = doc.source.text.count("\n") + 1
    converted, diagnostics = converter.convert(doc)
    for diagnostic in diagnostics:
        assert diagnostic.path == doc.source.path
        assert doc.body_line <= diagnostic.line <= lines, diagnostic.format()
        assert diagnostic.message.strip()
    if converted is None:
        assert any(d.is_error for d in diagnostics)
    else:
        assert isinstance(converted.body.html, str)
        assert not STASH_RE.search(converted.body.html), "a stash marker was left"
        assert MORE_TOKEN not in converted.body.html


@BUDGETS
def test_shortcodes_and_markdown_convert_or_are_located(examples: int,
                                                        converter: BodyConverter) -> None:
    run_property(examples, bodies, lambda body: check_convert(converter, body),
                 "{{< rawhtml >}}", "{{< /rawhtml >}}", "{{< details >}}{{< details >}}x{{< /details >}}",
                 "{{< unknown >}}", "{{% param nope %}}", "{{< highlight go \"hl_lines=99\" >}}x{{< /highlight >}}",
                 "```\n{{< unknown >}}\n```", "{{< rawhtml >}}\n<b>x</b>\n{{< /rawhtml >}}",
                 '{{< ref "2019/other.md" >}}', '[me]({{< relref "fuzz.md" >}})')


def test_placeholder_text_in_body_is_kept_as_text(converter: BodyConverter) -> None:
    doc = document("{{< rawhtml >}}<b>x</b>{{< /rawhtml >}}\n\nSee SITEGENSHORTCODE7X and SITEGENSHORTCODE0X.\n")
    converted, diagnostics = converter.convert(doc)
    assert converted is not None and not diagnostics
    assert "SITEGENSHORTCODE7X and SITEGENSHORTCODE0X" in converted.body.html


def test_ref_token_text_in_body_is_kept_as_text(tmp_path: Path) -> None:
    text = "Tokens: SITEGENREFAabcX, SITEGENREFAffX and SITEGENREFA78X.\n"
    root = write_site(tmp_path / "site", {
        "content/2019/x.md": f"---\ntitle: T\ndate: 2019-01-01\n---\n{text}"})
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    page = (root / "public" / "2019" / "t" / "index.html").read_text(encoding="utf-8")
    assert text.strip() in page


# --- the rawhtml sanitiser ----------------------------------------------------------------

HTML_TOKENS = (
    "<script>", "</script>", "<img src=x onerror=alert(1)>", "<a href=\"javascript:alert(1)\">",
    "<a href=\"java&#x09;script:alert(1)\">", "<a href=\"https://e.org\" title=t>", "</a>",
    "<h2>", "</h2>", "<br>", "<p>", "</p>", "<svg onload=alert(1)>", "<style>", "<iframe src=x>",
    "<div lang=ja class=note style=\"x\" id=main>", "</div>", "<!--", "-->", "<![CDATA[",
    "]]>", "<math>", "<table><tr><td>", "<scr", "ipt>", "\"", "'", "=", " ", "&", "&#",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<template>",
    "<object data=javascript:alert(1)>", "<form action=javascript:alert(1)>", "<input onfocus=x autofocus>",
    "<base href=javascript:/>", "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
)
html_soup = st.lists(st.one_of(st.sampled_from(HTML_TOKENS), st.text(any_char, max_size=5)),
                     max_size=30).map("".join)


def check_sanitize(html: str) -> None:
    clean = sanitize_html(html)
    assert not script_free(clean), f"{script_free(clean)} in {clean!r}"
    tags = {e.tag for e in elements(clean) if isinstance(e.tag, str)}
    assert not tags & {"script", "style", "iframe", "object", "svg", "math", "form", "input",
                       "base", "meta", "template", "noscript"}, clean
    assert sanitize_html(clean) == clean, "sanitising twice changed the HTML"


@BUDGETS
def test_sanitize_html_leaves_no_script(examples: int) -> None:
    run_property(examples, st.one_of(html_soup, st.text(any_char, max_size=200)), check_sanitize,
                 *HTML_TOKENS)


def test_sanitize_html_keeps_article_markup() -> None:
    html = ('<h2 id="x" onclick="alert(1)">Heading</h2><p>Line<br>two <em>em</em> '
            '<strong>strong</strong> <a href="https://e.org/a" title="t" onclick="x">link</a></p>'
            '<blockquote><p lang="ja">引用</p></blockquote><ul><li>a</li></ul>'
            '<table><tr><th scope="col">h</th></tr><tr><td colspan="2">c</td></tr></table>'
            '<figure><img src="/i.png" alt="a" width="10" height="20"><figcaption>c</figcaption>'
            '</figure><pre><code>x &lt; y</code></pre><div lang="ko" class="note">d</div>'
            '<script>alert(1)</script><style>p{}</style>')
    root = lxml.html.fragment_fromstring(sanitize_html(html), create_parent="div")
    assert [e.tag for e in root.iter()][1:] == [
        "h2", "p", "br", "em", "strong", "a", "blockquote", "p", "ul", "li", "table", "tbody",
        "tr", "th", "tr", "td", "figure", "img", "figcaption", "pre", "code", "div"]
    assert root.find(".//a").get("href") == "https://e.org/a"
    assert root.find(".//img").attrib == {"src": "/i.png", "alt": "a", "width": "10", "height": "20"}
    assert root.find(".//div").attrib == {"lang": "ko", "class": "note"}
    assert root.find(".//h2").attrib == {}
    assert "alert" not in lxml.html.tostring(root, encoding="unicode")


# --- whole builds ------------------------------------------------------------------------

_PRINTED = re.compile(r"^(content/\S+?):(\d+)(?::\d+)?: (error|warning): ", re.MULTILINE)


@st.composite
def fuzz_sites(draw: st.DrawFn) -> dict[str, str]:
    files = {"content/2019/other.md": "---\ntitle: Other\ndate: 2019-01-01\n---\nText.\n"}
    for number in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            text = draw(documents())
        else:
            text = f"---\ntitle: Page {number}\ndate: 2019-07-0{number + 1}\ntags: [a, b]\n---\n"
            text += draw(markdown_soup)
        files[f"content/2019/fuzz-{number}.md"] = text
    return files


def check_build(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = write_site(Path(folder) / "site", {})
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_bytes(text.encode("utf-8"))
        run = build_site(root, "--quiet")
        assert run.code in (0, 1), run
        assert "internal error" not in run.err and "Traceback" not in run.err, run.err
        if run.code == 1:
            assert _PRINTED.search(run.err), run.err
        for match in _PRINTED.finditer(run.err):
            path, line = match.group(1), int(match.group(2))
            text = (root / path).read_bytes().decode("utf-8")
            text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
            assert 0 <= line <= text.count("\n") + 1, match.group(0)


@pytest.mark.parametrize("examples", [
    pytest.param(max(3, NORMAL_EXAMPLES // 25), id="normal"),
    pytest.param(LONG_EXAMPLES // 20, id="long", marks=pytest.mark.slow),
])
def test_whole_builds_succeed_or_report(examples: int) -> None:
    run_property(examples, fuzz_sites(), check_build)
