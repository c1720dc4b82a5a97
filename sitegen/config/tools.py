"""Where the external tools a project names in config.yaml are: `search.pagefind`.

In the config layer so that a wrong setting is reported with its line and column when
config.yaml is loaded (config/settings.py), before a build starts, and by the same rule
the indexer finds the binary with (search/pagefind_cli.py)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def configured_tool(root: Path | None, configured: str) -> tuple[Path, bool]:
    """A setting's file, and whether it is an executable file: a path (relative to the
    project) or the name of a command on PATH."""
    named = Path(configured).expanduser()
    if len(named.parts) == 1 and not named.is_absolute():
        found = shutil.which(configured)
        path = Path(found) if found else (root or Path.cwd()) / named
    else:
        path = named if named.is_absolute() or root is None else root / named
    return path, path.is_file() and os.access(path, os.X_OK)


def not_executable(configured: str, path: Path) -> tuple[str, str]:
    """The message and hint for a `search.pagefind` that is no executable file."""
    return (f"search.pagefind is '{configured}', which is not an executable file"
            + (f" ({path})" if str(path) != configured else ""),
            "give the path of Pagefind's extended binary, or remove the setting "
            "to use the project's node_modules, pip's pagefind[extended] or PATH")
