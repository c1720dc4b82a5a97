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
re-renders the page of the list that shows it, not every page of the list. And an article
listed on a page whose templates cannot read word counts or reading times (`STATS`) stands
for its fields without them, so the archive page, which lists every article by title, does
not re-render when an edit adds a sentence to one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jinja2
from jinja2 import nodes

from sitegen.incremental.cache import digest, digest_prefix
from sitegen.render.site_reads import ALL, LOOP_CONTROLS, MEMBERS, STATS, site_attributes
from sitegen.render.templates import DerivedFile, OutputPlan
from sitegen.site.model import ArchiveMonth, ArchiveYear, Article, Section, SiteView, Taxonomy, Term

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
# The fields an edit of a body's text alone changes besides the body, left out of the
# articles listed on a page whose templates cannot read them (site_reads.STATS).
STATS_FIELDS = ("word_count", "reading_time")
_ARTICLE_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # an article's hashed fields, per variant


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


Entry = tuple[Any, str, Collection[str]]  # (object kept alive, so its id stays its own; text; articles read)
# A long tuple of articles (kept alive), each item's text, and the indices at which each source path stands
ArticleList = tuple[tuple[Article, ...], list[str], dict[str, list[int]]]
LONG_LIST = 256  # tuples of articles longer than this keep their items' texts for the next build
_NO_PATHS: frozenset[str] = frozenset()
# The values besides pages kept for the next build: articles, and what `site`'s parts are
# made of. A part that lists an edited article is worked out again; without its terms,
# sections and archive months kept, that meant every term's articles again (0.1 s at
# 40,000). All are frozen, and a kept plan holds the very objects.
KEPT_KINDS = frozenset({Article, Term, Taxonomy, Section, ArchiveYear, ArchiveMonth})


@dataclass
class Digests:
    """The digests of values made of articles, for pages whose templates cannot read the
    article fields `left_out` (none: the full digests). Each variant has its own, since the
    same article, archive month or part of `site` stands for a different text in each."""

    left_out: tuple[str, ...] = ()
    # each article's fields without its body, by source path: an edit's build drops the
    # edited ones by path, not by a pass over 40,000 entries (0.1 s at 40,000)
    articles: dict[str, tuple[Article, str]] = field(default_factory=dict)
    values: dict[int, Entry] = field(default_factory=dict)  # id -> entry: the rest, and articles of a path held twice
    site_parts: dict[tuple[int, str], Entry] = field(default_factory=dict)  # (site, name): each language's
    lists: dict[int, ArticleList] = field(default_factory=dict)  # by id (`Fingerprinter._long_sequence`)

    def kept(self, edited: frozenset[str]) -> Digests:
        """These digests but those made from an edited article."""
        articles = dict(self.articles)
        for path in edited:
            articles.pop(path, None)
        return Digests(
            self.left_out, articles,
            {key: entry for key, entry in self.values.items()
             if (entry[0].source_path not in edited if type(entry[0]) is Article else edited.isdisjoint(entry[2]))},
            {key: entry for key, entry in self.site_parts.items() if edited.isdisjoint(entry[2])},
            dict(self.lists))

    def passed_on(self) -> Digests:
        """What the next build keeps: the articles' and `KEPT_KINDS`' values, not the others."""
        values = {key: entry for key, entry in self.values.items() if type(entry[0]) in KEPT_KINDS}
        return Digests(self.left_out, self.articles, values, self.site_parts, self.lists)


@dataclass
class FingerprintMemo:
    """What a build's fingerprinter worked out, for the next build of the same plan.

    `serve`'s build after an edit to articles' text alone renders the very plan objects
    of the build before, those articles changed in place (build/rebody.py). Each page's
    fingerprint is kept with the source paths of the articles it was made from, so the
    next fingerprinter keeps every one but those that read an edited article: the pages
    that do not show it are not fingerprinted again (that was most of such a build).
    Only the pages', `site`'s and the articles' are kept (at 40,000 articles, 30 MB), not
    the other values within them, which the few pages made again work out afresh."""

    env: jinja2.Environment
    site: SiteView
    base: str
    config: str
    full_articles: bool
    uses: dict[str, frozenset[str]]
    outputs: dict[int, Entry]  # plans and derived files, by id
    # per variant: each article's fields without its body, the site's terms, taxonomies,
    # sections and archive years and months (`KEPT_KINDS`), `site`'s parts and long lists
    digests: dict[tuple[str, ...], Digests]
    searched: dict[int, Entry]  # the pages' search digests (`searched`), by plan id
    derived: tuple[DerivedFile, ...] = ()  # the build's derived files, in order (see `standing`)


class Fingerprinter:
    """Computes page fingerprints for one build."""

    def __init__(self, env: jinja2.Environment, base: str, site: SiteView,
                 article_digests: dict[str, str], config: str,
                 kept: FingerprintMemo | None = None, edited: frozenset[str] = _NO_PATHS) -> None:
        """`kept`: the last build's memo, used when this build renders the same plan with
        the same templates and settings, and only the articles of `edited` changed."""
        self.env, self.base, self.site = env, base, site
        self.config = config  # repr of the whole config, which derived files read
        self.articles = article_digests
        self._variants = {(): Digests(), STATS_FIELDS: Digests(STATS_FIELDS)}
        self._d = self._variants[()]  # the variant of the page being fingerprinted (`_plan`)
        self._uses: dict[str, frozenset[str]] = {}
        self._holders: dict[int, Entry] = {}  # the same, for terms and sections
        self._outputs: dict[int, Entry] = {}  # the same, for plans and derived files
        self._searched: dict[int, Entry] = {}  # the same, for the pages' search digests
        self._trail: list[set[str]] = []  # the articles read by each digest being made, innermost last
        self._seen: set[int] = set()  # ids of the entries this build used (the memo it passes on)
        self._shared: Any = None  # the hash of base and config, for derived files (`_plain`)
        self.made = 0  # pages and derived files with articles fingerprinted afresh, not from `kept`
        self._derived_before: tuple[DerivedFile, ...] = ()  # the kept memo's (`standing`)
        self._edited = edited
        if kept is not None and (kept.env, kept.site, kept.base, kept.config) == (env, site, base, config):
            self._adopt(kept, edited)
        else:
            self.full_articles = uses_other_bodies(env)

    def _adopt(self, kept: FingerprintMemo, edited: frozenset[str]) -> None:
        """Take the last build's entries but those made from an edited article."""
        self.full_articles, self._uses = kept.full_articles, dict(kept.uses)
        self._outputs.update((key, entry) for key, entry in kept.outputs.items() if edited.isdisjoint(entry[2]))
        self._variants.update((key, digests.kept(edited)) for key, digests in kept.digests.items())
        self._d = self._variants[()]
        self._searched.update((key, entry) for key, entry in kept.searched.items() if edited.isdisjoint(entry[2]))
        self._derived_before = kept.derived

    def memo(self, derived: tuple[DerivedFile, ...] = ()) -> FingerprintMemo:
        """What this build worked out, for the next build (see FingerprintMemo): the pages
        and derived files it fingerprinted (a page no longer planned is let go), and
        `derived`, the derived files it made or kept, in order."""
        seen = self._seen
        outputs = {key: entry for key, entry in self._outputs.items() if key in seen}
        digests = {key: variant.passed_on() for key, variant in self._variants.items()}
        return FingerprintMemo(self.env, self.site, self.base, self.config, self.full_articles, self._uses,
                               outputs, digests, self._searched, derived)

    def standing(self, plans: Sequence[OutputPlan], derived: Sequence[DerivedFile]) -> list[str]:
        """The outputs whose fingerprint is the last build's, known without looking at any
        value: pages and derived files whose kept entry none of the edited articles dropped,
        and derived files made from no article that are the very objects at the same place
        in the last build's `derived` (a frozen object: its output and `extra`, with the base
        and config the memo was kept for, are all its fingerprint reads). Nothing without a
        kept memo. At 40,000 articles, fingerprinting the 190,000 outputs of an edit that
        changes a handful took a second, though most answers came from the memo."""
        if not self._derived_before and not self._outputs:
            return []
        found = [plan.output for plan in plans if self._kept_entry(plan)]
        before = self._derived_before if len(self._derived_before) == len(derived) else (None,) * len(derived)
        found += [item.output for item, old in zip(derived, before, strict=True)
                  if (item is old and not item.articles) or (item.articles and self._kept_entry(item))]
        return found

    def _kept_entry(self, value: OutputPlan | DerivedFile) -> bool:
        """Whether the memo holds `value`'s entry (then the next memo keeps it too)."""
        known = self._outputs.get(id(value))
        if known is None or known[0] is not value:
            return False
        self._seen.add(id(value))
        return True

    def _recall(self, entries: dict[int, Entry], value: Any) -> str | None:
        """The memo's text for `value`, noting the articles it read; None if not known."""
        known = entries.get(id(value))
        if known is None or known[0] is not value:
            return None
        if entries is self._outputs:
            self._seen.add(id(value))
        if self._trail:
            if type(value) is Article:  # its own path, not stored with each of 40,000 entries
                self._trail[-1].add(value.source_path)
            elif known[2]:
                self._trail[-1].update(known[2])
        return known[1]

    def _begin(self) -> None:
        self._trail.append(set())

    def _end(self, *read: str) -> set[str]:
        """The articles read since `_begin` (and `read`), which the digest around it read too."""
        paths = self._trail.pop()
        paths.update(read)
        if self._trail and paths:
            self._trail[-1].update(paths)
        return paths

    def _keep(self, entries: dict[int, Entry], value: Any, text: str, *read: str) -> str:
        """Memo `value`'s text with the articles read since `_begin` (and `read`). A page's
        paths are kept as a tuple (smaller: the memo outlives the build); an article's are
        its own path, which `_recall` takes from it."""
        paths = self._end(*read)
        if entries is self._outputs:
            self._seen.add(id(value))
            entries[id(value)] = (value, text, tuple(paths))
        else:
            entries[id(value)] = (value, text, _NO_PATHS if not paths or type(value) is Article else frozenset(paths))
        return text

    def plan(self, plan: OutputPlan) -> str:
        """A page's: its template, what it reads of `site`, and what its context declares
        it depends on (render/contexts.py: articles in full or listed, term and section
        membership, other values)."""
        known = self._recall(self._outputs, plan)
        if known is not None:
            return known
        self._begin()
        self.made += 1
        return self._keep(self._outputs, plan, self._plan(plan))

    def _plan(self, plan: OutputPlan) -> str:
        reads = self._reads(plan.template)
        self._d = self._variants[() if STATS in reads or ALL in reads else STATS_FIELDS]
        try:
            return self._plan_parts(plan, MEMBERS in reads)
        finally:
            self._d = self._variants[()]

    def _plan_parts(self, plan: OutputPlan, whole_members: bool) -> str:
        deps = plan.context.deps()
        parts = [self.base, plan.template, plan.output, "site=" + self._site(plan.template, plan.context.site)]
        parts += ["F" + self.primary(article) for article in deps.full]
        parts += ["L" + self.value(article) for article in deps.listed]
        parts += ["M" + (self.value(holder) if whole_members else self._holder(holder))
                  for holder in deps.members]
        parts += [f"{name}={self.value(value)}" for name, value in deps.values]
        return digest(*parts)

    def searched(self, plan: OutputPlan) -> str:
        """What a page's search entry is made from: its own article (body included), its
        URL, language and template set, not its neighbours, related articles or lists.
        Once per plan object and session (FingerprintMemo.searched): every build asks it of
        every page, 40,000 digests of whole articles at 40,000."""
        known = self._searched.get(id(plan))
        if known is not None and known[0] is plan:
            return known[1]
        context = plan.context
        full = context.deps().full
        text = digest(self.base, plan.template, plan.output, context.page.kind, context.page.lang,
                      context.page.url, *(self.primary(article) for article in full))
        self._searched[id(plan)] = (plan, text, tuple(article.source_path for article in full))
        return text

    def derived(self, item: DerivedFile) -> str:
        """A derived file's: the config, its articles with their bodies, and its `extra`."""
        if not item.articles:  # most of them (citation downloads): cheap, and not worth a memo entry
            return self._plain(item)
        known = self._recall(self._outputs, item)
        if known is not None:
            return known
        self._begin()
        self.made += 1
        return self._keep(self._outputs, item, digest(self.base, self.config, item.output, item.extra,
                                                      *(self.primary(article) for article in item.articles)))

    def _plain(self, item: DerivedFile) -> str:
        """digest(base, config, output, extra), with the parts every derived file shares
        hashed once (cache.digest_prefix)."""
        if self._shared is None:
            self._shared = digest_prefix(self.base, self.config)
        return self._shared(item.output, item.extra)

    def primary(self, article: Article) -> str:
        """The page's own article: everything about it, body included."""
        return "P" + digest(self.articles[article.source_path], self._article(article, self._variants[()]))

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
        known = self._recall(self._d.values, value)
        if known is not None:
            return known
        self._begin()
        texts = self._article_texts(value) if type(value) is tuple else None
        text = "L" + digest(*(texts if texts is not None else (self.value(v) for v in value)))
        if type(value) is tuple:  # a list could change between two pages; a tuple cannot
            return self._keep(self._d.values, value, text)
        self._end()
        return text

    def _article_texts(self, value: tuple[Any, ...]) -> list[str] | None:
        """Each item's text, for a long tuple of articles only (None for any other): kept
        for the next build, which works out only the edited articles' again. The site's
        list of 40,000 articles took 0.2 s of an edit's build, one memo hit per article."""
        lists = self._d.lists
        kept = lists.get(id(value))
        if kept is not None and kept[0] is value:
            texts = list(kept[1])
            for path in self._edited & kept[2].keys():
                for index in kept[2][path]:
                    texts[index] = self.value(value[index])
            if self._trail:
                self._trail[-1].update(kept[2].keys())
            lists[id(value)] = (value, texts, kept[2])
            return texts
        if len(value) <= LONG_LIST or any(type(item) is not Article for item in value):
            return None
        texts = [self.value(item) for item in value]
        where: dict[str, list[int]] = {}
        for index, item in enumerate(value):
            where.setdefault(item.source_path, []).append(index)
        lists[id(value)] = (value, texts, where)
        return texts

    def _dataclass(self, value: Any) -> str:
        """Digest of a dataclass's fields (an article's without its body), once per object
        and variant."""
        kind = type(value)
        if kind is Article:
            return self._article(value, self._d)
        known = self._recall(self._d.values, value)
        if known is not None:
            return known
        self._begin()
        names = _FIELD_NAMES.get(kind)
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
        return self._keep(self._d.values, value, "D" + self._fields(value, names))

    def _article(self, value: Article, digests: Digests) -> str:
        """An article's fields but its body and `digests.left_out`, once per object."""
        path = value.source_path
        held = digests.articles.get(path)
        if held is None:  # the first object of this path: kept by path
            held = digests.articles[path] = (value, self._article_text(value, digests.left_out))
        if held[0] is value:
            if self._trail:
                self._trail[-1].add(path)
            return held[1]
        known = self._recall(digests.values, value)  # another object of the same path
        if known is not None:
            return known
        self._begin()
        return self._keep(digests.values, value, self._article_text(value, digests.left_out), path)

    def _article_text(self, value: Article, left_out: tuple[str, ...]) -> str:
        """The digest of an article's fields but its body and `left_out`."""
        names = _ARTICLE_NAMES.get(left_out)
        if names is None:
            names = _ARTICLE_NAMES[left_out] = tuple(
                f.name for f in dataclasses.fields(Article)
                if f.name not in BODY_FIELDS and f.name not in left_out)
        # Its fields hold only front matter values, dates, strings and small frozen
        # dataclasses, whose reprs are stable: one repr of them all is enough.
        return "D" + digest("Article", *left_out, repr(tuple(getattr(value, name) for name in names)))

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
        known = self._recall(self._holders, value)
        if known is not None:
            return known
        self._begin()
        names = tuple(f.name for f in dataclasses.fields(value) if f.name != "articles")
        return self._keep(self._holders, value,
                          "H" + self._fields(value, names, *(a.source_path for a in value.articles)))

    def _site(self, template: str, site: SiteView) -> str:
        used = self._reads(template) - {MEMBERS}
        if ALL in used:
            used = frozenset(f.name for f in dataclasses.fields(SiteView))
        return digest(*(self._site_part(name, site) for name in sorted(used | set(_SCALARS))))

    def _site_part(self, name: str, site: SiteView) -> str:
        """One attribute of a language's site, digested once per build (kept with the site,
        so that its id names it for the whole build)."""
        known = self._d.site_parts.get((id(site), name))
        if known is not None and known[0] is site:
            if self._trail and known[2]:
                self._trail[-1].update(known[2])
            return known[1]
        self._begin()
        attr = "taxonomies" if name == "taxonomy" else name
        text = name + "=" + digest(self.value(getattr(site, attr, None)))
        self._d.site_parts[(id(site), name)] = (site, text, frozenset(self._end()))
        return text
