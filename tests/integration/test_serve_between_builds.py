"""What `serve` keeps between builds: nothing of a replaced build's site, and nothing of
a preview's page once the edit is undone.

A replaced build's site is let go of as soon as the next build replaces it.

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
from sitegen.config.settings import Config, load_config
from sitegen.serve.preview import preview
from tests.support.sites import article, build_site


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
        edited = root / "content/2024/a0.md"  # a new title: the site is planned again (not rebody.py's case)
        edited.write_text(edited.read_text(encoding="utf-8").replace("Article 0", "Article zero"), encoding="utf-8")
        build(config, now=datetime.now(UTC), session=session, defer_search=True)
        assert first_site() is not None  # retired: freed when no edit waits
        session.drop_retired()
        assert (first_site(), first_article()) == (None, None)
        assert session.last.planned.site.articles  # the new build's site is whole


def _previewed(make_site: Callable[..., Path]) -> tuple[Config, BuildSession, Path, bytes]:
    """A site built once in a session, then one article edited and previewed over it: the
    configuration, the session, the article's file and its text before the edit."""
    root = _site(make_site)
    config = load_config(root)
    session = BuildSession()
    build(config, now=datetime.now(UTC), session=session)
    source = root / "content/2024/a1.md"
    original = source.read_bytes()
    source.write_bytes(original + b"\nPreviewToken here.\n")
    assert preview(config, session.last, [str(source)]) == ["2024/article-1/index.html"]
    return config, session, source, original


def test_an_edit_undone_after_its_preview_shows_the_original_page(make_site: Callable[..., Path]) -> None:
    """The preview writes the edited page over the live site; when the edit is undone
    before any full build finishes, the next build must not find the first build's site
    standing, nor skip the page as unchanged (it did, and the edit stayed on the page)."""
    config, session, source, original = _previewed(make_site)
    page = config.root / "public/2024/article-1/index.html"
    assert b"PreviewToken" in page.read_bytes()
    source.write_bytes(original)
    build(config, now=datetime.now(UTC), session=session)
    assert b"PreviewToken" not in page.read_bytes()


def test_an_edit_undone_after_its_preview_is_previewed_too(make_site: Callable[..., Path]) -> None:
    """Text put back as the last build had it is a change to the live page, which shows
    the preview: it is previewed at once. It was taken for a save without a change, so the
    full build did it, one that no edit may cancel: 25 s at 40,000 articles, which the next
    edit waited for."""
    config, session, source, original = _previewed(make_site)
    page = config.root / "public/2024/article-1/index.html"
    source.write_bytes(original)
    assert preview(config, session.last, [str(source)]) == ["2024/article-1/index.html"]
    assert b"PreviewToken" not in page.read_bytes()
    build(config, now=datetime.now(UTC), session=session)
    assert preview(config, session.last, [str(source)]) == []  # saved without a change


def test_a_command_line_build_after_a_preview_rewrites_the_page(make_site: Callable[..., Path]) -> None:
    root = _site(make_site)
    config = load_config(root)
    session = BuildSession()
    build(config, now=datetime.now(UTC), session=session)
    source = root / "content/2024/a1.md"
    original = source.read_bytes()
    source.write_bytes(original + b"\nPreviewToken here.\n")
    preview(config, session.last, [str(source)])
    source.write_bytes(original)  # serve stopped before its build; the editor builds
    assert build_site(root).code == 0
    assert b"PreviewToken" not in (root / "public/2024/article-1/index.html").read_bytes()
