"""Jinja2 environment for pages and shortcodes, and rendering with file:line errors.

Autoescaping is on and undefined variables are errors: a typo in a template must
stop the build with the template's name and line, not publish an empty string.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
import jinja2.meta
from markupsafe import Markup

from sitegen.cite.texts import CitationTexts
from sitegen.config.locales import language_name, og_locale, text_direction
from sitegen.config.settings import Config
from sitegen.content.links import checked_file
from sitegen.content.urls import absolute, href
from sitegen.errors import Diagnostic, TemplateError, did_you_mean
from sitegen.markup.fences import highlight_code
from sitegen.markup.urlsafety import safe_url
from sitegen.render.citation import template_globals as citation_globals
from sitegen.render.contexts import PageContext
from sitegen.render.gofuncs import go
from sitegen.render.parallel import align
from sitegen.render.site_reads import LOOP_CONTROLS
from sitegen.render.structured import TEMPLATE_GLOBALS as STRUCTURED_GLOBALS
from sitegen.site.catalog import Translator, load_catalog
from sitegen.theme import NOTES, SHOWN_PREFIX, layered_files, theme_folder

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class OutputPlan:
    """One page to render: where it goes, with which template and variables."""

    output: str  # file under the output folder
    template: str
    context: PageContext  # the page's variables and what they depend on
    language: str = ""  # the site language whose environment renders it ("": the default one)


@dataclass(frozen=True)
class RenderedFile:
    output: str
    data: bytes


@dataclass(frozen=True, slots=True)
class DerivedFile:
    """A file made from the site without a template (a feed, the sitemap): where it goes,
    and how to make its bytes, which the renderers call beside the pages.

    Its fingerprint is made of the config, the articles it is made from (with their
    bodies) and `extra`, a text standing for anything else it shows."""

    output: str
    build: Callable[[], bytes]
    articles: tuple[Any, ...] = ()  # the Articles it shows
    extra: str = ""


# Date filters are pure and pages show the same dates many times (an article's date is on
# its page, in its list items, feeds and neighbours' links): each is formatted once.
@lru_cache(maxsize=1 << 16)
def human_date(value: datetime | None) -> str:
    return f"{value.day} {value.strftime('%B %Y')}" if value else ""


@lru_cache(maxsize=1 << 16)
def iso_date(value: datetime | None) -> str:
    return value.isoformat() if value else ""


@lru_cache(maxsize=1 << 16)
def short_date(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


class RenderMemo:
    """`{% call cached(key, ...) %}...{% endcall %}`: the block's HTML, rendered once per key.

    A list item looks the same on every list page that shows it, and list pages are most
    of a site's pages; rendering each item once per build instead of once per list cuts
    template time by more than half. Keys are compared by identity (an article's view is
    one object for the whole build) and kept alive so an id is never reused. One memo per
    environment, and an environment per build, so nothing outlives the build.
    """

    def __init__(self) -> None:
        self._html: dict[tuple[int, ...], tuple[tuple[Any, ...], Markup]] = {}
        self._recent: tuple[tuple[int, ...], Any, tuple[Any, ...]] | None = None

    def __call__(self, *keys: Any, caller: jinja2.runtime.Macro) -> Markup:
        ident = tuple(id(key) for key in keys)
        known = self._html.get(ident)
        if known is None:
            known = self._html[ident] = (keys, Markup(caller()))
        return known[1]

    def recent(self, keys: tuple[Any, ...], make: Callable[[], T]) -> T:
        """The value `make` gives for these keys (compared by identity), kept only until a
        call with other keys: a page that asks twice in a row (an article's citation, for
        its head and for its body) makes it once, and nothing piles up over a build."""
        ident = tuple(id(key) for key in keys)  # the keys are kept alive with it: no id reused
        known = self._recent
        if known is None or known[0] != ident:
            known = self._recent = (ident, make(), keys)
        return known[1]

    def clear(self) -> None:
        self._html.clear()
        self._recent = None


class SiteHandle:
    """The `site` global: the site a build renders, reached through this handle so that
    the build can let go of it (`release`) when it is done with the environment.

    A Jinja environment is a reference cycle (templates, their globals, imported macros'
    contexts all point back), freed only by a full garbage collection; each of those
    copies of the globals held the whole site, so every past build's articles stayed in
    memory until one ran, and `serve` paused for it (docs/performance.md)."""

    __slots__ = ("_site",)

    def __init__(self, site: Any) -> None:
        self._site = site

    def __getattr__(self, name: str) -> Any:
        if self._site is None:
            raise AttributeError(f"the site of a finished build has no {name!r} any more")
        return getattr(self._site, name)

    def release(self) -> None:
        self._site = None


def forget_rendered(env: jinja2.Environment) -> None:
    """Drop `env`'s memo of rendered list items, which knows articles by identity: before
    it renders a plan whose articles changed in place (build/rebody.py)."""
    held = env.globals.get("cached")
    if isinstance(held, RenderMemo):
        held.clear()


def release_environment(env: jinja2.Environment) -> None:
    """Drop what `env` holds of its build's site: the `site` global and the memo of
    rendered list items. The environment must not render again."""
    for name in ("site", "cached"):
        held = env.globals.get(name)
        if isinstance(held, SiteHandle):
            held.release()
        elif isinstance(held, RenderMemo):
            held.clear()


def ui_lang_for(site_language: str) -> Callable[[str], Markup]:
    """`ui_lang(around)`: ` lang="<site.language>"` on interface text (labels, dates,
    "min read") that sits inside content in another language (`around`), so screen
    readers and fonts treat the English interface as English; nothing when they agree.

    A plain function closed over the site's language, not a template macro (a Jinja
    macro call costs ten times a function call, and pages make a dozen) nor a
    pass_context function (Jinja copies the context for those inside loops).
    """
    attribute = Markup(' lang="%s"') % site_language

    def ui_lang(around: str) -> Markup:
        return attribute if around and around != site_language else Markup("")

    return ui_lang


def other_lang(lang: str, around: str) -> Markup:
    """` lang="<lang>"` when content in `lang` sits inside content in `around`."""
    return Markup(' lang="%s"') % lang if lang and lang != around else Markup("")


class _Environment(jinja2.Environment):
    """Jinja's environment with each template's globals in one plain dict.

    Jinja chains a template's globals to the environment's (a ChainMap), and every
    `{% from "partials/x.html" import y %}` compares the page's globals with the
    partial's through that chain's Python-level key view: a twentieth of an article
    page's rendering time. A dict copy compares in C. The copy does not follow later
    changes to `env.globals`: every global is set by make_environment, before the first
    template loads (compile_all).
    """

    def make_globals(self, d: Any = None) -> Any:
        return {**self.globals, **(d or {})}


class ProjectLoader(jinja2.FileSystemLoader):
    """Jinja's file loader for templates/, refusing a template reached through a symbolic
    link out of the project (content/links.py), which would render that file into pages.

    Jinja already refuses names with '..' and reads '/etc/x' as 'templates/etc/x'; links
    are what could still lead out. The build lists templates/ with the same rule first
    (templates_fingerprint), so this is the second line, for names only Jinja resolves.
    A README.md at the top of the folder is a note for people, not a template.
    """

    def __init__(self, config: Config) -> None:
        super().__init__(str(config.path("templates")))
        self.config = config

    def get_source(self, environment: jinja2.Environment,
                   template: str) -> tuple[str, str, Callable[[], bool]]:
        if template in NOTES:
            raise jinja2.TemplateNotFound(template)
        source, filename, uptodate = super().get_source(environment, template)
        problem = checked_file(self.config, Path(filename), f"{self.config.paths.templates}/{template}")
        if problem is not None:
            raise jinja2.TemplateError(f"{problem.path}: {problem.message} ({problem.hint})")
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return [name for name in super().list_templates() if name not in NOTES]


def make_loader(config: Config) -> jinja2.BaseLoader:
    """The project's templates first, then the theme's (sitegen/theme): Hugo's lookup order."""
    return jinja2.ChoiceLoader([ProjectLoader(config),
                                jinja2.FileSystemLoader(str(theme_folder("templates")))])


def make_environment(config: Config, site: Any = None, translator: Translator | None = None,
                     lang_prefix: str = "", citations: CitationTexts | None = None) -> jinja2.Environment:
    """The one environment for page and shortcode templates of this site (of one of its
    languages: `translator` gives `T`, the dates and numbers; without one, the site
    language's, from the theme's and the project's i18n files).

    Templates are compiled by every build, never read back compiled: Jinja's bytecode
    cache stores marshalled code objects, and a cache folder may be restored from a CI
    cache that others can write. Compiling costs about a tenth of a second a build.

    `site`, the assembled site a build renders, is a global as well as a page variable:
    partials are imported without context, so Jinja compiles each once per build instead
    of once per page, and the macros in them can still read `site`. Every global is set
    here, before any template loads (see _Environment). `lang_prefix`: where the language's
    pages are ("/ja"), for `lang_url`. `citations`: what `citation()` reads (cite/texts.py).
    """
    env = _Environment(
        loader=make_loader(config),
        autoescape=jinja2.select_autoescape(["html", "xml", "htm"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False, extensions=LOOP_CONTROLS,
    )
    translator = translator or load_catalog(config)[0].translator(config.site.language)
    env.filters.update(human_date=translator.date, iso_date=iso_date, short_date=short_date,
                       safe_url=safe_url, number=translator.number)
    env.globals.update(
        url_for=lambda path: href(config, path),
        lang_url=lambda path: href(config, lang_prefix + path),  # Hugo's relLangURL
        absolute_url=lambda path: absolute(config, path),
        asset=lambda path: href(config, "/" + str(path).lstrip("/")),
    )
    env.globals.update(STRUCTURED_GLOBALS, **citation_globals(citations))
    env.globals["go"] = go  # Hugo's functions, for shortcodes translated by `migrate`
    env.globals.update(cached=RenderMemo(), highlight=highlight_code, **_language_globals(translator))
    if site is not None:
        env.globals["site"] = SiteHandle(site)
    return env


def _language_globals(translator: Translator) -> dict[str, Any]:
    """The globals that speak the page's language: `T` (Hugo's `i18n` too), its dates and
    names of languages, and the lang and dir attributes of the interface."""
    return dict(ui_lang=ui_lang_for(translator.lang), other_lang=other_lang,
                T=translator, i18n=translator, month_year=translator.month, link=link, span=span,
                ui_strings=translator.forms, ui_language=translator.lang, text_dir=text_dir,
                language_name=lambda tag: language_name(tag, translator.locale),
                og_locale=_og_locale, align_texts=align)


def _og_locale(lang: str) -> str:
    """og:locale of a language ("ja_JP"), "" for a tag CLDR does not know (then none is given)."""
    try:
        return og_locale(lang) if lang else ""
    except ValueError:
        return ""


def text_dir(lang: str) -> Markup:
    """` dir="rtl"` for text in a right-to-left language (Arabic, Hebrew), else nothing."""
    try:
        return Markup(' dir="rtl"') if text_direction(lang) == "rtl" else Markup("")
    except ValueError:
        return Markup("")


def link(href: str, text: str, **attributes: str) -> Markup:
    """`<a href=...>text</a>` for a link inside a translated sentence: T("x", Link=link(url, T("y")))."""
    return Markup("<a%s href=\"%s\">%s</a>") % (_attributes(attributes), href, text)


def span(text: str, **attributes: str) -> Markup:
    """`<span lang="ja">text</span>`, for text in another language inside a translated sentence."""
    return Markup("<span%s>%s</span>") % (_attributes(attributes), text)


def _attributes(attributes: dict[str, str]) -> Markup:
    return Markup("").join(Markup(' %s="%s"') % (name, value) for name, value in sorted(attributes.items())
                           if value not in (None, ""))


def compile_all(env: jinja2.Environment, names: set[str]) -> None:
    """Load (compile) the named templates and all partials
    now, before renderers fork, so each does not compile them again. Errors are left for
    rendering to report with their page."""
    assert env.loader is not None
    partials = {n for n in env.list_templates() if n.startswith("partials/")}
    for name in sorted(names | partials):
        try:
            env.get_template(name)
        except jinja2.TemplateError:
            pass


def render_output(plan: OutputPlan, env: jinja2.Environment) -> RenderedFile:
    """Render one plan; raises TemplateError pointing at the template line."""
    template = load_template(env, plan.template)
    try:
        text = template.render(plan.context.variables())
    except Exception as exc:  # noqa: BLE001 - any failure in a template is the template's, with its line
        raise TemplateError([runtime_diagnostic(exc, env, plan.template, plan.output,
                                                tuple(plan.context.variables()))]) from None
    return RenderedFile(plan.output, text.encode("utf-8"))


def load_template(env: jinja2.Environment, name: str) -> jinja2.Template:
    try:
        return env.get_template(name)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError([syntax_diagnostic(exc, env, name)]) from None
    except jinja2.TemplateNotFound as exc:
        raise TemplateError([Diagnostic(
            _template_path(env, name), 0, 0, "error", f"template '{exc.name}' does not exist",
            f"create {_template_path(env, str(exc.name))}: neither the project nor the theme has it")]) from None


_UNCLOSED_RE = re.compile(r"The innermost block that needs to be closed is '(\w+)'")
_UNKNOWN_TAG_RE = re.compile(r"^Encountered unknown tag '(\w+)'")
_NO_FILTER_RE = re.compile(r"^No filter named '([^']+)'")


def syntax_diagnostic(exc: jinja2.TemplateSyntaxError, env: jinja2.Environment, name: str) -> Diagnostic:
    """A template that does not compile: its file, its line and the tag to fix."""
    path = _template_path(env, exc.name or name)
    message = exc.message or "could not be read"
    hint = "check the {% %} and {{ }} tags on this line"
    unclosed, unknown = _UNCLOSED_RE.search(message), _UNKNOWN_TAG_RE.match(message)
    if unknown and unclosed:
        message = f"'{{% {unknown.group(1)} %}}' does not match the open '{{% {unclosed.group(1)} %}}'"
        hint = f"close '{{% {unclosed.group(1)} %}}' with '{{% end{unclosed.group(1)} %}}' first"
    elif unclosed and message.startswith("Unexpected end of template"):
        message = f"'{{% {unclosed.group(1)} %}}' is never closed"
        hint = f"add '{{% end{unclosed.group(1)} %}}' where the {unclosed.group(1)} ends"
    elif _NO_FILTER_RE.match(message):
        wanted = _NO_FILTER_RE.match(message).group(1)  # type: ignore[union-attr]
        message = f"no filter named '{wanted}'"
        hint = did_you_mean(wanted, env.filters) or "the filters are listed in docs/templates.md"
    return Diagnostic(path, exc.lineno or 0, 0, "error", f"template syntax error: {message}", hint)


_NO_ATTRIBUTE_RE = re.compile(r"^'(?:(?P<module>[\w.]+)\.)?(?P<cls>\w+) object' has no attribute '(?P<attr>\w+)'$")
_UNDEFINED_RE = re.compile(r"^'(?P<name>\w+)' is undefined$")


def runtime_diagnostic(exc: BaseException, env: jinja2.Environment, name: str, output: str,
                       names: tuple[str, ...] = ()) -> Diagnostic:
    """Find the template line a rendering error came from in the traceback.

    `names` are the variables the template was given, for a did-you-mean on a typo.
    """
    if isinstance(exc, jinja2.TemplateSyntaxError):  # an extended or included template
        return syntax_diagnostic(exc, env, name)
    line, file = 0, _template_path(env, name)
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        shown = _frame_template(env, os.path.realpath(frame.filename)) if frame.filename else None
        if shown is not None:
            line, file = frame.lineno or 0, shown
            break
    if isinstance(exc, jinja2.TemplateNotFound):
        return Diagnostic(file, line, 0, "error", f"template '{exc.name}' does not exist",
                          f"create {_template_path(env, str(exc.name))}, or correct the name on this line")
    if isinstance(exc, jinja2.UndefinedError):
        message, hint = _undefined(exc.message or str(exc), env, names)
        return Diagnostic(file, line, 0, "error", f"template error: {message}", hint)
    message = getattr(exc, "message", None) or str(exc)
    if not isinstance(exc, jinja2.TemplateError):
        message = f"{type(exc).__name__}: {message}"
    return Diagnostic(file, line, 0, "error", f"template error: {message}", f"while rendering {output}")


def _undefined(message: str, env: jinja2.Environment, names: tuple[str, ...]) -> tuple[str, str]:
    """Say which name is unknown, with a did-you-mean when a known one is close."""
    fallback = "check the variable's name against docs/templates.md"
    undefined = _UNDEFINED_RE.match(message)
    if undefined:
        return message, did_you_mean(undefined.group("name"), {*names, *env.globals}) or fallback
    attribute = _NO_ATTRIBUTE_RE.match(message)
    if not attribute:
        return message, fallback
    cls_name, attr = attribute.group("cls"), attribute.group("attr")
    module = sys.modules.get(attribute.group("module") or "builtins")
    cls = getattr(module, cls_name, None)
    known: set[str] = set()
    if isinstance(cls, type):
        known = {n for n in dir(cls) if not n.startswith("_")}
        known |= {f.name for f in dataclasses.fields(cls)} if dataclasses.is_dataclass(cls) else set()
    return f"{cls_name} has no attribute '{attr}'", did_you_mean(attr, known) or fallback


def _template_roots(env: jinja2.Environment) -> list[tuple[str, str]]:
    """(real folder, the folder as messages name it) of each place templates are looked up,
    in lookup order: the project's templates folder, then the theme's."""
    loader = env.loader
    loaders = loader.loaders if isinstance(loader, jinja2.ChoiceLoader) else [loader]
    roots = []
    for each in loaders:
        if isinstance(each, jinja2.FileSystemLoader):
            folder = Path(each.searchpath[0])
            shown = (f"{each.config.paths.templates}" if isinstance(each, ProjectLoader)
                     else f"{SHOWN_PREFIX}/{folder.name}")
            roots.append((os.path.realpath(folder), shown))
    return roots


def _frame_template(env: jinja2.Environment, filename: str) -> str | None:
    """The template a traceback frame's file is, as messages name it; None if not one."""
    for root, shown in _template_roots(env):
        if filename.startswith(root + os.sep):
            return f"{shown}/{filename[len(root) + 1:]}"
    return None


def _template_path(env: jinja2.Environment, name: str) -> str:
    """Where template `name` is read from (the project's, else the theme's), as messages
    name it; a template found nowhere is named in the project, where it can be created."""
    roots = _template_roots(env)
    for root, shown in roots:
        if os.path.isfile(os.path.join(root, name)):
            return f"{shown}/{name}"
    return f"{roots[0][1]}/{name}" if roots else name


def template_uses(env: jinja2.Environment, name: str, variable: str) -> bool:
    """Whether a template's source mentions a variable (e.g. a shortcode's `inner`)."""
    assert env.loader is not None
    source, _, _ = env.loader.get_source(env, name)
    try:
        # The site's own environment, so its filters (safe_url, ...) are known when compiling.
        return variable in jinja2.meta.find_undeclared_variables(env.parse(source))
    except jinja2.TemplateError:
        return True  # rendering it reports the error with its line


def templates_fingerprint(config: Config, subfolder: str = "") -> str:
    """Digest of every template file the build uses, the theme's and the project's (or of
    one subfolder): part of every cache key.

    Lists the project's templates as content/links.py allows, so a link out of the project
    stops the build here, naming the link, before any template is loaded."""
    digest = hashlib.sha256()
    prefix = subfolder.strip("/") + "/" if subfolder else ""
    for rel, path in layered_files(config, "templates"):
        if rel.startswith(prefix):
            digest.update(rel[len(prefix):].encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def safe(value: str) -> Markup:
    return Markup(value)
