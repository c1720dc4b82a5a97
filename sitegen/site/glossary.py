"""The archive's glossary: data/glossary.yaml, each term in every language and script it is
written in, with a short definition.

    - id: futenma                       # names the term (the glossary page's anchor)
      forms:                            # by language tag: one form, or a list
        ja: [普天間, 普天間飛行場]
        ja-Hira: ふてんま
        ja-Latn: Futenma                # romanised Japanese
        en: Marine Corps Air Station Futenma
      definition:                       # by language; the article's is shown, else English
        en: A US Marine Corps air station in Ginowan, Okinawa.
        ja: 沖縄県宜野湾市にある米海兵隊の航空基地。

The first form of a language is its headword. A form written in Latin letters matches
whole words, ignoring case (unless it is all capitals, like SOFA, which matches only as
written); a space in it matches any run of spaces and line breaks, and a hyphen any
hyphen or en dash. A form in Japanese or Chinese matches wherever it occurs. Every
problem is reported with its file, line and column; a form claimed by two terms is one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from sitegen.config.settings import Config
from sitegen.config.yamldoc import describe_yaml_error, loader_class
from sitegen.content.links import project_files
from sitegen.errors import Diagnostic, did_you_mean

GLOSSARY_FILE = "glossary.yaml"
TERM_KEYS = ("id", "forms", "definition")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_TAG_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|\d{3}))?$")
_STR_TAG = "tag:yaml.org,2002:str"
_LATIN_RE = re.compile(r"[A-Za-z]")
_CAPITALS_RE = re.compile(r"^[A-Z0-9.\-]{2,}$")
# A space between two Han or kana characters (or their punctuation) is where YAML folded a
# long Japanese line ('>-'): Japanese and Chinese put no space between words.
_CJK = r"\u3000-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP_RE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")
SPACES = r"\s+"  # what a space in a form matches: any run of spaces and line breaks
HYPHENS = "-‐‑–"  # hyphens and the en dash, one of which a hyphen in a form matches


@dataclass(frozen=True)
class Form:
    text: str
    lang: str  # BCP 47: "ja", "ja-Latn", "en"

    @property
    def latin(self) -> bool:
        return bool(_LATIN_RE.search(self.text))

    @property
    def exact_case(self) -> bool:
        """All capitals (SOFA, NATO): matched only as written, so "sofa" stays a sofa."""
        return bool(_CAPITALS_RE.match(self.text))


@dataclass(frozen=True)
class GlossaryTerm:
    id: str
    forms: tuple[Form, ...]
    definitions: tuple[tuple[str, str], ...]  # (language, text), in file order
    line: int  # where the term starts in data/glossary.yaml

    def headword(self, lang: str) -> Form:
        """The first form in `lang` (or its language without script: ja for ja-Latn), else the first."""
        base = lang.split("-")[0]
        return (next((f for f in self.forms if f.lang == lang), None)
                or next((f for f in self.forms if f.lang.split("-")[0] == base), None)
                or self.forms[0])

    def definition(self, lang: str) -> tuple[str, str]:
        """(language, text) of the definition for readers of `lang`: theirs, else English, else the first."""
        found = dict(self.definitions)
        for choice in (lang, lang.split("-")[0], "en"):
            if choice in found:
                return choice, found[choice]
        return self.definitions[0]

    def first_forms(self) -> tuple[Form, ...]:
        """The headword of each language and script, in file order (the tooltip's list)."""
        seen: dict[str, Form] = {}
        for form in self.forms:
            seen.setdefault(form.lang, form)
        return tuple(seen.values())


@dataclass(frozen=True)
class Glossary:
    terms: tuple[GlossaryTerm, ...] = ()
    path: str = ""  # "data/glossary.yaml", "" without one
    digest: str = ""

    def __bool__(self) -> bool:
        return bool(self.terms)

    def term(self, term_id: str) -> GlossaryTerm | None:
        return self.by_id.get(term_id)

    @cached_property
    def by_id(self) -> dict[str, GlossaryTerm]:
        return {term.id: term for term in self.terms}


def form_key(text: str) -> str:
    """Two spellings a form matches alike have one key (case, spaces, hyphens)."""
    text = re.sub(SPACES, " ", text.strip())
    return re.sub(f"[{HYPHENS}]", "-", text).casefold()


def load_glossary(config: Config) -> tuple[Glossary, list[Diagnostic]]:
    """data/glossary.yaml, checked; an empty glossary when the site has none."""
    shown = f"{config.paths.data.rstrip('/')}/{GLOSSARY_FILE}"
    found = [path for rel, path in project_files(config, "data") if rel == GLOSSARY_FILE]
    if not found:
        return Glossary(), []
    raw = found[0].read_bytes()
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return Glossary(), [Diagnostic(shown, 1, 1, "error", "file is not UTF-8 text", "save it as UTF-8")]
    reader = _Reader(shown)
    terms = reader.read(text)
    digest = hashlib.sha256(raw).hexdigest()
    return Glossary(tuple(terms) if not reader.problems else (), shown, digest), reader.problems


class _Reader:
    """Reads the YAML nodes, so that every problem keeps its line and column."""

    def __init__(self, shown: str) -> None:
        self.shown = shown
        self.problems: list[Diagnostic] = []
        self.owners: dict[str, tuple[str, int]] = {}  # form key -> (term id, line)

    def error(self, node: Node, message: str, hint: str) -> None:
        mark = node.start_mark
        self.problems.append(Diagnostic(self.shown, mark.line + 1, mark.column + 1, "error", message, hint))

    def read(self, text: str) -> list[GlossaryTerm]:
        try:
            root = yaml.compose(text, Loader=loader_class())
        except yaml.YAMLError as exc:
            self.problems.append(describe_yaml_error(exc, text, self.shown))
            return []
        if root is None:
            return []
        if not isinstance(root, SequenceNode):
            self.error(root, "the glossary must be a list of terms",
                       "start each term with '- id: ...', its forms and definition indented below it")
            return []
        terms = [self.term(node) for node in root.value]
        ids: dict[str, int] = {}
        for term, node in zip(terms, root.value, strict=False):
            if term is not None and term.id in ids:
                self.error(node, f"duplicate term id '{term.id}'", f"'{term.id}' is already the id of "
                           f"the term on line {ids[term.id]}: give this one another id")
            elif term is not None:
                ids[term.id] = term.line
        return [t for t in terms if t is not None]

    def term(self, node: Node) -> GlossaryTerm | None:
        if not isinstance(node, MappingNode):
            self.error(node, "a term must be a mapping with id, forms and definition",
                       "write '- id: futenma', then 'forms:' and 'definition:' indented below it")
            return None
        fields = {}
        for key, value in node.value:
            name = str(key.value)
            if name not in TERM_KEYS:
                self.error(key, f"unknown key '{name}' in a term",
                           did_you_mean(name, TERM_KEYS) or f"a term has {', '.join(TERM_KEYS)}")
                return None
            fields[name] = value
        missing = [k for k in TERM_KEYS if k not in fields]
        if missing:
            self.error(node, f"the term has no '{missing[0]}'", _KEY_HINTS[missing[0]])
            return None
        term_id = self.text(fields["id"], "id")
        if term_id is None:
            return None
        if not _ID_RE.match(term_id):
            self.error(fields["id"], f"term id '{term_id}' must be lower-case letters, digits and hyphens",
                       "it names the term's anchor on the glossary page, e.g. 'omoiyari-yosan'")
            return None
        forms = self.forms(fields["forms"], term_id)
        definitions = self.by_language(fields["definition"], "definition", term_id)
        if forms is None or definitions is None:
            return None
        return GlossaryTerm(term_id, tuple(forms), tuple(definitions), node.start_mark.line + 1)

    def text(self, node: Node, what: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag != _STR_TAG or not str(node.value).strip():
            shown = "a list" if isinstance(node, SequenceNode) else "a mapping" if isinstance(
                node, MappingNode) else repr(node.value) if str(node.value) else "nothing"
            self.error(node, f"{what} must be text, got {shown}", "write the text, in quotes if it is a "
                       "number or yes/no")
            return None
        return _CJK_GAP_RE.sub("", " ".join(str(node.value).split()))

    def by_language(self, node: Node, what: str, term_id: str) -> list[tuple[str, str]] | None:
        if not isinstance(node, MappingNode) or not node.value:
            self.error(node, f"the {what} of '{term_id}' must map language tags to text",
                       f"e.g. '{what}:' then '  en: ...' and '  ja: ...' indented below it")
            return None
        found = []
        for key, value in node.value:
            tag = str(key.value)
            if not _TAG_RE.match(tag):
                self.error(key, f"'{tag}' is not a language tag", "use BCP 47 tags: en, ja, ja-Latn "
                           "(romanised Japanese), ja-Hira (hiragana), zh-Hant")
                return None
            text = self.text(value, f"the {what} in '{tag}'")
            if text is None:
                return None
            found.append((tag, text))
        return found

    def forms(self, node: Node, term_id: str) -> list[Form] | None:
        if not isinstance(node, MappingNode):
            self.by_language(node, "forms", term_id)  # reports the shape
            return None
        forms: list[Form] = []
        for key, value in node.value:
            items = value.value if isinstance(value, SequenceNode) else [value]
            pairs = self.by_language(MappingNode(node.tag, [(key, item) for item in items],
                                                 node.start_mark, node.end_mark), "forms", term_id)
            if pairs is None:
                return None
            for (tag, text), item in zip(pairs, items, strict=False):
                if self.claimed(text, term_id, item):
                    return None
                forms.append(Form(text, tag))
        return forms

    def claimed(self, text: str, term_id: str, node: Node) -> bool:
        """A form two terms claim would make every use of it ambiguous."""
        key = form_key(text)
        owner = self.owners.get(key)
        if owner is not None and owner[0] == term_id:
            self.error(node, f"'{text}' is listed twice in '{term_id}' (line {owner[1]})",
                       "list each spelling once; case, spaces and quotes do not make another one")
            return True
        if owner is not None:
            self.error(node, f"'{text}' is already a form of '{owner[0]}' (line {owner[1]})",
                       "a form names one term: remove it from one of them")
            return True
        self.owners[key] = (term_id, node.start_mark.line + 1)
        return False


_KEY_HINTS = {
    "id": "give the term an id, e.g. 'id: futenma'",
    "forms": "list how the term is written in each language, e.g. 'forms:' then '  ja: 普天間'",
    "definition": "define it in a sentence, e.g. 'definition:' then '  en: ...'",
}
