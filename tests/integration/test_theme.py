"""The default theme ships in the package, and a project overrides it file by file.

Templates, partials, shortcodes, static files and archetypes are each taken from the
project's folder when it has a file of that name, else from sitegen/theme; the caches follow
both, so an override added, edited or removed, or a theme file changed by an upgrade,
rebuilds what it changes and nothing gives a stale page.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sitegen.theme import FOLDERS, THEME, theme_files, theme_folder
from tests.support.sites import article, build_site, override, read_tree, run_cli

REPO = Path(__file__).resolve().parents[2]
Site = Callable[..., Path]


def test_a_project_with_no_theme_folders_builds_from_the_packages_theme(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A")})
    assert not any((root / folder).exists() for folder in FOLDERS)
    assert build_site(root).code == 0
    public = read_tree(root / "public")
    for rel, path in theme_files("static"):
        assert public[rel] == path.read_bytes(), rel
    assert b'href="/css/site.css"' in public["2019/a/index.html"]


def test_one_template_overridden_the_rest_from_the_theme(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A"),
                      "templates/404.html": '{% extends "base.html" %}{% block content %}<p>Ours.</p>{% endblock %}'})
    assert build_site(root).code == 0
    page = (root / "public/404.html").read_text(encoding="utf-8")
    assert "<p>Ours.</p>" in page and '<nav class="site-nav"' in page  # the theme's base.html around it
    theme_page = make_site({"content/2019/a.md": article("A")})
    assert build_site(theme_page).code == 0
    assert read_tree(root / "public")["2019/a/index.html"] == read_tree(theme_page / "public")["2019/a/index.html"]


def test_static_files_of_the_project_replace_the_themes_and_add_to_them(make_site: Site) -> None:
    root = make_site({"content/2019/a.md": article("A"), "static/css/site.css": "body{color:red}",
                      "static/files/report.pdf": b"%PDF-1.4"})
    assert build_site(root).code == 0
    public = read_tree(root / "public")
    assert public["css/site.css"] == b"body{color:red}"
    assert public["files/report.pdf"] == b"%PDF-1.4"
    assert public["js/search.js"] == (theme_folder("static") / "js/search.js").read_bytes()


def test_shortcodes_are_overridden_and_added_like_templates(make_site: Site) -> None:
    body = '{{< details summary="More" >}}inside{{< /details >}}\n\n{{< note >}}noted{{< /note >}}'
    root = make_site({"content/2019/a.md": article("A", body=body),
                      "templates/shortcodes/details.html": "<div class=\"ours\">{{ inner }}</div>",
                      "templates/shortcodes/note.html": "<aside>{{ inner }}</aside>"})
    assert build_site(root).code == 0, build_site(root).err
    page = (root / "public/2019/a/index.html").read_text(encoding="utf-8")
    assert '<div class="ours">inside</div>' in page and "<aside>noted</aside>" in page


def test_new_takes_the_projects_archetype_else_the_themes(make_site: Site) -> None:
    root = make_site({})
    assert run_cli("new", "--root", str(root), "From the theme").code == 0
    created = next((root / "content").rglob("from-the-theme.md")).read_text(encoding="utf-8")
    assert "original_language" in created  # the theme's archetype has the provenance fields
    (root / "archetypes").mkdir()
    (root / "archetypes/default.md").write_text('---\ntitle: "{{ title }}"\ndate: {{ date }}\nmine: yes\n---\n',
                                                encoding="utf-8")
    assert run_cli("new", "--root", str(root), "From the project").code == 0
    assert "mine: yes" in next((root / "content").rglob("from-the-project.md")).read_text(encoding="utf-8")
    run = run_cli("new", "--root", str(root), "--kind", "gallery", "X")
    assert (run.code, run.err) == (2, "archetypes/gallery.md: error: archetype 'gallery' does not exist\n"
                                      "  hint: create archetypes/gallery.md or omit --kind\n")


def test_a_readme_at_the_top_of_a_project_folder_is_neither_loaded_nor_published(make_site: Site) -> None:
    notes = "# Notes\n{{ this would not compile {% as a template\n"
    root = make_site({"content/2019/a.md": article("A"), "templates/README.md": notes,
                      "static/README.md": notes, "archetypes/README.md": notes,
                      "static/docs/README.md": "published: not at the top"})
    run = build_site(root)
    assert run.code == 0, run.err
    public = read_tree(root / "public")
    assert "README.md" not in public and "docs/README.md" in public
    assert run_cli("theme", "list", "--root", str(root)).out.count("overridden") == 0


def test_adding_editing_and_removing_an_override_rebuilds_like_a_clean_build(make_site: Site, tmp_path: Path) -> None:
    root = make_site({"content/2019/a.md": article("A", tags="[t]")})
    assert build_site(root).code == 0
    steps = [lambda: override(root, "templates/partials/head.html"),
             lambda: (root / "templates/partials/head.html").write_text(
                 (theme_folder("templates") / "partials/head.html").read_text(encoding="utf-8")
                 + "<!-- ours -->\n", encoding="utf-8"),
             lambda: (root / "templates/partials/head.html").unlink()]
    for step in steps:
        step()
        assert build_site(root).code == 0
        clean = tmp_path / f"clean{steps.index(step)}"
        shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache"))
        assert build_site(clean, "--no-cache").code == 0
        assert read_tree(root / "public") == read_tree(clean / "public")
    assert b"<!-- ours -->" not in read_tree(root / "public")["2019/a/index.html"]


def test_a_changed_theme_rebuilds_the_pages_and_files_it_changes(make_site: Site, tmp_path: Path) -> None:
    """As after upgrading the package: the theme's files change under an unchanged project."""
    engine = tmp_path / "engine"
    shutil.copytree(REPO / "sitegen", engine / "sitegen", ignore=shutil.ignore_patterns("__pycache__"))
    root = make_site({"content/2019/a.md": article("A")})
    build = [sys.executable, "-c", "import sys; from sitegen.commands.cli import main; sys.exit(main())",
             "build", "--root", str(root), "--quiet"]
    env = {**os.environ, "PYTHONPATH": str(engine)}
    subprocess.run(build, env=env, check=True, cwd=tmp_path)
    theme = engine / "sitegen/theme"
    (theme / "templates/404.html").write_text((theme / "templates/404.html").read_text(encoding="utf-8")
                                              .replace("{% block content %}", "{% block content %}<!-- v2 -->", 1),
                                              encoding="utf-8")
    (theme / "static/css/site.css").write_text("/* v2 */\n", encoding="utf-8")
    subprocess.run(build, env=env, check=True, cwd=tmp_path)
    public = read_tree(root / "public")
    assert b"<!-- v2 -->" in public["404.html"]
    assert public["css/site.css"] == b"/* v2 */\n"


def test_theme_list_marks_what_the_project_overrides(make_site: Site) -> None:
    root = make_site({"templates/base.html": "x", "static/css/site.css": "y"})
    lines = run_cli("theme", "list", "--root", str(root)).out.splitlines()
    assert len(lines) == sum(len(theme_files(kind)) for kind in FOLDERS)
    assert "templates/base.html  (overridden by templates/base.html)" in lines
    assert "static/css/site.css  (overridden by static/css/site.css)" in lines
    assert "templates/article.html" in lines and "archetypes/default.md" in lines


def test_theme_copy_writes_the_whole_theme_and_never_overwrites_unasked(tmp_path: Path) -> None:
    run = run_cli("theme", "copy", "--into", str(tmp_path / "mine"))
    assert run.code == 0, run.err
    copied = read_tree(tmp_path / "mine")
    assert copied == {f"{kind}/{rel}": path.read_bytes() for kind in FOLDERS for rel, path in theme_files(kind)}
    (tmp_path / "mine/templates/base.html").write_text("edited", encoding="utf-8")
    again = run_cli("theme", "copy", "--into", str(tmp_path / "mine"))
    assert again.code == 2
    assert again.err.startswith(f"{tmp_path / 'mine'}: error: {len(copied)} theme file(s) already exist here ")
    assert (tmp_path / "mine/templates/base.html").read_text(encoding="utf-8") == "edited"
    assert run_cli("theme", "copy", "--into", str(tmp_path / "mine"), "--force").code == 0
    assert read_tree(tmp_path / "mine") == copied


def test_a_project_built_from_a_copied_theme_gives_the_same_site(make_site: Site) -> None:
    plain = make_site({"content/2019/a.md": article("A")})
    copied = make_site({"content/2019/a.md": article("A")})
    assert run_cli("theme", "copy", "--into", str(copied)).code == 0
    assert build_site(plain).code == 0 and build_site(copied).code == 0
    assert read_tree(plain / "public") == read_tree(copied / "public")


def test_the_theme_is_inside_the_package() -> None:
    assert (REPO / "sitegen" / "theme").resolve() == THEME
    assert {kind for kind in FOLDERS if theme_files(kind)} == set(FOLDERS)
