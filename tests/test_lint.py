"""ruff and mypy are part of the test command, under the rules pyproject.toml sets and explains.

Each runs as a subprocess of this Python (`python -m ruff`, `python -m mypy`), so the tools of
the `test` extra are used, with the repository's configuration. A tool that is missing skips
the test on a developer's machine and fails it under CI=true (tests/support/tools.py).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from tests.support.tools import missing_tool

REPO = Path(__file__).resolve().parents[1]
LINTED = ["sitegen", "tests", "scripts", "bench", "build.py"]


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    if importlib.util.find_spec(tool) is None:
        missing_tool(f"{tool} is not installed: pip install -e '.[test]'")
    return subprocess.run([sys.executable, "-m", tool, *args], cwd=REPO, capture_output=True,
                          text=True, check=False, timeout=600)


def test_ruff_finds_nothing() -> None:
    run = _run("ruff", "check", "--no-cache", "--output-format=concise", *LINTED)
    assert run.returncode == 0, run.stdout + run.stderr


def test_mypy_finds_nothing() -> None:
    """mypy over sitegen/ (`files` in [tool.mypy]), with the third-party stubs installed."""
    run = _run("mypy", "--no-incremental", "--cache-dir=/dev/null")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.startswith("Success: no issues found")
