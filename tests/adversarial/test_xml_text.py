"""Valid output for any text: characters no feed or page can carry never reach one.

A contributor pastes text from a PDF: a vertical tab, a form feed, U+0001. Before, one
such character in a title made every feed listing the article ill-formed XML, and the
build said nothing. Here every such character, written as is or as an escape (YAML's
`"\\x0b"`, TOML's `"\\u000b"`) or a character reference (`&#1;`), goes into every front
matter field and the body. The build must warn where each one is (file:line:col), drop
it, and make feeds that feedparser and lxml read, a sitemap that validates, pages the Nu
checker accepts, and no output file that holds one. In an address (url, slug, aliases)
it is an error instead.
"""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import pytest
from lxml import etree

from sitegen.content.characters import UNSAFE, strip_unsafe
from tests.support.sites import build_site, write_site
from tests.support.validators import run_vnu, validate_sitemap

# C0 controls (tab, LF and CR are fine), DEL, C1 controls, noncharacters at both ends of
# the BMP's ranges and of the planes.
CHARACTERS = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1b", "\x1f", "\x7f", "\x80",
              "\x85", "\x9f", "\ufdd0", "\ufdef", "\ufffe", "\uffff", "\U0001fffe", "\U0010ffff"]
STRING_FIELDS = ["title", "summary", "description", "author", "source_name", "original_title",
                 "translator", "blurb"]  # blurb: a key of the site's own
CODE_FIELDS = {"lang": "en", "original_language": "ja", "source_url": "https://example.org/x"}
LIST_FIELDS = ["tags", "categories", "keywords", "authors"]


def _escape(char: str) -> str:
    """The YAML double-quoted escape for `char`."""
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def hostile_article(index: int, char: str, escaped: bool) -> str:
    """Every front matter field and the body carry `char`, as is or as YAML escapes."""
    mark = _escape(char) if escaped else char
    if not escaped and char == "\x00":
        mark = "&#0;"  # a NUL byte makes the file binary (refused); its reference does not
    lines = ["---", f"date: 2019-07-{1 + index % 28:02d}", f"slug: article-{index}"]
    lines += [f'{name}: "{name.title()} {mark}here"' for name in STRING_FIELDS]
    lines += [f'{name}: "{value}{mark}"' for name, value in CODE_FIELDS.items()]  # VT, FF: spaces
    lines += [f'{name}: ["{name[:3]}{mark}x", "plain"]' for name in LIST_FIELDS]
    lines += ["---", (f"Body text {mark}with {char if not escaped and char != chr(0) else ''}the "
              f"character &#{ord(char)}; and &#x{ord(char):x}; in *it*."), "",
              f"- a list item {mark}", "", f"> a quote {mark}"]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A site with one article per character and way of writing it; (public folder, stderr)."""
    files: dict[str, str | bytes] = {
        f"content/2019/a{index}.md": hostile_article(index, char, escaped)
        for index, (char, escaped) in enumerate((c, e) for c in CHARACTERS for e in (False, True))}
    root = write_site(tmp_path_factory.mktemp("xml-text") / "site", files)
    run = build_site(root)
    assert run.code == 0, run.err
    return root / "public", run.err


def test_every_feed_parses(hostile_site: tuple[Path, str]) -> None:
    public, _ = hostile_site
    feeds = [public / "feed.xml", public / "index.xml", *sorted(public.glob("*/*/feed.xml"))]
    assert len(feeds) > 5
    for path in feeds:
        etree.fromstring(path.read_bytes())  # raises on ill-formed XML
        parsed = feedparser.parse(path.read_bytes())
        assert not parsed.bozo, f"{path}: {parsed.get('bozo_exception')}"
    home = feedparser.parse((public / "feed.xml").read_bytes())
    assert len(home.entries) == 20  # feeds.limit
    # Titles keep their spaces as written (as Hugo does): a dropped character may leave two.
    assert {" ".join(entry.title.split()) for entry in home.entries} == {"Title here"}
    assert len(list(public.glob("2019/article-*/index.html"))) == 2 * len(CHARACTERS)


def test_the_sitemap_validates(hostile_site: tuple[Path, str]) -> None:
    public, _ = hostile_site
    assert validate_sitemap(public / "sitemap.xml") == []


def test_no_output_file_holds_an_unsafe_character(hostile_site: tuple[Path, str]) -> None:
    public, _ = hostile_site
    reference = re.compile(r"&#(?:[xX]0*(?:[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF]|[89][0-9a-fA-F]|"
                           r"[fF][dD][dDeE][0-9a-fA-F]|[0-9a-fA-F]*[fF][fF][fF][eEfF])|0*[0-8]|0*1[1-2]);")
    texts = 0
    for path in public.rglob("*"):
        try:
            text = path.read_bytes().decode("utf-8") if path.is_file() else ""
        except UnicodeDecodeError:
            continue  # Pagefind's compressed index files
        if text:
            texts += 1
            assert not UNSAFE.search(text), f"{path}: {UNSAFE.search(text)}"
            assert not reference.search(text), f"{path}: {reference.search(text)}"
    assert texts > 100  # pages, feeds, sitemap, JSON, citation downloads (.bib, .ris, ...)


def test_every_page_is_valid_html(hostile_site: tuple[Path, str], vnu: Path) -> None:
    public, _ = hostile_site
    assert run_vnu([public], jar=vnu) == []


def test_every_character_is_reported_with_its_place(hostile_site: tuple[Path, str]) -> None:
    _, err = hostile_site
    warnings = [line for line in err.splitlines() if ": warning: " in line]
    for index in range(2 * len(CHARACTERS)):
        mine = [line for line in warnings if line.startswith(f"content/2019/a{index}.md:")]
        assert mine, f"a{index}.md: no warning"
        assert all(re.match(r"content/2019/a\d+\.md:\d+:\d+: warning: ", line) for line in mine)
    assert "error" not in err


def test_warnings_point_at_the_character(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        '---\ntitle: "Treaty\\x0bnotes"\ndate: 2019-07-07\ntags: [a, "b\\fc"]\n'
        "blurb: Pasted\x01from a PDF\n---\nPage one.\x0cPage two &#1; ends.\n")})
    run = build_site(root)
    assert run.code == 0
    hint = ("  hint: no web page or feed can hold it (text pasted from a PDF often brings such "
            "characters): delete it")
    assert run.err.splitlines() == [
        "content/2019/x.md:2:15: warning: 'title' has control character U+000B (escape \\x0b): dropped",
        hint,
        "content/2019/x.md:4:13: warning: 'tags' has control character U+000C (escape \\f): dropped",
        hint,
        "content/2019/x.md:5:14: warning: 'blurb' has control character U+0001: dropped",
        hint,
        "content/2019/x.md:7:10: warning: control character U+000C: dropped",
        hint,
        ("content/2019/x.md:7:20: warning: character reference &#1; (to control character U+0001): "
        "dropped"),
        hint,
    ]
    page = (root / "public/2019/treaty-notes/index.html").read_text(encoding="utf-8")
    assert "Page one. Page two  ends." in page  # a form feed separates words: it becomes a space
    again = build_site(root)  # the warnings come from the cache too, on every build
    assert again.err == run.err


def test_a_file_full_of_them_gets_ten_warnings_and_a_count(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        "---\ntitle: T\ndate: 2019-07-07\n---\n" + "page\x0c" * 25 + "\n")})
    run = build_site(root)
    warnings = [line for line in run.err.splitlines() if ": warning: " in line]
    assert len(warnings) == 11
    assert warnings[-1] == ("content/2019/x.md:5:55: warning: 15 more characters no page can hold, "
                            "from here on: dropped")


@pytest.mark.parametrize(("field", "value", "col"), [
    ("url", '"/a\\0b/"', 9), ("slug", '"a\\x0bb"', 9), ("aliases", '["/old/", "/o\\x01ld/"]', 23),
    ("url", "/a\x01b/", 8), ("slug", "a&#11;b", 8)])
def test_in_an_address_it_is_an_error(tmp_path: Path, field: str, value: str, col: int) -> None:
    """An address must be what the author meant: nothing is dropped from it silently."""
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        f"---\ntitle: T\ndate: 2019-07-07\n{field}: {value}\n---\nBody.\n")})
    run = build_site(root)
    assert run.code == 1
    first = run.err.splitlines()[0]
    assert re.fullmatch(rf"content/2019/x\.md:4:{col}: error: '{field}' has (control character "
                        r"U\+00(00|0B|01)|character reference &#11; \(to control character "
                        r"U\+000B\))( \(escape \\[0x][0-9a-f]*\))?, which no address can hold", first)
    assert run.err.splitlines()[1] == f"  hint: delete it from the {field}"
    assert "internal error" not in run.err
    assert not (root / "public").exists()


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "\\U00110000"])
def test_an_escape_that_names_no_character_is_a_clear_error(tmp_path: Path, escape: str) -> None:
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        f'---\ndate: 2019-07-07\ntitle: "Half {escape} a character"\n---\nBody.\n')})
    run = build_site(root)
    assert run.code == 1
    assert run.err.splitlines()[0] == (f"content/2019/x.md:3:14: error: invalid YAML front matter: "
                                       f"'{escape}' is not a character")


def test_toml_front_matter_escapes_are_found_too(tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        '+++\ntitle = "Bell\\u0007 rings"\ndate = 2019-07-07\n+++\nBody.\n')})
    run = build_site(root)
    assert run.code == 0
    assert run.err.splitlines()[0] == ("content/2019/x.md:2:14: warning: 'title' has control "
                                       "character U+0007 (escape \\u0007): dropped")
    feed = feedparser.parse((root / "public/feed.xml").read_bytes())
    assert not feed.bozo and feed.entries[0].title == "Bell rings"


def test_config_text_is_cleaned_on_the_way_out(tmp_path: Path) -> None:
    """config.yaml is trusted, but a pasted control character there must not break the feeds."""
    config = ('site:\n  title: "Test\\x0barchive"\n  description: "A\\x01 test site."\n'
              "  base_url: https://example.org/\n  language: en\n  author: \"Ed\\x02itors\"\n"
              "permalinks:\n  default: /:section/:slug/\n")
    root = write_site(tmp_path / "site", {"config.yaml": config, "content/2019/x.md": (
        "---\ntitle: T\ndate: 2019-07-07\n---\nBody.\n")})
    assert build_site(root).code == 0
    for name in ("feed.xml", "index.xml", "sitemap.xml", "tags/feed.xml"):
        path = root / "public" / name
        if path.exists():
            etree.fromstring(path.read_bytes())
            assert not feedparser.parse(path.read_bytes()).bozo or name == "sitemap.xml"
    assert feedparser.parse((root / "public/feed.xml").read_bytes()).feed.title == "Test archive"


def test_a_language_must_be_a_language_tag(tmp_path: Path) -> None:
    """`lang` becomes an HTML lang attribute: 'e n' there is invalid HTML."""
    root = write_site(tmp_path / "site", {"content/2019/x.md": (
        '---\ntitle: T\ndate: 2019-07-07\nlang: "e\\x0bn"\n---\nBody.\n')})
    run = build_site(root)
    assert run.code == 1
    assert "content/2019/x.md:4:1: error: lang is not a language tag: 'e n'" in run.err.splitlines()


def test_strip_unsafe_keeps_every_other_character() -> None:
    kept = "\t\n\r plain é 日本 \u2028 \ufffd \U0001f600 \ufdcf \ufdf0 \U0001fffd"
    assert strip_unsafe(kept) == kept
    assert strip_unsafe("a\x0bb\x0cc\x01d\ud800e\U0010ffff") == "a b cde"


def _unsafe_by_definition(code: int) -> bool:
    """XML 1.0's and HTML's exclusions, as the module docstring lists them."""
    return (code < 0x20 and code not in (0x09, 0x0A, 0x0D)) or 0x7F <= code <= 0x9F \
        or 0xD800 <= code <= 0xDFFF or 0xFDD0 <= code <= 0xFDEF or code & 0xFFFE == 0xFFFE


def test_the_unsafe_set_is_exactly_its_definition_over_every_code_point() -> None:
    """UNSAFE is written as "anything but the safe ranges" (ten times faster to search
    than the list of unsafe ones): not one code point may move between the two sets."""
    differ = [code for code in range(0x110000)
              if (UNSAFE.fullmatch(chr(code)) is not None) != _unsafe_by_definition(code)]
    assert differ == []
