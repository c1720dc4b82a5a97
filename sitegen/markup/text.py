"""Plain-text measures of rendered HTML: words, CJK detection, summaries, slugs.

Word counts follow Hugo: whitespace-separated words, except that with
hasCJKLanguage a word containing any non-ASCII character counts one per character,
since Chinese, Japanese and Korean do not separate words with spaces.
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
# A tag as a browser (and Hugo's plain text) reads one: "<" then a letter, "/", "!" or "?"; any other
# "<" is text ("a <| b" in a diagram, "x < y" in raw HTML).
_TAG_RE = re.compile(r"<[A-Za-z/!?][^>]*>")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?。！？])[\"'”’」』)]*(?:\s+|(?<=[。！？]))")


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


_KANA_RE = re.compile("[\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]")
_HANGUL_RE = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_LATIN_RUN_RE = re.compile("[A-Za-z\u00c0-\u024f]+")  # runs: counted by length, fewer matches


def han_lang_of(document_text: str, default: str) -> str:
    """The language of a document's blocks written only in Han characters: Japanese when
    the document writes kana anywhere (a Japanese article's ``筆者：山田太郎`` line), else
    `default` (the site's setting: Japanese, or Chinese on a Chinese site)."""
    return "ja" if _KANA_RE.search(document_text) else default


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
    """Text of an HTML fragment: tags (and scripts and styles) removed, entities decoded,
    spaces kept.

    Always a plain str: given Markup without tags or entities, html.unescape would hand
    the Markup back, and splitting Markup makes a Markup of every word.
    """
    fragment = str(fragment)
    if "<" not in fragment:
        return html.unescape(fragment)
    return html.unescape(_drop_tags(_drop_code_elements(fragment), " "))


def _drop_tags(fragment: str, replacement: str) -> str:
    """`fragment` with every ``<...>`` replaced.

    Nothing after the last '>' can be a tag; leaving it out of the search keeps a text of
    many unclosed '<' linear (each would otherwise be a search to the end).
    """
    last = fragment.rfind(">")
    if last < 0:
        return fragment
    return _TAG_RE.sub(replacement, fragment[:last + 1]) + fragment[last + 1:]


_CODE_OPEN_RE = re.compile(r"<(script|style)\b[^<>]*>", re.IGNORECASE)


def _drop_code_elements(fragment: str) -> str:
    """Without <script> and <style> elements: their text is code, not words (as Hugo).

    One pass: each element's end is looked for once, from its start, and an element that
    never ends stops the search (no end can follow), so many unclosed tags stay linear.
    """
    if "<s" not in fragment and "<S" not in fragment:
        return fragment
    lowered = fragment.lower()
    pieces: list[str] = []
    pos = 0
    while (opening := _CODE_OPEN_RE.search(fragment, pos)) is not None:
        closing = lowered.find(f"</{opening.group(1).lower()}", opening.end())
        end = lowered.find(">", closing) if closing >= 0 else -1
        if end < 0:
            break
        pieces.append(fragment[pos:opening.start()])
        pos = end + 1
    pieces.append(fragment[pos:])
    return "".join(pieces)


def count_words(text: str, cjk: bool) -> int:
    """Words as Hugo counts them: with `cjk`, a word holding any non-ASCII character counts
    one per character (``HTML、CSS`` is 8, and so is ``résumés``), as Hugo's WordCount."""
    words = text.split()
    if not cjk:
        return len(words)
    return len(words) + sum([len(word) - 1 for word in words if not word.isascii()])


# What Hugo's plain text turns into a line break: exactly these spellings (``<br/>`` and
# ``<BR>`` join the words around them there, and so does ``</pre>``), and the end of our
# line-number column, which Chroma's markup ends with a newline.
_LINE_BREAK_RE = re.compile(r"</p>|<br>|<br />|</pre>(?=</div></td>)")


def strip_tags(fragment: str) -> str:
    """Text of HTML as Hugo measures it: tags, comments, scripts and styles removed, entities
    left as written.

    Adjacent elements join (``<td>a</td><td>b</td>`` is one word, as in Hugo, and so do
    ``<pre>x</pre><p>y</p>`` in raw HTML, or a render hook's block written without a
    newline after it); the ends of paragraphs and line breaks separate words, and so does
    the end of a line-number column (``_LINE_BREAK_RE``).
    """
    if "<" not in fragment:
        return fragment
    text = _LINE_BREAK_RE.sub("\n", _drop_comments(_drop_code_elements(fragment)))
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


_NAMED_ENTITY_RE = re.compile(r"&([A-Za-z][A-Za-z0-9]{1,31});")
# Named entities Goldmark writes itself (escapes, and its typographer's quotes and dashes);
# any other in the text came from the source, and Goldmark wrote its character instead.
_GOLDMARK_WRITES = frozenset({"amp", "lt", "gt", "quot", "ldquo", "rdquo", "lsquo", "rsquo",
                              "hellip", "ndash", "mdash", "laquo", "raquo"})


def _goldmark_entity(match: re.Match[str]) -> str:
    """A source's named entity as Goldmark writes it: the character (``&nbsp;`` is a space
    to Hugo's word count, ``&copy;`` one character)."""
    if match.group(1) in _GOLDMARK_WRITES:
        return match.group(0)
    return html.unescape(match.group(0))


def count_html_words(fragment: str, cjk: bool) -> int:
    """Words of an HTML fragment, counted as Hugo's WordCount counts them.

    With `cjk`, characters count, so a quotation mark counts as Hugo writes it: in text and
    code spans as Goldmark's ``&quot;``, and in highlighted code as Chroma's ``&#34;``
    (whether Pygments wrote ``"`` or ``&quot;``: its releases differ)."""
    if cjk and ('"' in fragment or "&quot;" in fragment):
        fragment = _chroma_quotes(fragment)
    text = strip_tags(fragment)
    if "&" in text:
        text = _NAMED_ENTITY_RE.sub(_goldmark_entity, text)
    if cjk and '"' in text:
        text = text.replace('"', "&quot;")
    return count_words(text, cjk)


_HIGHLIGHT_OPEN_RE = re.compile(r'<div class="[^"<>]*\bcodehilite\b[^"<>]*">')


def _chroma_quotes(fragment: str) -> str:
    """`fragment` with each quotation mark inside highlighted code written ``&#34;``.

    One pass, as `_drop_code_elements`: a block whose ``</pre>`` never comes ends the search.
    """
    pieces: list[str] = []
    pos = 0
    while (opening := _HIGHLIGHT_OPEN_RE.search(fragment, pos)) is not None:
        end = fragment.find("</pre>", opening.end())
        if end < 0:
            break
        code = fragment[opening.start():end]
        pieces += [fragment[pos:opening.start()], code.replace("&quot;", "&#34;").replace('"', "&#34;")]
        pos = end
    pieces.append(fragment[pos:])
    return "".join(pieces)


def summary_cut(html_text: str, limit: int, cjk: bool) -> tuple[str, bool]:
    """Hugo's automatic summary: the HTML up to the first ``</p>`` by which `limit` words
    have been counted, or the whole text.

    Words are counted as Hugo counts them here (`_summary_words`): in the HTML itself, from
    one ``</p>`` to the next, leaving out what looks like a tag or an attribute. Unlike
    Hugo, a paragraph that alone is longer than twice the limit is cut at the first
    sentence end that reaches the limit, so one very long paragraph does not become a
    summary as long as the article. Returns (summary HTML, whether anything was left out).
    """
    count, start = 0, 0
    while True:
        close = html_text.find("</p>", start)
        if close < 0:
            return html_text.strip(), False
        count = _summary_words(html_text[start:close], count, limit, cjk)
        if count >= limit:
            break
        start = close + 3  # Hugo's: the next run starts at the ">" of this "</p>"
    summary = _close_open_containers(html_text[:close + 4])
    truncated = bool(html_text[close + 4:].strip())
    opening = _last_paragraph_start(summary)
    if opening >= 0 and count_html_words(summary[opening:], cjk) > 2 * limit:
        cut = _cut_paragraph(summary, opening, limit, cjk)
        truncated = truncated or cut != summary
        summary = cut
    return summary.strip(), truncated


_CONTAINER_TAG_RE = re.compile(r"<(/?)(blockquote|ul|ol|li|dl|dd|div|details|table|tbody|tr|td|th|figure|"
                               r"section|aside)\b[^>]*>", re.IGNORECASE)


def _close_open_containers(summary: str) -> str:
    """Close the blocks a summary ending inside them left open (Hugo's ends at the first
    </p> that reaches the length, inside a quote or list too), so a listing stays whole."""
    open_tags: list[str] = []
    for match in _CONTAINER_TAG_RE.finditer(summary):
        name = match.group(2).lower()
        if not match.group(1):
            open_tags.append(name)
        elif name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name):]
    return summary + "".join(f"</{name}>" for name in reversed(open_tags))


_HTML_TAG_TOKEN_RE = re.compile(r"^</?[A-Za-z]+>?$")
_HTML_ATTRIBUTE_TOKEN_RE = re.compile(r"^[A-Za-z]+=[\"']")


def _summary_words(run: str, count: int, limit: int, cjk: bool) -> int:
    """`count` plus the words of one run of HTML, as Hugo's ExtractSummaryFromHTML counts
    them (its quirks too: a word runs from one space to the next, and the run's last
    character is left out); stops counting at `limit`."""
    start = 0
    last = len(run) - 1
    for index, char in enumerate(run):
        if char.isspace() or index == last:
            count += _summary_word(run[start:index].strip(), cjk)
            start = index
            if count >= limit:
                break
    return count


def _summary_word(word: str, cjk: bool) -> int:
    if word.startswith(('lang="', 'tabindex="')) and ">" in word:
        word = word.split(">", 1)[1]  # attributes of ours that Goldmark's HTML does not have
    if not word or word == ">" or _HTML_TAG_TOKEN_RE.match(word) or _HTML_ATTRIBUTE_TOKEN_RE.match(word):
        return 0
    if cjk:
        word = _TAG_RE.sub("", word)
        return 1 if word.isascii() else len(word)
    return 1


_PARAGRAPH_START_RE = re.compile(r"<p[\s>]", re.IGNORECASE)


def _last_paragraph_start(summary: str) -> int:
    starts = [m.start() for m in _PARAGRAPH_START_RE.finditer(summary)]
    return starts[-1] if starts else -1


def _cut_paragraph(summary: str, opening: int, limit: int, cjk: bool) -> str:
    """Replace the last paragraph of `summary` with its first sentences reaching `limit`."""
    budget = limit - count_html_words(summary[:opening], cjk)
    # Inline elements join their neighbours ("资料（链接，", not "资料（ 链接 ，"), as in Hugo.
    text = " ".join(html.unescape(strip_tags(summary[opening:])).split())
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
