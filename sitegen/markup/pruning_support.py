"""Whether this Python-Markdown still has the private hooks the pruning extensions rely on.

Why: inline_pruning.py overrides the name-mangled `InlineProcessor.__handleInline`, calls
`__applyPattern`, and reads `Registry._sort`, `._priority` and `._data`, none of which is
Python-Markdown's public API. pyproject.toml bounds the version (`markdown<3.12`), but an
installation may carry another one (a distribution's package, a forced upgrade). Pruning
only saves time, so without its hooks conversion must go on without it, not fail: the
converter then leaves both pruning extensions out (markdown.py), and the user is told once
per process, on standard error, since the build would otherwise just be slower for no
visible reason.

The check looks at the library's classes only, never at our code, and is done once per
process; the build calls `warn_if_unsupported()` before it forks workers, which inherit
the fact that the warning was given.
"""

from __future__ import annotations

import inspect
import sys
from functools import lru_cache
from typing import Any, TextIO

import markdown
from markdown.treeprocessors import InlineProcessor
from markdown.util import Registry

TESTED = ">=3.5,<3.12"  # as in pyproject.toml

# (owner, attribute, how it is called: the positional arguments, `self` first). The library
# calls `__handleInline` with one or two arguments, and so must our override be called.
_METHODS: tuple[tuple[type, str, tuple[tuple[object, ...], ...]], ...] = (
    (InlineProcessor, "_InlineProcessor__handleInline", ((None, ""), (None, "", 0))),
    (InlineProcessor, "_InlineProcessor__applyPattern", ((None, None, "", 0, 0),)),
    (InlineProcessor, "run", ((None, None, None),)),
    (Registry, "_sort", ((None,),)),
)
_HANDLE_INLINE_ARITY = 3  # self, data, patternIndex: the override takes no more

_warned = False


def _method_problem(owner: type, name: str, calls: tuple[tuple[object, ...], ...]) -> str | None:
    """Whether the method exists and takes the arguments it is given, in the same places."""
    method = getattr(owner, name, None)
    label = f"{owner.__name__}.{name.replace('_InlineProcessor', '')}"
    if not callable(method):
        return f"{label} is missing"
    try:
        signature = inspect.signature(method)
        for arguments in calls:
            signature.bind(*arguments)
    except (TypeError, ValueError):
        return f"{label} takes other arguments"
    positional = [p for p in signature.parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if name.endswith("__handleInline") and len(positional) != _HANDLE_INLINE_ARITY:
        return f"{label} takes other arguments"
    return None


def _registry_problem() -> str | None:
    """The registry's private fields, as inline_pruning._prioritised reads them."""
    registry: Any = Registry()  # Any: the stubs rightly leave the private fields out
    registry.register(object(), "probe", 1.0)
    try:
        registry._sort()  # the fields checked here are private
        item = registry._priority[0]
        if (item.name, item.priority) != ("probe", 1.0) or "probe" not in registry._data:
            return "Registry keeps its items differently"
    except (AttributeError, IndexError, TypeError):
        return "Registry._priority or Registry._data is missing"
    return None


def _calls_hook() -> str | None:
    """The library's `run` must still reach the overridden `__handleInline` by its mangled name."""
    code = getattr(InlineProcessor.run, "__code__", None)
    if code is None or "_InlineProcessor__handleInline" not in code.co_names:
        return "InlineProcessor.run no longer calls __handleInline"
    return None


@lru_cache(maxsize=1)
def missing_hooks() -> tuple[str, ...]:
    """What is missing or changed; empty when pruning can run."""
    problems = [_method_problem(*method) for method in _METHODS]
    problems += [_registry_problem(), _calls_hook()]
    return tuple(problem for problem in problems if problem)


def pruning_supported() -> bool:
    return not missing_hooks()


def warning_text() -> str:
    version = getattr(markdown, "__version__", "?")
    return (f"warning: Python-Markdown {version} lacks private hooks the pruning extensions "
            f"rely on ({'; '.join(missing_hooks())}): converting without pruning (same "
            f"output, slower)\n  hint: install a tested version: pip install 'markdown{TESTED}'")


def warn_if_unsupported(err: TextIO | None = None) -> bool:
    """Print the warning once per process when pruning cannot run; return whether it can."""
    global _warned  # once per process; forked workers inherit it
    if pruning_supported():
        return True
    if not _warned:
        _warned = True
        print(warning_text(), file=err or sys.stderr, flush=True)
    return False
