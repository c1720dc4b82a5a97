"""Converted sources as plain data: the bytes the build cache stores, which can never run code.

The cache may be restored from a CI cache that a fork can write, so nothing read from it
is trusted: it holds msgpack (lists, maps, strings, numbers and a few tagged values for
dates and tuples), never pickles. Every cached type is turned into plain data here, field
by field, and back with each field's type checked; an entry that does not decode to
exactly the shape written is refused (`Refused`) and the source is converted again.
`COVERED` names the fields of each dataclass this module carries, so a test fails when a
field is added to one of them and not here. Bodies (HTML and table of contents) are stored
apart, by the cache itself (cache.py).

Front matter `params` are whatever YAML or TOML gave: they travel as msgpack with
extension types for what msgpack lacks (dates, times, tuples, sets, integers beyond 64
bits). Markup is never an extension type: only the fields known to hold HTML become
Markup again, so no cache entry can turn a param into unescaped HTML.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timezone
from typing import Any

import msgpack
from markupsafe import Markup

from sitegen.content.frontmatter import Document, FrontMatter, Provenance
from sitegen.content.sources import Source
from sitegen.errors import Diagnostic
from sitegen.markup.markdown import RenderedBody
from sitegen.render.bodies import ConvertedBody
from sitegen.render.file_reads import READ_KIND
from sitegen.site.model import Heading

# The first item of every entry; bump it when the shape of an entry changes
# (2: RenderedBody.notes; 3: ConvertedBody.refs; 4: ConvertedBody.glossary; 5: headings,
# links and ids stored with the body, cache.BODY_FORMAT 3).
FORMAT = 5

_DATETIME, _DATE, _TIME, _TUPLE, _SET, _FROZENSET, _BIGINT = range(1, 8)


class Refused(ValueError):
    """Bytes that are not an entry this engine wrote: the entry is discarded."""


class Unencodable(TypeError):
    """A value this codec does not carry: the result is used, but not cached."""


def encode_result(document: Document | None, converted: ConvertedBody | None,
                  diagnostics: tuple[Diagnostic, ...]) -> bytes:
    """One source's parse and conversion (without its body), as bytes; raises Unencodable."""
    plain = [FORMAT, _document(document) if document is not None else None,
             _converted(converted) if converted is not None else None,
             [_diagnostic(d) for d in diagnostics]]
    return _pack(plain)


def decode_result(data: bytes, source: Source) -> tuple[Document | None, ConvertedBody | None,
                                                        tuple[Diagnostic, ...]]:
    """What `encode_result` was given, for this source (the one its key was made from).

    Raises Refused for anything else: bytes that are not msgpack, another format, a field
    of the wrong type, or a document made from another file."""
    try:
        version, document, converted, diagnostics = _unpack(data)
        if version != FORMAT:
            raise Refused(f"cache format {version!r}")
        return (_document_from(document, source) if document is not None else None,
                _converted_from(converted) if converted is not None else None,
                tuple(_diagnostic_from(d) for d in _list(diagnostics)))
    except Refused:
        raise
    except Exception as exc:  # noqa: BLE001 - any failure to decode untrusted bytes is a refusal
        raise Refused(f"{type(exc).__name__}: {exc}") from None


# --- the cached dataclasses, field by field ------------------------------------------------

COVERED: dict[type, tuple[str, ...]] = {
    Document: ("source", "meta", "body_start", "body_line", "has_front_matter"),
    FrontMatter: ("title", "date", "lastmod", "publish_date", "expiry_date", "slug", "url", "taxonomies",
                  "keywords", "authors", "draft", "summary", "description", "aliases", "weight", "lang",
                  "has_cjk_language", "is_cjk_language", "date_inferred", "provenance", "params"),
    Provenance: ("source_name", "source_url", "original_title", "original_language", "original_date",
                 "translator", "original_author"),
    ConvertedBody: ("body", "summary_html", "shortcodes", "refs", "glossary"),
    RenderedBody: ("html", "summary_html", "summary_text", "truncated", "toc_html", "headings",
                   "word_count", "reading_time", "is_cjk", "lang_hint", "links", "ids", "has_more", "notes"),
    Diagnostic: ("path", "line", "col", "severity", "message", "hint"),
}


def _document(doc: Document) -> list[Any]:
    # The source itself is not stored: the cache key is made from its path and digest, and
    # the entry is given back to the source found on disk (see decode_result).
    return [doc.source.path, doc.source.digest, _front_matter(doc.meta), doc.body_start, doc.body_line,
            doc.has_front_matter]


def _document_from(plain: Any, source: Source) -> Document:
    path, digest, meta, body_start, body_line, has_front_matter = _list(plain)
    if path != source.path or digest != source.digest:
        raise Refused(f"entry of {path!r}, not of {source.path!r}")
    return Document(source, _front_matter_from(meta), _int(body_start), _int(body_line),
                    _bool(has_front_matter))


def _front_matter(meta: FrontMatter) -> list[Any]:
    return [meta.title, meta.date, meta.lastmod, meta.publish_date, meta.expiry_date, meta.slug,
            meta.url, {name: list(terms) for name, terms in meta.taxonomies.items()},
            list(meta.keywords), list(meta.authors), meta.draft, meta.summary, meta.description,
            list(meta.aliases), meta.weight, meta.lang, meta.has_cjk_language, meta.is_cjk_language,
            meta.date_inferred, _provenance(meta.provenance), meta.params]


def _front_matter_from(plain: Any) -> FrontMatter:
    (title, date_, lastmod, publish_date, expiry_date, slug, url, taxonomies, keywords, authors, draft,
     summary, description, aliases, weight, lang, has_cjk, is_cjk, date_inferred, provenance,
     params) = _list(plain)
    return FrontMatter(
        title=_str(title), date=_moment(date_), lastmod=_moment(lastmod),
        publish_date=_moment(publish_date), expiry_date=_moment(expiry_date), slug=_str(slug),
        url=_str(url), taxonomies={_str(name): _strs(terms) for name, terms in _dict(taxonomies).items()},
        keywords=_strs(keywords), authors=_strs(authors), draft=_bool(draft),
        summary=None if summary is None else _str(summary), description=_str(description),
        aliases=_strs(aliases), weight=_int(weight), lang=_str(lang),
        has_cjk_language=_maybe_bool(has_cjk), is_cjk_language=_maybe_bool(is_cjk),
        date_inferred=_str(date_inferred), provenance=_provenance_from(provenance),
        params=_params_from(params))


def _provenance(p: Provenance) -> list[Any]:
    return [p.source_name, p.source_url, p.original_title, p.original_language, p.original_date,
            p.translator, list(p.original_author)]


def _provenance_from(plain: Any) -> Provenance:
    name, url, title, language, original_date, translator, original_author = _list(plain)
    return Provenance(_str(name), _str(url), _str(title), _str(language), _moment(original_date),
                      _str(translator), _strs(original_author))


def _params_from(plain: Any) -> dict[str, Any]:
    """Any YAML or TOML values (the extension types made them whole again), under text keys."""
    params = _dict(plain)
    for key in params:
        _str(key)
    return params


def _converted(c: ConvertedBody) -> list[Any]:
    # The body's summary is nearly always the page's: stored once, shared again on the way back.
    own = None if c.body.summary_html == c.summary_html else str(c.body.summary_html)
    return [_rendered(c.body, own), str(c.summary_html), list(c.shortcodes), [list(ref) for ref in c.refs],
            list(c.glossary)]


def _converted_from(plain: Any) -> ConvertedBody:
    body, summary_html, shortcodes, refs, glossary = _list(plain)
    summary = Markup(_str(summary_html))
    return ConvertedBody(_rendered_from(body, summary), summary, _strs(shortcodes), tuple(map(_ref, _list(refs))),
                         _strs(glossary))


def _ref(plain: Any) -> tuple[str, str, str]:
    kind, target, url = _strs(plain)
    if kind not in ("A", "R", READ_KIND):  # READ_KIND: a file read by a shortcode, with its digest
        raise Refused(f"ref kind {kind!r}")
    return kind, target, url


def _rendered(b: RenderedBody, own_summary: str | None) -> list[Any]:
    return [b.html, own_summary, b.summary_text, b.truncated, b.toc_html,
            [list(h) for h in b.headings], b.word_count, b.reading_time, b.is_cjk, b.lang_hint,
            list(b.links), list(b.ids), b.has_more, list(b.notes)]


def _rendered_from(plain: Any, page_summary: Markup) -> RenderedBody:
    (html, summary_html, summary_text, truncated, toc_html, headings, word_count, reading_time, is_cjk,
     lang_hint, links, ids, has_more, notes) = _list(plain)
    return RenderedBody(
        html=_str(html), summary_html=page_summary if summary_html is None else Markup(_str(summary_html)),
        summary_text=_str(summary_text), truncated=_bool(truncated), toc_html=_str(toc_html),
        headings=_headings(headings), word_count=_int(word_count),
        reading_time=_int(reading_time), is_cjk=_bool(is_cjk), lang_hint=_str(lang_hint),
        links=_strs(links), ids=_strs(ids), has_more=_bool(has_more), notes=_strs(notes))


def _headings(plain: Any) -> tuple[Heading, ...]:
    """As the site's `Heading`s (a converted body's, before `split_body` moves them to its stored body)."""
    rows = _list(plain)  # an article has dozens: checked in one pass
    if not all(type(h) is list and len(h) == 3 and type(h[0]) is int and type(h[1]) is str
               and type(h[2]) is str for h in rows):
        raise Refused("expected headings as (level, id, text)")
    return tuple(map(Heading._make, rows))


def _diagnostic(d: Diagnostic) -> list[Any]:
    return [d.path, d.line, d.col, d.severity, d.message, d.hint]


def _diagnostic_from(plain: Any) -> Diagnostic:
    path, line, col, severity, message, hint = _list(plain)
    if severity not in ("error", "warning"):
        raise Refused(f"severity {severity!r}")
    return Diagnostic(_str(path), _int(line), _int(col), severity, _str(message), _str(hint))


# --- checks of decoded values -----------------------------------------------------------------

def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise Refused(f"expected a list, got {type(value).__name__}")
    return value


def _dict(value: Any) -> dict[Any, Any]:
    if type(value) is not dict:
        raise Refused(f"expected a map, got {type(value).__name__}")
    return value


def _str(value: Any) -> str:
    if type(value) is not str:
        raise Refused(f"expected text, got {type(value).__name__}")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    try:
        "".join(_list(value))  # in C: TypeError for any item but text (msgpack makes no subclasses)
    except TypeError:
        raise Refused("expected a list of texts") from None
    return tuple(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise Refused(f"expected a whole number, got {type(value).__name__}")
    return value


def _bool(value: Any) -> bool:
    if type(value) is not bool:
        raise Refused(f"expected true or false, got {type(value).__name__}")
    return value


def _maybe_bool(value: Any) -> bool | None:
    return None if value is None else _bool(value)


def _moment(value: Any) -> datetime | None:
    if value is not None and type(value) is not datetime:
        raise Refused(f"expected a date and time, got {type(value).__name__}")
    return value


# --- msgpack, with extension types for what it lacks ---------------------------------------

def _pack(plain: Any) -> bytes:
    try:
        return msgpack.packb(plain, default=_to_extension, use_bin_type=True, strict_types=True)
    except (TypeError, ValueError, OverflowError) as exc:
        raise Unencodable(str(exc)) from None


def _unpack(data: bytes) -> Any:
    if type(data) is not bytes:
        raise Refused(f"expected bytes, got {type(data).__name__}")
    return msgpack.unpackb(data, ext_hook=_from_extension, raw=False, strict_map_key=False)


def _to_extension(value: Any) -> msgpack.ExtType:
    """msgpack's hook for the values it has no type of its own for."""
    kind = type(value)
    if kind is datetime or kind is time:
        _check_zone(value)
        return msgpack.ExtType(_DATETIME if kind is datetime else _TIME, value.isoformat().encode("ascii"))
    if kind is date:
        return msgpack.ExtType(_DATE, value.isoformat().encode("ascii"))
    if kind is int:  # beyond msgpack's 64 bits
        return msgpack.ExtType(_BIGINT, str(value).encode("ascii"))
    for code, collection in _COLLECTIONS.items():
        if kind is collection:
            return msgpack.ExtType(code, _pack(list(value)))
    raise Unencodable(f"{kind.__name__} values are not cached")


def _check_zone(value: datetime | time) -> None:
    """Refuse what ISO 8601 text would not give back whole: a zone other than a fixed offset
    under its default name (a named or daylight-saving zone), or the second of two equal
    local times (fold). Dates from front matter never have either."""
    tz = value.tzinfo
    if value.fold:
        raise Unencodable("a time with fold=1")
    if tz is None or tz is UTC:
        return
    offset = tz.utcoffset(None)
    if type(tz) is not timezone or offset is None or tz.tzname(None) != timezone(offset).tzname(None):
        raise Unencodable(f"time zone {tz!r} is not a plain fixed offset")


_COLLECTIONS: dict[int, type] = {_TUPLE: tuple, _SET: set, _FROZENSET: frozenset}
_FROM_TEXT: dict[int, Callable[[str], Any]] = {
    _DATETIME: datetime.fromisoformat, _DATE: date.fromisoformat, _TIME: time.fromisoformat,
    _BIGINT: int,
}


def _from_extension(code: int, payload: bytes) -> Any:
    parse = _FROM_TEXT.get(code)
    if parse is not None:
        return parse(payload.decode("ascii"))
    collection = _COLLECTIONS.get(code)
    if collection is None:
        raise Refused(f"unknown extension type {code}")
    return collection(_list(_unpack(payload)))

