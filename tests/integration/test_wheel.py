"""The wheel a user installs is enough: build it, install it into a clean virtual environment
outside the repository, and start, build, check and serve an archive with it.

This is the README's promise for someone who has only the package: the theme, the
archetypes and the shortcodes must be in the wheel, the dependencies declared, and the
`treaty-archive` command must name itself. The wheel is built from a copy of the package's
sources (as `python -m build` builds from an sdist), so the repository's own folders can
neither help nor be changed. It takes a minute or two, most of it pip installing the
dependencies; off CI it skips when `build` or `venv` is missing, never under CI=true.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

import sitegen.version
from sitegen.theme import FOLDERS, theme_files
from tests.support.tools import missing_tool

REPO = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "sitegen")


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the wheel, the bin folder of a fresh venv it is installed in), both outside the repo."""
    work = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    for module in ("build", "venv"):  # asked outside the repository, whose build.py would answer
        probe = subprocess.run([sys.executable, "-m", module, "--help"], cwd=work, env=env,
                               capture_output=True, check=False)
        if probe.returncode != 0:
            missing_tool(f"python -m {module} is not available: pip install -e '.[test]'")
    source = work / "source"
    source.mkdir()
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(REPO / name, source / name)
    _run([sys.executable, "-m", "build", "--wheel", "--outdir", str(work / "dist"), str(source)], work, env)
    wheel = next((work / "dist").glob("*.whl"))
    _run([sys.executable, "-m", "venv", str(work / "venv")], work, env)
    bin_dir = work / "venv" / "bin"
    _run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", str(wheel)], work, env)
    yield wheel, bin_dir


def _run(command: list[str], cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run outside the repository, with no path back to its sources; fail with its output."""
    environment = env if env is not None else {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True,
                          timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(command)}\n{done.stdout}\n{done.stderr}"
    return done


def test_the_wheel_carries_the_theme_and_the_metadata(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = archive.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    expected = {f"sitegen/theme/{kind}/{rel}" for kind in FOLDERS for rel, _ in theme_files(kind)}
    assert expected <= names
    assert {"sitegen/theme/templates/base.html", "sitegen/theme/templates/shortcodes/figure.html",
            "sitegen/theme/static/css/site.css", "sitegen/theme/archetypes/default.md"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert f"\nVersion: {sitegen.version.__version__}\n" in metadata
    assert "\nLicense-Expression: MIT\n" in metadata


def test_init_build_check_and_serve_with_the_installed_command(installed: tuple[Path, Path],
                                                               tmp_path: Path) -> None:
    _, bin_dir = installed
    command = str(bin_dir / "treaty-archive")
    assert _run([command, "--version"], tmp_path).stdout == f"treaty-archive {sitegen.version.__version__}\n"
    assert _run([command, "init", "archive"], tmp_path).stdout.startswith("created archive: config.yaml")
    site = tmp_path / "archive"
    built = _run([command, "build"], site)
    assert re.fullmatch(r"Built \d+ pages \(\d+ files: .*\) into public/ in [\d.]+ s\n", built.stdout)
    public = site / "public"
    for page in ("index.html", "about/index.html", "tags/getting-started/index.html", "404.html",
                 "css/site.css", "feed.xml", "sitemap.xml", "pagefind/sitegen-search.json"):
        assert (public / page).is_file(), page
    assert "Welcome to the archive" in (public / "index.html").read_text(encoding="utf-8")
    checked = _run([command, "check", "--strict"], site)
    assert checked.stdout == "check: 0 error(s), 0 warning(s)\n"
    assert _run([command, "new", "Second article"], site).stdout.startswith("created content/")
    helped = _run([command, "new", "--help"], site)
    assert helped.stdout.startswith("usage: treaty-archive new [-h]")
    _serve_once(command, site)


def _serve_once(command: str, site: Path) -> None:
    """`serve` answers with the built home page, then stops on Ctrl+C."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    process = subprocess.Popen([command, "serve", "--port", "0"], cwd=site, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None
        url = None
        for line in process.stdout:
            found = re.search(r"http://127\.0\.0\.1:\d+/", line)
            if found:
                url = found.group(0)
                break
        assert url is not None, process.stderr.read() if process.stderr else ""
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert "Welcome to the archive" in response.read().decode("utf-8")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
