"""Hugo partials called from translated shortcodes, and the shortcode and page as values.

A Go shortcode often hands its work to a partial: `{{ partial "blocks/alert.html" (dict
"text" .Inner "page" .Page) }}`, or `{{ partial "figure.html" . }}` with the shortcode
itself. `migrate` translates each such partial into `templates/hugo_partials/NAME`
(sitegen/migrate/partials.py), where Go's dot is the Jinja variable `dot`; the
shortcode calls `go_partial(NAME, value)`. The shortcode and its page, passed as values,
are the objects below, which answer Hugo's field names through `go.field`. Partials may
call partials, up to MAX_DEPTH deep (a partial that calls itself stops there, with an
error at the shortcode).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jinja2
from markupsafe import Markup

from sitegen.content.frontmatter import FrontMatter
from sitegen.markup.shortcodes import ShortcodeCall, ShortcodeFailure
from sitegen.render.go_values import GoResources, GoStore
from sitegen.render.gofuncs import field, go

PARTIALS_FOLDER = "hugo_partials"
MAX_DEPTH = 20


class GoPage:
    """The page as a value (`.Page` handed to a partial): Hugo's field names on it."""

    def __init__(self, meta: FrontMatter, render: Callable[[str, bool], str], store: GoStore,
                 path: str = "", resources: GoResources | None = None) -> None:
        self.meta = meta
        self.render = render  # (Markdown, as a block) -> HTML
        self.store = store
        self.path = path  # Hugo's .Path: /section/name, without the file's extension
        self.resources = resources or GoResources(lambda name: None)

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        if lowered in ("store", "scratch"):
            return self.store
        if lowered == "resources":
            return self.resources
        if lowered == "path":
            return self.path
        if lowered == "renderstring":
            return self.render_string
        if lowered == "params":
            return go.page_params(self.meta)
        if lowered == "linktitle":
            return self.meta.params.get("linktitle") or self.meta.title
        return field(self.meta, name)

    def render_string(self, *args: Any) -> Markup:
        """`.RenderString [OPTIONS] TEXT`: inline unless the options say display: block."""
        options = args[0] if len(args) > 1 and isinstance(args[0], dict) else {}
        block = str(options.get("display", "")).lower() == "block"
        return Markup(self.render(str(args[-1]) if args else "", block))

    def __bool__(self) -> bool:
        return True


class GoShortcode:
    """The shortcode as a value (`{{ partial "x.html" . }}`): .Get, .Inner, .Page..."""

    def __init__(self, call: ShortcodeCall, page: GoPage) -> None:
        self.call, self.page = call, page

    def get(self, key: Any) -> str:
        if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
            position = int(key)
            return self.call.args[position] if position < len(self.call.args) else ""
        return self.call.kwargs.get(str(key), "")

    def go_field(self, name: str) -> Any:
        lowered = name.lower()
        table: dict[str, Any] = {
            "get": self.get, "inner": Markup(self.call.inner or ""),
            "innerdeindent": Markup(self.call.inner or ""), "name": self.call.name,
            "page": self.page, "position": self.call.name, "ordinal": 0,
            "parent": GoShortcode(self.call.parent, self.page) if self.call.parent else None,
            "params": dict(self.call.kwargs) or list(self.call.args),
            "isnamedparams": bool(self.call.kwargs),
        }
        return table.get(lowered)

    def __bool__(self) -> bool:
        return True


class PartialRunner:
    """`go_partial(name, value)`: the translated partial rendered with `dot` = value."""

    def __init__(self, env: jinja2.Environment, context: dict[str, Any]) -> None:
        self.env, self.context, self.depth = env, context, 0

    def __call__(self, name: Any, dot: Any = None) -> Markup:
        path = str(name).lstrip("/")
        path = path if "." in path.rsplit("/", 1)[-1] else path + ".html"
        if self.depth >= MAX_DEPTH:
            raise ShortcodeFailure(f"partial '{path}' is called more than {MAX_DEPTH} deep",
                                   "a partial that calls itself must stop")
        try:
            template = self.env.get_template(f"{PARTIALS_FOLDER}/{path}")
        except jinja2.TemplateNotFound:
            raise ShortcodeFailure(f"partial '{path}' not found",
                                   f"add templates/{PARTIALS_FOLDER}/{path} (migrate writes the "
                                   "partials the site's shortcodes call)") from None
        self.depth += 1
        try:
            return Markup(template.render({**self.context, "dot": dot}))
        finally:
            self.depth -= 1
