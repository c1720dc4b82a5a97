"""The floor: the least work any Python build of the corpus must do.

Read every content file, cut off its front matter (without parsing it) and convert the
body with Python-Markdown and the same extensions as our engine, spread over a pool of
processes (two by default: the machine's cores). Nothing is rendered or written. A build
that takes about this long spends its time in Markdown; the gap above it is the engine.

    python bench/floor.py CONTENT_DIR [--processes 2]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]

# Used until the engine's sitegen/markup/markdown.py exposes its own list (see markdown_extensions).
# "smarty" stands for the engine's default `markdown.smart_quotes: true`.
FALLBACK_EXTENSIONS = ["extra", "codehilite", "toc", "sane_lists", "smarty",
                       "pymdownx.magiclink", "pymdownx.tilde"]


def markdown_extensions() -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """Return (extensions, extension_configs) as our engine configures Python-Markdown.

    The one place to change if the engine's API differs: it asks `sitegen.markup.markdown` for
    `markdown_extensions(options)` (called with the default `MarkdownOptions()`) or a list
    `EXTENSIONS`; either may give a list, a {name: config} dict, or (list, configs).
    Configs come from the result, else from `extension_configs()` or `_extension_configs()`.
    """
    engine = _engine_markdown_module()
    if engine is None:
        return list(FALLBACK_EXTENSIONS), {}
    if hasattr(engine, "markdown_extensions"):
        result = engine.markdown_extensions(_default_options(engine))
    elif hasattr(engine, "EXTENSIONS"):
        result = engine.EXTENSIONS
    else:
        return list(FALLBACK_EXTENSIONS), {}
    extensions, configs = _normalise(result)
    if not configs:
        configs_function = (getattr(engine, "extension_configs", None)
                            or getattr(engine, "_extension_configs", None))
        configs = dict(configs_function()) if callable(configs_function) else {}
    return extensions, configs


def _default_options(engine: Any) -> Any:
    if hasattr(engine, "MarkdownOptions"):
        return engine.MarkdownOptions()
    from sitegen.config.settings import MarkdownSection
    return MarkdownSection()


def extensions_source() -> str:
    """Say where markdown_extensions() took its list from, for the report."""
    engine = _engine_markdown_module()
    for name in ("markdown_extensions", "EXTENSIONS"):
        if engine is not None and hasattr(engine, name):
            return f"sitegen.markup.markdown.{name}"
    return "bench/floor.py FALLBACK_EXTENSIONS"


def _engine_markdown_module() -> Any:
    if str(REPO) not in sys.path:
        sys.path.append(str(REPO))
    try:
        import sitegen.markup.markdown as engine
    except ImportError:
        return None
    return engine


def _normalise(result: Any) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    if isinstance(result, tuple) and len(result) == 2:
        return list(result[0]), dict(result[1])
    if isinstance(result, dict):
        return list(result), {k: v for k, v in result.items() if isinstance(v, dict)}
    return list(result), {}


def strip_front_matter(text: str) -> str:
    """Return the body after a leading '---' or '+++' fenced block, without parsing it."""
    for fence in ("---", "+++"):
        if text.startswith(fence + "\n"):
            end = text.find("\n" + fence + "\n", len(fence))
            if end != -1:
                return text[end + len(fence) + 2:]
    return text


_converter: Any = None


def _init_worker() -> None:
    global _converter
    import markdown

    extensions, configs = markdown_extensions()
    _converter = markdown.Markdown(extensions=extensions, extension_configs=configs,
                                   output_format="html")


def _convert_chunk(paths: list[str]) -> tuple[int, int, int]:
    """Read and convert a chunk of files; return (files, bytes read, characters of HTML)."""
    read = written = 0
    for path in paths:
        raw = Path(path).read_bytes()
        read += len(raw)
        _converter.reset()
        written += len(_converter.convert(strip_front_matter(raw.decode("utf-8"))))
    return len(paths), read, written


def run_floor(content_dir: Path, processes: int = 2) -> dict[str, Any]:
    """Convert every .md file under `content_dir`; return counts and the elapsed time."""
    start = time.perf_counter()
    paths = sorted(str(p) for p in Path(content_dir).rglob("*.md"))
    size = max(1, len(paths) // (processes * 8))
    chunks = [paths[i:i + size] for i in range(0, len(paths), size)]
    files = read = written = 0
    with multiprocessing.Pool(processes, initializer=_init_worker) as pool:
        for f, r, w in pool.imap_unordered(_convert_chunk, chunks):
            files, read, written = files + f, read + r, written + w
    return {"files": files, "bytes_read": read, "html_chars": written, "processes": processes,
            "seconds": round(time.perf_counter() - start, 4),
            "extensions": [_extension_name(e) for e in markdown_extensions()[0]],
            "extensions_from": extensions_source()}


def _extension_name(extension: Any) -> str:
    return extension if isinstance(extension, str) else type(extension).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("content_dir", type=Path)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    if not args.content_dir.is_dir():
        parser.error(f"{args.content_dir} is not a folder")
    result = run_floor(args.content_dir, args.processes)
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"floor: {result['files']} files, {result['bytes_read'] / 1e6:.1f} MB read, "
              f"{result['processes']} processes, {result['seconds']:.2f} s "
              f"(extensions from {result['extensions_from']}: {', '.join(result['extensions'])})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
