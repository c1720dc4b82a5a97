"""BibTeX, RIS, CSL-JSON and COinS, each written from the CSL record (record.py).

BibTeX follows biblatex's field names (`translator`, `origtitle`, `origdate`,
`origlanguage`, `origpublisher`), which BibTeX styles ignore and biber reads; RIS uses the
tags EndNote, Zotero and Mendeley read (A4 is the translator); COinS is an OpenURL
ContextObject in Dublin Core form whose `rft.type` is Zotero's item type, as Zotero's own
COinS export writes it, so Zotero reads a newspaper article back as one.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from sitegen.cite.names import display_name, inverted_name

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
LANGUAGES = {"ja": "japanese", "zh": "chinese", "ko": "korean", "en": "english", "fr": "french",
             "de": "german", "es": "spanish", "ru": "russian", "vi": "vietnamese"}
RIS_TYPES = {"article-newspaper": "NEWS", "article-magazine": "MGZN", "article-journal": "JOUR",
             "post-weblog": "BLOG", "webpage": "ELEC"}
ZOTERO_TYPES = {"article-newspaper": "newspaperArticle", "article-magazine": "magazineArticle",
                "article-journal": "journalArticle", "post-weblog": "blogPost", "webpage": "webpage"}
_BIBTEX_SPECIAL = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "#": r"\#", "$": r"\$",
                   "%": r"\%", "&": r"\&", "_": r"\_", "~": r"\textasciitilde{}",
                   "^": r"\textasciicircum{}"}
_BIBTEX_SPECIAL_RE = re.compile(r"[\\{}#$%&_~^]")


def csl_json(records: list[dict[str, Any]]) -> str:
    """A CSL-JSON file: a list of items (what Zotero, Mendeley and pandoc import)."""
    return json.dumps(records, ensure_ascii=False, indent=2) + "\n"


# -- BibTeX ------------------------------------------------------------------

def bibtex(record: dict[str, Any]) -> str:
    """One entry: @article for periodicals (the archive as journal), else @online."""
    periodical = record["type"].startswith("article-")
    fields = [*_bibtex_people(record), ("title", "{" + bibtex_escape(record["title"]) + "}")]
    fields.append(("journal" if periodical else "organization", bibtex_escape(record["container-title"])))
    fields += _bibtex_dates(record.get("issued"), "")
    fields += [("url", _bibtex_url(record["URL"])), ("language", _language(record.get("language", "")))]
    fields += [("origtitle", "{" + bibtex_escape(record.get("original-title", "")) + "}"
                if record.get("original-title") else ""),
               ("origlanguage", _language(record.get("original-language", ""))),
               ("origpublisher", bibtex_escape(record.get("original-publisher", "")))]
    fields += _bibtex_dates(record.get("original-date"), "orig")
    fields += [("note", bibtex_escape(record.get("note", ""))),
               ("abstract", bibtex_escape(record.get("abstract", ""))),
               ("keywords", bibtex_escape(record.get("keyword", "")))]
    body = ",\n".join(f"  {key:<13} = {value if key == 'month' else '{' + value + '}'}"
                      for key, value in fields if value)
    return f"@{'article' if periodical else 'online'}{{{record['id']},\n{body}\n}}\n"


def _bibtex_people(record: dict[str, Any]) -> list[tuple[str, str]]:
    return [(role, " and ".join(_bibtex_name(name) for name in record.get(role, [])))
            for role in ("author", "translator")]


def _bibtex_name(name: dict[str, Any]) -> str:
    """ "Bell, Corey"; a literal (a group, a one-word name) braced so BibTeX keeps it whole."""
    if "literal" in name:
        return "{" + bibtex_escape(name["literal"]) + "}"
    return bibtex_escape(inverted_name(name))


def _bibtex_dates(value: dict[str, Any] | None, prefix: str) -> list[tuple[str, str]]:
    if not value:
        return []
    year, month, day = value["date-parts"][0]
    fields = [(prefix + "date", f"{year:04d}-{month:02d}-{day:02d}")]
    return fields if prefix else [("year", str(year)), ("month", MONTHS[month - 1]), *fields]


def _language(code: str) -> str:
    return LANGUAGES.get(code[:2].lower(), code.lower()) if code else ""


def _bibtex_url(url: str) -> str:
    """URLs are copied verbatim by BibTeX and biblatex; only braces would unbalance the entry."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_escape(text: str) -> str:
    """Escape TeX's special characters; other Unicode is kept (biber and XeTeX read UTF-8)."""
    return _BIBTEX_SPECIAL_RE.sub(lambda match: _BIBTEX_SPECIAL[match.group(0)], " ".join(text.split()))


# -- RIS ---------------------------------------------------------------------

def ris(record: dict[str, Any]) -> str:
    """One RIS reference, CRLF line ends as the format's readers expect."""
    lines = [("TY", RIS_TYPES.get(record["type"], "ELEC"))]
    lines += [("AU", inverted_name(name)) for name in record.get("author", [])]
    lines += [("A4", inverted_name(name)) for name in record.get("translator", [])]
    lines += [("TI", record["title"]), ("T2", record["container-title"])]
    issued = record.get("issued")
    if issued:
        year, month, day = issued["date-parts"][0]
        lines += [("PY", f"{year:04d}"), ("DA", f"{year:04d}/{month:02d}/{day:02d}")]
    lines += [("UR", record["URL"]), ("LA", record.get("language", "")), ("PB", record.get("publisher", "")),
              ("OP", record.get("original-title", "")), ("AB", record.get("abstract", "")),
              ("N1", _ris_original(record))]
    lines += [("KW", keyword.strip()) for keyword in record.get("keyword", "").split(",")]
    text = "".join(f"{tag}  - {' '.join(value.split())}\r\n" for tag, value in lines if value.strip())
    return text + "ER  - \r\n"


def _ris_original(record: dict[str, Any]) -> str:
    parts = [record.get("original-publisher", ""), _iso(record.get("original-date")), record.get("note", "")]
    shown = "; ".join(p for p in parts if p)
    return f"Originally published: {shown}" if shown else ""


def _iso(value: dict[str, Any] | None) -> str:
    if not value:
        return ""
    year, month, day = value["date-parts"][0]
    return f"{year:04d}-{month:02d}-{day:02d}"


# -- COinS -------------------------------------------------------------------

def coins(record: dict[str, Any], site_host: str) -> str:
    """The `title` of a COinS span (`<span class="Z3988" title="…">`), not yet HTML-escaped."""
    pairs = [("url_ver", "Z39.88-2004"), ("ctx_ver", "Z39.88-2004"),
             ("rfr_id", f"info:sid/{site_host}" if site_host else ""),
             ("rft_val_fmt", "info:ofi/fmt:kev:mtx:dc"),
             ("rft.type", ZOTERO_TYPES.get(record["type"], "webpage")),
             ("rft.title", record["title"]), ("rft.source", record["container-title"])]
    for name in record.get("author", []):
        pairs.append(("rft.aucorp", name["literal"]) if "literal" in name and " " in name["literal"]
                     else ("rft.au", inverted_name(name)))
    pairs += [("rft.contributor", inverted_name(name)) for name in record.get("translator", [])]
    pairs += [("rft.date", _iso(record.get("issued"))), ("rft.language", record.get("language", "")),
              ("rft.identifier", record["URL"]), ("rft.description", record.get("abstract", ""))]
    pairs += [("rft.subject", k.strip()) for k in record.get("keyword", "").split(",")]
    return "&".join(f"{key}={quote(value, safe='')}" for key, value in pairs if value.strip())


def people(record: dict[str, Any], role: str) -> list[str]:
    """Display names of a role ("author", "translator"), for meta tags."""
    return [display_name(name) for name in record.get(role, [])]
