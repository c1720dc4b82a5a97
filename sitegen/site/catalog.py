"""The theme's UI strings in each language: Hugo's `i18n/<lang>.yaml` files, and `T`.

A file holds one language, named by its tag (`i18n/en.yaml`, `i18n/ja.yaml`; `.yml` and
`.toml` too), in either of the two shapes Hugo reads:

    home: Home                          # an id and its text
    reading_time:                       # plural forms, by CLDR category
      one: "{{ .Count }} min read"
      other: "{{ .Count }} min read"

    - id: home                          # the older list shape
      translation: Home

Texts may contain `{{ .Count }}`, `{{ .Name }}` (a field the template gives) and `{{ . }}`
placeholders, Hugo's syntax; nothing else of Go's template language. Templates call
`T("reading_time", article.reading_time)` (or `i18n(...)`, Hugo's other name); the count
picks the plural form through Babel's plural rules for the language. An id missing in a
language falls back to the default language's text, as Hugo does; missing everywhere it
stops the build at the template line that asked for it (Hugo would print nothing).

Every problem in a file is a diagnostic with its line: a value that is not text, an
unknown plural category, a placeholder Go syntax we do not run, a duplicate id.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import jinja2
import yaml
from markupsafe import Markup, escape
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sitegen.config.locales import PLURAL_CATEGORIES, long_date, month_year, number, plural_category
from sitegen.config.settings import Config
from sitegen.config.yamldoc import YamlProblem, describe_yaml_error, loader_class
from sitegen.content.links import project_files
from sitegen.errors import Diagnostic, did_you_mean
from sitegen.theme import SHOWN_PREFIX, theme_files

SUFFIXES = (".yaml", ".yml", ".toml")
THEME_LANGUAGE = "en"  # the theme's own words are English: the last fallback of every language
DATE_PATTERN_ID = "date_pattern"  # a CLDR date pattern ("d MMMM y") for the language's dates
_ACTION_RE = re.compile(r"\{\{(.*?)\}\}", re.DOTALL)
_PLACEHOLDER_RE = re.compile(r"^-?\s*\.(\w*)\s*-?$")
_MESSAGE_KEYS = (*PLURAL_CATEGORIES, "description", "hash")
_STR_TAG = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Message:
    """One id's text in one language: its plural forms ("other" alone for plain text)."""

    forms: dict[str, str]
    path: str
    line: int

    def text(self, category: str) -> str:
        return self.forms.get(category) or self.forms["other"]


@dataclass(frozen=True)
class Catalog:
    """Every language's messages, by lower-case language tag, then id."""

    languages: dict[str, dict[str, Message]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # tag -> the file it came from
    digest: str = ""

    def translator(self, lang: str, fallbacks: tuple[str, ...] = (), locale: str = "") -> Translator:
        """`T` for pages in `lang`, falling back to `fallbacks`' messages in order.

        Each tag falls back to its language without region or script (`en-gb` to `en`,
        `zh-hant` to `zh`), and everything to the theme's English last: a site in a
        language the theme does not speak (a migrated French blog) shows the interface in
        English rather than failing to build; its own i18n/fr.yaml replaces that word by word."""
        tags = [tag for code in (lang, *fallbacks) for tag in (code, code.split("-")[0])]
        return Translator(self, lang, tuple(dict.fromkeys((*tags, THEME_LANGUAGE))), locale or lang)

    def has(self, lang: str, message_id: str) -> bool:
        return message_id in self.languages.get(lang.lower(), {})


class TranslationError(jinja2.TemplateRuntimeError):
    """A template asked for an id no i18n file has, or left out a field the text needs."""


class Translator:
    """The UI strings, dates and numbers of one language (a Hugo site language)."""

    def __init__(self, catalog: Catalog, lang: str, chain: tuple[str, ...], locale: str) -> None:
        self.catalog, self.lang, self.chain, self.locale = catalog, lang, chain, locale
        # The language's own date pattern, never another's: "d MMMM y" would print 29 3月 2019.
        pattern = catalog.languages.get(lang.lower(), {}).get(DATE_PATTERN_ID)
        self.date_pattern = pattern.text("other") if pattern else ""

    def find(self, message_id: str) -> Message | None:
        for lang in self.chain:
            message = self.catalog.languages.get(lang.lower(), {}).get(message_id)
            if message is not None:
                return message
        return None

    def text(self, message_id: str, context: Any = None, *, default: str | None = None,
             **fields: Any) -> str:
        """The message as plain text (for titles and feeds: the caller escapes it)."""
        return str(self._render(message_id, context, default, fields, markup=False))

    def __call__(self, message_id: str, context: Any = None, *, default: str | None = None,
                 **fields: Any) -> str | Markup:
        """`T` in templates: plain text, or Markup when a field is Markup (a link, say),
        with the message's own text escaped around it."""
        markup = any(isinstance(v, Markup) for v in (context, *fields.values()))
        return self._render(message_id, context, default, fields, markup)

    def _render(self, message_id: str, context: Any, default: str | None, fields: dict[str, Any],
                markup: bool) -> str | Markup:
        values = dict(context) if isinstance(context, Mapping) else {}
        values.update(fields)
        count = values.get("Count", context if _is_count(context) else None)
        message = self.find(message_id)
        if message is None:
            if default is None:
                raise TranslationError(self._missing(message_id))
            source = default
        else:
            source = message.text(plural_category(count, self.locale) if _is_count(count) else "other")
        if _is_count(count):
            values["Count"] = number(count, self.locale)
        return _fill(source, values, context, message_id, markup)

    def _missing(self, message_id: str) -> str:
        files = [self.catalog.files[lang.lower()] for lang in self.chain if lang.lower() in self.catalog.files]
        where = " or ".join(files) if files else f"i18n/{self.lang}.yaml (there is no such file)"
        known = {i for lang in self.chain for i in self.catalog.languages.get(lang.lower(), {})}
        hint = did_you_mean(message_id, known)
        return f"no translation '{message_id}' in {where}" + (f" ({hint})" if hint else "")

    def forms(self, *message_ids: str) -> str:
        """The messages' plural forms as JSON, for scripts that speak the interface's
        language (search.js): {"id": {"one": "...", "other": "..."}}; missing ids are left out."""
        found = {i: m.forms for i in message_ids if (m := self.find(i)) is not None}
        return json.dumps(found, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    def date(self, value: date | None) -> str:
        return long_date(value, self.locale, self.date_pattern)

    def month(self, year: int, month: int) -> str:
        return month_year(year, month, self.locale)

    def number(self, value: float) -> str:
        return number(value, self.locale)


def _is_count(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _fill(source: str, values: dict[str, Any], context: Any, message_id: str, markup: bool) -> str | Markup:
    """Put the values in the message's `{{ .Name }}` places."""
    pieces: list[str] = []
    last = 0
    for match in _ACTION_RE.finditer(source):
        name = _PLACEHOLDER_RE.match(match.group(1))
        key = name.group(1) if name else ""
        if key and key not in values:
            raise TranslationError(f"translation '{message_id}' needs {{{{ .{key} }}}}, which the "
                                   f"template does not give: T(\"{message_id}\", {key}=...)")
        value = values[key] if key else context
        pieces.append(str(escape(source[last:match.start()])) if markup else source[last:match.start()])
        pieces.append(str(escape(value)) if markup else str(value))
        last = match.end()
    pieces.append(str(escape(source[last:])) if markup else source[last:])
    return Markup("".join(pieces)) if markup else "".join(pieces)


# -- reading the files ----------------------------------------------------------------

def load_catalog(config: Config) -> tuple[Catalog, list[Diagnostic]]:
    """Read the theme's i18n files, then the project's; problems come back with their file
    and line. The project's messages replace the theme's id by id, as in Hugo."""
    languages: dict[str, dict[str, Message]] = {}
    files: dict[str, str] = {}
    problems: list[Diagnostic] = []
    layers = ((f"{SHOWN_PREFIX}/i18n/", theme_files("i18n")),
              (config.paths.i18n.rstrip("/") + "/", project_files(config, "i18n")))
    for prefix, layer in layers:
        seen: dict[str, str] = {}
        for rel, path in layer:
            suffix = next((s for s in SUFFIXES if rel.endswith(s)), "")
            if not suffix or "/" in rel:
                continue  # Hugo reads only the folder's own .yaml/.toml files
            shown, tag = prefix + rel, rel[: -len(suffix)].lower()
            raw = path.read_bytes()
            if tag in seen:
                problems.append(Diagnostic(shown, 1, 1, "error", f"a second file for language '{tag}' "
                                           f"(the first is {seen[tag]})", "keep one file per language"))
                continue
            messages, found = read_messages(raw, shown, suffix)
            problems += found
            seen[tag] = files[tag] = shown
            languages[tag] = {**languages.get(tag, {}), **messages}
    return Catalog(languages, files, _digest(languages)), problems


def _digest(languages: dict[str, dict[str, Message]]) -> str:
    """What the words are, wherever they came from: a project holding a copy of the theme's
    files has the theme's words, and the pages that show them stay unchanged."""
    words = {tag: {key: message.forms for key, message in messages.items()} for tag, messages in languages.items()}
    return hashlib.sha256(json.dumps(words, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def read_messages(raw: bytes, shown: str, suffix: str) -> tuple[dict[str, Message], list[Diagnostic]]:
    """One file's messages by id, and every problem in it."""
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return {}, [Diagnostic(shown, 1, 1, "error", "file is not UTF-8 text", "save it as UTF-8")]
    reader = _Reader(shown)
    if suffix == ".toml":
        reader.toml(text)
    else:
        reader.yaml(text)
    return reader.messages, reader.problems


class _Reader:
    """Turns one file's YAML nodes (or TOML table) into messages, keeping lines."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.messages: dict[str, Message] = {}
        self.problems: list[Diagnostic] = []

    def error(self, line: int, col: int, message: str, hint: str) -> None:
        self.problems.append(Diagnostic(self.shown, line, col, "error", message, hint))

    def yaml(self, text: str) -> None:
        try:
            root = yaml.compose(text, Loader=loader_class())
        except yaml.YAMLError as exc:
            self.problems.append(describe_yaml_error(exc, text, self.shown))
            return
        except YamlProblem as exc:  # pragma: no cover - compose raises YAMLError only
            self.problems += exc.diagnostics
            return
        if root is None:
            return
        if isinstance(root, SequenceNode):
            for item in root.value:
                self.list_item(item)
        elif isinstance(root, MappingNode):
            for key, value in root.value:
                self.entry(str(key.value), value, key.start_mark.line + 1, key.start_mark.column + 1)
        else:
            self.error(1, 1, "an i18n file must map ids to texts",
                       "write one 'id: text' per line, e.g. 'home: Home'")

    def list_item(self, node: Node) -> None:
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        fields = {str(k.value): v for k, v in node.value} if isinstance(node, MappingNode) else {}
        if "id" not in fields or "translation" not in fields:
            self.error(line, col, "a list entry needs 'id' and 'translation'",
                       "write '- id: home' and, below it, '  translation: Home'")
            return
        self.entry(str(fields["id"].value), fields["translation"], line, col)

    def entry(self, message_id: str, node: Node, line: int, col: int) -> None:
        if message_id in self.messages:
            self.error(line, col, f"duplicate id '{message_id}'",
                       f"'{message_id}' is already set on line {self.messages[message_id].line}: keep one")
            return
        if isinstance(node, ScalarNode):
            text = self.scalar(node, message_id)
            forms = {"other": text} if text is not None else None
        elif isinstance(node, MappingNode):
            forms = self.plural(message_id, node)
        else:
            self.error(line, col, f"'{message_id}' must be a text or plural forms, got a list",
                       f"write '{message_id}: text', or its forms 'one:' and 'other:' indented below it")
            forms = None
        if forms is not None and self.placeholders_ok(message_id, forms, line):
            self.messages[message_id] = Message(forms, self.shown, line)

    def scalar(self, node: ScalarNode, message_id: str) -> str | None:
        if node.tag != _STR_TAG:
            self.error(node.start_mark.line + 1, node.start_mark.column + 1,
                       f"'{message_id}' must be text, got {node.value!r}",
                       f"put the text in quotes: \"{node.value}\"")
            return None
        return str(node.value)

    def plural(self, message_id: str, node: MappingNode) -> dict[str, str] | None:
        forms: dict[str, str] = {}
        for key_node, value_node in node.value:
            key, line, col = str(key_node.value), key_node.start_mark.line + 1, key_node.start_mark.column + 1
            if key not in _MESSAGE_KEYS:
                hint = did_you_mean(key, PLURAL_CATEGORIES) or f"the forms are {', '.join(PLURAL_CATEGORIES)}"
                self.error(line, col, f"'{message_id}.{key}' is not a plural form", hint)
                return None
            if not isinstance(value_node, ScalarNode):
                self.error(line, col, f"'{message_id}.{key}' must be text", "write the form's text after it")
                return None
            text = self.scalar(value_node, f"{message_id}.{key}")
            if text is None:
                return None
            if key in PLURAL_CATEGORIES:
                forms[key] = text
        if "other" not in forms:
            line = node.start_mark.line + 1
            self.error(line, node.start_mark.column + 1, f"'{message_id}' has no 'other' form",
                       "every language uses 'other'; add 'other: ...' beside the forms given")
            return None
        return forms

    def placeholders_ok(self, message_id: str, forms: dict[str, str], line: int) -> bool:
        for text in forms.values():
            for match in _ACTION_RE.finditer(text):
                if not _PLACEHOLDER_RE.match(match.group(1)):
                    self.error(line, 1, f"'{message_id}' uses {match.group(0)}, which is not a placeholder",
                               "texts may hold only {{ .Count }}, {{ .Name }} or {{ . }}: "
                               "put any logic in the template")
                    return False
        return True

    def toml(self, text: str) -> None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
            line, col = (int(found.group(1)), int(found.group(2))) if found else (1, 1)
            self.error(line, col, f"invalid TOML: {re.sub(r' [(]at line.*$', '', str(exc))}",
                       "TOML needs quoted strings: home = \"Home\"")
            return
        lines = text.split("\n")
        for message_id, value in data.items():
            line = _toml_line(lines, message_id)
            if isinstance(value, dict) and "translation" in value and "other" not in value:
                value = value["translation"]
            self.entry(message_id, _as_node(value, line), line, 1)


def _toml_line(lines: list[str], key: str) -> int:
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*(=|\])")
    return next((n for n, text in enumerate(lines, start=1) if pattern.match(text)), 1)


def _as_node(value: Any, line: int) -> Node:
    """A TOML value as the YAML node `_Reader.entry` checks, so both formats share its rules."""
    mark = yaml.Mark("", 0, line - 1, 0, "", 0)
    if isinstance(value, dict):
        return MappingNode("tag:yaml.org,2002:map",
                                [(ScalarNode(_STR_TAG, str(k), mark, mark), _as_node(v, line))
                                 for k, v in value.items()], mark, mark)
    if isinstance(value, list):
        return SequenceNode("tag:yaml.org,2002:seq", [], mark, mark)
    tag = _STR_TAG if isinstance(value, str) else "tag:yaml.org,2002:int"
    return ScalarNode(tag, str(value), mark, mark)


def missing_translations(catalog: Catalog, default: str) -> list[Diagnostic]:
    """A warning in each language's file for every id the default language's file has and
    it lacks: pages in that language would show the default language's text there. (Not
    `date_pattern`: without one, a language writes dates in its locale's long format.)"""
    base = catalog.languages.get(default.lower())
    if base is None:
        return []
    problems = []
    for lang, messages in sorted(catalog.languages.items()):
        if lang == default.lower():
            continue
        for message_id, message in sorted(base.items(), key=lambda item: item[1].line):
            if message_id not in messages and message_id != DATE_PATTERN_ID:
                problems.append(Diagnostic(
                    catalog.files[lang], 1, 1, "warning",
                    f"no translation for '{message_id}' ({message.path}:{message.line})",
                    f"add '{message_id}: ...' to {catalog.files[lang]}; until then, pages in '{lang}' "
                    f"show the {default} text"))
    return problems
