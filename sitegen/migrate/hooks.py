"""What a site's render hooks change that a setting of ours can do: alerts, diagrams, code titles.

Render hooks (``layouts/_markup/render-*.html``) are Go templates run on every link,
image, heading, quote or code block; we do not run them. Two kinds are common in themes
and have a setting here that renders the same text:

- ``render-blockquote.html`` telling alerts apart (``.AlertType``, ``eq .Type "alert"``): GitHub-style alerts
  (``markdown.alerts``), titled by their type's name where the hook falls back to it
  (``title .AlertType``, the theme's words through ``i18n``/``T``), else only by a title
  the alert gives;
- ``render-codeblock-LANG.html`` writing ``<pre class="LANG">``: the blocks of a diagram
  language such as ``mermaid`` as text for a drawing script (``markdown.diagrams``),
  written as is where the hook writes ``.Inner | safeHTML`` (``markdown.raw_diagrams``),
  with no newline after them where the hook's output ends at ``</pre>``
  (``markdown.diagrams_joined``);
- ``render-codeblock.html`` showing a fence's ``file`` (or ``filename``, ``title``)
  attribute above the code (``.Attributes.file``): ``markdown.code_titles``. The hook does
  more than that, so it is still reported as left out.

The hooks these settings stand for are not reported as left out; the others are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

HOOK_FOLDERS = ("layouts/_markup", "layouts/_default/_markup")
_ALERT_RE = re.compile(r'\.Alert(?:Type|Title)\b|\.Type\s+"alert"')
_TYPE_TITLE_RE = re.compile(r"\btitle\s+[$.]|\bi18n\b|\(T\s")
_PRE_CLASS_RE = re.compile(r"<pre\b[^>]*\bclass=\"([\w-]+)\"")
_RAW_INNER_RE = re.compile(r"\.Inner\s*\|\s*safeHTML")
# Output that ends at </pre>: only actions trimming the white space on both sides after it.
_JOINED_RE = re.compile(r"</pre>(?:\s*\{\{-(?:[^}]|\}(?!\}))*-\}\})+\s*$|</pre>$")
_CODEBLOCK_RE = re.compile(r"render-codeblock-([\w-]+)\.html")
TITLE_KEYS = ("file", "filename", "title")  # fence attributes codeblock hooks show above the code


@dataclass
class HookSettings:
    """The markdown settings the hooks stand for, and the hooks they cover."""

    markdown: dict[str, object] = field(default_factory=dict)
    covered: set[str] = field(default_factory=set)  # file names, e.g. render-blockquote.html


def hook_files(roots: list[Path]) -> dict[str, Path]:
    """Each hook's file name and the file Hugo uses: the site's before its themes'."""
    found: dict[str, Path] = {}
    for root in roots:
        for folder in HOOK_FOLDERS:
            for path in sorted((root / folder).glob("render-*.html")):
                found.setdefault(path.name, path)
    return found


def hook_settings(roots: list[Path]) -> HookSettings:
    """The settings that render what the site's alert and diagram hooks render."""
    settings = HookSettings()
    diagrams = []
    for name, path in sorted(hook_files(roots).items()):
        source = path.read_text(encoding="utf-8", errors="replace")
        if name == "render-blockquote.html" and _ALERT_RE.search(source):
            settings.markdown["alerts"] = "type" if _TYPE_TITLE_RE.search(source) else "given"
            settings.covered.add(name)
        language = _CODEBLOCK_RE.fullmatch(name)
        pre = _PRE_CLASS_RE.search(source)
        if language and pre and pre.group(1) == language.group(1):
            diagrams.append(language.group(1))
            settings.covered.add(name)
            if _RAW_INNER_RE.search(source) and "htmlEscape" not in source:
                settings.markdown["raw_diagrams"] = True
            if _JOINED_RE.search(source):
                settings.markdown["diagrams_joined"] = True
        if name == "render-codeblock.html":
            _code_titles(source, settings)
    if diagrams:
        settings.markdown["diagrams"] = diagrams
    return settings


def _code_titles(source: str, settings: HookSettings) -> None:
    """The fence attribute (``{file="x"}``) the site's codeblock hook shows above the code."""
    key = next((key for key in TITLE_KEYS if f".Attributes.{key}" in source), "")
    if key:
        settings.markdown["code_titles"] = key
