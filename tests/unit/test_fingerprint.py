"""sitegen/incremental/fingerprint.py: a page's fingerprint changes exactly when what it shows can."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import pytest

from sitegen.build.loading import engine_fingerprint, load_site
from sitegen.build.planning import PlannedSite, plan_site
from sitegen.config.settings import load_config
from sitegen.incremental.cache import digest
from sitegen.incremental.fingerprint import Fingerprinter, site_attributes, uses_other_bodies
from sitegen.render.site_reads import STATS
from sitegen.render.templates import make_environment, templates_fingerprint
from tests.support.sites import article

NOW = datetime(2026, 1, 1, tzinfo=UTC)
FILES = {
    "content/2019/a.md": article("A", "2019-01-01", "Body of A.", tags="[t]"),
    "content/2019/b.md": article("B", "2019-02-01", "Body of B.", tags="[u]"),
    "content/about.md": "---\ntitle: About\nurl: /about/\ntype: page\n---\nAbout us.\n",
}


@dataclass
class Prints:
    planned: PlannedSite
    by_output: dict[str, str]


def fingerprints(root: Path) -> Prints:
    """Every page's fingerprint, computed as a build computes them."""
    config = load_config(root)
    checked = load_site(config, NOW)
    planned = plan_site(config, checked)
    env = make_environment(config, planned.site)
    base = digest(checked.conversion, templates_fingerprint(config), engine_fingerprint())
    articles = {p.document.source.path: p.document.source.digest for p in checked.pages}
    printer = Fingerprinter(env, base, planned.site, articles, repr(config))
    return Prints(planned, {plan.output: printer.plan(plan) for plan in planned.plans})


def test_the_same_inputs_give_the_same_fingerprints(make_site: Callable[..., Path]) -> None:
    root = make_site(FILES)
    assert fingerprints(root).by_output == fingerprints(root).by_output


def test_editing_a_body_changes_its_page_and_not_a_page_that_does_not_show_it(
        make_site: Callable[..., Path]) -> None:
    root = make_site(FILES)
    before = fingerprints(root).by_output
    (root / "content/2019/a.md").write_text(article("A", "2019-01-01", "A new body.", tags="[t]"),
                                            encoding="utf-8")
    after = fingerprints(root).by_output
    changed = {output for output in before if before[output] != after[output]}
    assert {"2019/a/index.html", "about/index.html", "tags/u/index.html"} <= set(before)
    assert "2019/a/index.html" in changed
    assert "about/index.html" not in changed and "tags/u/index.html" not in changed


def test_the_site_title_changes_every_page_that_shows_it(make_site: Callable[..., Path]) -> None:
    root = make_site(FILES)
    before = fingerprints(root).by_output
    config = (root / "config.yaml").read_text(encoding="utf-8")
    (root / "config.yaml").write_text(config.replace("Test archive", "Renamed archive"), encoding="utf-8")
    after = fingerprints(root).by_output
    assert all(before[output] != after[output] for output in before if output.endswith(".html"))


def test_site_attributes_follow_extends_and_includes() -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({
        "base.html": "{{ site.title }}{% include 'part.html' %}{% block b %}{% endblock %}",
        "part.html": "{{ site.description }}",
        "page.html": "{% extends 'base.html' %}{% block b %}{{ site.base_url }}{% endblock %}",
        "anything.html": "{{ site[key] }}",
    }))
    assert site_attributes(env, "page.html") == {"title", "description", "base_url"}
    assert site_attributes(env, "anything.html") == {"*"}  # a subscript may read any of it


def test_reading_another_articles_body_makes_bodies_count_everywhere() -> None:
    own = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "{{ article.content }}{{ x.title }}"}))
    other = jinja2.Environment(loader=jinja2.DictLoader({"a.html": "{% for a in items %}{{ a.content }}{% endfor %}"}))
    assert not uses_other_bodies(own)
    assert uses_other_bodies(other)


@pytest.mark.parametrize(("source", "reads"), [
    ("{% for a in site.articles %}{{ a.title }}{{ a.url }}{% endfor %}", False),
    ("{{ a.word_count }}", True),
    ("{{ T('reading_time', n) }}", True),  # a string naming it: the count may be passed in
    ("{{ go.field(a, 'WordCount') }}", True),  # Hugo's name, through translated Go
    ("{{ a|attr(name) }}", True),  # an attribute whose name is not a constant
    ("{{ items|map(attribute=key)|join }}", True),
    ("{{ a[key] }}", True),
    ("{{ a|tojson }}{{ b }}", True),  # may show every field
    ("{{ a|pprint }}", True),
    ("{{ article_json_ld(a) }}", True),  # structured data counts the words
    ("{{ a.__dict__ }}", True),
    ("{{ site[key] }}", False),  # reads all of `site` ("*"), which counts on its own
    ("{{ items|map(attribute='title')|join }}{{ [1, 2]|max }}", False),
])
def test_a_template_may_read_word_counts_only_where_it_names_them_or_cannot_be_followed(source: str,
                                                                                         reads: bool) -> None:
    env = jinja2.Environment(loader=jinja2.DictLoader({"list.html": "{% include 'item.html' %}",
                                                       "item.html": source}))
    assert (STATS in site_attributes(env, "list.html")) is reads
