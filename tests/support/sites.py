"""Build mini-sites inside a test: every input visible in the test, the real CLI in-process.

`make_site({"content/2019/x.md": "..."})` writes a project into a temporary folder
with the repository's own templates and static files (unless the test gives its own),
and `build_site(root, ...)` runs `main(["build", ...])` and returns what it printed.
"""

from __future__ import annotations

import io
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from sitegen.commands.cli import main

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


def write_site(root: Path, files: dict[str, str | bytes], theme: bool = True) -> Path:
    """Write `files` under root, with config.yaml and the repository theme by default."""
    root.mkdir(parents=True, exist_ok=True)
    if theme:
        for folder in ("templates", "static", "i18n"):
            if not any(name.startswith(folder + "/") for name in files):
                shutil.copytree(REPO / folder, root / folder, dirs_exist_ok=True)
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


def run_cli(*args: str) -> Run:
    """Run the command line in-process and capture what it prints."""
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), stdout=out, stderr=err)
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

    def make(files: dict[str, str | bytes], theme: bool = True) -> Path:
        return write_site(tmp_path / f"site{next(counter)}", files, theme)

    return make


def article(title: str = "An article", date: str = "2019-07-07", body: str = "Some text.",
            **fields: str) -> str:
    """A Markdown file with YAML front matter: the smallest valid article, plus `fields`."""
    lines = ["---", f"title: {title}", f"date: {date}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join(lines) + "\n---\n" + body + "\n"
