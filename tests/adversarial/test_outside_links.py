"""No file outside the project is published (issue 14, item 9).

A symbolic link in static/, templates/ or archetypes/ that leads out of the project is
an error naming the link and its target, unless config.yaml opts in for that path;
links inside the project still work. Every output file is searched for the secret.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest

from sitegen.config.settings import load_config
from sitegen.render.templates import make_environment
from tests.support.sites import DEFAULT_CONFIG, article, build_site, override, read_tree, run_cli

Site = Callable[..., Path]
SECRET = b"root:x:0:0:SECRET-OUTSIDE-THE-PROJECT"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A folder outside every project, with a file nobody means to publish."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "passwd").write_bytes(SECRET + b"\n")
    (folder / "font.woff2").write_bytes(b"wOF2 font bytes")
    return folder


def _published(root: Path) -> bytes:
    """Everything under the output folder, concatenated, to look for the secret in."""
    public = root / "public"
    return b"".join(read_tree(public).values()) if public.is_dir() else b""


def test_a_static_link_out_of_the_project_is_refused_and_names_the_link(make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    assert build_site(root).code == 0
    before = read_tree(root / "public")
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "x").symlink_to(secret / "passwd")
    for command in ("build", "check"):
        run = run_cli(command, "--root", str(root))
        assert run.code == 1
        assert run.err == (f"static/x: error: symbolic link points outside the project, to {secret}/passwd\n"
                           "  hint: copy the file into the project; or, to publish files from there on purpose, "
                           "add 'static/x' to security.allow_symlinks_outside in config.yaml\n")
    assert read_tree(root / "public") == before
    assert SECRET not in _published(root)


def test_a_static_folder_link_out_of_the_project_is_refused(make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "fonts").symlink_to(secret)
    run = build_site(root)
    assert run.code == 1 and run.err.startswith(
        f"static/fonts: error: symbolic link points outside the project, to {secret}\n")
    assert SECRET not in _published(root)


def test_links_out_of_the_project_are_published_where_the_config_opts_in(make_site: Site, secret: Path) -> None:
    config = DEFAULT_CONFIG + "security:\n  allow_symlinks_outside: [static/fonts]\n"
    root = make_site({"content/2019/a.md": article("A"), "config.yaml": config})
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "fonts").symlink_to(secret)
    run = build_site(root)
    assert run.code == 0, run.err
    assert (root / "public/fonts/font.woff2").read_bytes() == b"wOF2 font bytes"
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "x").symlink_to(secret / "passwd")  # not under the opted-in path
    run = build_site(root)
    assert run.code == 1 and run.err.startswith("static/x: error: symbolic link points outside the project")


def test_the_opt_in_must_name_paths_inside_the_project(make_site: Site) -> None:
    config = DEFAULT_CONFIG + "security:\n  allow_symlinks_outside: [/etc]\n"
    root = make_site({"content/2019/a.md": article("A"), "config.yaml": config})
    run = build_site(root)
    assert (run.code, run.err) == (2, ("config.yaml:10:27: error: 'security.allow_symlinks_outside' entry '/etc' "
                                      "is not a path inside the project\n  hint: name the links or folders that "
                                      "may point outside, relative to the project, e.g. 'static/fonts'\n"))


def test_links_inside_the_project_still_work(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A"), "assets/logo.svg": "<svg/>", "assets/img/a.png": "png"})
    (root / "static").mkdir()
    (root / "static" / "logo.svg").symlink_to(root / "assets" / "logo.svg")
    (root / "static" / "img").symlink_to("../assets/img")
    run = build_site(root)
    assert run.code == 0, run.err
    assert (root / "public/logo.svg").read_text(encoding="utf-8") == "<svg/>"
    assert (root / "public/img/a.png").read_text(encoding="utf-8") == "png"
    assert not (root / "public/logo.svg").is_symlink()


@pytest.mark.parametrize(("target", "label"), [(".cache/build.sqlite3", "cache folder"),
                                               (".git/config", ".git folder")])
def test_links_into_the_cache_or_git_are_refused_even_inside_the_project(
        target: str, label: str, make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A"), ".git/config": "[remote] token = SECRET"})
    assert build_site(root).code == 0
    (root / "static").mkdir()
    (root / "static" / "leak").symlink_to(root / target)
    run = build_site(root)
    assert (run.code, run.err) == (1, (f"static/leak: error: symbolic link points into the {label}: "
                                      f"{(root / target).resolve()}\n  hint: link to a file of the project's "
                                      "sources instead, or copy it\n"))


def test_a_template_link_out_of_the_project_is_refused(make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "templates" / "partials").mkdir(parents=True)
    (root / "templates" / "partials" / "leak.html").symlink_to(secret / "passwd")
    base = override(root, "templates/base.html")
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", '{% include "partials/leak.html" %}</body>'),
                    encoding="utf-8")
    run = build_site(root)
    assert run.code == 1
    assert run.err.startswith(f"templates/partials/leak.html: error: symbolic link points outside the project, "
                              f"to {secret}/passwd\n")
    assert SECRET not in _published(root)


def test_a_template_folder_link_out_of_the_project_is_refused(make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "templates").mkdir()
    (root / "templates" / "extra").symlink_to(secret)
    run = build_site(root)
    assert run.code == 1 and run.err.startswith(f"templates/extra: error: symbolic link points outside the "
                                                f"project, to {secret}\n")


def test_the_template_loader_refuses_a_link_out_even_if_the_listing_missed_it(
        make_site: Site, secret: Path) -> None:
    """The loader is the second line: a template only Jinja resolves still cannot lead out."""
    root = make_site({"content/2019/a.md": article("A")})
    (root / "templates").mkdir()
    (root / "templates" / "leak.html").symlink_to(secret / "passwd")
    env = make_environment(load_config(root))
    with pytest.raises(jinja2.TemplateError, match="templates/leak.html: symbolic link points outside"):
        env.get_template("leak.html")


@pytest.mark.parametrize("name", ["/etc/passwd", "../../outside/passwd", "partials/../../outside/passwd"])
def test_includes_cannot_name_a_file_outside_the_templates(name: str, make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    base = override(root, "templates/base.html")
    base.write_text(base.read_text(encoding="utf-8").replace("</body>", f'{{% include "{name}" %}}</body>'),
                    encoding="utf-8")
    run = build_site(root)
    assert run.code == 1 and f"template '{name}' does not exist" in run.err
    assert SECRET not in _published(root)


def test_an_archetype_link_out_of_the_project_is_refused(make_site: Site, secret: Path) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "archetypes").mkdir()
    (root / "archetypes" / "default.md").symlink_to(secret / "passwd")
    run = run_cli("new", "--root", str(root), "A title")
    assert (run.code, run.err) == (2, (f"archetypes/default.md: error: symbolic link points outside the project, "
                                      f"to {secret}/passwd\n  hint: copy the file into the project; or, to publish "
                                      "files from there on purpose, add 'archetypes/default.md' to "
                                      "security.allow_symlinks_outside in config.yaml\n"))
    assert not (root / "content" / "2026").exists() and not list((root / "content").rglob("a-title.md"))


def test_a_loop_of_links_in_static_is_an_error(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "static").mkdir()
    (root / "static" / "loop").symlink_to(".")
    (root / "static" / "a").symlink_to("b")
    (root / "static" / "b").symlink_to("a")
    run = build_site(root)
    assert (run.code, run.err) == (1, ("static/a: error: symbolic link cannot be followed: Too many levels of "
                                      "symbolic links\n  hint: it is part of a loop of links, or unreadable: "
                                      "remove or fix it\n"
                                      "static/b: error: symbolic link cannot be followed: Too many levels of "
                                      "symbolic links\n  hint: it is part of a loop of links, or unreadable: "
                                      "remove or fix it\n"
                                      "static/loop: error: symbolic link makes a loop of folders\n  hint: remove "
                                      "the link, or point it at a folder that does not hold it\n"))


def test_a_fifo_in_static_is_an_error_not_a_hang(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    (root / "static").mkdir()
    os.mkfifo(root / "static" / "pipe.css")
    run = build_site(root)
    assert (run.code, run.err) == (1, ("static/pipe.css: error: is not a regular file (a FIFO, socket or device)\n"
                                      "  hint: remove it: only files and folders can be published\n"))
