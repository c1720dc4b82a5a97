"""Decide, before parsing anything, whether the last build's output still stands.

An editor or CI rebuilds far more often than anything changes. The last successful
build records a digest of everything it read (sources by content, config, templates,
static files, the engine), the warnings it gave, and until when its choice of published
pages holds (the next future date that comes due, or expiry that passes). A build whose
inputs digest the same, before that time, with its output folder as that build left it,
has nothing to do: it stops after hashing the sources, without loading a single one.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.content.sources import SourceTree
from sitegen.errors import Diagnostic
from sitegen.incremental.cache import BuildCache, digest
from sitegen.output.ownership import OutputState
from sitegen.output.writer import output_matches_manifest
from sitegen.render.file_reads import reads_digest
from sitegen.site.data import data_files
from sitegen.theme import layered_files


@dataclass(frozen=True)
class LastBuild:
    """What a successful build leaves for the next one to compare against."""

    inputs: str  # input_digest of that build
    pages: int
    warnings: tuple[Diagnostic, ...]
    stable_until: float | None  # POSIX time at which a page is published or expires; None: never
    reads: tuple[str, ...] = ()  # project files its shortcodes read (readFile), in `inputs` too

    def stands(self, inputs: str, now: datetime) -> bool:
        return self.inputs == inputs and (self.stable_until is None or now.timestamp() < self.stable_until)




def input_digest(config: Config, tree: SourceTree, templates: str, engine: str, keep_foreign: bool) -> str:
    """Everything a build reads, published or not: sources by content digest, static
    files, resources and data files by size and modification time, templates by content."""
    def stat_key(path: Path) -> str:
        info = path.stat()
        return f"{path}:{info.st_size}:{info.st_mtime_ns}"

    statics = [path for kind in ("static", "i18n") for _, path in layered_files(config, kind)]
    return digest(
        engine, repr(config), templates, str(keep_foreign),
        *(f"{s.path}:{s.digest}" for s in tree.sources),
        *(f"{d.path}:{d.line}:{d.message}" for d in tree.diagnostics),
        *(stat_key(p) for p in statics),
        *(stat_key(r.absolute) for r in tree.resources),
        *(stat_key(p) for p in data_files(config)))


def last_build(cache: BuildCache) -> LastBuild | None:
    """The record the last successful build left, or None (no cache, or not readable)."""
    raw = cache.get_meta("last_build")
    if raw is None:
        return None
    try:
        data = json.loads(raw)
        warnings = tuple(Diagnostic(**fields) for fields in data["warnings"])
        return LastBuild(data["inputs"], int(data["pages"]), warnings, data["stable_until"],
                         tuple(str(name) for name in data.get("reads", ())))
    except (ValueError, KeyError, TypeError):
        return None


def remember_build(cache: BuildCache, build: LastBuild) -> None:
    record = dataclasses.asdict(build)
    cache.put_meta({"last_build": json.dumps(record, sort_keys=True, ensure_ascii=False)})


def forget_build(cache: BuildCache) -> None:
    """The output no longer is what the remembered build made (serve wrote pages and left
    search behind): no later build may find it standing until one remembers itself."""
    cache.put_meta({"last_build": ""})


def with_reads(inputs: str, root: Path, reads: tuple[str, ...]) -> str:
    """The input digest with the files shortcodes read (readFile) as they are now: those are
    known only once the pages are converted, so the last build names them (LastBuild.reads)."""
    return digest(inputs, reads_digest(root, reads)) if reads else inputs


def output_stands(cache: BuildCache, state: OutputState, inputs: str, now: datetime,
                  root: Path) -> LastBuild | None:
    """The last build, if its output is still the site these inputs make."""
    if not cache.enabled:
        return None
    last = last_build(cache)
    if last is None or not last.stands(with_reads(inputs, root, last.reads), now) \
            or not output_matches_manifest(state):
        return None
    return last
