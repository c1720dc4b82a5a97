"""Front matter written for Hugo: every form the parity corpus uses parses as Hugo reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sitegen.content.frontmatter import FrontMatter, ParseResult, parse_source
from sitegen.content.sources import Source


def parse(text: str, name: str = "posts/x.md") -> ParseResult:
    return parse_source(Source(f"content/{name}", name, text, "0"))


def meta(text: str, name: str = "posts/x.md") -> FrontMatter:
    result = parse(text, name)
    assert result.document is not None, [d.format() for d in result.diagnostics]
    return result.document.meta


@pytest.mark.parametrize("text", [
    "---\ntitle: T\ntags: [a]\n---\nBody\n",
    "---\ntitle: T\ntags: [a]\n\n---\nBody\n",  # a blank line before the closing fence
    "+++\ntitle = \"T\"\ntags = [\"a\"]\n+++\nBody\n",
    "+++\ntitle = \"T\"\ntags = [\"a\"]\n\n+++\nBody\n",
])
@pytest.mark.parametrize("name", ["posts/x.md", "posts/x.markdown"])
def test_yaml_and_toml_blocks(text: str, name: str) -> None:
    result = parse(text, name)
    assert result.document is not None
    assert (result.document.meta.title, result.document.meta.taxonomies["tags"]) == ("T", ("a",))
    assert result.document.body == "Body\n"


def test_keys_in_any_case() -> None:
    found = meta("---\nTITLE: T\nDATE: 2018-03-02T08:00:00Z\nLastMod: 2018-03-05\n"
                 "SLUG: Shout\nTags: [A]\n---\n")
    assert (found.title, found.slug, found.taxonomies["tags"]) == ("T", "Shout", ("A",))
    assert found.lastmod == datetime(2018, 3, 5, tzinfo=UTC)


def test_a_missing_title_is_a_warning_as_hugo_builds_the_page() -> None:
    result = parse("---\ndate: 2019-07-13\n---\nBody\n")
    assert result.document is not None and result.document.meta.title == ""
    assert [(d.severity, d.message) for d in result.diagnostics] == [("warning", "missing title")]


def test_a_number_as_title_is_its_digits() -> None:
    assert meta("---\ntitle: 2019\n---\n").title == "2019"


@pytest.mark.parametrize(("value", "terms"), [
    ("[1960, 2015]", ("1960", "2015")),  # YAML integers: names as written (Hugo)
    ("1960", ("1960",)),  # a bare number is one name, like a bare string
    ("Deterrence", ("Deterrence",)),
    ("\"Okinawa, Futenma\"", ("Okinawa, Futenma",)),  # a comma does not split a scalar
    ("[]", ()),
    ("~", ()),
    ("null", ()),
    ("[HPC, parallel, hpc]", ("parallel", "hpc")),  # one term, where last written (Hugo 0.168)
    ("[doFuture, '%dofuture%']", ("doFuture", "%dofuture%")),  # one URL, two names: two, as Hugo
])
def test_taxonomy_values(value: str, terms: tuple[str, ...]) -> None:
    assert meta(f"---\ntitle: T\ntags: {value}\n---\n").taxonomies["tags"] == terms


def test_missing_taxonomy_is_no_terms() -> None:
    assert meta("---\ntitle: T\n---\n").taxonomies == {"categories": (), "tags": ()}


@pytest.mark.parametrize(("value", "message"), [
    ("[1.10]", "tags must be a list of names, got the number 1.1"),
    ("[true]", "tags must be a list of names, got a list"),
    ("{a: b}", "tags must be a list of names, got a mapping"),
])
def test_taxonomy_values_refused(value: str, message: str) -> None:
    result = parse(f"---\ntitle: T\ntags: {value}\n---\n")
    assert result.document is None
    assert [d.message for d in result.diagnostics] == [message]


@pytest.mark.parametrize(("keys", "date", "lastmod", "publish"), [
    ("date: 2019-05-01", "2019-05-01", "2019-05-01", "2019-05-01"),  # lastmod defaults to date
    ("lastmod: 2019-05-05", "2019-05-05", "2019-05-05", None),  # only lastmod: date = lastmod
    ("publishDate: 2019-05-06", "2019-05-06", "2019-05-06", "2019-05-06"),
    ("date: 2019-05-02\npublishDate: 2019-05-03", "2019-05-02", "2019-05-02", "2019-05-03"),
    ("pubdate: 2019-01-02\nmodified: 2019-02-03", "2019-01-02", "2019-02-03", "2019-01-02"),
    ("title2: x", None, None, None),
])
def test_date_fallbacks_as_hugo(keys: str, date: str | None, lastmod: str | None,
                                publish: str | None) -> None:
    found = meta(f"---\ntitle: T\n{keys}\n---\n")

    def day(value: str | None) -> datetime | None:
        return datetime.fromisoformat(value).replace(tzinfo=UTC) if value else None

    assert (found.date, found.lastmod, found.publish_date) == (day(date), day(lastmod), day(publish))


def test_expiry_date_and_its_other_name() -> None:
    assert meta("---\ntitle: T\nexpiryDate: 2020-01-01\n---\n").expiry_date == datetime(2020, 1, 1, tzinfo=UTC)
    assert meta("---\ntitle: T\nunpublishdate: 2020-01-01\n---\n").expiry_date == datetime(2020, 1, 1, tzinfo=UTC)


def test_is_cjk_language_per_page() -> None:
    assert meta("---\ntitle: T\nisCJKLanguage: true\n---\n").is_cjk_language is True
    assert meta("---\ntitle: T\n---\n").is_cjk_language is None


def test_hugo_keys_are_not_taken_for_typos() -> None:
    result = parse("---\ntitle: T\nlinkTitle: Short\nisCJKLanguage: false\n---\n")
    assert result.diagnostics == ()
    assert result.document is not None and result.document.meta.params["linktitle"] == "Short"


def test_param_finds_any_key_as_hugo_page_param() -> None:
    found = meta("---\ntitle: T\ndescription: D\nAlliance: US-Japan\ntags: [a]\n---\n")
    assert (found.param("description"), found.param("ALLIANCE"), found.param("tags")) == (
        "D", "US-Japan", ["a"])
    assert found.param("slug") is None and found.param("nothing") is None


def test_draft_and_aliases() -> None:
    found = meta("---\ntitle: T\ndraft: false\naliases: [/old/, renamed]\n---\n")
    assert (found.draft, found.aliases) == (False, ("/old/", "renamed"))
