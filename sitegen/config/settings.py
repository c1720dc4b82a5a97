"""Load config.yaml into a tree of frozen dataclasses, checking every key.

Every option is declared once, here, with its type and default; the loader walks
these declarations, so a new option needs no new validation code. Every problem is
reported with its key path (``feeds.limit``), and an unknown key gets a
did-you-mean hint, all at once rather than one per run.
"""

from __future__ import annotations

import dataclasses
import os
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from sitegen.config.folders import folder_problems
from sitegen.config.languages import language_problems
from sitegen.config.tools import configured_tool, not_executable
from sitegen.config.yamldoc import KeyPath, YamlDoc, YamlProblem, load_yaml
from sitegen.errors import ConfigError, Diagnostic, byte_position, did_you_mean

CONFIG_NAME = "config.yaml"


@dataclass(frozen=True)
class SiteSection:
    """What the site is called and where it lives."""

    title: str = "Untitled archive"
    description: str = ""
    base_url: str = "/"  # absolute ("https://example.org/archive/") or a path ("/")
    language: str = "en"
    author: str = ""
    copyright: str = ""
    timezone: str = ""  # IANA name (Hugo's timeZone) for front matter dates without an offset; "" is UTC


@dataclass(frozen=True)
class PathsSection:
    """Folders, relative to the project root."""

    content: str = "content"
    templates: str = "templates"
    static: str = "static"
    output: str = "public"
    cache: str = ".cache"
    archetypes: str = "archetypes"
    i18n: str = "i18n"  # the theme's UI strings, one file per language (Hugo's i18n/en.yaml)
    data: str = "data"  # YAML, TOML, JSON and CSV files templates read as site.data (Hugo's data/), the glossary too


@dataclass(frozen=True)
class MarkdownSection:
    """How article bodies are converted."""

    smart_quotes: bool = True  # straight quotes to curly ones; curly ones are left alone
    unsafe: bool = False  # Hugo's markup.goldmark.renderer.unsafe: keep raw HTML in bodies
    sanitize_rawhtml: bool = False  # pass rawhtml shortcode output through an allow-list
    toc_min_headings: int = 3  # show a table of contents from this many headings
    summary_words: int = 70  # automatic summary length in words (Hugo's summaryLength)
    has_cjk_language: bool = True  # count each CJK character as a word, as Hugo's hasCJKLanguage
    cjk_lang: str = "ja"  # lang attribute for blocks written only in Han characters
    line_numbers: str = ""  # "table" or "inline": number every code block (Hugo's markup.highlight.lineNos)
    emoji: bool = False  # :name: written as the emoji, GitHub's names (Hugo's enableEmoji)
    alerts: str = ""  # "type" or "given": > [!NOTE] quotes as alerts, titled by type or only as given
    diagrams: tuple[str, ...] = ()  # fence languages written <pre class="mermaid"> for a drawing script
    raw_diagrams: bool = False  # with unsafe: their text written as is, not escaped (a hook's .Inner | safeHTML)
    diagrams_joined: bool = False  # no newline after a diagram's </pre>, as a hook that trims its end writes it
    passthrough_blocks: tuple[str, ...] = ()  # "$$ $$": math between these left as written (Hugo's passthrough)
    code_titles: str = ""  # fence attribute shown above the code, e.g. "file" for {file="x"}


@dataclass(frozen=True)
class PaginationSection:
    page_size: int = 10


@dataclass(frozen=True)
class FeedsSection:
    limit: int = 20  # entries per feed; 0 means all
    full_content: bool = True  # full article in feeds, else the summary


@dataclass(frozen=True)
class SearchSection:
    enabled: bool = True
    timeout: int = 600  # seconds Pagefind may take to index the site before the build stops it
    # About how many pages each shard of the index holds: an edit re-indexes one shard
    # (search/shards.py). Smaller: faster edits, more requests for a reader's first search.
    pages_per_shard: int = 256
    # The Pagefind extended binary: a path (relative to the project) or a command on PATH.
    # "": the project's node_modules (npm's pagefind), else pip's pagefind[extended], else PATH.
    pagefind: str = ""


@dataclass(frozen=True)
class SecuritySection:
    """What the build may read from outside the project."""

    # Project paths (e.g. "static/fonts") under which a symbolic link may point outside
    # the project; everywhere else such a link is an error (see content/links.py).
    allow_symlinks_outside: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServerSection:
    host: str = "127.0.0.1"
    port: int = 1313


@dataclass(frozen=True)
class LanguageSection:
    """One language of a multilingual site, under `languages.<code>` (Hugo's languages)."""

    name: str = ""  # as its readers write it, "日本語" (Hugo's languageName); default: from CLDR
    weight: int = 0  # order in language switchers, then the code
    title: str = ""  # the site's title in this language; default: site.title
    description: str = ""  # default: site.description
    copyright: str = ""  # default: site.copyright
    content_dir: str = ""  # this language's own content folder (Hugo's contentDir); "": paths.content
    locale: str = ""  # Babel locale for dates and numbers, e.g. "en-GB"; default: the code


def _default_taxonomies() -> dict[str, str]:
    return {"category": "categories", "tag": "tags"}


@dataclass(frozen=True)
class Config:
    """The whole configuration; `root` is the project folder it was loaded from."""

    root: Path = Path(".")
    site: SiteSection = field(default_factory=SiteSection)
    paths: PathsSection = field(default_factory=PathsSection)
    markdown: MarkdownSection = field(default_factory=MarkdownSection)
    taxonomies: dict[str, str] = field(default_factory=_default_taxonomies)
    permalinks: dict[str, str] = field(default_factory=dict)
    pagination: PaginationSection = field(default_factory=PaginationSection)
    feeds: FeedsSection = field(default_factory=FeedsSection)
    search: SearchSection = field(default_factory=SearchSection)
    server: ServerSection = field(default_factory=ServerSection)
    security: SecuritySection = field(default_factory=SecuritySection)
    extra: dict[str, Any] = field(default_factory=dict)
    menus: dict[str, Any] = field(default_factory=dict)  # name -> entries (Hugo's menus)
    ignore_files: tuple[str, ...] = ()  # regular expressions (Hugo's ignoreFiles)
    disable_aliases: bool = False  # make no redirect pages for `aliases` (Hugo's disableAliases)
    # Languages (docs/i18n.md): none, or each with its own URLs under /<code>/, as Hugo.
    languages: dict[str, LanguageSection] = field(default_factory=dict)
    default_language: str = ""  # Hugo's defaultContentLanguage; "": site.language
    default_in_subdir: bool = False  # Hugo's defaultContentLanguageInSubdir: /en/ too
    list_other_languages: bool = False  # a language's lists also show articles it has no version of
    # Set from the command line, not from config.yaml:
    build_drafts: bool = False
    build_future: bool = False

    def path(self, name: str) -> Path:
        """Absolute path of one of the folders in `paths`, links followed.

        realpath rather than Path.resolve, which raises on a loop of links: a loop is
        then simply a path that does not exist, reported where the folder is used."""
        return Path(os.path.realpath(self.root / getattr(self.paths, name)))

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        return _base_path(self.site.base_url)

    @property
    def absolute_base(self) -> str:
        """base_url with a trailing slash; may be a bare path when no host is configured."""
        url = self.site.base_url
        return url if url.endswith("/") else url + "/"


_FILE_KEYS = {"root", "build_drafts", "build_future"}


def load_config(root: Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read ``root/config.yaml``, apply dotted-key overrides, and check everything.

    Raises ConfigError listing every problem with its key path and its line in the file.
    """
    root = Path(root)
    doc = read_config_file(root / CONFIG_NAME)
    raw = doc.data
    overrides = dict(overrides or {})
    file_level = {k: overrides.pop(k) for k in list(overrides) if k in _FILE_KEYS}
    for dotted, value in overrides.items():
        _set_dotted(raw, dotted, value)
    problems: list[Diagnostic] = []
    values = _Checker(doc, problems).section(Config, raw, (), skip=_FILE_KEYS)
    if problems:
        raise ConfigError(problems)
    config = dataclasses.replace(Config(**values), root=root.resolve(), **file_level)
    problems = (folder_problems(config, doc, set(overrides)) + _limit_problems(config, doc)
                + language_problems(config, doc))
    if problems:
        raise ConfigError(problems)
    return config


_AT_LEAST_ONE = (
    ("timeout", "'search.timeout' must be at least 1 (seconds)", "write e.g. 'timeout: 600' (the default)"),
    ("pages_per_shard", "'search.pages_per_shard' must be at least 1",
     "write e.g. 'pages_per_shard: 256' (the default)"),
)


def _limit_problems(config: Config, doc: YamlDoc) -> list[Diagnostic]:
    """Numbers that must be at least 1 (the checker allows 0 for every whole number), and
    a `search.pagefind` that names no executable file (when search is on)."""
    problems = []
    for key, message, example in _AT_LEAST_ONE:
        if getattr(config.search, key) < 1:
            line, col = doc.where_value(("search", key))
            problems.append(Diagnostic(CONFIG_NAME, line, col, "error", message,
                                       f"{example}; set 'search.enabled: false' to build without search"))
    configured = config.search.pagefind
    path, ok = configured_tool(config.root, configured) if configured and config.search.enabled else (None, True)
    if not ok and path is not None:
        line, col = doc.where_value(("search", "pagefind"))
        problems.append(Diagnostic(CONFIG_NAME, line, col, "error", *not_executable(configured, path)))
    return problems


def read_config_file(config_file: Path) -> YamlDoc:
    """Parse config.yaml (absent: all defaults); raise ConfigError if it cannot be read."""
    if not config_file.exists():
        return YamlDoc({}, {})
    data = config_file.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, col = byte_position(data, exc.start)
        raise ConfigError([Diagnostic(CONFIG_NAME, line, col, "error",
                                      f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                                      "save config.yaml as UTF-8")]) from None
    try:
        doc = load_yaml(text.removeprefix("\ufeff"), CONFIG_NAME)
    except YamlProblem as exc:
        raise ConfigError(exc.diagnostics) from None
    if doc.data is None:
        return YamlDoc({}, {})
    if not isinstance(doc.data, dict):
        raise ConfigError([Diagnostic(CONFIG_NAME, 1, 1, "error",
                                      "config.yaml must be a mapping of keys to values",
                                      "start with a line such as 'site:', its keys indented below it")])
    return doc


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    node = raw
    *parents, last = dotted.split(".")
    for key in parents:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {} if child is None else child
        if not isinstance(child, dict):
            return  # the section itself is wrong; that is reported with its line
        node = child
    node[last] = value


_INVALID = object()


class _Checker:
    """Checks raw values against the declared options, recording each problem with its line."""

    def __init__(self, doc: YamlDoc, problems: list[Diagnostic]) -> None:
        self.doc, self.problems = doc, problems

    def section(self, cls: type, raw: Mapping[Any, Any], prefix: KeyPath,
                skip: set[str] | frozenset[str] = frozenset()) -> dict[str, Any]:
        """Check one mapping against one dataclass; return keyword arguments for it."""
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls) if f.name not in skip}
        values: dict[str, Any] = {}
        for key, value in raw.items():
            path = (*prefix, str(key))
            if key not in fields:
                hint = did_you_mean(str(key), fields) or f"known keys here: {', '.join(fields)}"
                line, col = self.doc.where(path)
                self.problems.append(Diagnostic(CONFIG_NAME, line, col, "error",
                                                f"unknown key '{'.'.join(path)}'", hint))
                continue
            checked = self.value(hints[key], value, path, _default(fields[key]))
            if checked is not _INVALID:
                values[key] = checked
        return values

    def value(self, expected: Any, value: Any, path: KeyPath, default: Any) -> Any:
        name = path[-1]
        if dataclasses.is_dataclass(expected) or typing.get_origin(expected) is dict:
            if value is None:
                value = {}
            if not isinstance(value, dict):
                return self.wrong(path, "a group of settings", value, _section_hint(name, default))
            if dataclasses.is_dataclass(expected):
                section = typing.cast(type, expected)
                return section(**self.section(section, value, path))
            item = typing.get_args(expected)[1]
            if dataclasses.is_dataclass(item):  # languages: a section per key
                kind = typing.cast(type, item)
                checked = {str(k): self.value(kind, v, (*path, str(k)), kind()) for k, v in value.items()}
                return {k: v for k, v in checked.items() if v is not _INVALID}
            return self.names(path, value) if item is str else dict(value)
        if value is None:
            return self.report(path, f"'{'.'.join(path)}' has no value",
                               f"write a value after '{name}:', or delete the line to use "
                               f"the default ({_yaml(default)})")
        if expected is bool and not isinstance(value, bool):
            return self.wrong(path, "true or false", value, f"write '{name}: true' or '{name}: false'")
        if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            return self.wrong(path, "a whole number of 0 or more", value,
                              f"write a number, e.g. '{name}: {default}' (the default)")
        if expected is str and not isinstance(value, str):
            return self.wrong(path, "text", value, f"put the value in quotes: {name}: \"{value}\"")
        if typing.get_origin(expected) is tuple:
            return self.texts(path, value)
        return value

    def texts(self, path: KeyPath, value: Any) -> Any:
        """A list of text (one text alone counts as a list of one)."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            return self.wrong(path, "a list of text", value,
                              f"write e.g. '{path[-1]}: [static/fonts]', one path per item")
        return tuple(items)

    def names(self, path: KeyPath, value: dict[Any, Any]) -> Any:
        """A mapping of names to text (taxonomies, permalinks): check every entry."""
        ok = True
        for key, item in value.items():
            if not isinstance(item, str):
                self.wrong((*path, str(key)), "text", item, f"write one value, e.g. '{key}: {key}s'"
                           if path == ("taxonomies",) else f"put the value in quotes: {key}: \"...\"")
                ok = False
        return dict(value) if ok else _INVALID

    def wrong(self, path: KeyPath, wanted: str, value: Any, hint: str) -> Any:
        return self.report(path, f"'{'.'.join(path)}' must be {wanted}, got {_describe(value)}", hint)

    def report(self, path: KeyPath, message: str, hint: str) -> Any:
        line, col = self.doc.where_value(path)
        self.problems.append(Diagnostic(CONFIG_NAME, line, col, "error", message, hint))
        return _INVALID


def _default(spec: dataclasses.Field[Any]) -> Any:
    if spec.default is not dataclasses.MISSING:
        return spec.default
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return None


def _section_hint(name: str, default: Any) -> str:
    if dataclasses.is_dataclass(default):
        first = dataclasses.fields(default)[0].name
        example = f"{first}: {_yaml(getattr(default, first))}"
    elif isinstance(default, dict) and default:
        key = next(iter(default))
        example = f"{key}: {_yaml(default[key])}"
    else:
        example = "key: value"
    return f"write '{name}:' alone on its line and its keys indented below it, e.g. '  {example}'"


def _yaml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value) if value not in ("", None) else '""'


def _describe(value: Any) -> str:
    if isinstance(value, list):
        return f"a list {value!r}"
    if isinstance(value, dict):
        return "a group of settings"
    return repr(value)


@lru_cache(maxsize=16)
def _base_path(url: str) -> str:
    """The path part of a base URL; asked for with every URL a build makes, so cached."""
    if "://" in url:
        url = "/" + url.split("://", 1)[1].partition("/")[2]
    return "/" + url.strip("/") + "/" if url.strip("/") else "/"
