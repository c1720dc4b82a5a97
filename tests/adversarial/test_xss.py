"""No contributor can put live script on a page (issue 14.1).

Sites are built with ``markdown.unsafe: false``, with and without ``sanitize_rawhtml``, from
bodies written to break out: text imitating the engine's internal markers, shortcodes
placed inside link titles, URLs and attribute lists, shortcode arguments full of quotes and
event handlers, raw HTML, SVG and MathML, entity-encoded and control-character script URLs,
``data:`` URLs, fence options, and front matter values printed by ``param``.

Every output file is then read as a browser or a feed reader would: HTML with lxml.html,
feeds with lxml.etree and feedparser (the HTML inside each entry is checked like a page),
SVG as XML, and the search data as JSON. The check is an independent oracle, not the
engine's own rule: no element an article could have added (script other than the theme's,
iframe, object, embed, base, meta refresh, style, MathML, SVG other than the theme's icon,
forms other than the search box), no ``on*`` attribute, no script URL in any URL attribute
(``href``, ``src``, ``srcset``, ``action``, ``formaction``, ``xlink:href``, ``poster``,
``background``...), no style that runs script. A last test opens the pages in Chromium and
fires the events the handlers listen to.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from tests.support.server import serve_directory
from tests.support.sites import DEFAULT_CONFIG, build_site, read_tree, write_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser

FIGURE = "{{< figure src=\"/a.png\" caption=\"A figure\" >}}"
# Hex of 'javascript:alert(1)', as a forged ref marker would carry it.
JS_HEX = b"javascript:alert(1)".hex()

BODIES: dict[str, str] = {
    # The two examples, alone and together (together they ran in Chromium).
    "placeholder-in-title": f'{FIGURE}\n\n[hover me](https://example.org/ "SITEGENSHORTCODE0X")\n',
    "figure-src-handler": '{{< figure src="x onmouseover=alert(document.domain) y" >}}\n',
    "issue-together": ('{{< figure src="x onmouseover=alert(document.domain) y" >}}\n\n'
                       '[hover me](https://example.org/ "SITEGENSHORTCODE0X")\n'),
    # Shortcodes where their HTML cannot go: attribute values and URLs.
    "shortcode-in-link-title": '[a](https://example.org/ "{{< figure src="x" >}}")\n',
    "shortcode-in-link-url": "[a]({{< figure src=\"x\" >}}) [b](java{{< figure src=\"x\" >}}script:alert(1))\n",
    "shortcode-in-image-alt": '![{{< figure src="x" >}}](/y.png "{{< figure src="z" >}}")\n',
    "shortcode-in-attr-list": ('Para\n{: title="{{< figure src=\\"x\\" >}}" }\n\n'
                               '## Heading {: title="{{< figure src=x >}}" }\n'),
    "shortcode-in-headings": "## One {{< figure src=x >}}\n\n## Two\n\n## Three\n\nText.\n",
    # Text imitating the markers, old and new.
    "marker-lookalikes": ("SITEGENSHORTCODE0X SITEGENSHORTCODE7X SITEGENREFA78X SITEGENREFAabcX "
                          "SITEGENMOREMARKER\n\n\ufdd00\ufdd1 \ufdd2A" + JS_HEX + "\ufdd3 \ufdd4more\ufdd5\n\n"
                          f"[x](\ufdd2R{JS_HEX}\ufdd3) [y](\ufdd00\ufdd1)\n\n{FIGURE}\n"),
    "param-markers": "{{< param markers >}} and {{% param markers %}} and {{< param script >}}\n",
    # Shortcode arguments that try to leave their attribute or carry script URLs.
    "figure-arguments": ('{{< figure src="/a.png" alt="\\" onerror=\\"alert(1)" caption="<img src=x onerror=alert(2)>" '
                         'title="\'><svg onload=alert(3)>" link="javascript:alert(4)" attr="credit" '
                         'attrlink="JaVaScRiPt:alert(5)" class="x\\" onclick=\\"alert(6)" '
                         'target="_blank\\" onfocus=\\"alert(7)" rel="x\\" onmouseover=\\"alert(8)" '
                         'width="1 onload=alert(9)" height="1\\" onload=\\"alert(10)" '
                         'loading="lazy\\" onerror=\\"alert(11)" >}}\n'),
    "figure-script-urls": ('{{< figure src="jav&#x09;ascript:alert(1)" link="data:text/html,<script>alert(2)</script>" >}}\n\n'
                           '{{< figure src="vbscript:msgbox(3)" link=" javascript:alert(4)" >}}\n\n'
                           '{{< figure src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" link="java\tscript:alert(5)" >}}\n'),
    "details-arguments": ('{{< details summary="<img src=x onerror=alert(1)>" class="a\\" onclick=\\"alert(2)" '
                          'name="n\\" onfocus=\\"alert(3)" title="t\\" onmouseover=\\"alert(4)" open="true" >}}'
                          'Inner <script>alert(5)</script> and [x](javascript:alert(6))'
                          '{{< /details >}}\n'),
    "highlight-arguments": ('{{< highlight "html\\" onmouseover=\\"alert(1)" "linenos=table,hl_lines=1-99999" >}}'
                            "<script>alert(2)</script>{{< /highlight >}}\n"),
    # Raw HTML the sanitiser (or the omission in safe mode) must stop.
    "rawhtml": ("{{< rawhtml >}}\n<script>alert(1)</script><img src=x onerror=alert(2)>"
                "<svg onload=alert(3)><a xlink:href=\"javascript:alert(4)\"><text>x</text></a></svg>"
                "<math><maction actiontype=\"statusline\" xlink:href=\"javascript:alert(5)\">m</maction></math>"
                "<iframe src=\"javascript:alert(6)\"></iframe><iframe srcdoc=\"<script>alert(7)</script>\"></iframe>"
                "<form action=\"javascript:alert(8)\"><button formaction=\"javascript:alert(9)\">b</button></form>"
                "<img srcset=\"javascript:alert(10) 1x, /ok.png 2x\" src=\"/ok.png\">"
                "<object data=\"javascript:alert(11)\"></object><embed src=\"javascript:alert(12)\">"
                "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(13)\"><base href=\"javascript:/\">"
                "<style>body{background:url(javascript:alert(14))}</style>"
                "<p style=\"width:expression(alert(15))\">styled</p>"
                "<a href=\"jav&#x09;ascript:alert(16)\">tab</a><a href=\"&#106;avascript:alert(17)\">entity</a>"
                "<video poster=\"javascript:alert(18)\"></video><table background=\"javascript:alert(19)\"></table>"
                "<scr<script>ipt>alert(20)</scr</script>ipt><noscript><p title=\"</noscript><img src=x onerror=alert(21)>\"></noscript>"
                "\n{{< /rawhtml >}}\n"),
    "raw-html-in-body": ("<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\n<svg><script>alert(3)</script></svg>\n\n"
                         "Inline <a href=\"javascript:alert(4)\">a</a> <b onmouseover=alert(5)>b</b>\n\n"
                         "<!--><script>alert(6)</script>-->\n\n<style>*{x:expression(alert(7))}</style>\n\n"
                         "<div markdown=\"1\" onclick=\"alert(8)\">*md*</div>\n\n"
                         "<meta http-equiv=refresh content=\"0;url=javascript:alert(9)\">\n"),
    # Attribute lists: every attribute a body can set on Markdown's own elements.
    "attribute-lists": ("Para one\n{: onclick=\"alert(1)\" }\n\nPara two\n{: href=\"javascript:alert(2)\" }\n\n"
                        "Para three\n{: style=\"background:url(javascript:alert(3))\" }\n\n"
                        "Para four\n{: style=\"width: e\\78pression(alert(4))\" }\n\n"
                        "![img](/ok.png){: srcset=\"javascript:alert(5) 1x\" }\n\n"
                        "[link](/ok/){: formaction=\"javascript:alert(6)\" }\n\n"
                        "Para five\n{: xlink:href=\"javascript:alert(7)\" background=\"javascript:alert(8)\" }\n\n"
                        "Para six\n{: poster=\"javascript:alert(9)\" data=\"javascript:alert(10)\" }\n\n"
                        "## Heading {#x\" onclick=\"alert(11)\" }\n\n| a |\n|---|\n| b {: onfocus=alert(12) } |\n"),
    # Links and images in Markdown with every way of spelling a script URL.
    "markdown-urls": ("[a](javascript:alert(1)) [b](JAVASCRIPT:alert(2)) [c](  javascript:alert(3)) "
                      "[d](&#106;avascript:alert(4)) [e](jav&#x61;script:alert(5)) [f](java&#x09;script:alert(6)) "
                      "[g](java&#x0A;script:alert(7)) [h](vbscript:msgbox(8)) "
                      "[i](data:text/html,<script>alert(9)</script>) [j](data:text/html;base64,PHNjcmlwdD5hbGVydCgxMCk8L3NjcmlwdD4=) "
                      "![k](javascript:alert(11)) ![l](data:image/svg+xml,<svg/onload=alert(12)>) "
                      "<javascript:alert(13)> [m][r] [n](&#0000106avascript:alert(14)) [o](\u2028javascript:alert(15))\n\n"
                      "[r]: javascript:alert(16)\n"),
    "abbreviations-footnotes": ('The HTML here[^1].\n\n*[HTML]: " onmouseover="alert(1)\n\n'
                                "[^1]: A note with <script>alert(2)</script> and [x](javascript:alert(3)).\n"),
    # Fence options that superfences wrote into the page unescaped.
    "fence-options": ('```python title="<img src=x onerror=alert(1)>"\nx = 1\n```\n\n'
                      "```{.python data-x='\"><img src=x onerror=alert(2)>' #a\"onmouseover=\"alert(3)}\ny = 2\n```\n\n"
                      "```{.py\" onclick=\"alert(4) title_mode=\"html\" title=\"<svg onload=alert(5)>\"}\nz\n```\n\n"
                      '> ```python title="<img src=x onerror=alert(6)>"\n> q\n> ```\n\n'
                      '```go {title="<script>alert(7)</script>", hl_lines=["1-300000000"]}\nw\n```\n'),
    "summary-and-more": "Before <img src=x onerror=alert(1)>.\n\n<!--more-->\n\nAfter [x](javascript:alert(2)).\n",
}
FRONT = ('---\ntitle: "Case {number}"\nslug: case-{number}\ndate: 2019-07-{day:02d}\n'
         'markers: "\ufdd00\ufdd1 \ufdd2A{js}\ufdd3"\nscript: "<script>alert(1)</script>"\n'
         'summary: "<img src=x onerror=alert(1)> [s](javascript:alert(2)) SITEGENSHORTCODE0X"\n---\n')


def site_files(sanitize: bool, bodies: dict[str, str]) -> dict[str, str | bytes]:
    config = DEFAULT_CONFIG + f"markdown:\n  unsafe: false\n  sanitize_rawhtml: {str(sanitize).lower()}\n"
    files: dict[str, str | bytes] = {"config.yaml": config}
    for number, body in enumerate(bodies.values()):
        front = FRONT.format(number=number, day=number % 28 + 1, js=JS_HEX)
        if number % 2:  # half the articles keep their automatic summary
            front = re.sub(r"\nsummary: .*\n", "\n", front)
        files[f"content/2019/case-{number}.md"] = front + body
    return files


def build_hostile_site(root: Path, sanitize: bool) -> Path:
    write_site(root, site_files(sanitize, BODIES))
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    return root / "public"


@pytest.fixture(scope="module", params=[False, True], ids=["sanitize-off", "sanitize-on"])
def public(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_hostile_site(tmp_path_factory.mktemp("xss") / "site", request.param)


# --- the oracle ------------------------------------------------------------------------------

URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "background", "cite", "data", "codebase",
    "longdesc", "lowsrc", "dynsrc", "usemap", "ping", "manifest", "profile", "classid",
    "archive", "icon", "itemtype", "xlink:href", "{http://www.w3.org/1999/xlink}href", "xml:base",
})
SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
FORBIDDEN_ELEMENTS = frozenset({"iframe", "object", "embed", "base", "frame", "frameset", "applet",
                                "math", "style", "template", "portal", "textarea", "select",
                                "marquee", "foreignobject"})
# The theme's own chrome: allowed outside the places that hold an article's HTML only.
CHROME_ELEMENTS = frozenset({"script", "svg", "form", "input", "button", "noscript"})
CONTENT_CLASSES = frozenset({"article-body", "entry-summary"})
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))


def live_script_url(value: str) -> bool:
    """Whether a browser would run this URL (lxml has already decoded character references):
    tabs and newlines anywhere are dropped, leading controls and spaces too."""
    url = _TAB_NEWLINE.sub("", value).strip(_CONTROL_OR_SPACE)
    return re.match(r"(?i)(javascript|vbscript|livescript|data):", url) is not None and not re.match(
        r"(?i)data:image/(png|gif|jpe?g|webp)[;,]", url)


def script_style(value: str) -> bool:
    text = re.sub(r"/\*.*?\*/", "", value, flags=re.DOTALL)
    text = re.sub(r"\\([0-9a-fA-F]{1,6})\s?", lambda m: chr(int(m.group(1), 16)), text).replace("\\", "")
    return re.search(r"(?i)expression\s*\(|javascript:|vbscript:|behavior\s*:|-moz-binding|@import",
                     text) is not None


def element_problems(where: str, element: Any, in_content: bool) -> list[str]:
    """What in one element could run script or act for an attacker; `in_content`: it is
    inside an article's HTML (a body, a summary, a feed entry)."""
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    here = f"{where}: <{tag}>"
    problems = [f"{here} has an event handler {name}={value!r}"
                for name, value in element.attrib.items() if name.lower().startswith("on")]
    for name, value in element.attrib.items():
        key = name.lower()
        if key in URL_ATTRIBUTES and live_script_url(value):
            problems.append(f"{here} has a script URL {name}={value!r}")
        if key in SRCSET_ATTRIBUTES and any(live_script_url(p) for p in re.split(r"[\s,]+", value) if p):
            problems.append(f"{here} has a script URL in {name}={value!r}")
        if key == "style" and script_style(value):
            problems.append(f"{here} has a style that runs script: {value!r}")
        if key == "srcdoc":
            problems.append(f"{here} has a whole document in srcdoc")
    if tag in FORBIDDEN_ELEMENTS:
        problems.append(f"{here} is an element no article may add")
    if tag == "meta" and element.get("http-equiv", "").lower() == "refresh":
        problems.append(f"{here} redirects the page: {element.get('content')!r}")
    if tag in CHROME_ELEMENTS and in_content:
        problems.append(f"{here} is inside an article's HTML")
    if tag == "script" and not theme_script(element):
        problems.append(f"{here} is a script the theme did not write: {lxml.html.tostring(element)[:120]!r}")
    if tag == "svg" and element.get("class") != "feed-icon":
        problems.append(f"{here} is an SVG image the theme did not write")
    return problems


def theme_script(element: Any) -> bool:
    """The theme's scripts: its own files, and JSON-LD that parses as JSON."""
    if element.get("type", "").strip().lower() == "application/ld+json":
        try:
            json.loads(element.text or "")
        except ValueError:
            return False
        return "</" not in (element.text or "")
    source = element.get("src", "")
    return not (element.text or "").strip() and re.match(r"^/(js|pagefind)/[\w./-]+$", source) is not None


def html_problems(where: str, data: bytes | str) -> list[str]:
    """Problems in a page, or in a fragment of an article's HTML (given as str)."""
    fragment = isinstance(data, str)
    if fragment:
        if not data.strip():
            return []
        data = f"<html><body>{data}</body></html>"
    page = lxml.html.document_fromstring(data)
    problems: list[str] = []
    walk(page, where, fragment, problems)
    return problems


def walk(element: Any, where: str, in_content: bool, problems: list[str]) -> None:
    if not isinstance(element.tag, str):
        return
    problems += element_problems(where, element, in_content)
    inside = in_content or bool(CONTENT_CLASSES & set(element.get("class", "").split()))
    for child in element:
        walk(child, where, inside, problems)


def feed_problems(where: str, data: bytes) -> list[str]:
    """A feed parses, and the HTML of each entry is as safe as a page."""
    root = lxml.etree.fromstring(data)
    problems = [f"{where}: a link to a script URL: {e.get('href')!r}"
                for e in root.iter("{*}link") if live_script_url(e.get("href", ""))]
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if feed.bozo:
        problems.append(f"{where}: feedparser: {feed.bozo_exception}")
    for number, entry in enumerate(feed.entries):
        parts = [*entry.get("content", []), entry.get("summary_detail", {})]
        for part in parts:
            if part.get("type") in ("text/html", "application/xhtml+xml"):
                problems += html_problems(f"{where} entry {number}", part.get("value", ""))
    return problems


def json_strings(value: Any, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from json_strings(item, str(name))
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item, key)


def data_problems(where: str, data: bytes) -> list[str]:
    """Search data parses; the URLs in it are not script URLs (its text is shown as text)."""
    if ".pf_fragment" in where:
        raw = gzip.decompress(data)
        data = raw[raw.index(b"{"):]
    parsed = json.loads(data)
    return [f"{where}: {key} is a script URL: {value!r}" for key, value in json_strings(parsed)
            if key in ("url", "image", "href", "src") and live_script_url(value)]


def svg_problems(where: str, data: bytes) -> list[str]:
    root = lxml.etree.fromstring(data)
    problems = []
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = lxml.etree.QName(element).localname.lower()
        if name in ("script", "foreignobject"):
            problems.append(f"{where}: <{name}>")
        problems += [f"{where}: <{name}> {attr}" for attr in element.attrib
                     if lxml.etree.QName(attr).localname.lower().startswith("on")]
    return problems


def site_problems(tree: dict[str, bytes]) -> list[str]:
    problems: list[str] = []
    for path, data in sorted(tree.items()):
        if path.endswith(".html"):
            problems += html_problems(path, data)
        elif path.endswith(".xml") and path != "sitemap.xml":
            problems += feed_problems(path, data)
        elif path.endswith(".svg"):
            problems += svg_problems(path, data)
        elif path.endswith((".json", ".webmanifest")) or ".pf_fragment" in path:
            problems += data_problems(path, data)
    return problems


# --- the tests -------------------------------------------------------------------------------

def test_no_output_file_carries_live_script(public: Path) -> None:
    tree = read_tree(public)
    assert any(".pf_fragment" in path for path in tree), "the search data was not built"
    problems = site_problems(tree)
    assert not problems, "\n".join(problems)


def test_every_hostile_article_is_published(public: Path) -> None:
    """The bodies above build (nothing is refused or silently dropped) into their pages."""
    for number in range(len(BODIES)):
        assert (public / "2019" / f"case-{number}" / "index.html").is_file(), number


def article_body(public: Path, name: str) -> Any:
    number = list(BODIES).index(name)
    page = lxml.html.parse(str(public / "2019" / f"case-{number}" / "index.html")).getroot()
    return page.find_class("article-body")[0]


def test_text_that_imitates_markers_stays_text(public: Path) -> None:
    body = article_body(public, "marker-lookalikes")
    text = body.text_content()
    for word in ("SITEGENSHORTCODE0X", "SITEGENSHORTCODE7X", "SITEGENREFA78X", "SITEGENREFAabcX",
                 "SITEGENMOREMARKER"):
        assert word in text
    assert not re.search("[\ufdd0-\ufdef]", lxml.html.tostring(body, encoding="unicode"))
    assert [a.get("href") for a in body.iter("a")] == ["R" + JS_HEX, "0"]  # the markers' characters gone


def test_a_shortcode_in_an_attribute_stays_out_of_it(public: Path) -> None:
    body = article_body(public, "shortcode-in-link-title")
    [link] = body.iter("a")
    assert link.get("href") == "https://example.org/" and link.get("title") == ""
    assert link.text == "a" and not list(link)


@pytest.mark.parametrize("sanitize", [False, True], ids=["sanitize-off", "sanitize-on"])
def test_sanitiser_drops_formaction_srcset_and_xlink_href(sanitize: bool, tmp_path: Path) -> None:
    """The rawhtml allow-list keeps harmless markup and drops what could run script."""
    public = build_hostile_site(tmp_path / "site", sanitize)
    body = article_body(public, "rawhtml")
    html = lxml.html.tostring(body, encoding="unicode")
    assert "formaction" not in html and "xlink" not in html and "javascript" not in html.lower()
    images = list(body.iter("img"))
    assert "/ok.png" in [img.get("src") for img in images], "harmless markup is kept"
    assert all(set(img.attrib) <= {"src", "alt", "width", "height", "loading"} for img in images)
    assert body.find(".//p").text == "styled" and body.find(".//p").get("style") is None


# --- in a browser ------------------------------------------------------------------------------

# Record instead of showing a dialog; the pages' own scripts never call these.
RECORDER = """
window.__fired = [];
for (const name of ["alert", "confirm", "prompt", "print"]) {
  window[name] = (...args) => { window.__fired.push(name + ":" + args.join(",")); };
}
"""
# Fire every event an injected handler could wait for, on every element.
PROVOKE = """
() => {
  const events = ["mouseover", "mouseenter", "mousemove", "focus", "focusin", "pointerover",
                  "animationstart", "transitionend", "toggle", "load", "error"];
  for (const element of document.querySelectorAll("*")) {
    for (const type of events) element.dispatchEvent(new Event(type, {bubbles: false}));
    if (element.tagName === "DETAILS") element.open = !element.open;
  }
  const links = [...document.querySelectorAll("[href],[src],[action],[formaction],[srcset]")]
    .flatMap(e => ["href", "src", "action", "formaction", "srcset"].map(a => e.getAttribute(a)))
    .filter(v => v && /^\\s*(javascript|vbscript|data:text)/i.test(v.replace(/[\\t\\n\\r]/g, "")));
  return {fired: window.__fired, links};
}
"""


def test_no_handler_fires_in_chromium(browser: Browser, tmp_path: Path) -> None:
    public = build_hostile_site(tmp_path / "site", sanitize=False)
    pages = ["", "2019/", *(f"2019/case-{n}/" for n in range(len(BODIES)))]
    context = browser.new_context()
    context.add_init_script(RECORDER)
    dialogs: list[str] = []
    try:
        with serve_directory(public) as site:
            page = context.new_page()
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            for path in pages:
                page.goto(site + path, wait_until="load")
                page.wait_for_timeout(50)  # image errors and SVG loads
                found = page.evaluate(PROVOKE)
                assert found == {"fired": [], "links": []}, f"/{path}: {found}"
    finally:
        context.close()
    assert not dialogs, dialogs
