"""Read a Hugo site's configuration the way Hugo merges it, into one plain mapping.

Hugo reads one root file (``hugo.toml`` before ``config.toml``; TOML, YAML or JSON) and
then every file of ``config/_default/``, where a file named after a key (``params.toml``,
``menus.en.toml``) holds that key's value. Keys are case-insensitive in Hugo, so every
key is lower-cased here; the default language's own settings (``languages.en.params``...)
are merged over the root ones, as Hugo does for the pages of that language.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sitegen.errors import ConfigError, Diagnostic

ROOT_NAMES = ("hugo", "config")
FORMATS = (".toml", ".yaml", ".yml", ".json")
# Keys a language may set for itself, merged over the root's for the default language.
LANGUAGE_KEYS = ("title", "params", "menus", "menu", "taxonomies", "permalinks", "copyright",
                 "languagecode", "locale", "hascjklanguage", "summarylength", "contentdir",
                 "pagination", "paginate")


@dataclass(frozen=True)
class HugoConfig:
    """The merged configuration, with the files it came from (relative to the site)."""

    values: dict[str, Any]
    files: tuple[str, ...]
    languages: tuple[str, ...] = ()  # every configured language, the default first
    problems: tuple[Diagnostic, ...] = field(default_factory=tuple)

    def get(self, *keys: str, default: Any = None) -> Any:
        """The value at a path of lower-case keys, or `default`."""
        node: Any = self.values
        for key in keys:
            if not isinstance(node, dict) or key not in node:
                return default
            node = node[key]
        return node

    @property
    def default_language(self) -> str:
        return self.languages[0] if self.languages else "en"


def read_hugo_config(site: Path) -> HugoConfig:
    """Read and merge the site's configuration; ConfigError if a file cannot be parsed."""
    files: list[Path] = []
    root = find_root_file(site)
    values: dict[str, Any] = {}
    if root is not None:
        files.append(root)
        values = load_file(root, site)
    folder = site / "config" / "_default"
    if folder.is_dir():
        for path in sorted(p for p in folder.iterdir() if p.suffix in FORMATS and p.is_file()):
            files.append(path)
            _merge_named_file(values, path, load_file(path, site))
    default = str(values.get("defaultcontentlanguage") or "en").lower()
    languages = _languages(values, default)
    _apply_language(values, default)
    return HugoConfig(values, tuple(p.relative_to(site).as_posix() for p in files), languages)


def find_root_file(site: Path) -> Path | None:
    """The root config file Hugo would read: hugo.* before config.*, TOML first."""
    for name in ROOT_NAMES:
        for suffix in FORMATS:
            path = site / f"{name}{suffix}"
            if path.is_file():
                return path
    return None


def load_file(path: Path, site: Path) -> dict[str, Any]:
    """Parse one config file into a mapping with lower-case keys."""
    rel = path.relative_to(site).as_posix()
    try:
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix == ".toml":
            data: Any = tomllib.loads(text)
        elif path.suffix == ".json":
            data = json.loads(text) if text.strip() else {}
        else:
            data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, json.JSONDecodeError,
            yaml.YAMLError) as exc:
        raise ConfigError([Diagnostic(rel, _error_line(exc), 0, "error",
                                      f"cannot read this Hugo config file: {_first_line(exc)}",
                                      "check that `hugo` itself accepts the file")]) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError([Diagnostic(rel, 1, 1, "error", "a Hugo config file must be a mapping",
                                      "check that `hugo` itself accepts the file")])
    return lower_keys(data)


def lower_keys(value: Any) -> Any:
    """The same data with every mapping key lower-cased (Hugo's keys ignore case)."""
    if isinstance(value, dict):
        return {str(k).lower(): lower_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [lower_keys(v) for v in value]
    return value


def deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """`over` merged into `base` (in place): mappings merge, anything else replaces."""
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            deep_merge(base[key], value)
        else:
            base[key] = value
    return base


def _merge_named_file(values: dict[str, Any], path: Path, data: dict[str, Any]) -> None:
    """config/_default/params.toml is `params`; menus.en.toml is the en language's menus."""
    parts = path.stem.lower().split(".")
    if parts[0] in ROOT_NAMES:
        deep_merge(values, data)
        return
    target: dict[str, Any] = {parts[0]: data}
    if len(parts) > 1:
        target = {"languages": {parts[1]: target}}
    deep_merge(values, target)


def _languages(values: dict[str, Any], default: str) -> tuple[str, ...]:
    configured = values.get("languages")
    names = [str(n).lower() for n in configured] if isinstance(configured, dict) else []
    return (default, *sorted(n for n in names if n != default))


def _apply_language(values: dict[str, Any], default: str) -> None:
    """Merge the default language's own settings over the root ones."""
    languages = values.get("languages")
    own = languages.get(default) if isinstance(languages, dict) else None
    if not isinstance(own, dict):
        return
    for key in LANGUAGE_KEYS:
        if key in own:
            value = own[key]
            target = "menus" if key == "menu" else key
            if isinstance(value, dict) and isinstance(values.get(target), dict):
                deep_merge(values[target], value)
            else:
                values[target] = value


def _error_line(exc: Exception) -> int:
    mark = getattr(exc, "problem_mark", None)
    if mark is not None:
        return int(mark.line) + 1
    return int(getattr(exc, "lineno", 0) or 0)


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
