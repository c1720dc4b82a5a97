"""How many examples each fuzz test draws: a few hundred normally, 10,000 in the long run.

Every property runs twice, as ``test_x[normal]`` and as ``test_x[long]`` (marked ``slow``,
so it only runs with ``--run-slow`` or ``-m slow``). ``FUZZ_EXAMPLES`` overrides the
normal count, e.g. ``FUZZ_EXAMPLES=2000 pytest tests/property``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

NORMAL_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "250"))
LONG_EXAMPLES = 10_000

BUDGETS = pytest.mark.parametrize("examples", [
    pytest.param(NORMAL_EXAMPLES, id="normal"),
    pytest.param(LONG_EXAMPLES, id="long", marks=pytest.mark.slow),
])


def run_property(examples: int, strategy: st.SearchStrategy[Any], check: Callable[[Any], None],
                 *explicit: Any) -> None:
    """Check `check` on `examples` draws from `strategy`, plus the `explicit` cases first."""

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(strategy)
    def run(value: Any) -> None:
        check(value)

    for case in reversed(explicit):  # hypothesis runs examples in decorator order
        run = example(case)(run)
    run()
