"""Where a Hugo site keeps its things: content folders, theme folders, other-language files.

Hugo finds a theme by name under ``themes/`` or as a module (``[[module.imports]]``); a
theme's example site imports the theme it sits in, often through a ``replace`` in its
go.mod. Content may be mounted from another folder (``content/en``). Only what this
module finds is migrated; the report says what it left out.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sitegen.migrate.hugo_config import HugoConfig

_REPLACE_RE = re.compile(r"^\s*replace\s+(\S+)(?:\s+\S+)?\s+=>\s+(\S+)", re.MULTILINE)


def theme_roots(site: Path, hugo: HugoConfig) -> list[Path]:
    """The site's folder, then each theme's, in Hugo's order of precedence."""
    roots = [site]
    themes_dir = site / str(hugo.get("themesdir", default="themes"))
    names = hugo.get("theme", default=[])
    for name in names if isinstance(names, list) else [names]:
        if name and (themes_dir / str(name)).is_dir():
            roots.append(themes_dir / str(name))
    for module in _imports(hugo):
        folder = _module_folder(site, themes_dir, module)
        if folder is not None and folder not in roots:
            roots.append(folder)
    return roots


def _imports(hugo: HugoConfig) -> list[str]:
    imports = hugo.get("module", "imports", default=[])
    found = []
    for entry in imports if isinstance(imports, list) else [imports]:
        path = entry.get("path") if isinstance(entry, dict) else entry
        if isinstance(path, str) and path:
            found.append(path)
    return found


def _module_folder(site: Path, themes_dir: Path, module: str) -> Path | None:
    """A module's folder: a go.mod `replace`, the theme an example site sits in, or themes/."""
    go_mod = site / "go.mod"
    if go_mod.is_file():
        for match in _REPLACE_RE.finditer(go_mod.read_text(encoding="utf-8", errors="replace")):
            if match.group(1) == module:
                folder = (site / match.group(2)).resolve()
                if folder.is_dir():
                    return folder
    parent = site.resolve().parent
    if site.name == "exampleSite" and (parent / "layouts").is_dir():
        return parent
    name = re.sub(r"/v\d+$", "", module).rsplit("/", 1)[-1]
    return themes_dir / name if (themes_dir / name).is_dir() else None


def content_folders(site: Path, hugo: HugoConfig) -> list[Path]:
    """Folders mounted as content/ (module mounts), else contentDir (default content/)."""
    mounts = hugo.get("module", "mounts", default=[])
    sources = []
    for mount in mounts if isinstance(mounts, list) else []:
        if (isinstance(mount, dict) and str(mount.get("target", "")).strip("/") == "content"
                and _mount_language_ok(mount, hugo.default_language)):
            sources.append(site / str(mount.get("source", "content")))
    if sources:
        return [s for s in sources if s.is_dir()]
    language_dir = hugo.get("languages", hugo.default_language, "contentdir")
    folder = site / str(language_dir or hugo.get("contentdir", default="content"))
    return [folder] if folder.is_dir() else []


def _mount_language_ok(mount: dict[str, Any], language: str) -> bool:
    lang = mount.get("lang")
    matrix = mount.get("sites", {}).get("matrix", {}) if isinstance(mount.get("sites"), dict) else {}
    languages = matrix.get("languages") if isinstance(matrix, dict) else None
    if lang:
        return str(lang).lower() == language
    if languages:
        return language in [str(x).lower() for x in languages]
    return True


def other_language(relative: str, hugo: HugoConfig) -> bool:
    """Whether a content file is a translation into another language (``x.fr.md``)."""
    parts = Path(relative).name.split(".")
    return len(parts) >= 3 and parts[-2].lower() in hugo.languages[1:]
