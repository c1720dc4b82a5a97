"""When `serve` lets Python's cyclic garbage collector look at the whole heap.

After a build, the site it leaves (the pages, the routes, the template environments) is
what every later build and preview reads; tens of thousands of objects at 4,000
articles, millions at 40,000. Python's full collections walk all of them, holding the
interpreter for 0.2 s at 4,000 articles and seconds at 40,000, at whatever moment the
allocation count says, often while an edit waits for its page (docs/performance.md).

So after each build the surviving objects are frozen (`gc.freeze`): later collections
look only at what is new. Little of the frozen site becomes cyclic garbage, since a
replaced build's site is freed by reference counting (render_pool.Environments.release),
but what does (a replaced build's template environment) is collected in the first quiet
moment, when nobody waits: everything is unfrozen, collected once and frozen again.
"""

from __future__ import annotations

import gc
import time

QUIET_SECONDS = 2.0  # no build for this long: a full collection will not delay an edit


class QuietCollector:
    """Freeze after each build; collect everything once in the next quiet moment."""

    def __init__(self, quiet_seconds: float = QUIET_SECONDS) -> None:
        self.quiet_seconds = quiet_seconds
        self._owed = False  # builds since the last full collection
        self._last_build = 0.0

    def after_build(self, finished: bool) -> None:
        """A build ended; `finished`: it left a site (frozen now), not a cancelled one."""
        if finished:
            gc.freeze()
        self._owed = True
        self._last_build = time.monotonic()

    def when_quiet(self) -> bool:
        """Collect everything if a build left garbage and none ran for `quiet_seconds`;
        True when it did."""
        if not self._owed or time.monotonic() - self._last_build < self.quiet_seconds:
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        self._owed = False
        return True

    def stop(self) -> None:
        """The server stops: the process's objects are collectable as before."""
        gc.unfreeze()
