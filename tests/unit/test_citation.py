"""The CSL record and what is made from it: APA text, BibTeX, names, keys, title quotes."""

from __future__ import annotations

import dataclasses
import re

import pytest

from sitegen.cite import styles
from sitegen.cite.exports import bibtex_escape
from sitegen.cite.names import csl_name, split_name
from sitegen.cite.record import citation_key, csl_record
from sitegen.content.frontmatter import Provenance
from sitegen.render.citation import apa_citation, bibtex, citation, quote_title
from sitegen.site.model import Article
from tests.support.articles import ASAHI, make_article, make_site_view, when

SITE = make_site_view()
SEED_TITLE = "‘The security treaty between the United States and Japan is unfair’ is an old argument"


def seed(**fields: object) -> Article:
    return make_article(SEED_TITLE, date="2019-07-13", provenance=ASAHI,
                        url="/2019/us-japan-security-treaty-an-old-argument/", **fields)


def test_apa_for_a_translation_never_makes_the_translator_the_author() -> None:
    assert apa_citation(seed(), SITE) == (
        SEED_TITLE + " (C. Bell, Trans.). (2019, July 13). Treaty Commentary Archive. "
        "https://example.org/2019/us-japan-security-treaty-an-old-argument/ "
        "(Original work published as 「日米安保は不公平」は、今に始まった議論ではない, 2019, Asahi Shimbun GLOBE)")


def test_a_citation_reads_as_its_three_styles_in_order_whichever_is_asked_first() -> None:
    cite = citation(seed(), SITE)
    mla = cite.styles[-1]  # formatted alone, before the others
    assert [s.key for s in cite.styles] == ["apa", "chicago", "mla"] and len(cite.styles) == 3
    assert cite.styles[2] is mla and cite.styles[:1] == (cite.styles[0],)
    record = csl_record(seed(), SITE)
    assert [s.text for s in cite.styles] == [styles.bibliography_entry(record, s.csl) for s in styles.STYLES]
    assert cite.styles[0].text == apa_citation(seed(), SITE)
    with pytest.raises(IndexError):
        cite.styles[3]


def test_apa_names_the_original_author() -> None:
    source = dataclasses.replace(ASAHI, original_author=("Taro Yamada",))
    article = make_article(SEED_TITLE, date="2019-07-13", provenance=source)
    assert apa_citation(article, SITE).startswith("Yamada, T. (2019, July 13). " + SEED_TITLE + " (C. Bell, Trans.).")


def test_apa_for_an_original_article_has_no_translation_notes() -> None:
    text = apa_citation(make_article("Bases and budgets", date="2010-02-15", authors=("Ren Yi Hooi",)), SITE)
    assert text == ("Hooi, R. Y. (2010, February 15). Bases and budgets. Treaty Commentary Archive. "
                    "https://example.org/2019/an-article/")


def test_apa_treats_the_sites_own_author_as_a_group_not_a_person() -> None:
    text = apa_citation(make_article("Unsigned", authors=("Archive editors",)), SITE)
    assert text.startswith("Archive editors. (2019, July 7). Unsigned.")
    assert csl_record(make_article("Unsigned", authors=()), SITE)["author"] == [{"literal": "Archive editors"}]


def test_apa_does_not_double_the_full_stop_after_a_title_that_ends_a_sentence() -> None:
    text = apa_citation(make_article("Trump calls the agreement ‘unfair.’"), SITE)
    assert "‘unfair.’ Treaty Commentary Archive." in text
    assert ".’." not in text


def test_apa_with_only_an_original_date() -> None:
    source = Provenance(translator="Jane Smith", original_date=when("2001-01-02"))
    text = apa_citation(make_article("A piece", authors=("Jane Smith",), provenance=source), SITE)
    assert text.startswith("A piece (J. Smith, Trans.). (2019, July 7).")
    assert text.endswith("(Original work published 2001)")


@pytest.mark.parametrize(("name", "csl"), [
    ("Corey Bell", {"family": "Bell", "given": "Corey"}),
    ("Jan van Dijk", {"family": "van Dijk", "given": "Jan"}),
    ("Bell, Corey", {"family": "Bell", "given": "Corey"}),
    ("石破茂", {"literal": "石破茂"}),
    ("Jones and Partners", {"literal": "Jones and Partners"}),
])
def test_csl_names(name: str, csl: dict) -> None:
    assert csl_name(name) == csl


def test_split_name_keeps_particles_with_the_family_name() -> None:
    assert split_name("Ludwig van der Berg") == ("van der Berg", ("Ludwig",))
    assert split_name("  Corey   Bell ") == ("Bell", ("Corey",))


def test_record_of_the_seed_translation() -> None:
    record = csl_record(seed(), SITE)
    assert record["type"] == "article-newspaper"
    assert "author" not in record and record["translator"] == [{"family": "Bell", "given": "Corey"}]
    assert record["original-title"] == "「日米安保は不公平」は、今に始まった議論ではない"
    assert record["original-language"] == "ja"
    assert record["original-date"] == {"date-parts": [[2019, 7, 7]]}
    assert record["original-publisher"] == "Asahi Shimbun GLOBE"
    assert record["container-title"] == "Treaty Commentary Archive"
    assert record["issued"] == {"date-parts": [[2019, 7, 13]]}
    assert "accessed" not in record


@pytest.mark.parametrize(("source_type", "csl_type"), [
    ("blog", "post-weblog"), ("Newspaper", "article-newspaper"), ("website", "webpage"),
    ("nonsense", "article-newspaper")])
def test_item_type_follows_the_source(source_type: str, csl_type: str) -> None:
    assert csl_record(seed(params={"source_type": source_type}), SITE)["type"] == csl_type
    assert csl_record(make_article("Own post"), SITE)["type"] == "post-weblog"


def test_bibtex_for_the_seed_translation() -> None:
    entry = bibtex(seed(), SITE)
    assert entry.startswith("@article{security2019treaty,\n")
    assert entry.endswith("\n}\n")
    fields = dict(re.findall(r"^  (\w+)\s+= (.*?),?$", entry, re.MULTILINE))
    assert "author" not in fields
    assert fields["title"] == "{{" + SEED_TITLE + "}}"
    assert (fields["year"], fields["month"]) == ("{2019}", "jul")
    assert fields["journal"] == "{Treaty Commentary Archive}"
    assert fields["translator"] == "{Bell, Corey}"
    assert fields["origtitle"] == "{{「日米安保は不公平」は、今に始まった議論ではない}}"
    assert fields["origlanguage"] == "{japanese}"
    assert fields["origdate"] == "{2019-07-07}"
    assert fields["origpublisher"] == "{Asahi Shimbun GLOBE}"


def test_bibtex_braces_balance_and_special_characters_are_escaped() -> None:
    article = make_article("50% of {costs} & R_&_D #1 ~ ^ \\ $", authors=("Lee_Ann Smith", "Jones and Partners"))
    entry = bibtex(article, SITE)
    assert r"{{50\% of \{costs\} \& R\_\&\_D \#1 \textasciitilde{} \textasciicircum{} \textbackslash{} \$}}" in entry
    assert r"author        = {Smith, Lee\_Ann and {Jones and Partners}}," in entry
    depth = 0
    for char in re.sub(r"\\[{}]", "", entry):
        depth += (char == "{") - (char == "}")
        assert depth >= 0
    assert depth == 0


def test_bibtex_escape_leaves_unicode_alone() -> None:
    assert bibtex_escape("日米安保 “fair”") == "日米安保 “fair”"


def test_bibtex_for_an_unsigned_article_braces_the_group_author() -> None:
    entry = bibtex(make_article("Unsigned piece", authors=("Archive editors",)), SITE)
    assert "author        = {{Archive editors}}," in entry
    assert entry.startswith("@online{archive2019unsigned,")


@pytest.mark.parametrize(("title", "authors", "date", "key"), [
    (SEED_TITLE, ("Corey Bell",), "2019-03-29", "bell2019security"),
    ("The Alliance at Fifty", ("Ōta Masahide",), "2010-02-15", "masahide2010alliance"),
    ("The Alliance at Fifty", ("Masahide Ōta",), "2010-02-15", "ota2010alliance"),
    ("Japan-US Security Treaty", ("Archive editors",), "2025-03-07", "archive2025japan"),
    ("On bases", ("石破茂",), None, "basesnd"),
])
def test_citation_keys_are_deterministic(title: str, authors: tuple[str, ...], date: str | None,
                                         key: str) -> None:
    article = make_article(title, authors=authors, date=date)
    assert citation_key(article, SITE) == key
    assert citation_key(article, SITE) == citation_key(make_article(title, authors=authors, date=date), SITE)


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
