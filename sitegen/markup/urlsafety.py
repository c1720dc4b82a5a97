"""Which URLs and attributes may stay live: one rule for Markdown bodies, sanitised raw
HTML and templates alike.

Browsers decode character references and drop tabs, newlines and leading control
characters before reading a URL's scheme, so `jav&#x61;script:` and `java\tscript:`
run as script; the check does the same before looking at the scheme. An attribute is
unsafe when it is an event handler (``on*``), a URL attribute (``href``, ``src``,
``formaction``, ``xlink:href``, ``poster``...) or ``srcset`` holding such a URL, an
``srcdoc`` (a whole document), or a ``style`` that old browsers run as script.
"""

from __future__ import annotations

import html
import re

_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")
_UNSAFE_SCHEME_RE = re.compile(r"^(?:javascript|vbscript|data(?!:image/(?:png|gif|jpe?g|webp);)):",
                               re.IGNORECASE)
BLOCKED_URL = "#blocked-unsafe-url"

# Attributes whose value is a URL a browser may load, follow or submit to.
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "background", "cite", "data", "codebase",
    "longdesc", "lowsrc", "dynsrc", "usemap", "ping", "manifest", "profile", "classid",
    "archive", "icon", "itemtype", "xlink:href", "xlink_href", "xml:base",
})
_SRCSET_ATTRIBUTES = frozenset({"srcset", "imagesrcset"})
_CSS_COMMENT_RE = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_ESCAPE_RE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?|\\(.)", re.DOTALL)
_UNSAFE_CSS_RE = re.compile(r"expression\(|javascript:|vbscript:|behavior|binding|@import")


def is_unsafe_url(value: str) -> bool:
    """True when a URL would run script if clicked or loaded."""
    return _UNSAFE_SCHEME_RE.match(_CONTROL_RE.sub("", html.unescape(value))) is not None


def safe_url(value: object) -> str:
    """The URL itself, or a harmless fragment in place of a script URL (a Jinja filter)."""
    text = "" if value is None else str(value)
    return BLOCKED_URL if is_unsafe_url(text) else text


def is_unsafe_srcset(value: str) -> bool:
    """True when any candidate of a ``srcset`` (comma-separated URLs with sizes) is unsafe."""
    return any(is_unsafe_url(piece) for piece in re.split(r"[\s,]+", html.unescape(value)) if piece)


def is_unsafe_style(value: str) -> bool:
    """True for CSS that some browser runs as script (``expression()``, ``behavior``,
    ``-moz-binding``, script URLs), however it is escaped or commented."""
    text = _CSS_COMMENT_RE.sub("", html.unescape(value))
    text = _CSS_ESCAPE_RE.sub(lambda m: _css_char(m.group(1)) if m.group(1) else m.group(2), text)
    return _UNSAFE_CSS_RE.search(_CONTROL_RE.sub("", text).lower()) is not None


def _css_char(hex_digits: str) -> str:
    code = int(hex_digits, 16)
    return chr(code) if 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def is_unsafe_attribute(name: str, value: str) -> bool:
    """True when an attribute could run script: see the module docstring."""
    name = name.strip().lower()
    if name.startswith("on") or name == "srcdoc":
        return True
    if name in _SRCSET_ATTRIBUTES:
        return is_unsafe_srcset(value)
    if name in URL_ATTRIBUTES or name.rpartition(":")[2] in ("href", "src"):
        return is_unsafe_url(value)
    if name == "style":
        return is_unsafe_style(value)
    return False
