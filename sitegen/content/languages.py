"""The site's languages, which language each source is in, and which sources translate each other.

As Hugo: a source is in a language by its file name (`about.ja.md` beside `about.md`) or by
the content folder it is in (`languages.ja.content_dir`), else in the default language.
Pages in another language than the default have URLs under `/<code>/`, and the default
language too with `default_in_subdir`; a page whose front matter gives `url` keeps it as
written. Translations are the sources in different languages that share a path (once the
language is taken out of it: `2019/x.md`, `2019/x.ja.md`, `ja/2019/x.md` in ja's folder) or
a `translationKey`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from sitegen.config.locales import language_name
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.urls import Route, output_file


@dataclass(frozen=True)
class Language:
    code: str
    name: str  # in the language itself: "日本語"
    weight: int
    title: str
    description: str
    copyright: str
    locale: str  # for Babel: dates, numbers, plural rules
    prefix: str  # "" or "/ja": put before every site path of the language
    content_dir: str  # relative to the content folder ("ja"), "" when it has none of its own
    is_default: bool


def site_languages(config: Config) -> tuple[Language, ...]:
    """The site's languages by weight, then code; a site without `languages` has one."""
    default = default_language(config)
    if not config.languages:
        return (Language(default, _name(default), 0, config.site.title, config.site.description,
                         config.site.copyright, default, "", "", True),)
    content = config.paths.content.strip("/")
    found = []
    for code, section in config.languages.items():
        folder = section.content_dir.strip().strip("/")
        inside = folder[len(content) + 1:] if folder.startswith(content + "/") else ""
        prefix = "" if code == default and not config.default_in_subdir else f"/{code}"
        found.append(Language(code, section.name or _name(code), section.weight,
                              section.title or config.site.title,
                              section.description or config.site.description,
                              section.copyright or config.site.copyright, section.locale or code, prefix, inside,
                              code == default))
    return tuple(sorted(found, key=lambda language: (language.weight, language.code)))


def default_language(config: Config) -> str:
    return config.default_language or config.site.language


def _name(code: str) -> str:
    try:
        return language_name(code)
    except ValueError:
        return code


@dataclass(frozen=True)
class Placement:
    """Where a source stands among the languages."""

    lang: str  # the site language it belongs to
    content_path: str  # its path for URLs, without the language: "2019/x.md"
    key: str  # what its translations share: "path:2019/x" or "key:<translationKey>"


def place(content_path: str, translation_key: str, languages: tuple[Language, ...]) -> Placement:
    """The language of one source (by its folder, else its file name) and its translation key."""
    default = next(language.code for language in languages if language.is_default)
    lang, path = default, content_path
    for language in languages:
        if language.content_dir and content_path.startswith(language.content_dir + "/"):
            lang, path = language.code, content_path[len(language.content_dir) + 1:]
            break
    pure = PurePosixPath(path)
    stem, _, suffix = pure.stem.rpartition(".")
    if stem and suffix in {language.code for language in languages}:
        lang = suffix
        path = str(pure.with_name(stem + pure.suffix))
    base = str(PurePosixPath(path).with_suffix(""))
    key = f"key:{translation_key}" if translation_key else f"path:{base}"
    return Placement(lang, path, key)


def translation_groups(placements: dict[str, Placement]) -> dict[str, tuple[str, ...]]:
    """Source path -> the source paths of its translations (in other languages), sorted."""
    groups: dict[str, list[str]] = defaultdict(list)
    for source, placement in placements.items():
        groups[placement.key].append(source)
    result: dict[str, tuple[str, ...]] = {}
    for members in groups.values():
        for source in members:
            lang = placements[source].lang
            result[source] = tuple(sorted(m for m in members if placements[m].lang != lang))
    return result


def localized(route: Route, language: Language, source_content_path: str, own_url: bool) -> Route:
    """A route in its language: under the language's prefix (a front matter `url` is kept as
    written, as Hugo keeps it; aliases are moved under the prefix, as Hugo moves them), and a
    page bundle's resources still found in the source's own folder."""
    bundle_dir = route.bundle_dir
    if bundle_dir and route.kind != "section":
        bundle_dir = str(PurePosixPath(source_content_path).parent)
    route = replace(route, lang=language.code, bundle_dir=bundle_dir)
    if not language.prefix:
        return route
    path = route.path if own_url else language.prefix + route.path
    return replace(route, path=path, output=output_file(path),
                   aliases=tuple(language.prefix + alias for alias in route.aliases))


def place_document(doc: Document, languages: tuple[Language, ...]) -> Placement:
    """`place` for a parsed source: its translationKey is in front matter (Hugo's key)."""
    key = doc.meta.params.get("translationkey")
    return place(doc.source.content_path, str(key) if key not in (None, "") else "", languages)
