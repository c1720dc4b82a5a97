"""When `serve` lets Python's cyclic garbage collector look at the whole heap.

After a build, the site it leaves (the pages, the routes, the template environments) is
what every later build and preview reads; tens of thousands of objects at 4,000
articles, millions at 40,000. Python's full collections walk all of them, holding the
interpreter for 0.2 s at 4,000 articles and seconds at 40,000, at whatever moment the
allocation count says, often while an edit waits for its page (docs/performance.md).

So after each build the surviving objects are frozen (`gc.freeze`): later collections
look only at what is new. While a build runs, automatic collections are held off
(`paused`): a build allocates the next site, millions of objects at 40,000 articles, none
of them frozen yet, and every full collection the allocations set off walked all of
them again; a third of an edit's build went there (py-spy, 40,000 articles). What a
build leaves as cyclic garbage waits for the quiet moment below.

Little of the frozen site becomes cyclic garbage, since a replaced build's site is freed
by reference counting (render_pool.Environments.release), but what does (a replaced
build's template environment) is collected in a quiet moment, when nobody is likely to
wait: everything is unfrozen, collected once and frozen again.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager

QUIET_SECONDS = 2.0  # no build for this long: a quiet moment
OWED_BUILDS = 10  # builds whose leftovers make a quiet moment worth a full collection
IDLE_SECONDS = 30.0  # no build for this long: collect whatever is owed


class QuietCollector:
    """Freeze after each build; collect everything once in a quiet moment, when enough
    builds left garbage (OWED_BUILDS) or the server has been idle (IDLE_SECONDS).

    A full collection cannot be interrupted: 1 to 2 s at 40,000 articles. Collecting after
    every build, two seconds after it, met the next edit more often than not when an
    editor saves every few seconds; each build now leaves little garbage (a template
    environment), so ten of them may wait."""

    def __init__(self, quiet_seconds: float = QUIET_SECONDS, owed_builds: int = OWED_BUILDS,
                 idle_seconds: float = IDLE_SECONDS) -> None:
        self.quiet_seconds, self.owed_builds, self.idle_seconds = quiet_seconds, owed_builds, idle_seconds
        self._owed = 0  # builds since the last full collection
        self._built = False  # a build has finished (the start-up's)
        self._last_build = 0.0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """No automatic collection while a build runs (see the module docstring); as it
        was before once the build is over, however it ends."""
        enabled = gc.isenabled()
        gc.disable()
        try:
            yield
        finally:
            if enabled:
                gc.enable()

    def after_build(self, finished: bool) -> None:
        """A build ended; `finished`: it left a site (frozen now), not a cancelled one. The
        first (start-up) renders every page it has to and leaves the most free memory
        behind: that is handed back to the system (`release_free_memory`)."""
        if finished:
            gc.freeze()
            if not self._built:
                release_free_memory()
            self._built = True
        self._owed += 1
        self._last_build = time.monotonic()

    def when_quiet(self) -> bool:
        """Collect everything if it is owed and the moment is quiet enough; True when it did."""
        quiet = time.monotonic() - self._last_build
        due = (self._owed >= self.owed_builds and quiet >= self.quiet_seconds) or \
            (self._owed > 0 and quiet >= self.idle_seconds)
        if not due:
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        release_free_memory()
        self._owed = 0
        return True

    def stop(self) -> None:
        """The server stops: the process's objects are collectable as before."""
        gc.unfreeze()


def release_free_memory() -> bool:
    """Hand the C heap's free pages back to the system (glibc's malloc_trim); whether it
    could. A start-up build at 4,000 articles leaves 16 MB of them in a 206 MB server, and
    Python's allocator does not return them by itself. A no-op where the C library has no
    such call (macOS, musl)."""
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return False
    trim(0)
    return True
