"""Split the site into its languages and link every page to its versions in the others.

Each site language gets its own `SiteView` (as Hugo gives each language its own .Site):
its own articles, lists under its prefix, title and description. With
`list_other_languages`, its lists also show the articles that have no version in it, so a
reader of a language reaches every article from its home page. Which version of a
translated page is the original: the one in the language another version names as its
`original_language`, else the default language's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from urllib.parse import unquote

from sitegen.cancelling import with_cancel_points
from sitegen.config.settings import Config
from sitegen.content.languages import Language, place_document, translation_groups
from sitegen.content.urls import absolute, href
from sitegen.render.contexts import ParallelPage
from sitegen.render.templates import OutputPlan
from sitegen.site.assemble import LanguageContext, PageInput
from sitegen.site.model import Article, PageMeta, Translation


@dataclass(frozen=True)
class LanguagePages:
    language: Language
    context: LanguageContext
    pages: list[PageInput]  # its own pages, then the others its lists show


def split_languages(pages: Iterable[PageInput], config: Config,
                    languages: tuple[Language, ...]) -> list[LanguagePages]:
    """Each language's context and the pages it assembles, by weight."""
    pages = list(pages)
    by_code = {language.code: language for language in languages}
    default = next(language.code for language in languages if language.is_default)
    placements = {p.document.source.path: place_document(p.document, languages) for p in with_cancel_points(pages)}
    groups = translation_groups(placements)
    links = {p.document.source.path: _link(p, by_code[p.route.lang or default], config)
             for p in with_cancel_points(pages)}
    weight = {language.code: n for n, language in enumerate(languages)}
    translations = {source: tuple(sorted((links[m] for m in members), key=lambda t: weight[t.lang]))
                    for source, members in with_cancel_points(groups.items())}
    originals = _originals(pages, groups, default)
    homes = tuple(Translation(language.code, language.name, href(config, language.prefix + "/"),
                              absolute(config, language.prefix + "/"), language.title)
                  for language in languages) if len(languages) > 1 else ()
    result = []
    for language in languages:
        own = [p for p in pages if (p.route.lang or default) == language.code]
        others = [p for p in pages if (p.route.lang or default) != language.code and p.route.kind == "article"
                  and not any(t.lang == language.code for t in translations[p.document.source.path])]
        context = LanguageContext(language.code, language.prefix, language.title, language.description,
                                  language.copyright, default, homes, translations, originals)
        result.append(LanguagePages(language, context, own + (others if config.list_other_languages else [])))
    return result


def _link(page: PageInput, language: Language, config: Config) -> Translation:
    path = page.route.path
    return Translation(language.code, language.name, href(config, path), absolute(config, path),
                       page.document.meta.title)


def _originals(pages: list[PageInput], groups: dict[str, tuple[str, ...]], default: str) -> dict[str, str]:
    """Source path -> the language of the version it translates (absent: it is the original)."""
    lang = {p.document.source.path: p.route.lang or default for p in pages}
    named = {p.document.source.path: p.document.meta.provenance.original_language for p in pages}
    result: dict[str, str] = {}
    for source, others in with_cancel_points(groups.items()):
        if not others:
            continue
        members = (source, *others)
        declared = {named[m] for m in members if named[m] and named[m] != lang[m]}
        original = next((m for m in members if lang[m] in declared), None)
        original = original or next((m for m in members if lang[m] == default), None)
        if original is not None and original != source:
            result[source] = lang[original]
    return result


LINKED_KINDS = frozenset({"home", "archive", "search", "404", "taxonomy", "term", "section", "glossary"})


def link_pages(plans: list[OutputPlan], languages: tuple[Language, ...], config: Config) -> list[OutputPlan]:
    """Every plan with its page's versions in the other languages (page.translations) and
    the version for readers of any other language (page.x_default, the default language's).

    An article's versions are its translations; a list page's (home, archive, a taxonomy, a
    term...) are the pages of the same kind at the same path in the other languages."""
    if len(languages) < 2:
        return plans
    by_code = {language.code: language for language in languages}
    base = config.base_path.rstrip("/")
    lists: dict[tuple[str, str], list[Translation]] = {}
    keys: dict[int, tuple[str, str]] = {}
    for index, plan in enumerate(plans):
        page, language = plan.context.page, by_code.get(plan.language)
        key = _list_key(plan, base, language)
        if key is not None and language is not None:
            keys[index] = key
            lists.setdefault(key, []).append(Translation(language.code, language.name, page.url,
                                                         page.permalink, page.title))
    default = next(language.code for language in languages if language.is_default)
    linked = []
    for index, plan in enumerate(plans):
        page = plan.context.page
        article = getattr(plan.context, "article", None)
        if index in keys:
            versions = tuple(lists[keys[index]])
        elif page.kind in ("article", "page") and isinstance(article, Article):
            versions = _with_own(article, by_code[plan.language], page)
        else:
            linked.append(plan)
            continue
        others = tuple(v for v in versions if v.lang != plan.language)
        x_default = next((v.permalink for v in versions if v.lang == default), "") if others else ""
        meta = replace(page, translations=others, x_default=x_default)
        linked.append(replace(plan, context=replace(plan.context, page=meta)))
    return linked


def _list_key(plan: OutputPlan, base: str, language: Language | None) -> tuple[str, str] | None:
    """What a page shares with its versions in the other languages, for pages that are not an
    article's own: a list's kind and path below the language's prefix; for a side-by-side
    view, the two texts it shows (the Japanese view of the same pair is its version)."""
    page = plan.context.page
    if isinstance(plan.context, ParallelPage):
        pair = (plan.context.article, plan.context.translation)
        return ("parallel", " ".join(sorted(a.source_path for a in pair)))
    if page.kind in LINKED_KINDS and language is not None:
        return (page.kind, unquote(page.url)[len(base) + len(language.prefix):])
    return None


def _with_own(article: Article, language: Language, page: PageMeta) -> tuple[Translation, ...]:
    own = Translation(language.code, language.name, page.url, page.permalink, article.title)
    return (own, *article.translations)
