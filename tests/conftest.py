"""Test configuration: fixture plugins, and `slow` tests kept out unless asked for."""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

# Hypothesis's explain phase traces every line the failing example runs; on a converter it
# grew to the machine's whole memory and the kernel killed the run, hiding the failure. The
# shrunk example is what a reader needs, so the phase is left out.
settings.register_profile("project", phases=[p for p in Phase if p is not Phase.explain])
settings.load_profile("project")

pytest_plugins = ["tests.support.fixtures", "tests.support.sites"]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--run-slow", action="store_true", default=False,
                     help="also run tests marked slow (deselected by default)")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Deselect `slow` tests unless --run-slow is given or `-m` names `slow`."""
    if config.getoption("--run-slow") or "slow" in (config.getoption("markexpr") or ""):
        return
    slow = [item for item in items if item.get_closest_marker("slow")]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if not item.get_closest_marker("slow")]
