"""Hugo's small values that templates make and change: a Scratch, a parsed URL.

A translated shortcode gets them from `newScratch`, `.Scratch` (one per call, as Hugo's
shortcode scratch), `.Page.Store` (one per page while it is converted) and `urls.Parse`.
They answer Hugo's field and method names through `go_field`, as our other values do
(sitegen/render/gofuncs.py `field`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


class GoStore:
    """Hugo's .Page.Store (and .Scratch): values a page's shortcodes share while it is
    converted, such as a counter of the figures on it. One per conversion of a page."""

    def __init__(self) -> None:
        self.values: dict[str, Any] = {}

    def go_field(self, name: str) -> Any:
        return {"get": self.get, "set": self.set, "add": self.add, "delete": self.delete,
                "setinmap": self.set_in_map, "values": self.values}.get(name.lower())

    def get(self, key: Any) -> Any:
        return self.values.get(str(key))

    def set(self, key: Any, value: Any) -> str:
        self.values[str(key)] = value
        return ""

    def add(self, key: Any, value: Any) -> str:
        """Numbers add up, text joins, lists grow (Hugo's Scratch.Add)."""
        known = self.values.get(str(key))
        if known is None:
            self.values[str(key)] = value
        elif isinstance(known, list):
            self.values[str(key)] = known + (value if isinstance(value, list) else [value])
        else:
            self.values[str(key)] = known + value
        return ""

    def delete(self, key: Any) -> str:
        self.values.pop(str(key), None)
        return ""

    def set_in_map(self, key: Any, map_key: Any, value: Any) -> str:
        self.values.setdefault(str(key), {})[str(map_key)] = value
        return ""


class GoURL:
    """`urls.Parse`: Go's net/url.URL, for the fields templates read."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts = urlsplit(text)

    def go_field(self, name: str) -> Any:
        parts = self.parts
        return {"scheme": parts.scheme, "host": parts.netloc, "path": parts.path,
                "rawquery": parts.query, "fragment": parts.fragment, "isabs": bool(parts.scheme),
                "string": self.text, "hostname": parts.hostname or "",
                "port": str(parts.port or "") if parts.netloc else "",
                "query": dict(_query_pairs(parts.query))}.get(name.lower())

    def __str__(self) -> str:
        return self.text


def _query_pairs(query: str) -> list[tuple[str, str]]:
    return [(key, value) for key, _, value in (pair.partition("=") for pair in query.split("&") if pair)]
