"""Where each page goes: permalinks from file paths, slugs and patterns, as Hugo does.

URLs are decided from front matter alone, before any body is converted, so that
``ref``/``relref`` shortcodes can link to any page and two pages claiming one URL
are refused before anything is rendered.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePosixPath
from urllib.parse import quote, unquote

from sitegen.config.settings import Config
from sitegen.content.frontmatter import Document
from sitegen.errors import Diagnostic
from sitegen.markup.text import urlize

NAME_MAX = 255  # bytes in a file or folder name (ext4, XFS, APFS, NTFS: 255 units)
PATH_MAX = 4096  # bytes in a path (Linux)
_TOKEN_RE = re.compile(r":(year|month|day|slugorfilename|slugorcontentbasename|slug|title|sections|"
                       r"section|filename|contentbasename)")
_SEGMENT_DROP_RE = re.compile(r"[^\w.~-]", re.UNICODE)
_ESCAPES_RE = re.compile(r"(?:%[0-9A-Fa-f]{2})+")


@dataclass(frozen=True, slots=True)
class Route:
    """A page's place in the site."""

    path: str  # site-relative, unencoded, starting with '/': "/2019/x/"
    output: str  # file under the output folder: "2019/x/index.html"
    section: str  # first folder under content/, "" at the top level
    slug: str  # the last URL segment
    kind: str  # "article", "page" or "section"
    bundle_dir: str  # content folder whose files are this page's resources, "" if none
    aliases: tuple[str, ...] = ()  # site paths of its front matter aliases, unencoded like `path`
    lang: str = ""  # the site language it belongs to ("" on a site without languages)
    content_path: str = ""  # its path under content/ without the language (content/languages.py)


def href(config: Config, path: str) -> str:
    """The URL to put in links: base path prepended, non-ASCII percent-encoded."""
    return _encoded(config.base_path.rstrip("/") + path)


@lru_cache(maxsize=1 << 16)
def _encoded(url: str) -> str:
    """Percent-encoding is the costly part of a URL, and a build asks for each many times."""
    return quote(url, safe="/#?=&~%:+@")


def absolute(config: Config, path: str) -> str:
    """Absolute URL when base_url has a scheme and host, else the same as href."""
    base = config.site.base_url
    if "://" not in base:
        return href(config, path)
    return _origin(base) + href(config, path)


@lru_cache(maxsize=16)
def _origin(base_url: str) -> str:
    scheme, rest = base_url.split("://", 1)
    return scheme + "://" + rest.split("/", 1)[0]


def output_file(path: str) -> str:
    """Output file for a site path: folders get index.html."""
    rel = path.lstrip("/")
    if not rel or rel.endswith("/"):
        return rel + "index.html"
    if has_suffix(rel):
        return rel
    return rel + "/index.html"


def has_suffix(path: str) -> bool:
    """Whether the last segment has a file suffix (`x.html`, not `.x` or `x.`), as
    PurePosixPath.suffix says, without making a path object for each of a site's URLs."""
    name = path.rsplit("/", 1)[-1]
    dot = name.rfind(".")
    return 0 < dot < len(name) - 1


def route_document(doc: Document, config: Config,
                   content_path: str = "") -> tuple[Route | None, Diagnostic | None]:
    """Compute one document's route, or say why its slug or url cannot be used.

    `content_path`: the path that names the page, when it is not the source's own (the
    source's without its language: `2019/x.md` for `2019/x.ja.md`)."""
    content_path = content_path or doc.source.content_path
    parts = PurePosixPath(content_path).parts
    dirs, stem = list(parts[:-1]), PurePosixPath(parts[-1]).stem
    meta = doc.meta
    if stem == "_index":
        path = "/" + "/".join(_clean(d) for d in dirs) + "/" if dirs else "/"
        return Route(path.lower().replace("//", "/"), output_file(path.lower()), dirs[0] if dirs else "",
                     dirs[-1] if dirs else "", "section", "/".join(dirs), content_path=content_path), None
    bundle_dir = ""
    if stem == "index" and dirs:
        bundle_dir = "/".join(dirs)
        stem = dirs.pop()
    section = dirs[0] if dirs else ""
    kind = "page" if meta.params.get("type") == "page" else "article"  # content/x.md too, as Hugo
    path, problem = _page_path(doc, config, dirs, stem, section, kind)
    if problem:
        return None, problem
    path = re.sub(r"/{2,}", "/", path)
    slug = PurePosixPath(path.rstrip("/")).name
    aliases = tuple(alias_path(a, content_path) for a in meta.aliases)
    problem = long_name_problem(doc, config, path, aliases)
    if problem:
        return None, problem
    return Route(path, output_file(path), section, slug, kind, bundle_dir, aliases, content_path=content_path), None


def _page_path(doc: Document, config: Config, dirs: list[str], stem: str, section: str,
               kind: str) -> tuple[str, Diagnostic | None]:
    """A page's path from its url, or its slug (or file name) by the permalink pattern."""
    meta = doc.meta
    if meta.url:
        return _from_url(meta.url, doc)  # kept as written, capitals too (as Hugo)
    slug, problem = _slug(meta.slug, doc) if meta.slug else (_clean(stem), None)
    if problem:
        return "", problem
    pattern = config.permalinks.get(section) or config.permalinks.get("default")
    if pattern and kind == "article" and dirs:
        path = _expand_pattern(pattern, doc, dirs, stem, slug)
    else:
        path = "/" + "/".join([*(_clean(d) for d in dirs), slug]) + "/"
    return path.lower(), None


def long_name_problem(doc: Document, config: Config, path: str, aliases: tuple[str, ...]) -> Diagnostic | None:
    """A page whose URL, an alias or a term would need a file name longer than file systems
    allow (255 bytes a name), or a path longer than the system's PATH_MAX with the output
    folder's: refused here, with the key to shorten, instead of failing to write it."""
    room = PATH_MAX - len(os.fsencode(config.path("output"))) - len(".staging/") - 1
    named = [("url" if doc.meta.url else "slug" if doc.meta.slug else "title", path)]
    named += [("aliases", alias) for alias in aliases]
    named += [(taxonomy, term_path(taxonomy, term)) for taxonomy, terms in doc.meta.taxonomies.items()
              for term in terms]
    for key, site_path in named:
        longest = max(len(name.encode("utf-8")) for name in site_path.split("/"))
        total = len(output_file(site_path).encode("utf-8"))
        if longest > NAME_MAX or total > room:
            subject = "the URL made from the title" if key == "title" else f"'{key}'"
            what = (f"has a name of {longest} bytes, longer than the {NAME_MAX} a file name can hold"
                    if longest > NAME_MAX else f"makes a path of {total} bytes in the output folder, "
                    "longer than this system allows")
            hint = ("give the page a shorter slug: in its front matter (the title can stay)"
                    if key == "title" else "shorten it")
            return Diagnostic(doc.source.path, doc.key_line(key), 1, "error", f"{subject} {what}", hint)
    return None


def _clean(segment: str) -> str:
    return _SEGMENT_DROP_RE.sub("", "-".join(unicodedata.normalize("NFC", segment).split()))


def _slug(raw: str, doc: Document) -> tuple[str, Diagnostic | None]:
    """A front matter slug: may contain '/', never '..' or nothing but punctuation."""
    segments = [s for s in raw.strip().split("/") if s.strip()]
    cleaned = [_clean(s) for s in segments]
    if any(s in ("..", ".") for s in cleaned):
        return "", _slug_problem(doc, raw, "contains '..'", "a slug names the page; it cannot climb folders")
    if not cleaned or not all(re.search(r"\w", s) for s in cleaned):
        return "", _slug_problem(doc, raw, "has no letters or digits",
                                 "use words, e.g. slug: burden-sharing-2019")
    return "/".join(cleaned), None


def _slug_problem(doc: Document, raw: str, what: str, hint: str) -> Diagnostic:
    line = doc.key_line("slug")
    return Diagnostic(doc.source.path, line, 1, "error", f"slug '{raw}' {what}", hint)


def _from_url(raw: str, doc: Document) -> tuple[str, Diagnostic | None]:
    segments = [s for s in decode_escapes(raw.strip()).split("/") if s and s != "."]
    if ".." in segments or "://" in raw:
        return "", Diagnostic(doc.source.path, doc.key_line("url"), 1, "error",
                              f"url '{raw}' must be a path inside the site",
                              "write a path such as url: /about/")
    path = "/" + "/".join(segments)
    if not PurePosixPath(path).suffix:
        path += "/"
    return path, None


def decode_escapes(path: str) -> str:
    """A path written in front matter as it will lie on disk: `%E8%A8%98` becomes `記`.

    Pages with non-ASCII slugs are written as UTF-8 file names, and a static server
    decodes a request's escapes before it looks for the file, so a `url` or alias copied
    from a browser (percent-encoded) must be decoded too, or it answers 404. Escapes that
    are not UTF-8, or that stand for `/` or a control character, stay as written.
    """
    def decode(match: re.Match[str]) -> str:
        try:
            text = unquote(match.group(0), errors="strict")
        except UnicodeDecodeError:
            return match.group(0)
        if "/" in text or any(unicodedata.category(c) == "Cc" for c in text):
            return match.group(0)
        return text

    return _ESCAPES_RE.sub(decode, path) if "%" in path else path


def alias_path(alias: str, content_path: str) -> str:
    """Site path of a front matter alias; a relative one is taken from the page's folder.

    ``renamed`` on posts/x.md is /posts/renamed/, as in Hugo; an alias ending in a file
    name (``/old/page.html``) is that file, others are folders. Unencoded, like a route's
    path: the redirect page lies on disk under this very name (see `decode_escapes`).
    """
    alias = decode_escapes(alias.strip())
    folder = PurePosixPath(content_path).parent
    if PurePosixPath(content_path).stem == "index":
        folder = folder.parent  # a page bundle: beside the bundle's folder
    return clean_site_path(alias if alias.startswith("/") else f"/{folder.as_posix()}/{alias}")


def clean_site_path(path: str) -> str:
    """`path` with empty, `.` and `..` segments resolved, never above the site's root;
    a folder (no file suffix) ends with '/'."""
    if (path.startswith("/") and "//" not in path and "/./" not in path and "/../" not in path
            and not path.endswith(("/.", "/..")) and (path.endswith("/") or has_suffix(path))):
        return path  # already clean: the common case, as every line of a URL history is
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            segments = segments[:-1]
        elif segment and segment != ".":
            segments.append(segment)
    path = "/" + "/".join(segments)
    return path if has_suffix(path) else path.rstrip("/") + "/"


def _expand_pattern(pattern: str, doc: Document, dirs: list[str], stem: str, slug: str) -> str:
    date = doc.meta.date

    def token(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "year":
            return f"{date.year:04d}" if date else "undated"
        if name == "month":
            return f"{date.month:02d}" if date else ""
        if name == "day":
            return f"{date.day:02d}" if date else ""
        if name in ("slug", "slugorfilename", "slugorcontentbasename"):
            if doc.meta.slug or name != "slug":
                return slug
            return title_segment(doc.meta.title) or slug
        if name == "title":
            return title_segment(doc.meta.title) or slug
        if name == "section":
            return _clean(dirs[0]) if dirs else ""
        if name == "sections":
            return "/".join(_clean(d) for d in dirs)
        return _clean(stem)

    path = _TOKEN_RE.sub(token, pattern)
    is_file = not pattern.endswith("/") and bool(PurePosixPath(pattern).suffix)  # "/:slug.html"
    return "/" + path.strip("/") + ("" if is_file else "/")


def title_segment(title: str) -> str:
    """A title as a URL segment, as Hugo's permalinks make one for :slug and :title.

    Lower-cased; letters, digits, marks and ``. _ ~ @`` kept; spaces, ``+``, ``/`` and
    hyphens become one hyphen; anything else is dropped (``C++ tips`` gives ``c-tips``,
    ``Set up tool 0.7`` gives ``set-up-tool-0.7``).
    """
    out: list[str] = []
    for char in unicodedata.normalize("NFC", title).lower():
        if char.isalnum() or char in "._~@" or unicodedata.category(char).startswith("M"):
            out.append(char)
        elif (char.isspace() or char in "+/-") and out and out[-1] != "-":
            out.append("-")
    return "".join(out).strip("-")


@lru_cache(maxsize=65536)
def term_slug(term: str) -> str:
    """A term's URL segment, as Hugo's urlize: ``U.S. Forces`` -> ``u.s.-forces``.

    Terms with the same slug are one term (``Japan`` and ``japan``). Cached: a site has
    few terms, each met once per article that carries it.
    """
    return urlize(term) or quote(term)


def term_path(taxonomy: str, term: str) -> str:
    """Site path of a taxonomy term page: /tags/burden-sharing/."""
    return f"/{taxonomy}/{term_slug(term)}/"
