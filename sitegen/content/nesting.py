"""How deeply front matter may nest: far more than any article needs, far less than Python's stack.

`x = [[[[...]]]]` five thousand levels deep (or as many indented YAML lists) made the
parsers, and everything that walks a value after them, raise RecursionError: an
"internal error". Real front matter nests two or three levels (a list of tags, a map of
images), so anything past MAX_DEPTH is refused, pointing at where it gets too deep.
"""

from __future__ import annotations

from sitegen.config.datalimits import MAX_DEPTH  # one rule for front matter and config

_OPENERS, _CLOSERS = "[{", "]}"


def deepest_offset(block: str, limit: int = MAX_DEPTH) -> int:
    """Where in `block` nesting passes `limit`: by brackets ([ and {, quotes skipped), else by
    indentation (two spaces a level) and list dashes; else the deepest line."""
    depth, quote = 0, ""
    for offset, char in enumerate(block):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in _OPENERS:
            depth += 1
            if depth > limit:
                return offset
        elif char in _CLOSERS:
            depth -= 1
    best, best_level, offset = 0, -1, 0
    for line in block.split("\n"):
        body = line.lstrip(" ")
        level = (len(line) - len(body)) // 2
        while body.startswith("- "):
            level, body = level + 1, body[2:].lstrip(" ")
        if level > limit:
            return offset + len(line) - len(body)
        if level > best_level:
            best, best_level = offset + len(line) - len(body), level
        offset += len(line) + 1
    return best
