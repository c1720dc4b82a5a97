"""Summarise the bench's runs as Markdown tables: medians per builder, then ratios."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from measure import Measurement

MB = 1024 * 1024
LABELS = {"ours": "ours", "hugo": "Hugo", "pelican": "Pelican", "floor": "floor"}


@dataclass
class Cell:
    """Every timed run of one builder in one scenario at one size."""

    runs: list[Measurement] = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    touched: list[int] = field(default_factory=list)
    status: str = "ok"  # ok, failed, n/a
    detail: str = ""  # why it failed or does not apply

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(m, attribute) for m in self.runs)


def render_size(n: int, scenarios: list[tuple[str, str]], tools: list[str],
                cells: dict[tuple[str, str], Cell]) -> str:
    """The section of the report for one corpus size."""
    lines = [f"## {n:,} articles", "",
             ("| scenario | builder | wall s, median (min–max) | CPU s | peak RSS tree MB "
              "| max RSS 1 proc MB | pages | touched |"),
             "|---|---|---|---|---|---|---|---|"]
    for key, title in scenarios:
        for tool in tools:
            cell = cells.get((key, tool))
            if cell is not None:
                lines.append(f"| {title} | {LABELS[tool]} | {_cell_row(cell)} |")
    lines += ["", _ratio_table(scenarios, tools, cells), ""]
    failures = [(title, tool, cells[(key, tool)]) for key, title in scenarios for tool in tools
                if (key, tool) in cells and cells[(key, tool)].status == "failed"]
    for title, tool, cell in failures:
        lines += [f"**{LABELS[tool]} failed in '{title}'**:", "", "```", cell.detail, "```", ""]
    return "\n".join(lines)


def _cell_row(cell: Cell) -> str:
    if not cell.runs:
        return f"{cell.status}: {_first_line(cell.detail)} | | | | | "
    walls = [m.wall for m in cell.runs]
    wall = f"{cell.median('wall'):.2f} ({min(walls):.2f}–{max(walls):.2f})"
    if cell.status != "ok":
        wall += f" {cell.status} after {len(cell.runs)} run(s)"
    pages = str(cell.pages[-1]) if cell.pages and cell.pages[-1] >= 0 else "–"
    touched = str(round(statistics.median(cell.touched))) if cell.touched and min(cell.touched) >= 0 else "–"
    return (f"{wall} | {cell.median('cpu'):.2f} | {cell.median('peak_rss_tree') / MB:.0f} "
            f"| {cell.median('max_rss_single') / MB:.0f} | {pages} | {touched}")


def _ratio_table(scenarios: list[tuple[str, str]], tools: list[str],
                 cells: dict[tuple[str, str], Cell]) -> str:
    others = [t for t in tools if t != "ours"]
    head = "| scenario | " + " | ".join(
        f"ours/{LABELS[t]} wall | ours/{LABELS[t]} CPU | ours/{LABELS[t]} RSS" for t in others) + " |"
    lines = [head, "|---|" + "---|---|---|" * len(others)]
    floor = _usable(cells, "cold", "floor") or _usable(cells, "floor", "floor")
    for key, title in scenarios:
        ours = _usable(cells, key, "ours")
        row = []
        for tool in others:
            other = floor if tool == "floor" else _usable(cells, key, tool)
            row += [_ratio(ours, other, attr) for attr in ("wall", "cpu", "peak_rss_tree")]
        lines.append(f"| {title} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _usable(cells: dict[tuple[str, str], Cell], key: str, tool: str) -> Cell | None:
    cell = cells.get((key, tool))
    return cell if cell is not None and cell.status == "ok" and cell.runs else None


def _ratio(ours: Cell | None, other: Cell | None, attribute: str) -> str:
    if ours is None or other is None:
        return "–"
    denominator = other.median(attribute)
    return f"{ours.median(attribute) / denominator:.2f}" if denominator else "–"


def _first_line(text: str) -> str:
    """The line that says what went wrong: the last one mentioning an error, else the last."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1].replace("|", "\\|")[:160]
