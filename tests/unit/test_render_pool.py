"""sitegen/build/render_pool.py: render what changed, keep what did not, here or in forks alike."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import UTC, datetime
from pathlib import Path

from sitegen.build.loading import engine_fingerprint, load_site
from sitegen.build.planning import plan_site
from sitegen.build.render_pool import PARALLEL_THRESHOLD, RenderOutcome, render_plans
from sitegen.config.settings import load_config
from sitegen.incremental.cache import digest
from sitegen.incremental.fingerprint import Fingerprinter
from sitegen.output.writer import StagedOutput
from sitegen.render.templates import make_environment, templates_fingerprint
from tests.support.sites import article, read_tree

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def render(root: Path, previous: dict[str, str], jobs: int = 1,
           standing: Collection[str] = ()) -> tuple[RenderOutcome, dict[str, bytes]]:
    """Render a project's pages and derived files into its output folder, as a build does."""
    config = load_config(root)
    checked = load_site(config, NOW)
    planned = plan_site(config, checked)
    env = make_environment(config, planned.site)
    base = digest(checked.conversion, templates_fingerprint(config), engine_fingerprint())
    articles = {p.document.source.path: p.document.source.digest for p in checked.pages}
    printer = Fingerprinter(env, base, planned.site, articles, repr(config))
    staged = StagedOutput(config.path("output"))
    outcome = render_plans(planned.plans, planned.derived, env, staged, printer, previous, jobs,
                           standing=standing)
    if outcome.problems:
        staged.abort()
        return outcome, {}
    staged.commit()
    return outcome, read_tree(config.path("output"))


def _articles(count: int) -> dict[str, str | bytes]:
    return {f"content/2020/a{i:03}.md": article(f"Article {i}", f"2020-01-{1 + i % 28:02}", f"Text {i}.")
            for i in range(count)}


def test_a_first_render_makes_every_page_and_derived_file(make_site: Callable[..., Path]) -> None:
    outcome, tree = render(make_site(_articles(3)), {})
    assert outcome.problems == []
    assert outcome.rendered == len([o for o in outcome.fingerprints if o.endswith(".html")])
    assert outcome.derived_made >= 3  # feeds, sitemap, robots.txt
    assert {"index.html", "2020/article-0/index.html", "feed.xml", "sitemap.xml"} <= set(tree)


def test_unchanged_pages_are_kept_and_a_changed_one_rendered(make_site: Callable[..., Path]) -> None:
    root = make_site(_articles(3))
    first, _ = render(root, {})
    again, _ = render(root, first.fingerprints)
    assert (again.rendered, again.derived_made) == (0, 0)
    assert again.fingerprints == first.fingerprints
    (root / "content/2020/a001.md").write_text(article("Article 1", "2020-01-02", "Edited."), encoding="utf-8")
    edited, tree = render(root, first.fingerprints)
    assert 0 < edited.rendered < first.rendered
    assert b"Edited." in tree["2020/article-1/index.html"]


def test_outputs_said_to_stand_are_kept_with_their_last_fingerprint_while_their_file_is_there(
        make_site: Callable[..., Path]) -> None:
    """`standing` (Fingerprinter.standing) is trusted: such an output is neither
    fingerprinted nor rendered, and keeps the fingerprint the last build gave it; one
    whose file is gone is made again."""
    root = make_site(_articles(3))
    first, _ = render(root, {})
    (root / "content/2020/a001.md").write_text(article("Article 1", "2020-01-02", "Edited."), encoding="utf-8")
    (root / "public/2020/article-2/index.html").unlink()
    stand = {"2020/article-1/index.html", "2020/article-2/index.html", "feed.xml"}
    again, tree = render(root, first.fingerprints, standing=stand)
    assert b"Edited." not in tree["2020/article-1/index.html"]  # said to stand: kept as it was
    assert again.fingerprints["2020/article-1/index.html"] == first.fingerprints["2020/article-1/index.html"]
    assert "2020/article-2/index.html" in tree  # its file was gone: made again
    assert again.fingerprints.keys() == first.fingerprints.keys()
    edited, tree = render(root, first.fingerprints)
    assert b"Edited." in tree["2020/article-1/index.html"]
    assert edited.fingerprints["2020/article-1/index.html"] != first.fingerprints["2020/article-1/index.html"]


def test_a_template_error_is_reported_with_its_line_and_nothing_is_committed(
        make_site: Callable[..., Path]) -> None:
    root = make_site(_articles(1))
    (root / "templates").mkdir()
    (root / "templates/article.html").write_text("<h1>{{ article.title }}</h1>\n{{ article.no_such_field }}\n",
                                                 encoding="utf-8")
    outcome, tree = render(root, {})
    assert tree == {}
    assert len(outcome.problems) == 1
    problem = outcome.problems[0]
    assert (problem.path, problem.line) == ("templates/article.html", 2)
    assert problem.message == "template error: Article has no attribute 'no_such_field'"


def test_forked_renderers_write_the_same_site(make_site: Callable[..., Path]) -> None:
    files = _articles(PARALLEL_THRESHOLD)
    serial, one = render(make_site(files), {}, jobs=1)
    forked, two = render(make_site(files), {}, jobs=2)
    assert len(serial.fingerprints) >= PARALLEL_THRESHOLD
    pages = {output: print_ for output, print_ in serial.fingerprints.items() if output.endswith(".html")}
    assert {output: forked.fingerprints[output] for output in pages} == pages  # derived files' hold the root
    assert two == one


def test_forked_renderers_share_the_derived_files(make_site: Callable[..., Path]) -> None:
    """The derived files (three citation downloads an article) are dealt out like the
    articles: built by one process after the list pages, they kept the other cores idle
    for minutes at the end of a cold build of 40,000 articles."""
    import os
    import time

    from sitegen.render.templates import DerivedFile

    def slow_pid() -> bytes:
        time.sleep(0.01)  # long enough that whoever is free takes the next chunk
        return str(os.getpid()).encode()

    config = load_config(make_site(_articles(PARALLEL_THRESHOLD)))
    checked = load_site(config, NOW)
    planned = plan_site(config, checked)
    env = make_environment(config, planned.site)
    articles = {p.document.source.path: p.document.source.digest for p in checked.pages}
    printer = Fingerprinter(env, "base", planned.site, articles, repr(config))
    derived = [*planned.derived, *(DerivedFile(f"pids/{n}.txt", slow_pid) for n in range(240))]
    staged = StagedOutput(config.path("output"))
    outcome = render_plans(planned.plans, derived, env, staged, printer, {}, jobs=2)
    staged.commit()
    assert outcome.problems == []
    builders = {(config.path("output") / f"pids/{n}.txt").read_text() for n in range(240)}
    assert len(builders) == 2
