"""Summarise the bench's runs as Markdown tables: medians per builder, then ratios."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field

from measure import Measurement

MB = 1024 * 1024
LABELS = {"ours": "ours", "ours-nosearch": "ours (search off)", "hugo": "Hugo",
          "hugo+pagefind": "Hugo+Pagefind", "pelican": "Pelican", "floor": "floor"}
# The ratio table's columns: (numerator, denominator). Ours builds a search index, as users
# run it: against Hugo alone, against Hugo with Pagefind (the like-for-like pair), and, with
# search off, against the peers that build none, the floor, and ours with search on.
RATIOS = (("ours", "hugo"), ("ours", "hugo+pagefind"), ("ours-nosearch", "hugo"),
          ("ours-nosearch", "pelican"), ("ours-nosearch", "floor"), ("ours", "ours-nosearch"))


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
    """One column per pair of RATIOS whose builders both ran; each cell wall · CPU · RSS."""
    pairs = [(a, b) for a, b in RATIOS if a in tools and b in tools]
    if not pairs:
        return ""
    head = "| scenario | " + " | ".join(f"{LABELS[a]} / {LABELS[b]}" for a, b in pairs) + " |"
    lines = [("Ratios, each cell wall · CPU · peak RSS tree of the first builder divided by the "
              "second's (below 1: the first is faster or smaller); the floor's figures are its "
              "cold ones, for every scenario:"), "", head, "|---|" + "---|" * len(pairs)]
    floor = _usable(cells, "cold", "floor") or _usable(cells, "floor", "floor")
    for key, title in scenarios:
        row = []
        for a, b in pairs:
            first = _usable(cells, key, a)
            second = floor if b == "floor" else _usable(cells, key, b)
            row.append(" · ".join(_ratio(first, second, attr)
                                  for attr in ("wall", "cpu", "peak_rss_tree")))
        lines.append(f"| {title} | " + " | ".join(row) + " |")
    return "\n".join(lines)


def _usable(cells: dict[tuple[str, str], Cell], key: str, tool: str) -> Cell | None:
    cell = cells.get((key, tool))
    return cell if cell is not None and cell.status == "ok" and cell.runs else None


def _ratio(first: Cell | None, second: Cell | None, attribute: str) -> str:
    if first is None or second is None:
        return "–"
    denominator = second.median(attribute)
    return f"{first.median(attribute) / denominator:.2f}" if denominator else "–"


def _first_line(text: str) -> str:
    """The line that says what went wrong: the last one mentioning an error, else the last."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or [""])[-1].replace("|", "\\|")[:160]


# --- the latency bench (latency.py) ------------------------------------------------------

SERVER_LABELS = {"ours": "ours `serve`", "ours-nosearch": "ours `serve` (search off)",
                 "hugo": "`hugo server`", "hugo-memory": "`hugo server --renderToMemory`"}
LATENCY_RATIOS = (("ours", "hugo"), ("ours", "hugo-memory"), ("ours-nosearch", "hugo"))


@dataclass
class Latency:
    """Every edit timed against one development server at one size."""

    server: str
    page: list[float] = field(default_factory=list)  # seconds, write to page showing the edit
    search: list[float] = field(default_factory=list)  # seconds, write to search finding it
    cpu: list[float] = field(default_factory=list)  # CPU seconds of the server tree per edit
    search_note: str = "n/a"  # why `search` is empty, or "ok"
    ready: float | None = None  # seconds from start to serving the article
    peak_start: int = 0  # bytes, peak RSS of the tree until it served the article
    peak_edits: int = 0  # bytes, peak RSS of the tree during the edits
    peak_server: int = 0  # bytes, peak RSS of the server's own process during the edits
    status: str = "ok"  # ok, failed
    detail: str = ""


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile: the smallest value with at least `share` of them at or below."""
    ordered = sorted(values)
    rank = max(1, math.ceil(len(ordered) * share - 1e-9))  # 20 × 0.95 is rank 19, not 20
    return ordered[rank - 1]


def render_latency(n: int, results: list[Latency]) -> str:
    """The section of the latency report for one corpus size."""
    lines = [f"## {n:,} articles", "",
             ("| server | edits | page shows the edit, s: p50 · p95 · max | search finds it, s: "
              "p50 · p95 · max | CPU s per edit, median | start-up s | peak RSS tree MB, start-up "
              "| peak RSS tree MB, edits (server alone) |"),
             "|---|---|---|---|---|---|---|---|"]
    for result in results:
        lines.append(f"| {SERVER_LABELS.get(result.server, result.server)} | {_latency_row(result)} |")
    ratios = _latency_ratios(results)
    if ratios:
        lines += ["", "Ratios of the page latency (below 1: the first is faster):", "",
                  "| servers | p50 · p95 · max |", "|---|---|", *ratios]
    for result in results:
        if result.status != "ok":
            lines += ["", f"**{SERVER_LABELS.get(result.server, result.server)} failed**:", "",
                      "```", result.detail, "```"]
    return "\n".join(lines) + "\n"


def _latency_row(result: Latency) -> str:
    page = _spread(result.page) if result.page else result.status
    if result.status != "ok" and result.page:
        page += f" ({result.status} after {len(result.page)})"
    search = _spread(result.search) if result.search else result.search_note
    ready = f"{result.ready:.1f}" if result.ready is not None else "–"
    cpu = f"{statistics.median(result.cpu):.2f}" if result.cpu else "–"
    return (f"{len(result.page)} | {page} | {search} | {cpu} | {ready} "
            f"| {result.peak_start / MB:.0f} | {result.peak_edits / MB:.0f} ({result.peak_server / MB:.0f})")


def _spread(values: list[float]) -> str:
    return " · ".join(f"{x:.2f}" for x in (percentile(values, 0.5), percentile(values, 0.95),
                                           max(values)))


def _latency_ratios(results: list[Latency]) -> list[str]:
    by_name = {r.server: r for r in results if r.page}
    rows = []
    for first, second in LATENCY_RATIOS:
        a, b = by_name.get(first), by_name.get(second)
        if a is None or b is None:
            continue
        cells = [percentile(a.page, q) / percentile(b.page, q) for q in (0.5, 0.95)]
        cells.append(max(a.page) / max(b.page))
        rows.append(f"| {SERVER_LABELS[first]} / {SERVER_LABELS[second]} | "
                    + " · ".join(f"{c:.2f}" for c in cells) + " |")
    return rows
