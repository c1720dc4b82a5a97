"""Convert one document's body: shortcodes out, Markdown, shortcodes back in.

This is the per-article unit of work (the part worth spreading over processes and
caching); it depends on the text, the Markdown options, the shortcode templates
and, for ``ref``/``relref``, the table of page URLs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import Any

import jinja2
from markupsafe import Markup
from pygments import highlight as pygments_highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import TextLexer, get_lexer_by_name
from pygments.util import ClassNotFound

from sitegen.incremental.cache import Body
from sitegen.config.settings import Config
from sitegen.errors import Diagnostic
from sitegen.content.frontmatter import Document
from sitegen.i18n.glossary import load_glossary
from sitegen.markup.glossary_marks import mark_glossary, terms_in_text
from sitegen.markup.markdown import (MarkdownOptions, RenderedBody, page_options, render_inline_markdown,
                       render_markdown)
from sitegen.markup.shortcodes import ShortcodeCall, ShortcodeFailure, call_context, expand_shortcodes
from sitegen.render.templates import load_template, runtime_diagnostic, template_uses
from sitegen.content.urls import Route, absolute, href


def markdown_options(config: Config) -> MarkdownOptions:
    md = config.markdown
    return MarkdownOptions(smart_quotes=md.smart_quotes, unsafe=md.unsafe,
                           toc_min_headings=md.toc_min_headings, summary_words=md.summary_words,
                           has_cjk_language=md.has_cjk_language, cjk_lang=md.cjk_lang)


@dataclass(frozen=True)
class ConvertedBody:
    body: RenderedBody  # its html and toc_html are "" once split off (see `split_body`)
    summary_html: str  # the front matter summary as HTML, else the body's summary
    shortcodes: tuple[str, ...]  # names used, for the cache's dependency list
    has_refs: bool = False  # ref/relref tokens wait in the HTML for every page's URL
    glossary: tuple[str, ...] = ()  # ids of the glossary terms the page uses, in order of first use


def split_body(converted: ConvertedBody) -> tuple[ConvertedBody, Body]:
    """The converted source without its HTML and table of contents, and those two.

    The HTML is most of a converted source's size and only its own page reads it, so it
    travels and is stored apart (see cache.get_body) while the rest stays in memory.
    """
    body = converted.body
    return replace(converted, body=replace(body, html="", toc_html="")), (body.html, body.toc_html)


class RefIndex:
    """Resolve ref/relref targets the way Hugo does: by path, by file name or by stem."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.by_name: dict[str, list[str]] = {}
        for content_path in routes:
            pure = PurePosixPath(content_path)
            for key in {pure.name, pure.stem, pure.parent.name if pure.stem in ("index", "_index") else ""}:
                if key:
                    self.by_name.setdefault(key.lower(), []).append(content_path)

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


def highlight_code(code: str, lang: str = "", options: str = "") -> str:
    """Pygments HTML for the highlight shortcode (Hugo's `linenos` and `hl_lines` options)."""
    try:
        lexer = get_lexer_by_name(lang) if lang else TextLexer()
    except ClassNotFound:
        lexer = TextLexer()
    settings = dict(re.findall(r"(\w+)\s*=\s*(\[[^\]]*\]|\"[^\"]*\"|[^,\s]+)", options))
    hl_lines = [int(n) for n in re.findall(r"\d+", settings.get("hl_lines", ""))]
    linenos = settings.get("linenos", "").strip('"')
    formatter = HtmlFormatter(cssclass="codehilite", hl_lines=hl_lines,
                              linenos="table" if linenos in ("table", "true") else
                              "inline" if linenos == "inline" else False)
    return pygments_highlight(code.strip("\n") + "\n", lexer, formatter)


_REF_MARK = "SITEGENREF"
_REF_TOKEN_RE = re.compile(_REF_MARK + r"([AR])([0-9a-f]*)X")


def ref_token(kind: str, target: str) -> str:
    """A placeholder for a page URL, resolved once every page's URL is known.

    Bodies are converted before (and apart from) routing, in worker processes and
    from the cache, so ref/relref cannot know URLs yet; the token is letters and
    digits only, so Markdown leaves it alone wherever it stands.
    """
    return f"{_REF_MARK}{kind}{target.encode('utf-8').hex()}X"


def resolve_refs(converted: ConvertedBody, html: str, doc: Document, refs: RefIndex,
                 config: Config) -> tuple[ConvertedBody, str, list[Diagnostic]]:
    """Replace ref tokens in the summary, links and `html` (the body) with URLs.

    A target that matches no page is an error at the line that names it.
    """
    problems: list[Diagnostic] = []

    def url(match: re.Match[str]) -> str:
        try:
            target = bytes.fromhex(match.group(2)).decode("utf-8")
        except ValueError:  # body text that merely looks like a token
            return match.group(0)
        try:
            path = refs.resolve(target).path
        except ShortcodeFailure as failure:
            line = _line_containing(doc, target)
            problems.append(Diagnostic(doc.source.path, line, 0, "error", str(failure), failure.hint))
            return "#"
        return absolute(config, path) if match.group(1) == "A" else href(config, path)

    html = _REF_TOKEN_RE.sub(url, html)
    body = converted.body
    body = replace(body, summary_html=_REF_TOKEN_RE.sub(url, body.summary_html),
                   links=tuple(_REF_TOKEN_RE.sub(url, link) for link in body.links))
    summary = _REF_TOKEN_RE.sub(url, converted.summary_html)
    return replace(converted, body=body, summary_html=summary), html, problems


def as_markup(converted: ConvertedBody) -> ConvertedBody:
    """The same converted source with its summary as the Markup templates print.

    Wrapping a str in Markup copies it. Done once, where the source is converted (so the
    cache stores Markup and loading it makes no second copy), and again after ref tokens
    are resolved, for the few summaries that had some; Markup is left as it is. The body's
    HTML stays a str: it is stored apart and wrapped when its page reads it.
    """
    body = converted.body
    summary = _markup(converted.summary_html)
    own = summary if body.summary_html == converted.summary_html else _markup(body.summary_html)
    return replace(converted, body=replace(body, summary_html=own), summary_html=summary)


def _markup(html: str) -> Markup:
    return html if isinstance(html, Markup) else Markup(html)


def _line_containing(doc: Document, text: str) -> int:
    for number, line in enumerate(doc.source.read_text().split("\n"), start=1):
        if text in line and number >= doc.body_line:
            return number
    return doc.body_line


_LEADING_H1_RE = re.compile(r"\A(\s*)#[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
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
    if match and _comparable(match.group(2)) == _comparable(title):
        return match.group(1) + body[match.end():]
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


class BodyConverter:
    """Everything needed to convert bodies of one site; one per process."""

    def __init__(self, config: Config, env: jinja2.Environment) -> None:
        self.config = config
        self.env = env
        self.options = markdown_options(config)
        env.globals.setdefault("highlight", highlight_code)
        self._known: dict[str, bool] = {}
        self._inner: dict[str, bool] = {}
        # Its problems are load_site's to report; a glossary with any is empty here.
        self.glossary = load_glossary(config)[0]

    def known(self, name: str) -> bool:
        if name not in self._known:
            self._known[name] = f"shortcodes/{name}.html" in self.env.list_templates()
        return self._known[name]

    def needs_inner(self, name: str) -> bool:
        if name not in self._inner:
            self._inner[name] = template_uses(self.env, f"shortcodes/{name}.html", "inner")
        return self._inner[name]

    def convert(self, doc: Document) -> tuple[ConvertedBody | None, list[Diagnostic]]:
        """Convert one body; diagnostics name the file and line of each bad shortcode."""
        path = doc.source.path
        expansion = expand_shortcodes(drop_repeated_title(doc.body, doc.meta.title), path, doc.body_line,
                                      lambda call: self._render_call(call, doc),
                                      self.known, self.needs_inner)
        if expansion.diagnostics:
            return None, expansion.diagnostics
        options = page_options(self.options, doc.meta.is_cjk_language)
        body = render_markdown(expansion.text, options, expansion.stash)
        body = replace(body, html=_accessible_blocks(body.html),
                       summary_html=_FOOTNOTE_REF_RE.sub("", body.summary_html))
        body, terms = self._glossary(doc, body)
        summary = body.summary_html
        if doc.meta.summary is not None and not body.has_more:  # <!--more--> wins, as in Hugo
            summary = render_inline_markdown(doc.meta.summary, options)
        has_refs = any(_REF_MARK in text for text in (body.html, body.toc_html, summary, *body.links))
        return as_markup(ConvertedBody(body, summary, tuple(sorted(expansion.names)), has_refs, terms)), []

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

    def _param(self, doc: Document, key: str) -> Any:
        """Hugo's .Page.Param: the page's front matter value, else the site's (config extra)."""
        value = doc.meta.param(key)
        if value is None:
            value = self.config.extra.get(key, self.config.extra.get(key.lower()))
        if value is None:
            raise ShortcodeFailure(f"param '{key}' is not set in the front matter or in config extra",
                                   f"add '{key}: ...' to the front matter, or under extra: in config.yaml")
        return value

    def _render_call(self, call: ShortcodeCall, doc: Document) -> str:
        template = load_template(self.env, f"shortcodes/{call.name}.html")
        context: dict[str, Any] = call_context(call)
        context.update(page=doc.meta, site=self.config.site,
                       ref=lambda target: ref_token("A", target),
                       relref=lambda target: ref_token("R", target),
                       param=lambda key: self._param(doc, key),
                       markdownify=lambda text: Markup(render_markdown(text, self.options).html))
        try:
            output = template.render(context)
            if call.name == "rawhtml" and self.config.markdown.sanitize_rawhtml:
                from sitegen.markup.sanitize import sanitize_html  # nh3 only for sites that ask for it

                output = sanitize_html(output)
            return output
        except ShortcodeFailure:
            raise
        except jinja2.TemplateError as exc:
            diagnostic = runtime_diagnostic(exc, self.env, f"shortcodes/{call.name}.html", doc.source.path)
            raise ShortcodeFailure(f"shortcode '{call.name}' failed: {diagnostic.message}",
                                   f"see {diagnostic.path}:{diagnostic.line}") from None
