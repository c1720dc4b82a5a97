"""How Zotero would read a page, by the rules of its own translators, restated in Python.

Sources (zotero/translators repository, read for this restatement; not copied):
- "Embedded Metadata.js", lastUpdated 2024-06-13, commit dcd14d6f47d3f3db90943d79abdfde17240cc38c
  (priority 320): `init` (item type from citation_* and the RDF detection),
  `addHighwireMetadata` (citation_author wins; other roles only update editors),
  `addLowQualityMetadata` (meta author, description, canonical URL, html lang fallbacks);
- "RDF.js", lastUpdated 2019-09-08, commit 0dd0169088ece4129ef516f9bf21718509b6d16b:
  `detectType` (itemType = zotero || bib || prism || eprints || og || dc || so || the
  default from citation_title || the guesses) and `importItem` (creators by role,
  publicationTitle = prism:publicationName || ... || dc:source, og:site_name only for
  blogPost, webpage and newspaperArticle when nothing else gave one);
- "COinS.js" (priority 300, so it is chosen before Embedded Metadata when a page has a COinS
  span) and Zotero's `parseContextObject` (rft_val_fmt dc is a webpage unless `rft.type`
  names a Zotero item type; rft.au -> author, rft.contributor -> contributor, rft.aucorp ->
  an institution, rft.source -> publicationTitle).

Only what this archive's pages can contain is modelled: meta tags in the DC, DCTERMS, OG,
PRISM and Zotero (`z.`) namespaces, Highwire tags, and COinS spans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import html as lxml_html

PREFIXES = {"dc", "dcterms", "og", "article", "prism", "z", "bib", "bibo", "eprints", "so"}
ITEM_TYPES = {"newspaperArticle", "blogPost", "webpage", "journalArticle", "magazineArticle"}
# Creator roles RDF.js fills for each item type (Zotero's schema), author first.
CREATOR_TYPES = {"newspaperArticle": ("author", "contributor", "reviewedAuthor", "translator"),
                 "blogPost": ("author", "commenter", "contributor"),
                 "webpage": ("author", "contributor", "translator"),
                 "journalArticle": ("author", "contributor", "editor", "reviewedAuthor", "translator")}


@dataclass
class Item:
    item_type: str = ""
    title: str = ""
    creators: list[tuple[str, str]] = field(default_factory=list)  # (name, role)
    publication: str = ""
    date: str = ""
    language: str = ""
    url: str = ""
    abstract: str = ""


def embedded_metadata(page: str) -> Item:
    """The item Zotero's Embedded Metadata translator makes of the page."""
    tree = lxml_html.fromstring(page)
    meta = _meta(tree)
    rdf = {key: values for key, values in meta.items() if key.split(":")[0] in PREFIXES}
    hw_type = ""  # citation_journal_title etc. would set it; the archive writes none of them
    for name, item_type in (("citation_journal_title", "journalArticle"),
                            ("citation_book_title", "bookSection")):
        if name in meta:
            hw_type = item_type
    guess = "journalArticle" if "citation_title" in meta else ""
    og_type = {"website": "webpage", "book": "book"}.get(_one(rdf, "og:type"), "")
    dc_type = _one(rdf, "dc:type") if _one(rdf, "dc:type") in ITEM_TYPES else ""
    z_type = _one(rdf, "z:itemType") if _one(rdf, "z:itemType") in ITEM_TYPES else ""
    item = Item(hw_type or z_type or og_type or dc_type or guess or "webpage")
    item.title = _one(meta, "citation_title") or _one(rdf, "dc:title") or _one(rdf, "og:title")
    item.creators = _creators(meta, rdf, item.item_type, tree)
    item.publication = (_one(rdf, "prism:publicationName") or _one(rdf, "dc:source")
                        or _one(rdf, "dcterms:source"))
    if not item.publication and item.item_type in ("blogPost", "webpage", "newspaperArticle"):
        item.publication = _one(rdf, "og:site_name")
    item.date = (_one(meta, "citation_publication_date") or _one(meta, "citation_date")
                 or _one(rdf, "dc:date"))
    item.language = (_one(meta, "citation_language") or _one(rdf, "dc:language")
                     or tree.get("lang", ""))
    canonical = tree.xpath("//head/link[@rel='canonical']/@href")
    item.url = (_one(meta, "citation_public_url") or _one(meta, "citation_abstract_html_url")
                or (canonical[0] if canonical else ""))
    item.abstract = _one(meta, "citation_abstract") or _one(rdf, "dc:description") or _one(meta, "description")
    return item


def _creators(meta: dict[str, list[str]], rdf: dict[str, list[str]], item_type: str,
              tree: lxml_html.HtmlElement) -> list[tuple[str, str]]:
    highwire = [(name, "author") for name in meta.get("citation_author", [])]
    if highwire:
        return highwire  # RDF roles then only turn authors into editors
    creators: list[tuple[str, str]] = []
    for role in CREATOR_TYPES.get(item_type, ("author",)):
        if role == "author":
            names = next((rdf[k] for k in ("dc:creator", "dcterms:creator", "dc:contributor",
                                           "dcterms:contributor") if rdf.get(k)), [])
        elif role == "contributor":
            names = rdf.get("so:contributor", [])
        else:
            names = rdf.get(f"z:{role}s", [])
        creators += [(name, role) for name in names]
    if not creators:  # addLowQualityMetadata: <meta name="author">
        creators = [(name, "author") for name in meta.get("author", [])]
    return creators


def coins(page: str) -> list[Item]:
    """The items Zotero's COinS translator makes of the page's COinS spans."""
    tree = lxml_html.fromstring(page)
    items = []
    for span in tree.xpath("//span[contains(concat(' ', @class, ' '), ' Z3988 ')][@title]"):
        pairs = [part.split("=", 1) for part in span.get("title").split("&")]
        values = [(key, unquote(value.replace("+", " "))) for key, value in pairs]
        if ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc") not in values:
            continue
        item = Item("webpage")
        for key, value in values:
            _coins_field(item, key, value)
        items.append(item)
    return items


_COINS_CREATORS = {"rft.au": "author", "rft.creator": "author", "rft.contributor": "contributor",
                   "rft.aucorp": "institution"}
_COINS_FIELDS = {"rft.title": "title", "rft.source": "publication", "rft.date": "date",
                 "rft.language": "language", "rft.description": "abstract"}


def _coins_field(item: Item, key: str, value: str) -> None:
    """One key=value of a COinS span, as Zotero's translator reads it into the item."""
    if key == "rft.type" and value in ITEM_TYPES:
        item.item_type = value
    elif key in _COINS_CREATORS:
        item.creators.append((value, _COINS_CREATORS[key]))
    elif key in _COINS_FIELDS:
        setattr(item, _COINS_FIELDS[key], value)
    elif key == "rft.identifier" and value.startswith(("http://", "https://")):
        item.url = value


def _meta(tree: lxml_html.HtmlElement) -> dict[str, list[str]]:
    """meta name/property -> contents, DC-style "DC.x" written as "dc:x" (prefix lower-cased)."""
    found: dict[str, list[str]] = {}
    for element in tree.xpath("//meta[@content]"):
        for name in (element.get("name") or element.get("property") or "").split():
            prefix, sep, rest = name.partition(".") if "." in name.split(":")[0] else name.partition(":")
            key = f"{prefix.lower()}:{rest[:1].lower()}{rest[1:]}" if sep and prefix.lower() in PREFIXES else name
            found.setdefault(key, []).append(" ".join(element.get("content").split()))
    return found


def _one(values: dict[str, list[str]], key: str) -> str:
    return values.get(key, [""])[0]
