"""Where an article's citation files are: their output names and their URLs (downloads.py)."""

from __future__ import annotations

import posixpath
from urllib.parse import unquote

from sitegen.site.model import Article

ARTICLE_FORMATS = ("bib", "ris", "json")


def site_path(url: str, base_path: str) -> str:
    """ "/archive/2019/x/" -> "/2019/x/" under base path "/archive/"."""
    path = unquote(url)
    base = base_path.rstrip("/")
    return path[len(base):] if base and path.startswith(base + "/") else path


def article_file_base(page: str) -> str | None:
    """Output name, without extension, of the citation files beside the page's output file;
    None when that would leave the output folder (a page found from a hostile URL)."""
    if posixpath.basename(page) == "index.html":
        base = posixpath.join(posixpath.dirname(page), "cite")
    else:
        base = posixpath.splitext(page)[0] + ".cite"
    if base.startswith("/") or ".." in base.split("/"):
        return None
    return base


def article_links(article: Article) -> dict[str, str]:
    """Format -> URL of an article's citation files, for its "Cite this" block."""
    url = article.url
    base = url + "cite" if url.endswith("/") else posixpath.splitext(url)[0] + ".cite"
    return {ext: f"{base}.{ext}" for ext in ARTICLE_FORMATS}
