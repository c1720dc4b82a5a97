"""Find the shortcodes a Hugo site's content uses and write a Jinja template for each.

A shortcode defined in the site's (or its theme's) ``layouts/shortcodes/`` or
``layouts/_shortcodes/`` is translated (translate.py); one that cannot be gets a stub
that shows its inner content and keeps the Go source in a comment, and is listed for a
person. Hugo's built-in shortcodes we ship already (figure, highlight...) need nothing;
youtube and vimeo get templates here, instagram in embedded.py; others are stubs too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.migrate.embedded import EMBEDDED_TEMPLATES, FETCHING
from sitegen.migrate.translate import Untranslatable, translate

SHIPPED = frozenset({"figure", "details", "highlight", "ref", "relref", "param", "rawhtml"})
LAYOUT_FOLDERS = ("layouts/_shortcodes", "layouts/shortcodes")
_USE_RE = re.compile(r"\{\{([<%])\s*(/)?\s*([\w./-]+)(.*?)[>%]\}\}", re.DOTALL)
_COMMENTED_RE = re.compile(r"\{\{[<%]\s*/\*.*?\*/\s*[>%]\}\}", re.DOTALL)

BUILTIN_TEMPLATES = {
    "youtube": (
        '{#- Hugo\'s built-in youtube shortcode: a video by its id. -#}\n'
        '{%- set id = arg("id", arg(0)) -%}\n'
        '<div style="position: relative; padding-bottom: 56.25%; height: 0; overflow: hidden;">\n'
        '  <iframe src="https://www.youtube.com/embed/{{ id }}" style="position: absolute; top: 0; '
        'left: 0; width: 100%; height: 100%; border:0;" allowfullscreen '
        'title="{{ arg(\'title\', \'YouTube video\') }}"></iframe>\n</div>\n'),
    "vimeo": (
        '{#- Hugo\'s built-in vimeo shortcode: a video by its id. -#}\n'
        '{%- set id = arg("id", arg(0)) -%}\n'
        '<div style="position: relative; padding-bottom: 56.25%; height: 0; overflow: hidden;">\n'
        '  <iframe src="https://player.vimeo.com/video/{{ id }}?dnt=0" style="position: absolute; '
        'top: 0; left: 0; width: 100%; height: 100%; border:0;" allowfullscreen '
        'title="{{ arg(\'title\', \'vimeo video\') }}"></iframe>\n</div>\n'),
    **EMBEDDED_TEMPLATES,
}


@dataclass(frozen=True)
class Usage:
    """How the content calls one shortcode: how often, and whether ever with a closing tag."""

    name: str
    count: int
    closed: bool
    example: str  # "content/posts/x.md:12", the first call


@dataclass
class ShortcodeResult:
    """The template written for one shortcode and what happened to it."""

    name: str
    template: str  # Jinja source, "" when the shipped template serves
    status: str  # "translated", "built-in", "shipped", "stub"
    origin: str  # where the Go source came from, or "Hugo's built-in"
    reason: str = ""  # why a stub
    usage: Usage | None = None
    notes: list[str] = field(default_factory=list)


def find_usages(content: Path, files: list[Path]) -> dict[str, Usage]:
    """Every shortcode called in the content files, with counts and closing tags."""
    counts: dict[str, int] = {}
    closed: set[str] = set()
    examples: dict[str, str] = {}
    for path in files:
        try:
            text = _COMMENTED_RE.sub("", path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        for match in _USE_RE.finditer(text):
            name = match.group(3)
            if match.group(2) or match.group(4).rstrip().endswith("/"):
                closed.add(name)
                if match.group(2):
                    continue
            counts[name] = counts.get(name, 0) + 1
            line = text.count("\n", 0, match.start()) + 1
            examples.setdefault(name, f"content/{path.relative_to(content).as_posix()}:{line}")
    return {name: Usage(name, counts[name], name in closed, examples[name]) for name in sorted(counts)}


def find_definition(name: str, roots: list[Path]) -> tuple[Path, Path] | None:
    """(root, file) of the Go template defining `name`: the site's before its theme's."""
    for root in roots:
        for folder in LAYOUT_FOLDERS:
            for suffix in (".html", ".md", ".txt"):
                path = root / folder / f"{name}{suffix}"
                if path.is_file():
                    return root, path
    return None


def shortcode_templates(usages: dict[str, Usage], roots: list[Path]) -> list[ShortcodeResult]:
    """A result per shortcode used: translated, stubbed, or served by a shipped template."""
    results = []
    for name, usage in usages.items():
        result = _one(name, usage, roots)
        result.usage = usage
        results.append(result)
    return results


def _one(name: str, usage: Usage, roots: list[Path]) -> ShortcodeResult:
    found = find_definition(name, roots)
    if found is None:
        return _builtin(name, usage)
    root, path = found
    origin = _origin(root, path, roots[0])
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        template = translate(source)
    except Untranslatable as exc:
        if name in SHIPPED:
            note = f"the site's own {name} ({origin}) could not be translated ({exc}); the archive's {name} is used"
            return ShortcodeResult(name, "", "shipped", origin, str(exc), notes=[note])
        return ShortcodeResult(name, stub(name, source, origin, str(exc), usage.closed), "stub",
                               origin, str(exc))
    header = f"{{#- Translated from Hugo's {origin} by `treaty-archive migrate`. -#}}\n"
    return ShortcodeResult(name, header + template, "translated", origin)


def _builtin(name: str, usage: Usage) -> ShortcodeResult:
    if name in SHIPPED:
        return ShortcodeResult(name, "", "shipped", "Hugo's built-in")
    if name in BUILTIN_TEMPLATES:
        return ShortcodeResult(name, BUILTIN_TEMPLATES[name], "built-in", "Hugo's built-in")
    if name.endswith(".inline"):
        origin, reason = "inline", "an inline shortcode (its Go template is in the content)"
    elif name in FETCHING:
        origin, reason = "Hugo's built-in", FETCHING[name]
    else:  # often the theme's, when the theme is not in the repository
        origin = "defined nowhere we looked"
        reason = "no template defines it in the site, its theme or Hugo's built-ins we know"
    return ShortcodeResult(name, stub(name, "", origin, reason, usage.closed), "stub", origin, reason)


def _origin(root: Path, path: Path, site: Path) -> str:
    relative = path.relative_to(root).as_posix()
    if root == site:
        return relative
    return f"theme {root.name}: {relative}"


def stub(name: str, source: str, origin: str, reason: str, closed: bool) -> str:
    """A template that shows the shortcode's inner content, with the Go source to translate."""
    quoted = source.replace("#}", "# }").rstrip()
    lines = [f"{{#- STUB written by `treaty-archive migrate`: Hugo's shortcode '{name}' ({origin})",
             f"    was not translated: {reason}.",
             "    Until a person rewrites it in Jinja (docs/migrating-from-hugo.md, section 3),",
             "    it shows only the text between its tags." + (" The Go source:" if quoted else ""),
             *([quoted] if quoted else []), "-#}"]
    body = "{{ inner|safe }}" if closed else ""
    return "\n".join(lines) + "\n" + body + ("\n" if body else "")
