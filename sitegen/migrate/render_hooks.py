"""A Hugo site's render hooks (layouts/_markup/render-*.html): which there are, and what of
them has an equivalent here.

Hooks are not translated; but a blockquote hook that reads `.AlertType` draws GitHub-style
alerts (`> [!NOTE]`), which the archive draws itself with `markdown.alerts: true`
(sitegen/markup/alerts.py): without that the marker would stay in the text, as it does
in Hugo without such a hook. And a codeblock hook that shows a fence's `file` (or
`filename`, `title`) attribute above the code is `markdown.code_titles: file`.
"""

from __future__ import annotations

from pathlib import Path

HOOK_FOLDERS = ("layouts/_markup", "layouts/_default/_markup")


def hook_files(roots: list[Path]) -> list[Path]:
    """Every render hook of the site and its themes."""
    return [path for root in roots for folder in HOOK_FOLDERS
            for path in sorted((root / folder).glob("render-*.html"))]


TITLE_KEYS = ("file", "filename", "title")  # fence attributes hooks show above the code


def code_title_key(roots: list[Path]) -> str:
    """The fence attribute (``{file="x"}``) a codeblock hook of the site shows, or ""."""
    for path in hook_files(roots):
        if path.name.startswith("render-codeblock"):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            for key in TITLE_KEYS:
                if f".Attributes.{key}" in text:
                    return key
    return ""


def draws_alerts(roots: list[Path]) -> bool:
    """Whether a blockquote hook of the site (or its theme) draws alerts."""
    for path in hook_files(roots):
        if path.name.startswith("render-blockquote"):
            try:
                if ".AlertType" in path.read_text(encoding="utf-8", errors="replace"):
                    return True
            except OSError:
                continue
    return False
