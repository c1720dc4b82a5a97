"""The partials a Hugo site's shortcodes call, translated to Jinja beside them.

A translated shortcode calls a partial as `go_partial('NAME', value)`
(sitegen/render/go_partials.py). Each partial named so is looked up as Hugo looks it up
(`layouts/_partials/NAME`, then `layouts/partials/NAME`, the site's before its theme's),
translated with Go's dot as the value it is called with, and written to
`templates/hugo_partials/NAME`; the partials it calls in turn follow. A shortcode whose
partial is missing, cannot be translated, or is chosen at run time (a name that is not
written in the template) becomes a stub, with the reason, as any shortcode that cannot be
translated does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sitegen.migrate.shortcodes import ShortcodeResult, find_definition, stub
from sitegen.migrate.translate import Untranslatable, translate
from sitegen.render.go_partials import PARTIALS_FOLDER

PARTIAL_FOLDERS = ("layouts/_partials", "layouts/partials")
_CALL_RE = re.compile(r"go_partial\((?:'((?:[^'\\]|\\.)*)'|\"((?:[^\"\\]|\\.)*)\")?")
_SAFE_NAME_RE = re.compile(r"^[\w.-]+(?:/[\w.-]+)*$")


@dataclass
class PartialSet:
    """The partials translated so far (Jinja by name), and why others could not be."""

    roots: list[Path]
    templates: dict[str, str] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)

    def closure_problem(self, jinja: str) -> str:
        """Translate every partial `jinja` calls, transitively; the first problem, or ""."""
        pending = called(jinja)
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name in seen:
                continue
            seen.add(name)
            problem = self.failures.get(name) or self._translate(name)
            if problem:
                return problem
            pending |= called(self.templates[name])
        return ""

    def _translate(self, name: str) -> str:
        if name in self.templates:
            return ""
        if not name or not _SAFE_NAME_RE.match(name) or ".." in name.split("/"):
            self.failures[name] = "it calls a partial whose name is chosen when it runs"
            return self.failures[name]
        source = find_partial(name, self.roots)
        if source is None:
            self.failures[name] = f"the partial {name} is not in the site or its theme"
            return self.failures[name]
        try:
            self.templates[name] = translate(source.read_text(encoding="utf-8", errors="replace"), name)
        except Untranslatable as exc:
            self.failures[name] = f"its partial {name}: {exc}"
        return self.failures.get(name, "")


def called(jinja: str) -> set[str]:
    """The partial names a translated template calls ("" for one chosen at run time)."""
    names = set()
    for match in _CALL_RE.finditer(jinja):
        name = match.group(1) if match.group(1) is not None else match.group(2)
        names.add(_with_suffix(name) if name else "")
    return names


def _with_suffix(name: str) -> str:
    name = name.lstrip("/")
    return name if "." in name.rsplit("/", 1)[-1] else name + ".html"


def find_partial(name: str, roots: list[Path]) -> Path | None:
    for root in roots:
        for folder in PARTIAL_FOLDERS:
            path = root / folder / name
            if path.is_file():
                return path
    return None


def with_partials(results: list[ShortcodeResult], roots: list[Path]) -> dict[str, str]:
    """The partials the translated shortcodes call, as files to write; a shortcode whose
    partials cannot all be translated becomes a stub (its result is changed in place)."""
    partials = PartialSet(roots)
    for result in results:
        if result.status != "translated" or "go_partial(" not in result.template:
            continue
        problem = partials.closure_problem(result.template)
        if problem:
            closed = result.usage.closed if result.usage is not None else True
            result.template = stub(result.name, _source(result.name, roots), result.origin, problem, closed)
            result.status, result.reason = "stub", problem
    used = set().union(*(called(r.template) for r in results if r.status == "translated"))
    keep = _reachable(used, partials.templates)
    return {f"templates/{PARTIALS_FOLDER}/{name}": text for name, text in sorted(partials.templates.items())
            if name in keep}


def _reachable(names: set[str], templates: dict[str, str]) -> set[str]:
    found: set[str] = set()
    pending = set(names)
    while pending:
        name = pending.pop()
        if name in found or name not in templates:
            continue
        found.add(name)
        pending |= called(templates[name])
    return found


def _source(name: str, roots: list[Path]) -> str:
    """The shortcode's Go source, for the stub's comment."""
    found = find_definition(name, roots)
    return found[1].read_text(encoding="utf-8", errors="replace") if found else ""
