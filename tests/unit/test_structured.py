"""JSON-LD from sitegen/render/structured.py: the right schema.org fields, and no way out of <script>."""

from __future__ import annotations

import json

import jinja2
import pytest

from sitegen.content.frontmatter import Provenance
from sitegen.render.structured import (
    TEMPLATE_GLOBALS,
    article_data,
    article_json_ld,
    script_json,
    website_json_ld,
)
from tests.support.articles import ASAHI, make_article, make_site_view

SITE = make_site_view()


def test_translation_is_a_news_article_based_on_its_original() -> None:
    article = make_article("The old argument", date="2019-03-29", provenance=ASAHI, lang="en",
                           categories=("japan",), tags=("asymmetry",), keywords=("tech",))
    data = json.loads(article_json_ld(article, SITE))
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "The old argument"
    assert data["datePublished"] == "2019-03-29T00:00:00+00:00"
    assert data["dateModified"] == "2019-03-29T00:00:00+00:00"
    assert data["author"] == [{"@type": "Person", "name": "Corey Bell"}]
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == "Treaty Commentary Archive"
    assert data["inLanguage"] == "en"
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": "https://example.org/2019/an-article/"}
    assert data["translator"] == {"@type": "Person", "name": "Corey Bell"}
    assert data["isBasedOn"]["url"] == "https://globe.asahi.com/article/12508614"
    assert data["isBasedOn"]["name"] == "「日米安保は不公平」は、今に始まった議論ではない"
    assert data["isBasedOn"]["inLanguage"] == "ja"
    assert data["isBasedOn"]["datePublished"] == "2019-07-07T00:00:00+00:00"
    assert data["isBasedOn"]["publisher"] == {"@type": "Organization", "name": "Asahi Shimbun GLOBE"}
    assert data["articleSection"] == ["japan"]
    assert data["keywords"] == ["tech", "asymmetry"]


def test_original_article_is_an_article_without_translation_fields() -> None:
    data = article_data(make_article("Plain", provenance=Provenance(original_language="en")), SITE)
    assert data["@type"] == "Article"
    for key in ("isBasedOn", "translator", "articleSection", "keywords"):
        assert key not in data


def test_reprint_from_a_publication_is_a_news_article() -> None:
    data = article_data(make_article("Reprint", provenance=Provenance(source_name="BASC")), SITE)
    assert data["@type"] == "NewsArticle"
    assert data["isBasedOn"] == {"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "BASC"}}


def test_several_authors_and_the_sites_own_author_as_organization() -> None:
    people = article_data(make_article(authors=("A One", "B Two")), SITE)
    assert [a["name"] for a in people["author"]] == ["A One", "B Two"]
    assert {a["@type"] for a in people["author"]} == {"Person"}
    unsigned = article_data(make_article(authors=("Archive editors",)), SITE)
    assert unsigned["author"] == [{"@type": "Organization", "name": "Archive editors"}]


def test_undated_article_has_no_dates() -> None:
    data = article_data(make_article(date=None), SITE)
    assert "datePublished" not in data and "dateModified" not in data


@pytest.mark.parametrize("hostile", [
    "</script><script>alert(1)</script>",
    "</SCRIPT >",
    "<!-- <script>",
    "Tom & Jerry > all",
    "line\u2028separator\u2029",
])
def test_script_json_cannot_break_out_of_its_script_element(hostile: str) -> None:
    article = make_article(hostile, description=hostile, provenance=Provenance(original_title=hostile))
    text = str(article_json_ld(article, SITE))
    for char in "<>&\u2028\u2029":
        assert char not in text
    assert json.loads(text)["headline"] == hostile
    assert json.loads(text)["isBasedOn"]["name"] == hostile


def test_script_json_is_stable_and_markup() -> None:
    first = script_json({"b": 1, "a": "<"})
    assert str(first) == '{"a":"\\u003c","b":1}'
    assert first.__html__() == str(first)  # autoescape leaves it alone


def test_website_json_ld() -> None:
    data = json.loads(website_json_ld(make_site_view(base_url="https://example.org/archive/")))
    assert data["@type"] == "WebSite"
    assert data["url"] == "https://example.org/archive/"
    assert data["publisher"]["logo"]["url"] == "https://example.org/archive/favicon.svg"


def test_template_globals_take_site_from_the_context() -> None:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.globals.update(TEMPLATE_GLOBALS)
    html = env.from_string('<script type="application/ld+json">{{ article_json_ld(article) }}</script>'
                           "{{ website_json_ld() }}").render(
        site=SITE, article=make_article("A </script> title"))
    assert html.count("</script>") == 1
    payload = html[html.index(">") + 1:html.index("</script>")]
    assert json.loads(payload)["headline"] == "A </script> title"
