"""`treaty-archive migrate HUGO_SITE --into DIR`: make a working project from a Hugo site.

It reads the site's configuration (migrate/hugo_config.py) and writes config.yaml, copies
content/, static/, data/ and assets/, writes a Jinja template for each shortcode the
content uses (translated from the site's Go template, or a stub), and reports what it
converted, what needs a person and what differs from Hugo. Nothing is written when a
file in DIR would be overwritten, unless `force`; a second run over an unchanged site
writes nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.config.settings import load_config
from sitegen.errors import BuildFailed, Diagnostic
from sitegen.migrate.config_map import map_config
from sitegen.migrate.config_yaml import render_config
from sitegen.migrate.files import PlannedFile, conflicts, merge, tree_files, write
from sitegen.migrate.hooks import HookSettings, hook_files, hook_settings
from sitegen.migrate.hugo_config import HugoConfig, read_hugo_config
from sitegen.migrate.inline_shortcodes import inline_result
from sitegen.migrate.layout import content_folders, other_language, theme_roots
from sitegen.migrate.partials import with_partials
from sitegen.migrate.read_files import files_to_copy, read_file_names
from sitegen.migrate.report import MigrationReport
from sitegen.migrate.shortcodes import ShortcodeResult, find_usages, shortcode_templates

PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
_TRANSLATION_KEY_RE = re.compile(r"^\s*translationkey\s*[:=]", re.IGNORECASE | re.MULTILINE)


def migrate(site: Path, into: Path, force: bool = False) -> MigrationReport:
    """Migrate `site` into `into`; raises BuildFailed on conflicts (without --force)."""
    site, into = site.resolve(), into.resolve()
    if not site.is_dir():
        raise BuildFailed([Diagnostic(str(site), 0, 0, "error", "no such folder",
                                      "give the folder that holds the Hugo site's config and content/")])
    hugo = read_hugo_config(site)
    report = MigrationReport(_shown(site), _shown(into), hugo.files)
    content = _content_files(site, hugo, report)
    roots = theme_roots(site, hugo)
    pages = [p.source for p in content if p.source is not None and p.source.suffix in PAGE_SUFFIXES]
    usages = find_usages(_content_root(site, hugo), pages)
    report.shortcodes = _with_inline(shortcode_templates(usages, roots), pages, hugo)
    hooks = hook_settings(roots)
    partials = [PlannedFile(target, data=text.encode("utf-8"))
                for target, text in with_partials(report.shortcodes, roots).items()]
    report.partials = [item.target.split("/", 2)[2] for item in partials]
    read = files_to_copy(site, read_file_names({r.name: r.template for r in report.shortcodes}, pages))
    report.read_files = [item.target for item in read]
    planned = merge(read, _published_assets(site, partials, report), _assets(site, roots), content,
                    _shortcode_files(report.shortcodes), partials, [_config_file(hugo, hooks, report)])
    _note_differences(hugo, roots, hooks, pages, report)
    clashing, needed = conflicts(into, planned)
    if clashing and not force:
        raise BuildFailed([Diagnostic(f"{_shown(into)}/{name}", 0, 0, "error",
                                      "would be overwritten by the migration", "")
                           for name in clashing[:20]] + [_conflict_summary(len(clashing))])
    write(into, needed)
    report.written, report.unchanged = len(needed), len(planned) - len(needed)
    for folder in ("static", "data", "assets"):
        report.copied[folder] = sum(1 for p in planned if p.target.startswith(folder + "/")
                                    and p.source is not None)
    load_config(into)  # the written config must load; a ConfigError here is a bug to report
    return report


def _shown(path: Path) -> str:
    try:
        return path.relative_to(Path.cwd()).as_posix() or "."
    except ValueError:
        return path.as_posix()


def _conflict_summary(count: int) -> Diagnostic:
    return Diagnostic("", 0, 0, "error", f"{count} file(s) in the target folder differ from what "
                      "the migration writes; nothing was written",
                      "migrate into an empty folder, or pass --force to overwrite them")


def _content_root(site: Path, hugo: HugoConfig) -> Path:
    folders = content_folders(site, hugo)
    return folders[0] if folders else site / "content"


def _content_files(site: Path, hugo: HugoConfig, report: MigrationReport) -> list[PlannedFile]:
    """content/ (or the folders mounted as content), without other languages' files."""
    planned, other, adapters = [], 0, 0
    for folder in content_folders(site, hugo):
        for item in tree_files(folder, "content"):
            name = item.target.split("/", 1)[1]
            if name.endswith("_content.gotmpl"):
                adapters += 1
            elif other_language(name, hugo):
                other += 1
            else:
                planned.append(item)
    report.copied["content"] = len(planned)
    if other:
        report.differences.append(f"{other} content file(s) in other languages "
                                  f"({', '.join(hugo.languages[1:])}) are left out")
    if adapters:
        report.differences.append(f"{adapters} content adapter(s) (_content.gotmpl) are not run: "
                                  "the pages they make are missing")
    return planned


_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".avif", ".bmp", ".tif", ".tiff")


def _published_assets(site: Path, partials: list[PlannedFile], report: MigrationReport) -> list[PlannedFile]:
    """assets/ images, copied to static/ too when a translated shortcode publishes files of
    assets/ (`resources.Get`): Hugo publishes those a page uses at the same path; the
    archive publishes them all, unprocessed (docs/hugo-differences.md)."""
    templates = [r.template for r in report.shortcodes if r.status == "translated"]
    templates += [p.bytes().decode("utf-8") for p in partials]
    if any("go.image_filter(" in t or _IMAGE_METHOD_RE.search(t) for t in templates):
        report.differences.append("images are not processed: shortcodes that resize or filter an image "
                                  "(Resize, Fit, Fill, Crop, Filter, images.*) show it as it is")
    if not any("get_resource(" in text for text in templates):
        return []
    images = [PlannedFile("static/" + p.target.split("/", 1)[1], source=p.source)
              for p in tree_files(site / "assets", "assets") if p.target.lower().endswith(_IMAGE_SUFFIXES)]
    if images:
        report.differences.append(f"{len(images)} image(s) of assets/ are copied to static/ too, since "
                                  "shortcodes publish them (resources.Get); Hugo publishes only those used")
    return images


_IMAGE_METHOD_RE = re.compile(r"go\.method\([^\n]*?, '(?:Resize|Fit|Fill|Crop|Filter|Process)'")


def _assets(site: Path, roots: list[Path]) -> list[PlannedFile]:
    """static/, data/ and assets/: the themes' first, then the site's over them."""
    layers: list[list[PlannedFile]] = []
    for root in reversed(roots):
        layers.append(tree_files(root / "data", "data"))
        if root == site:
            layers.append(tree_files(root / "static", "static"))
            layers.append(tree_files(root / "assets", "assets"))
    return merge(*layers)


def _with_inline(results: list[ShortcodeResult], pages: list[Path], hugo: HugoConfig) -> list[ShortcodeResult]:
    """Inline shortcodes (defined nowhere but in the content) translated from their bodies."""
    enabled = hugo.get("enableinlineshortcodes", default=False) is True
    return [inline_result(r, pages, enabled) if r.name.endswith(".inline") and r.status == "stub" else r
            for r in results]


def _shortcode_files(results: list[ShortcodeResult]) -> list[PlannedFile]:
    return [PlannedFile(f"templates/shortcodes/{r.name}.html", data=r.template.encode("utf-8"))
            for r in results if r.template]


def _config_file(hugo: HugoConfig, hooks: HookSettings, report: MigrationReport) -> PlannedFile:
    mapped = map_config(hugo)
    mapped.markdown.update(hooks.markdown)
    report.differences.extend(mapped.unsupported)
    text = render_config(mapped, ", ".join(hugo.files) or "no config file")
    return PlannedFile("config.yaml", data=text.encode("utf-8"))


def _note_differences(hugo: HugoConfig, roots: list[Path], settings: HookSettings, pages: list[Path],
                      report: MigrationReport) -> None:
    """What the report should say beyond the config: hooks, translations, overridden shortcodes."""
    for result in report.shortcodes:
        report.differences.extend(result.notes)
    hooks = sorted(name for name in hook_files(roots) if name not in settings.covered)
    if hooks:
        titles = " (code titles are drawn by the archive: markdown.code_titles)" \
            if "code_titles" in settings.markdown else ""
        report.differences.append(f"render hooks are not translated ({', '.join(hooks)}): links, "
                                  f"images, headings and code render as plain Markdown makes them{titles}")
    keyed = sum(1 for p in pages if _TRANSLATION_KEY_RE.search(_head(p)))
    if keyed:
        report.differences.append(f"translationKey in {keyed} page(s) is not used: pages in "
                                  "other languages are not linked to each other")


def _head(path: Path) -> str:
    try:
        with path.open(encoding="utf-8", errors="replace") as handle:
            return handle.read(4096)
    except OSError:
        return ""
