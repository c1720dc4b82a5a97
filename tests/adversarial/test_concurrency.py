"""One build at a time, and always recoverable (issue 14, item 4).

Real builds of `build.py` in their own processes: killed with SIGKILL at chosen points
(`SITEGEN_TEST_KILL_AT`, see sitegen/output/faults.py) or while Pagefind runs, held
stopped at a point (`SITEGEN_TEST_STOP_AT`) while a second build or `serve` starts,
run over an output made read-only, and with a Pagefind that never ends. After each,
a normal build must succeed and give output byte-identical to a clean build.
"""

from __future__ import annotations

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.sites import REPO, article, read_tree, write_site

ARTICLES = {f"content/2019/a{n}.md": article(f"Article {n}", body=f"Text number {n}.") for n in range(6)}
POINTS = ("staging", "rendered", "indexing", "exchanged", "renamed-away")  # see sitegen/output/faults.py
HAS_PAGEFIND = shutil.which("pagefind_extended") is not None or bool(
    __import__("importlib").util.find_spec("pagefind_bin_extended"))


def _command(root: Path, *args: str) -> list[str]:
    return [sys.executable, str(REPO / "build.py"), *args, "--root", str(root)]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SITEGEN_TEST_")}
    return {**env, **extra}


def _build(root: Path, *args: str, env: dict[str, str] | None = None,
           prefix: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*prefix, *_command(root, "build", *args)], capture_output=True, text=True,
                          env=env or _env(), timeout=300, check=False)


def _start(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(_command(root, *args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env or _env())


def _site(tmp_path: Path, name: str = "site") -> Path:
    return write_site(tmp_path / name, dict(ARTICLES))


def _edit(root: Path, text: str) -> None:
    (root / "content/2019/a1.md").write_text(article("Article 1", body=text), encoding="utf-8")


def _clean(root: Path) -> dict[str, bytes]:
    """The site a clean build (no cache, new output folder) makes of `root`'s sources now."""
    clean = root.parent / (root.name + "-clean")
    shutil.rmtree(clean, ignore_errors=True)
    shutil.copytree(root, clean, ignore=shutil.ignore_patterns("public", ".cache", ".public*"))
    run = _build(clean, "--no-cache")
    assert run.returncode == 0, run.stderr
    return read_tree(clean / "public")


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public"))


def _wait_stopped(process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until the process has stopped itself (SIGSTOP) at its checkpoint."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        state = Path(f"/proc/{process.pid}/stat").read_text().rpartition(")")[2].split()[0]
        if state == "T":
            return
        time.sleep(0.02)
    raise AssertionError("the build never reached its checkpoint")


def _read_line(stream: object, timeout: float) -> str:
    assert hasattr(stream, "fileno") and hasattr(stream, "readline")
    ready, _, _ = select.select([stream], [], [], timeout)
    return stream.readline() if ready else ""


@pytest.fixture
def held(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A built site, and a second build of an edit held stopped after rendering, holding the lock."""
    root = _site(tmp_path)
    assert _build(root).returncode == 0
    _edit(root, "Edited while another build waits.")
    first = _start(root, "build", env=_env(SITEGEN_TEST_STOP_AT="rendered"))
    try:
        _wait_stopped(first)
        yield root, first
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGCONT)
            first.wait(timeout=120)


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
@pytest.mark.parametrize("point", POINTS)
def test_a_build_killed_at_any_point_is_recovered_by_the_next(point: str, cache: bool, tmp_path: Path) -> None:
    if point == "indexing" and not HAS_PAGEFIND:
        pytest.skip("Pagefind is not installed")
    root = _site(tmp_path)
    options = () if cache else ("--no-cache",)
    assert _build(root, *options).returncode == 0
    before = read_tree(root / "public")
    _edit(root, f"Edited, then killed at {point}.")
    env = _env(SITEGEN_TEST_KILL_AT=point, SITEGEN_TEST_NO_EXCHANGE="1" if point == "renamed-away" else "0")
    killed = _build(root, *options, env=env)
    assert killed.returncode == -signal.SIGKILL
    if point in ("staging", "rendered", "indexing"):
        assert read_tree(root / "public") == before  # the old site stands until the swap
    run = _build(root, *options)
    assert (run.returncode, run.stderr) == (0, "")
    assert read_tree(root / "public") == _clean(root)
    assert _leftovers(root) == []


@pytest.mark.skipif(not HAS_PAGEFIND, reason="Pagefind is not installed")
@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
def test_a_build_killed_while_pagefind_runs_is_recovered_by_the_next(cache: bool, tmp_path: Path) -> None:
    """The case that left debris and made every later build fail with SameFileError."""
    root = _site(tmp_path)
    options = () if cache else ("--no-cache",)
    assert _build(root, *options).returncode == 0
    _edit(root, "Edited, then killed while indexing.")
    process = _start(root, "build", *options)
    work = root / ".public.staging" / ".sitegen-search" / "site"
    deadline = time.monotonic() + 120
    while not work.is_dir() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    process.kill()
    process.communicate()
    run = _build(root, *options)
    assert (run.returncode, run.stderr) == (0, "")
    assert read_tree(root / "public") == _clean(root)


def _without_root_override() -> tuple[str, ...]:
    """Run as root without the capabilities that ignore file modes, so chmod counts."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without setpriv: file modes cannot be made to count")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")


@pytest.mark.parametrize("cache", [True, False], ids=["cache", "no-cache"])
@pytest.mark.parametrize("how", ["-R", "top"], ids=["whole-tree", "top-folder"])
def test_builds_over_a_read_only_output_keep_working(how: str, cache: bool, tmp_path: Path) -> None:
    """Once failed with FileExistsError on every build after the first."""
    prefix = _without_root_override()
    root = _site(tmp_path)
    options = () if cache else ("--no-cache",)
    assert _build(root, *options, prefix=prefix).returncode == 0
    subprocess.run(["chmod", *(["-R"] if how == "-R" else []), "a-w", str(root / "public")], check=True)
    for n in range(3):
        _edit(root, f"Edit number {n} over a read-only site.")
        run = _build(root, *options, prefix=prefix)
        assert (run.returncode, run.stderr) == (0, ""), n
        assert read_tree(root / "public") == _clean(root)
    assert _leftovers(root) == []


def test_a_second_build_with_no_wait_refuses_clearly(held: tuple[Path, subprocess.Popen[str]]) -> None:
    root, first = held
    before = read_tree(root / "public")
    run = _build(root, "--no-wait")
    assert (run.returncode, run.stderr) == (3, (f"error: another build of this project is running (pid "
                                               f"{first.pid})\n  hint: wait for it to finish, or build without "
                                               "--no-wait to wait for it\n"))
    assert read_tree(root / "public") == before


def test_a_second_build_waits_and_both_end_well(held: tuple[Path, subprocess.Popen[str]]) -> None:
    root, first = held
    second = _start(root, "build")
    line = _read_line(second.stderr, 60)
    assert line == (f"another build of this project is running (pid {first.pid}); waiting for it to "
                    "finish... (use --no-wait to fail instead)\n")
    time.sleep(0.5)
    assert second.poll() is None  # still waiting
    first.send_signal(signal.SIGCONT)
    assert first.wait(timeout=120) == 0
    _out, err = second.communicate(timeout=120)
    assert (second.returncode, err) == (0, "")
    assert read_tree(root / "public") == _clean(root)
    assert _leftovers(root) == []


def test_check_does_not_wait_for_a_build(held: tuple[Path, subprocess.Popen[str]]) -> None:
    """check writes nothing, so it takes no lock."""
    root, _ = held
    run = subprocess.run(_command(root, "check"), capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_shares_the_lock_with_build(held: tuple[Path, subprocess.Popen[str]]) -> None:
    root, first = held
    port = _free_port()
    server = _start(root, "serve", "--port", str(port))
    try:
        line = _read_line(server.stderr, 60)
        assert line == (f"another build of this project is running (pid {first.pid}); waiting for it to "
                        "finish... (use --no-wait to fail instead)\n")
        first.send_signal(signal.SIGCONT)
        assert first.wait(timeout=120) == 0
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/2019/article-1/", timeout=5) as response:
                    assert b"Edited while another build waits." in response.read()
                    break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.1)
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=60)


FAKE_PAGEFIND = """\
#!/bin/sh
if [ "$1" = "--version" ]; then echo "pagefind 1.5.2"; exit 0; fi
exec sleep 120
"""


def test_a_pagefind_that_never_ends_is_stopped_with_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "fake"
    (fake / "pagefind_bin_extended").mkdir(parents=True)
    binary = fake / "pagefind_extended"
    binary.write_text(FAKE_PAGEFIND, encoding="utf-8")
    binary.chmod(0o755)
    (fake / "pagefind_bin_extended" / "__init__.py").write_text(
        f"def get_executable():\n    return {str(binary)!r}\n", encoding="utf-8")
    root = _site(tmp_path)
    (root / "config.yaml").write_text((root / "config.yaml").read_text(encoding="utf-8")
                                      + "search:\n  timeout: 1\n", encoding="utf-8")
    env = _env(PYTHONPATH=os.pathsep.join([str(fake), str(REPO)]))
    started = time.monotonic()
    run = _build(root, env=env)
    assert time.monotonic() - started < 60
    assert (run.returncode, run.stderr) == (1, ("error: search indexing stopped: pagefind --force-language en did not "
                                               "finish within 1 s\n  hint: raise search.timeout in config.yaml if "
                                               "the site is large, or set search.enabled: false to build without "
                                               "search; the previous site was left as it was\n"))
    assert not (root / "public").exists() and _leftovers(root) == []
    again = _build(root, "--no-wait", env=env)  # the stopped Pagefind does not hold the lock
    assert again.returncode == 1 and "did not finish within 1 s" in again.stderr


def test_an_output_in_a_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    prefix = _without_root_override()
    root = _site(tmp_path)
    (root / "ro").mkdir()
    (root / "ro").chmod(0o555)
    run = _build(root, "--output", "ro/site", prefix=prefix)
    assert (run.returncode, run.stderr) == (1, ("ro/.site.staging: error: cannot write the site here: Permission "
                                               "denied\n  hint: check that you may write to this folder and that the "
                                               "disk has room; the previous site was left as it was\n"))
