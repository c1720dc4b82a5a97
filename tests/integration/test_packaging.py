"""The packaging and set-up files agree with each other and with what the README says.

- .ci/run runs exactly the README's test line, with the pinned versions of constraints/test.txt;
- the pins cover every test tool and satisfy pyproject.toml's ranges;
- the metadata is PEP 639's (an SPDX license string and its file) and the version is in one place;
- every npm package in the lock runs on the Node that is here (CI's Node 20).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import sitegen.version
from tests.support.tools import missing_tool

REPO = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def _readme_block_with(word: str) -> str:
    """The one-line fenced block of README's "Set up" that mentions `word`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    blocks = [b.strip() for b in re.findall(r"```\n(.*?)```", setup, re.DOTALL) if word in b]
    assert len(blocks) == 1, blocks
    return blocks[0]


def _pins() -> dict[str, str]:
    text = (REPO / "constraints/test.txt").read_text(encoding="utf-8")
    return {canonicalize_name(name): version
            for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, re.MULTILINE)}


def test_ci_runs_exactly_the_readmes_test_line() -> None:
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    commands = re.findall(r'^TEST_COMMAND="(.*)"$', ci, re.MULTILINE)
    assert commands == [_readme_block_with("pytest")]
    assert 'bash -c "$TEST_COMMAND"' in ci
    assert 'export PIP_CONSTRAINT="$PWD/constraints/test.txt"' in ci


def test_readme_set_up_lines_make_a_virtual_environment_first() -> None:
    for word in ("build.py", "pytest"):
        line = _readme_block_with(word)
        assert line.startswith("python3 -m venv .venv && .venv/bin/pip install -e ")
        assert "&& .venv/bin/python " in line


def test_constraints_pin_every_test_tool_within_pyprojects_ranges() -> None:
    pins = _pins()
    project = PYPROJECT["project"]
    extras = project["optional-dependencies"]
    for text in [*project["dependencies"], *extras["test"], *extras["import"]]:
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name == canonicalize_name(project["name"]):
            continue  # the test extra names the package itself, for its `import` extra (in the list)
        assert name in pins, f"{name} is not pinned in constraints/test.txt"
        assert requirement.specifier.contains(pins[name], prereleases=True), (name, pins[name])


def test_extras_split_test_tools_from_the_benchs_peers() -> None:
    extras = {name: {canonicalize_name(Requirement(r).name) for r in requirements}
              for name, requirements in PYPROJECT["project"]["optional-dependencies"].items()}
    assert {"pytest", "pytest-playwright", "playwright", "hugo", "ruff", "mypy"} <= extras["test"]
    assert "pelican" not in extras["test"]
    assert extras["bench"] == {"hugo", "pelican"}


def test_metadata_is_pep_639_and_the_version_lives_in_one_place() -> None:
    project = PYPROJECT["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (REPO / "LICENSE").read_text(encoding="utf-8").startswith("MIT License\n")
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639 forbids both
    assert "version" not in project and project["dynamic"] == ["version"]
    assert PYPROJECT["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sitegen.version.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", sitegen.version.__version__)
    assert f"## [{sitegen.version.__version__}]" in (REPO / "CHANGELOG.md").read_text(encoding="utf-8")


def _version(text: str) -> tuple[int, ...]:
    parts = [int(p) if p.isdigit() else 0 for p in text.lstrip("v=").split(".")[:3]]
    return tuple(parts + [0] * (3 - len(parts)))


def _satisfies(version: tuple[int, ...], comparator: str) -> bool:
    """One npm semver comparator (>=, >, <=, <, ^, ~, =, x-ranges, *), as engines fields use them."""
    match = re.fullmatch(r"(>=|<=|>|<|\^|~|=)?\s*v?([\dxX*]+(?:\.[\dxX*]+)*)?", comparator)
    assert match, comparator
    operator, bound = match.group(1) or "", match.group(2) or "*"
    fixed = [p for p in bound.split(".") if p.isdigit()]
    low = _version(".".join(fixed) or "0")
    if operator in ("", "=") and len(fixed) < 3:  # 14.x, 14, *
        return version[:len(fixed)] == low[:len(fixed)]
    if operator == "^":
        return version >= low and version[0] == low[0]
    if operator == "~":
        return version >= low and version[:2] == low[:2]
    compare = {">=": version >= low, ">": version > low, "<=": version <= low, "<": version < low}
    return compare.get(operator, version == low)


def _engine_allows(version: tuple[int, ...], engines: str) -> bool:
    alternatives = [a.strip() for a in engines.split("||")]
    return any(all(_satisfies(version, c) for c in re.findall(r"[<>=^~]*\s*[^\s<>=^~]+", a))
               for a in alternatives)


def test_every_npm_package_runs_on_this_node() -> None:
    node = shutil.which("node")
    if node is None:
        missing_tool("node is not on PATH: CI has Node 20")
    version = _version(subprocess.run([node, "--version"], capture_output=True, text=True,
                                      check=True).stdout.strip())
    lock = json.loads((REPO / "package-lock.json").read_text(encoding="utf-8"))
    refused = {name: spec["engines"]["node"] for name, spec in lock["packages"].items()
               if isinstance(spec.get("engines"), dict) and "node" in spec["engines"]
               and not _engine_allows(version, spec["engines"]["node"])}
    assert refused == {}
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    assert lock["packages"][""]["devDependencies"] == package["devDependencies"]
    assert package["devDependencies"]["lighthouse"].startswith("12.")  # 13 needs Node 22


@pytest.mark.parametrize(("engines", "allowed"), [
    (">=18.16", True), (">=20.19.5", True), (">=22.19", False), ("^20.0.0", True),
    ("6.* || 8.* || >= 10.*", True), (">=16 || 14 >=14.17", True), ("<20", False), ("*", True),
])
def test_engine_ranges_read_as_npm_reads_them(engines: str, allowed: bool) -> None:
    assert _engine_allows((20, 20, 2), engines) is allowed
