"""Which URLs may become live links: one rule for Markdown bodies and templates alike.

Browsers decode character references and drop tabs, newlines and leading control
characters before reading a URL's scheme, so `jav&#x61;script:` and `java\tscript:`
run as script; the check does the same before looking at the scheme.
"""

from __future__ import annotations

import html
import re

_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")
_UNSAFE_SCHEME_RE = re.compile(r"^(?:javascript|vbscript|data(?!:image/(?:png|gif|jpe?g|webp);)):",
                               re.IGNORECASE)
BLOCKED_URL = "#blocked-unsafe-url"


def is_unsafe_url(value: str) -> bool:
    """True when a URL would run script if clicked or loaded."""
    return _UNSAFE_SCHEME_RE.match(_CONTROL_RE.sub("", html.unescape(value))) is not None


def safe_url(value: object) -> str:
    """The URL itself, or a harmless fragment in place of a script URL (a Jinja filter)."""
    text = "" if value is None else str(value)
    return BLOCKED_URL if is_unsafe_url(text) else text
