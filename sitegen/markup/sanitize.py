"""Clean HTML from outside contributors down to an allow-list of article markup.

Used on the output of the ``rawhtml`` shortcode when ``markdown.sanitize_rawhtml`` is
true: a site that takes articles from outside can let authors keep a table or a
``<br>`` without letting them run scripts. nh3 (a binding to the Rust crate ammonia)
parses the fragment the way a browser would, so tricks that fool regular
expressions (``<scr<script>ipt>``, unquoted attributes, ``java&#x09;script:``) do not
get through. Anything not listed below is dropped: the tags of unknown elements (their
text is kept), whole ``<script>``/``<style>`` elements with their content, every ``on*``
handler and ``style`` attribute, ``id`` (which could clobber the page's own), comments,
and URLs whose scheme is not http, https or mailto (relative URLs are kept).

Every attribute that survives the allow-list is checked once more by the engine's own
rule (sitegen/markup/urlsafety.py: event handlers, script URLs in ``href``, ``src``,
``formaction``, ``xlink:href``, ``srcset``...), so widening the allow-list later cannot
let one of those through.
"""

from __future__ import annotations

from types import MappingProxyType

import nh3

from sitegen.markup.urlsafety import is_unsafe_attribute

_TEXT = frozenset({
    "p", "br", "hr", "em", "strong", "b", "i", "u", "s", "del", "ins", "mark", "small",
    "sub", "sup", "cite", "dfn", "kbd", "samp", "var", "code", "pre", "bdi", "wbr",
    "ruby", "rt", "rp",  # furigana in Japanese text
})
_BLOCKS = frozenset({
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "ul", "ol", "li", "dl", "dt", "dd",
    "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "colgroup", "col", "details", "summary",
})
_WITH_ATTRIBUTES = MappingProxyType({
    "*": frozenset({"lang", "dir", "title"}),
    "a": frozenset({"href", "hreflang"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "span": frozenset({"class"}),
    "div": frozenset({"class"}),
    "abbr": frozenset(),
    "q": frozenset({"cite"}),
    "blockquote": frozenset({"cite"}),
    "time": frozenset({"datetime"}),
    "bdo": frozenset(),
    "ol": frozenset({"start", "reversed"}),
    "th": frozenset({"colspan", "rowspan", "scope"}),
    "td": frozenset({"colspan", "rowspan"}),
    "col": frozenset({"span"}),
    "colgroup": frozenset({"span"}),
    "details": frozenset({"open"}),
})
ALLOWED_TAGS = _TEXT | _BLOCKS | (frozenset(_WITH_ATTRIBUTES) - {"*"})
# Elements removed together with everything inside them, not just their tags.
REMOVED_WITH_CONTENT = frozenset({"script", "style", "template", "iframe", "object", "embed",
                                  "noscript", "textarea", "select", "svg", "math"})
URL_SCHEMES = frozenset({"http", "https", "mailto"})



def _attribute_filter(tag: str, name: str, value: str) -> str | None:
    """nh3's last word on each kept attribute: None removes it."""
    return None if is_unsafe_attribute(name, value) else value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes={tag: set(names) for tag, names in _WITH_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    strip_comments=True,
    attribute_filter=_attribute_filter,
    # Outside contributors' links get no search-engine credit and no window.opener.
    link_rel="nofollow noopener noreferrer",
)


def sanitize_html(html: str) -> str:
    """Return `html` reduced to the article allow-list above.

    Cleaning is repeated until the output no longer changes (twice, nearly always): the
    serialisation of mis-nested input such as ``<h2><form><h2>`` parses differently the
    next time, and the result should be the same however often it is sanitised.
    """
    clean = _CLEANER.clean(html)
    for _ in range(4):
        again = _CLEANER.clean(clean)
        if again == clean:
            break
        clean = again
    return clean
