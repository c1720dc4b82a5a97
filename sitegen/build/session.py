"""What `serve` keeps from one build to the next.

A build run from the command line starts from nothing but its cache. The development
server builds again on every save, in one process, so it can keep what a build learned
and the next one would only work out again. One `BuildSession` lives as long as the
server; `build(..., session=...)` uses it. Everything kept here is a speed-up, never an
input: a build with a session makes the same bytes as a clean build
(tests/integration/test_serve_session_edits.py).

What it changes today: the site is written over the live one, only the files that
changed (output/inplace.py), instead of staging a whole new tree of links per edit.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class BuildSession:
    """State kept across the builds of one `serve` run."""

    builds: int = 0  # builds run with this session, failed ones included
