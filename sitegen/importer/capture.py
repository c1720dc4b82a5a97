"""Turn a plain-text or HTML capture of an article into a Markdown file with front matter.

Captures copied from web pages have no front matter and carry page furniture ("View More",
"Donate Now"). The importer infers the structure from the text alone, keeps every sentence
of the article verbatim, and lists each guess and each dropped line in a report, so that an
editor can check the result before publishing it. It reads and writes no files and knows
nothing of the build: the CLI decides where the text goes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from html.parser import HTMLParser
from pathlib import PurePath
from typing import Any

import yaml

from sitegen.errors import ConfigError, ContentError, Diagnostic
from sitegen.importer import page

COMMENTS_HEADING = "## Reader comments {#reader-comments .reader-comments}"
KEY_POINTS_LABEL = "**Key points**"
COMMENT_SEPARATOR = "<!-- next comment -->"
DATE_TODO = "TODO: set the date of the original article"


@dataclass(frozen=True)
class ImportOptions:
    """What the editor knows about a capture; every empty field is inferred or left out."""

    date: str = ""  # YYYY-MM-DD; empty -> draft: true plus a date_todo note
    author: str = ""
    source_url: str = ""
    source_name: str = ""
    categories: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    slug: str = ""
    lang: str = ""  # empty -> detected from the letters of the text


@dataclass(frozen=True)
class ImportedArticle:
    """One converted capture, ready to be written under content/."""

    text: str  # the whole Markdown file: YAML front matter + body
    relative_path: str  # "<year>/<slug>.md", or "undated/<slug>.md" without a date
    title: str
    report: tuple[str, ...]  # what was inferred and every dropped furniture line


@dataclass(frozen=True)
class Block:
    """One line of a text capture or one element of an HTML capture."""

    kind: str  # "raw" (still to classify), "title", "heading", "para" or "item"
    text: str
    line: int = 0  # 1-based line of a text capture; 0 for HTML
    gap_before: bool = True  # a blank line (or an element boundary) precedes it
    level: int = 0  # heading level
    area: str = ""  # "comments" for HTML inside a comment section


@dataclass(frozen=True)
class Outline:
    """The article's structure once every heuristic has run."""

    title: str
    author: str
    author_role: str
    key_points: tuple[str, ...]
    body: tuple[Block, ...]
    comment_intro: str
    comments: tuple[tuple[str, ...], ...]  # each comment is one or more paragraphs


# --- public API ---------------------------------------------------------------------------

def import_text(text: str, options: ImportOptions, *, filename: str = "") -> ImportedArticle:
    """Convert a plain-text capture (one paragraph or heading per line)."""
    if re.match(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n", text):
        raise ContentError([Diagnostic(
            filename or "<import>", 1, 1, "error", "the file already has front matter",
            "copy it into content/ as it is; the importer is for plain-text captures")])
    blocks, joined = unwrap_lines(text_blocks(text))
    return _build(blocks, options, filename, joined)


def import_html(html: str, options: ImportOptions, *, filename: str = "") -> ImportedArticle:
    """Convert a saved web page: its main text (trafilatura when the [import] extra is
    installed, else our own reading), then the text heuristics; what the page says of
    itself (title, author, date, site, canonical URL) fills what the editor left empty."""
    facts = page.page_facts(html)
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    ours = select_main(parser.finish())
    extracted = page.main_blocks(html)
    if extracted is not None:
        blocks = [Block(kind, text, level=level, area=area) for kind, text, level, area in extracted]
        blocks[:0] = [b for b in ours if b.kind == "title"][:1]  # the page's own <h1>
        notes = ["main text and reader comments: found by trafilatura"]
    else:
        blocks = ours
        notes = [f"dropped <{tag}> element x{count}" for tag, count in sorted(parser.skipped.items())]
    if parser.page_title and not facts.title:
        facts = replace(facts, title=parser.page_title)
    if facts.title and not any(b.kind == "title" for b in blocks):
        blocks.insert(0, Block("title", facts.title))
        notes.append(f"title: from the page's metadata ({facts.how})")
    options, found = _with_facts(options, facts)
    return _build(blocks, options, filename, [*notes, *found])


def _with_facts(options: ImportOptions, facts: page.PageFacts) -> tuple[ImportOptions, list[str]]:
    """Fill the options the editor left empty from the page's own record, saying so."""
    filled: dict[str, Any] = {key: value for key, value in (("date", facts.date), ("author", facts.author),
                                            ("source_name", facts.site_name),
                                            ("source_url", facts.url))
              if value and not getattr(options, key)}
    notes = [f"{key}: {value!r}, from the page's metadata ({facts.how})" for key, value in filled.items()]
    return replace(options, **filled), notes


def slugify(title: str) -> str:
    """Lower-case letters and digits joined by '-', as Hugo's urlize; idempotent."""
    slug = title
    for _ in range(4):
        following = _slug_once(slug)
        if following == slug:
            break
        slug = following
    return slug


# --- assembling the article --------------------------------------------------------------

def _build(blocks: list[Block], options: ImportOptions, filename: str,
           notes: Iterable[str]) -> ImportedArticle:
    """Run every heuristic in order and render the Markdown file."""
    check_options(options, filename)
    blocks, dropped = drop_furniture(blocks)
    if not blocks:
        raise ContentError([Diagnostic(filename or "<import>", 0, 0, "error",
                                       "nothing to import: the capture has no article text",
                                       "check that the file is the saved article")])
    outline, report = make_outline(blocks)
    report += [*notes, *dropped]
    lang = options.lang or detect_lang(_all_text(outline))
    if not options.lang:
        report.append(f"lang: detected '{lang}' from the letters of the text")
    meta = front_matter(outline, options, lang, filename)
    if not options.date:
        report.append("date: none given, so the article is a draft with a date_todo note")
    slug = slugify(options.slug) or slugify(outline.title) or "untitled"
    folder = options.date[:4] if options.date else "undated"
    text = _dump_front_matter(meta) + render_body(outline)
    return ImportedArticle(text, f"{folder}/{slug}.md", outline.title, tuple(report))


def make_outline(blocks: list[Block]) -> tuple[Outline, list[str]]:
    """Find title, byline, key points, headings and comments; return them and each guess."""
    title_block, rest = take_title(blocks)
    report = [f"title: {title_block.text!r} ({_where(title_block)})"]
    byline, rest = take_byline(rest)
    if byline:
        report.append(_byline_note(byline))
    key_points, rest = take_key_points(rest)
    if key_points:
        report.append(f"key points: {len(key_points)} short sentences after the title "
                      "became a bullet list")
    article, intro, comments = split_comments(rest)
    if intro or comments:
        report.append(f"reader comments: {len(comments)} after {intro or 'the comment area'!r}")
    body, heading_notes = classify_headings(article)
    report.extend(heading_notes)
    author, role = byline or ("", "")
    outline = Outline(title_block.text, author, role, key_points, tuple(body), intro, comments)
    return outline, report


def _byline_note(byline: tuple[str, str]) -> str:
    role = f", author_role {byline[1]!r}" if byline[1] else ""
    return f"author: {byline[0]!r}{role} (byline after the title)"


def _where(block: Block) -> str:
    return f"line {block.line}" if block.line else "HTML element"


def _all_text(outline: Outline) -> str:
    parts = [outline.title, *outline.key_points, *(b.text for b in outline.body)]
    return "\n".join(parts + [p for c in outline.comments for p in c])


def check_options(options: ImportOptions, filename: str) -> None:
    """Reject a date the build could not read, before anything is converted."""
    if not options.date:
        return
    problem = not re.fullmatch(r"\d{4}-\d{2}-\d{2}", options.date)
    if not problem:
        try:
            date.fromisoformat(options.date)
        except ValueError:
            problem = True
    if problem:
        raise ConfigError([Diagnostic(filename or "<import>", 0, 0, "error",
                                      f"--date must be YYYY-MM-DD, got '{options.date}'",
                                      "e.g. --date 2019-07-07")])


def front_matter(outline: Outline, options: ImportOptions, lang: str,
                 filename: str) -> dict[str, Any]:
    """Flat front matter in the archive's key order; empty values are left out."""
    meta: dict[str, Any] = {"title": outline.title}
    if options.date:
        meta["date"] = date.fromisoformat(options.date)
    else:
        meta.update(draft=True, date_todo=DATE_TODO)
    author = options.author or outline.author
    role = outline.author_role if not options.author else ""
    meta.update(author=author, author_role=role,
                categories=_unique(options.categories), tags=_unique(options.tags),
                source_name=options.source_name, source_url=options.source_url, lang=lang,
                imported_from=PurePath(filename).name if filename else "")
    return {key: value for key, value in meta.items() if value not in ("", [], None)}


def _unique(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(n.strip() for n in names if n.strip()))


def _dump_front_matter(meta: dict[str, Any]) -> str:
    dumped = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    return f"---\n{dumped}---\n"


# --- lines of a text capture -------------------------------------------------------------

def text_blocks(text: str) -> list[Block]:
    """One raw block per non-empty line, remembering blank lines before it."""
    blocks: list[Block] = []
    gap = True
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        stripped = " ".join(line.split())
        if not stripped:
            gap = True
            continue
        blocks.append(Block("raw", stripped, number, gap))
        gap = False
    return blocks


def unwrap_lines(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Join hard-wrapped lines: a long unfinished line followed by a lower-case start."""
    joined: list[Block] = []
    notes: list[str] = []
    for block in blocks:
        previous = joined[-1] if joined else None
        if (previous and not block.gap_before and len(previous.text) >= 50
                and not previous.text.endswith(_CLOSERS) and block.text[0].islower()):
            joined[-1] = replace(previous, text=f"{previous.text} {block.text}")
            notes.append(f"joined hard-wrapped line {block.line} to the line before")
        else:
            joined.append(block)
    return joined, notes


# --- heuristics, in the order they run ---------------------------------------------------

_FURNITURE = re.compile(r"""^(?:
    view\ more | read\ more | continue\ reading | read\ the\ full\ (?:article|story)
  | comments\ are\ closed\.? | interested\ in\ donating\ to\ .+\? | donate(?:\ now)?
  | share(?:\ this(?:\ (?:article|story|post|page))?)?:?
  | share\ (?:on|via|to)\ (?:facebook|twitter|x|linkedin|email|whatsapp|line|reddit|bluesky)
  | tweet | email | print(?:\ this(?:\ (?:article|page))?)? | subscribe(?:\ now)? | sign\ up
  | leave\ a\ (?:reply|comment) | cancel\ reply | like\ this:? | loading(?:\.\.\.|…)
  | related(?:\ (?:posts|articles|stories|content|reading))?:? | advertisement
  | skip\ to\ (?:main\ )?content | back\ to\ top | post\ navigation | previous\ post | next\ post
  | 続きを読む | もっと見る | シェア | この記事をシェア | 印刷 | 関連記事 | 広告
)$""", re.IGNORECASE | re.VERBOSE)


def is_furniture(text: str) -> bool:
    """True for page chrome such as 'View More' or 'Donate Now' (whole line only)."""
    return bool(_FURNITURE.match(text.strip()))


def drop_furniture(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Remove furniture lines; report each one so nothing vanishes silently."""
    kept = [b for b in blocks if b.kind == "title" or not is_furniture(b.text)]
    report = [f"dropped furniture ({_where(b)}): {b.text!r}"
              for b in blocks if b.kind != "title" and is_furniture(b.text)]
    return kept, report


def take_title(blocks: list[Block]) -> tuple[Block, list[Block]]:
    """The <h1>, or else the first non-empty line, without Markdown '#' marks."""
    index = next((i for i, b in enumerate(blocks) if b.kind == "title"), 0)
    title = blocks[index]
    text = re.sub(r"^#+\s*", "", title.text).strip() or title.text
    return replace(title, kind="title", text=text), blocks[:index] + blocks[index + 1:]


_NAME_PARTICLES = {"van", "von", "de", "da", "del", "der", "den", "bin", "binti", "al", "la", "le"}
_NOT_NAMES = {"the", "a", "an", "and", "of", "in", "on", "for", "to", "with", "introduction",
              "conclusion", "summary", "background", "analysis", "commentary", "overview",
              "update", "updated", "news", "key", "points", "editorial", "opinion"}
_CJK_NOT_NAMES = {"概要", "要約", "結論", "序論", "論評", "解説", "背景", "目次", "本文", "社説"}
_BYLINE = re.compile(r"^(?P<name>[^,，、（(]+?)\s*"
                     r"(?:[,，、]\s*(?P<role>.+)|[（(](?P<prole>[^）)]+)[）)])?$")


def split_byline(text: str) -> tuple[str, str] | None:
    """(name, role) for 'Name Surname[, Role]' or a 2-4 character CJK name, else None."""
    text = re.sub(r"^(?:written\s+by|by)\s+", "", text.strip(), flags=re.IGNORECASE)
    match = _BYLINE.match(text)
    if not match:
        return None
    name = match["name"].strip()
    role = (match["role"] or match["prole"] or "").strip()
    if len(role) > 80 or not (is_latin_name(name) or is_cjk_name(name)):
        return None
    return name, role


def is_latin_name(name: str) -> bool:
    """2-4 capitalised words (particles such as 'van' allowed inside), not heading words."""
    words = name.split()
    if not 2 <= len(words) <= 4 or any(w.lower() in _NOT_NAMES for w in words):
        return False
    inner = words[1:-1]
    capitalised = [words[0], words[-1]] + [w for w in inner if w not in _NAME_PARTICLES]
    return all(w[0].isupper() and all(c.isalpha() or c in "'’.-" for c in w)
               for w in capitalised)


def is_cjk_name(name: str) -> bool:
    """2-4 kanji or kana (a space between family and given name allowed), kanji first."""
    compact = re.sub(r"[\s\u3000・]", "", name)
    return (compact not in _CJK_NOT_NAMES
            and bool(re.fullmatch(r"[\u4e00-\u9fff々][\u4e00-\u9fff々\u3040-\u30ff]{1,3}", compact)))


def take_byline(blocks: list[Block]) -> tuple[tuple[str, str] | None, list[Block]]:
    """Read a byline from the line right after the title."""
    if blocks and blocks[0].kind in ("raw", "para"):
        byline = split_byline(blocks[0].text)
        if byline:
            return byline, blocks[1:]
    return None, blocks


_CLOSERS = tuple(".!?。！？:：;；,，、…\"”’'」』")
_SENTENCE_END = re.compile(r"[.!?。！？][\"”’'」』)）]*$")


def is_short_sentence(text: str) -> bool:
    """A whole sentence under 120 characters: the shape of a key point."""
    return len(text) < 120 and bool(_SENTENCE_END.search(text))


def take_key_points(blocks: list[Block]) -> tuple[tuple[str, ...], list[Block]]:
    """2-6 short sentences on consecutive lines right after the title, ending at a blank line."""
    run = 1 if blocks and blocks[0].kind == "raw" else 0
    while run < len(blocks) and blocks[run].kind == "raw" and not blocks[run].gap_before:
        run += 1
    ends_block = run == len(blocks) or blocks[run].gap_before
    if 2 <= run <= 6 and ends_block and all(is_short_sentence(b.text) for b in blocks[:run]):
        return tuple(b.text for b in blocks[:run]), blocks[run:]
    return (), blocks


_COMMENTS_MARKER = re.compile(r"""^(?:
    (?:one|no|\d+)\s+thoughts?\s+on\b.*
  | (?:one|no|\d+)\s+(?:responses?|replies|comments?)(?:\s+(?:on|to)\b.*)?
  | comments? | reader\s+comments | コメント(?:\s*[（(]?\d+件?[）)]?)?
)$""", re.IGNORECASE | re.VERBOSE)
_COMMENT_NUMBER = re.compile(r"^\d{1,3}[.)]\s+")


def is_comments_marker(text: str) -> bool:
    """'One thought on …', '3 Comments', 'コメント': where reader comments begin."""
    return bool(_COMMENTS_MARKER.match(text.strip()))


def split_comments(blocks: list[Block]) -> tuple[list[Block], str, tuple[tuple[str, ...], ...]]:
    """Cut the article from its reader comments: (article, intro line, comments)."""
    start = next((i for i, b in enumerate(blocks)
                  if is_comments_marker(b.text) or b.area == "comments"), len(blocks))
    if start == len(blocks):
        return blocks, "", ()
    marker = is_comments_marker(blocks[start].text)
    intro = blocks[start].text if marker else ""
    return blocks[:start], intro, group_comments(blocks[start + marker:])


def group_comments(blocks: list[Block]) -> tuple[tuple[str, ...], ...]:
    """One comment per line, or per '1.'-numbered item when the capture numbers them."""
    numbered = any(_COMMENT_NUMBER.match(b.text) for b in blocks)
    comments: list[list[str]] = []
    for block in blocks:
        starts = bool(_COMMENT_NUMBER.match(block.text))
        text = _COMMENT_NUMBER.sub("", block.text)
        if starts or not numbered or not comments:
            comments.append([text])
        else:
            comments[-1].append(text)
    return tuple(tuple(c) for c in comments)


_LEVEL_OPENERS = {"commentary", "analysis", "論評"}


def is_heading_candidate(text: str) -> bool:
    """Short (under 80 characters) and without closing punctuation."""
    return len(text) < 80 and not text.endswith(_CLOSERS) and any(c.isalnum() for c in text)


def classify_headings(blocks: list[Block]) -> tuple[list[Block], list[str]]:
    """Turn raw lines into headings or paragraphs; 'Commentary' pushes later headings down."""
    result: list[Block] = []
    notes: list[str] = []
    level = 2
    for index, block in enumerate(blocks):
        if block.kind != "raw":
            result.append(block)
            continue
        opener = block.text.strip().lower() in _LEVEL_OPENERS
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if opener or (is_heading_candidate(block.text) and _is_paragraph(following)):
            result.append(replace(block, kind="heading", level=2 if opener else level))
            notes.append(f"heading ({'#' * result[-1].level}, {_where(block)}): {block.text!r}")
            if opener:
                level = 3
                notes.append(f"{block.text!r} opens a level: the headings after it are ###")
        else:
            result.append(replace(block, kind="para"))
    return result, notes


def _is_paragraph(block: Block | None) -> bool:
    if block is None:
        return False
    return block.kind == "para" or (block.kind == "raw" and not is_heading_candidate(block.text))


def detect_lang(text: str) -> str:
    """'en' unless most letters are CJK: then 'ko' for Hangul, 'zh' for Han only, else 'ja'."""
    letters = [c for c in text if c.isalpha()]
    han = sum(1 for c in letters if "\u4e00" <= c <= "\u9fff" or c == "々")
    kana = sum(1 for c in letters if "\u3040" <= c <= "\u30ff")
    hangul = sum(1 for c in letters if "\uac00" <= c <= "\ud7af" or "\u1100" <= c <= "\u11ff")
    if not letters or 2 * (han + kana + hangul) <= len(letters):
        return "en"
    if hangul > han + kana:
        return "ko"
    return "ja" if kana or not han else "zh"


# --- rendering ---------------------------------------------------------------------------

_INLINE_SPECIAL = re.compile(r"[\\`*\[\]{}<~|]|(?<!\w)_|_(?!\w)|&(?=#?\w+;)")
_BLOCK_START = re.compile(r"^(?:[#>+-]|:(?=\s|$)|\d+(?=[.)](?:\s|$)))")


def escape_markdown(text: str) -> str:
    """Escape what Markdown would read as markup, so captured text stays plain text.

    Inline: backslashes, code and emphasis marks, brackets, braces (shortcodes, attribute
    lists), '<' (raw HTML, comments), '~' (fences, strike-through), '|' (tables), entities.
    At the start of a line: what opens a block that would change the lines after it, or
    this one: headings, quotes, list markers (``1.`` and ``1)``), rules (``-``), fences
    (``~~~``: '~' is escaped anywhere) and definitions (a ':' and a space, written as a
    character reference: Markdown has no escape for it). Every line is a block of its
    own, so a setext underline (``===``) has no line above it to turn into a heading.
    """
    text = _INLINE_SPECIAL.sub(
        lambda m: {"<": "&lt;", "&": "&amp;"}.get(m[0], "\\" + m[0]), text)
    start = _BLOCK_START.match(text)
    if not start:
        return text
    if start[0][0].isdigit():
        return f"{start[0]}\\{text[start.end():]}"
    if start[0] == ":":
        return "&#58;" + text[1:]
    return "\\" + text


def render_body(outline: Outline) -> str:
    """The Markdown body: key points, headings, paragraphs, lists, then reader comments."""
    parts: list[str] = []
    if outline.key_points:
        parts += [KEY_POINTS_LABEL, _bullets(outline.key_points)]
    parts += _render_blocks(outline.body)
    if outline.comment_intro or outline.comments:
        parts += _render_comments(outline.comment_intro, outline.comments)
    return "\n\n".join(parts) + "\n"


def _render_blocks(blocks: tuple[Block, ...]) -> list[str]:
    parts: list[str] = []
    items: list[str] = []
    for block in blocks:
        if block.kind == "item":
            items.append(block.text)
            continue
        if items:
            parts.append(_bullets(items))
            items = []
        if block.kind == "heading":
            text = re.sub(r"#+$", lambda m: "\\#" * len(m[0]), escape_markdown(block.text))
            parts.append(f"{'#' * block.level} {text}")
        else:
            parts.append(escape_markdown(block.text))
    if items:
        parts.append(_bullets(items))
    return parts


def _bullets(items: Iterable[str]) -> str:
    return "\n".join(f"- {escape_markdown(item)}" for item in items)


def _render_comments(intro: str, comments: tuple[tuple[str, ...], ...]) -> list[str]:
    parts = [COMMENTS_HEADING]
    if intro:
        parts.append(escape_markdown(intro))
    for number, comment in enumerate(comments):
        if number:
            parts.append(COMMENT_SEPARATOR)  # keeps two quotes from merging into one
        parts.append("\n>\n".join(f"> {escape_markdown(p)}" for p in comment))
    return parts


def _slug_once(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    kept = "".join(c if unicodedata.category(c)[0] in "LNM" else "-" for c in text)
    slug = re.sub(r"-{2,}", "-", kept).strip("-")
    if len(slug) > 80:  # file names have a byte limit; CJK letters take 3 bytes each
        cut = slug[:80]
        slug = (cut[:cut.rfind("-")] if "-" in cut else cut).strip("-")
    return slug


# --- HTML: the main text of a saved page -------------------------------------------------

_SKIP_TAGS = {"head", "nav", "footer", "aside", "script", "style", "form", "noscript",
              "template", "svg", "iframe", "button", "select", "textarea"}
# Page furniture named by its class or id: a "Cite this" block (this archive's own pages),
# share buttons, related links. Their text is neither the article nor a reader's comment.
_FURNITURE_CLASSES = {"cite", "citation", "citations", "share", "sharing", "social", "related",
                      "article-nav", "pagination"}
_VOID_TAGS = {"br", "img", "hr", "meta", "link", "input", "source", "wbr", "area", "base",
              "col", "embed", "param", "track"}
_BLOCK_KINDS = {"h1": ("title", 0), "h2": ("heading", 2), "h3": ("heading", 3),
                "h4": ("heading", 3), "h5": ("heading", 3), "h6": ("heading", 3),
                "p": ("para", 0), "li": ("item", 0)}
_BOUNDARY_TAGS = set(_BLOCK_KINDS) | {
    "html", "body", "div", "section", "article", "main", "header", "blockquote", "pre", "ul",
    "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "figure", "figcaption", "hr"}


@dataclass(frozen=True)
class _Open:
    """An element still open while parsing, with what it means for the text inside."""

    tag: str
    skip: bool
    comments: bool
    article: int  # number of the outermost <article> around it, 0 outside


@dataclass(frozen=True)
class _Placed:
    block: Block
    article: int
    in_main: bool


class _TextExtractor(HTMLParser):
    """Collect text blocks of a page, skipping chrome; html.parser decodes entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.placed: list[_Placed] = []
        self.buffer: list[str] = []
        self.skipped: dict[str, int] = {}
        self.page_title = ""
        self.articles = 0
        self.in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title":
            self.in_title = True
        if tag in _BOUNDARY_TAGS or tag == "hr":
            self._flush()
        if tag == "br":
            self.buffer.append(" ")
        if tag in _VOID_TAGS:
            return
        self.stack.append(self._open(tag, attrs))

    def _open(self, tag: str, attrs: list[tuple[str, str | None]]) -> _Open:
        outer = self.stack[-1] if self.stack else _Open("", False, False, 0)
        in_body = any(o.tag in ("article", "main") for o in self.stack)
        names = " ".join(value or "" for key, value in attrs if key in ("id", "class"))
        words = set(names.lower().split())
        skip = (outer.skip or tag in _SKIP_TAGS or (tag == "header" and not in_body)
                or bool(words & _FURNITURE_CLASSES))
        if skip and not outer.skip and tag != "head":
            self.skipped[tag] = self.skipped.get(tag, 0) + 1
        comments = outer.comments or any(
            w.startswith("comment") or w == "disqus_thread" for w in names.lower().split())
        article = outer.article
        if tag == "article" and not article and not comments:
            self.articles += 1
            article = self.articles
        return _Open(tag, skip, comments, article)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        if all(o.tag != tag for o in self.stack):
            return
        if tag in _BOUNDARY_TAGS:
            self._flush()
        while self.stack and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.page_title += data
        elif not (self.stack and self.stack[-1].skip):
            self.buffer.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self.buffer).split())
        self.buffer.clear()
        if not text or (self.stack and self.stack[-1].skip):
            return
        kind, level = next((_BLOCK_KINDS[o.tag] for o in reversed(self.stack)
                            if o.tag in _BLOCK_KINDS), ("raw", 0))
        here = self.stack[-1] if self.stack else _Open("", False, False, 0)
        block = Block(kind, text, level=level, area="comments" if here.comments else "")
        in_main = any(o.tag == "main" for o in self.stack)
        self.placed.append(_Placed(block, here.article, in_main))

    def finish(self) -> list[_Placed]:
        """Flush the last text and tidy the page title ('Title | Site' -> 'Title')."""
        self._flush()
        self.page_title = " ".join(self.page_title.split()).split(" | ")[0]
        return self.placed


def select_main(placed: list[_Placed]) -> list[Block]:
    """The longest <article>, else <main>, else everything; comment sections are kept."""
    sizes: dict[int, int] = {}
    for item in placed:
        if item.article:
            sizes[item.article] = sizes.get(item.article, 0) + len(item.block.text)
    if sizes:
        best = max(sizes, key=lambda number: sizes[number])
        chosen = [p for p in placed if p.article == best or p.block.area == "comments"]
    elif any(p.in_main for p in placed):
        chosen = [p for p in placed if p.in_main or p.block.area == "comments"]
    else:
        chosen = placed
    blocks = [p.block for p in chosen]
    titles = [p.block for p in placed if p.block.kind == "title"]
    if titles and not any(b.kind == "title" for b in blocks):
        blocks.insert(0, titles[0])
    return blocks
