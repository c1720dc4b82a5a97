"""APA text and BibTeX built from front matter: names, dates, translations, escaping, keys."""

from __future__ import annotations

import re

import pytest

from sitegen.render.citation import (
    apa_citation,
    apa_names,
    bibtex,
    bibtex_escape,
    citation_key,
    quote_title,
    split_name,
)
from sitegen.content.frontmatter import Provenance
from sitegen.site.model import Article
from tests.support.articles import ASAHI, make_article, make_site_view, when

SITE = make_site_view()
SEED_TITLE = "‘The security treaty between the United States and Japan is unfair’ is an old argument"


def seed() -> Article:
    return make_article(SEED_TITLE, date="2019-03-29", provenance=ASAHI,
                        url="/2019/us-japan-security-treaty-an-old-argument/")


def test_apa_for_a_translation_names_translator_original_title_and_source() -> None:
    assert apa_citation(seed(), SITE) == (
        "Bell, C. (2019, March 29). " + SEED_TITLE + " (C. Bell, Trans.). Treaty Commentary Archive. "
        "https://example.org/2019/us-japan-security-treaty-an-old-argument/ "
        "(Original work published 2019 in Asahi Shimbun GLOBE as 『「日米安保は不公平」は、今に始まった議論ではない』)")


def test_apa_for_an_original_article_has_no_translation_notes() -> None:
    text = apa_citation(make_article("Bases and budgets", date="2010-02-15", authors=("Ren Yi Hooi",)), SITE)
    assert text == ("Hooi, R. Y. (2010, February 15). Bases and budgets. Treaty Commentary Archive. "
                    "https://example.org/2019/an-article/")


def test_apa_without_author_puts_the_title_first_and_without_date_says_nd() -> None:
    text = apa_citation(make_article("Who pays?", date=None, authors=()), SITE)
    assert text.startswith("Who pays? (n.d.). Treaty Commentary Archive. https://")


def test_apa_treats_the_sites_own_author_as_a_group_not_a_person() -> None:
    text = apa_citation(make_article("Unsigned", authors=("Archive editors",)), SITE)
    assert text.startswith("Archive editors. (2019, July 7). Unsigned.")


def test_apa_does_not_double_the_full_stop_after_a_title_that_ends_a_sentence() -> None:
    text = apa_citation(make_article("Trump calls the agreement ‘unfair.’"), SITE)
    assert "‘unfair.’ Treaty Commentary Archive." in text
    assert ".’." not in text


@pytest.mark.parametrize(("names", "expected"), [
    (("Corey Bell",), "Bell, C."),
    (("Corey Bell", "Jane Smith"), "Bell, C., & Smith, J."),
    (("A B", "C D", "E F"), "B, A., D, C., & F, E."),
    (("Jean-Paul Sartre",), "Sartre, J.-P."),
    (("Jan van Dijk",), "van Dijk, J."),
    (("Bell, Corey",), "Bell, C."),
    (("石破茂",), "石破茂"),
])
def test_apa_author_lists(names: tuple[str, ...], expected: str) -> None:
    assert apa_names(names) == expected


def test_split_name_keeps_particles_with_the_family_name() -> None:
    assert split_name("Ludwig van der Berg") == ("van der Berg", ("Ludwig",))
    assert split_name("  Corey   Bell ") == ("Bell", ("Corey",))


def test_bibtex_for_the_seed_translation() -> None:
    entry = bibtex(seed(), SITE)
    assert entry.startswith("@misc{bell2019security,\n")
    assert entry.endswith("\n}\n")
    fields = dict(re.findall(r"^  (\w+)\s+= (.*?),?$", entry, re.MULTILINE))
    assert fields["author"] == "{Bell, Corey}"
    assert fields["title"] == "{{" + SEED_TITLE + "}}"
    assert fields["year"] == "{2019}"
    assert fields["month"] == "mar"
    assert fields["url"] == "{https://example.org/2019/us-japan-security-treaty-an-old-argument/}"
    assert fields["translator"] == "{Bell, Corey}"
    assert fields["origtitle"] == "{{「日米安保は不公平」は、今に始まった議論ではない}}"
    assert fields["origlanguage"] == "{japanese}"
    assert fields["origdate"] == "{2019-07-07}"
    assert "Translated by Corey Bell from the Japanese" in fields["note"]
    assert "Asahi Shimbun GLOBE, 7 July 2019" in fields["note"]


def test_bibtex_braces_balance_and_special_characters_are_escaped() -> None:
    article = make_article("50% of {costs} & R_&_D #1 ~ ^ \\ $", authors=("Lee_Ann Smith", "Jones and Partners"))
    entry = bibtex(article, SITE)
    assert r"{{50\% of \{costs\} \& R\_\&\_D \#1 \textasciitilde{} \textasciicircum{} \textbackslash{} \$}}" in entry
    assert r"author       = {Smith, Lee\_Ann and {Jones and Partners}}," in entry
    depth = 0
    for char in re.sub(r"\\[{}]", "", entry):
        depth += (char == "{") - (char == "}")
        assert depth >= 0
    assert depth == 0


def test_bibtex_escape_leaves_unicode_alone() -> None:
    assert bibtex_escape("日米安保 “fair”") == "日米安保 “fair”"


def test_bibtex_for_an_unsigned_article_braces_the_group_author() -> None:
    entry = bibtex(make_article("Unsigned piece", authors=("Archive editors",)), SITE)
    assert "author       = {{Archive editors}}," in entry
    assert entry.startswith("@misc{archive2019unsigned,")


def test_bibtex_for_a_reprint_notes_the_first_publication() -> None:
    source = Provenance(source_name="BASC (Berkeley APEC Study Center)", original_language="en")
    entry = bibtex(make_article("Fifty years on", provenance=source), SITE)
    assert "note         = {First published in BASC (Berkeley APEC Study Center)}" in entry
    assert "translator" not in entry and "origlanguage" not in entry


@pytest.mark.parametrize(("title", "authors", "date", "key"), [
    (SEED_TITLE, ("Corey Bell",), "2019-03-29", "bell2019security"),
    ("The Alliance at Fifty", ("Ōta Masahide",), "2010-02-15", "masahide2010alliance"),
    ("The Alliance at Fifty", ("Masahide Ōta",), "2010-02-15", "ota2010alliance"),
    ("Japan-US Security Treaty", (), "2025-03-07", "japan2025us"),
    ("On bases", ("石破茂",), None, "basesnd"),
])
def test_citation_keys_are_deterministic(title: str, authors: tuple[str, ...], date: str | None,
                                         key: str) -> None:
    article = make_article(title, authors=authors, date=date)
    assert citation_key(article) == key
    assert citation_key(article) == citation_key(make_article(title, authors=authors, date=date))


@pytest.mark.parametrize(("title", "language", "quoted"), [
    ("日米安保は不公平", "ja", "「日米安保は不公平」"),
    ("「日米安保は不公平」", "ja", "「日米安保は不公平」"),
    ("「日米安保は不公平」は、今に始まった議論ではない", "ja", "『「日米安保は不公平」は、今に始まった議論ではない』"),
    ("「a」と「b」", "ja", "『「a」と「b」』"),
    ("美日同盟", "zh-Hans", "「美日同盟」"),
    ("Le traité", "fr", "“Le traité”"),
    ("No language", "", "“No language”"),
])
def test_quote_title_never_doubles_brackets(title: str, language: str, quoted: str) -> None:
    assert quote_title(title, language) == quoted
    assert "「「" not in quoted and "」」" not in quoted


def test_original_date_only_translation() -> None:
    source = Provenance(translator="Jane Smith", original_date=when("2001-01-02"))
    text = apa_citation(make_article("A piece", provenance=source), SITE)
    assert "A piece (J. Smith, Trans.)." in text
    assert text.endswith("(Original work published 2001)")
