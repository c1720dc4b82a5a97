"""Hostile content: front matter values and bodies that try to become markup or script.

Each payload goes into every front matter field at once (and into the body, and into a
`param` shortcode); the site is built and EVERY output file is parsed as a browser or
feed reader would: HTML with lxml.html, feeds and the sitemap with lxml.etree and
feedparser, JSON-LD and any JSON data with json. The strongest check is differential:
the same site built with a harmless value in the same fields must have the same element
structure (tags and attribute names) file for file, since an escaped value can change
text and attribute values but never add an element or an attribute.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import feedparser
import lxml.etree
import lxml.html
import pytest

from tests.support.sites import DEFAULT_CONFIG, build_site, read_tree, write_site

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute-breakout": '"><img src=x onerror=alert(1)>',
    "single-quote-breakout": "' onmouseover='alert(1)' x='",
    "javascript-url": "javascript:alert(1)",
    "json-ld-breakout": "</script><script>alert(1)</script>",
    "cdata-end": "]]><x>injected</x>",
    "comment-breakout": "--><script>alert(1)</script><!--",
    "svg": "<svg/onload=alert(1)>",
    "template-expression": "{{ 7*7 }}",
    "template-block": "{% raw %}{{ 7*7 }}{% endraw %}",
    "entities": "&lt;script&gt;alert(1)&lt;/script&gt; &amp;",
}
HARMLESS = "Harmless value"

# Every front matter field a template, feed or sitemap shows (name -> how it is written).
TEXT_FIELDS = ("title", "description", "summary", "author", "source_name", "original_title",
               "translator", "date_inferred", "author_role", "subtitle")
LIST_FIELDS = ("tags", "categories", "keywords")
URL_FIELDS = ("source_url",)

# The mini-sites' usual settings, with raw HTML switched on or off.
CONFIG = DEFAULT_CONFIG + """\
markdown:
  unsafe: {unsafe}
  sanitize_rawhtml: {sanitize}
"""


def hostile_article(value: str, url: str | None = None) -> str:
    """An article with `value` in every field, the body and a param shortcode.

    `url`, when given, goes into the URL fields instead of `value`.
    """
    fields: dict[str, Any] = {name: value for name in TEXT_FIELDS}
    # The summary is Markdown, whose raw HTML is omitted: keep some text so it is never empty.
    fields["summary"] = f"Summary: {value}"
    fields.update({name: value if url is None else url for name in URL_FIELDS})
    fields.update({name: [value, "common"] for name in LIST_FIELDS})
    lines = ["---", "slug: hostile", "date: 2019-07-07", "original_language: fr"]
    lines += [f"{name}: {json.dumps(v, ensure_ascii=False)}" for name, v in fields.items()]
    body = (f"Body text with {value} in it.\n\n"
            "The subtitle is {{< param subtitle >}} here.\n\n"
            f"> A quotation: {value}\n")
    return "\n".join(lines) + "\n---\n" + body


PLAIN = """---
title: A plain neighbour
slug: plain
date: 2019-07-08
tags: [common]
categories: [common]
---
Plain text.
"""


def config(unsafe: bool = False, sanitize: bool = False) -> str:
    return CONFIG.format(unsafe=str(unsafe).lower(), sanitize=str(sanitize).lower())


def build(root: Path, files: dict[str, str | bytes]) -> dict[str, bytes]:
    write_site(root, files)
    run = build_site(root, "--quiet")
    assert run.code == 0, run.err
    return read_tree(root / "public")


def build_hostile(root: Path, value: str, url: str | None = None) -> dict[str, bytes]:
    return build(root, {"config.yaml": config(),
                        "content/2019/hostile.md": hostile_article(value, url),
                        "content/2019/plain.md": PLAIN})


# --- reading outputs ---------------------------------------------------------------------

_URL_JUNK = re.compile(r"[\t\n\r]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "xlink:href",
                  "cite", "srcset")


def live_script_url(value: str) -> bool:
    """Whether a browser would run this URL (lxml has decoded character references)."""
    url = _URL_JUNK.sub("", value).lstrip("".join(map(chr, range(0x21))))
    return re.match(r"(?i)(javascript|vbscript|data):", url) is not None and not re.match(
        r"(?i)data:image/(png|gif|jpe?g|webp);", url)


def html_elements(data: bytes | str) -> Iterator[Any]:
    if isinstance(data, str):
        data = f"<html><body>{_NOT_XML.sub('', data)}</body></html>"
    page = lxml.html.document_fromstring(data)
    return (e for e in page.iter() if isinstance(e.tag, str))


def json_strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)


def script_problems(name: str, data: bytes | str) -> list[str]:
    """Everything in an HTML document or fragment that would run injected script."""
    problems = []
    for element in html_elements(data):
        where = f"{name}: <{element.tag}>"
        for attribute, value in element.attrib.items():
            if attribute.lower().startswith("on"):
                problems.append(f"{where} has an event handler {attribute}={value!r}")
            if attribute.lower() in URL_ATTRIBUTES and live_script_url(value):
                problems.append(f"{where} has a live script URL {attribute}={value!r}")
        if element.tag == "script":
            kind = element.get("type", "").strip().lower()
            text = element.text or ""
            if kind == "application/ld+json":
                try:
                    json.loads(text)
                except ValueError as exc:
                    problems.append(f"{where} JSON-LD does not parse ({exc}): {text[:120]!r}")
            elif "alert(" in text or live_script_url(element.get("src", "")):
                problems.append(f"{where} injected script {text[:80]!r}")
        if element.tag in ("x", "iframe", "object", "embed", "base"):  # the theme has inline SVG icons
            problems.append(f"{where} injected element")
    return problems


def shape(path: str, data: bytes) -> list[str]:
    """Element tags with their attribute names, in document order: the file's structure."""
    if path.endswith(".html"):
        return [f"{e.tag}[{','.join(sorted(e.attrib))}]" for e in html_elements(data)]
    root = lxml.etree.fromstring(data)
    return [f"{e.tag}[{','.join(sorted(e.attrib))}]" for e in root.iter()
            if isinstance(e.tag, str)]


_TERM_PAGE = re.compile(r"^(tags|categories)/(?!common/)[^/]+/")
_CONTENT_HASH = re.compile(r"(?<=_)[0-9a-f]{7,}(?=\.)")  # pagefind/index/en_1a80bf2.pf_index


def normalise_paths(tree: dict[str, bytes]) -> dict[str, bytes]:
    """Name files by role, so two builds line up: the payload's term folder becomes {term},
    and the content hash in a search index file's name #<n>."""
    named: dict[str, bytes] = {}
    for path, data in sorted(tree.items()):
        role = _TERM_PAGE.sub(r"\1/{term}/", path)
        if role.startswith("pagefind/"):
            role = _CONTENT_HASH.sub("#", role)
            role += f"#{sum(name.startswith(role) for name in named)}"
        named[role] = data
    return named


SIGNATURE = b"pagefind_dcd"


def search_fragment(path: str, data: bytes) -> Any:
    """A Pagefind fragment (one page's search record): gzip, a signature, then JSON."""
    raw = gzip.decompress(data)
    assert raw.startswith(SIGNATURE), f"{path}: not a Pagefind file"
    return json.loads(raw[len(SIGNATURE):])


@pytest.fixture(scope="module")
def harmless(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    tree = build_hostile(tmp_path_factory.mktemp("harmless") / "site", HARMLESS)
    return normalise_paths(tree)


# --- front matter everywhere ---------------------------------------------------------------

CASES = [pytest.param(value, None, id=name) for name, value in PAYLOADS.items()]
# The same payload everywhere but in source_url, so the other fields are checked meanwhile.
CASES.append(pytest.param(PAYLOADS["javascript-url"], "https://example.net/a",
                          id="javascript-url-except-source_url"))


@pytest.mark.parametrize(("value", "url"), CASES)
def test_payload_in_every_field_stays_text(value: str, url: str | None, tmp_path: Path,
                                           harmless: dict[str, bytes]) -> None:
    tree = normalise_paths(build_hostile(tmp_path / "site", value, url))
    problems: list[str] = []
    titles: list[str] = []
    for path, data in sorted(tree.items()):
        if path.endswith(".html"):
            problems += script_problems(path, data)
        elif path.endswith(".xml"):
            problems += xml_problems(path, data, value)
        elif path.endswith(".json"):
            json.loads(data)
        elif ".pf_fragment" in path:
            record = search_fragment(path, data)
            if record["url"].endswith("/hostile/") and not path.startswith("pagefind/ja/"):
                titles.append(record["meta"]["title"])
    assert not problems, "\n".join(problems)
    if any(path.startswith("pagefind/") for path in tree):
        assert titles == [" ".join(value.split())], "the search record lost the title's text"
    assert sorted(tree) == sorted(harmless), "the payload changed which files are written"
    for path in sorted(tree):
        if path.endswith((".html", ".xml")):
            assert shape(path, tree[path]) == shape(path, harmless[path]), (
                f"{path}: the payload changed the document's structure")
    article = tree["2019/hostile/index.html"]
    page = lxml.html.document_fromstring(article)
    assert page.findtext(".//h1").strip() == " ".join(value.split()), "title not printed as text"
    assert " ".join(value.split()) in page.findtext(".//title")
    for ld in page.iterfind(".//script[@type='application/ld+json']"):
        assert " ".join(value.split()) in set(json_strings(json.loads(ld.text))), (
            "JSON-LD does not carry the title as a string")
    if "{{" in value:
        assert b"49" not in article.replace(b"2019", b""), "a template expression was evaluated"


def xml_problems(path: str, data: bytes, value: str) -> list[str]:
    """Feeds and the sitemap parse, and the HTML they carry is as safe as the pages."""
    problems = []
    root = lxml.etree.fromstring(data)
    for element in root.iter():
        if isinstance(element.tag, str) and lxml.etree.QName(element).localname in (
                "x", "script", "img", "svg"):
            problems.append(f"{path}: injected element <{element.tag}>")
    if path == "sitemap.xml":
        return problems + [f"{path}: <loc> {loc.text!r} is not a URL of the site"
                           for loc in root.iter("{*}loc")
                           if not (loc.text or "").startswith("https://example.org/")]
    feed = feedparser.parse(data, sanitize_html=False, resolve_relative_uris=False)
    if feed.bozo:
        problems.append(f"{path}: feedparser: {feed.bozo_exception}")
    for number, entry in enumerate(feed.entries):
        problems += entry_problems(f"{path} entry {number}", entry)
    titles = [e.get("title", "") for e in feed.entries]
    if path in ("feed.xml", "index.xml") and " ".join(value.split()) not in titles:
        problems.append(f"{path}: the payload title is not an entry title: {titles}")
    return problems


def entry_problems(where: str, entry: Any) -> list[str]:
    """Script in a feed entry's HTML summary, content or title."""
    problems = []
    for key in ("summary", "content"):
        parts = entry.get("content", []) if key == "content" else [
            {"value": entry.get("summary", ""), "type": entry.get("summary_detail", {}).get("type")}]
        for part in parts:
            if part.get("type") in ("text/html", "application/xhtml+xml"):
                problems += script_problems(f"{where} {key}", part["value"])
    if entry.get("title_detail", {}).get("type") == "text/html":
        problems += script_problems(f"{where} title", entry.title)
    return problems


# --- fields that name files and URLs ------------------------------------------------------

PATH_PAYLOADS = {**{name: PAYLOADS[name] for name in ("script", "attribute-breakout",
                                                      "javascript-url", "json-ld-breakout")},
                 "traversal": "/../../../outside/", "encoded-traversal": "/%2e%2e/%2e%2e/outside/"}


@pytest.mark.parametrize("field", ["url", "aliases", "slug"])
@pytest.mark.parametrize("value", PATH_PAYLOADS.values(), ids=PATH_PAYLOADS.keys())
def test_payload_in_path_fields_is_refused_or_harmless(field: str, value: str,
                                                       tmp_path: Path) -> None:
    """A refused value is an error on the key's line; an accepted one writes only inside
    public/, and no page, feed or sitemap carries it as markup."""
    root = tmp_path / "site"
    text = (f"---\ntitle: A\ndate: 2019-07-07\n{field}: {json.dumps(value)}\n---\nText.\n")
    write_site(root, {"config.yaml": config(), "content/2019/a.md": text, "content/2019/plain.md": PLAIN})
    before = {p for p in root.rglob("*") if "public" not in p.relative_to(root).parts}
    run = build_site(root, "--quiet")
    after = {p for p in root.rglob("*") if "public" not in p.relative_to(root).parts}
    # Besides dot-folders (.cache, staging), the build writes one file: its URL history.
    assert not {p for p in after - before if not p.relative_to(root).parts[0].startswith(".")
                and p != root / "published-urls.txt"}, "the build wrote outside its output folder"
    assert not (tmp_path / "outside").exists()
    if run.code:
        assert run.code == 1 and "internal error" not in run.err, run.err
        assert "content/2019/a.md:4:" in run.err, run.err
        return
    problems: list[str] = []
    for path, data in sorted(read_tree(root / "public").items()):
        if path.endswith(".html"):
            problems += script_problems(path, data)
        elif path.endswith(".xml"):
            lxml.etree.fromstring(data)
            if path != "sitemap.xml":
                assert not feedparser.parse(data).bozo, path
    assert not problems, "\n".join(problems)


# --- bodies ------------------------------------------------------------------------------

RAW_BODY = """Before.

<div class="raw-kept"><script>alert(1)</script></div>

Inline <span class="raw-inline" onclick="alert(1)">raw</span> HTML.
"""


def article_page(root: Path, files: dict[str, str | bytes]) -> bytes:
    return build(root, files)["2019/a/index.html"]


def body_of(page: bytes) -> Any:
    body = lxml.html.document_fromstring(page).find_class("article-body")
    assert body, "the article template has no .article-body"
    return body[0]


def one_article(body: str, unsafe: bool = False,
                sanitize: bool = False) -> dict[str, str | bytes]:
    return {"config.yaml": config(unsafe, sanitize),
            "content/2019/a.md": f"---\ntitle: A\nslug: a\ndate: 2019-07-07\n---\n{body}"}


def test_raw_html_in_body_is_omitted_by_default(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(RAW_BODY))
    body = body_of(page)
    assert not body.find_class("raw-kept") and not body.find_class("raw-inline")
    assert not script_problems("a", page)
    assert "raw HTML omitted" in lxml.html.tostring(body, encoding="unicode")


def test_raw_html_in_body_is_kept_when_the_site_is_unsafe(tmp_path: Path) -> None:
    body = body_of(article_page(tmp_path / "site", one_article(RAW_BODY, unsafe=True)))
    assert body.find_class("raw-kept") and body.find_class("raw-inline")
    assert body.find_class("raw-kept")[0].find("script") is not None


def test_javascript_link_in_markdown_is_neutralised(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(
        "[plain](javascript:alert(1)) [upper](JavaScript:alert(1)) [spaced](  javascript:alert(1))"
        " ![img](javascript:alert(1)) [ref][r] <javascript:alert(1)>\n\n[r]: javascript:alert(1)\n"))
    assert not script_problems("a", page)
    assert [a.text for a in body_of(page).iter("a")] == ["plain", "upper", "spaced", "ref"]


def test_entity_encoded_javascript_link_is_neutralised(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(
        "[a](jav&#x61;script:alert(1)) [b](&#106;avascript:alert(1)) [c](java&#x09;script:alert(1))\n"))
    assert not script_problems("a", page)


def test_attribute_lists_cannot_add_event_handlers(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(
        "## Heading {: onclick=\"alert(1)\" }\n\nParagraph\n{: onmouseover=alert(1) }\n\n"
        "| a |\n|---|\n| b {: onfocus=alert(1) } |\n"))
    assert not script_problems("a", page)


RAWHTML = """{{< rawhtml >}}
<h2 onclick="alert(1)">Kept heading</h2>
<p>Line<br>break <a href="https://example.net/x" onmouseover="alert(1)">link</a>
<a href="javascript:alert(2)">bad link</a></p>
<script>alert(3)</script><img src="x" onerror="alert(4)">
<svg onload="alert(5)"></svg><style>body{display:none}</style>
{{< /rawhtml >}}
"""


def test_rawhtml_shortcode_is_kept_verbatim_on_an_unsafe_site(tmp_path: Path) -> None:
    body = body_of(article_page(tmp_path / "site", one_article(RAWHTML, unsafe=True)))
    assert body.find(".//h2").get("onclick") == "alert(1)"
    assert body.find(".//script") is not None


def test_rawhtml_shortcode_is_sanitised_on_a_safe_site(tmp_path: Path) -> None:
    """With markdown.unsafe false no contributor puts script on a page, rawhtml included:
    its output goes through the allow-list even without sanitize_rawhtml."""
    page = article_page(tmp_path / "site", one_article(RAWHTML))
    body = body_of(page)
    assert not script_problems("a", page)
    assert body.find(".//script") is None and body.find(".//h2").text == "Kept heading"


def test_rawhtml_shortcode_is_sanitised_when_the_site_asks(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(RAWHTML, sanitize=True))
    body = body_of(page)
    assert not script_problems("a", page)
    html = lxml.html.tostring(body, encoding="unicode")
    assert "alert" not in html and body.find(".//svg") is None and body.find(".//style") is None
    heading = body.find(".//h2")
    assert heading is not None and heading.text == "Kept heading" and not heading.attrib
    assert body.find(".//br") is not None
    assert [a.get("href") for a in body.iter("a")] == ["https://example.net/x", None]


def test_javascript_source_url_is_not_a_live_link(tmp_path: Path) -> None:
    page = build(tmp_path / "site", {
        "config.yaml": config(),
        "content/2019/a.md": "---\ntitle: A\nslug: a\ndate: 2019-07-07\nsource_name: Paper\n"
                             "source_url: \"javascript:alert(1)\"\n---\nText.\n"})["2019/a/index.html"]
    assert not script_problems("a", page)


def test_figure_shortcode_urls_cannot_run_script(tmp_path: Path) -> None:
    page = article_page(tmp_path / "site", one_article(
        '{{< figure src="javascript:alert(1)" link="javascript:alert(2)" '
        'attr="credit" attrlink="javascript:alert(3)" >}}\n'))
    assert not script_problems("a", page)


def test_shortcode_arguments_are_escaped(tmp_path: Path) -> None:
    payload = PAYLOADS["attribute-breakout"]
    quoted = payload.replace('"', '\\"')  # a shortcode argument escapes its quotes
    page = article_page(tmp_path / "site", one_article(
        f'{{{{< figure src="/a.png" alt="{quoted}" caption="{quoted}" title="{quoted}" '
        f'class="{quoted}" >}}}}\n\n{{{{< details summary="{quoted}" class="{quoted}" >}}}}'
        f"Inside.{{{{< /details >}}}}\n"))
    assert not script_problems("a", page)
    body = body_of(page)
    assert body.find(".//img").get("alt") == payload
    assert body.find(".//summary").text == payload
