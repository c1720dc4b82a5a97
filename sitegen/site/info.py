"""What shortcode templates see as `site` while bodies are converted: the configured values.

Bodies are converted before the site is assembled (in worker processes, and from the
cache), so `site` is then the configuration: title, base URL, language, `extra` and the
data folder. A shortcode that reads more of the site (its articles, taxonomies, sections)
gets the assembled `SiteView` instead, in a second pass (see build/loading.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sitegen.config.settings import Config

# The attributes of `site` known before the site is assembled.
CONFIG_ATTRIBUTES = frozenset({"title", "description", "base_url", "base_path", "language", "author",
                               "copyright", "extra", "data"})


@dataclass(frozen=True)
class SiteInfo:
    title: str
    description: str
    base_url: str
    base_path: str
    language: str
    author: str
    copyright: str
    extra: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config, data: dict[str, Any] | None = None) -> SiteInfo:
        site = config.site
        return cls(site.title, site.description, site.base_url, config.base_path, site.language,
                   site.author, site.copyright, dict(config.extra), data or {})
