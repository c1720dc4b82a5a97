"""ruff, mypy and import-linter are part of the test command, under the rules pyproject.toml sets and explains.

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


def test_the_stages_import_downwards_only() -> None:
    """The import-linter contracts in pyproject.toml: the layer order of the stages, the cache
    reached from build/ alone, Python-Markdown from markup/ alone."""
    if importlib.util.find_spec("importlinter") is None:
        missing_tool("import-linter is not installed: pip install -e '.[test]'")
    run = subprocess.run([sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                          "sys.exit(lint_imports(no_cache=True))"], cwd=REPO, capture_output=True,
                         text=True, check=False, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout
