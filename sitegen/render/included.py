"""The HTML that an included page's shortcodes make, kept out of the including page's Markdown.

An `include` shortcode (Hugo's `.RenderShortcodes`) puts another page's body, shortcodes
run, into the page being converted, as Markdown. Hugo keeps the included shortcodes'
HTML behind placeholders, so Markdown never reads it; written into the text as it is, a
blank line inside it (code, a table) ended the HTML block, and the rest became code or
was omitted as raw HTML. Here each such output is held under a token made with a nonce
no source can know, and put back where the token stands once the including page's own
shortcodes are expanded: as one of its stashed outputs, restored after Markdown.
"""

from __future__ import annotations

import re
import secrets

from sitegen.markup.markers import STASH_RE, stash_token
from sitegen.markup.shortcodes import Expansion

MAX_NESTING = 20  # includes inside includes


class IncludedOutputs:
    """The outputs held while one page converts (reset for each)."""

    def __init__(self) -> None:
        nonce = secrets.token_hex(8)
        self._token = f"incl{nonce}x{{}}y"
        self._token_re = re.compile(f"incl{nonce}x([0-9]+)y")
        self.outputs: list[str] = []

    def reset(self) -> None:
        self.outputs = []

    def hold(self, text: str, stash: list[str]) -> str:
        """`text` (an included body, shortcodes expanded) with each stash marker replaced by
        a token of ours, its output held."""
        def held(match: re.Match[str]) -> str:
            index = int(match.group(1))
            self.outputs.append(stash[index] if index < len(stash) else "")
            return self._token.format(len(self.outputs) - 1)

        return STASH_RE.sub(held, text)

    def put_back(self, expansion: Expansion) -> None:
        """Tokens in the page's text become stash markers of its own; in its stashed outputs
        (an include written as an HTML shortcode), the HTML itself."""
        if not self.outputs:
            return
        expansion.stash[:] = [self._whole(output) for output in expansion.stash]

        def marker(match: re.Match[str]) -> str:
            expansion.stash.append(self._whole(self.outputs[int(match.group(1))]))
            return stash_token(len(expansion.stash) - 1)

        expansion.text = self._token_re.sub(marker, expansion.text)

    def _whole(self, output: str) -> str:
        """An output with the outputs it holds (an include inside an include) put back."""
        for _ in range(MAX_NESTING):
            if self._token_re.search(output) is None:
                break
            output = self._token_re.sub(lambda m: self.outputs[int(m.group(1))], output)
        return self._token_re.sub("", output)
