""".github/workflows/pages.yml: valid YAML, commands the CLI has, the cache where the config puts it.

A workflow is only run on GitHub, where a typo shows after a push; these tests catch the
mistakes that can be caught here: a step that calls a command or an option the CLI does not
have, a cache path that is not the build's cache folder, an artifact that is not its output.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from sitegen.commands.cli import COMMANDS, make_parser
from sitegen.config.settings import load_config
from tests.support.sites import run_cli

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github/workflows/pages.yml"
CLI_PROGRAMS = ("treaty-archive", "build.py")


def _workflow() -> dict[Any, Any]:
    loaded = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def _steps() -> list[dict[str, Any]]:
    return [step for job in _workflow()["jobs"].values() for step in job.get("steps", [])]


def _cli_calls() -> list[list[str]]:
    """The arguments of every `run:` line that calls the CLI, `${{ }}` expressions filled in."""
    calls = []
    for step in _steps():
        for line in str(step.get("run", "")).splitlines():
            filled = re.sub(r"\$\{\{[^}]*\}\}", "https://owner.github.io/repo", line)
            words = shlex.split(filled)
            for at, word in enumerate(words):
                if Path(word).name in CLI_PROGRAMS:
                    calls.append(words[at + 1:])
    return calls


def test_the_workflow_is_a_pages_deployment() -> None:
    workflow = _workflow()
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert on["push"]["branches"] == ["main"]
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    uses = [step.get("uses", "").split("@")[0] for step in _steps()]
    assert uses.index("actions/configure-pages") < uses.index("actions/upload-pages-artifact")
    assert uses[-1] == "actions/deploy-pages"
    assert workflow["jobs"]["deploy"]["needs"] == "build"


def test_the_build_is_strict_and_checked_first() -> None:
    calls = _cli_calls()
    verbs = [call[0] for call in calls]
    assert verbs == ["check", "build"]
    assert all("--strict" in call for call in calls)


def test_every_cli_call_in_the_workflow_exists(capsys: pytest.CaptureFixture[str]) -> None:
    for call in _cli_calls():
        assert call[0] in COMMANDS, call
        assert run_cli(call[0], "--help").code == 0
        assert capsys.readouterr().out.startswith(f"usage: treaty-archive {call[0]} ")
        with contextlib.redirect_stderr(io.StringIO()) as err:
            try:
                make_parser("treaty-archive").parse_args(call)
            except SystemExit:
                pytest.fail(f"the CLI refuses {shlex.join(call)}: {err.getvalue()}")


def test_the_cache_is_the_configs_cache_folder_and_the_artifact_its_output() -> None:
    config = load_config(REPO)
    cache = [s for s in _steps() if s.get("uses", "").startswith("actions/cache@")]
    assert len(cache) == 1
    paths = cache[0]["with"]["path"].split()
    assert paths == [config.paths.cache, f"!{config.paths.cache}/spare-site"]
    assert cache[0]["with"]["key"].startswith("site-")
    assert cache[0]["with"]["restore-keys"].strip() == "site-${{ runner.os }}-"
    artifact = [s for s in _steps() if s.get("uses", "").startswith("actions/upload-pages-artifact@")]
    assert artifact[0]["with"]["path"] == config.paths.output


def test_the_cache_key_covers_every_input_folder_of_the_config() -> None:
    config = load_config(REPO)
    key = next(s for s in _steps() if s.get("uses", "").startswith("actions/cache@"))["with"]["key"]
    for folder in (config.paths.content, config.paths.templates, config.paths.static,
                   config.paths.archetypes):
        assert f"'{folder}/**'" in key
    assert "'config.yaml'" in key and "'published-urls.txt'" in key


def test_the_readme_points_to_the_workflow() -> None:
    assert ".github/workflows/pages.yml" in (REPO / "README.md").read_text(encoding="utf-8")
