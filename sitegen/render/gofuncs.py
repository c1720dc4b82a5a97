"""Hugo's template functions, for shortcode templates translated from Go (see sitegen/migrate).

`treaty-archive migrate` turns a Hugo site's Go shortcodes into Jinja; the Go functions
they call (printf, index, default, where, delimit, replaceRE, dateFormat...) are the
methods of the `go` object here, with Go's and Hugo's semantics where they differ from
Python's (Go's printf verbs, `default`'s order of arguments, regular expressions'
``$1``, maps ranged in key order). `go.field` reads Hugo's field names (``Title``,
``RelPermalink``, ``Params``) on our objects. Only these functions can be translated:
`FUNCTIONS` is the list the translator checks a template against.
"""

from __future__ import annotations

import html
import json
import math
import posixpath
import re
import string
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup

from sitegen.markup.shortcodes import ShortcodeFailure
from sitegen.markup.text import count_words, strip_tags, urlize
from sitegen.render.go_sections import GoSection, PageList, hugo_content, hugo_order
from sitegen.render.go_values import GoResource, GoStore, GoTry, GoURL, ImageFilter
from sitegen.render.remarshal import remarshal
from sitegen.site.model import Article


class GoTemplateFailure(ShortcodeFailure):
    """errorf in a translated template: the build stops with this message."""

    def __init__(self, message: str) -> None:
        super().__init__(message, "the shortcode's template (translated from Hugo) stopped the build")


_VERB_RE = re.compile(r"%([-+# 0]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])")


def go_string(value: Any) -> str:
    """A value as Go's fmt prints it with %v."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return "[" + " ".join(go_string(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{go_string(value[k])}" for k in sorted(value, key=str)) + "]"
    return str(value)


def printf(layout: str, *args: Any) -> str:
    """Go's fmt.Sprintf for the verbs templates use: %s %v %d %f %q %t %x %%."""
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        flags, width, precision, kind = match.groups()
        if kind == "%":
            return "%"
        value = next(values, None)
        text = _format_verb(kind, value, precision)
        if width:
            text = text.ljust(int(width)) if "-" in flags else text.rjust(
                int(width), "0" if "0" in flags and kind in "dfx" else " ")
        return text

    return _VERB_RE.sub(verb, str(layout))


def _format_verb(kind: str, value: Any, precision: str | None) -> str:
    if kind in "dfegxX" and not isinstance(value, (int, float)):
        try:
            value = float(value) if kind in "feg" else int(value)
        except (TypeError, ValueError):
            return f"%!{kind}({go_string(value)})"
    if kind == "d":
        return str(int(value))
    if kind in "feg":
        return f"{float(value):.{int(precision) if precision else 6}{kind}}"
    if kind in "xX":
        text = format(int(value), "x") if isinstance(value, int) else str(value).encode().hex()
        return text.upper() if kind == "X" else text
    if kind == "q":
        return json.dumps(go_string(value), ensure_ascii=False)
    if kind == "t":
        return go_string(bool(value))
    return go_string(value)


_GO_LAYOUT = [("2006", "%Y"), ("January", "%B"), ("Jan", "%b"), ("Monday", "%A"), ("Mon", "%a"),
              ("MST", "%Z"), ("-07:00", "%:z"), ("-0700", "%z"), ("06", "%y"), ("01", "%m"),
              ("02", "%d"), ("15", "%H"), ("03", "%I"), ("04", "%M"), ("05", "%S"), ("PM", "%p"),
              ("_2", "%e"), ("1", "%-m"), ("2", "%-d"), ("3", "%-I")]
_LAYOUT_RE = re.compile("|".join(re.escape(go) for go, _ in _GO_LAYOUT))
_HUGO_LAYOUTS = {":date_long": "January 2, 2006", ":date_medium": "Jan 2, 2006",
                 ":date_short": "1/2/06", ":date_full": "Monday, January 2, 2006",
                 ":time_short": "3:04 PM"}


def date_format(layout: str, value: Any) -> str:
    """Hugo's dateFormat / time.Format: Go's reference-time layouts ("2006-01-02")."""
    moment = _as_datetime(value)
    if moment is None:
        return ""
    layout = _HUGO_LAYOUTS.get(str(layout), str(layout))
    table = dict(_GO_LAYOUT)

    def piece(match: re.Match[str]) -> str:
        code = table[match.group(0)]
        if code == "%:z":
            offset = moment.strftime("%z") or "+0000"
            return offset[:3] + ":" + offset[3:]
        if code in ("%-m", "%-d", "%-I", "%e"):
            number = {"%-m": moment.month, "%-d": moment.day, "%e": moment.day,
                      "%-I": (moment.hour % 12) or 12}[code]
            return (f"{number:2d}" if code == "%e" else str(number))
        return moment.strftime(code)

    return _LAYOUT_RE.sub(piece, layout)


def _as_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, str) and value:
        from sitegen.content.dates import DateError, parse_date

        try:
            return parse_date(value)
        except DateError:
            return None
    return None


def default(fallback: Any, value: Any = None) -> Any:
    """Hugo's `default DEFAULT VALUE`: VALUE unless it is unset or empty (false and 0 count)."""
    if value is None or value == "" or value == [] or value == {} or value is False:
        return fallback
    return value


def index(collection: Any, *keys: Any) -> Any:
    """Go's index: nested map keys or list positions; a missing key is nil. A list of keys
    stands for its keys, as in Hugo (`index site.Data (split "a.b" ".")`)."""
    keys = tuple(k for key in keys for k in (key if isinstance(key, (list, tuple)) else (key,)))
    for key in keys:
        if collection is None:
            return None
        if isinstance(collection, Mapping):
            collection = _map_get(collection, key)
        elif isinstance(collection, (list, tuple, str)):
            try:
                collection = collection[int(key)]
            except (IndexError, TypeError, ValueError):
                return None
        else:
            collection = field(collection, str(key))
    return collection


def _map_get(mapping: Mapping[Any, Any], key: Any) -> Any:
    if key in mapping:
        return mapping[key]
    if isinstance(key, str):
        lowered = key.lower()
        for candidate, value in mapping.items():
            if isinstance(candidate, str) and candidate.lower() == lowered:
                return value
    return None


def isset(collection: Any, key: Any) -> bool:
    if isinstance(collection, Mapping):
        return _map_get(collection, key) is not None or key in collection
    if isinstance(collection, (list, tuple)):
        try:
            return 0 <= int(key) < len(collection)
        except (TypeError, ValueError):
            return False
    return False


def items(collection: Any) -> list[Any]:
    """What `range` visits: a list's items, a map's values by key, 0..n-1 for a number."""
    return [value for _, value in pairs(collection)]


def pairs(collection: Any) -> list[tuple[Any, Any]]:
    """(index or key, value) pairs, as `range $i, $v := x` visits them."""
    if collection is None or collection == "":
        return []
    if isinstance(collection, bool):
        raise GoTemplateFailure("range can't iterate over a boolean")
    if isinstance(collection, int):
        return list(enumerate(range(collection)))
    if isinstance(collection, Mapping):
        return [(key, collection[key]) for key in sorted(collection, key=str)]
    if isinstance(collection, str):
        return list(enumerate(collection))
    return list(enumerate(collection))


def eq(first: Any, *others: Any) -> bool:
    return any(_comparable(first) == _comparable(other) for other in others)


def _comparable(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def length(value: Any) -> int:
    if value is None:
        return 0
    return len(value) if hasattr(value, "__len__") else len(str(value))


def contains(collection: Any, item: Any) -> bool:
    """Hugo's `in`: a substring of a string, or a member of a list."""
    if collection is None:
        return False
    if isinstance(collection, str):
        return str(item) in collection
    return any(_comparable(item) == _comparable(v) for v in collection)


def delimit(collection: Any, separator: str, last: str | None = None) -> str:
    values = [go_string(v) for v in items(collection)]
    if last is not None and len(values) > 1:
        return str(separator).join(values[:-1]) + str(last) + values[-1]
    return str(separator).join(values)


def go_print(*args: Any) -> str:
    """fmt.Sprint: a space between two operands when neither is a string."""
    out = ""
    for index_, arg in enumerate(args):
        if index_ and not isinstance(arg, str) and not isinstance(args[index_ - 1], str):
            out += " "
        out += go_string(arg)
    return out


def replace_re(pattern: str, replacement: str, text: Any, limit: int = -1) -> str:
    """Go's regexp ReplaceAllString: $1 and ${name} in the replacement."""
    python = re.sub(r"\$\{(\w+)\}|\$(\d+)", lambda m: rf"\g<{m.group(1) or m.group(2)}>", str(replacement))
    return re.sub(_go_regexp(pattern), python, go_string(text), count=max(limit, 0))


def find_re(pattern: str, text: Any, limit: int = -1) -> list[str]:
    found = [m.group(0) for m in re.finditer(_go_regexp(pattern), go_string(text))]
    return found if limit < 0 else found[:limit]


def _go_regexp(pattern: str) -> str:
    """RE2 syntax Python reads differently: (?P<name>) is the same; \\z is \\Z."""
    return str(pattern).replace(r"\z", r"\Z")


def truncate(size: int, text: Any, ellipsis: str = " …") -> str:
    plain = go_string(text)
    if len(plain) <= int(size):
        return plain
    cut = plain[: int(size)]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut) + ellipsis


def title_case(text: Any) -> str:
    return string.capwords(go_string(text))


def first_upper(text: Any) -> str:
    value = go_string(text)
    return value[:1].upper() + value[1:]


# The acronyms Hugo's humanize (gobuffalo/flect) writes in capitals.
_ACRONYMS = frozenset({
    "api", "ascii", "cpu", "css", "csv", "dns", "eof", "guid", "html", "http", "https", "id", "ip",
    "json", "lhs", "qps", "ram", "rhs", "rpc", "sla", "smtp", "sql", "ssh", "tcp", "tls", "ttl", "udp",
    "ui", "uid", "uri", "url", "utf8", "uuid", "vm", "xml", "xmpp", "xsrf", "xss"})
_WORD_RE = re.compile(r"[A-Z]{2,}s(?![a-z])|[A-Z]+(?=[A-Z][a-z])|[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def _acronym(word: str) -> str:
    if word in _ACRONYMS:
        return word.upper()
    return word[:-1].upper() + "s" if word.endswith("s") and word[:-1] in _ACRONYMS else word


def humanize(text: Any) -> str:
    """Hugo's humanize: a number becomes an ordinal ("4th"); a name ("my-first-post",
    "contentTypes", "HTTPCache") its words, the first capitalised, known acronyms in capitals."""
    value = go_string(text)
    if value.isdigit():
        number = int(value)
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return f"{number}{suffix}"
    words = [w.lower() for w in _WORD_RE.findall(value)]
    words = [_acronym(w) for w in words]
    return first_upper(" ".join(words))


def substr(text: Any, start: int, size: int | None = None) -> str:
    value = go_string(text)
    start = int(start)
    begin = start if start >= 0 else max(0, len(value) + start)
    return value[begin:] if size is None else value[begin: begin + int(size)]


def seq(*bounds: int) -> list[int]:
    if len(bounds) == 1:
        last = int(bounds[0])
        return list(range(1, last + 1)) if last > 0 else list(range(-1, last - 1, -1))
    first, last = int(bounds[0]), int(bounds[-1])
    step = int(bounds[1]) if len(bounds) == 3 else (1 if last >= first else -1)
    return list(range(first, last + (1 if step > 0 else -1), step))


def append_items(*args: Any) -> list[Any]:
    """Hugo's append: `append x y LIST` (or `LIST | append x`) adds x and y to LIST."""
    *new, collection = args
    if len(new) == 1 and isinstance(new[0], list) and isinstance(collection, list):
        return [*collection, *new[0]]
    return [*(collection or []), *new]


def merge(*maps: Any) -> dict[str, Any]:
    """Hugo's merge: maps merged left to right, a later value winning, nested maps merged."""
    merged: dict[str, Any] = {}
    for mapping in maps:
        for key, value in (mapping or {}).items():
            if isinstance(value, Mapping) and isinstance(merged.get(key), Mapping):
                value = merge(merged[key], value)
            merged[key] = value
    return merged


def highlight(code: Any, lang: Any = "", options: Any = "") -> Markup:
    """Hugo's highlight (transform.Highlight): the code highlighted as a fence is, with the
    options as a map (`dict "linenos" "table"`) or a string (`"linenos=table,hl_lines=2"`)."""
    from sitegen.markup.fences import highlight_code  # Pygments, loaded only when called

    if isinstance(options, Mapping):
        options = ",".join(f'{key}="{go_string(value)}"' for key, value in options.items())
    return Markup(highlight_code(go_string(code), go_string(lang), go_string(options)))


def make_dict(*pairs_: Any) -> dict[str, Any]:
    """Hugo's dict; a list as a key is a path of nested maps (`dict (slice "a" "b") 1`)."""
    made: dict[str, Any] = {}
    for i in range(0, len(pairs_) - 1, 2):
        key, value = pairs_[i], pairs_[i + 1]
        path = [str(k) for k in key] if isinstance(key, (list, tuple)) and key else [str(key)]
        for name in reversed(path[1:]):
            value = {name: value}
        made[path[0]] = value
    return made


def where(collection: Any, key: str, *args: Any) -> list[Any]:
    """Hugo's where: items whose field `key` compares with the value (=, !=, in, not in...)."""
    operator, value = ("=", args[0]) if len(args) == 1 else (str(args[0]), args[1])
    tests: dict[str, Callable[[Any], bool]] = {
        "=": lambda v: eq(v, value), "==": lambda v: eq(v, value), "eq": lambda v: eq(v, value),
        "!=": lambda v: not eq(v, value), "<>": lambda v: not eq(v, value),
        "ne": lambda v: not eq(v, value), "in": lambda v: contains(value, v),
        "not in": lambda v: not contains(value, v), ">": lambda v: v is not None and v > value,
        ">=": lambda v: v is not None and v >= value, "<": lambda v: v is not None and v < value,
        "<=": lambda v: v is not None and v <= value,
        "intersect": lambda v: bool(set(items(v)) & set(items(value))),
    }
    test = tests.get(operator)
    if test is None:
        raise GoTemplateFailure(f"where: unknown operator {operator!r}")
    return [item for item in items(collection) if test(field_path(item, key))]


def field_path(item: Any, key: str) -> Any:
    return field(item, *[part for part in str(key).split(".") if part])


def sort_items(collection: Any, key: str = "", order: str = "asc") -> list[Any]:
    values = items(collection)
    def pick(value: Any) -> Any:
        return value if key in ("value", "") else field_path(value, key)

    return sorted(values, key=lambda v: (_sort_key(pick(v))), reverse=str(order).lower() == "desc")


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (0, "")
    if isinstance(value, (int, float)):
        return (1, value)
    if isinstance(value, datetime):
        return (2, value.timestamp())
    return (3, str(value))


def errorf(layout: str, *args: Any) -> str:
    raise GoTemplateFailure(printf(layout, *args))


def jsonify(*args: Any) -> Markup:
    value = args[-1]
    indent = None
    if len(args) == 2 and isinstance(args[0], Mapping):
        indent = args[0].get("indent")
    return Markup(json.dumps(value, default=go_string, ensure_ascii=False, indent=indent))


def count_words_of(text: Any) -> int:
    return count_words(strip_tags(go_string(text)), cjk=False)


def arith(operation: str) -> Callable[..., Any]:
    """Hugo's add, sub, mul, div and mod over two or more numbers (add joins strings too)."""
    def run(*numbers: Any) -> Any:
        result = numbers[0]
        for number in numbers[1:]:
            if operation == "add":
                result = result + number
            elif operation == "sub":
                result = result - number
            elif operation == "mul":
                result = result * number
            elif operation == "div":
                result = result // number if isinstance(result, int) and isinstance(number, int) \
                    else result / number
            else:
                result = result % number
        return result
    return run


def go_int(value: Any) -> int:
    if isinstance(value, str):
        value = value.strip()
        return int(float(value)) if value else 0
    return int(value or 0)


def go_float(value: Any) -> float:
    return float(value or 0)


def safe(value: Any) -> Markup:
    return Markup(go_string(value) if not isinstance(value, str) else value)


def plainify(value: Any) -> str:
    return strip_tags(go_string(value))


def anchorize(value: Any) -> str:
    text = re.sub(r"[^\w\s-]", "", go_string(value).lower(), flags=re.UNICODE)
    return re.sub(r"\s", "-", text.strip())


def rel_url(base_url: str, value: Any) -> str:
    """Hugo's relURL: a relative path joins the base URL's path; "/x" and "https://..." stay."""
    text = go_string(value)
    if "://" in text or text.startswith(("/", "#", "mailto:")):
        return text
    path = "/" + base_url.split("://", 1)[1].partition("/")[2] if "://" in base_url else base_url
    return path.rstrip("/") + "/" + text


def abs_url(base_url: str, value: Any) -> str:
    """Hugo's absURL: a path under the base URL (a leading slash joins its host instead)."""
    text = go_string(value)
    if "://" in text:
        return text
    if text.startswith("/") and "://" in base_url:
        scheme, rest = base_url.split("://", 1)
        return f"{scheme}://{rest.split('/', 1)[0]}{text}"
    return base_url.rstrip("/") + "/" + text.lstrip("/")


def trim(text: Any, cutset: str) -> str:
    return go_string(text).strip(str(cutset))


FIELD_NAMES = {  # Hugo's field names on our objects, where they differ by more than case
    "relpermalink": "url", "linktitle": "title", "params": "params", "regularpages": "regular_pages",
    "pages": "regular_pages", "baseurl": "base_url", "languagecode": "language", "wordcount": "word_count",
    "readingtime": "reading_time", "publishdate": "date", "expirydate": "expiry_date",
    "taxonomies": "taxonomy_map", "plain": "summary_text",
}


def field(value: Any, *names: str) -> Any:
    """Hugo's `.A.B` on a value: map keys ignore case; objects answer to Hugo's names."""
    for name in names:
        if value is None:
            return None
        value = _field(value, name)
    return value


def _field(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return _map_get(value, name)
    if isinstance(value, Article):
        return article_field(value, name)
    if name.lower() == "params" and hasattr(value, "extra"):
        return value.extra  # the site's params
    go_field = getattr(value, "go_field", None)
    if go_field is not None:
        return go_field(name)
    lowered = name.lower()
    if isinstance(value, (datetime, date)):
        return _date_field(value, lowered)
    attribute = FIELD_NAMES.get(lowered) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    for candidate in (attribute, lowered):
        if hasattr(value, candidate):
            return getattr(value, candidate)
    return None


def _date_field(value: date, name: str) -> Any:
    moment = _as_datetime(value)
    assert moment is not None
    table = {"year": moment.year, "month": moment.strftime("%B"), "day": moment.day,
             "unix": int(moment.timestamp()), "iszero": False, "hour": moment.hour,
             "minute": moment.minute, "weekday": moment.strftime("%A"), "yearday": moment.timetuple().tm_yday}
    if name == "format":
        return lambda layout: date_format(layout, moment)
    return table.get(name)


def article_field(article: Article, name: str) -> Any:
    """Hugo's page fields on one of our articles."""
    lowered = name.lower()
    special: dict[str, Callable[[], Any]] = {
        "kind": lambda: "page", "type": lambda: article.params.get("type") or article.section,
        "linktitle": lambda: article.params.get("linktitle") or article.title,
        "params": lambda: {**{k: list(v) for k, v in article.terms.items()}, **_nested(article.params),
                           **article.params},
        "plain": lambda: plainify(article.content), "rendershortcodes": lambda: article.content,
        "content": lambda: hugo_content(article.content),
        "file": lambda: PageFile(article.source_path), "pages": list,
        "publishdate": lambda: article.date, "lastmod": lambda: article.lastmod or article.date,
    }
    if lowered in special:
        return special[lowered]()
    attribute = FIELD_NAMES.get(lowered) or re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
    for candidate in (attribute, lowered):
        if hasattr(article, candidate):
            return getattr(article, candidate)
    return None


def _nested(params: dict[str, Any]) -> dict[str, Any]:
    """Hugo's `params:` block of custom front matter keys, read as page params too."""
    nested = params.get("params")
    return {str(k).lower(): v for k, v in nested.items()} if isinstance(nested, dict) else {}


class PageFile:
    """Hugo's .File of a page: its path under content/ and its names."""

    def __init__(self, source_path: str) -> None:
        self.path = source_path.split("/", 1)[1] if "/" in source_path else source_path

    def go_field(self, name: str) -> Any:
        pure = posixpath.basename(self.path)
        stem = pure.rsplit(".", 1)[0]
        table = {"path": self.path, "filename": self.path, "logicalname": pure, "basefilename": stem,
                 "contentbasename": posixpath.basename(posixpath.dirname(self.path)) if stem in
                 ("index", "_index") else stem, "dir": posixpath.dirname(self.path) + "/",
                 "ext": pure.rsplit(".", 1)[-1], "section": self.path.split("/", 1)[0]}
        return table.get(name.lower())


class TermPages(PageList):
    """A term's pages in Hugo's `.Site.Taxonomies.tags.x`: ranged over, or .Count, .Pages."""

    term: Any = None

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered == "count":
            return len(self)
        if lowered == "pages":
            return list(self)
        if lowered in ("page", "term"):
            return self.term
        return super().go_field(name)


def regular_pages(site: Any) -> PageList:
    """`.Site.RegularPages`: every article and standalone page, in Hugo's default order."""
    return PageList(sorted([*site.articles, *site.pages], key=hugo_order))


def taxonomies(site: Any) -> dict[str, dict[str, TermPages]]:
    """`.Site.Taxonomies`: taxonomy -> term key -> its pages (newest first)."""
    result: dict[str, dict[str, TermPages]] = {}
    for taxonomy in site.taxonomies:
        terms = result.setdefault(taxonomy.plural, {})
        for term in taxonomy.terms:
            pages = TermPages(term.articles)
            pages.term = term
            terms[term.slug] = pages
    return result


def get_page(site: Any, path: Any) -> Any:
    """`.Site.GetPage "/posts/x"`: a page by its path under content/ (or its URL)."""
    wanted = re.sub(r"\.(md|markdown|html?)$", "", go_string(path).strip("/").lower())  # "x.md" names x too
    for article in regular_pages(site):
        content = article.source_path.split("/", 1)[1].rsplit(".", 1)[0].lower()
        candidates = {content, content.removesuffix("/index"), article.url.strip("/").lower()}
        if wanted in candidates:
            return article
    for section in getattr(site, "sections", ()):
        if wanted in (section.name.lower(), section.url.strip("/").lower()):
            return GoSection(section, tuple(site.sections))
    for page in getattr(site, "headless", ()):  # pages not rendered, which other pages include
        content = page.content_path.rsplit(".", 1)[0].lower()
        if wanted in (content, content.removesuffix("/index"), content.removesuffix("/_index")):
            return page
    return None


def join_path(first: Any, *elements: Any) -> str:
    """`urls.JoinPath`: the elements joined to the first (a URL or a path) with single slashes,
    keeping a final slash, as Go's url.JoinPath does."""
    parts = [go_string(first).rstrip("/")] + [go_string(e).strip("/") for e in elements]
    joined = "/".join(part for part in parts if part)
    last = go_string(elements[-1]) if elements else go_string(first)
    return joined + "/" if last.endswith("/") else joined


def path_basename(value: Any) -> str:
    """`path.BaseName`: the last element of a path without its extension."""
    base = posixpath.basename(go_string(value).rstrip("/"))
    return posixpath.splitext(base)[0] if base else "."


def apply_each(collection: Any, function: Any, *params: Any) -> list[Any]:
    """`apply LIST "func" "." x`: the function called for each item, "." standing for it."""
    target = FUNCTIONS.get(go_string(function).lower())
    if target is None:
        raise GoTemplateFailure(f"apply: the function {function} has no equivalent")
    run = getattr(go, target)
    return [run(*[item if param == "." else param for param in params]) for item in items(collection)]


def partial_value(macro: Callable[..., Any], dot: Any) -> Any:
    """An inline partial's result (`partial "inline/x.html" .`): the value its `return`
    gave (the translator passes the macro a dict for it), else the text it wrote."""
    holder: dict[str, Any] = {}
    text = macro(dot, holder)
    return holder.get("value", text)


# Hugo's image filters (images.Brightness...): values only, as the archive processes no image.
IMAGE_FILTERS = frozenset({
    "autoorient", "brightness", "colorbalance", "colorize", "contrast", "dither", "gamma",
    "gaussianblur", "grayscale", "hue", "invert", "mask", "opacity", "overlay", "padding", "pixelate",
    "process", "saturation", "sepia", "sigmoid", "text", "unsharpmask"})


def method(value: Any, name: str, *args: Any) -> Any:
    """`.Method arg` on a value: a callable field called with the arguments. On nil (a map's
    missing key) it is nil, as in Hugo's templates: `.page.Resources.Get` without a page."""
    if value is None:
        return None
    found = field(value, name)
    if callable(found):
        return found(*args)
    if found is None:
        raise GoTemplateFailure(f"can't evaluate field {name}")
    return found


class GoFunctions:
    """The namespace translated templates call as `go.<name>(...)`."""

    printf = staticmethod(printf)
    print = staticmethod(go_print)
    println = staticmethod(lambda *a: " ".join(go_string(v) for v in a) + "\n")
    string = staticmethod(go_string)
    int = staticmethod(go_int)
    float = staticmethod(go_float)
    default = staticmethod(default)
    index = staticmethod(index)
    isset = staticmethod(isset)
    items = staticmethod(items)
    pairs = staticmethod(pairs)
    eq = staticmethod(eq)
    len = staticmethod(length)
    contains = staticmethod(contains)
    delimit = staticmethod(delimit)
    split = staticmethod(lambda text, sep: go_string(text).split(str(sep)) if text is not None else [])
    replace = staticmethod(lambda text, old, new, n=-1: go_string(text).replace(str(old), str(new), n))
    replace_re = staticmethod(replace_re)
    find_re = staticmethod(find_re)
    lower = staticmethod(lambda text: go_string(text).lower())
    upper = staticmethod(lambda text: go_string(text).upper())
    title = staticmethod(title_case)
    first_upper = staticmethod(first_upper)
    humanize = staticmethod(humanize)
    trim = staticmethod(trim)
    trim_space = staticmethod(lambda text: go_string(text).strip())
    trim_left = staticmethod(lambda cutset, text: go_string(text).lstrip(str(cutset)))
    trim_right = staticmethod(lambda cutset, text: go_string(text).rstrip(str(cutset)))
    trim_prefix = staticmethod(lambda prefix, text: go_string(text).removeprefix(str(prefix)))
    trim_suffix = staticmethod(lambda suffix, text: go_string(text).removesuffix(str(suffix)))
    has_prefix = staticmethod(lambda text, prefix: go_string(text).startswith(str(prefix)))
    has_suffix = staticmethod(lambda text, suffix: go_string(text).endswith(str(suffix)))
    strings_contains = staticmethod(lambda text, part: str(part) in go_string(text))
    contains_any = staticmethod(lambda text, chars: any(c in go_string(text) for c in str(chars)))
    repeat = staticmethod(lambda count, text: go_string(text) * int(count))
    truncate = staticmethod(truncate)
    substr = staticmethod(substr)
    urlize = staticmethod(lambda text: urlize(go_string(text)))
    anchorize = staticmethod(anchorize)
    safe = staticmethod(safe)
    html_escape = staticmethod(lambda text: html.escape(go_string(text)))
    html_unescape = staticmethod(lambda text: html.unescape(go_string(text)))
    plainify = staticmethod(plainify)
    jsonify = staticmethod(jsonify)
    countwords = staticmethod(count_words_of)
    countrunes = staticmethod(lambda text: len("".join(plainify(text).split())))
    emojify = staticmethod(lambda text: go_string(text))
    slice = staticmethod(lambda *values: list(values))
    dict = staticmethod(make_dict)
    merge = staticmethod(merge)
    highlight = staticmethod(highlight)
    remarshal = staticmethod(remarshal)
    append = staticmethod(append_items)
    first = staticmethod(lambda n, values: items(values)[: int(n)])
    last = staticmethod(lambda n, values: items(values)[-int(n):] if int(n) else [])
    after = staticmethod(lambda n, values: items(values)[int(n):])
    uniq = staticmethod(lambda values: list(dict.fromkeys(items(values))))
    reverse = staticmethod(lambda values: list(reversed(items(values))))
    where = staticmethod(where)
    sort = staticmethod(sort_items)
    seq = staticmethod(seq)
    add = staticmethod(arith("add"))
    sub = staticmethod(arith("sub"))
    mul = staticmethod(arith("mul"))
    div = staticmethod(arith("div"))
    mod = staticmethod(arith("mod"))
    floor = staticmethod(lambda x: math.floor(float(x)))
    ceil = staticmethod(lambda x: math.ceil(float(x)))
    round = staticmethod(lambda x: round(float(x)))
    cond = staticmethod(lambda test, yes, no: yes if test else no)
    date_format = staticmethod(date_format)
    now = staticmethod(lambda: datetime.now(UTC))
    errorf = staticmethod(errorf)
    warnf = staticmethod(lambda *args: "")
    field = staticmethod(field)
    method = staticmethod(method)
    path_ext = staticmethod(lambda value: posixpath.splitext(go_string(value))[1])
    path_base = staticmethod(lambda value: posixpath.basename(go_string(value).rstrip("/")) or ".")
    path_dir = staticmethod(lambda value: posixpath.dirname(go_string(value)) or ".")
    path_basename = staticmethod(path_basename)
    apply = staticmethod(apply_each)
    partial_value = staticmethod(partial_value)
    try_ = staticmethod(GoTry)
    image_filter = staticmethod(ImageFilter)
    remote_resource = staticmethod(lambda url: GoResource(go_string(url).rsplit("/", 1)[-1], go_string(url)))
    max = staticmethod(lambda *values: max(go_float(v) for v in values))
    min = staticmethod(lambda *values: min(go_float(v) for v in values))
    join_path = staticmethod(join_path)
    url_parse = staticmethod(lambda text: GoURL(go_string(text)))
    new_scratch = staticmethod(GoStore)
    is_map = staticmethod(lambda value: isinstance(value, Mapping))
    is_slice = staticmethod(lambda value: isinstance(value, list | tuple | PageList))
    path_join = staticmethod(lambda *parts: posixpath.join(*map(go_string, parts)))
    querify = staticmethod(lambda *pairs_: urlencode(
        [(go_string(pairs_[i]), go_string(pairs_[i + 1])) for i in range(0, len(pairs_) - 1, 2)]))
    rel_url = staticmethod(rel_url)
    regular_pages = staticmethod(regular_pages)
    page_params = staticmethod(lambda page: {**_nested(page.params), **page.params})
    taxonomies = staticmethod(taxonomies)
    get_page = staticmethod(get_page)
    abs_url = staticmethod(abs_url)


# Go and Hugo function names (lower-cased) -> GoFunctions attribute. The translator refuses
# a template that calls a function missing here, and writes a stub for a person instead.
FUNCTIONS = {
    "printf": "printf", "fmt.printf": "printf", "print": "print", "fmt.print": "print",
    "println": "println", "fmt.println": "println", "string": "string", "int": "int",
    "float": "float", "cast.tostring": "string", "cast.toint": "int", "cast.tofloat": "float",
    "default": "default", "index": "index", "collections.index": "index", "isset": "isset",
    "len": "len", "in": "contains", "collections.in": "contains", "delimit": "delimit",
    "collections.delimit": "delimit", "split": "split", "strings.split": "split",
    "replace": "replace", "strings.replace": "replace", "replacere": "replace_re",
    "strings.replacere": "replace_re", "findre": "find_re", "strings.findre": "find_re",
    "lower": "lower", "strings.tolower": "lower", "upper": "upper", "strings.toupper": "upper",
    "title": "title", "strings.title": "title", "strings.firstupper": "first_upper",
    "humanize": "humanize", "inflect.humanize": "humanize", "trim": "trim", "strings.trim": "trim",
    "strings.trimspace": "trim_space", "strings.trimleft": "trim_left",
    "strings.trimright": "trim_right", "strings.trimprefix": "trim_prefix",
    "strings.trimsuffix": "trim_suffix", "hasprefix": "has_prefix", "strings.hasprefix": "has_prefix",
    "strings.hassuffix": "has_suffix", "strings.contains": "strings_contains",
    "strings.containsany": "contains_any", "strings.repeat": "repeat", "truncate": "truncate",
    "strings.truncate": "truncate", "substr": "substr", "strings.substr": "substr",
    "urlize": "urlize", "urls.urlize": "urlize", "anchorize": "anchorize", "urls.anchorize": "anchorize",
    "safehtml": "safe", "safehtmlattr": "safe", "safecss": "safe", "safejs": "safe", "safeurl": "safe",
    "safe.html": "safe", "safe.htmlattr": "safe", "safe.css": "safe", "safe.js": "safe",
    "safe.url": "safe", "htmlescape": "html_escape", "transform.htmlescape": "html_escape",
    "htmlunescape": "html_unescape", "transform.htmlunescape": "html_unescape",
    "plainify": "plainify", "transform.plainify": "plainify", "jsonify": "jsonify",
    "encoding.jsonify": "jsonify", "countwords": "countwords", "strings.countwords": "countwords",
    "countrunes": "countrunes", "strings.countrunes": "countrunes", "emojify": "emojify",
    "transform.emojify": "emojify", "slice": "slice", "collections.slice": "slice", "dict": "dict",
    "collections.dictionary": "dict", "append": "append", "collections.append": "append",
    "first": "first", "collections.first": "first", "last": "last", "collections.last": "last",
    "after": "after", "collections.after": "after", "uniq": "uniq", "collections.uniq": "uniq",
    "collections.reverse": "reverse", "where": "where", "collections.where": "where",
    "sort": "sort", "collections.sort": "sort", "seq": "seq", "collections.seq": "seq",
    "add": "add", "math.add": "add", "sub": "sub", "math.sub": "sub", "mul": "mul",
    "math.mul": "mul", "div": "div", "math.div": "div", "mod": "mod", "math.mod": "mod",
    "math.floor": "floor", "math.ceil": "ceil", "math.round": "round", "cond": "cond",
    "compare.conditional": "cond", "dateformat": "date_format", "time.format": "date_format",
    "now": "now", "time.now": "now", "errorf": "errorf", "fmt.errorf": "errorf", "warnf": "warnf",
    "fmt.warnf": "warnf", "eq": "eq", "path.ext": "path_ext", "path.base": "path_base",
    "path.dir": "path_dir", "path.join": "path_join", "querify": "querify",
    "collections.querify": "querify", "merge": "merge", "collections.merge": "merge",
    "highlight": "highlight", "transform.highlight": "highlight", "transform.remarshal": "remarshal",
    "path.basename": "path_basename", "urls.joinpath": "join_path", "urls.parse": "url_parse",
    "newscratch": "new_scratch", "collections.newscratch": "new_scratch", "reflect.ismap": "is_map",
    "reflect.isslice": "is_slice", "apply": "apply", "collections.apply": "apply", "try": "try_",
    "math.max": "max", "math.min": "min", "resources.getremote": "remote_resource",
}

go = GoFunctions()
