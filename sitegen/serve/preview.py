"""Show an edit to an article's text at once, before the site catches up with it.

Hugo's server re-renders first the pages a browser has open ("fast render"). Ours does
the like for the most common edit of a writing day, a change to an article's text: when
every changed file is a page of the last build whose front matter is unchanged, nothing
about the site's shape can have moved (its URL, its lists, its terms, its neighbours),
so its own page is converted and rendered again against the last build's plan and put
over the old one, and open tabs reload. That takes a fraction of a second at any size.

The full build follows at once (livereload.Rebuilder) and is the authority: it makes the
same bytes for that page (the same code makes its article, site/assemble.py `rebodied`)
and brings everything else up to date (lists that show the summary, feeds, search).
Anything unusual (new or removed files, front matter edits, templates, the config, a
body that reads the site, a problem in the file) skips this and leaves it all to the
full build, which reports what is wrong.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from sitegen.build.live import note_previewed
from sitegen.build.session import LastSite
from sitegen.build.workers import SourceResult
from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.content.sources import read_source
from sitegen.output.inplace import replace_pages
from sitegen.render.contexts import ArticlePage, StandalonePage, showing
from sitegen.render.templates import OutputPlan, render_output
from sitegen.site.assemble import PageInput, rebodied
from sitegen.site.model import ArticleBody

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class _Edit:
    """One edited page: its new document and converted body."""

    document: Document
    result: SourceResult


def preview(config: Config, last: LastSite | None, changed: list[str]) -> list[str]:
    """Render the pages of articles whose text alone changed, from the last build, and put
    them in the live site; the outputs replaced, [] when this edit is not one to preview
    (see the module). The build's `previews` learn what was written."""
    if last is None or last.config_text != repr(config) or not changed:
        return []
    edits = _edits(config, last, changed)
    if not edits:
        return []
    plans = [plan for edit in edits for plan in _plans_of(config, last, edit)]
    pages = {plan.output: render_output(plan, last.envs.of(plan)).data for plan in plans}
    replaced = replace_pages(config.path("output"), config.paths.output, pages)
    last.previews.record([edit.document for edit in edits], plans, replaced)
    note_previewed(config, replaced)
    return replaced


def _edits(config: Config, last: LastSite, changed: list[str]) -> list[_Edit]:
    """The changed pages, converted; [] unless every changed file is a page of the last
    build with the same front matter, converted without a problem."""
    documents, processor = last.documents_by_file, last.processor
    edits = []
    for path in dict.fromkeys(Path(p) for p in changed):
        old = documents.get(path)
        if old is None:
            return []
        source, problem = read_source(path, old.source.path, old.source.content_path)
        if source is None or problem is not None:
            return []
        if source.digest == old.source.digest and path not in last.previews.files:
            continue  # saved without a change (to the text the live page shows)
        result = processor.process(source)
        new = result.document
        if (new is None or result.converted is None or result.body is None or result.diagnostics
                or new.meta != old.meta or new.has_front_matter != old.has_front_matter):
            return []
        edits.append(_Edit(new, result))
    return edits


def prepare(config: Config, last: LastSite | None) -> None:
    """Make what previews from `last` need now, after its build, so that the next edit's
    preview does not wait for it (serve calls this once the tabs have reloaded)."""
    if last is not None and last.config_text == repr(config):
        last.processor.converter  # noqa: B018 - made on first use: make it now
        last.documents_by_file  # noqa: B018 - likewise (a tenth of a second at 10,000 articles)


def _plans_of(config: Config, last: LastSite, edit: _Edit) -> list[OutputPlan]:
    """The article's own page (its side-by-side views and lists wait for the full build),
    with the article's body fields made again from the new body."""
    path = edit.document.source.path
    converted, body = edit.result.converted, edit.result.body
    assert converted is not None and body is not None
    page = next((p for p in last.checked.pages if p.document.source.path == path), None)
    if page is None:
        return []
    page = PageInput(edit.document, page.route, converted.body, converted.summary_html,
                     ArticleBody.holding(body, path), converted.glossary)
    plans = []
    for plan in last.planned.plans:
        context = plan.context
        if isinstance(context, ArticlePage | StandalonePage) and context.article.source_path == path:
            article = rebodied(context.article, page, config, last.checked.glossary)
            plans.append(replace(plan, context=showing(context, article)))
    return plans
