"""`build.py check`: every problem an editor can fix, without writing the site."""

from __future__ import annotations

from datetime import datetime

from .config import Config
from .errors import Diagnostic, SiteError
from .pipeline import load_site


def check_site(config: Config, now: datetime) -> list[Diagnostic]:
    """All diagnostics for the site: errors and warnings, sorted by file and line."""
    try:
        checked = load_site(config, now)
    except SiteError as exc:
        return exc.diagnostics
    problems = list(checked.warnings)
    for doc in checked.documents:
        route = checked.routes[doc.source.path]
        if route.kind == "article" and doc.meta.date is None:
            problems.append(Diagnostic(doc.source.path, 1, 1, "warning", "article has no date",
                                       "add 'date: YYYY-MM-DD' to the front matter"))
    return sorted(problems)
