"""A rebuild with nothing changed stops after hashing the sources, and only then; and a
source is hashed again whenever it may have changed.

It must still say what the last build said (its warnings, and fail with --strict), and
it must not stand when time alone changes the site: a future-dated article comes due,
or an expiry date passes.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sitegen.build.pipeline import build
from sitegen.config.settings import load_config
from tests.support.sites import build_site

NOW = datetime(2026, 1, 1, 12, tzinfo=UTC)


def article(title: str, date: str, extra: str = "") -> str:
    return f"---\ntitle: {title}\ndate: {date}\n{extra}---\nText of {title}.\n"


def test_a_no_change_rebuild_loads_no_source(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "2019-07-07")})
    assert build_site(root).code == 0
    again = build_site(root, "-v")
    assert again.code == 0, again.err
    timings = next(line for line in again.out.splitlines() if line.startswith("timings:"))
    assert timings.startswith("timings: read ") and "convert" not in timings and "render" not in timings
    assert "0 written" in again.out


def test_a_no_change_rebuild_repeats_the_warnings_and_fails_with_strict(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "2019-07-07", "tgas: [x]\n")})
    first = build_site(root)
    assert first.code == 0
    warning = "content/2019/one.md:4:1: warning: unknown front matter key 'tgas'"
    assert warning in first.err
    again = build_site(root)
    assert again.code == 0 and warning in again.err
    strict = build_site(root, "--strict")
    assert strict.code == 1
    assert warning in strict.err and "1 warning(s) with --strict; nothing was written" in strict.err


def test_a_future_article_is_published_when_its_date_comes_without_any_file_changing(
        make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/now.md": article("Now", "2025-12-31"),
                      "content/2026/later.md": article("Later", "2026-01-02")})
    config = load_config(root)
    build(config, now=NOW)
    assert not (root / "public" / "2026" / "later").exists()
    report = build(config, now=NOW + timedelta(hours=1))  # nothing due yet: the site stands
    assert report.rendered == 0 and "convert" not in report.timings
    report = build(config, now=NOW + timedelta(days=2))
    assert report.rendered > 0
    assert (root / "public" / "2026" / "later" / "index.html").is_file()


def test_an_expired_article_leaves_when_its_expiry_passes(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/brief.md": article("Brief", "2025-12-01", "expiryDate: 2026-01-05\n"),
                      "content/2019/stays.md": article("Stays", "2025-12-02")})
    config = load_config(root)
    build(config, now=NOW)
    assert (root / "public" / "2019" / "brief" / "index.html").is_file()
    build(config, now=NOW + timedelta(days=10))
    assert not (root / "public" / "2019" / "brief").exists()
    assert (root / "public" / "2019" / "stays" / "index.html").is_file()


def test_a_file_deleted_from_the_output_is_made_again(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/one.md": article("One", "2019-07-07")})
    assert build_site(root).code == 0
    page = root / "public" / "2019" / "one" / "index.html"
    expected = page.read_bytes()
    page.unlink()
    assert build_site(root).code == 0
    assert page.read_bytes() == expected


def _stamped(root: Path) -> dict[str, str]:
    db = sqlite3.connect(root / ".cache" / "build.sqlite3")
    return dict(db.execute("SELECT path, digest FROM stamps"))


def test_an_edit_that_keeps_the_size_and_modification_time_is_still_seen(
        make_site: Callable[..., Path]) -> None:
    """The digest of an unchanged file is taken from the last build's stamp of its size,
    times and inode; the change time cannot be set back, so a sneaky edit is still seen."""
    root = make_site({"content/2019/one.md": article("One", "2019-07-07")})
    path = root / "content" / "2019" / "one.md"
    old = path.stat().st_mtime_ns - 10_000_000_000
    os.utime(path, ns=(old, old))  # old enough to be trusted next time
    assert build_site(root).code == 0
    assert "content/2019/one.md" in _stamped(root)
    path.write_text(path.read_text(encoding="utf-8").replace("Text of", "Text on"), encoding="utf-8")
    os.utime(path, ns=(old, old))  # same size, same modification time
    assert build_site(root).code == 0
    page = (root / "public" / "2019" / "one" / "index.html").read_text(encoding="utf-8")
    assert "Text on One." in page and "Text of One." not in page


def test_a_file_written_just_before_a_build_is_hashed_again_next_time(
        make_site: Callable[..., Path]) -> None:
    """Within the file system's timestamp granularity a second write can leave every time
    as it was: a file changed in the last two seconds gets no stamp."""
    root = make_site({"content/2019/old.md": article("Old", "2019-07-07"),
                      "content/2019/new.md": article("New", "2019-07-08")})
    old = root / "content" / "2019" / "old.md"
    past = old.stat().st_mtime_ns - 10_000_000_000
    os.utime(old, ns=(past, past))
    assert build_site(root).code == 0
    assert sorted(_stamped(root)) == ["content/2019/old.md"]
    old.unlink()
    assert build_site(root, "--allow-removed-urls").code == 0
    assert _stamped(root) == {}
