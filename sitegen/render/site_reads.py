"""Which attributes of `site` a template reads, through everything it extends or includes.

The page fingerprints (incremental/fingerprint.py) use it so that a page re-renders only
when what its template reads changes; the body converter (render/bodies.py) uses it to
know which shortcodes read the assembled site and wait for the second pass. Templates are
parsed, never run; a use of `site` that cannot be followed counts as reading all of it.
The reads also say whether the template may read any article's word count or reading time
(`STATS`), so that a list that shows neither does not re-render when an edit changes them.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from jinja2 import nodes

# {% break %} and {% continue %}: shortcodes translated from Go templates use them; every
# environment that compiles or parses the project's templates loads this.
LOOP_CONTROLS = ["jinja2.ext.loopcontrols"]

ALL = "*"
MEMBERS = "#articles"  # in a template's reads: it reads the `articles` of a term, section ...
STATS = "#stats"  # in a template's reads: it may read an article's word count or reading time
# How a template may name the statistics: `item.word_count`, `T("reading_time", ...)`,
# Hugo's `.WordCount` through `go.field(item, "WordCount")` ... compared without case,
# underscores, hyphens or spaces, anywhere in an attribute's name or a string.
STAT_NAMES = ("wordcount", "readingtime")
# Filters and functions that read an attribute named by an argument: one whose name is not a
# constant may be a statistic's.
BY_NAME = frozenset({"attr", "map", "sort", "groupby", "selectattr", "rejectattr", "sum", "unique",
                     "min", "max", "dictsort", "field", "index"})
# Filters and functions that may show every field of a value they are given: `pprint` and
# `string` (a dataclass's repr), JSON, the article's structured data (its wordCount), a
# translated Hugo partial (read through Go's field names).
WHOLE = frozenset({"pprint", "string", "format", "tojson", "jsonify", "article_json_ld", "go_partial"})


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
        tree = jinja2.Environment(extensions=LOOP_CONTROLS).parse(source)
    except jinja2.TemplateSyntaxError:
        return {ALL}, []  # rendering reports the error with its file and line
    attrs: set[str] = set()
    owned: set[int] = set()
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name == "site":
            attrs.add(node.attr)
            owned.add(id(node.node))
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.node, nodes.Name) and item.node.name == "site":
            attrs.add(ALL)
    if _reads_member_articles(tree):
        attrs.add(MEMBERS)
    if _may_read_statistics(tree):
        attrs.add(STATS)
    for name in tree.find_all(nodes.Name):
        if name.name == "site" and id(name) not in owned:
            attrs.add(ALL)
    children = []
    for load in tree.find_all((nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport)):
        assert isinstance(load, (nodes.Extends, nodes.Include, nodes.Import, nodes.FromImport))
        template = load.template
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
    for item in tree.find_all(nodes.Getitem):
        if isinstance(item.arg, nodes.Const) and item.arg.value == "articles":
            return True
    for call in tree.find_all((nodes.Filter, nodes.Test, nodes.Call)):
        assert isinstance(call, (nodes.Filter, nodes.Test, nodes.Call))
        values = [*call.args, *(kw.value for kw in call.kwargs)]
        if any(isinstance(v, nodes.Const) and v.value == "articles" for v in values):
            return True
    return False


def _may_read_statistics(tree: nodes.Template) -> bool:
    """Whether the template may read an article's `word_count` or `reading_time`: it names one
    (as an attribute or in any string), reads an attribute or key whose name is not a
    constant, or hands a value to something that may show all of it (`WHOLE`). Errs towards
    yes: a yes costs a re-render, a wrong no a stale page."""
    for node in tree.find_all(nodes.Getattr):
        if _names_statistic(node.attr) or node.attr.startswith("__"):
            return True
    for const in tree.find_all(nodes.Const):
        if isinstance(const.value, str) and _names_statistic(const.value):
            return True
    for item in tree.find_all(nodes.Getitem):
        if not isinstance(item.arg, nodes.Const) and not _is_site(item.node):
            return True
    for call in tree.find_all((nodes.Filter, nodes.Call)):
        assert isinstance(call, (nodes.Filter, nodes.Call))
        name = _callee(call)
        values = [*call.args, *(kw.value for kw in call.kwargs), call.dyn_args, call.dyn_kwargs]
        if name in WHOLE or (name in BY_NAME and any(
                v is not None and not isinstance(v, nodes.Const) for v in values)):
            return True
    return False


def _names_statistic(text: str) -> bool:
    plain = text.lower().replace("_", "").replace("-", "").replace(" ", "")
    return any(name in plain for name in STAT_NAMES)


def _is_site(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Name) and node.name == "site"


def _callee(call: nodes.Filter | nodes.Call) -> str:
    """A filter's name, or the name a call is made through (`f(...)`, `go.field(...)`)."""
    if isinstance(call, nodes.Filter):
        return call.name
    target = call.node
    if isinstance(target, nodes.Name):
        return target.name
    return target.attr if isinstance(target, nodes.Getattr) else ""
