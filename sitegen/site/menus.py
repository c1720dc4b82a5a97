"""Menus, as Hugo makes them: entries from config.yaml's `menus`, and from pages' `menu:`.

A page joins a menu with ``menu: main``, ``menu: [main, footer]`` or
``menu: {main: {weight: 2, name: Short name, parent: about}}`` (``menus:`` too); its entry
is named after its ``linkTitle`` or title and links to it. Config entries give ``url``
or ``page_ref`` (a content path such as ``/about``). Entries are sorted by weight, then
name (weight 0 last, as Hugo's pages); ``parent`` nests an entry under another's
identifier.

Without a ``main`` menu the theme's own applies: Home, Archive, the taxonomies, About when
the site has a page at /about/, and Search. The footer's default likewise links About only
when that page exists, so no template links to a page that is not there.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class MenuEntry:
    """One link of a menu; `children` are the entries whose parent it is."""

    name: str
    url: str
    identifier: str
    weight: int = 0
    pre: str = ""  # Markup from config.yaml (trusted), text from front matter
    post: str = ""
    title: str = ""
    children: tuple[MenuEntry, ...] = ()
    parent: str = ""


@dataclass(frozen=True)
class MenuPage:
    """What a page brings to menus: its URL, names and `menu` front matter."""

    url: str
    content_path: str  # "about.md", "posts/x/index.md"
    title: str
    link_title: str
    weight: int
    menu: Any  # the front matter value of `menu` or `menus`, None if absent


def build_menus(configured: dict[str, Any], pages: Iterable[MenuPage], url_for: Callable[[str], str],
                defaults: dict[str, list[MenuEntry]]) -> dict[str, tuple[MenuEntry, ...]]:
    """Every menu: configured and page entries, sorted and nested; `defaults` where none."""
    pages = list(pages)
    entries: dict[str, list[MenuEntry]] = {}
    for name, items in configured.items():
        for item in items if isinstance(items, list) else []:
            if isinstance(item, dict):
                entries.setdefault(str(name), []).append(_configured(item, pages, url_for))
    for page in pages:
        for name, settings in _page_menus(page.menu).items():
            entries.setdefault(name, []).append(_from_page(page, settings))
    menus = {name: _nest(items) for name, items in entries.items()}
    for name, items in defaults.items():
        menus.setdefault(name, tuple(items))
    return menus


def _configured(item: dict[str, Any], pages: list[MenuPage], url_for: Callable[[str], str]) -> MenuEntry:
    name = str(item.get("name") or item.get("identifier") or "")
    ref = item.get("page_ref")
    page = _find_page(str(ref), pages) if ref else None
    url = page.url if page else _url(str(item.get("url") or ref or ""), url_for)
    if page is not None and not name:
        name = page.link_title or page.title
    return MenuEntry(name=name, url=url, identifier=str(item.get("identifier") or name.lower()),
                     weight=_int(item.get("weight")), pre=Markup(str(item.get("pre") or "")),
                     post=Markup(str(item.get("post") or "")), title=str(item.get("title") or ""),
                     parent=str(item.get("parent") or ""))


def _url(url: str, url_for: Callable[[str], str]) -> str:
    if "://" in url or url.startswith(("#", "mailto:")):
        return url
    return url_for("/" + url.lstrip("/"))


def _find_page(ref: str, pages: list[MenuPage]) -> MenuPage | None:
    wanted = ref.strip("/").lower()
    for page in pages:
        path = page.content_path.rsplit(".", 1)[0].lower()
        for candidate in (path, path.removesuffix("/index"), path.removesuffix("/_index")):
            if candidate == wanted:
                return page
    return None


def _page_menus(value: Any) -> dict[str, dict[str, Any]]:
    """`menu: main`, `menu: [main, footer]` or `menu: {main: {...}}` as {menu: settings}."""
    if isinstance(value, str):
        return {value: {}}
    if isinstance(value, list):
        return {str(v): {} for v in value if isinstance(v, str)}
    if isinstance(value, dict):
        return {str(k): {str(a).lower(): b for a, b in v.items()} if isinstance(v, dict) else {}
                for k, v in value.items()}
    return {}


def _from_page(page: MenuPage, settings: dict[str, Any]) -> MenuEntry:
    name = str(settings.get("name") or page.link_title or page.title)
    return MenuEntry(name=name, url=page.url, identifier=str(settings.get("identifier") or name.lower()),
                     weight=_int(settings.get("weight", page.weight)), pre=str(settings.get("pre") or ""),
                     post=str(settings.get("post") or ""), title=str(settings.get("title") or ""),
                     parent=str(settings.get("parent") or ""))


def _nest(items: list[MenuEntry]) -> tuple[MenuEntry, ...]:
    """Sort by weight (0 last), then name; put each entry with a known parent under it."""
    ordered = sorted(items, key=lambda e: (e.weight == 0, e.weight, e.name.lower(), e.url))
    known = {e.identifier for e in ordered}

    def children_of(identifier: str, seen: frozenset[str]) -> tuple[MenuEntry, ...]:
        return tuple(replace(e, children=children_of(e.identifier, seen | {e.identifier}))
                     for e in ordered if e.parent == identifier and e.identifier not in seen)

    return tuple(replace(e, children=children_of(e.identifier, frozenset({e.identifier})))
                 for e in ordered if not e.parent or e.parent not in known)


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
