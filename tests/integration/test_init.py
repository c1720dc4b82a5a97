"""`init DIR` starts an archive that checks, builds and serves with nothing but the package."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import yaml

from sitegen.config.settings import load_config
from tests.support.sites import run_cli


def test_init_writes_a_commented_config_a_sample_article_and_an_empty_static(tmp_path: Path) -> None:
    root = tmp_path / "my-archive"
    run = run_cli("init", str(root))
    year = datetime.now(UTC).year
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        f"created {root}: config.yaml, content/{year}/welcome.md, content/about.md, .gitignore, static/",
        f"next: treaty-archive serve --root {root}   (or cd into it and run serve)",
    ]
    config_text = (root / "config.yaml").read_text(encoding="utf-8")
    assert config_text.startswith("# My archive: site configuration.")
    assert yaml.safe_load(config_text)["site"]["title"] == "My archive"
    assert load_config(root).site.title == "My archive"
    front = yaml.safe_load((root / f"content/{year}/welcome.md").read_text(encoding="utf-8").split("---")[1])
    assert front["title"] == "Welcome to the archive" and front["tags"] == ["getting started"]
    assert (root / "static").is_dir() and not any((root / "static").iterdir())
    assert (root / ".gitignore").read_text(encoding="utf-8") == "public/\n.cache/\n"
    assert not (root / "templates").exists()  # the theme comes from the package


def test_the_new_archive_checks_clean(tmp_path: Path) -> None:
    root = tmp_path / "site"
    assert run_cli("init", str(root)).code == 0
    run = run_cli("check", "--root", str(root), "--strict")
    assert (run.code, run.out, run.err) == (0, "check: 0 error(s), 0 warning(s)\n", "")


def test_a_title_with_quotes_and_a_colon_stays_valid_yaml(tmp_path: Path) -> None:
    title = 'Alliance: "costs" & futures'
    assert run_cli("init", str(tmp_path / "x"), "--title", title).code == 0
    assert load_config(tmp_path / "x").site.title == title


def test_init_refuses_a_folder_with_files_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    run = run_cli("init", str(tmp_path))
    assert run.code == 2
    assert run.err == (f"{tmp_path}: error: is not empty (notes.txt); nothing was written\n"
                       "  hint: give a new or empty folder: init never overwrites files\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("", encoding="utf-8")
    run = run_cli("init", str(tmp_path / "x"))
    assert run.code == 2
    assert run.err.startswith(f"{tmp_path / 'x'}: error: is a file, not a folder\n")


def test_init_accepts_a_fresh_git_checkout_and_keeps_its_gitignore(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*.bak\n", encoding="utf-8")
    run = run_cli("init", str(tmp_path))
    assert run.code == 0, run.err
    assert ".gitignore" not in run.out.splitlines()[0]
    assert (tmp_path / ".gitignore").read_text(encoding="utf-8") == "*.bak\n"
    assert (tmp_path / "config.yaml").is_file()
