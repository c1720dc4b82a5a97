"""What a migration did, in three lists: converted, needs a person, differs from Hugo."""

from __future__ import annotations

from dataclasses import dataclass, field

from sitegen.migrate.shortcodes import ShortcodeResult


@dataclass
class MigrationReport:
    site: str
    into: str
    config_files: tuple[str, ...] = ()
    copied: dict[str, int] = field(default_factory=dict)  # folder -> files
    shortcodes: list[ShortcodeResult] = field(default_factory=list)
    differences: list[str] = field(default_factory=list)
    read_files: list[str] = field(default_factory=list)  # copied because a shortcode reads them
    partials: list[str] = field(default_factory=list)  # translated because a shortcode calls them
    written: int = 0
    unchanged: int = 0

    @property
    def stubs(self) -> list[ShortcodeResult]:
        return [s for s in self.shortcodes if s.status == "stub"]


def _uses(result: ShortcodeResult) -> str:
    usage = result.usage
    if usage is None:
        return ""
    times = "1 use" if usage.count == 1 else f"{usage.count} uses"
    return f" ({times}, first at {usage.example})"


def format_report(report: MigrationReport) -> str:
    """The report printed after a migration."""
    files = ", ".join(f"{count} in {folder}/" for folder, count in report.copied.items() if count)
    lines = [f"Migrated the Hugo site {report.site} into {report.into}/",
             f"  config: {', '.join(report.config_files) or '(none: Hugo defaults)'} -> config.yaml",
             f"  files: {files or 'none'}",
             *([f"  read by shortcodes (readFile), copied: {', '.join(report.read_files)}"]
               if report.read_files else []),
             f"  written: {report.written} files; unchanged: {report.unchanged}", ""]
    converted = [s for s in report.shortcodes if s.status in ("translated", "built-in")]
    lines.append(f"Converted automatically ({len(converted)}):")
    lines += [f"  templates/shortcodes/{s.name}.html: from {s.origin}{_uses(s)}" for s in converted]
    if report.partials:
        lines.append("  the partials they call, in templates/hugo_partials/: " + ", ".join(report.partials))
    shipped = [s for s in report.shortcodes if s.status == "shipped"]
    if shipped:
        lines.append("  served by the archive's own templates: " + ", ".join(s.name for s in shipped))
    lines += ["", f"Needs a person ({len(report.stubs)}):"]
    for stub in report.stubs:
        lines.append(f"  templates/shortcodes/{stub.name}.html: stub showing only its inner text "
                     f"({stub.reason}){_uses(stub)}")
    lines += ["", f"Differs from Hugo ({len(report.differences)}):"]
    lines += [f"  - {line}" for line in report.differences]
    lines += ["", f"Next: treaty-archive build --root {report.into}"]
    return "\n".join(lines)
