"""The typographer's scanner looks only where a mark can start, and reads a few characters
there: the same marks as reading every character, at a cost linear in the block.

Scanning every character and cutting out the rest of its line for each made the
typographer a quarter of a cold build's CPU, and quadratic in a paragraph's length.
"""

from __future__ import annotations

import random

from sitegen.markup.typographer import GONE, _Scanner

PIECES = list("'\"-.<> \n\tas19的，。说\x01!?()é") + ["'s", "'90s ", "'tis", "n't", "--", "---", "...",
                                                 "'ve ", '""', "rock 'n' roll"]


def every_character(text: str) -> str:
    """The rules applied at each character in turn, the way Goldmark's parser walks."""
    scanner, out, index = _Scanner(text), [], 0
    while index < len(text):
        replaced, size = scanner.at(index)
        out.append(replaced + GONE * (size - 1) if replaced else text[index])
        index += size if replaced else 1
    return "".join(out)


def test_the_scanner_marks_what_reading_every_character_marks() -> None:
    rng = random.Random(15)
    for _ in range(20_000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40))) + "\n"
        assert _Scanner(text).run() == every_character(text), repr(text)


class _CountingText(str):
    """A text that counts the characters cut out of it."""

    read = 0

    def __getitem__(self, key: int | slice) -> str:  # type: ignore[override]
        piece = str.__getitem__(self, key)
        _CountingText.read += len(piece)
        return piece


def test_a_long_paragraph_is_read_a_few_characters_per_quote_not_a_line_per_quote() -> None:
    line = "He said \"it's 'fine' -- really...\" and left. " * 4_000  # 180,000 characters, one line
    _CountingText.read = 0
    marked = _Scanner(_CountingText(line + "\n")).run()
    assert marked.count("\ue0a2") == 4_000 and marked.count("\ue0a5") == 0
    assert _CountingText.read < 10 * len(line)  # was about 12,000 times the line
