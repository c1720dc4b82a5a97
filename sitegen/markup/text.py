"""Plain-text measures of rendered HTML: words, CJK detection, summaries, slugs.

Word counts follow Hugo: whitespace-separated words, except that with
hasCJKLanguage a word containing Chinese, Japanese or Korean characters counts one
per character, since those scripts do not separate words with spaces.
"""

from __future__ import annotations

import html
import re
import unicodedata
from bisect import bisect_left

_CJK_CLASS = (
    "\u1100-\u11ff\u3041-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f"
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"
)
CJK_RE = re.compile(f"[{_CJK_CLASS}]")
_TAG_RE = re.compile(r"<[^>]*>")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？])[\"'”’」』)]*(?:\s+|(?<=[。！？]))")


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


_KANA_RE = re.compile("[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_LATIN_RUN_RE = re.compile("[A-Za-z\u00c0-\u024f]+")  # runs: counted by length, fewer matches


def dominant_cjk_lang(text: str, han_lang: str = "ja") -> str:
    """"ja", "ko" or `han_lang` when CJK characters outnumber Latin letters, else ""."""
    cjk = len(CJK_RE.findall(text))
    if not cjk or cjk <= sum(map(len, _LATIN_RUN_RE.findall(text))):
        return ""
    if _KANA_RE.search(text):
        return "ja"
    if _HANGUL_RE.search(text):
        return "ko"
    return han_lang


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment: tags removed, entities decoded, spaces kept.

    Always a plain str: given Markup without tags or entities, html.unescape would hand
    the Markup back, and splitting Markup makes a Markup of every word.
    """
    fragment = str(fragment)
    return html.unescape(_drop_tags(fragment, " ")) if "<" in fragment else html.unescape(fragment)


def _drop_tags(fragment: str, replacement: str) -> str:
    """`fragment` with every ``<...>`` replaced.

    Nothing after the last '>' can be a tag; leaving it out of the search keeps a text of
    many unclosed '<' linear (each would otherwise be a search to the end).
    """
    last = fragment.rfind(">")
    if last < 0:
        return fragment
    return _TAG_RE.sub(replacement, fragment[:last + 1]) + fragment[last + 1:]


def count_words(text: str, cjk: bool) -> int:
    """Words as Hugo counts them (see the module docstring)."""
    words = text.split()
    if not cjk:
        return len(words)
    search = CJK_RE.search  # only words with a non-ASCII character can hold CJK (isascii is O(1))
    return len(words) + sum([len(word) - 1 for word in words if not word.isascii() and search(word)])


_LINE_BREAK_RE = re.compile(r"</p>|</pre>|<br\s*/?>", re.IGNORECASE)


def strip_tags(fragment: str) -> str:
    """Text of HTML as Hugo measures it: tags and comments removed, entities left as written.

    Adjacent elements join (``<td>a</td><td>b</td>`` is one word, as in Hugo); the ends
    of paragraphs and preformatted blocks, and line breaks, separate words (the
    ``</pre>`` rule keeps a line-number column apart from the code beside it, which
    Hugo's markup does with a newline).
    """
    if "<" not in fragment:
        return fragment
    text = _LINE_BREAK_RE.sub("\n", _drop_comments(fragment))
    return _drop_tags(text, "")


def _drop_comments(fragment: str) -> str:
    """`fragment` without its ``<!-- -->`` comments; an unclosed one is left as it is."""
    if "<!--" not in fragment:
        return fragment
    pieces: list[str] = []
    pos = 0
    while (start := fragment.find("<!--", pos)) >= 0:
        end = fragment.find("-->", start + 4)
        if end < 0:  # no comment closes after this one, so none after it either
            break
        pieces.append(fragment[pos:start])
        pos = end + 3
    pieces.append(fragment[pos:])
    return "".join(pieces)


def count_html_words(fragment: str, cjk: bool) -> int:
    """Words of an HTML fragment, counted as Hugo's WordCount counts them."""
    return count_words(strip_tags(fragment), cjk)


_PARAGRAPH_END_RE = re.compile(r"</p>", re.IGNORECASE)
_CONTAINER_RE = re.compile(
    r"<(/?)(blockquote|ul|ol|li|dl|div|details|table|figure|section|aside|pre)\b[^<>]*>",
    re.IGNORECASE)


def summary_cut(html_text: str, limit: int, cjk: bool) -> tuple[str, bool]:
    """Hugo's automatic summary: whole paragraphs until `limit` words are reached.

    The words of everything before a paragraph's end (headings and lists included) are
    counted; the summary ends with the first top-level paragraph at which they reach
    `limit`, or is the whole text. Unlike Hugo, a paragraph that alone is longer than
    twice the limit is cut at the first sentence end that reaches the limit, so one very
    long paragraph does not become a summary as long as the article.
    Returns (summary HTML, whether anything was left out).

    Words are counted paragraph by paragraph and added up (a paragraph end separates
    words), so a text of many paragraphs without words costs no recount of all before.
    """
    words = 0
    previous = 0
    for end in _top_level_paragraph_ends(html_text):
        words += count_html_words(html_text[previous:end], cjk)
        previous = end
        if words < limit:
            continue
        summary = html_text[:end]
        truncated = bool(html_text[end:].strip())
        opening = _last_paragraph_start(summary)
        if opening >= 0 and count_html_words(summary[opening:], cjk) > 2 * limit:
            cut = _cut_paragraph(summary, opening, limit, cjk)
            truncated = truncated or cut != summary
            summary = cut
        return summary.strip(), truncated
    return html_text.strip(), False


_PARAGRAPH_START_RE = re.compile(r"<p[\s>]", re.IGNORECASE)


def _last_paragraph_start(summary: str) -> int:
    starts = [m.start() for m in _PARAGRAPH_START_RE.finditer(summary)]
    return starts[-1] if starts else -1


def _top_level_paragraph_ends(html_text: str) -> list[int]:
    """Offsets just after each </p> that is not inside a list, quote, table or other block."""
    ends: list[int] = []
    depth = 0
    pos = 0
    for match in _PARAGRAPH_END_RE.finditer(html_text):
        for tag in _CONTAINER_RE.finditer(html_text, pos, match.start()):
            depth = max(0, depth + (-1 if tag.group(1) else 1))
        pos = match.end()
        if depth == 0:
            ends.append(match.end())
    return ends


def _cut_paragraph(summary: str, opening: int, limit: int, cjk: bool) -> str:
    """Replace the last paragraph of `summary` with its first sentences reaching `limit`."""
    budget = limit - count_html_words(summary[:opening], cjk)
    text = " ".join(plain_text(summary[opening:]).split())
    cut = _cut_at_sentence(text, max(1, budget), cjk)
    if cut == text:
        return summary
    return summary[:opening] + "<p>" + html.escape(cut, quote=False) + "</p>"


def summarize_text(paragraphs: list[str], limit: int, cjk: bool) -> tuple[str, bool]:
    """Plain-text form of `summary_cut`: whole paragraphs until `limit` words are reached.

    Returns the summary and whether anything was left out.
    """
    taken: list[str] = []
    words = 0
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    for index, paragraph in enumerate(paragraphs):
        size = count_words(paragraph, cjk)
        words += size
        if words < limit:
            taken.append(paragraph)
            continue
        if size > 2 * limit:
            cut = _cut_at_sentence(paragraph, limit - (words - size), cjk)
            taken.append(cut)
            return " ".join(taken), cut != paragraph or index + 1 < len(paragraphs)
        taken.append(paragraph)
        return " ".join(taken), index + 1 < len(paragraphs)
    return " ".join(taken), False


def _cut_at_sentence(paragraph: str, budget: int, cjk: bool) -> str:
    """The shortest run of whole sentences reaching `budget` words, else the paragraph."""
    words_before = _PrefixWords(paragraph, cjk)
    for match in _SENTENCE_END_RE.finditer(paragraph):
        if words_before(match.start()) >= budget:
            return paragraph[: match.start()].rstrip()
    return paragraph


_WORD_RE = re.compile(r"\S+")


class _PrefixWords:
    """`count_words(text[:end], cjk)` for any `end`, without rereading the text each time.

    A paragraph of thousands of sentence ends (``。`` after ``。``) asked for the words
    before each one, each time from the start.
    """

    def __init__(self, text: str, cjk: bool) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.first_cjk: list[int] = []  # offset in the word of its first CJK character, or -1
        self.before: list[int] = [0]  # words counted before each word
        for match in _WORD_RE.finditer(text):
            word = match.group(0)
            found = CJK_RE.search(word) if cjk and not word.isascii() else None
            self.starts.append(match.start())
            self.ends.append(match.end())
            self.first_cjk.append(found.start() if found else -1)
            self.before.append(self.before[-1] + (len(word) if found else 1))

    def __call__(self, end: int) -> int:
        index = bisect_left(self.starts, end)  # words starting before `end`
        if index == 0:
            return 0
        last = index - 1
        if self.ends[last] <= end:
            return self.before[index]
        taken = end - self.starts[last]  # the part of the last word before `end`
        first = self.first_cjk[last]
        return self.before[last] + (taken if 0 <= first < taken else 1)


_SLUG_DROP_RE = re.compile(r"[^\w\s./-]", re.UNICODE)
_SLUG_SPACE_RE = re.compile(r"[\s_]+", re.UNICODE)
_SLUG_DASHES_RE = re.compile(r"-{2,}")


def slugify(text: str) -> str:
    """A URL segment from a title or term, keeping Unicode letters (like Hugo's urlize).

    Lower-cased, punctuation dropped, spaces to hyphens; idempotent.
    """
    text = unicodedata.normalize("NFC", text).lower().replace("/", " ").replace(".", " ")
    text = _SLUG_DROP_RE.sub("", text)
    text = _SLUG_SPACE_RE.sub("-", text.strip())
    # Normalise again: dropping punctuation can join characters that compose (idempotence).
    return unicodedata.normalize("NFC", _SLUG_DASHES_RE.sub("-", text).strip("-"))


_URLIZE_KEEP = frozenset("._~+@-")


def urlize(text: str) -> str:
    """A taxonomy term as a URL segment, as Hugo's urlize makes it.

    Lower-cased; letters, digits, marks and ``. _ ~ + @ -`` are kept; a run of spaces
    becomes one hyphen; everything else is dropped: ``U.S. Forces`` gives
    ``u.s.-forces``, ``Two-plus-Two (2+2)`` gives ``two-plus-two-2+2``. Unlike Hugo,
    ``/``, ``\\``, ``#`` and ``%`` are dropped too (Hugo keeps them, making nested or
    broken term URLs), and a term of nothing but dots becomes its code points.
    """
    out: list[str] = []
    pending_hyphen = False
    for char in unicodedata.normalize("NFC", text).lower():
        if char.isalnum() or char in _URLIZE_KEEP or unicodedata.category(char).startswith("M"):
            if pending_hyphen and char != "-" and out[-1] != "-":
                out.append("-")
            pending_hyphen = False
            out.append(char)
        elif char.isspace() and out:
            pending_hyphen = True
    slug = "".join(out)
    if slug.strip(".") == "":
        return "-".join(f"{ord(c):x}" for c in text.strip()) if text.strip() else ""
    return slug
