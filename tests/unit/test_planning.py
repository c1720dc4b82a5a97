"""sitegen/build/planning.py: every file of the site planned before any template runs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sitegen.build.loading import load_site
from sitegen.build.planning import PlannedSite, plan_site
from sitegen.config.settings import load_config
from sitegen.errors import OutputConflictError
from tests.support.sites import article

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def plan(root: Path) -> PlannedSite:
    config = load_config(root)
    return plan_site(config, load_site(config, NOW))


def test_every_kind_of_output_is_planned(make_site: Callable[..., Path]) -> None:
    planned = plan(make_site({"content/2019/a.md": article("A", tags="[t]", categories="[c]")}))
    assert {"index.html", "2019/a/index.html", "tags/index.html", "tags/t/index.html", "tags/t/feed.xml",
            "categories/c/index.html", "archive/index.html", "404.html", "feed.xml", "index.xml",
            "sitemap.xml", "robots.txt"} <= planned.outputs()
    templates = {p.output: p.template for p in planned.plans}
    assert templates["2019/a/index.html"] == "article.html"


def test_page_bundle_files_go_beside_their_page_and_static_files_at_the_root(
        make_site: Callable[..., Path]) -> None:
    planned = plan(make_site({
        "content/2019/a/index.md": article("A"),
        "content/2019/a/chart.png": b"\x89PNG",
        "static/files/report.pdf": b"%PDF",
    }))
    copies = {copy.output: copy.source.as_posix() for copy in planned.copies}
    assert copies["2019/a/chart.png"].endswith("content/2019/a/chart.png")
    assert copies["files/report.pdf"].endswith("static/files/report.pdf")


def test_a_static_file_where_a_page_goes_is_refused(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A"), "static/2019/a/index.html": "<p>mine</p>"})
    with pytest.raises(OutputConflictError) as caught:
        plan(root)
    assert [d.format() for d in caught.value.diagnostics] == [
        "static/2019/a/index.html: error: this file would overwrite the page made from content/2019/a.md\n"
        "  hint: rename or move static/2019/a/index.html"]


def test_an_alias_on_another_pages_url_names_the_alias_line(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A"),
                      "content/2019/b.md": article("B", aliases="[/2019/a/]")})
    with pytest.raises(OutputConflictError) as caught:
        plan(root)
    assert [(d.path, d.line) for d in caught.value.diagnostics] == [("content/2019/b.md", 4)]


def test_citation_downloads_are_fingerprinted_by_digests_that_follow_their_records(
        make_site: Callable[..., Path]) -> None:
    """A term's downloads stand for every record they hold by one digest: the plan keeps
    `extra` all build long (and serve all session), and the records' joined JSON was
    7 KB per article. A retitled article changes its own files' digest and its terms'."""
    files = {f"content/2019/a{n}.md": article(f"A{n}", tags="[t]", slug=f"a{n}") for n in range(30)}
    root = make_site(files)
    before = {item.output: item.extra for item in plan(root).derived if "/cit" in item.output}
    assert {len(extra) for extra in before.values()} == {64}
    (root / "content/2019/a7.md").write_text(article("Retitled", tags="[t]", slug="a7"), encoding="utf-8")
    after = {item.output: item.extra for item in plan(root).derived if "/cit" in item.output}
    changed = sorted(output for output in before if before[output] != after[output])
    assert changed == ["2019/a7/cite.bib", "2019/a7/cite.json", "2019/a7/cite.ris",
                       "tags/t/citations.bib", "tags/t/citations.ris"]
