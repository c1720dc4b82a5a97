"""A rebuild with nothing changed stops after hashing the sources, and only then.

It must still say what the last build said (its warnings, and fail with --strict), and
it must not stand when time alone changes the site: a future-dated article comes due,
or an expiry date passes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable

from sitegen.config import load_config
from sitegen.pipeline import build
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
