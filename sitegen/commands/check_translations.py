"""`check`: what the side-by-side view of each translated page would show wrong.

Two versions of a page whose numbers of headings, paragraphs, lists and quotes differ, with
no alignment marker, would be paired wrongly from the first difference on; a marker in a
different order in the two files pins nothing. Two files in one language that claim to be
the same page (x.ja.md and ja/x.md, or one translationKey twice) leave it unclear which one
readers get. Each is a warning on the translation's file (the later language's).
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

from sitegen.build.loading import CheckedSite
from sitegen.config.settings import Config
from sitegen.content.languages import place_document, site_languages
from sitegen.errors import Diagnostic
from sitegen.render.parallel import align
from sitegen.site.assemble import PageInput

MARKER_HINT = ("give the blocks that correspond the same id in both files, e.g. {#p-bases} on the "
               "line after a paragraph, list or quote (docs/i18n.md, 'Side by side')")


def check_translations(config: Config, checked: CheckedSite) -> list[Diagnostic]:
    """Warnings about each group of translations."""
    languages = site_languages(config)
    if len(languages) < 2:
        return []
    order = {language.code: n for n, language in enumerate(languages)}
    groups: dict[str, list[tuple[str, PageInput]]] = defaultdict(list)
    for page in checked.pages:
        if page.route.kind == "section":
            continue
        placement = place_document(page.document, languages)
        groups[placement.key].append((placement.lang, page))
    problems: list[Diagnostic] = []
    for members in groups.values():
        members.sort(key=lambda member: (order[member[0]], member[1].document.source.path))
        problems += _duplicates(members)
        for (lang_a, first), (lang_b, second) in combinations(members, 2):
            if lang_a != lang_b:
                problems += _alignment(first, second)
    return problems


def _duplicates(members: list[tuple[str, PageInput]]) -> list[Diagnostic]:
    seen: dict[str, PageInput] = {}
    found = []
    for lang, page in members:
        if lang in seen:
            other = seen[lang].document.source.path
            found.append(Diagnostic(page.document.source.path, 1, 1, "warning",
                                    f"this and {other} are both the '{lang}' version of one page",
                                    "remove one, or give them different paths or translationKeys"))
        else:
            seen[lang] = page
    return found


def _alignment(first: PageInput, second: PageInput) -> list[Diagnostic]:
    result = align(first.content.html, second.content.html)
    doc = second.document
    return [Diagnostic(doc.source.path, doc.body_line, 1, "warning",
                       f"side by side with {first.document.source.path}: {problem}", MARKER_HINT)
            for problem in result.problems]
