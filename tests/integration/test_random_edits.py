"""Random sequences of edits, each followed by a cached build that must equal a clean one.

The scenarios in test_incremental.py change one thing once. Editors change many things in
a row, and a stale page may only show after a particular sequence (retitle, then move to
another date, then draft it back). Each sequence here is drawn from a seeded generator:
after every step the cached build of the project is compared, file by file, with a clean
build (no cache, empty output folder) of a copy of the same project. A failure names the
seed and the steps so far, which reproduce it.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.sites import article, build_site, read_tree, write_site

Step = Callable[[Path, random.Random], str]

CONFIG = """\
site:
  title: Random archive
  description: A site edited at random.
  base_url: https://example.org/
  language: en
  author: Test Editors
permalinks:
  default: /:section/:slug/
pagination:
  page_size: 3
search:
  enabled: {search}
  pages_per_shard: 2
"""
TAGS = ("futenma", "sofa", "burden-sharing", "okinawa", "trump", "hatoyama")
WORDS = ("treaty", "alliance", "base", "budget", "普天間", "日米安保", "reciprocity", "Okinawa")


def _articles(root: Path) -> list[Path]:
    return sorted((root / "content").rglob("*.md"))


def _front(title: str, year: int, tags: list[str], draft: bool = False) -> str:
    return article(title, f"{year}-0{1 + year % 9}-1{year % 10}", f"About the {title.lower()}.",
                   tags="[" + ", ".join(tags) + "]", categories="[japan]",
                   **({"draft": "true"} if draft else {}))


def _add(root: Path, rng: random.Random) -> str:
    year = rng.randint(2001, 2009)
    name = f"a{rng.randint(0, 10**6)}"
    path = root / "content" / str(year) / f"{name}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_front(f"Article {name}", year, rng.sample(TAGS, 2)), encoding="utf-8")
    return f"add {path.relative_to(root)}"


def _pick(root: Path, rng: random.Random) -> Path | None:
    articles = _articles(root)
    return rng.choice(articles) if articles else None


def _rewrite(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _remove(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None or len(_articles(root)) < 3:
        return _add(root, rng)
    path.unlink()
    return f"remove {path.relative_to(root)}"


def _rename(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    target = path.with_name(f"r{rng.randint(0, 10**6)}.md")
    path.rename(target)
    return f"rename {path.relative_to(root)} -> {target.name}"


def _retitle(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    _rewrite(path, "title: ", f"title: {rng.choice(WORDS)} ")
    return f"retitle {path.relative_to(root)}"


def _retag(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    _rewrite(path, "tags: [", f"tags: [{rng.choice(TAGS)}x, ")
    return f"retag {path.relative_to(root)}"


def _redate(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    text = path.read_text(encoding="utf-8")
    start = text.index("date: ") + 6
    path.write_text(text[:start] + f"200{rng.randint(1, 9)}" + text[start + 4:], encoding="utf-8")
    return f"redate {path.relative_to(root)}"


def _draft(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    text = path.read_text(encoding="utf-8")
    if "draft: true" in text:
        path.write_text(text.replace("draft: true\n", ""), encoding="utf-8")
        return f"undraft {path.relative_to(root)}"
    path.write_text(text.replace("---\n", "---\ndraft: true\n", 1), encoding="utf-8")
    return f"draft {path.relative_to(root)}"


def _body(root: Path, rng: random.Random) -> str:
    path = _pick(root, rng)
    if path is None:
        return _add(root, rng)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(f"\nAnd {rng.choice(WORDS)} {rng.randint(0, 99)}.\n")
    return f"body {path.relative_to(root)}"


def _template(root: Path, rng: random.Random) -> str:
    name = rng.choice(["article.html", "home.html", "term.html", "partials/article-item.html"])
    path = root / "templates" / name
    path.write_text(path.read_text(encoding="utf-8") + f"<!-- {rng.randint(0, 99)} -->\n",
                    encoding="utf-8")
    return f"template {name}"


def _config(root: Path, rng: random.Random) -> str:
    _rewrite(root / "config.yaml", "title: Random archive", f"title: Random archive {rng.randint(0, 9)}")
    return "config title"


def _static(root: Path, rng: random.Random) -> str:
    path = root / "static" / f"note{rng.randint(0, 3)}.txt"
    path.write_text(f"note {rng.randint(0, 99)}\n", encoding="utf-8")
    return f"static {path.name}"


STEPS: tuple[Step, ...] = (_add, _remove, _rename, _retitle, _retag, _redate, _draft, _body, _body,
                           _template, _config, _static)


def _clean_build(root: Path, scratch: Path) -> dict[str, bytes]:
    """Build a copy of the project with no cache and no output folder."""
    if scratch.exists():
        shutil.rmtree(scratch)
    shutil.copytree(root, scratch, ignore=shutil.ignore_patterns("public", ".cache"))
    run = build_site(scratch, "--quiet", "--allow-removed-urls")
    assert run.code == 0, run.err
    return read_tree(scratch / "public")


def _run(tmp_path: Path, seed: int, steps: int, search: bool) -> None:
    rng = random.Random(seed)
    files: dict[str, str | bytes] = {"config.yaml": CONFIG.format(search=str(search).lower())}
    for year in (2001, 2003, 2005, 2007):
        files[f"content/{year}/s{year}.md"] = _front(f"Start {year}", year, rng.sample(TAGS, 2))
    root = write_site(tmp_path / "site", files)
    assert build_site(root, "--quiet").code == 0
    done: list[str] = []
    for _ in range(steps):
        done.append(rng.choice(STEPS)(root, rng))
        run = build_site(root, "--quiet", "--allow-removed-urls")
        assert run.code == 0, (seed, done, run.err)
        expected = _clean_build(root, tmp_path / "clean")
        got = read_tree(root / "public")
        differ = sorted(name for name in set(got) | set(expected) if got.get(name) != expected.get(name))
        assert not differ, f"seed {seed}, after {done}: {differ[:10]}"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_edits_without_search_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    _run(tmp_path, seed, 25, search=False)


@pytest.mark.parametrize("seed", [4])
def test_random_edits_with_search_equal_clean_builds(tmp_path: Path, seed: int) -> None:
    _run(tmp_path, seed, 10, search=True)
