"""Cool URIs don't change: remember every URL the site published, and keep each one working.

Each build records, for every page it publishes (articles and standalone pages, and their
aliases), the URL and the content file it came from, in `published-urls.txt` in the
project, one JSON pair a line, sorted, meant to be committed with the content. The next
build compares: a URL that is no longer made

- whose file is still published (its slug, url, date or folder pattern changed) gets a
  redirect page to the file's new URL, the same page an alias would be;
- whose file is still there but withheld (a draft again, expired, dated in the future) is
  left down without a word, since the front matter says so, and remembered, so that it
  redirects when the file is published again under another URL;
- whose file is gone stops the build, naming the URL and the two ways out: an alias on the
  page that replaces it, or `--allow-removed-urls`, which lets it go. The removal is
  recorded (the line is marked "removed"), so no build asks again and no older copy of
  the history brings the URL back.

Why a project file: the output folder is often absent (a fresh CI clone) and a cache may be
evicted or ignored, and redirects that live only there would vanish with them; in the
project, the history travels with the content, and a clean build (no cache, no output)
makes the same site as an incremental one. The cache folder keeps a copy, and a build reads
both: a URL the copy knows and the file does not (a CI build published it, and its
checkout, with the file it updated, is thrown away; or the file was never committed) is
remembered all the same. Where they disagree about a URL, the file wins.

Drafts and future-dated pages built for a preview (`--drafts`, `--future`, `serve`) are not
recorded: their URLs were never promised to anyone. The history is data from outside (a
contributor can edit the file, a fork can write a CI cache): every line is checked, and a
URL in it can only ever become a redirect to one of the site's own pages.
"""

from __future__ import annotations

import dataclasses
import json
import os
import stat
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from pathlib import Path

from sitegen.build.loading import CheckedSite
from sitegen.build.planning import PlannedSite
from sitegen.build.reserved import reserved_use
from sitegen.cancelling import cancel_point
from sitegen.config.settings import Config
from sitegen.content.publication import is_published, next_change
from sitegen.content.urls import clean_site_path, output_file
from sitegen.errors import BuildFailed, ContentError, Diagnostic
from sitegen.incremental.cache import digest
from sitegen.jsontext import is_plain
from sitegen.render.routes import redirect_plans

HISTORY_NAME = "published-urls.txt"
ALLOW_OPTION = "--allow-removed-urls"
PAGE_KINDS = ("article", "page")
MAX_BYTES = 64 * 1024 * 1024
REMOVED = "removed"
HEADER = (
    "# Every URL this site has published, and the content file it came from. Written by the\n"
    "# build: commit it with the content. A URL whose file moved redirects to the new URL; a\n"
    f"# URL whose file is deleted stops the build until an alias keeps it or {ALLOW_OPTION}\n"
    f'# lets it go, which marks its line "{REMOVED}". See the README.\n')
_LINE_HINT = ('each line is ["/url/", "path/under/content.md"] (and "removed" after a removed '
              "one): resolve the merge or restore the file from version control")
_UNREADABLE = "make the file readable by the build (it lists the URLs the site has published)"


@dataclass(frozen=True)
class Entry:
    """One URL of the history."""

    source: str  # the content file it came from, under the content folder: "2019/x.md"
    removed: bool = False  # let go with --allow-removed-urls: never asked about again
    where: str = HISTORY_NAME  # the file that lists it (for messages), relative to the project
    line: int = 0


@dataclass(frozen=True)
class UrlHistory:
    """The URLs published so far, by site path; `origin` says which file stood for it."""

    entries: dict[str, Entry]
    origin: str = ""  # "project" when the project's file was read, "cache" for the copy only

    @cached_property
    def text(self) -> str:
        """The history file's text (render_history), made once: a build wants it for its
        input digest and to write the file, and it is 40,000 lines at 40,000 articles."""
        return render_history(self.entries)

    def digest(self) -> str:
        """Stands for the history in the last build's input digest (see unchanged.py)."""
        return digest(self.origin, self.text)


@dataclass(frozen=True)
class UrlMoves:
    """What a build does with the history: the new one, and what changed."""

    entries: dict[str, Entry]  # the history after this build
    moved: dict[str, str]  # URLs that redirect: old site path -> source path of the page now
    forgotten: tuple[str, ...]  # URLs let go with --allow-removed-urls in this build

    @cached_property
    def history(self) -> UrlHistory:
        """The history as the next build will read it (one object, whose text is made once)."""
        return UrlHistory(self.entries, "project")


@dataclass
class HistoryMemo:
    """The history `serve`'s last build read, and the texts it read it from. The next build
    reads the files again (they are the project's, and may be edited) but parses them only
    when their text or the config differs: they are usually what the last build wrote, and
    checking 40,000 lines again was 0.4 s of every edit's build."""

    config: Config | None = None
    texts: tuple[str | None, str | None] = (None, None)
    history: UrlHistory | None = None
    moves: _KeptMoves | None = None  # what the last build of a kept plan made of `history`

    def recall(self, config: Config, texts: tuple[str | None, str | None]) -> UrlHistory | None:
        return self.history if self.texts == texts and self.config == config else None  # serve loads the config anew

    def keep(self, config: Config, texts: tuple[str | None, str | None], history: UrlHistory) -> None:
        """Keep them; a text that is the history's own (the file as the last build wrote it,
        and its copy in the cache) is kept as that one string, not three of 9 MB each at
        40,000 articles. The build makes the history's text anyway, for its input digest."""
        rendered = history.text
        project, copy = (rendered if text == rendered else text for text in texts)
        self.config, self.texts, self.history = config, (project, copy), history
        self.moves = None


@dataclass(frozen=True)
class _KeptMoves:
    """`reconcile`'s answer, and what it was worked out from besides the plan: the history
    (the very object), every source's content path, `allow_removed`, and until when time
    leaves the promised URLs as they are (None: no page comes due or expires)."""

    history: UrlHistory
    sources: tuple[str, ...]
    allow_removed: bool
    until: datetime | None
    moves: UrlMoves

    def answers(self, history: UrlHistory, sources: tuple[str, ...], allow_removed: bool, now: datetime) -> bool:
        return (self.history is history and self.allow_removed == allow_removed
                and (self.until is None or now < self.until) and self.sources == sources)


def load_history(config: Config, cache_folder: Path | None, memo: HistoryMemo | None = None) -> UrlHistory:
    """The project's history file, plus the URLs only the cache's copy knows (`memo`: serve's
    history of its last build, parsed again only if a text changed).

    A project file that cannot be read or has a bad line stops the build (ContentError):
    guessing would unpublish or keep the wrong URLs. A bad cache copy is ignored, like
    any cache entry that does not check out."""
    text, problems = _read(config.root / HISTORY_NAME, HISTORY_NAME)
    copy_path = cache_folder / HISTORY_NAME if cache_folder is not None else None
    copy_text, copy_problems = _read(copy_path, HISTORY_NAME) if copy_path is not None else (None, [])
    texts = (text, None if copy_problems else copy_text)
    known = memo.recall(config, texts) if memo is not None and not problems else None
    if known is not None:
        return known
    project: dict[str, Entry] | None = None
    if text is not None or problems:
        entries, line_problems = parse_history(text or "", HISTORY_NAME, config)
        if problems or line_problems:
            raise ContentError(problems + line_problems)
        project = entries
    copy: dict[str, Entry] = {}
    if copy_path is not None and texts[1] is not None:
        entries, line_problems = parse_history(texts[1], _relative(copy_path, config.root), config)
        copy = {} if line_problems else entries
    history = UrlHistory({**copy, **project}, "project") if project is not None else UrlHistory(
        copy, "cache" if copy else "")
    if memo is not None:
        memo.keep(config, texts, history)
    return history


def _read(path: Path, shown: str) -> tuple[str | None, list[Diagnostic]]:
    """The file's text; None when there is none. Never blocks on a FIFO, never reads 1 GB."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None, []
    except OSError as exc:
        return None, [Diagnostic(shown, 0, 0, "error", f"cannot read it: {exc.strerror}", _UNREADABLE)]
    if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
        what = "is not a regular file" if not stat.S_ISREG(info.st_mode) else "is larger than 64 MB"
        return None, [Diagnostic(shown, 0, 0, "error", f"the history of published URLs {what}",
                                 f"delete {shown}; the next build writes it again")]
    try:
        data = path.read_bytes()
        return data.decode("utf-8"), []
    except OSError as exc:
        return None, [Diagnostic(shown, 0, 0, "error", f"cannot read it: {exc.strerror}", _UNREADABLE)]
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return None, [Diagnostic(shown, line, 1, "error", "this line is not UTF-8 text", _LINE_HINT)]


def parse_history(text: str, where: str, config: Config) -> tuple[dict[str, Entry], list[Diagnostic]]:
    """Read the lines of a history file, checking each as the untrusted data it is."""
    entries: dict[str, Entry] = {}
    problems = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        cancel_point()  # a long history takes a while to read; a newer edit need not wait
        url, entry, problem = _parse_line(line, config)
        if url in entries:
            problem = f"{url!r} is listed twice (also on line {entries[url].line})"
        if problem is not None:
            problems.append(Diagnostic(where, number, 1, "error", problem, _LINE_HINT))
            continue
        entries[url] = dataclasses.replace(entry, where=where, line=number)
    return entries, problems


def _parse_line(line: str, config: Config) -> tuple[str, Entry, str | None]:
    """(url, entry, None), or a problem; `["/url/", "source.md"]`, "removed" after a let go one."""
    try:
        value = json.loads(line)
    except (ValueError, RecursionError):
        value = None
    if (not isinstance(value, list) or len(value) not in (2, 3) or not all(isinstance(v, str) for v in value)
            or value[2:] not in ([], [REMOVED])):
        return "", Entry(""), "this line is not a published URL and its source file"
    url, source = value[0], value[1]
    problem = url_problem(url, config)
    parts = source.split("/")
    if problem is None and (not source or source.startswith("/") or ".." in parts or "" in parts
                            or "\0" in source):
        problem = f"{source!r} is not a file under the content folder"
    return url, Entry(source, len(value) == 3), problem


def url_problem(url: str, config: Config) -> str | None:
    """Why `url` cannot be in a history (and so can never become a redirect), or None.

    The same test for what is read and for what is recorded: a build never writes a line
    that the next build would refuse."""
    too_long = len(url) > 63 and any(len(part.encode("utf-8", "surrogatepass")) > 255
                                     for part in url.split("/"))
    if not url.startswith("/") or clean_site_path(url) != url or "\0" in url or too_long:
        return f"{url!r} is not a path inside the site"
    if reserved_use(url[1:], config) is not None:  # only the first segment counts
        return f"{url!r} is a name the build keeps for itself"
    return None


def published_urls(checked: CheckedSite, config: Config, now: datetime) -> dict[str, str]:
    """The URLs this build promises: pages and aliases of files published as they would be
    without --drafts and --future (a preview promises nothing). Site path -> content path."""
    public = dataclasses.replace(config, build_drafts=False, build_future=False)
    urls: dict[str, str] = {}
    for page in checked.pages:
        route = page.route
        if route.kind in PAGE_KINDS and is_published(page.document, public, now):
            for url in (route.path, *route.aliases):
                if url_problem(url, config) is None:
                    urls[url] = page.document.source.content_path
    return urls


def reconcile(history: UrlHistory, checked: CheckedSite, outputs: set[str], config: Config,
              now: datetime, allow_removed: bool = False) -> UrlMoves:
    """Decide the fate of every URL the history holds that this build does not publish.

    Raises BuildFailed, before anything is written, for URLs whose file is gone, unless
    `allow_removed` confirms their removal."""
    current = published_urls(checked, config, now)
    existing = {source.content_path for source in checked.tree.sources}
    published = {p.document.source.content_path: p.document.source.path
                 for p in checked.pages if p.route.kind in PAGE_KINDS}
    entries = {url: Entry(source) for url, source in current.items()}
    moved: dict[str, str] = {}
    forgotten: list[str] = []
    gone: dict[str, list[tuple[str, Entry]]] = defaultdict(list)
    taken = _Taken(outputs)
    for url, entry in sorted(history.entries.items()):
        if url in current:
            continue
        source = entry.source
        if entry.removed:  # let go before: stays so, unless published again
            entries[url] = Entry(source, True)
        elif taken.serves(output_file(url)) or source in existing:  # still served, or withheld
            entries[url] = Entry(source)
            if source in published and taken.claim(output_file(url)):
                moved[url] = published[source]
        elif allow_removed:
            entries[url] = Entry(source, True)
            forgotten.append(url)
        else:
            gone[source].append((url, entry))
    if gone:
        raise BuildFailed([_removed(source, urls, config) for source, urls in gone.items()])
    return UrlMoves(entries, moved, tuple(forgotten))


class _Taken:
    """The files of the site being planned, and the folders they make.

    A URL the history holds is still served when its file is planned, or when a folder of
    that name now stands where its file was (the server redirects `/x` to `/x/`). A redirect
    may be written only where no file or folder of the site is, and only once."""

    def __init__(self, outputs: set[str]) -> None:
        self.files = set(outputs)

    @cached_property
    def folders(self) -> set[str]:  # made when a URL of the history is missing, not every build
        return {parent for output in self.files for parent in _parents(output)}

    def serves(self, output: str) -> bool:
        return output in self.files or output in self.folders

    def claim(self, output: str) -> bool:
        if self.serves(output) or any(parent in self.files for parent in _parents(output)):
            return False
        self.files.add(output)
        self.folders.update(_parents(output))
        return True


def _parents(output: str) -> list[str]:
    """"a/b/index.html" -> ["a", "a/b"]."""
    parts = output.split("/")[:-1]
    return ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _removed(source: str, urls: list[tuple[str, Entry]], config: Config) -> Diagnostic:
    """The URLs of one deleted file, and the exact front matter line that would keep them."""
    names = [url for url, _ in urls]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    they, them = ("it was", "it") if len(names) == 1 else ("they were", "them")
    aliases = ", ".join(json.dumps(name, ensure_ascii=False) for name in names)
    first = urls[0][1]
    return Diagnostic(
        first.where, first.line, 1 if first.line else 0, "error",
        f"{listed} would answer 404: {they} published from {config.paths.content}/{source}, "
        "which no longer exists",
        f"to remove {them} for good, build with {ALLOW_OPTION}; to keep {them}, add this line "
        f"to the front matter of the page that replaces it: aliases: [{aliases}]")


def plan_moves(planned: PlannedSite, checked: CheckedSite, config: Config, history: UrlHistory,
               now: datetime, allow_removed: bool = False,
               memo: HistoryMemo | None = None) -> tuple[PlannedSite, UrlMoves]:
    """The planned site plus a redirect page at each URL whose page moved. `memo`: serve's,
    given only when the plan is the last build's (build/rebody.py: same pages, routes,
    front matter and settings), to take that build's moves again while nothing else they
    are made from changed (reconciling 40,000 URLs was 0.3 s of each edit's build)."""
    if memo is not None and memo.config != config:
        memo = None  # its history was read with other settings
    sources = tuple(source.content_path for source in checked.tree.sources) if memo is not None else ()
    kept = memo.moves if memo is not None else None
    if kept is not None and kept.answers(history, sources, allow_removed, now):
        moves = kept.moves
    else:
        moves = reconcile(history, checked, planned.outputs(), config, now, allow_removed)
        if memo is not None and memo.history is history:
            memo.moves = _KeptMoves(history, sources, allow_removed, _promises_change(checked, config, now), moves)
    if not moves.moved:
        return planned, moves
    redirects = redirect_plans(planned.sites, checked.routes, config, moves.moved)
    return dataclasses.replace(planned, plans=planned.plans + tuple(redirects)), moves


def _promises_change(checked: CheckedSite, config: Config, now: datetime) -> datetime | None:
    """The first moment time alone changes which of the pages' URLs are promised."""
    public = dataclasses.replace(config, build_drafts=False, build_future=False)
    return min((change for page in checked.pages
                if (change := next_change(page.document, public, now)) is not None), default=None)


def render_history(entries: dict[str, Entry]) -> str:
    """The file's text: sorted, one URL a line, so that two branches' additions merge."""
    lines = [HEADER.rstrip("\n")]
    for url, entry in sorted(entries.items()):
        value = [url, entry.source, REMOVED] if entry.removed else [url, entry.source]
        lines.append(_json_line(value))
    return "\n".join(lines) + "\n"


def _json_line(value: list[str]) -> str:
    """json.dumps(value, ensure_ascii=False), written directly when no part needs escaping
    (nearly every line: 40,000 calls to json.dumps were a tenth of an edit's build); a
    file name that is not UTF-8 is kept, escaped to ASCII."""
    if all(is_plain(part) for part in value):
        return '["' + '", "'.join(value) + '"]'
    line = json.dumps(value, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = json.dumps(value)
    return line


def save_history(config: Config, cache_folder: Path | None, moves: UrlMoves) -> None:
    """Write the history to the project (and the cache's copy), before the site is swapped in,
    so a history that cannot be written fails a build that has published nothing."""
    text = moves.history.text
    try:
        _replace(config.root / HISTORY_NAME, text)
    except OSError as exc:
        raise BuildFailed([Diagnostic(HISTORY_NAME, 0, 0, "error",
                                      f"cannot write the history of published URLs: {exc.strerror}",
                                      "make the project folder writable; nothing was published")]) from None
    if cache_folder is not None:
        try:
            _replace(cache_folder / HISTORY_NAME, text)
        except OSError:
            pass  # the project's file is the history; the copy only adds to it


def _replace(path: Path, text: str) -> None:
    """Write `text` to `path` in one step (a new file renamed over it), if it differs."""
    data = text.encode("utf-8")
    try:
        if path.is_file() and path.read_bytes() == data:
            return
    except OSError:
        pass
    temporary = path.with_name(f".{path.name}.new")
    temporary.unlink(missing_ok=True)
    with open(temporary, "xb") as handle:
        handle.write(data)
    os.replace(temporary, path)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()
