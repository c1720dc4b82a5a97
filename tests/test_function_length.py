"""No function or method in sitegen/ is longer than 40 lines.

Counted from the `def` line to the function's last line, decorators and docstring included,
as a reader sees it on screen. A function that grows past the limit is to be split into
steps with names that say what each does (CONTRIBUTING.md).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "sitegen"
LIMIT = 40


def function_lengths(path: Path) -> list[tuple[str, int]]:
    """(qualified name with its line, length in lines) of every def in one module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found: list[tuple[str, int]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                last = child.end_lineno or child.lineno
                found.append((f"{prefix}{child.name} (line {child.lineno})", last - first + 1))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")
            else:
                visit(child, prefix)

    visit(tree, "")
    return found


def test_the_counter_counts_a_long_function() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(LIMIT))
    source = f"class A:\n    @staticmethod\n    def long() -> None:\n{body.replace('    ', '        ')}\n"
    path = Path(__file__).parent / "_length_probe.py"
    try:
        path.write_text(source, encoding="utf-8")
        assert function_lengths(path) == [("A.long (line 3)", LIMIT + 2)]
    finally:
        path.unlink()


@pytest.mark.parametrize("module", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_function_is_over_40_lines(module: Path) -> None:
    long = [f"{name}: {length} lines" for name, length in function_lengths(module) if length > LIMIT]
    assert long == [], f"{module.relative_to(PACKAGE.parent)}: split these into named steps"
