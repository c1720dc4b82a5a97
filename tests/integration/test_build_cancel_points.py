"""A build serve started stops soon after a newer edit asks it to, and writes nothing.

serve cancels the build that follows a previewed edit when another edit arrives
(sitegen/cancelling.py). Checking only between stages made that edit wait for the stage
in hand (planning 4,000 articles takes over a second). The event below is asked
whether it is set at each cancel point; it answers yes from its `after`-th question on,
so the tests see where the build looks, and that it stops at the first look after.
"""

from __future__ import annotations

import sys
import threading
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

import pytest

from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.cancelling import cancellable, with_cancel_points
from sitegen.config.settings import load_config
from sitegen.errors import BuildCancelled
from tests.support.sites import read_tree, write_site

ARTICLES = 60


class CountingEvent(threading.Event):
    """Set from the `after`-th time it is asked on; counts the questions."""

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after, self.asked = after, 0
        self.where: Counter[str] = Counter()

    def is_set(self) -> bool:
        self.asked += 1
        caller = _looker(sys._getframe(2))
        self.where[f"{caller.parent.name}/{caller.name}"] += 1
        return self.asked >= self.after


def _looker(frame: FrameType | None) -> Path:
    """The module whose code called cancel_point, directly or through with_cancel_points."""
    while frame is not None and Path(frame.f_code.co_filename).name == "cancelling.py":
        frame = frame.f_back
    assert frame is not None
    return Path(frame.f_code.co_filename)


def _site(tmp_path: Path) -> Path:
    files: dict[str, str | bytes] = {"config.yaml": "site:\n  title: T\nsearch:\n  enabled: false\n"}
    for n in range(ARTICLES):
        files[f"content/2020/a{n:02d}.md"] = (f"---\ntitle: Article {n}\ndate: 2020-01-{n % 28 + 1:02d}\n"
                                              f"tags: [t{n % 5}]\n---\n\nText of article {n}.\n")
    return write_site(tmp_path / "site", files)


def _build(root: Path, session: BuildSession, cancel: threading.Event | None = None) -> None:
    build(load_config(root), now=datetime.now(UTC), defer_search=True, session=session, cancel=cancel)


def test_a_build_looks_for_cancellation_within_its_stages(tmp_path: Path) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _build(root, session)
    (root / "content/2020/a07.md").write_text("---\ntitle: Article 7\ndate: 2020-01-08\n---\n\nEdited.\n")
    never = CountingEvent(after=10**9)
    _build(root, session, never)
    # a look per article while assembling the site, per output while fingerprinting them,
    # per line of the URL history while reading it: none of these waits for its stage's end
    assert never.where["site/assemble.py"] >= ARTICLES
    assert never.where["build/render_pool.py"] >= ARTICLES
    assert never.where["build/url_history.py"] >= ARTICLES
    # per EVERY (64) source files stamped (a look per file was a tenth of their cost), and per
    # content folder walked: 1.4 s at 40,000
    assert never.where["content/sources.py"] >= 1
    assert never.where["content/walk.py"] >= 2
    # and in planning: each output planned, each article's citations and related articles
    for module in ("render/routes.py", "render/cite_downloads.py", "site/relations.py"):
        assert never.where[module] >= ARTICLES, module
    # and in the comprehensions over every article that ran without one (with_cancel_points:
    # a look per EVERY articles), which kept a new edit waiting 1.5 s at 40,000
    # (the ref index's table of names had one too; it is now made only when a ref needs it)
    for module in ("build/loading.py", "content/build_options.py", "render/translations.py"):
        assert never.where[module] >= 1, module
    assert never.where["render/cite_downloads.py"] >= ARTICLES + 2, "the records and their JSON"


@pytest.mark.parametrize("after", [1, 5, ARTICLES, 2 * ARTICLES])
def test_a_cancelled_build_stops_at_the_next_look_and_writes_nothing(tmp_path: Path, after: int) -> None:
    root = _site(tmp_path)
    session = BuildSession()
    _build(root, session)
    before = read_tree(root / "public")
    (root / "content/2020/a07.md").write_text("---\ntitle: Article 7\ndate: 2020-01-08\n---\n\nEdited.\n")
    cancel = CountingEvent(after=after)
    with pytest.raises(BuildCancelled):
        _build(root, session, cancel)
    assert cancel.asked == after  # stopped at the first look that saw it set
    assert read_tree(root / "public") == before
    _build(root, session)  # the next build does the rest
    assert "Edited." in (root / "public/2020/a07/index.html").read_text(encoding="utf-8")


def test_with_cancel_points_looks_before_every_everyth_item_and_stops_there() -> None:
    cancel = CountingEvent(after=3)
    seen: list[int] = []
    with cancellable(cancel), pytest.raises(BuildCancelled):
        for item in with_cancel_points(range(1000), every=10):
            seen.append(item)
    assert seen == list(range(20))  # looked at items 0, 10 and 20: stopped before the 21st
    assert cancel.asked == 3
    assert list(with_cancel_points(range(5), every=2)) == [0, 1, 2, 3, 4]  # no build to cancel: all
