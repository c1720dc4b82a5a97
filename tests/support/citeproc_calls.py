"""Count citeproc's runs by record title, around the real formatting functions."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from sitegen.cite import styles


def count_citeproc_runs(monkeypatch: pytest.MonkeyPatch, notes_apart: bool = False) -> Counter[str]:
    """A counter that each bibliography entry and note formatted from now on adds one to,
    under its record's title (notes under "note: TITLE" when `notes_apart`)."""
    calls: Counter[str] = Counter()
    entry, note = styles.bibliography_entry, styles.note

    def counted_entry(record: dict[str, Any], csl: str) -> str:
        calls[str(record.get("title"))] += 1
        return entry(record, csl)

    def counted_note(record: dict[str, Any], csl: str) -> str:
        calls[f"note: {record.get('title')}" if notes_apart else str(record.get("title"))] += 1
        return note(record, csl)

    monkeypatch.setattr(styles, "bibliography_entry", counted_entry)
    monkeypatch.setattr(styles, "note", counted_note)
    return calls
