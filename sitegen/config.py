"""Load config.yaml into a tree of frozen dataclasses, checking every key.

Every option is declared once, here, with its type and default; the loader walks
these declarations, so a new option needs no new validation code. Every problem is
reported with its key path (``feeds.limit``), and an unknown key gets a
did-you-mean hint, all at once rather than one per run.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from .errors import ConfigError, Diagnostic, did_you_mean

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


@dataclass(frozen=True)
class PathsSection:
    """Folders, relative to the project root."""

    content: str = "content"
    templates: str = "templates"
    static: str = "static"
    output: str = "public"
    cache: str = ".cache"
    archetypes: str = "archetypes"


@dataclass(frozen=True)
class MarkdownSection:
    """How article bodies are converted."""

    smart_quotes: bool = True  # straight quotes to curly ones; curly ones are left alone
    unsafe: bool = False  # Hugo's markup.goldmark.renderer.unsafe: keep raw HTML in bodies
    sanitize_rawhtml: bool = False  # pass rawhtml shortcode output through an allow-list
    highlight_style: str = "friendly"  # a Pygments style name
    toc_min_headings: int = 3  # show a table of contents from this many headings
    summary_words: int = 70  # automatic summary length in words (Hugo's summaryLength)
    has_cjk_language: bool = True  # count each CJK character as a word, as Hugo's hasCJKLanguage
    cjk_lang: str = "ja"  # lang attribute for blocks written only in Han characters


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


@dataclass(frozen=True)
class ServerSection:
    host: str = "127.0.0.1"
    port: int = 1313


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
    extra: dict[str, Any] = field(default_factory=dict)
    # Set from the command line, not from config.yaml:
    build_drafts: bool = False
    build_future: bool = False

    def path(self, name: str) -> Path:
        """Absolute path of one of the folders in `paths`."""
        return (self.root / getattr(self.paths, name)).resolve()

    @property
    def base_path(self) -> str:
        """The path part of base_url, always starting and ending with '/'."""
        url = self.site.base_url
        if "://" in url:
            url = "/" + url.split("://", 1)[1].partition("/")[2]
        return "/" + url.strip("/") + "/" if url.strip("/") else "/"

    @property
    def absolute_base(self) -> str:
        """base_url with a trailing slash; may be a bare path when no host is configured."""
        url = self.site.base_url
        return url if url.endswith("/") else url + "/"


_FILE_KEYS = {"root", "build_drafts", "build_future"}


def load_config(root: Path, overrides: Mapping[str, Any] | None = None) -> Config:
    """Read ``root/config.yaml``, apply dotted-key overrides, and check everything.

    Raises ConfigError listing every problem with its key path.
    """
    root = Path(root)
    config_file = root / CONFIG_NAME
    raw: Any = {}
    if config_file.exists():
        try:
            raw = yaml.load(config_file.read_text(encoding="utf-8"), Loader=_loader()) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark else 0
            col = mark.column + 1 if mark else 0
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(
                [Diagnostic(CONFIG_NAME, line, col, "error", f"invalid YAML: {problem}",
                            "check indentation and quotes around this line")]
            ) from None
        except UnicodeDecodeError:
            raise ConfigError([Diagnostic(CONFIG_NAME, message="config.yaml is not UTF-8 text",
                                          hint="save the file as UTF-8")]) from None
    if not isinstance(raw, dict):
        raise ConfigError([Diagnostic(CONFIG_NAME, 1, 0, "error",
                                      "config.yaml must be a mapping of keys to values",
                                      "start with a line such as 'site:'")])
    overrides = dict(overrides or {})
    file_level = {k: overrides.pop(k) for k in list(overrides) if k in _FILE_KEYS}
    for dotted, value in overrides.items():
        _set_dotted(raw, dotted, value)
    problems: list[Diagnostic] = []
    values = _build_section(Config, raw, "", problems, skip=_FILE_KEYS)
    if problems:
        raise ConfigError(problems)
    return dataclasses.replace(Config(**values), root=root.resolve(), **file_level)


def _loader() -> type:
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _set_dotted(raw: dict[str, Any], dotted: str, value: Any) -> None:
    node = raw
    *parents, last = dotted.split(".")
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def _build_section(cls: type, raw: Mapping[str, Any], prefix: str,
                   problems: list[Diagnostic], skip: set[str] = frozenset()) -> dict[str, Any]:
    """Check one mapping against one dataclass; return keyword arguments for it."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in dataclasses.fields(cls) if f.name not in skip]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        path = f"{prefix}{key}"
        if key not in names:
            hint = did_you_mean(str(key), names) or f"known keys here: {', '.join(names)}"
            problems.append(Diagnostic(CONFIG_NAME, 0, 0, "error", f"unknown key '{path}'", hint))
            continue
        checked = _check_value(hints[key], value, path, problems)
        if checked is not _INVALID:
            values[key] = checked
    return values


_INVALID = object()


def _check_value(expected: Any, value: Any, path: str, problems: list[Diagnostic]) -> Any:
    if dataclasses.is_dataclass(expected):
        if not isinstance(value, dict):
            problems.append(_type_problem(path, "a mapping", value))
            return _INVALID
        return expected(**_build_section(expected, value, path + ".", problems))
    origin = typing.get_origin(expected)
    if origin is dict:
        if not isinstance(value, dict):
            problems.append(_type_problem(path, "a mapping", value))
            return _INVALID
        key_type, value_type = typing.get_args(expected)
        if value_type is str and any(not isinstance(v, str) for v in value.values()):
            problems.append(_type_problem(path, "a mapping of names to text", value))
            return _INVALID
        return dict(value)
    if expected is bool and not isinstance(value, bool):
        problems.append(_type_problem(path, "true or false", value))
        return _INVALID
    if expected is int and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        problems.append(_type_problem(path, "a whole number of 0 or more", value))
        return _INVALID
    if expected is str and not isinstance(value, str):
        problems.append(_type_problem(path, "text", value))
        return _INVALID
    if isinstance(expected, types.UnionType):  # pragma: no cover - no such option yet
        return value
    return value


def _type_problem(path: str, wanted: str, value: Any) -> Diagnostic:
    return Diagnostic(CONFIG_NAME, 0, 0, "error",
                      f"'{path}' must be {wanted}, got {value!r}",
                      "see the configuration reference in README.md")
