"""Build mini-sites inside a test: every input visible in the test, the real CLI in-process.

`make_site({"content/2019/x.md": "..."})` writes a project into a temporary folder; its
templates, static files and archetypes are the package's theme (sitegen/theme), which the
files a test gives in `templates/`, `static/` or `archetypes/` override one by one, as in any
project. `build_site(root, ...)` runs `main(["build", ...])` and returns what it printed.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.commands.cli import main
from sitegen.theme import theme_folder

REPO = Path(__file__).resolve().parents[2]

DEFAULT_CONFIG = """\
site:
  title: Test archive
  description: A test site.
  base_url: https://example.org/
  language: en
  author: Test Editors
permalinks:
  default: /:section/:slug/
"""


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def write_site(root: Path, files: dict[str, str | bytes], theme: bool = False) -> Path:
    """Write `files` under root, with a config.yaml unless one is given.

    With `theme`, the project also holds a copy of the theme's templates and static files
    (as `treaty-archive theme copy` makes), for tests that break one of the project's own
    files; a folder `files` writes into is left to them."""
    root.mkdir(parents=True, exist_ok=True)
    if theme:
        for folder in ("templates", "static", "i18n"):
            if not any(name.startswith(folder + "/") for name in files):
                shutil.copytree(theme_folder(folder), root / folder, dirs_exist_ok=True)
    if "config.yaml" not in files:
        (root / "config.yaml").write_text(DEFAULT_CONFIG, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
    (root / "content").mkdir(exist_ok=True)
    return root


def override(root: Path, rel: str) -> Path:
    """Copy the theme's file `rel` (e.g. "templates/article.html") into the project, as an
    editor does to change it (docs/templates.md); return the project's copy."""
    kind, _, name = rel.partition("/")
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(theme_folder(kind) / name, target)
    return target


def run_cli(*args: str) -> Run:
    """Run the command line in-process, as the installed `treaty-archive`, and capture what
    it prints (argparse's own --help and --version output goes to sys.stdout: use capsys)."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err, prog="treaty-archive")
    return Run(code, out.getvalue(), err.getvalue())


def build_site(root: Path, *args: str) -> Run:
    return run_cli("build", "--root", str(root), *args)


def read_tree(folder: Path) -> dict[str, bytes]:
    """Every file under folder with its bytes, for whole-site comparisons."""
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def make_site(tmp_path: Path) -> Callable[..., Path]:
    counter = iter(range(1000))

    def make(files: dict[str, str | bytes]) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", files)

    return make


def article(title: str = "An article", date: str = "2019-07-07", body: str = "Some text.",
            **fields: str) -> str:
    """A Markdown file with YAML front matter: the smallest valid article, plus `fields`."""
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"
