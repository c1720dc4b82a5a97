"""`serve` lets go of each past build's site as soon as the next build replaces it.

A Jinja environment is a reference cycle; when it held the site (through its globals, the
imported partials' contexts and the memo of list items), every past build's articles
stayed in memory until Python's next full garbage collection, and `serve` paused for
those collections while the editor waited (docs/performance.md). The site now goes by
reference counting alone: this test disables the cyclic collector to prove it.
"""

from __future__ import annotations

import gc
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sitegen.build.pipeline import build
from sitegen.build.session import BuildSession
from sitegen.config.settings import load_config
from tests.support.sites import article


@contextmanager
def _no_cyclic_collection() -> Iterator[None]:
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _site(make_site: Callable[..., Path]) -> Path:
    return make_site({f"content/2024/a{n}.md": article(f"Article {n}", f"2024-01-0{n + 1}", tags="[a, b]")
                      for n in range(3)})


def test_a_replaced_build_frees_its_site_without_a_garbage_collection(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    config = load_config(root)
    session = BuildSession()
    with _no_cyclic_collection():
        build(config, now=datetime.now(UTC), session=session, defer_search=True)
        assert session.last is not None
        first_site = weakref.ref(session.last.planned.site)
        first_article = weakref.ref(session.last.planned.site.articles[0])
        edited = root / "content/2024/a0.md"
        edited.write_text(edited.read_text(encoding="utf-8") + "\nMore text.\n", encoding="utf-8")
        build(config, now=datetime.now(UTC), session=session, defer_search=True)
        assert (first_site(), first_article()) == (None, None)
        assert session.last.planned.site.articles  # the new build's site is whole
