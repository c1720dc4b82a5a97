"""The editors' commands, run in-process through `main(argv)` as an editor would type them."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

import sitegen.version
from tests.support.sites import REPO, article, build_site, run_cli

SEEDS = REPO.parent / "shared" / "seeds"


@pytest.mark.parametrize("command", ["build", "check", "new", "import", "serve", "init", "completion"])
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(command, "--help").code == 0
    assert "usage: treaty-archive " + command in capsys.readouterr().out


@pytest.mark.parametrize(("invocation", "prog"), [
    (["build.py"], "build.py"),
    (["-m", "sitegen"], "python -m sitegen"),
])
def test_usage_lines_name_the_program_as_invoked(invocation: list[str], prog: str) -> None:
    """The installed `treaty-archive` is checked in test_wheel.py, from a real install."""
    command = [sys.executable, *invocation]
    helped = subprocess.run([*command, "new", "--help"], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert helped.returncode == 0
    assert helped.stdout.startswith(f"usage: {prog} new [-h]")
    wrong = subprocess.run([*command, "new"], cwd=REPO, capture_output=True, text=True, check=False)
    assert wrong.returncode == 2
    assert wrong.stderr.splitlines()[0].startswith(f"usage: {prog} new ")
    assert wrong.stderr.splitlines()[-1] == (
        f"{prog} new: error: the following arguments are required: title")


def test_version_is_the_packages(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli("--version").code == 0
    assert capsys.readouterr().out == f"treaty-archive {sitegen.version.__version__}\n"
    assert importlib.metadata.version("treaty-archive-sitegen") == sitegen.version.__version__


def test_completion_script_completes_verbs_and_options(tmp_path: Path) -> None:
    """bash runs the generated script: verbs and a verb's options complete."""
    run = run_cli("completion", "bash")
    assert run.code == 0
    script = tmp_path / "treaty-archive.bash"
    script.write_text(run.out, encoding="utf-8")
    probe = (f'source "{script}"\n'
             'complete_words() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMP_LINE="$*";\n'
             '  COMP_POINT=${#COMP_LINE}; _shtab_treaty_archive; echo "${COMPREPLY[*]}"; }\n'
             'complete_words treaty-archive in\n'
             'complete_words treaty-archive build --no-\n')
    done = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["init", "--no-wait --no-cache"]


@pytest.mark.parametrize("shell", ["zsh", "tcsh"])
def test_completion_scripts_for_other_shells_name_every_verb(shell: str) -> None:
    run = run_cli("completion", shell)
    assert run.code == 0
    for verb in ("build", "check", "new", "import", "serve", "init", "completion"):
        assert verb in run.out


def test_build_prints_a_one_line_summary(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    run = build_site(root)
    assert run.code == 0
    lines = run.out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Built ") and lines[0].endswith(" s")


def test_quiet_build_prints_nothing(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    run = build_site(root, "--quiet")
    assert (run.code, run.out, run.err) == (0, "", "")


def test_drafts_and_future_articles_need_flags(make_site: Callable[..., Path]) -> None:
    root = make_site({
        "content/2019/draft.md": article("Draft", draft="true"),
        "content/2099/future.md": article("Future", date="2099-01-01"),
    })
    assert build_site(root).code == 0
    assert not (root / "public/2019/draft").exists()
    assert not (root / "public/2099/future").exists()
    assert build_site(root, "--drafts", "--future").code == 0
    assert (root / "public/2019/draft/index.html").is_file()
    assert (root / "public/2099/future/index.html").is_file()


def test_output_and_base_url_options(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    run = build_site(root, "--output", "site", "--base-url", "https://example.org/archive/")
    assert run.code == 0
    page = (root / "site/2019/a/index.html").read_text(encoding="utf-8")
    assert 'href="/archive/2019/a/"' in page or 'href="https://example.org/archive/2019/a/"' in page
    assert not (root / "public").exists()


def test_stale_files_from_an_earlier_build_are_removed(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A"), "content/2019/b.md": article("B")})
    assert build_site(root).code == 0
    (root / "content/2019/b.md").unlink()
    run = build_site(root, "--allow-removed-urls")  # its URL goes: confirmed (url_history)
    assert run.code == 0
    assert not (root / "public/2019/b").exists()
    assert "removed" in run.out


def test_new_scaffolds_from_the_archetype(make_site: Callable[..., Path]) -> None:
    root = make_site({})  # the theme's archetype
    run = run_cli("new", "--root", str(root), "Host-nation support: a 'sympathy' budget?")
    assert run.code == 0, run.err
    created = run.out.split("created ", 1)[1].strip()
    text = (root / created).read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---")[1])
    assert meta["title"] == "Host-nation support: a 'sympathy' budget?"
    assert meta["draft"] is True and meta["categories"] == [] and meta["tags"] == []
    for key in ("source_name", "source_url", "original_title", "original_language", "translator"):
        assert key in meta
    again = run_cli("new", "--root", str(root), "Host-nation support: a 'sympathy' budget?")
    assert again.code == 1 and "already exists" in again.err


def test_check_reports_broken_links_and_near_duplicate_terms(make_site: Callable[..., Path]) -> None:
    root = make_site({
        "content/2019/a.md": article("A", tags="[Japan, burden sharing]",
                                     body="See [gone](/2019/nope/) and [b](/2019/b/#missing).\n"),
        "content/2019/b.md": article("B", tags="[japan, burden-sharing]", body="## Real\n"),
    })
    run = run_cli("check", "--root", str(root))
    assert run.code == 1
    assert run.err == (
        "content/2019/a.md:4:1: warning: tags 'Japan', 'japan' look like one term spelt differently\n"
        "  hint: use one spelling; found in content/2019/a.md, content/2019/b.md\n"
        "content/2019/a.md:4:1: warning: tags 'burden sharing', 'burden-sharing' look like one term "
        "spelt differently\n"
        "  hint: use one spelling; found in content/2019/a.md, content/2019/b.md\n"
        "content/2019/a.md:6:12: error: link to /2019/nope/ does not match any page or file\n"
        "  hint: check the path; pages end with '/', e.g. /2019/my-article/\n"
        "content/2019/a.md:6:33: error: link to /2019/b/#missing: no heading or element with id "
        "'missing'\n"
        "  hint: heading ids are the heading text in lower case with hyphens, e.g. #the-treaty-today\n")
    assert not (root / "public").exists(), "check writes nothing"


def test_check_is_clean_on_the_real_archive() -> None:
    run = run_cli("check", "--root", str(REPO))
    assert run.code == 0, run.err
    assert run.out.strip() == "check: 0 error(s), 0 warning(s)"


def test_strict_build_fails_on_warnings_before_writing(make_site: Callable[..., Path]) -> None:
    root = make_site({"content/2019/a.md": article("A", tgas="[japan]")})
    run = build_site(root, "--strict")
    assert run.code == 1
    assert "content/2019/a.md:4:1: warning: unknown front matter key 'tgas'" in run.err
    assert not (root / "public").exists()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed captures are not beside this clone")
def test_import_dry_run_prints_the_article_and_writes_nothing(make_site: Callable[..., Path]) -> None:
    root = make_site({})
    seed = next(SEEDS.glob("004_*.txt"))
    run = run_cli("import", "--root", str(root), "--dry-run", "--date", "2025-03-07", "--tag", "trump", str(seed))
    assert run.code == 0, run.err
    assert run.out.startswith("---\ntitle: ")
    assert "Trump criticizes the Japan-US Security Treaty for being unfair." in run.out
    assert "would write content/2025/" in run.err
    assert not list((root / "content").rglob("*.md"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed captures are not beside this clone")
def test_import_writes_refuses_to_overwrite_and_builds(make_site: Callable[..., Path]) -> None:
    root = make_site({})
    seed = next(SEEDS.glob("001_*.txt"))
    run = run_cli("import", "--root", str(root), "--date", "2010-02-15", str(seed))
    assert run.code == 0, run.err
    assert "View More" in run.err, "dropped furniture is listed in the report"
    written = list((root / "content").rglob("*.md"))
    assert len(written) == 1
    again = run_cli("import", "--root", str(root), "--date", "2010-02-15", str(seed))
    assert again.code == 1 and "already exists; nothing was written" in again.err
    forced = run_cli("import", "--root", str(root), "--date", "2010-02-15", "--force", str(seed))
    assert forced.code == 0
    assert build_site(root, "--strict").code == 0


def test_import_without_a_date_leaves_a_todo_that_check_reports(make_site: Callable[..., Path], tmp_path: Path) -> None:
    root = make_site({})
    capture = tmp_path / "capture.txt"
    capture.write_text("A title of a capture\n\nJane Doe, Analyst\n\nThe first paragraph says something.\n",
                       encoding="utf-8")
    assert run_cli("import", "--root", str(root), str(capture)).code == 0
    run = run_cli("check", "--root", str(root), "--drafts")
    assert "warning: importer TODO" in run.err


def test_missing_config_is_a_usage_error(tmp_path: Path) -> None:
    run = build_site(tmp_path)
    assert run.code == 2
    assert "config.yaml: error: no config.yaml" in run.err
