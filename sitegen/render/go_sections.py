"""Pages and sections as Hugo's templates walk them, for shortcodes translated from Go.

A translated shortcode that lists a site's pages (Hugo's documentation's quick reference,
a theme's "posts in this section") reads `.Site.GetPage "/functions"`, then the
section's `.Sections`, `.Pages` and `.Description`, and sorts lists with `.ByTitle` or
`.ByWeight`. Hugo's sections nest: a folder with an `_index.md` is a section, and its
`.Pages` are the pages and sections directly in it, `.RegularPagesRecursive` every page
below it. Our `Section` lists every article below it; the direct children are worked out
here from the source paths, as Hugo works them out from the content tree.
"""

from __future__ import annotations

import posixpath
from typing import Any

from markupsafe import Markup

from sitegen.site.model import Article, Section


def hugo_order(page: Any) -> tuple[Any, ...]:
    """Hugo's default page order: weight (0 last), newest first, title, path."""
    weight = getattr(page, "weight", 0) or 0
    moment = getattr(page, "date", None)
    stamp = -moment.timestamp() if moment else 0.0
    return (weight == 0, weight, stamp, str(getattr(page, "title", "")).lower(), page_path(page))


def page_path(page: Any) -> str:
    """The page's file under content/ (a section's is its _index.md, or its folder)."""
    if isinstance(page, GoSection):
        return page.section.source_path or page.section.name
    return str(getattr(page, "source_path", ""))


class PageList(tuple):  # noqa: SLOT001 - a plain tuple of pages
    """A list of pages with Hugo's sorting methods: `.ByTitle`, `.ByWeight`, `.Reverse`..."""

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in ("bytitle", "bylinktitle"):
            return PageList(sorted(self, key=lambda p: (str(_title(p)).lower(), page_path(p))))
        if lowered in ("byweight", "bydefault"):
            return PageList(sorted(self, key=hugo_order))
        if lowered in ("bydate", "bypublishdate"):
            return PageList(sorted(self, key=_oldest_first))
        if lowered == "reverse":
            return PageList(reversed(self))
        if lowered == "len":
            return len(self)
        return None


def _title(page: Any) -> str:
    return str(page.go_field("title") if isinstance(page, GoSection) else getattr(page, "title", ""))


def _oldest_first(page: Any) -> tuple[Any, ...]:
    moment = getattr(page, "date", None)
    return (moment is None, moment.timestamp() if moment else 0.0, page_path(page))


class GoSection:
    """A section as Hugo's GetPage returns it: .Title, .Description, .Content, .Pages,
    .Sections, .RegularPages (direct) and .RegularPagesRecursive."""

    def __init__(self, section: Section, sections: tuple[Section, ...] = ()) -> None:
        self.section = section
        self.sections = sections or (section,)

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def weight(self) -> int:
        return self.section.weight

    @property
    def date(self) -> Any:
        """Hugo dates a section by its newest page, and sorts it among pages by that."""
        return max((a.date for a in self.section.articles if a.date), default=None)

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in ("pages", "regularpages", "regularpagesrecursive", "sections"):
            return self._listed(lowered)
        section = self.section
        table = {"title": section.title, "linktitle": section.link_title or section.title,
                 "relpermalink": section.url, "permalink": section.url, "kind": "section",
                 "content": hugo_content(section.content), "section": section.name.split("/", 1)[0],
                 "description": section.description, "path": "/" + section.name}
        return table.get(lowered)

    def _listed(self, lowered: str) -> PageList:
        if lowered == "regularpagesrecursive":
            return PageList(sorted(self.section.articles, key=hugo_order))
        names = {s.name for s in self.sections}
        direct = [a for a in self.section.articles if _parent_section(_folder(a), names) == self.section.name]
        children = [GoSection(s, self.sections) for s in self.sections
                    if s.name != self.section.name
                    and _parent_section(posixpath.dirname(s.name), names) == self.section.name]
        chosen: list[Any] = direct if lowered == "regularpages" else children if lowered == "sections" \
            else [*direct, *children]
        return PageList(sorted(chosen, key=hugo_order))


def hugo_content(html: Markup) -> Markup:
    """Content as Hugo's .Content gives it: ending in a newline, so that Markdown a
    shortcode writes after it starts a block of its own (after a blank line)."""
    return Markup(html.rstrip("\n") + "\n") if html else html


def _folder(article: Article) -> str:
    """The folder of an article's file under content/ (a bundle's own folder for index.md)."""
    return posixpath.dirname(article.source_path.split("/", 1)[-1])


def _parent_section(folder: str, names: set[str]) -> str:
    """The nearest section at or above `folder`: a page's own, or (given the folder above
    a section) the section's parent."""
    current = folder
    while current:
        if current in names:
            return current
        current = posixpath.dirname(current)
    return ""
