"""Diagnostics and the one exception tree of the engine.

Every problem an editor must fix is a `Diagnostic` that prints itself as
``path:line:col: severity: message`` followed by a hint, the way compilers do,
so editors and their tools can jump to the spot.

Exception tree::

    SiteError                 anything the build reports to the user (no traceback)
    ├── ConfigError           config.yaml or command-line options are wrong (exit 2)
    ├── ContentError          one or more content files are wrong (exit 1)
    ├── TemplateError         a template does not compile or fails to render (exit 1)
    ├── OutputConflictError   two pages claim one URL (exit 1)
    └── BuildFailed           anything else that stops a build, e.g. an unsafe output folder

Each carries the list of diagnostics that explain it.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at one place, with what to do about it."""

    path: str
    line: int = 0
    col: int = 0
    severity: Severity = "error"
    message: str = ""
    hint: str = ""

    def format(self) -> str:
        """Render as ``path:line:col: severity: message`` plus an indented hint line.

        Without a path (a problem of the whole build) it is ``severity: message``.
        """
        where = self.path
        if self.line:
            where += f":{self.line}"
            if self.col:
                where += f":{self.col}"
        text = f"{where}: {self.severity}: {self.message}" if where else f"{self.severity}: {self.message}"
        if self.hint:
            text += f"\n  hint: {self.hint}"
        return text

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class SiteError(Exception):
    """A problem reported to the user as diagnostics rather than a traceback."""

    exit_code = 1

    def __init__(self, diagnostics: Iterable[Diagnostic] | str) -> None:
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(path="", message=diagnostics)]
        self.diagnostics: list[Diagnostic] = sorted(diagnostics)
        super().__init__("\n".join(d.format() for d in self.diagnostics))


class ConfigError(SiteError):
    """config.yaml or the command line is wrong."""

    exit_code = 2


class ContentError(SiteError):
    """At least one content file is wrong."""


class TemplateError(SiteError):
    """A template failed to compile or render."""


class OutputConflictError(SiteError):
    """Two pages would be written to the same URL."""


class BuildFailed(SiteError):
    """The build cannot go on for a reason outside any one content file."""


class BuildCancelled(Exception):
    """A build was asked to stop (serve's search catch-up, when a newer edit arrives).

    Not a SiteError: nothing is wrong, and the previous site stands as it was."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """Return a ``did you mean 'x'?`` hint for a near-miss, or an empty string."""
    matches = difflib.get_close_matches(word.lower(), sorted(choices), n=1, cutoff=0.7)
    return f"did you mean '{matches[0]}'?" if matches else ""


def byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset, the column in characters as editors count."""
    start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, len(raw[start:offset].decode("utf-8", "replace")) + 1


def raise_errors(problems: list[Diagnostic], kind: type[SiteError]) -> None:
    """Raise `kind` with every error and then every warning, if there is any error."""
    errors = [d for d in problems if d.is_error]
    if errors:
        raise kind(errors + [d for d in problems if not d.is_error])
