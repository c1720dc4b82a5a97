"""Translate a Hugo configuration into the settings of config.yaml, noting what has no match.

Every value written is either the site's own or Hugo's default for it (Hugo's defaults
differ from ours: no CJK word counting, raw HTML omitted, ten pages a list), so that the
migrated site builds as Hugo built it. Settings we have no equivalent for are listed in
`unsupported`, with what that means for the site, for the migration report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sitegen.migrate.hugo_config import HugoConfig

HUGO_TAXONOMIES = {"category": "categories", "tag": "tags"}
# Hugo settings with no effect on what pages say or where they go: not reported.
QUIET_KEYS = frozenset({
    "baseurl", "title", "languagecode", "locale", "defaultcontentlanguage", "languages", "params",
    "taxonomies", "permalinks", "hascjklanguage", "markup", "pagination", "paginate",
    "summarylength", "ignorefiles", "menu", "menus", "copyright", "theme", "module", "outputs",
    "outputformats", "mediatypes", "enablerobotstxt", "enableemoji", "enablegitinfo", "minify",
    "services", "googleanalytics", "disqusshortname", "pygmentsuseclasses", "pygmentscodefences",
    "enableinlineshortcodes", "build", "caches", "security", "server", "imaging", "privacy",
    "sitemap", "related", "author", "footnotereturnlinkcontents", "buildfuture", "builddrafts",
    "buildexpired", "timezone", "contentdir", "staticdir", "publishdir", "datadir", "assetdir",
    "layoutdir", "themesdir", "archetypedir", "i18ndir", "resourcedir", "relativeurls",
    "canonifyurls", "pluralizelisttitles", "titlecasestyle", "enablemissingtranslationplaceholders",
    "disablehugogeneratorinject", "cleandestinationdir", "rsslimit", "social", "deployment",
    "frontmatter", "cascade", "disablekinds", "uglyurls", "disablepathtolower", "removepathaccents",
    "defaultcontentlanguageinsubdir", "disablealiases", "mainsections", "notft", "cachedir",
})


@dataclass
class MappedConfig:
    """config.yaml's values, and the Hugo settings that behave differently here."""

    site: dict[str, Any] = field(default_factory=dict)
    markdown: dict[str, Any] = field(default_factory=dict)
    taxonomies: dict[str, str] = field(default_factory=dict)
    permalinks: dict[str, str] = field(default_factory=dict)
    pagination: dict[str, Any] = field(default_factory=dict)
    menus: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    ignore_files: list[str] = field(default_factory=list)
    disable_aliases: bool = False
    unsupported: list[str] = field(default_factory=list)  # "differs from Hugo" lines


def map_config(hugo: HugoConfig) -> MappedConfig:
    """Every setting config.yaml needs for this site, with Hugo's defaults where unset."""
    mapped = MappedConfig()
    mapped.site = _site(hugo)
    mapped.markdown = _markdown(hugo)
    mapped.taxonomies = _taxonomies(hugo)
    mapped.permalinks, notes = _permalinks(hugo)
    mapped.unsupported.extend(notes)
    size = hugo.get("pagination", "pagersize", default=hugo.get("paginate", default=10))
    mapped.pagination = {"page_size": _whole(size, 10)}
    mapped.menus = _menus(hugo)
    mapped.extra = _params(hugo)
    mapped.ignore_files = [str(p) for p in _as_list(hugo.get("ignorefiles", default=[]))]
    mapped.disable_aliases = bool(hugo.get("disablealiases", default=False))
    mapped.unsupported.extend(_unsupported(hugo))
    return mapped


def _site(hugo: HugoConfig) -> dict[str, Any]:
    params = hugo.get("params", default={}) or {}
    author = params.get("author") if isinstance(params, dict) else None
    if isinstance(author, dict):
        author = author.get("name") or next((v for v in author.values() if isinstance(v, str)), "")
    site_author = hugo.get("author", default=None)
    if not author and isinstance(site_author, dict):
        author = site_author.get("name", "")
    language = (hugo.get("languagecode") or hugo.get("locale") or hugo.default_language)
    site = {
        "title": _text(hugo.get("title", default="")),
        "description": _text(params.get("description", "") if isinstance(params, dict) else ""),
        "base_url": _text(hugo.get("baseurl", default="/")) or "/",
        "language": _text(language),
        "author": _text(author or ""),
        "copyright": _text(hugo.get("copyright", default="")),
    }
    zone = hugo.get("timezone")
    if isinstance(zone, str) and zone:
        site["timezone"] = zone
    return site


def _markdown(hugo: HugoConfig) -> dict[str, Any]:
    """Goldmark's settings, and Chroma's line numbers (markup.highlight.lineNos)."""
    typographer = hugo.get("markup", "goldmark", "extensions", "typographer", default=True)
    if isinstance(typographer, dict):
        typographer = not typographer.get("disable", False)
    numbered = hugo.get("markup", "highlight", "linenos", default=False) is True
    in_table = hugo.get("markup", "highlight", "linenumbersintable", default=True) is not False
    return {
        **({"line_numbers": "table" if in_table else "inline"} if numbered else {}),
        "unsafe": bool(hugo.get("markup", "goldmark", "renderer", "unsafe", default=False)),
        "has_cjk_language": bool(hugo.get("hascjklanguage", default=False)),
        "summary_words": _whole(hugo.get("summarylength", default=70), 70),
        "smart_quotes": bool(typographer),
        **({"emoji": True} if hugo.get("enableemoji", default=False) is True else {}),
        **_han_lang(hugo),
        **_passthrough(hugo),
    }


def _passthrough(hugo: HugoConfig) -> dict[str, list[str]]:
    """Goldmark's passthrough block delimiters (``[["$$", "$$"]]``) as ``["$$ $$"]``."""
    settings = hugo.get("markup", "goldmark", "extensions", "passthrough", default={})
    if not isinstance(settings, dict) or settings.get("enable") is not True:
        return {}
    delimiters = settings.get("delimiters")
    pairs = delimiters.get("block") if isinstance(delimiters, dict) else None
    blocks = [f"{pair[0]} {pair[1]}" for pair in pairs or [] if isinstance(pair, list) and len(pair) == 2
              and all(isinstance(d, str) and d and not d.isspace() and " " not in d for d in pair)]
    return {"passthrough_blocks": blocks} if blocks else {}


def _han_lang(hugo: HugoConfig) -> dict[str, str]:
    """On a Chinese site, text written only in Han characters is Chinese, not the engine's
    default Japanese: its lang attribute picks the fonts and the screen reader's voice."""
    language = _text(hugo.get("languagecode") or hugo.get("locale") or hugo.default_language)
    return {"cjk_lang": language} if language.lower().split("-")[0] == "zh" else {}


def _taxonomies(hugo: HugoConfig) -> dict[str, str]:
    configured = hugo.get("taxonomies")
    if not isinstance(configured, dict):
        return dict(HUGO_TAXONOMIES)
    return {str(k): str(v) for k, v in configured.items() if isinstance(v, str) and v}


def _permalinks(hugo: HugoConfig) -> tuple[dict[str, str], list[str]]:
    """Hugo's per-section patterns, old style (``posts = ...``) or new (``page.posts``)."""
    configured = hugo.get("permalinks")
    patterns: dict[str, str] = {}
    notes: list[str] = []
    if not isinstance(configured, dict):
        return patterns, notes
    for key, value in configured.items():
        if isinstance(value, str):
            patterns[key] = value
        elif key == "page" and isinstance(value, dict):
            patterns.update({k: v for k, v in value.items() if isinstance(v, str)})
        elif isinstance(value, dict) and value:
            notes.append(f"permalinks.{key}: patterns for {key} pages are not used; those pages "
                         "keep their folder's URL")
    return patterns, notes


def _menus(hugo: HugoConfig) -> dict[str, list[dict[str, Any]]]:
    menus: dict[str, Any] = {}
    for key in ("menu", "menus"):
        value = hugo.get(key)
        if isinstance(value, dict):
            for name, entries in value.items():
                menus.setdefault(str(name), []).extend(_as_list(entries))
    return {name: [_menu_entry(e) for e in entries if isinstance(e, dict)]
            for name, entries in menus.items()}


def _menu_entry(entry: dict[str, Any]) -> dict[str, Any]:
    keys = {"name": "name", "url": "url", "pageref": "page_ref", "weight": "weight",
            "identifier": "identifier", "parent": "parent", "pre": "pre", "post": "post",
            "title": "title"}
    return {ours: entry[hugo] for hugo, ours in keys.items() if entry.get(hugo) not in (None, "")}


def _params(hugo: HugoConfig) -> dict[str, Any]:
    params = hugo.get("params", default={})
    return dict(params) if isinstance(params, dict) else {}


def _unsupported(hugo: HugoConfig) -> list[str]:
    """What the site sets that we do differently, one line each."""
    notes = []
    if len(hugo.languages) > 1:
        notes.append(f"languages: only {hugo.default_language} is migrated; pages in "
                     f"{', '.join(hugo.languages[1:])} are left out")
    if hugo.get("frontmatter"):
        notes.append("frontmatter: dates are read from Hugo's default keys (date, publishDate, "
                     "lastmod), not from this site's choice of keys or from git")
    if hugo.get("cascade"):
        notes.append("cascade: front matter cascaded from the config is not applied")
    if hugo.get("uglyurls"):
        notes.append("uglyURLs: pages are folders with index.html, not .html files")
    kinds = _as_list(hugo.get("disablekinds", default=[]))
    if kinds:
        notes.append(f"disableKinds: {', '.join(map(str, kinds))} pages are made anyway")
    others = sorted(k for k in hugo.values if k not in QUIET_KEYS)
    if others:
        notes.append(f"settings with no equivalent, ignored: {', '.join(others)}")
    return notes


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _whole(value: Any, default: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if number > 0 else default
