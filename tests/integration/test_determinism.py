"""Two builds of the same input are byte-identical, wherever and whenever they run.

The second build differs from the first in everything that must not matter: the folder,
the order in which the input files were created, their modification times, the hash
seed (set and dict order), the time zone, the clock (a day and a year later), the
working directory, the number of worker processes, and a warm cache and an existing
output folder instead of cold ones. The output, `.sitegen-manifest` included, must not
change by a byte. Run on the real archive and on the benchmark's generated corpus.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.sites import REPO, read_tree

PROJECT = ("config.yaml", "content", "templates", "static", "i18n", "data")

# `build.py`, with the build's clock moved 400 days and 7 hours on.
LATER = """\
import datetime as _dt, sys
import sitegen.commands.build as build_verb
import sitegen.commands.cli as cli

class Later(_dt.datetime):
    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.now(tz) + _dt.timedelta(days=400, hours=7)

build_verb.datetime = Later
sys.exit(cli.main(sys.argv[1:]))
"""


def _corpus_module() -> ModuleType:
    """bench/corpus.py, loaded by path (bench/ is not a package)."""
    name = "bench_corpus_for_determinism"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "corpus.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up while the file runs
        spec.loader.exec_module(module)
    return sys.modules[name]


def project_files(root: Path) -> list[str]:
    """The input files of a project, relative to it, sorted."""
    files = []
    for name in PROJECT:
        path = root / name
        if path.is_file():
            files.append(name)
        elif path.is_dir():
            files += [p.relative_to(root).as_posix() for p in path.rglob("*") if p.is_file()]
    return sorted(files)


def copy_project(source: Path, dest: Path, *, reverse: bool, mtime: float | None = None) -> None:
    """Copy the input files one by one, in sorted or reverse order, with fresh or old times."""
    files = project_files(source)
    for rel in reversed(files) if reverse else files:
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target)
        if mtime is not None:
            os.utime(target, (mtime, mtime))


def run_build(root: Path, *, hash_seed: int, tz: str, jobs: int, later: bool = False,
              cwd: Path | None = None) -> None:
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed), "TZ": tz,
           "PYTHONPATH": str(REPO), "PYTHONDONTWRITEBYTECODE": "1"}
    command = ([sys.executable, "-c", LATER, "build"] if later
               else [sys.executable, str(REPO / "build.py")])
    command += ["--root", str(root), "--quiet", "--jobs", str(jobs)]
    run = subprocess.run(command, check=False, cwd=cwd or root, env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, f"{' '.join(command[-6:])}\n{run.stdout}\n{run.stderr}"


def assert_same_tree(first: dict[str, bytes], second: dict[str, bytes], what: str) -> None:
    assert sorted(first) == sorted(second), f"{what}: different files: " + ", ".join(
        sorted(set(first) ^ set(second))[:20])
    differing = [path for path in sorted(first) if first[path] != second[path]]
    if differing:
        path = differing[0]
        diff = difflib.unified_diff(
            first[path].decode("utf-8", "replace").splitlines(),
            second[path].decode("utf-8", "replace").splitlines(), "first/" + path,
            "second/" + path, n=1, lineterm="")
        pytest.fail(f"{what}: {len(differing)} file(s) differ: {', '.join(differing[:10])}\n"
                    + "\n".join(list(diff)[:40]))


def check_two_builds(source: Path, tmp_path: Path, jobs: int = 2) -> dict[str, bytes]:
    """Build `source` twice, as differently as allowed; return the output."""
    first, second = tmp_path / "first" / "site", tmp_path / "elsewhere" / "b" / "site"
    copy_project(source, first, reverse=False)
    copy_project(source, second, reverse=True, mtime=946_684_800)  # 2000-01-01
    run_build(first, hash_seed=1, tz="UTC", jobs=1)
    time.sleep(1.1)  # a timestamp with seconds would now differ too
    run_build(second, hash_seed=2, tz="Asia/Tokyo", jobs=jobs, later=True, cwd=tmp_path)
    built = read_tree(first / "public")
    assert ".sitegen-manifest" in built and len(built) > 10
    assert_same_tree(built, read_tree(second / "public"), "two clean builds")
    run_build(first, hash_seed=3, tz="America/Los_Angeles", jobs=jobs)  # warm cache, old output
    assert_same_tree(built, read_tree(first / "public"), "a clean build and a rebuild")
    return built


def test_real_archive_builds_are_byte_identical(tmp_path: Path) -> None:
    built = check_two_builds(REPO, tmp_path)
    assert any(path.endswith("/index.html") and path.count("/") >= 2 for path in built)


def _corpus(tmp_path: Path, articles: int) -> Path:
    source = tmp_path / "corpus"
    _corpus_module().generate(source, articles, seed=7, flavor="ours")
    return source


@pytest.mark.parametrize("articles", [
    # The normal run: ~450 pages, past render_pool.PARALLEL_THRESHOLD, so the --jobs 2
    # builds render in forked workers and are compared with the serial --jobs 1 build.
    pytest.param(240, id="240"),
    pytest.param(500, id="500", marks=pytest.mark.slow),  # ~35 s on two busy cores
])
def test_generated_corpus_builds_are_byte_identical(articles: int, tmp_path: Path) -> None:
    built = check_two_builds(_corpus(tmp_path, articles), tmp_path)
    assert sum(path.endswith("/index.html") for path in built) > articles


def test_three_renderers_build_the_same_site_as_one(tmp_path: Path) -> None:
    """With --jobs 3, one fork renders the lists and derived files while this process and a
    second fork share the articles from a queue: the site is the one a serial build makes."""
    source = _corpus(tmp_path, 240)
    serial, forked = tmp_path / "serial" / "site", tmp_path / "forked" / "site"
    copy_project(source, serial, reverse=False)
    copy_project(source, forked, reverse=True)
    run_build(serial, hash_seed=1, tz="UTC", jobs=1)
    run_build(forked, hash_seed=2, tz="UTC", jobs=3)
    assert_same_tree(read_tree(serial / "public"), read_tree(forked / "public"), "serial and 3 renderers")
