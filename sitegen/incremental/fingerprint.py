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
from typing import Any

import jinja2
from jinja2 import nodes

from sitegen.incremental.cache import digest
from sitegen.render.site_reads import ALL, LOOP_CONTROLS, MEMBERS, site_attributes
from sitegen.render.templates import DerivedFile, OutputPlan
from sitegen.site.model import Article, Section, SiteView, Term

_SCALAR_TYPES = frozenset({str, int, float, bool, type(None), datetime})
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # a dataclass's hashed fields, per class
_SCALARS = ("title", "description", "base_url", "base_path", "language", "author", "copyright",
            "extra", "search_enabled", "feeds_full_content", "languages", "lang_prefix",
            "default_language", "glossary_url")
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
            tree = jinja2.Environment(extensions=LOOP_CONTROLS).parse(source)
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
            value = getattr(site, attr, None)
            known = self._site_parts[(id(site), name)] = (site, name + "=" + digest(self.value(value)))
        return known[1]
