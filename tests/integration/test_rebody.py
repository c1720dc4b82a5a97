"""`serve`'s build after an edit to articles' text alone keeps the last plan (build/rebody.py).

Each test builds a site in a session as `serve` does, edits it, builds again and
compares every file of the output with a clean build of the same sources: the plan
kept from the last build, with the edited articles' bodies changed in place, must make
the very bytes a build that plans everything makes. The build's timings say which way
it went ("plan kept" or "plan"), so a test also fails when the kept plan stops being
used for the edits it is for, or starts being used for edits it is not for.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.loading import CheckedSite, load_site
from sitegen.build.pipeline import BuildReport, build, page_fingerprinter
from sitegen.build.rebody import rebodied_site
from sitegen.build.session import BuildSession
from sitegen.cancelling import cancellable
from sitegen.config.settings import Config, load_config
from sitegen.errors import BuildCancelled
from sitegen.incremental import fingerprint
from sitegen.incremental.cache import BuildCache
from sitegen.render.templates import templates_fingerprint
from sitegen.site.model import Article
from tests.integration.test_languages import EN_BODY, JA_BODY, LANGUAGES
from tests.integration.test_serve_session_edits import _differ as session_differ
from tests.support.sites import DEFAULT_CONFIG, article, build_site, read_tree, write_site

FEEDS = "feeds:\n  full_content: true\n"
SITE = {
    "config.yaml": DEFAULT_CONFIG + LANGUAGES + FEEDS,
    "content/2019/bases.md": article("Bases", "2019-03-29", EN_BODY, slug="bases", tags="[futenma]"),
    "content/2019/bases.ja.md": article("基地", "2019-07-07", JA_BODY, slug="bases", tags="[普天間]",
                                        original_language="en"),
    "content/2019/only.md": article("Only in English", "2019-01-01", "One line.\n\nAnother.", slug="only",
                                    tags="[futenma]"),
    "content/2019/told.md": article("Told", "2019-02-01", "Its own summary.", slug="told",
                                    description="A description written by hand."),
    "content/about.md": article("About", "2019-01-01", "Who we are."),
    "content/2019/_index.md": "---\ntitle: The year 2019\n---\nWhat happened that year.\n",
}
Edit = Callable[[Path], None]


def _rewrite(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _serve_build(root: Path, session: BuildSession) -> BuildReport:
    return build(load_config(root), now=datetime.now(UTC), session=session, defer_search=True)


def _clean(root: Path, scratch: Path) -> dict[str, bytes]:
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("public", ".cache"))
    run = build_site(scratch, "--quiet")
    assert run.code == 0, run.err
    return read_tree(scratch / "public")


def _edited_build(tmp_path: Path, edit: Edit, more: int = 0) -> tuple[BuildReport, BuildSession, object, Path]:
    """Build in a session, edit, build again: the second report, the session, the first
    build's site object and the project (with `more` articles besides SITE's)."""
    extra = {f"content/2018/more-{n}.md": article(f"More {n}", f"2018-01-{n + 1:02}", "Text.", tags="[futenma]")
             for n in range(more)}
    root = write_site(tmp_path / "site", {**SITE, **extra})
    session = BuildSession()
    _serve_build(root, session)
    assert session.last is not None
    first_site = session.last.planned.site
    edit(root)
    return _serve_build(root, session), session, first_site, root


def _differ(root: Path, scratch: Path) -> list[str]:
    """The files that differ from a clean build's, search aside: serve's builds leave the
    index to a catch-up (test_serve_session_edits.py checks that one)."""
    return session_differ(read_tree(root / "public"), _clean(root, scratch), pages_only=True)


TEXT_EDITS: dict[str, Edit] = {
    # the first paragraph is the summary and the description, on lists, feeds and citations
    "summary": lambda root: _rewrite(root, "content/2019/only.md", "One line.", "One line, longer now."),
    "later paragraph": lambda root: _rewrite(root, "content/2019/only.md", "Another.", "Another, and more."),
    "heading": lambda root: _rewrite(root, "content/2019/bases.md", "## Bases", "## Bases and budgets"),
    "more marker": lambda root: _rewrite(root, "content/2019/only.md", "One line.\n", "One line.\n\n<!--more-->\n"),
    "translation": lambda root: _rewrite(root, "content/2019/bases.ja.md", "第一段落。", "第一段落を書き直した。"),
    "original of a translation": lambda root: _rewrite(root, "content/2019/bases.md", "First paragraph.",
                                                       "A first paragraph, rewritten."),
    "own description": lambda root: _rewrite(root, "content/2019/told.md", "Its own summary.", "Other text."),
    "standalone page": lambda root: _rewrite(root, "content/about.md", "Who we are.", "Who we are, and why."),
}


def _new_article(root: Path) -> None:
    (root / "content/2019/new.md").write_text(article("New", "2019-05-05", "Fresh."), encoding="utf-8")


def _template(root: Path) -> None:
    (root / "templates").mkdir(exist_ok=True)
    (root / "templates/page.html").write_text('{% extends "base.html" %}{% block content %}<p>{{ page.title }}'
                                              '</p>{% endblock %}', encoding="utf-8")


OTHER_EDITS: dict[str, Edit] = {
    "title": lambda root: _rewrite(root, "content/2019/only.md", "title: Only in English", "title: Only English"),
    "tags": lambda root: _rewrite(root, "content/2019/only.md", "tags: [futenma]", "tags: [sofa]"),
    "front matter and text": lambda root: (_rewrite(root, "content/2019/only.md", "One line.", "Two lines."),
                                           _rewrite(root, "content/2019/only.md", "slug: only", "slug: alone")),
    "new article": _new_article,
    "template": _template,
    "config": lambda root: _rewrite(root, "config.yaml", "title: Test archive", "title: Another archive"),
    "section text": lambda root: _rewrite(root, "content/2019/_index.md", "What happened", "All that happened"),
}


@pytest.mark.parametrize(("name", "kept"), [(name, True) for name in sorted(TEXT_EDITS)]
                         + [(name, False) for name in sorted(OTHER_EDITS)])
def test_an_edit_keeps_the_plan_only_for_text_and_equals_a_clean_build(tmp_path: Path, name: str,
                                                                        kept: bool) -> None:
    report, session, first_site, root = _edited_build(tmp_path, (TEXT_EDITS if kept else OTHER_EDITS)[name])
    assert ("plan kept" in report.timings, "plan" in report.timings) == (kept, not kept), report.timings
    assert session.last is not None and (session.last.planned.site is first_site) == kept
    assert report.rendered > 0
    assert _differ(root, tmp_path / "clean") == []


def test_a_static_file_added_plans_again_and_is_published(tmp_path: Path) -> None:
    def add(root: Path) -> None:
        (root / "static").mkdir(exist_ok=True)
        (root / "static/note.txt").write_text("a note\n", encoding="utf-8")
    report, _, _, root = _edited_build(tmp_path, add)
    assert "plan" in report.timings, report.timings
    assert (root / "public/note.txt").read_text(encoding="utf-8") == "a note\n"


def _kept_and_checked(tmp_path: Path) -> tuple[BuildSession, Article, Config, CheckedSite]:
    """A session's build, then a text edit loaded: the session, the kept article edited
    (not yet changed), the configuration and the checked site with the edit."""
    root = write_site(tmp_path / "site", dict(SITE))
    session = BuildSession()
    _serve_build(root, session)
    assert session.last is not None
    kept = next(a for a in session.last.planned.site.articles if a.source_path == "content/2019/only.md")
    _rewrite(root, "content/2019/only.md", "One line.", "One line, and a few more words.")
    config = load_config(root)
    cache = BuildCache(config.path("cache"))
    try:
        return session, kept, config, load_site(config, datetime.now(UTC), cache=cache, session=session)
    finally:
        cache.close()


def test_a_build_that_does_not_go_live_puts_the_old_bodies_back(tmp_path: Path) -> None:
    session, kept, config, checked = _kept_and_checked(tmp_path)
    before = (kept.summary, kept.description, kept.word_count)
    templates = templates_fingerprint(config)
    with pytest.raises(RuntimeError), rebodied_site(config, checked, session, templates) as done:
        assert done is not None and done.edited == ("content/2019/only.md",)
        assert "a few more words" in kept.summary and kept.word_count == before[2] + 5
        raise RuntimeError("the build failed")
    assert (kept.summary, kept.description, kept.word_count) == before


def test_a_new_edit_cancelling_the_kept_plan_half_way_puts_the_old_bodies_back(tmp_path: Path) -> None:
    """Cancelled while the citation records are made again, after the articles changed."""
    session, kept, config, checked = _kept_and_checked(tmp_path)
    before = (kept.summary, kept.description, kept.word_count)
    stop = threading.Event()
    stop.set()
    with pytest.raises(BuildCancelled), cancellable(stop), \
            rebodied_site(config, checked, session, templates_fingerprint(config)):
        pytest.fail("the block must not run")
    assert (kept.summary, kept.description, kept.word_count) == before


@pytest.mark.parametrize("long_list", [256, 1])  # 1: every list of articles keeps its items' texts
@pytest.mark.parametrize(("name", "edited"), [("summary", "content/2019/only.md"),  # a new page description
                                              ("heading", "content/2019/bases.md")])  # the same plan object
def test_the_kept_fingerprints_are_those_of_the_pages_not_showing_the_edit(tmp_path: Path, name: str,
                                                                           edited: str, long_list: int,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """After a text edit, the last build's fingerprints are kept for the pages that do not
    show the edited article, and every page's equals the one worked out afresh."""
    monkeypatch.setattr(fingerprint, "LONG_LIST", long_list)
    _, session, _, root = _edited_build(tmp_path, TEXT_EDITS[name], more=12 if long_list == 1 else 0)
    _rewrite(root, "content/2019/only.md", "Another.", "Another, once more.")  # a second edit, on the kept lists
    _serve_build(root, session)
    last = session.last
    assert last is not None and last.prints is not None
    config = load_config(root)
    fresh = page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates)
    again = page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates,
                               kept=(last.prints, frozenset({edited})))
    for plan in last.planned.plans:
        assert again.plan(plan) == fresh.plan(plan) == last.prints.outputs[id(plan)][1], plan.output
    for item in last.planned.derived:
        assert again.derived(item) == fresh.derived(item), item.output
    searchable = [plan for plan in last.planned.plans if plan.context.page.kind in ("article", "page")]
    assert searchable and all(again.searched(plan) == fresh.searched(plan) for plan in searchable)
    # the search digests the edit's build used (and keeps): the edited page's made again
    assert all(last.prints.searched[id(plan)][1] == fresh.searched(plan) for plan in searchable)
    showing = [plan for plan in last.planned.plans
               if any(a.source_path == edited for a in (*plan.context.deps().full, *plan.context.deps().listed))]
    feeds = [item for item in last.planned.derived if any(a.source_path == edited for a in item.articles)]
    assert showing and feeds and fresh.made == len(last.planned.plans) + sum(1 for d in last.planned.derived
                                                                             if d.articles)
    assert len(showing) + len(feeds) <= again.made < fresh.made


@pytest.mark.parametrize("edited", ["content/2019/only.md", "content/2019/bases.md"])
def test_the_outputs_that_stand_are_those_whose_fingerprint_did_not_change(tmp_path: Path, edited: str) -> None:
    """Fingerprinter.standing names the outputs the render step keeps without fingerprinting
    them: every one has the fingerprint the last build wrote to the pages table, and none
    shows the edited article; every other output is fingerprinted."""
    _, session, _, root = _edited_build(tmp_path, TEXT_EDITS["summary"])
    last = session.last
    assert last is not None and last.prints is not None
    config = load_config(root)
    cache = BuildCache(config.path("cache"))
    try:
        table = cache.page_fingerprints()
    finally:
        cache.close()
    fresh = page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates)
    again = page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates,
                               kept=(last.prints, frozenset({edited})))
    standing = set(again.standing(last.planned.plans, last.planned.derived))
    made = {plan.output: fresh.plan(plan) for plan in last.planned.plans}
    made.update((item.output, fresh.derived(item)) for item in last.planned.derived)
    assert standing and all(table[output] == made[output] for output in standing)
    showing = {plan.output for plan in last.planned.plans
               if any(a.source_path == edited for a in (*plan.context.deps().full, *plan.context.deps().listed))}
    showing |= {item.output for item in last.planned.derived if any(a.source_path == edited for a in item.articles)}
    assert showing and not showing & standing
    # what else is fingerprinted again reads a list of the whole site (`site.archive`)
    rest = made.keys() - standing - showing
    assert rest and all(plan.context.article_path is None for plan in last.planned.plans if plan.output in rest)
    assert rest == {plan.output for plan in last.planned.plans if plan.output in rest}
    # the memo this fingerprinter passes on still holds the entries that stood
    assert {id(plan) for plan in last.planned.plans if plan.output in standing} <= again.memo().outputs.keys()
    # with another build's derived files, those made from no article no longer stand
    others = tuple(dataclasses.replace(item) for item in last.planned.derived)
    moved = page_fingerprinter(config, last.envs.default, last.planned, last.checked, last.templates,
                               kept=(last.prints, frozenset({edited})))
    assert not {item.output for item in others if not item.articles} & set(moved.standing((), others))



ARCHIVE = ('{% extends "base.html" %}{% block content %}{% for year in site.archive %}{% for month in year.months %}'
           '{% for item in month.articles %}<p>{{ item.title }} COUNT</p>{% endfor %}{% endfor %}{% endfor %}'
           '{% endblock %}')
COUNTS = {  # an archive page that shows each article's word count, in ways a theme may
    "attribute": "{{ item.word_count }}",
    "Hugo's name": "{{ go.field(item, 'WordCount') }}",
    "reading time, by a name not constant": "{% set name = 'reading' ~ '_time' %}{{ item|attr(name) }}",
    "macro of another file": "{% from 'count.html' import count %}{{ count(item) }}",
}
# An article whose summary ends at the marker: words added after it change its word count
# and reading time (300 sentences: 3 minutes more), not its summary.
LONG = {"content/2019/long.md": article("Long", "2019-04-01", "Summary.\n\n<!--more-->\n\nLater.", slug="long")}


def _add_words(root: Path) -> None:
    _rewrite(root, "content/2019/long.md", "Later.", "Later. " + "More words. " * 300)


def _fingerprints(root: Path) -> dict[str, str]:
    cache = BuildCache(load_config(root).path("cache"))
    try:
        return dict(cache.page_fingerprints())
    finally:
        cache.close()


def test_a_list_that_shows_no_word_counts_is_not_rendered_again_when_an_edit_changes_them(tmp_path: Path) -> None:
    """The default archive page lists every article by title and date: adding words to one
    article re-renders its page, not the archive (which lists all of a site's articles)."""
    root = write_site(tmp_path / "site", {**SITE, **LONG})
    session = BuildSession()
    _serve_build(root, session)
    before = _fingerprints(root)
    _add_words(root)
    assert "plan kept" in _serve_build(root, session).timings
    after = _fingerprints(root)
    assert after["archive/index.html"] == before["archive/index.html"]
    assert after["2019/long/index.html"] != before["2019/long/index.html"]
    assert _differ(root, tmp_path / "clean") == []


@pytest.mark.parametrize("shown", sorted(COUNTS))
def test_a_list_that_shows_word_counts_is_rendered_again_when_an_edit_changes_them(tmp_path: Path,
                                                                                   shown: str) -> None:
    templates = {"templates/archive.html": ARCHIVE.replace("COUNT", COUNTS[shown]),
                 "templates/count.html": "{% macro count(a) %}{{ a.word_count }}{% endmacro %}"}
    root = write_site(tmp_path / "site", {**SITE, **LONG, **templates})
    session = BuildSession()
    _serve_build(root, session)
    archive = root / "public/archive/index.html"
    before = archive.read_text(encoding="utf-8")
    _add_words(root)
    assert "plan kept" in _serve_build(root, session).timings
    assert archive.read_text(encoding="utf-8") != before
    assert _differ(root, tmp_path / "clean") == []


def test_the_kept_site_holds_no_headings_links_or_ids_and_shares_its_summaries(tmp_path: Path) -> None:
    """At 40,000 articles the headings, links and ids were 100 MB of the site serve keeps:
    they are stored with the body and read with it. Each article's summary text is its
    decoded result's very object, and an article has no instance dictionary (with 31
    fields it had more than a shared-key dictionary holds: 1.5 KB each)."""
    root = write_site(tmp_path / "site", SITE)
    _serve_build(root, BuildSession())
    session = BuildSession()  # a new one: every body comes from the cache
    _serve_build(root, session)
    assert session.last is not None
    pages = {page.document.source.path: page for page in session.last.checked.pages}
    articles = [a for site in (session.last.planned.sites or (session.last.planned.site,)) for a in site.articles]
    assert all(not hasattr(a, "__dict__") for a in articles)
    assert all((p.body.headings, p.body.links, p.body.ids) == ((), (), ()) for p in pages.values())
    assert any(a.headings for a in articles) and any(p.content.ids for p in pages.values())
    for article_ in articles:
        body = pages[article_.source_path].body
        assert article_.summary_text is body.summary_text
        assert {h.id for h in article_.headings} <= set(article_.body.ids)
