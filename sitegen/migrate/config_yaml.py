"""Write the migrated settings as a commented config.yaml that says where each came from."""

from __future__ import annotations

from typing import Any

import yaml

from sitegen.migrate.config_map import MappedConfig

_PERMALINK_NOTE = """\
# Hugo's permalinks. Sections without a pattern keep Hugo's default, the content path:
# content/posts/x.md is /posts/x/ (or /posts/<slug>/ with a front matter slug)."""


def render_config(mapped: MappedConfig, source: str) -> str:
    """config.yaml for the migrated project; `source` names the Hugo config files read."""
    parts = [
        (f"# Migrated from a Hugo site ({source}) by `treaty-archive migrate`.\n"
         "# Every key is documented in README.md (\"Configuration reference\").\n"),
        _block("site", mapped.site, "# baseURL, title, languageCode, params.description/author, copyright"),
        _block("markdown", mapped.markdown,
               "# markup.goldmark.renderer.unsafe, hasCJKLanguage, summaryLength, typographer"),
        _block("taxonomies", mapped.taxonomies, "# taxonomies (singular: plural)"),
        _block("permalinks", mapped.permalinks, _PERMALINK_NOTE),
        _block("pagination", mapped.pagination, "# pagination.pagerSize (or paginate)"),
        _block("ignore_files", mapped.ignore_files,
               "# ignoreFiles: content files matching these are not published (R Markdown and\n"
               "# Quarto sources never are)"),
        _block("disable_aliases", mapped.disable_aliases or {},
               "# disableAliases: no redirect pages are made for front matter aliases"),
        _block("menus", mapped.menus, "# menus from the config; pages add entries with `menu:`"),
        _block("extra", mapped.extra, "# params: templates read them as site.extra"),
        "search:\n  enabled: true\n",
    ]
    return "\n".join(part for part in parts if part)


def _block(key: str, value: Any, comment: str) -> str:
    if value in ({}, []) and key not in ("permalinks", "taxonomies"):
        return ""
    body = yaml.safe_dump({key: value}, sort_keys=False, allow_unicode=True,
                          default_flow_style=False, width=100)
    return f"{comment}\n{body}"
