"""Convert one document's body: shortcodes out, Markdown, shortcodes back in.

This is the per-article unit of work (the part worth spreading over processes and
caching); it depends on the text, the Markdown options, the shortcode templates
and, for ``ref``/``relref``, the table of page URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from sitegen.cancelling import with_cancel_points
from sitegen.config.settings import Config
from sitegen.content.classify import HTML_SUFFIXES
from sitegen.content.frontmatter import Document
from sitegen.content.paths import path_name, path_parent, path_stem
from sitegen.content.urls import Route, absolute, href
from sitegen.errors import Diagnostic
from sitegen.markup.alerts import ALERT_TITLES
from sitegen.markup.diagrams import DIAGRAM_NAME_RE
from sitegen.markup.goldmark import MAX_LINE_NUMBER_DIGITS
from sitegen.markup.htmlbody import render_html_body
from sitegen.markup.markdown import (
    MarkdownOptions,
    MarkdownTooDeep,
    RenderedBody,
    page_options,
    render_inline_markdown,
    render_markdown,
)
from sitegen.markup.markers import strip_reserved
from sitegen.markup.passthrough import delimiter_pairs
from sitegen.markup.shortcodes import (
    Expansion,
    ShortcodeCall,
    ShortcodeFailure,
    call_context,
    expand_shortcodes,
)
from sitegen.render.file_reads import MISSING, READ_KIND, RESOURCE_HINT, checked_name, file_digest, read_project_file
from sitegen.render.go_partials import PARTIALS_FOLDER, GoPage, GoShortcode, PartialRunner
from sitegen.render.go_values import GoResource, GoResources, GoStore
from sitegen.render.included import IncludedOutputs
from sitegen.render.site_reads import STATS, site_attributes
from sitegen.render.templates import load_template, runtime_diagnostic, template_uses
from sitegen.site.data import load_data
from sitegen.site.glossary import load_glossary
from sitegen.site.glossary_marks import mark_glossary, terms_in_text
from sitegen.site.info import CONFIG_ATTRIBUTES, SiteInfo
from sitegen.site.model import Body, Heading


def markdown_options(config: Config) -> MarkdownOptions:
    md = config.markdown
    return MarkdownOptions(smart_quotes=md.smart_quotes, unsafe=md.unsafe,
                           toc_min_headings=md.toc_min_headings, summary_words=md.summary_words,
                           has_cjk_language=md.has_cjk_language, cjk_lang=md.cjk_lang,
                           line_numbers=md.line_numbers if md.line_numbers in ("table", "inline") else "",
                           emoji=md.emoji, alerts=md.alerts if md.alerts in ALERT_TITLES else "",
                           diagrams=tuple(name for name in md.diagrams if DIAGRAM_NAME_RE.fullmatch(name)),
                           raw_diagrams=md.raw_diagrams and md.unsafe, diagrams_joined=md.diagrams_joined,
                           passthrough_blocks=delimiter_pairs(md.passthrough_blocks),
                           code_titles=md.code_titles)


@dataclass(frozen=True, slots=True)
class ConvertedBody:
    body: RenderedBody  # without html, toc_html, headings, links and ids once split off (`split_body`)
    summary_html: str  # the front matter summary as HTML, else the body's summary
    shortcodes: tuple[str, ...]  # names used, for the cache's dependency list
    # The ref/relref links the body resolved, (kind, target, URL) with kind "A" absolute or
    # "R" relative: part of what the stored body stands for. A stored body is used again
    # only while every target still resolves to the same URL (`refs_still_resolve`).
    # Files its shortcodes read (readFile) are here too: (READ_KIND, path, digest).
    refs: tuple[tuple[str, str, str], ...] = ()
    glossary: tuple[str, ...] = ()  # ids of the glossary terms the page uses, in order of first use


def split_body(converted: ConvertedBody) -> tuple[ConvertedBody, Body]:
    """The converted source without its HTML, table of contents, headings, links and ids,
    and those.

    They are most of a converted source's size and only its own page (and `check`) reads
    them, so they travel and are stored apart (see incremental/bodies.py) while the rest
    stays in memory.
    """
    body = converted.body
    light = replace(body, html="", toc_html="", headings=(), links=(), ids=())
    return replace(converted, body=light), Body(body.html, body.toc_html, tuple(map(Heading._make, body.headings)),
                                                body.links, body.ids)


class RefIndex:
    """Resolve ref/relref targets the way Hugo does: by path, by file name or by stem."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Content paths by each name a ref may give them by (lower case): made when a ref
        first needs it, since most refs give a path and most builds resolve none (at 40,000
        articles this was 0.1 s of every build)."""
        by_name: dict[str, list[str]] = {}
        for content_path in with_cancel_points(self.routes):
            for key in _names(content_path):
                by_name.setdefault(key.lower(), []).append(content_path)
        return by_name

    def resolve(self, target: str) -> Route:
        path, _, anchor = target.partition("#")
        path = path.strip().lstrip("/")
        route = self.routes.get(path) or self.routes.get(path + ".md")
        if route is None:
            matches = self.by_name.get(PurePosixPath(path).name.lower(), [])
            if len(matches) > 1:
                raise ShortcodeFailure(f"ref '{target}' is ambiguous: {', '.join(sorted(matches))}",
                                       "give the path under content/, e.g. 2019/my-article.md")
            route = self.routes.get(matches[0]) if matches else None
        if route is None:
            raise ShortcodeFailure(f"ref '{target}' does not match any page",
                                   "give the path of a Markdown file under content/")
        return replace(route, path=route.path + (f"#{anchor}" if anchor else ""))


def _names(content_path: str) -> set[str]:
    """The names a ref may give a file by: its name, its stem and, for a bundle's index,
    its folder's name."""
    stem = path_stem(content_path)
    names = {path_name(content_path), stem}
    if stem in ("index", "_index"):
        names.add(path_name(path_parent(content_path)) if "/" in content_path else "")
    return names - {""}


def ref_url(refs: RefIndex, config: Config, kind: str, target: str) -> str:
    """The URL a ref ("A", absolute) or relref ("R") to `target` stands for; ShortcodeFailure
    when no page, or more than one, matches."""
    path = refs.resolve(target).path
    return absolute(config, path) if kind == "A" else href(config, path)


def refs_still_resolve(converted: ConvertedBody, refs: RefIndex, config: Config) -> bool:
    """Whether every ref of a stored body resolves to the URL it was converted with: a page
    renamed, moved or removed since makes the body be converted again; so does a file its
    shortcodes read (READ_KIND) whose bytes changed."""
    for kind, target, url in converted.refs:
        if kind == READ_KIND:
            if file_digest(config.root, target) != url:
                return False
            continue
        try:
            if ref_url(refs, config, kind, target) != url:
                return False
        except ShortcodeFailure:
            return False
    return True


def as_markup(converted: ConvertedBody) -> ConvertedBody:
    """The same converted source with its summary as the Markup templates print.

    Wrapping a str in Markup copies it. Done once, where the source is converted (so the
    cache stores Markup and loading it makes no second copy); Markup is left as it is. The
    body's HTML stays a str: it is stored apart and wrapped when its page reads it.
    """
    body = converted.body
    summary = _markup(converted.summary_html)
    own = summary if body.summary_html == converted.summary_html else _markup(body.summary_html)
    return replace(converted, body=replace(body, summary_html=own), summary_html=summary)


def _markup(html: str) -> Markup:
    return html if isinstance(html, Markup) else Markup(html)


def _fence_warning(doc: Document, note: str) -> Diagnostic:
    """A code fence option that was ignored, at the first line naming it."""
    return Diagnostic(doc.source.path, _line_containing(doc, note.partition("=")[0]), 0, "warning",
                      f"code fence option {note} is not a line number, so it is ignored",
                      f"give linenostart a whole number of at most {MAX_LINE_NUMBER_DIGITS} digits")


def _line_containing(doc: Document, text: str) -> int:
    for number, line in enumerate(doc.source.read_text().split("\n"), start=1):
        if text in line and number >= doc.body_line:
            return number
    return doc.body_line


_LEADING_H1_RE = re.compile(r"\A(\s*)#[ \t]+")
_FOOTNOTE_REF_RE = re.compile(r'<sup id="fnref[^"]*"><a [^>]*class="footnote-ref"[^>]*>.*?</a></sup>')
_TABLE_OPEN_RE = re.compile(r"<table(?=[\s>])")
_PRE_OPEN_RE = re.compile(r"<pre(?=[\s>])(?![^>]*tabindex)")


def drop_repeated_title(body: str, title: str) -> str:
    """Blank a first-line `# Title` that repeats the front matter title (a blogdown habit).

    The page template already shows the title as its h1; a second one confuses
    readers and screen readers. The line is blanked, not removed, so line numbers
    in diagnostics stay right. See README, "Differences from Hugo".
    """
    match = _LEADING_H1_RE.match(body)
    if not match:
        return body
    line_end = body.find("\n", match.end())
    line_end = len(body) if line_end < 0 else line_end
    # The heading's text without closing '#'s; taken with find and rstrip, as a regular
    # expression for it backtracked over a long line of spaces once per character.
    heading = body[match.end():line_end].rstrip(" \t#")
    if heading.strip() and _comparable(heading) == _comparable(title):
        return match.group(1) + body[line_end:]
    return body


def _comparable(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.lower().translate(str.maketrans("‘’“”", "''\"\"")))


def _accessible_blocks(html: str) -> str:
    """Let keyboard users scroll wide code and tables: focusable, labelled regions."""
    html = _PRE_OPEN_RE.sub('<pre tabindex="0"', html)
    if "<table" in html:
        html = _TABLE_OPEN_RE.sub('<div class="table-scroll" role="region" tabindex="0" '
                                  'aria-label="Table"><table', html).replace("</table>", "</table></div>")
    return html


class NeedsRoutes(Exception):
    """A shortcode calls ref or relref, and this converter has no routes yet: the body is
    converted once every page is routed (build/loading.py, second stage)."""


class NeedsSite(Exception):
    """A shortcode reads the assembled site (its pages, terms, sections): the body is
    converted again once the site is assembled (build/loading.py, second pass)."""


class BodyConverter:
    """Everything needed to convert bodies of one site; one per process.

    `site`: the assembled site, for the second pass; without it, shortcodes see the
    configured values (SiteInfo) and one that reads more raises NeedsSite. `refs`: every
    published page's route, frozen once all pages are routed, so that ref and relref give
    their URL at once; without it, a body that calls one raises NeedsRoutes.
    """

    def __init__(self, config: Config, env: jinja2.Environment, site: Any = None,
                 refs: RefIndex | None = None) -> None:
        self.config = config
        self.env = env
        self.site = site
        self.refs = refs
        self.options = markdown_options(config)
        self._known: dict[str, bool] = {}
        self._inner: dict[str, bool] = {}
        self._readers: dict[str, bool] = {}
        self._info: SiteInfo | None = None
        self._included = IncludedOutputs()  # HTML of included pages' shortcodes (render_shortcodes)
        self._stores: dict[str, GoStore] = {}  # .Page.Store of the page being converted (and those it includes)
        # Its problems are load_site's to report; a glossary with any is empty here.
        self.glossary = load_glossary(config)[0]

    def known(self, name: str) -> bool:
        if name not in self._known:
            self._known[name] = f"shortcodes/{name}.html" in self.env.list_templates()
        return self._known[name]

    def reads_site(self, name: str) -> bool:
        """Whether a shortcode template reads more of `site` than its configured values; one
        that calls Hugo partials (go_partial) counts what any of them reads."""
        if name not in self._readers:
            template = f"shortcodes/{name}.html"
            used = site_attributes(self.env, template)
            if template_uses(self.env, template, "go_partial"):
                partials = [t for t in self.env.list_templates() if t.startswith(PARTIALS_FOLDER + "/")]
                used = used.union(*(site_attributes(self.env, t) for t in partials))
            self._readers[name] = bool(used - CONFIG_ATTRIBUTES - {STATS})  # STATS: not of `site`
        return self._readers[name]

    def site_info(self) -> SiteInfo:
        if self._info is None:
            self._info = SiteInfo.of(self.config, load_data(self.config)[0])  # problems: load_site's
        return self._info

    def needs_inner(self, name: str) -> bool:
        if name not in self._inner:
            self._inner[name] = template_uses(self.env, f"shortcodes/{name}.html", "inner")
        return self._inner[name]

    def render_shortcodes(self, doc: Document) -> str:
        """The body's Markdown with its shortcodes run (Hugo's .RenderShortcodes, which an
        `include` shortcode inserts into another page); as written if one fails. Its refs
        need no record: only the second pass includes pages, and its key holds every URL."""
        expansion = expand_shortcodes(doc.body, doc.source.path, doc.body_line,
                                      lambda call: self._render_call(call, doc, {}), self.known,
                                      self.needs_inner)
        return doc.body if expansion.diagnostics else self._included.hold(expansion.text, expansion.stash)

    def convert(self, doc: Document) -> tuple[ConvertedBody | None, list[Diagnostic]]:
        """Convert one body; diagnostics name the file and line of each bad shortcode."""
        path = doc.source.path
        resolved: dict[tuple[str, str], str] = {}  # the refs this body made, in order
        self._stores = {}  # .Page.Store starts empty for each conversion
        self._included.reset()
        expansion = expand_shortcodes(drop_repeated_title(doc.body, doc.meta.title), path, doc.body_line,
                                      lambda call: self._render_call(call, doc, resolved),
                                      self.known, self.needs_inner)
        self._included.put_back(expansion)
        if expansion.diagnostics:
            return None, expansion.diagnostics
        options = page_options(self.options, doc.meta.is_cjk_language)
        try:
            converted = replace(self._markdown(doc, expansion, options),
                                refs=tuple((kind, target, url) for (kind, target), url in resolved.items()))
        except MarkdownTooDeep:
            return None, [Diagnostic(
                path, doc.body_line, 1, "error",
                "text nested too deeply to convert (emphasis, links, lists or quotes inside each "
                "other hundreds of times)",
                "flatten it: nest fewer than 100 levels (a blank line ends a list or quote)")]
        return as_markup(converted), [_fence_warning(doc, note) for note in converted.body.notes]

    def _markdown(self, doc: Document, expansion: Expansion, options: MarkdownOptions) -> ConvertedBody:
        """The body (shortcodes already expanded) and summary converted from Markdown."""
        if doc.source.path.lower().endswith(HTML_SUFFIXES):  # blogdown's rendered HTML: no Markdown
            body = render_html_body(expansion.text, options, expansion.stash)
        else:
            body = render_markdown(expansion.text, options, expansion.stash)
        body = replace(body, html=_accessible_blocks(body.html),
                       summary_html=_FOOTNOTE_REF_RE.sub("", body.summary_html))
        body, terms = self._glossary(doc, body)
        summary = body.summary_html
        if doc.meta.summary is not None and not body.has_more:  # <!--more--> wins, as in Hugo
            summary = render_inline_markdown(doc.meta.summary, options)
        return ConvertedBody(body, summary, tuple(sorted(expansion.names)), glossary=terms)

    def _glossary(self, doc: Document, body: RenderedBody) -> tuple[RenderedBody, tuple[str, ...]]:
        """Mark the first use of each glossary term (after the summary and word count were
        taken, so the tooltips count in neither); the ids of the terms the page uses, in its
        body, title, summary or provenance."""
        if not self.glossary:
            return body, ()
        lang = doc.meta.lang or body.lang_hint or self.config.site.language
        html, used = mark_glossary(body.html, self.glossary, lang)
        source = doc.meta.provenance
        around = terms_in_text((doc.meta.title, doc.meta.summary or "", doc.meta.description,
                                source.source_name, source.original_title), self.glossary)
        return replace(body, html=html), tuple(dict.fromkeys([*used, *around]))

    def _markdownify(self, text: str, inline: bool = False) -> str:
        """The templates' markdownify: Markdown to HTML, as a body is converted; `inline`:
        one paragraph without its <p>, as Hugo's."""
        try:
            return render_inline_markdown(text, self.options) if inline else render_markdown(text, self.options).html
        except MarkdownTooDeep:
            raise ShortcodeFailure("markdownify: the text nests blocks too deeply to convert",
                                   "nest lists and quotes fewer than 100 levels deep") from None

    def _param(self, doc: Document, key: str) -> Any:
        """Hugo's .Page.Param: the page's front matter value, else the site's (config extra)."""
        value = doc.meta.param(key)
        if value is None:
            value = self.config.extra.get(key, self.config.extra.get(key.lower()))
        if value is None:
            raise ShortcodeFailure(f"param '{key}' is not set in the front matter or in config extra",
                                   f"add '{key}: ...' to the front matter, or under extra: in config.yaml")
        return value

    def _ref(self, kind: str, target: Any, resolved: dict[tuple[str, str], str]) -> str:
        """The URL of a ref ("A") or relref ("R") to `target`, noted in `resolved`."""
        if self.refs is None:
            raise NeedsRoutes(str(target))
        url = ref_url(self.refs, self.config, kind, str(target))
        resolved[(kind, str(target))] = url
        return url

    def _read_file(self, name: Any, resolved: dict[tuple[str, str], str]) -> str:
        """Hugo's readFile: a file of the project as text, noted in `resolved` with its digest
        so that an edit to it converts the body again (render/file_reads.py)."""
        relative, text, file_hash = read_project_file(self.config.root, name)
        resolved[(READ_KIND, relative)] = file_hash
        return text

    def _go_values(self, call: ShortcodeCall, doc: Document, context: dict[str, Any],
                   resolved: dict[tuple[str, str], str]) -> None:
        """What translated Go shortcodes read beyond the call: the page and the shortcode as
        values, the partials they call (render/go_partials.py), and files as resources."""
        store = self._stores.setdefault(doc.source.path, GoStore())  # the page's, while it converts
        path = "/" + doc.source.content_path.rsplit(".", 1)[0].removesuffix("/index")
        bundle = GoResources(lambda name: self._resource(doc, name, resolved))
        page = GoPage(doc.meta, lambda text, block: self._markdownify(text, inline=not block), store, path,
                      bundle)
        context.update(hugo_page=page, shortcode=GoShortcode(call, page),
                       get_resource=lambda name: self._resource(None, name, resolved))
        context["go_partial"] = PartialRunner(self.env, context)

    def _resource(self, doc: Document | None, name: Any, resolved: dict[tuple[str, str], str]) -> GoResource | None:
        """`resources.Get NAME` (doc None: a file of assets/) or `.Page.Resources.Get NAME` (a
        file of the page's bundle), or None. The file looked for is recorded as read, so that
        creating, changing or deleting it converts the body again."""
        if doc is not None and not doc.source.content_path.rsplit("/", 1)[-1].startswith("index."):
            return None  # only a leaf bundle has resources
        folder = "assets" if doc is None else doc.source.path.rsplit("/", 1)[0]
        relative = checked_name(f"{folder}/{str(name or '').lstrip('/')}", "resources.Get", RESOURCE_HINT)
        digest = file_digest(self.config.root, relative)
        resolved[(READ_KIND, relative)] = digest
        if digest == MISSING:
            return None
        inside = relative.removeprefix(folder + "/")
        if doc is None:  # published at the same path: migrate copies assets/ images to static/
            return GoResource(inside.rsplit("/", 1)[-1], href(self.config, "/" + inside),
                              absolute(self.config, "/" + inside))
        page = "/" + doc.source.content_path  # a bundle's files are published beside its page
        here = quote(inside)
        return GoResource(inside.rsplit("/", 1)[-1], self._ref("R", page, resolved).rstrip("/") + "/" + here,
                          self._ref("A", page, resolved).rstrip("/") + "/" + here)

    def _render_call(self, call: ShortcodeCall, doc: Document, resolved: dict[tuple[str, str], str]) -> str:
        """One shortcode's output, with no engine marker in it; the refs it resolved go to
        `resolved`, by (kind, target).

        The ``rawhtml`` shortcode prints its inner HTML as it is only on sites that keep raw
        HTML (``markdown.unsafe: true``) and do not ask for it to be sanitised; anywhere
        else it goes through the allow-list, so no contributor can put script on a page.
        """
        template = load_template(self.env, f"shortcodes/{call.name}.html")
        if self.site is None and self.reads_site(call.name):
            raise NeedsSite(call.name)
        context: dict[str, Any] = call_context(call)
        context.update(page=doc.meta, site=self.site if self.site is not None else self.site_info(),
                       ref=lambda target: self._ref("A", target, resolved),
                       relref=lambda target: self._ref("R", target, resolved),
                       param=lambda key: self._param(doc, key),
                       read_file=lambda name: self._read_file(name, resolved),
                       markdownify=lambda text: Markup(self._markdownify(str(text))),
                       # Hugo's markdownify: one paragraph comes without its <p> (translated shortcodes)
                       hugo_markdownify=lambda text: Markup(self._markdownify(str(text), inline=True)))
        self._go_values(call, doc, context, resolved)
        try:
            output = strip_reserved(template.render(context))
            settings = self.config.markdown
            if call.name == "rawhtml" and (settings.sanitize_rawhtml or not settings.unsafe):
                from sitegen.markup.sanitize import sanitize_html  # nh3 only for sites that need it

                output = sanitize_html(output)
            return output
        except (ShortcodeFailure, NeedsRoutes):
            raise
        except Exception as exc:  # noqa: BLE001 - a template's failure (a translated one's TypeError too) is its own
            diagnostic = runtime_diagnostic(exc, self.env, f"shortcodes/{call.name}.html", doc.source.path)
            raise ShortcodeFailure(f"shortcode '{call.name}' failed: {diagnostic.message}",
                                   f"see {diagnostic.path}:{diagnostic.line}") from None
