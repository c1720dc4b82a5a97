"""Run Pagefind's command-line indexer: find the binary, ask its version, index one folder.

The command line, not Pagefind's Python API: the API's service client waits a tenth of a
second for every reply it reads (200 pages took 20 s), while one CLI run indexes a
shard of a few hundred pages in about a second, on every core. Every run has a time limit
(`search.timeout`), and runs without PAGEFIND_* variables or a project pagefind.yml.
"""

from __future__ import annotations

import importlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from sitegen.config.tools import configured_tool, not_executable
from sitegen.errors import BuildCancelled, BuildFailed, Diagnostic
from sitegen.output.lock import inherited_fds

VERSION_TIMEOUT = 30  # seconds for `pagefind --version`
INSTALL_HINT = ("pip install 'pagefind[extended]' (the extended binary splits Japanese into "
                "words), or set search.enabled: false in config.yaml")


class NothingIndexed(Exception):
    """Pagefind found no page it could index (e.g. pages without an <html> element)."""


def find_pagefind(root: Path | None = None, configured: str = "") -> Path:
    """The Pagefind extended binary: `search.pagefind` when set; else the project's npm
    install (`npm install pagefind`: npm has Pagefind 1.6, whose Japanese needs 11 MB where
    1.5's dictionary takes 340 MB, see docs/search.md); else the `pagefind[extended]`
    Python package; else `pagefind_extended` on PATH. The project's own install comes
    first, as Hugo runs PostCSS from the project's node_modules before PATH."""
    if configured:
        return _configured(root, configured)
    found = _from_node_modules(root) or _from_python_package() or shutil.which("pagefind_extended")
    if found:
        return Path(found)
    raise BuildFailed([Diagnostic("config.yaml", 0, 0, "error",
                                  "search.enabled is true but Pagefind's extended binary is missing",
                                  INSTALL_HINT)])


def _configured(root: Path | None, configured: str) -> Path:
    """`search.pagefind`: a path, relative to the project, or the name of a command on PATH
    (load_config has reported a wrong one with its line; a Config made by hand has not)."""
    path, ok = configured_tool(root, configured)
    if ok:
        return path
    message, hint = not_executable(configured, path)
    raise BuildFailed([Diagnostic("config.yaml", 0, 0, "error", message, hint)])


def _from_node_modules(root: Path | None) -> str | None:
    """`node_modules/@pagefind/<platform>/bin/pagefind_extended` under the project: what
    `npm install pagefind` puts there for this machine (the binary itself, without Node)."""
    if root is None:
        return None
    system = {"win32": "windows", "darwin": "darwin"}.get(sys.platform, sys.platform.rstrip("0123456789"))
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64"}.get(platform.machine().lower(),
                                                                        platform.machine().lower())
    name = "pagefind_extended.exe" if system == "windows" else "pagefind_extended"
    binary = root / "node_modules" / "@pagefind" / f"{system}-{machine}" / "bin" / name
    return str(binary) if binary.is_file() and os.access(binary, os.X_OK) else None


def _from_python_package() -> str | None:
    try:
        module = importlib.import_module("pagefind_bin_extended")
        return str(module.get_executable())
    except (ImportError, AttributeError, OSError):
        return None


def pagefind_version(pagefind: Path) -> str:
    """`pagefind 1.5.2` -> `1.5.2`."""
    try:
        run = subprocess.run([str(pagefind), "--version"], capture_output=True, text=True, check=False,
                             env=clean_env(), timeout=VERSION_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise timed_out(f"{pagefind.name} --version", VERSION_TIMEOUT) from None
    if run.returncode != 0:
        raise failure(f"{pagefind.name} --version", run.stdout + run.stderr)
    return run.stdout.strip().rpartition(" ")[2]


class Cancel(Protocol):
    """What a run polls to end early (runs.Stop: the build's cancel, or another run failed)."""

    def is_set(self) -> bool: ...


def run_pagefind(pagefind: Path, site: Path, out: Path, language: str, exclude: Sequence[str],
                 timeout: float, cancel: Cancel) -> None:
    """Index the pages under `site` into the bundle `out`, forced to `language`.

    Stopped after `timeout` seconds, or as soon as `cancel` is set (BuildCancelled).
    Pagefind holds the build lock with the build (see output/lock.py): if the build is
    killed, the next one waits for Pagefind to end instead of running beside it.
    """
    command = [str(pagefind), "--site", str(site), "--output-path", str(out),
               "--force-language", language, "--silent"]
    for selector in exclude:
        command += ["--exclude-selectors", selector]
    # cwd: the work folder, so that no pagefind.yml of the project's is picked up
    process = subprocess.Popen(command, cwd=site.parent, env=clean_env(), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, pass_fds=inherited_fds())
    try:
        output = _wait(process, timeout, cancel)
    except subprocess.TimeoutExpired:
        raise timed_out(f"pagefind --force-language {language}", timeout,
                        "raise search.timeout in config.yaml if the site is large, or ") from None
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode in INTERRUPTING:
        raise SearchInterrupted(f"pagefind --force-language {language}", process.returncode)
    if process.returncode != 0 and "not able to build an index" in output:
        raise NothingIndexed(" ".join(output.split())[:300])
    if process.returncode != 0:
        raise failure(f"pagefind --force-language {language}", output)
    refuse_empty_files(out)


def refuse_empty_files(bundle: Path) -> None:
    """Fail on a bundle with empty files: Pagefind ignores failed writes (a full disk) and
    exits 0, and the site would be published with a search that cannot load."""
    empty = sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*")
                   if p.is_file() and p.stat().st_size == 0)
    if empty:
        raise BuildFailed([Diagnostic("", 0, 0, "error", f"search indexing wrote {len(empty)} empty "
                                      f"file(s) ({', '.join(empty[:3])}): the disk is probably full",
                                      "free some space and build again; the previous site was "
                                      "left as it was")])


INTERRUPTING = (-signal.SIGINT, -signal.SIGTERM)  # Popen's return codes for them


class SearchInterrupted(BuildFailed):
    """Pagefind was stopped by SIGINT or SIGTERM, not by a fault of its own: Ctrl+C in a
    terminal reaches it with the rest of the foreground process group. A build reports
    it; `serve` leaves the shards pending instead of saying the build failed as it stops
    (serve/livereload.py)."""

    def __init__(self, what: str, returncode: int) -> None:
        name = signal.Signals(-returncode).name
        super().__init__([Diagnostic("", 0, 0, "error", f"search indexing stopped: {what} was stopped by {name}",
                                     "the previous site was left as it was; build again (Ctrl+C in the "
                                     "terminal stops Pagefind with the build)")])


def _wait(process: subprocess.Popen[str], timeout: float, cancel: Cancel) -> str:
    """Pagefind's output once it ends; TimeoutExpired past `timeout`, BuildCancelled on `cancel`."""
    deadline = time.monotonic() + timeout
    while True:
        if cancel.is_set():
            raise BuildCancelled("search indexing cancelled")
        try:
            return process.communicate(timeout=min(0.05, max(0.0, deadline - time.monotonic())))[0]
        except subprocess.TimeoutExpired:
            if time.monotonic() >= deadline:
                raise


def clean_env() -> dict[str, str]:
    """The environment without PAGEFIND_* variables, which would override our options."""
    return {k: v for k, v in os.environ.items() if not k.upper().startswith("PAGEFIND_")}


def timed_out(what: str, seconds: float, advice: str = "") -> BuildFailed:
    return BuildFailed([Diagnostic("", 0, 0, "error",
                                   f"search indexing stopped: {what} did not finish within {seconds:g} s",
                                   f"{advice}set search.enabled: false to build without search; "
                                   "the previous site was left as it was")])


def failure(what: str, output: str) -> BuildFailed:
    tail = " | ".join(line.strip() for line in output.strip().splitlines()[-5:]) or "no output"
    return BuildFailed([Diagnostic("", 0, 0, "error", f"search indexing failed: {what}: {tail}",
                                   "run the build with --debug; " + INSTALL_HINT)])
