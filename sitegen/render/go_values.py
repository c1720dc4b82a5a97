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


_IMAGE_TYPES = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
                ".webp": "image/webp", ".svg": "image/svg+xml", ".avif": "image/avif", ".bmp": "image/bmp",
                ".tif": "image/tiff", ".tiff": "image/tiff"}
# Hugo's image methods: the archive does not process images, so each gives the image back
# as it is (docs/hugo-differences.md; `migrate` reports the shortcodes that call them).
IMAGE_METHODS = frozenset({"resize", "fit", "fill", "crop", "filter", "process"})


class GoResource:
    """A page's or the project's file as Hugo's Resource: `.RelPermalink`, `.Name`,
    `.MediaType`. It is published where `rel_permalink` says (a bundle's files beside the
    page; `migrate` copies `assets/` images to `static/`); it is never processed."""

    def __init__(self, name: str, rel_permalink: str, permalink: str = "") -> None:
        self.name, self.rel_permalink = name, rel_permalink
        self.permalink = permalink or rel_permalink

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in IMAGE_METHODS:
            return lambda *_: self
        suffix = "." + self.name.rsplit(".", 1)[-1].lower() if "." in self.name else ""
        media = _IMAGE_TYPES.get(suffix, "application/octet-stream")
        return {"relpermalink": self.rel_permalink, "permalink": self.permalink, "name": self.name,
                "title": self.name, "mediatype": media, "resourcetype": media.split("/")[0],
                "key": self.name}.get(lowered)

    def __str__(self) -> str:
        return self.rel_permalink


class GoResources:
    """`.Page.Resources`: `.Get NAME` finds one of the bundle's files by its path in it."""

    def __init__(self, get: Any) -> None:
        self.get = get  # name -> GoResource | None (render/bodies.py records what it looked up)

    def go_field(self, name: str) -> Any:
        return self.get if name.lower() == "get" else None


class GoTry:
    """`try X`: X's value, with `.Err` nil (an error in X stops the page, with its message)."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def go_field(self, name: str) -> Any:
        return {"value": self.value, "err": None}.get(name.lower())


class ImageFilter:
    """`images.Brightness 12`: a filter, named for messages; applying it changes nothing."""

    def __init__(self, name: str, *args: Any) -> None:
        self.name, self.args = name, args

    def __str__(self) -> str:
        return self.name
