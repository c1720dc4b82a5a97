"""Split a source into front matter and body, and type-check the front matter.

python-frontmatter decides the format and finds the fences (inside `split_front_matter`
only); we parse the block ourselves so that every error carries a line in the *file*,
not in the block, and so that YAML's surprises (``no`` becoming False, duplicate
keys silently overwritten) are caught instead of published.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from typing import Any

import frontmatter as python_frontmatter
import yaml

from sitegen.config.datalimits import MAX_DEPTH, TooCostly, check_yaml, too_deep
from sitegen.config.yamldoc import describe_yaml_error, read_numbers_strictly
from sitegen.content.characters import clean_source, clean_values, may_be_unsafe
from sitegen.content.dates import DateError, parse_date
from sitegen.content.nesting import deepest_offset
from sitegen.content.sources import Source
from sitegen.errors import Diagnostic, did_you_mean

_TOML_HANDLER = python_frontmatter.default_handlers.BaseHandler(
    fm_boundary=re.compile(r"^\+{3,}\s*$", re.MULTILINE))
_YAML_HANDLER = python_frontmatter.YAMLHandler()

# Keys with a meaning; everything else is kept in `params` for templates.
KNOWN_KEYS = (
    "title", "date", "lastmod", "publishdate", "expirydate", "slug", "url", "keywords",
    "author", "authors", "draft", "summary", "description", "aliases", "weight", "lang",
    "hascjklanguage", "source_name", "source_url", "original_title", "original_language",
    "original_date", "translator", "date_inferred", "original_author",
)
# Keys templates and `check` read from `params`: known (no did-you-mean warning), untyped.
PARAM_KEYS = ("author_role", "type", "layout", "toc", "images", "image", "series", "date_todo",
              "source_type",
              "imported_from")
# Hugo's page keys, and its other names for the dates: read without a did-you-mean warning
# (``linkTitle`` is not a typo of ``title``) and kept in `params` unless typed above.
HUGO_KEYS = (
    "linktitle", "iscjklanguage", "pubdate", "published", "modified", "unpublishdate",
    "headless", "markup", "outputs", "resources", "cascade", "build", "_build", "sitemap",
    "menu", "menus", "translationkey", "audio", "videos",
)
# Terms of one taxonomy, and aliases, one article may list. Each term has a page and a feed
# listing its articles, each with all its terms: an article with n terms makes n pages of n
# links (4,000 tags made 1.5 GB of pages). A hundred is far beyond what an article needs.
MAX_TERMS = 100
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")  # BCP 47's shape, not its registry
# Hugo's default front matter date settings: the first key present wins.
DATE_KEYS = ("date", "publishdate", "pubdate", "published", "lastmod", "modified")
LASTMOD_KEYS = ("lastmod", "modified", "date", "publishdate", "pubdate", "published")
PUBLISH_KEYS = ("publishdate", "pubdate", "published", "date")
EXPIRY_KEYS = ("expirydate", "unpublishdate")


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a translated or copied piece was first published."""

    source_name: str = ""
    source_url: str = ""
    original_title: str = ""
    original_language: str = ""
    original_date: datetime | None = None
    translator: str = ""
    original_author: tuple[str, ...] = ()  # who wrote the original (a translation's author)

    def __bool__(self) -> bool:
        return bool(self.source_name or self.source_url or self.original_title or self.translator
                    or self.original_author)


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """The typed front matter of one article; see README 'Front matter reference'."""

    title: str = ""
    date: datetime | None = None
    lastmod: datetime | None = None
    publish_date: datetime | None = None
    expiry_date: datetime | None = None
    slug: str = ""
    url: str = ""
    taxonomies: dict[str, tuple[str, ...]] = field(default_factory=dict)  # plural -> terms
    keywords: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    draft: bool = False
    summary: str | None = None
    description: str = ""
    aliases: tuple[str, ...] = ()
    weight: int = 0
    lang: str = ""
    has_cjk_language: bool | None = None  # hasCJKLanguage in front matter (not Hugo's)
    is_cjk_language: bool | None = None  # Hugo's per-page isCJKLanguage; None when not given
    date_inferred: str = ""
    provenance: Provenance = field(default_factory=Provenance)
    params: dict[str, Any] = field(default_factory=dict)


    def param(self, key: str) -> Any:
        """A front matter value by its key in any case, as Hugo's .Page.Param finds it; else None."""
        key = key.lower()
        if key in self.params:
            return self.params[key]
        nested = self.params.get("params")  # Hugo's `params:` block of custom keys
        if isinstance(nested, dict):
            found = next((v for k, v in nested.items() if str(k).lower() == key), None)
            if found is not None:
                return found
        if key in self.taxonomies:
            return list(self.taxonomies[key]) or None
        field_name = _PARAM_FIELDS.get(key)
        value = getattr(self, field_name) if field_name else None
        return None if value in ("", (), None) else value


# Front matter keys whose values are typed fields of FrontMatter rather than `params`.
_PARAM_FIELDS = {
    "title": "title", "date": "date", "lastmod": "lastmod", "publishdate": "publish_date",
    "expirydate": "expiry_date", "slug": "slug", "url": "url", "keywords": "keywords",
    "authors": "authors", "author": "authors", "draft": "draft", "summary": "summary",
    "description": "description", "aliases": "aliases", "weight": "weight", "lang": "lang",
}


@dataclass(frozen=True, slots=True)
class Document:
    """A parsed source: typed front matter, the raw body, and where the body starts."""

    source: Source
    meta: FrontMatter
    body_start: int  # offset in source.text where the body starts
    body_line: int  # 1-based line of the file on which the body starts
    has_front_matter: bool

    @property
    def body(self) -> str:
        """The text after the front matter; a slice, so it is not kept (or cached) twice.

        Only where the source's text is held: in the process that converts it."""
        return self.source.text[self.body_start:]

    def key_line(self, key: str) -> int:
        """Line of a front matter key in the file (1 when it is absent), for diagnostics."""
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]", re.IGNORECASE)
        for number, text in enumerate(self.source.read_text().split("\n")[: self.body_line], start=1):
            if pattern.match(text):
                return number
        return 1


@dataclass(frozen=True)
class ParseResult:
    document: Document | None
    diagnostics: tuple[Diagnostic, ...]


class _FrontMatterLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """Safe YAML loader that rejects duplicate keys and reads yes/no/on/off as text (YAML 1.2)."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_FrontMatterLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"))


class _DuplicateKey(Exception):
    def __init__(self, key: str, index: int) -> None:
        super().__init__(key)
        self.key, self.index = key, index  # character offset in the front matter block


def _construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        folded = key.lower() if isinstance(key, str) else key
        try:
            hash(folded)
        except TypeError:  # `? [a, b]` makes a list a key
            raise yaml.constructor.ConstructorError(
                None, None, "a list or mapping cannot be a key", key_node.start_mark) from None
        if folded in seen:
            mark = key_node.start_mark
            raise _DuplicateKey(str(key), mark.index)
        seen.add(folded)
    return yaml.SafeLoader.construct_mapping(loader, node, deep=deep)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)


def _construct_timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    """An unquoted impossible date (2019-02-30) stays text, so the date check can say why."""
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
read_numbers_strictly(_FrontMatterLoader)


def split_front_matter(text: str) -> tuple[str, str, int, int, int]:
    """Return (format, block, body_offset, block_first_line, body_first_line).

    format is "yaml", "toml" or "" (no front matter). Raises ValueError when an
    opening fence has no closing one.
    """
    handler = python_frontmatter.detect_format(text, [_YAML_HANDLER, _TOML_HANDLER])
    if handler is None:
        return "", "", 0, 0, 1
    assert handler.FM_BOUNDARY is not None
    fences = list(handler.FM_BOUNDARY.finditer(text))
    if len(fences) < 2:
        raise ValueError("unclosed")
    opening, closing = fences[0], fences[1]
    block_start = text.find("\n", opening.start()) + 1
    block = text[block_start:closing.start()] if block_start else ""
    line_end = text.find("\n", closing.start())
    body_start = len(text) if line_end < 0 else line_end + 1
    block_line = text.count("\n", 0, block_start) + 1
    body_line = text.count("\n", 0, body_start) + 1
    kind = "toml" if handler is _TOML_HANDLER else "yaml"
    return kind, block, body_start, block_line, body_line


def parse_source(source: Source, taxonomies: tuple[str, ...] = ("categories", "tags"),
                 zone: tzinfo = UTC) -> ParseResult:
    """Parse one source into a Document, or explain with diagnostics why it cannot be.

    Characters no page or feed can carry are dropped first, each with a warning (`characters`).
    `zone`: the time zone of dates written without one (site.timezone, Hugo's timeZone).
    """
    if not may_be_unsafe(source.text):
        return _parse(source, taxonomies, zone)
    source, dropped = clean_source(source, _block_span(source.text))
    parsed = _parse(source, taxonomies, zone)
    return ParseResult(parsed.document, dropped + parsed.diagnostics)


def _block_span(text: str) -> tuple[int, int]:
    """Where the front matter block starts and ends in `text`; (0, 0) when there is none."""
    try:
        kind, block, _body_start, _block_line, _body_line = split_front_matter(text)
    except ValueError:
        return 0, 0
    start = text.find("\n") + 1
    return (start, start + len(block)) if kind else (0, 0)


def _parse(source: Source, taxonomies: tuple[str, ...], zone: tzinfo) -> ParseResult:
    path = source.path
    try:
        kind, block, body_start, block_line, body_line = split_front_matter(source.text)
    except ValueError:
        fence = "+++" if source.text.startswith("+++") else "---"
        return ParseResult(None, (Diagnostic(
            path, 1, 1, "error", f"front matter opened with '{fence}' on line 1 is never closed",
            f"add a line with only '{fence}' after the last front matter key"),))
    if not kind:
        return ParseResult(None, (_missing_front_matter(source),))
    raw, problem = _load_block(kind, block, block_line, path)
    if problem:
        return ParseResult(None, (problem,))
    if raw is None:
        raw = {}  # an empty block is an empty mapping, as in Hugo
    if not isinstance(raw, dict):
        shape = "a list" if isinstance(raw, list) else "empty" if raw is None else "a single value"
        return ParseResult(None, (Diagnostic(
            path, block_line, 1, "error", f"front matter must be a mapping of keys to values, "
            f"got {shape}", "write one 'key: value' per line, e.g. 'title: My article'"),))
    raw, diagnostics = clean_values(raw, path, block, block_line)
    meta, typed = build_front_matter(raw, path, block, block_line, kind, taxonomies, zone)
    diagnostics += typed
    if any(d.is_error for d in diagnostics):
        return ParseResult(None, tuple(diagnostics))
    return ParseResult(Document(source, meta, body_start, body_line, True), tuple(diagnostics))


def _missing_front_matter(source: Source) -> Diagnostic:
    stripped = source.text.lstrip()
    if not stripped:
        return Diagnostic(source.path, 1, 1, "error", "file is empty",
                          "add front matter with at least a title, or delete the file")
    first = source.text.splitlines()[0] if source.text else ""
    if re.match(r"^\w[\w -]*:\s", first):
        hint = "did you forget the '---' line before and after the front matter?"
    else:
        hint = ("start the file with front matter: a line '---', 'title: ...', 'date: ...', "
                "and a closing '---' (or run 'python build.py import' on a plain-text capture)")
    return Diagnostic(source.path, 1, 1, "error", "file has no front matter", hint)


def _load_block(kind: str, block: str, block_line: int, path: str) -> tuple[Any, Diagnostic | None]:
    """Parse the front matter block, mapping error positions to lines of the file; refuse
    one nested deeper than MAX_DEPTH (deeper still, it exhausts Python's stack)."""
    try:
        raw, problem = _parse_block(kind, block, block_line, path)
        deep = problem is None and too_deep(raw)
    except RecursionError:
        deep = True
    if deep:
        line, col = _position(block, deepest_offset(block))
        return None, dataclasses.replace(_too_deep(path, block_line + line), col=col)
    return raw, problem


def _parse_block(kind: str, block: str, block_line: int, path: str) -> tuple[Any, Diagnostic | None]:
    if kind == "toml":
        return _load_toml(block, block_line, path)
    if "\t" in block:
        offset = block.index("\t")
        line, col = _position(block, offset)
        return None, Diagnostic(path, block_line + line, col, "error",
                                "tab character in YAML front matter",
                                "YAML indents with spaces only: replace the tab with spaces")
    try:
        check_yaml(block, _FrontMatterLoader)
        return yaml.load(block, Loader=_FrontMatterLoader), None
    except TooCostly as cost:
        line, col = _position(block, cost.index)
        return None, Diagnostic(path, block_line + line, col, "error", f"front matter {cost.message}",
                                cost.hint)
    except _DuplicateKey as dup:
        line, col = _position(block, dup.index)
        return None, Diagnostic(path, block_line + line, col, "error",
                                f"duplicate key '{dup.key}' in front matter",
                                "keys are case-insensitive; keep one and delete the other")
    except yaml.YAMLError as exc:
        return None, _yaml_error(exc, block, block_line, path)


def _position(block: str, offset: int) -> tuple[int, int]:
    """(lines before, 1-based column) of an offset in the block. Only \n counts: YAML's own
    line numbers also break at NEL, LS and PS, which editors do not."""
    return block.count("\n", 0, offset), offset - (block.rfind("\n", 0, offset) + 1) + 1


def _yaml_error(exc: yaml.YAMLError, block: str, block_line: int, path: str) -> Diagnostic:
    bad_escape = _bad_escape(exc, block, block_line, path)
    if bad_escape is not None:
        return bad_escape
    context = str(getattr(exc, "context", None) or "")
    if "quoted scalar" in context or "flow" in context:
        # Point at the quote or bracket that is never closed, not at the end of the block.
        found = describe_yaml_error(exc, block, path)
        start = getattr(exc, "context_mark", None)
        line = block.count("\n", 0, start.index) + 1 if start else found.line
        return dataclasses.replace(found, line=line + block_line - 1,
                                   message=found.message.replace("invalid YAML", "invalid YAML front matter", 1))
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line, col = _position(block, mark.index) if mark else (0, 0)
    problem = getattr(exc, "problem", None) or "could not be read"
    if mark and "mapping values are not allowed" in problem:
        indented = _indented_key(block, mark.index)
        if indented is not None:
            key, column = indented
            return Diagnostic(path, block_line + line, column, "error",
                              f"invalid YAML front matter: '{key}' is indented more than the key above it",
                              "start every key of the front matter at the beginning of its line")
    return Diagnostic(path, block_line + line, col, "error", f"invalid YAML front matter: {problem}",
                      _yaml_hint(problem))


def _load_toml(block: str, block_line: int, path: str) -> tuple[Any, Diagnostic | None]:
    """TOML front matter; nesting deeper than MAX_DEPTH is refused: tomllib recurses once per
    level of brackets, and takes time quadratic in the parts of a dotted key (a.b.c...)."""
    for number, text in enumerate(block.split("\n")):
        key = text if text.lstrip().startswith("[") else text.partition("=")[0]
        if key.count(".") >= MAX_DEPTH:
            return None, _too_deep(path, block_line + number)
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        return None, _toml_error(exc, block, block_line, path)
    return data, None


def _too_deep(path: str, line: int) -> Diagnostic:
    return Diagnostic(path, line, 1, "error", f"front matter is nested more than {MAX_DEPTH} levels deep",
                      "front matter and config need a few levels at most: flatten the value")


def _bad_escape(exc: yaml.YAMLError, block: str, block_line: int, path: str) -> Diagnostic | None:
    """An escape that names no character (`"\\ud800"`), pointed at; None for other errors."""
    mark = getattr(exc, "problem_mark", None)
    if "invalid Unicode character escape" not in str(getattr(exc, "problem", "")) or mark is None:
        return None
    escape = block.rfind("\\", 0, mark.index + 1)  # the mark is just after '\\u'
    size = {"x": 4, "u": 6, "U": 10}.get(block[escape + 1:escape + 2], 2)
    line = block_line + block.count("\n", 0, escape)
    return Diagnostic(path, line, escape - (block.rfind("\n", 0, escape) + 1) + 1, "error",
                      f"invalid YAML front matter: '{block[escape:escape + size]}' is not a character",
                      "\\ud800 to \\udfff are halves of a character and nothing lies past "
                      "\\U0010FFFF: write the character itself instead of its escape")


def _indented_key(block: str, colon: int) -> tuple[str, int] | None:
    """(key, column) when the colon YAML refused ends a key indented under a scalar value:
    YAML reads the line as more of the value above, which then may not contain ': '."""
    start = block.rfind("\n", 0, colon) + 1
    match = re.fullmatch(r"( +)([\"']?)([\w-]+)\2\s*", block[start:colon])
    if match is None:
        return None
    return match.group(3), len(match.group(1)) + 1


def _toml_error(exc: tomllib.TOMLDecodeError, block: str, block_line: int, path: str) -> Diagnostic:
    """tomllib's message, in an editor's terms where we can tell what went wrong."""
    match = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    line, col = (int(match.group(1)), int(match.group(2))) if match else (1, 0)
    message = re.sub(r"\s*\(at line.*\)$", "", str(exc)).rstrip(".").lower()
    text = block.split("\n")[line - 1] if 0 < line <= block.count("\n") + 1 else ""
    if message == "illegal character '\\n'":
        opened = _unclosed_toml_string(text)
        if opened is not None:
            quote, at = opened
            return Diagnostic(path, block_line + line - 1, at + 1, "error",
                              f"invalid TOML front matter: the {quote} opened here is never closed",
                              f"add the closing {quote} at the end of the value")
    if message == "cannot overwrite a value":
        key = re.match(r"\s*[\"']?([\w.-]+)", text)
        if key:
            column = len(text) - len(text.lstrip()) + 1  # where the key (or its quote) starts
            return Diagnostic(path, block_line + line - 1, column,
                              "error", f"duplicate key '{key.group(1)}' in front matter",
                              "keys are case-insensitive; keep one and delete the other")
    return Diagnostic(path, block_line + line - 1, col, "error", f"invalid TOML front matter: {message}",
                      "TOML needs quoted strings: title = \"My article\"")


def _unclosed_toml_string(line: str) -> tuple[str, int] | None:
    """The quote character and offset of a string still open at the end of `line`."""
    opened: tuple[str, int] | None = None
    escaped = False
    for offset, char in enumerate(line):
        if opened is None:
            if char == "#":
                return None
            if char in "\"'":
                opened = (char, offset)
        elif escaped:
            escaped = False
        elif char == "\\" and opened[0] == '"':
            escaped = True
        elif char == opened[0]:
            opened = None
    return opened


def _yaml_hint(problem: str) -> str:
    if "is not a number" in problem:
        return "put the value in quotes to keep it as text"
    if "cannot be a key" in problem:
        return "keys are plain names: write one 'key: value' per line"
    if "mapping values are not allowed" in problem:
        return "a value containing ': ' must be quoted: title: \"Japan: an ally\""
    if "found unexpected end of stream" in problem or "quoted scalar" in problem:
        return "a quote is opened but never closed on this line"
    if "expected <block end>" in problem or "did not find expected key" in problem:
        return "check that keys at the same level are indented by the same number of spaces"
    return "check indentation and quoting on this line (YAML)"


def key_lines(block: str, block_line: int) -> dict[str, int]:
    """Line in the file of each top-level key (lower-cased), for diagnostics."""
    lines: dict[str, int] = {}
    for number, text in enumerate(block.split("\n")):
        match = re.match(r"^[\"']?([A-Za-z_][\w-]*)[\"']?\s*[:=]", text)
        if match:
            lines.setdefault(match.group(1).lower(), block_line + number)
    return lines


def build_front_matter(raw: dict[str, Any], path: str, block: str, block_line: int, kind: str,
                       taxonomies: tuple[str, ...], zone: tzinfo = UTC) -> tuple[FrontMatter, list[Diagnostic]]:
    """Type-check a raw mapping into FrontMatter, collecting every problem."""
    checker = _Checker(path, key_lines(block, block_line), zone)
    values = {str(k).lower(): v for k, v in raw.items()}
    known = set(KNOWN_KEYS) | set(taxonomies)
    _warn_unknown_keys(checker, values, known | set(PARAM_KEYS))
    dates = {key: checker.date(values, key) for key in DATE_KEYS + EXPIRY_KEYS}
    meta = FrontMatter(
        title=checker.title(values),
        date=_first(dates, DATE_KEYS),
        lastmod=_first(dates, LASTMOD_KEYS),
        publish_date=_first(dates, PUBLISH_KEYS),
        expiry_date=_first(dates, EXPIRY_KEYS),
        slug=checker.text(values, "slug"),
        url=checker.text(values, "url"),
        taxonomies={name: checker.terms(values, name, MAX_TERMS) for name in taxonomies},
        keywords=checker.terms(values, "keywords"),
        authors=checker.terms(values, "authors") or checker.terms(values, "author"),
        draft=checker.flag(values, "draft"),
        summary=checker.text(values, "summary") or None,
        description=checker.text(values, "description"),
        aliases=checker.terms(values, "aliases", MAX_TERMS),
        weight=checker.whole(values, "weight"),
        lang=checker.language(values, "lang"),
        has_cjk_language=checker.flag(values, "hascjklanguage") if "hascjklanguage" in values else None,
        is_cjk_language=checker.flag(values, "iscjklanguage") if "iscjklanguage" in values else None,
        date_inferred=checker.text(values, "date_inferred"),
        provenance=_provenance(checker, values),
        params={k: v for k, v in values.items() if k not in known},
    )
    return meta, checker.diagnostics


def _warn_unknown_keys(checker: _Checker, values: dict[str, Any], recognised: set[str]) -> None:
    """A key neither ours nor Hugo's, close to one of ours, is likely a typo: say which."""
    for key in values:
        if key not in recognised and key not in HUGO_KEYS:
            hint = did_you_mean(key, recognised)
            if hint:
                checker.warn(key, f"unknown front matter key '{key}'", hint)


def _provenance(checker: _Checker, values: dict[str, Any]) -> Provenance:
    """Where a translated or reprinted article comes from."""
    return Provenance(
        source_name=checker.text(values, "source_name"),
        source_url=checker.text(values, "source_url"),
        original_title=checker.text(values, "original_title"),
        original_language=checker.language(values, "original_language"),
        original_date=checker.date(values, "original_date"),
        translator=checker.text(values, "translator"),
        original_author=checker.terms(values, "original_author"),
    )


def _first(dates: dict[str, datetime | None], keys: tuple[str, ...]) -> datetime | None:
    """The first date given among keys, as Hugo's front matter date settings pick it."""
    return next((dates[key] for key in keys if dates[key] is not None), None)


class _Checker:
    """Reads one typed value at a time, recording a diagnostic for each wrong one."""

    def __init__(self, path: str, lines: dict[str, int], zone: tzinfo = UTC) -> None:
        self.path, self.lines, self.zone = path, lines, zone
        self.diagnostics: list[Diagnostic] = []

    def error(self, key: str, message: str, hint: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, self.lines.get(key, 1), 1, "error", message, hint))

    def warn(self, key: str, message: str, hint: str) -> None:
        self.diagnostics.append(Diagnostic(self.path, self.lines.get(key, 1), 1, "warning", message, hint))

    def text(self, values: dict[str, Any], key: str, required: bool = False) -> str:
        value = values.get(key)
        if value is None:
            if required:
                self.error(key, f"missing {key}", f"add a line '{key}: ...' to the front matter")
            return ""
        if isinstance(value, bool) or not isinstance(value, str):
            self.error(key, f"{key} must be text, got {_describe(value)}",
                       f"put the value in quotes: {key}: \"{_plain(value)}\"")
            return ""
        value = value if key == "title" else value.strip()  # a title is kept as written, as in Hugo
        if required and not value:
            self.error(key, f"{key} is empty", f"write the {key} after '{key}:'")
        return value

    def language(self, values: dict[str, Any], key: str) -> str:
        """A language tag ('en', 'zh-Hant'): it becomes a `lang` attribute, where nothing else fits."""
        value = self.text(values, key)
        if value and not _LANGUAGE_TAG.fullmatch(value):
            self.error(key, f"{key} is not a language tag: '{value}'",
                       "write a language tag such as 'en', 'ja' or 'zh-Hant'")
            return ""
        return value

    def title(self, values: dict[str, Any]) -> str:
        """The title; a missing or empty one is a warning, as Hugo builds such pages too."""
        value = values.get("title")
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)  # title: 2019, as Hugo shows it
        if value is None or (isinstance(value, str) and not value.strip()):
            self.warn("title", "missing title" if value is None else "title is empty",
                      "add a line 'title: ...' to the front matter; pages without one "
                      "have no heading or link text")
            return ""
        return self.text(values, "title")

    def flag(self, values: dict[str, Any], key: str) -> bool:
        value = values.get(key, False)
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        if isinstance(value, str) and value.lower() in ("yes", "no", "on", "off"):
            # YAML 1.1's words are text in YAML 1.2, which Hugo reads as false: as Hugo, publish.
            self.warn(key, f"{key}: {value} is text, not true or false; Hugo reads it as false",
                      f"write '{key}: true' or '{key}: false'")
            return False
        if not isinstance(value, bool):
            self.error(key, f"{key} must be true or false, got {_describe(value)}",
                       f"write '{key}: true' or '{key}: false'")
            return False
        return value

    def whole(self, values: dict[str, Any], key: str) -> int:
        value = values.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(key, f"{key} must be a whole number, got {_describe(value)}", f"e.g. '{key}: 10'")
            return 0
        return value

    def date(self, values: dict[str, Any], key: str) -> datetime | None:
        value = values.get(key)
        if value is None or value == "":
            return None
        try:
            return parse_date(value, self.zone)
        except DateError as exc:
            self.error(key, f"{key} {exc}", "write the date as YYYY-MM-DD, e.g. '2019-07-07', "
                       "or with a time: '2019-07-07T09:30:00+09:00'")
            return None

    def terms(self, values: dict[str, Any], key: str, limit: int = 0) -> tuple[str, ...]:
        """A list of names; a single string is one name; [] or null is none (as Hugo).

        Whole numbers are names as written (``tags: [1960]``, as Hugo); other numbers are
        refused, because YAML has already changed them (``1.10`` arrives as 1.1). More than
        `limit` different names (when given) is an error.
        """
        value = values.get(key)
        if value is None:
            return ()
        items = [value] if isinstance(value, (str, int)) and not isinstance(value, bool) else value
        if not isinstance(items, list) or any(isinstance(i, (bool, dict, list)) or i is None
                                              for i in items):
            self.error(key, f"{key} must be a list of names, got {_describe(value)}",
                       f"write '{key}: [first, second]' or one '- name' per line")
            return ()
        if any(not isinstance(i, (str, int)) for i in items):
            bad = next(i for i in items if not isinstance(i, (str, int)))
            self.error(key, f"{key} must be a list of names, got {_describe(bad)}",
                       f"put numbers in quotes so they stay as written: {key}: [\"{bad}\"]")
            return ()
        names = tuple(n for n in (" ".join(str(i).split()) for i in items) if n)
        if limit and len(set(names)) > limit:
            self.error(key, f"{key} lists {len(set(names)):,} names, more than the {limit} an article may have",
                       f"keep the {limit} that matter most: each makes a page of its own (and a feed) "
                       f"that lists this article with all of its {key}")
            return ()
        return _distinct_terms(names)


def _distinct_terms(names: Iterable[str]) -> tuple[str, ...]:
    """Each term once, as Hugo lists a page's terms: names equal but for case (``HPC``,
    ``hpc``) are one, kept where it was last written (Hugo's order); names that only share
    a URL (``doFuture``, ``%dofuture%``) stay two, as in Hugo."""
    kept: dict[str, str] = {}
    for name in names:
        if name:
            kept.pop(name.lower(), None)
            kept[name.lower()] = name
    return tuple(kept.values())


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"'{str(value).lower()}'"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (date, datetime)):
        return f"the date {value.isoformat()}"
    return repr(value)


def _plain(value: Any) -> str:
    """The value as it could be written in quotes, shortened for a hint."""
    text = ", ".join(map(str, value[:10])) if isinstance(value, list) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
