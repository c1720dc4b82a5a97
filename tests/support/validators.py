"""Validators for the built site: the W3C Nu HTML checker and the sitemaps.org schema."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from tests.support.tools import SITEMAP_XSD, VNU_JAR

# `--format gnu` prints one line per problem: "file:/abs/x.html":3.16-3.19: error: message
_GNU_LINE = re.compile(r'^"file:(?P<path>[^"]*)":(?P<rest>.*)$')


def run_vnu(paths: Iterable[Path], *, jar: Path = VNU_JAR, java: str = "java") -> list[str]:
    """Check HTML files or folders with the Nu checker; return one line per error.

    Each line reads `path:line.col-line.col: error: message`. Folders are walked and
    files that are not HTML are skipped. A checker crash raises RuntimeError.
    """
    targets = [Path(path) for path in paths]
    for target in targets:
        if not target.exists():
            raise FileNotFoundError(f"cannot validate {target}: no such file or folder")
    if not targets:
        return []
    command = [java, "-jar", str(jar), "--errors-only", "--skip-non-html", "--format", "gnu",
               *map(str, targets)]
    done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8",
                          errors="replace", check=False, timeout=600)
    errors = [_tidy(line) for line in (done.stdout + done.stderr).splitlines()
              if line.startswith('"file:')]
    if done.returncode not in (0, 1) or (done.returncode == 1 and not errors):
        raise RuntimeError(f"vnu exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return errors


def _tidy(line: str) -> str:
    match = _GNU_LINE.match(line)
    if match is None:
        return line
    return os.path.normpath(match["path"]) + ":" + match["rest"]


def validate_sitemap(path: Path, *, xsd: Path = SITEMAP_XSD) -> list[str]:
    """Validate a sitemap.xml against the sitemaps.org schema; return the error lines."""
    from lxml import etree

    schema = etree.XMLSchema(etree.parse(str(xsd)))
    document = etree.parse(str(path))
    if schema.validate(document):
        return []
    return [f"{path}:{error.line}: {error.message}" for error in schema.error_log]
