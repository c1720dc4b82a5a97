"""Hooks for the tests that kill a build at a chosen moment and check that the next one recovers.

`SITEGEN_TEST_KILL_AT=<point>` makes a build kill itself with SIGKILL (nothing gets to
clean up, as with a power cut of the process or the OOM killer) when it reaches that
point; `SITEGEN_TEST_STOP_AT=<point>` makes it stop itself there (SIGSTOP) until the
test lets it go on (SIGCONT), to hold a build at a known point while another starts;
`SITEGEN_TEST_NO_EXCHANGE=1` makes it swap the site in with the two renames used
where `renameat2(RENAME_EXCHANGE)` is missing. Unset, as always outside the tests, each
hook is one look at the environment, a handful of times per build.

Points, in the order a build reaches them: `staging` (staging folder made), `rendered`
(pages written, nothing else), `indexing` (Pagefind done, its work folder full),
`exchanged` (new site in place, old one not yet set aside), `renamed-away` (two-rename
swap: old site moved aside, new one not yet in place), `in-place-moving` (serve's
in-place write: manifest widened, removed files gone, one changed file moved in of several).
"""

from __future__ import annotations

import os
import signal

KILL_AT = "SITEGEN_TEST_KILL_AT"
STOP_AT = "SITEGEN_TEST_STOP_AT"
NO_EXCHANGE = "SITEGEN_TEST_NO_EXCHANGE"
POINTS = ("staging", "rendered", "indexing", "exchanged", "renamed-away")  # the staged build's
IN_PLACE_POINTS = ("in-place-moving",)  # serve's in-place write (output/inplace.py)


def checkpoint(point: str) -> None:
    """Die (or stop) here, at once, if the tests asked for it."""
    if os.environ.get(KILL_AT) == point:
        os.kill(os.getpid(), signal.SIGKILL)
    if os.environ.get(STOP_AT) == point:
        os.kill(os.getpid(), signal.SIGSTOP)


def exchange_disabled() -> bool:
    return os.environ.get(NO_EXCHANGE) == "1"
