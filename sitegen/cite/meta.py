"""The citation tags of an article's head: Highwire (`citation_*`), Dublin Core, PRISM and
Zotero's item type, from the CSL record, in an order that makes reference managers agree.

How Zotero reads them (translators "Embedded Metadata", lastUpdated 2024-06-13, and "RDF",
2019-09-08, in the zotero/translators repository; tests/support/zotero_rules.py restates
the rules and tests/integration/test_citations.py applies them to a built page):

- item type: a `citation_journal_title` would force "journal article", so it is never
  written; `citation_title` alone only *guesses* one, and `z.itemType` (Zotero's own
  namespace) outranks every guess, so the page says newspaperArticle or blogPost itself;
- creators: `citation_author` (people only: a group byline such as the site's editors
  would be split into a first and last name) outranks every other tag, and then Zotero
  drops the other roles; without it, `DC.creator` gives the authors and `z.translators`
  the translator. `DC.contributor` (the translator) is read as an *author* when no
  `DC.creator` is given, so it is written only beside one;
- publication: `prism.publicationName` comes before `DC.source` (the original) and
  `og:site_name`, so the archive is the publication and the original stays the source;
- the COinS span (priority 300) outranks Embedded Metadata (320) in Zotero, and carries
  the same type, creators (the translator as contributor), publication, date and language.
"""

from __future__ import annotations

from typing import Any

from sitegen.cite.exports import ZOTERO_TYPES, people


def citation_tags(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, content) of each `<meta name=… content=…>`, in the order written."""
    authors = people(record, "author")
    persons = [n for n, raw in zip(people(record, "author"), record.get("author", []), strict=True)
               if "literal" not in raw]
    translators = people(record, "translator")
    date = _date(record.get("issued"))
    tags = [("z.itemType", ZOTERO_TYPES.get(record["type"], "webpage")),
            ("citation_title", record["title"]),
            *(("citation_author", name) for name in persons),
            ("citation_publication_date", date.replace("-", "/")),
            ("citation_date", date.replace("-", "/")),
            ("citation_publisher", record["container-title"]),
            ("citation_language", record.get("language", "")),
            ("citation_public_url", record["URL"]),
            ("citation_abstract_html_url", record["URL"]),
            ("citation_fulltext_html_url", record["URL"]),
            ("citation_abstract", record.get("abstract", "")),
            ("citation_keywords", "; ".join(k.strip() for k in record.get("keyword", "").split(","))),
            ("prism.publicationName", record["container-title"]),
            ("DC.title", record["title"]),
            *(("DC.creator", name) for name in authors),
            *(("DC.contributor", name) for name in (translators if authors else [])),
            *(("z.translators", name) for name in translators),
            ("DC.date", date), ("DC.language", record.get("language", "")),
            ("DC.publisher", record.get("publisher", "")),
            ("DC.description", record.get("abstract", "")),
            ("DC.source", record.get("original-publisher", "")),
            ("DC.relation", record.get("note", "").removeprefix("Original: ")),
            ("DC.identifier", record["URL"])]
    return [(name, " ".join(str(content).split())) for name, content in tags if str(content).strip()]


def _date(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    year, month, day = value["date-parts"][0]
    return f"{year:04d}-{month:02d}-{day:02d}"
