"""Validators for the built site: the W3C Nu HTML checker and the sitemaps.org schema."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from tests.support.tools import SITEMAP_XSD, VNU_JAR, require_file

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
    """Validate a sitemap.xml against the sitemaps.org schema and, for its xhtml:link
    alternates (which the sitemap schema lets in under a strict wildcard), the W3C's XHTML
    1.0 Strict schema; return the error lines.

    xmlschema, not lxml: lxml cannot resolve the XHTML schema's import of xml.xsd without
    the network, while xmlschema ships both (and the XHTML schema is the one Google names
    for hreflang alternates in sitemaps). Without the schema (no `npm ci`) the test skips,
    or fails under CI=true, as every test of a missing tool does."""
    import xmlschema

    require_file(xsd, "run `npm ci --ignore-scripts` in the repository root")

    xhtml = Path(xmlschema.__file__).parent / "schemas" / "XHTML" / "xhtml1-strict.xsd"
    schema = xmlschema.XMLSchema(str(xsd), locations={"http://www.w3.org/1999/xhtml": str(xhtml)})
    return [f"{path}:{getattr(error, 'sourceline', '?')}: {error.reason}" for error in schema.iter_errors(str(path))]
