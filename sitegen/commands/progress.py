"""A one-line progress counter for long runs, shown only on an interactive terminal.

In CI, in a pipe or with --quiet it prints nothing, so logs stay short.
"""

from __future__ import annotations

import os
from typing import TextIO


class Progress:
    """`step()` per item; redraws one line in place on a terminal."""

    def __init__(self, stream: TextIO, total: int, label: str, quiet: bool = False,
                 minimum: int = 20) -> None:
        interactive = hasattr(stream, "isatty") and stream.isatty() and not os.environ.get("CI")
        self.stream, self.total, self.label = stream, total, label
        self.enabled = interactive and not quiet and total >= minimum
        self.count = 0

    def step(self, name: str = "") -> None:
        self.count += 1
        if self.enabled and (self.count % 25 == 0 or self.count == self.total):
            self.stream.write(f"\r{self.label} {self.count}/{self.total}")
            self.stream.flush()

    def done(self) -> None:
        if self.enabled:
            self.stream.write("\r" + " " * (len(self.label) + 24) + "\r")
            self.stream.flush()
