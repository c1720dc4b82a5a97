"""build/session.py: serve's memory of routes, by document, across builds."""

from __future__ import annotations

import pytest

from sitegen.build import session as session_module
from sitegen.build.session import BuildSession
from sitegen.build.workers import SourceResult
from sitegen.content.frontmatter import parse_source
from sitegen.content.sources import Source
from sitegen.content.urls import Route


def _result(name: str) -> SourceResult:
    text = f"---\ntitle: {name}\ndate: 2019-07-07\n---\nBody.\n"
    parsed = parse_source(Source(f"content/2019/{name}.md", f"2019/{name}.md", text, "0" * 64))
    assert parsed.document is not None
    return SourceResult(parsed.document, None, ())


def _route(session: BuildSession, result: SourceResult, calls: list[str]) -> None:
    document = result.document
    assert document is not None

    def make() -> tuple[Route | None, None]:
        calls.append(document.source.path)
        return None, None
    session.route(document, "config", make)


def test_a_document_is_routed_once_while_it_is_a_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same document under the same settings takes its route from memory; another
    document of the same file is routed again; and the routes of documents no result holds
    any more are let go once there are more than STALE_ROUTES of them."""
    monkeypatch.setattr(session_module, "STALE_ROUTES", 2)
    session, calls = BuildSession(), []
    kept = [_result(f"a{n}") for n in range(3)]
    for result in kept:
        _route(session, result, calls)
    session.remember_results({str(n): result for n, result in enumerate(kept)})
    for result in kept:
        _route(session, result, calls)
    assert len(calls) == 3  # all three from memory the second time
    edits = [_result("a0") for _ in range(3)]  # the same file, parsed again after each edit
    for number, edit in enumerate(edits):
        _route(session, edit, calls)
        session.remember_results({"0": edit, "1": kept[1], "2": kept[2]})
        stale = number + 1  # kept[0] and the edits before this one
        assert len(session.routes) == (3 + stale if stale <= 2 else 3)
    assert len(calls) == 6
    assert {id(value[0]) for value in session.routes.values()} == {id(edits[-1].document), id(kept[1].document),
                                                                    id(kept[2].document)}
