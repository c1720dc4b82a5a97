"""Fingerprints of what each page is rendered from, so unchanged pages are not re-rendered.

A page's fingerprint hashes its template set, the config, the engine version and
every value in its context, where an article stands for the digest of its source
and URL. `site` is in every context, but most templates read only a few of its
attributes: the templates are parsed (following extends, include and import) to
learn which, so that a page that shows only `site.title` does not re-render when
an unrelated article changes, while the archive page, which walks
`site.archive`, does. A template that uses `site` in a way we cannot follow
depends on all of it. Likewise a term or section stands for its members' identities (which
articles, in which order) unless a template reads some object's `articles`: its list
pages show only their own page of items, which are hashed in full, so editing one article
re-renders the page of the list that shows it, not every page of the list.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from functools import lru_cache
from typing import Any

import jinja2
from jinja2 import nodes

from sitegen.incremental.cache import digest
from sitegen.site.model import Article, Section, SiteView, Term
from sitegen.render.templates import DerivedFile, OutputPlan

_SCALAR_TYPES = frozenset({str, int, float, bool, type(None), datetime})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass's hashed fields, per class
_SCALARS = ("title", "description", "base_url", "base_path", "language", "author", "copyright",
            "extra", "search_enabled", "feeds_full_content", "languages", "lang_prefix",
            "default_language", "glossary_url")
ALL = "*"
MEMBERS = "#articles"  # in a template's reads: it reads the `articles` of a term, section ...
_MEMBER_HOLDERS = (Term, Section)
BODY_FIELDS = ("content", "toc", "headings", "body")  # `body` is the field behind content and toc
# Names whose bodies always count: the page's own article, a section page's `section`
# (a Section, whose `content` from _index.md is hashed with its other fields anyway), and
# the `translation` a side-by-side page shows beside its article.
OWN_BODIES = ("article", "section", "translation")


def uses_other_bodies(env: jinja2.Environment) -> bool:
    """Whether any template reads the body of an article other than the page's `article`."""
    assert env.loader is not None
    for name in env.list_templates():
        try:
            source, _, _ = env.loader.get_source(env, name)
            tree = jinja2.Environment().parse(source)
        except (jinja2.TemplateError, UnicodeDecodeError):
            continue
        for node in tree.find_all(nodes.Getattr):
            if node.attr in BODY_FIELDS and not (isinstance(node.node, nodes.Name)
                                                 and node.node.name in OWN_BODIES):
                return True
    return False


class Fingerprinter:
    """Computes page fingerprints for one build."""

    def __init__(self, env: jinja2.Environment, base: str, site: SiteView,
                 article_digests: dict[str, str], config: str) -> None:
        self.env, self.base, self.site = env, base, site
        self.config = config  # repr of the whole config, which derived files read
        self.articles = article_digests
        self._site_parts: dict[tuple[int, str], tuple[SiteView, str]] = {}  # (site, name): each language's
        self._uses: dict[str, frozenset[str]] = {}
        self._memo: dict[int, tuple[Any, str]] = {}  # id -> (object kept alive, text)
        self._holders: dict[int, tuple[Any, str]] = {}  # the same, for terms and sections
        self.full_articles = uses_other_bodies(env)

    def plan(self, plan: OutputPlan) -> str:
        """A page's: its template, what it reads of `site`, and what its context declares
        it depends on (render/contexts.py: articles in full or listed, term and section
        membership, other values)."""
        deps = plan.context.deps()
        whole_members = MEMBERS in self._reads(plan.template)
        parts = [self.base, plan.template, plan.output, "site=" + self._site(plan.template, plan.context.site)]
        parts += ["F" + self.primary(article) for article in deps.full]
        parts += ["L" + self.value(article) for article in deps.listed]
        parts += ["M" + (self.value(holder) if whole_members else self._holder(holder))
                  for holder in deps.members]
        parts += [f"{name}={self.value(value)}" for name, value in deps.values]
        return digest(*parts)

    def searched(self, plan: OutputPlan) -> str:
        """What a page's search entry is made from: its own article (body included), its
        URL, language and template set, not its neighbours, related articles or lists."""
        context = plan.context
        return digest(self.base, plan.template, plan.output, context.page.kind, context.page.lang,
                      context.page.url, *(self.primary(article) for article in context.deps().full))

    def derived(self, item: DerivedFile) -> str:
        """A derived file's: the config, its articles with their bodies, and its `extra`."""
        return digest(self.base, self.config, item.output, item.extra,
                      *(self.primary(article) for article in item.articles))

    def primary(self, article: Article) -> str:
        """The page's own article: everything about it, body included."""
        return "P" + digest(self.articles[article.source_path], self._dataclass(article))

    def value(self, value: Any) -> str:
        """A stable text standing for a context value.

        Other articles (neighbours, related, list items) stand for every field but their
        body, so editing a paragraph re-renders the article and the lists that show its
        summary, not every page that merely links to it. Should a template read the body
        of such an article, `uses_other_bodies` makes the body count everywhere.
        """
        kind = type(value)
        if kind in _SCALAR_TYPES:
            return repr(value)
        if kind is Article and self.full_articles:
            return self.primary(value)
        if kind is list or kind is tuple:
            if len(value) > 8:  # long ones are shared (a list's page URLs, a term's articles)
                return self._long_sequence(value)
            return "[" + ",".join(self.value(v) for v in value) + "]"
        if kind is dict:
            return "{" + ",".join(f"{k!r}:{self.value(value[k])}" for k in sorted(value, key=repr)) + "}"
        if dataclasses.is_dataclass(value):
            return self._dataclass(value)
        return repr(value)

    def _long_sequence(self, value: list[Any] | tuple[Any, ...]) -> str:
        """Digest of a long list or tuple, once per object: every page of a 400-page list
        holds the same tuple of its pages' URLs, which must not cost 400 x 400 values."""
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        text = "L" + digest(*(self.value(v) for v in value))
        if type(value) is tuple:  # a list could change between two pages; a tuple cannot
            self._memo[id(value)] = (value, text)
        return text

    def _dataclass(self, value: Any) -> str:
        """Digest of a dataclass's fields (an article's without its body), once per object."""
        known = self._memo.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        kind = type(value)
        names = _FIELD_NAMES.get(kind)
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(
                f.name for f in dataclasses.fields(value)
                if not (kind is Article and f.name in BODY_FIELDS))
        if kind is Article:
            # Its fields hold only front matter values, dates, strings and small frozen
            # dataclasses, whose reprs are stable: one repr of them all is enough.
            text = "D" + digest("Article", repr(tuple(getattr(value, name) for name in names)))
        else:
            text = "D" + self._fields(value, names)
        self._memo[id(value)] = (value, text)
        return text

    def _fields(self, value: Any, names: tuple[str, ...], *more: str) -> str:
        return digest(type(value).__name__, *(f"{name}:{self.value(getattr(value, name))}"
                                              for name in names), *more)

    def _reads(self, template: str) -> frozenset[str]:
        used = self._uses.get(template)
        if used is None:
            used = self._uses[template] = site_attributes(self.env, template)
        return used

    def _holder(self, value: Any) -> str:
        """A term or section without its articles' contents: their paths, in order."""
        known = self._holders.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        names = tuple(f.name for f in dataclasses.fields(value) if f.name != "articles")
        text = "H" + self._fields(value, names, *(a.source_path for a in value.articles))
        self._holders[id(value)] = (value, text)
        return text

    def _site(self, template: str, site: SiteView) -> str:
        used = self._reads(template) - {MEMBERS}
        if ALL in used:
            used = frozenset(f.name for f in dataclasses.fields(SiteView))
        return digest(*(self._site_part(name, site) for name in sorted(used | set(_SCALARS))))

    def _site_part(self, name: str, site: SiteView) -> str:
        """One attribute of a language's site, digested once per build (kept with the site,
        so that its id names it for the whole build)."""
        known = self._site_parts.get((id(site), name))
        if known is None:
            attr = "taxonomies" if name == "taxonomy" else name
            known = self._site_parts[(id(site), name)] = (site, name + "=" + digest(self.value(getattr(site, attr, None))))
        return known[1]


def site_attributes(env: jinja2.Environment, name: str) -> frozenset[str]:
    """Attributes of `site` a template reads, through everything it extends or includes."""
    seen: set[str] = set()
    found: set[str] = set()
    pending = [name]
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        attrs, children = _scan(env, current)
        found |= attrs
        pending.extend(children)
    return frozenset(found)


def _scan(env: jinja2.Environment, name: str) -> tuple[set[str], list[str]]:
    assert env.loader is not None
    try:
        source, _, _ = env.loader.get_source(env, name)
    except jinja2.TemplateNotFound:
        return set(), []
    return _scan_source(source)


@lru_cache(maxsize=128)
def _scan_source(source: str) -> tuple[set[str], list[str]]:
    try:
        tree = jinja2.Environment().parse(source)
    except jinja2.TemplateSyntaxError:
        return {ALL}, []  # rendering reports the error with its file and line
    attrs: set[str] = set()
    owned: set[int] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "site":
            attrs.add(node.attr)
            owned.add(id(node.node))
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.node, nodes.Name) and node.node.name == "site":
            attrs.add(ALL)
    if _reads_member_articles(tree):
        attrs.add(MEMBERS)
    for node in tree.find_all(nodes.Name):
        if node.name == "site" and id(node) not in owned:
            attrs.add(ALL)
    children = []
    for node in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        template = node.template
        if isinstance(template, nodes.Const) and isinstance(template.value, str):
            children.append(template.value)
        else:
            attrs.add(ALL)
    return attrs, children


def _reads_member_articles(tree: nodes.Template) -> bool:
    """Whether the template may read the `articles` of anything but `site`: as an attribute
    (`term.articles`, `month.articles`), a subscript (`x["articles"]`) or the name given to a
    filter, test or call (`map(attribute="articles")`, `attr("articles")`)."""
    for node in tree.find_all(nodes.Getattr):
        if node.attr == "articles" and not (isinstance(node.node, nodes.Name) and node.node.name == "site"):
            return True
    for node in tree.find_all(nodes.Getitem):
        if isinstance(node.arg, nodes.Const) and node.arg.value == "articles":
            return True
    for node in tree.find_all((nodes.Filter, nodes.Test, nodes.Call)):
        values = [*node.args, *(kw.value for kw in node.kwargs)]
        if any(isinstance(v, nodes.Const) and v.value == "articles" for v in values):
            return True
    return False
