"""Progress lines appear on a terminal and nowhere else (CI logs, pipes, --quiet)."""

from __future__ import annotations

import io

import pytest

from sitegen.commands.progress import Progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_the_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    stream = Terminal()
    meter = Progress(stream, total=50, label="converting")
    for _ in range(50):
        meter.step()
    meter.done()
    assert "\rconverting 25/50" in stream.getvalue() and "\rconverting 50/50" in stream.getvalue()
    assert stream.getvalue().endswith("\r")


@pytest.mark.parametrize("ci, quiet, stream", [("true", False, Terminal()), ("", True, Terminal()),
                                               ("", False, io.StringIO())])
def test_ci_quiet_and_pipes_see_nothing(ci: str, quiet: bool, stream: io.StringIO,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", ci)
    meter = Progress(stream, total=50, label="converting", quiet=quiet)
    for _ in range(50):
        meter.step()
    meter.done()
    assert stream.getvalue() == ""
