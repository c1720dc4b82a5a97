"""The build never deletes what it did not make (issue 14, item 2).

Each test points the build (or `new`) at somebody's files the way a careless user
would, and checks that it stops with a clear error and leaves every byte where it
was; and that the normal cases (a new folder, an empty one, every later build) work.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import sitegen
from tests.support.sites import article, build_site, read_tree, run_cli

Site = Callable[..., Path]
ENGINE = Path(sitegen.__file__).resolve().parent
FOREIGN_HINT = ("  hint: choose an empty or new folder, or empty this one yourself; the build only replaces "
                "a folder it made (one holding its .sitegen-manifest)\n")
OUTPUT_HINT = ("  hint: the build replaces its output folder whole, which would delete or publish what it "
               "holds; choose a folder of its own, e.g. 'public'\n")
CACHE_HINT = ("  hint: the cache holds draft bodies and a copy of the site, never to be published nor mixed "
              "with sources; choose a folder of its own, e.g. '.cache'\n")


def _site(make_site: Site, **extra: str) -> Path:
    return make_site({"content/2019/a.md": article("A"), **extra})


def _everything(root: Path) -> dict[str, bytes]:
    """Every file under the project's parent: the project and whatever lies beside it."""
    return read_tree(root.parent)


@pytest.mark.parametrize("folder", ["../victim", "docs", "tests"])
def test_a_folder_of_someone_elses_files_is_refused_as_output(folder: str, make_site: Site) -> None:
    root = _site(make_site, **{"docs/guide.md": "# Guide\n", "tests/test_x.py": "assert True\n"})
    victim = (root / folder).resolve()
    victim.mkdir(exist_ok=True)
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    before = _everything(root)
    for _ in range(2):  # the second attempt is where the old build deleted them
        run = build_site(root, "--output", folder)
        assert run.code == 1
        names = ", ".join(sorted(os.listdir(victim)))
        assert run.err == (f"error: output folder '{folder}' already holds files the build did not make "
                           f"({names})\n" + FOREIGN_HINT)
    assert _everything(root) == before


def test_a_file_is_refused_as_output(make_site: Site) -> None:
    root = _site(make_site)
    before = _everything(root)
    run = build_site(root, "--output", "config.yaml")
    assert (run.code, run.err) == (1, ("error: output folder 'config.yaml' is a file, not a folder\n"
                                      "  hint: choose a folder, e.g. 'public'; the build never replaces a file "
                                      "it did not make\n"))
    assert _everything(root) == before


@pytest.mark.parametrize(("folder", "clash"), [
    (".git", "is the .git folder"),
    (".git/objects", "is inside the .git folder"),
    (str(ENGINE), "is the site generator's own package"),
    (".cache", "is the cache folder"),
    (".cache/site", "is inside the cache folder"),
])
def test_the_output_can_never_be_git_the_engine_or_the_cache(folder: str, clash: str, make_site: Site) -> None:
    root = _site(make_site)
    (root / ".git" / "objects").mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    before = _everything(root)
    run = build_site(root, "--output", folder)
    assert (run.code, run.err) == (2, f"error: --output '{folder}' {clash}\n" + OUTPUT_HINT)
    assert _everything(root) == before


@pytest.mark.parametrize(("paths", "message"), [
    ("  cache: content/x\n", "config.yaml:2:10: error: 'paths.cache' ('content/x') is inside the content/ folder"),
    ("  cache: public/cache\n", "config.yaml:2:10: error: 'paths.cache' ('public/cache') is inside the output folder"),
    ("  cache: templates\n", "config.yaml:2:10: error: 'paths.cache' ('templates') is the templates/ folder"),
    ("  cache: static/c\n", "config.yaml:2:10: error: 'paths.cache' ('static/c') is inside the static/ folder"),
    ("  cache: .\n", "config.yaml:2:10: error: 'paths.cache' ('.') is the project folder or contains it"),
    ("  output: .cache/site\n", "config.yaml:2:11: error: 'paths.output' ('.cache/site') is inside the cache folder"),
    ("  output: site\n  cache: site/c\n",
     "config.yaml:3:10: error: 'paths.cache' ('site/c') is inside the output folder"),
    ("  output: content\n", "config.yaml:2:11: error: 'paths.output' ('content') is the content/ folder"),
])
def test_config_paths_that_would_publish_the_cache_or_replace_sources_are_refused(
        paths: str, message: str, make_site: Site) -> None:
    root = _site(make_site, **{"config.yaml": "paths:\n" + paths})
    before = _everything(root)
    hint = OUTPUT_HINT if "'paths.output'" in message else CACHE_HINT
    for command in ("build", "check"):
        run = run_cli(command, "--root", str(root))
        assert (run.code, run.err) == (2, message + "\n" + hint)
    assert _everything(root) == before  # no cache in content/, nothing published


def test_a_cache_folder_of_someone_elses_files_is_refused(make_site: Site) -> None:
    root = _site(make_site, **{"config.yaml": "paths:\n  cache: notes\n", "notes/spare-site/plan.txt": "mine"})
    before = _everything(root)
    run = build_site(root)
    assert (run.code, run.err) == (1, ("error: cache folder 'notes' already holds files the build did not make "
                                      "(spare-site)\n  hint: choose an empty or new folder for 'paths.cache' in "
                                      "config.yaml (the default is '.cache'), or empty this one; the build only "
                                      "uses a cache folder it made (one holding its CACHEDIR.TAG)\n"))
    assert _everything(root) == before


@pytest.mark.parametrize("name", [".public.staging", ".public.previous"])
def test_a_folder_of_someone_elses_named_like_the_builds_work_folders_is_refused(
        name: str, make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    (root / name).mkdir()
    (root / name / "draft.txt").write_text("mine", encoding="utf-8")
    (root / "content/2019/b.md").write_text(article("B"), encoding="utf-8")
    before = _everything(root)
    run = build_site(root)
    assert (run.code, run.err) == (1, (f"error: '{name}' beside the output folder 'public' was not made by the "
                                      f"build\n  hint: the build keeps its work in '{name}': rename or remove "
                                      "that folder, or choose another output folder\n"))
    assert _everything(root) == before


def test_a_link_named_like_the_staging_folder_is_never_followed(make_site: Site) -> None:
    root = _site(make_site)
    victim = root.parent / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    (root / ".public.staging").symlink_to(victim)
    run = build_site(root, "--no-cache")
    assert run.code == 1 and "rename or remove that link" in run.err
    assert read_tree(victim) == {"notes.txt": b"precious"}


def test_the_first_build_into_a_new_or_empty_folder_works_and_so_does_every_later_one(make_site: Site) -> None:
    root = _site(make_site)
    (root.parent / "empty").mkdir()
    for folder in ("../new/site", "../empty"):
        for _ in range(3):
            run = build_site(root, "--output", folder)
            assert (run.code, "error" in run.err) == (0, False), run.err
        assert (root / folder / "index.html").is_file()
        (root / "content/2019/a.md").write_text(article("A", body=f"Edited for {folder}."), encoding="utf-8")
        assert build_site(root, "--output", folder).code == 0
        assert f"Edited for {folder}." in (root / folder / "2019/a/index.html").read_text(encoding="utf-8")


def test_an_output_folder_that_is_a_link_is_replaced_through_the_link(make_site: Site) -> None:
    """`public -> /srv/www/site`: the site goes where the link points; the link stays."""
    root = _site(make_site)
    (root / "public").symlink_to(root.parent / "www")
    for body in ("First text.", "Second text."):
        (root / "content/2019/a.md").write_text(article("A", body=body), encoding="utf-8")
        assert build_site(root).code == 0
    assert (root / "public").is_symlink()
    assert "Second text." in (root.parent / "www/2019/a/index.html").read_text(encoding="utf-8")


def test_an_output_link_to_someone_elses_folder_is_refused(make_site: Site) -> None:
    root = _site(make_site)
    victim = root.parent / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    (root / "public").symlink_to(victim)
    run = build_site(root)
    assert run.code == 1 and "output folder 'public' already holds files the build did not make" in run.err
    assert read_tree(victim) == {"notes.txt": b"precious"}


def test_a_link_put_in_the_output_is_never_followed_nor_deleted_with_what_it_points_at(make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    victim = root.parent / "victim"
    victim.mkdir()
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    (root / "public" / "docs").symlink_to(victim)
    run = build_site(root)
    assert run.code == 1 and run.err.startswith("public/docs: error: not made by the build")
    kept = build_site(root, "--keep-foreign")
    assert kept.code == 0 and "public/docs: kept: not made by the build (--keep-foreign)" in kept.err
    assert os.readlink(root / "public" / "docs") == str(victim)  # still a link, carried as a link
    (root / "content/2019/b.md").write_text(article("B"), encoding="utf-8")
    assert build_site(root, "--keep-foreign").code == 0
    assert read_tree(victim) == {"notes.txt": b"precious"}
    assert "docs" not in (root / "public/.sitegen-manifest").read_text(encoding="utf-8").split("\n")


def test_kept_foreign_files_never_become_the_builds(make_site: Site) -> None:
    """A file kept once with --keep-foreign is still not the build's to delete later."""
    root = _site(make_site)
    assert build_site(root).code == 0
    (root / "public" / "notes.txt").write_text("mine", encoding="utf-8")
    assert build_site(root, "--keep-foreign").code == 0
    run = build_site(root)
    assert run.code == 1 and run.err.startswith("public/notes.txt: error: not made by the build")
    assert (root / "public" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_kept_foreign_file_the_build_would_overwrite_is_an_error(make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    (root / "public" / "robots.txt").unlink()
    (root / "public" / "robots.txt").write_text("User-agent: *\nDisallow: /secret/\n", encoding="utf-8")
    manifest = root / "public" / ".sitegen-manifest"  # as if someone else had put it there
    manifest.write_text(manifest.read_text(encoding="utf-8").replace("robots.txt\n", ""), encoding="utf-8")
    before = read_tree(root / "public")
    run = build_site(root, "--keep-foreign")
    assert (run.code, run.err) == (1, ("public/robots.txt: error: not made by the build, which now makes a "
                                      "file or folder of this name\n  hint: move or rename the file; "
                                      "--keep-foreign keeps it only where the site has no file of its own\n"))
    assert read_tree(root / "public") == before


def test_a_page_cannot_take_the_name_of_the_manifest(make_site: Site) -> None:
    root = _site(make_site, **{"content/2019/m.md": article("M", url="/.sitegen-manifest/")})
    run = build_site(root)
    assert (run.code, run.err) == (1, ("content/2019/m.md:4:1: error: this page would be written to "
                                      ".sitegen-manifest/index.html, where the build keeps its manifest (the "
                                      "list of files it wrote)\n  hint: choose another url: top-level names "
                                      "starting with '.sitegen' are the build's own\n"))


@pytest.mark.parametrize("section", ["../../..", "../x", "/tmp/x", "2019/../../..", ".hidden"])
def test_new_never_writes_outside_content(section: str, make_site: Site) -> None:
    root = _site(make_site)
    before = _everything(root)
    run = run_cli("new", "--root", str(root), "--section", section, "A title")
    assert (run.code, run.err) == (2, (f"error: --section '{section}' is not a folder inside content/\n"
                                      "  hint: give a folder name such as '2019' or 'essays/2019', without '..' "
                                      "or a leading '/'; new articles always go in content/\n"))
    assert _everything(root) == before


def test_new_never_follows_a_link_out_of_content(make_site: Site) -> None:
    root = _site(make_site)
    outside = root.parent / "outside"
    outside.mkdir()
    (root / "content" / "away").symlink_to(outside)
    run = run_cli("new", "--root", str(root), "--section", "away", "A title")
    assert run.code == 2 and "--section 'away' is not a folder inside content/" in run.err
    (root / "content" / "2019" / "a-title.md").symlink_to(outside / "written.md")  # dangling
    run = run_cli("new", "--root", str(root), "--section", "2019", "A title")
    assert (run.code, run.err) == (1, ("content/2019/a-title.md: error: already exists; nothing was written\n"
                                      "  hint: choose another title, or edit the existing file\n"))
    assert os.listdir(outside) == []


@pytest.mark.parametrize("kind", ["../config", "../../../etc/passwd", "a/b"])
def test_new_reads_archetypes_only_from_archetypes(kind: str, make_site: Site) -> None:
    root = _site(make_site, **{"config.md": "---\ntitle: secret\n---\n"})
    run = run_cli("new", "--root", str(root), "--kind", kind, "A title")
    assert (run.code, run.err) == (2, (f"error: --kind '{kind}' is not an archetype name\n  hint: give the name "
                                      "of a file in archetypes/ without '.md', e.g. 'default'\n"))


def test_new_with_a_nested_section_still_works(make_site: Site) -> None:
    root = _site(make_site)
    run = run_cli("new", "--root", str(root), "--section", "essays/2019/", "A title")
    assert (run.code, run.out) == (0, "created content/essays/2019/a-title.md\n")
    assert (root / "content/essays/2019/a-title.md").is_file()


def test_a_kept_foreign_link_where_the_site_makes_a_folder_is_an_error(make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    victim = root.parent / "victim"
    victim.mkdir()
    shutil.rmtree(root / "public" / "tags")
    (root / "public" / "tags").symlink_to(victim)
    run = build_site(root, "--keep-foreign")
    assert run.code == 1 and run.err.startswith("public/tags: error: not made by the build, which now makes a "
                                                "file or folder of this name\n")
    assert os.listdir(victim) == []


def _victim(root: Path) -> Path:
    victim = root.parent / "victim"
    victim.mkdir()
    (victim / "index.html").write_text("precious", encoding="utf-8")
    (victim / "notes.txt").write_text("precious", encoding="utf-8")
    return victim


def test_a_spare_site_that_is_a_link_is_never_followed(make_site: Site) -> None:
    """The spare sits in the cache, which may come from elsewhere (a CI cache)."""
    root = _site(make_site)
    assert build_site(root).code == 0
    victim = _victim(root)
    spare = root / ".cache" / "spare-site"
    shutil.rmtree(spare, ignore_errors=True)
    spare.symlink_to(victim)
    for n in range(2):
        (root / "content/2019/a.md").write_text(article("A", body=f"Edit {n}."), encoding="utf-8")
        assert build_site(root).code == 0
    assert read_tree(victim) == {"index.html": b"precious", "notes.txt": b"precious"}


def test_links_inside_the_spare_site_are_never_written_through(make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    (root / "content/2019/a.md").write_text(article("A", body="Second."), encoding="utf-8")
    assert build_site(root).code == 0  # now there is a spare: the first build's site
    victim = _victim(root)
    spare = root / ".cache" / "spare-site"
    shutil.rmtree(spare / "2019")
    (spare / "2019").symlink_to(victim)  # where the pages of 2019 will be written
    (spare / "css").unlink() if (spare / "css").is_symlink() else shutil.rmtree(spare / "css")
    (spare / "css").write_text("a file where a folder must be", encoding="utf-8")
    (root / "content/2019/a.md").write_text(article("A", body="Third."), encoding="utf-8")
    run = build_site(root)
    assert (run.code, run.err) == (0, "")
    assert read_tree(victim) == {"index.html": b"precious", "notes.txt": b"precious"}
    clean = root.parent / "clean"
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache"))
    assert build_site(clean, "--no-cache").code == 0
    assert read_tree(root / "public") == read_tree(clean / "public")


def test_the_lock_file_is_never_opened_through_a_link(make_site: Site) -> None:
    root = _site(make_site)
    assert build_site(root).code == 0
    victim = _victim(root)
    (root / ".cache" / "build.lock").unlink()
    (root / ".cache" / "build.lock").symlink_to(victim / "notes.txt")  # truncated once held, before
    (root / "content/2019/a.md").write_text(article("A", body="Edited."), encoding="utf-8")
    assert build_site(root).code == 0
    assert read_tree(victim) == {"index.html": b"precious", "notes.txt": b"precious"}
