"""Build the golden cases and write (or compare) their complete expected output.

    python -m tests.golden.regenerate            # rewrite every case's expected/ tree
    python -m tests.golden.regenerate basic      # one case
    python -m tests.golden.regenerate --check    # compare only; exit 1 on a difference

Each case is `tests/golden/<case>/input/`, a project with its own config.yaml and content
(and, for some, templates and static files overriding the theme). It is copied to a
temporary folder and built there with the real command line, without a cache, so the
expected tree is what a first build of that project writes: pages, feeds, the sitemap,
robots.txt and the Pagefind bundle (which sitegen/search/bundle.py makes byte-identical
from run to run). `tests/golden/test_golden.py` compares the same build byte for byte.

One thing is canonicalised: each search shard's `sitegen-shard.json` records the build's
fingerprint of every page's search entry, a digest that covers the engine's own source
code (so that a new engine re-indexes); those digests are written as "<fingerprint>", or
every change to any module would change the goldens. The rest of the file is compared.
"""

from __future__ import annotations

import argparse
import io
import re
import shutil
import sys
import tempfile
from pathlib import Path

from sitegen.commands.cli import main as cli_main

GOLDEN = Path(__file__).resolve().parent


def case_names() -> list[str]:
    return sorted(p.name for p in GOLDEN.iterdir() if (p / "input").is_dir())


def build_case(name: str) -> dict[str, bytes]:
    """Every file the build of case `name` writes, by path relative to the output folder."""
    with tempfile.TemporaryDirectory(prefix=f"golden-{name}-") as folder:
        root = Path(folder) / "project"
        shutil.copytree(GOLDEN / name / "input", root)
        err = io.StringIO()
        code = cli_main(["build", "--root", str(root), "--quiet", "--no-cache"],
                        stdout=io.StringIO(), stderr=err, prog="treaty-archive")
        if code != 0:
            raise RuntimeError(f"golden case {name} does not build:\n{err.getvalue()}")
        public = root / "public"
        return {rel: canonical(rel, p.read_bytes())
                for p in sorted(public.rglob("*")) if p.is_file()
                for rel in [p.relative_to(public).as_posix()]}


_FINGERPRINT_RE = re.compile(rb'"[0-9a-f]{64}"')


def canonical(rel: str, data: bytes) -> bytes:
    """The file as the goldens keep it: search shards' fingerprints replaced (see above)."""
    if rel.endswith("/sitegen-shard.json"):
        return _FINGERPRINT_RE.sub(b'"<fingerprint>"', data)
    return data


def expected_tree(name: str) -> dict[str, bytes]:
    expected = GOLDEN / name / "expected"
    return {p.relative_to(expected).as_posix(): p.read_bytes()
            for p in sorted(expected.rglob("*")) if p.is_file()}


def write_expected(name: str, tree: dict[str, bytes]) -> None:
    expected = GOLDEN / name / "expected"
    shutil.rmtree(expected, ignore_errors=True)
    for rel, data in tree.items():
        path = expected / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def differences(expected: dict[str, bytes], actual: dict[str, bytes]) -> list[str]:
    """One line per file missing, added or changed."""
    lines = [f"missing: {rel}" for rel in sorted(expected.keys() - actual.keys())]
    lines += [f"added: {rel}" for rel in sorted(actual.keys() - expected.keys())]
    lines += [f"changed: {rel}" for rel in sorted(expected.keys() & actual.keys())
              if expected[rel] != actual[rel]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.golden.regenerate",
                                     description="Rebuild the golden cases' expected output.")
    parser.add_argument("cases", nargs="*", help=f"cases (default: all of {', '.join(case_names())})")
    parser.add_argument("--check", action="store_true", help="compare only; write nothing")
    args = parser.parse_args(argv)
    status = 0
    for name in args.cases or case_names():
        tree = build_case(name)
        if args.check:
            found = differences(expected_tree(name), tree)
            status |= bool(found)
            print(f"{name}: " + ("same" if not found else "\n  ".join(["differs", *found])))
        else:
            write_expected(name, tree)
            print(f"{name}: {len(tree)} files written to tests/golden/{name}/expected/")
    return status


if __name__ == "__main__":
    sys.exit(main())
