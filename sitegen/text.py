"""Plain-text measures of rendered HTML: words, CJK detection, summaries, slugs.

Word counts follow Hugo: whitespace-separated words, except that with
hasCJKLanguage a word containing Chinese, Japanese or Korean characters counts one
per character, since those scripts do not separate words with spaces.
"""

from __future__ import annotations

import html
import re
import unicodedata

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
_LATIN_RE = re.compile("[A-Za-z\u00c0-\u024f]")


def dominant_cjk_lang(text: str, han_lang: str = "ja") -> str:
    """"ja", "ko" or `han_lang` when CJK characters outnumber Latin letters, else ""."""
    cjk = len(CJK_RE.findall(text))
    if not cjk or cjk <= len(_LATIN_RE.findall(text)):
        return ""
    if _KANA_RE.search(text):
        return "ja"
    if _HANGUL_RE.search(text):
        return "ko"
    return han_lang


def plain_text(fragment: str) -> str:
    """Text of an HTML fragment: tags removed, entities decoded, spaces kept."""
    return html.unescape(_TAG_RE.sub(" ", fragment)) if "<" in fragment else html.unescape(fragment)


def count_words(text: str, cjk: bool) -> int:
    """Words as Hugo counts them (see the module docstring)."""
    if not cjk:
        return len(text.split())
    return sum(len(word) if CJK_RE.search(word) else 1 for word in text.split())


def summarize_text(paragraphs: list[str], limit: int, cjk: bool) -> tuple[str, bool]:
    """Whole paragraphs until `limit` words are reached, cut at a sentence end.

    Returns the summary and whether anything was left out.
    """
    taken: list[str] = []
    words = 0
    paragraphs = [" ".join(p.split()) for p in paragraphs]
    paragraphs = [p for p in paragraphs if p]
    for index, paragraph in enumerate(paragraphs):
        size = count_words(paragraph, cjk)
        if words + size <= limit:
            taken.append(paragraph)
            words += size
            if words == limit:
                return " ".join(taken), index + 1 < len(paragraphs)
            continue
        taken.append(_cut_at_sentence(paragraph, limit - words, cjk))
        return " ".join(taken), True
    return " ".join(taken), False


def _cut_at_sentence(paragraph: str, budget: int, cjk: bool) -> str:
    """The shortest run of whole sentences reaching `budget` words, else the paragraph."""
    words = 0
    for match in _SENTENCE_END_RE.finditer(paragraph):
        words = count_words(paragraph[: match.start()], cjk)
        if words >= budget:
            return paragraph[: match.start()].rstrip()
    return paragraph


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
    return _SLUG_DASHES_RE.sub("-", text).strip("-")
