"""Build any Hugo site both ways, Hugo's and ours (through `migrate`), and compare the pages.

Used by `python scripts/hugo_parity.py SITE_DIR` and by tests/hugo_parity/test_migrate_parity.py.

Hugo's side: a copy of the site whose page layouts are replaced by the parity corpus's
dumping layouts (every page's URL, title, dates, terms, summary and word count into one
dump.json). The site's and its theme's shortcodes, partials and render hooks stay, so the
content renders as it does on the real site; the theme's other layouts are not needed
(and often need Hugo modules or a network this run does not have). Content adapters
(_content.gotmpl) are removed: they usually fetch remote data.

Our side: `migrate` into a new folder, the corpus's dumping templates in place of the
theme's page templates, then an ordinary build.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sitegen.migrate.hugo_config import read_hugo_config
from sitegen.migrate.layout import theme_roots

PARITY_DIR = ROOT / "tests" / "hugo_parity"
HUGO_LAYOUTS = PARITY_DIR / "site" / "layouts"
OURS_TEMPLATES = PARITY_DIR / "ours_templates"
KEPT_LAYOUTS = ("shortcodes", "_shortcodes", "partials", "_partials", "_markup",
                "_default/_markup")
# Hugo's output, caches and lock at the site's root; .git and content adapters anywhere. A
# content folder named `resources` (Hugo's docs: functions/resources/) is content.
ROOT_IGNORED = {"public", "resources", "node_modules", ".hugo_build.lock"}
ANYWHERE_IGNORED = {".git", "_content.gotmpl"}


def _ignored_for(root: Path) -> Any:
    def ignored(folder: str, names: list[str]) -> set[str]:
        at_root = Path(folder) == root
        return {n for n in names if n in ANYWHERE_IGNORED or (at_root and n in ROOT_IGNORED)}
    return ignored
Entries = dict[str, dict[str, Any]]
CONFIG_NAME = "sitegen-parity.json"
# The corpus's home.dump.json, for any site: sections without an _index.md have no file.
HOME_DUMP = """\
{{- $pages := dict -}}
{{- range $p := where site.Pages "Kind" "in" (slice "page" "section") -}}
  {{- with $p.File -}}
    {{- $pages = merge $pages (dict .Path (partial "sitegen-dump-page.json" $p)) -}}
  {{- end -}}
{{- end -}}
{{- $terms := dict -}}
{{- range where site.Pages "Kind" "term" -}}
  {{- $d := partial "sitegen-dump-term.json" . -}}
  {{- $terms = merge $terms (dict $d.url $d) -}}
{{- end -}}
{{- dict "pages" $pages "terms" $terms | jsonify (dict "indent" " ") -}}
"""


def prepare_hugo_site(site: Path, tmp: Path) -> Path:
    """A copy of `site` that Hugo builds into one dump.json (see the module docstring)."""
    copy = tmp / "hugo-site"
    shutil.copytree(site, copy, ignore=_ignored_for(site), symlinks=True)
    hugo = read_hugo_config(site)
    _keep_layouts(copy / "layouts")
    for theme in theme_roots(site, hugo)[1:]:
        for folder in KEPT_LAYOUTS:
            _copy_missing(theme / "layouts" / folder, copy / "layouts" / folder)
        for folder in ("data", "assets", "i18n"):
            _copy_missing(theme / folder, copy / folder)
    _prune_partials(copy / "layouts")
    _write_dump_layouts(copy / "layouts")
    _write_config(copy, hugo.values)
    return copy


def _keep_layouts(layouts: Path) -> None:
    """Remove every layout but shortcodes, partials and render hooks."""
    if not layouts.is_dir():
        return
    keep = {layouts / k for k in KEPT_LAYOUTS}
    for path in sorted(layouts.rglob("*"), reverse=True):
        if path.is_file() and not any(path.is_relative_to(k) for k in keep):
            path.unlink()


_PARTIAL_CALL_RE = re.compile(r'partial(?:Cached)?\s+"([^"]+)"')


def _prune_partials(layouts: Path) -> None:
    """Keep only the partials shortcodes and render hooks call (Hugo compiles every template,
    and the theme's page partials call templates that are not there)."""
    folders = [layouts / "partials", layouts / "_partials"]
    wanted: set[str] = set()
    pending = [p for k in KEPT_LAYOUTS if "partials" not in k for p in (layouts / k).rglob("*.html")]
    while pending:
        text = pending.pop().read_text(encoding="utf-8", errors="replace")
        for name in _PARTIAL_CALL_RE.findall(text):
            name = name if "." in Path(name).name else name + ".html"
            if name in wanted:
                continue
            wanted.add(name)
            pending += [f / name for f in folders if (f / name).is_file()]
    for folder in folders:
        for path in list(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path.relative_to(folder).as_posix() not in wanted:
                path.unlink()


def _copy_missing(source: Path, target: Path) -> None:
    if not source.is_dir():
        return
    for path in source.rglob("*"):
        destination = target / path.relative_to(source)
        if path.is_file() and not destination.exists():
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, destination)


def _write_dump_layouts(layouts: Path) -> None:
    partials = layouts / "_partials"
    partials.mkdir(parents=True, exist_ok=True)
    for name in ("dump-page.json", "dump-term.json"):
        text = (HUGO_LAYOUTS / "partials" / name).read_text(encoding="utf-8")
        (partials / f"sitegen-{name}").write_text(text, encoding="utf-8")
    home = HOME_DUMP
    (layouts / "_default").mkdir(parents=True, exist_ok=True)
    (layouts / "_default" / "home.dump.json").write_text(home, encoding="utf-8")


def _write_config(copy: Path, values: dict[str, Any]) -> None:
    """The config Hugo reads (CONFIG_NAME, passed with --config; the site's own files stay for
    shortcodes that read them): the site's, without its theme, with the dump output."""
    config = json.loads(json.dumps(values, default=str))
    config.pop("theme", None)
    config["enablegitinfo"] = False  # the copy is no git repository; migrate reads no git dates
    module = config.get("module")
    if isinstance(module, dict):
        module.pop("imports", None)
        module.pop("hugoversion", None)
    config["outputformats"] = {**config.get("outputformats", {}), "dump": {
        "mediatype": "application/json", "basename": "dump", "isplaintext": True,
        "notalternative": True}}
    config["outputs"] = {"home": ["html", "dump"], "page": ["html"], "section": ["html"],
                         "taxonomy": ["html"], "term": ["html"]}
    if (copy / "config").is_dir():  # Hugo merges config/_default/ even with --config
        (copy / "config").rename(copy / "config.sitegen-parity")
    (copy / CONFIG_NAME).write_text(json.dumps(config, indent=1), encoding="utf-8")


_HUGO_PAGE_ERROR_RE = re.compile(r'"[^"]*?/hugo-site/content/([^":]+):\d+:\d+": (.*)')


_MISSING_SHORTCODE_RE = re.compile(r'template for shortcode "([\w./-]+)" not found')
_CLOSED_SHORTCODE_RE = re.compile(r'shortcode "([\w./-]+)" does not evaluate \.Inner')


def _stub_missing_shortcode(copy: Path, stderr: str) -> bool:
    """Give Hugo the stub migrate gives us for a shortcode defined nowhere in the site (its
    theme is not in the repository): nothing, or the inner text where the content closes it
    (Hugo decides by whether the template reads .Inner). Both sides then show the same, and
    the page is measured instead of left out. False when there is nothing to stub."""
    folder = copy / "layouts" / "shortcodes"
    closed = _CLOSED_SHORTCODE_RE.search(stderr)
    if closed and (folder / f"{closed.group(1)}.html").read_text(encoding="utf-8") == "":
        (folder / f"{closed.group(1)}.html").write_text("{{- .Inner -}}", encoding="utf-8")
        return True
    match = _MISSING_SHORTCODE_RE.search(stderr)
    if match is None or (folder / f"{match.group(1)}.html").exists():
        return False
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{match.group(1)}.html").write_text("", encoding="utf-8")
    return True


def build_hugo(copy: Path, dest: Path, run_hugo: Any) -> tuple[Entries, dict[str, str]]:
    """Hugo's dump of the copy. A page Hugo cannot build here (its shortcodes fetch remote
    files, or call what the missing theme layouts provided) is removed and Hugo run again;
    returns (entries, {removed page: Hugo's error})."""
    dropped: dict[str, str] = {}
    while True:
        result = run_hugo(copy, dest, copy / CONFIG_NAME)
        if result.returncode == 0:
            break
        if _stub_missing_shortcode(copy, result.stderr):
            continue
        match = _HUGO_PAGE_ERROR_RE.search(result.stderr)
        if match is None or match.group(1) in dropped or len(dropped) > 200:
            raise RuntimeError(f"hugo failed on {copy}:\n{result.stderr[-3000:]}")
        dropped[match.group(1)] = match.group(2)[:160]
        (copy / "content" / match.group(1)).unlink()
    dump = json.loads((dest / "dump.json").read_text(encoding="utf-8"))
    entries: Entries = dict(dump["pages"])
    entries.update({"term:" + url: term for url, term in dump["terms"].items()})
    return dict(sorted(entries.items())), dropped


def prepare_our_site(site: Path, tmp: Path) -> tuple[Path, str]:
    """Migrate `site` and swap in the dumping templates; returns (project, migration report)."""
    from sitegen.migrate.report import format_report
    from sitegen.migrate.run import migrate

    root = tmp / "ours"
    report = migrate(site, root)
    # The project's own templates are its shortcodes (the theme is the package's); the
    # dumping templates go beside them, over the theme's page templates.
    shutil.copytree(OURS_TEMPLATES, root / "templates", dirs_exist_ok=True)
    _parity_config(root / "config.yaml")
    return root, format_report(report)


def _parity_config(path: Path) -> None:
    """Every list on one page (so each term lists all its pages), and no search index."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["pagination"] = {"page_size": 1_000_000}
    data["search"] = {"enabled": False}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class Stats:
    """The issue's targets, measured."""

    regular: int = 0
    same_page: int = 0  # same URL, title, date, draft, categories and tags
    words_equal: int = 0
    words_close: int = 0  # within 2%
    summaries_equal: int = 0  # first 60 characters of plain text
    outlines_equal: int = 0  # the same blocks with the same text (see `outline`)
    terms: int = 0
    terms_equal: int = 0
    only_hugo: list[str] = field(default_factory=list)
    only_ours: list[str] = field(default_factory=list)
    mismatches: dict[str, list[str]] = field(default_factory=dict)  # field -> keys


PAGE_IDENTITY = ("url", "title", "date", "draft", "categories", "tags")


def outline(fragment: str) -> list[str]:
    """The top-level blocks of a page's HTML, each as "tag: its text -> its links and images":
    what the reader sees, without the markup details in which Chroma and Pygments (and our
    two engines) differ."""
    from lxml import etree
    from lxml import html as lxml_html

    if not fragment.strip():
        return []
    blocks = []
    for node in lxml_html.fragments_fromstring(fragment):
        if isinstance(node, str):
            text = "".join(node.split())
            blocks += [f"text: {text}"] if text else []
            continue
        if not isinstance(node.tag, str) or isinstance(node, etree._Comment):
            continue
        classes = set(node.get("class", "").split())
        code = node.tag == "pre" or (node.tag == "div" and bool({"highlight", "codehilite"} & classes))
        # An alert's markup is the hook's (or ours, docs/hugo-differences.md): its text is compared.
        alert = "alert" in classes or node.get("role") == "note"
        tag = "code" if code else "table" if "table-scroll" in classes else "alert" if alert else node.tag
        targets = [e.get("href") or e.get("src") for e in node.iter("a", "img") if e.get("href") or e.get("src")]
        links = f" -> {' '.join(targets)}" if targets and not code else ""
        # The characters without white space: Chroma and Pygments lay out line numbers
        # differently (word counts are compared on their own).
        text = "".join(node.text_content().split())
        blocks.append(f"{tag}: {text}{links}")
    return blocks


def measure(hugo: Entries, ours: Entries, normalise: Any) -> Stats:
    """Count the targets over Hugo's regular pages and terms."""
    stats = Stats()
    for key, page in hugo.items():
        if key.startswith("term:"):
            _measure_term(stats, key, page, ours.get(key))
        elif page.get("kind") == "page":
            _measure_page(stats, key, page, ours.get(key), normalise)
    stats.only_ours = sorted(k for k in ours if k not in hugo and ours[k].get("kind") in ("page", "article"))
    return stats


def _measure_page(stats: Stats, key: str, page: dict[str, Any], mine: dict[str, Any] | None,
                  normalise: Any) -> None:
    stats.regular += 1
    if mine is None or "error" in mine:
        stats.only_hugo.append(key if mine is None else f"{key} ({mine['error'][:80]})")
        return
    differing = [f for f in PAGE_IDENTITY if normalise(f, page.get(f)) != normalise(f, mine.get(f))]
    for name in differing:
        stats.mismatches.setdefault(name, []).append(key)
    stats.same_page += not differing
    theirs, ours_count = page.get("word_count", 0), mine.get("word_count", 0)
    stats.words_equal += theirs == ours_count
    stats.words_close += abs(theirs - ours_count) <= 0.02 * max(theirs, 1)
    if theirs != ours_count:
        stats.mismatches.setdefault("word_count", []).append(f"{key} ({theirs} vs {ours_count})")
    left = " ".join(normalise("plain_summary", page.get("plain_summary")).split())[:60]
    right = " ".join(normalise("plain_summary", mine.get("plain_summary")).split())[:60]
    stats.summaries_equal += left == right
    if outline(page.get("content") or "") == outline(mine.get("content") or ""):
        stats.outlines_equal += 1
    else:
        stats.mismatches.setdefault("outline", []).append(key)
    if left != right:
        stats.mismatches.setdefault("summary", []).append(f"{key}\n      hugo={left!r}\n      ours={right!r}")


def _measure_term(stats: Stats, key: str, term: dict[str, Any], mine: dict[str, Any] | None) -> None:
    stats.terms += 1
    if mine is not None and len(term.get("pages") or []) == len(mine.get("pages") or []):
        stats.terms_equal += 1
    else:
        stats.mismatches.setdefault("term_count", []).append(
            f"{key} ({len(term.get('pages') or [])} vs {len((mine or {}).get('pages') or [])})")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "  n/a"


def format_stats(name: str, stats: Stats, examples: int = 5) -> str:
    """The table of targets, then a few examples of each kind of mismatch."""
    n = stats.regular
    lines = [f"{name}: {n} regular pages (Hugo), {stats.terms} terms",
             f"  same URL, title, date, draft, categories, tags: {_percent(stats.same_page, n)}  (target >= 99%)",
             f"  terms with the same page count:              "
             f"{_percent(stats.terms_equal, stats.terms)}  (target >= 99%)",
             f"  word count equal:                             {_percent(stats.words_equal, n)}  (target >= 95%)",
             f"  word count within 2%:                         {_percent(stats.words_close, n)}  (target >= 99%)",
             f"  summary equal (first 60 characters):          {_percent(stats.summaries_equal, n)}  (target >= 97%)",
             f"  same blocks with the same text (outline):     {_percent(stats.outlines_equal, n)}",
             f"  pages only in Hugo: {len(stats.only_hugo)}; only ours: {len(stats.only_ours)}"]
    for label, keys in [("only in Hugo", stats.only_hugo), ("only ours", stats.only_ours),
                        *sorted(stats.mismatches.items())]:
        if keys:
            lines.append(f"  {label} ({len(keys)}): " + "; ".join(keys[:examples]))
    return "\n".join(lines)


def build_ours(root: Path) -> Entries:
    """Build a prepared project; a page our engine refuses is recorded and left out."""
    from sitegen.build.pipeline import build
    from sitegen.config.settings import load_config
    from sitegen.errors import SiteError

    config = load_config(root)
    refused: Entries = {}
    while True:
        try:
            build(config, now=datetime.now(UTC))
            break
        except SiteError as exc:
            errors = [d for d in exc.diagnostics if d.is_error]
            sources = {d.path for d in errors if d.path.startswith("content/") and (root / d.path).is_file()}
            if not sources:
                raise
            for source in sources:
                (root / source).unlink()
                refused[source.split("/", 1)[1]] = {"error": "; ".join(
                    f"{d.line}: {d.message}" for d in errors if d.path == source)}
    from hugo_parity import _read_dumps  # type: ignore[import-not-found]

    return dict(sorted({**_read_dumps(config.path("output")), **refused}.items()))


SITES_DIR = PARITY_DIR / "sites"  # small Hugo sites, one per kind of difference the issue found
SITES_EXPECTED = PARITY_DIR / "sites_expected"  # Hugo's dump of each, as hugo_parity.py --update-sites wrote it


def fixture_sites() -> list[Path]:
    return sorted(p for p in SITES_DIR.iterdir() if p.is_dir()) if SITES_DIR.is_dir() else []


def hugo_entries(site: Path, tmp: Path, run_hugo: Any) -> dict[str, Any]:
    """Hugo's dump of a site (pages Hugo cannot build here left out) and its published
    content resources."""
    entries, _ = build_hugo(prepare_hugo_site(site, tmp), tmp / "hugo-out", run_hugo)
    return {"entries": entries, "resources": content_resources(tmp / "hugo-out", site)}


def our_entries(site: Path, tmp: Path) -> dict[str, Any]:
    """Our dump of a site, migrated, and its published content resources."""
    root, _ = prepare_our_site(site, tmp)
    return {"entries": build_ours(root), "resources": content_resources(root / "public", site)}


def content_resources(out_dir: Path, site: Path) -> list[str]:
    """Output files named like a file of the site's content that is not a page: where the
    images and other files beside the pages were published."""
    names = {p.name for p in (site / "content").rglob("*")
             if p.is_file() and p.suffix not in (".md", ".markdown", ".html")}
    return sorted(p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
                  if p.is_file() and p.name in names)
