"""Hugo's build options: `build` (or `_build`) and `headless` in front matter, and `cascade`.

``build: {render: never}`` makes a page that is not published (its text can still be
read by the pages that include it); ``build: {list: never}`` publishes a page that no
list shows; ``publishResources: false`` keeps a bundle's files unpublished; ``headless:
true`` is render and list never. A section's ``_index.md`` can set any of these for itself
and every page below it with ``cascade: {build: {...}}``; the nearest cascade wins, and a
page's own `build` wins over any cascade. Other cascaded keys are not applied (the
migration report says so).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sitegen.cancelling import with_cancel_points
from sitegen.content.frontmatter import Document
from sitegen.content.paths import path_parent, path_stem


@dataclass(frozen=True)
class BuildOptions:
    render: str = "always"  # always, never or link
    list: str = "always"  # always, never or local
    publish_resources: bool = True

    @property
    def published(self) -> bool:
        return self.render != "never"


def build_options(documents: list[Document]) -> dict[str, BuildOptions]:
    """The options of every document that sets or inherits any, by source path."""
    cascades = {_folder(doc): _cascaded(doc.meta.params.get("cascade")) for doc in documents
                if path_stem(doc.source.content_path) == "_index"}
    cascades = {folder: values for folder, values in cascades.items() if values}
    options: dict[str, BuildOptions] = {}
    for doc in with_cancel_points(documents):
        values: dict[str, Any] = {}
        for folder in _ancestors(_folder(doc)) if cascades else ():  # most sites cascade none
            values.update(cascades.get(folder, {}))
        values.update(_own(doc.meta.params))
        if values:
            options[doc.source.path] = _options(values)
    return options


def unpublished_folders(documents: list[Document], options: dict[str, BuildOptions]) -> set[str]:
    """Folders under content/ whose files are not published: those of a bundle or section
    that is not rendered and keeps its resources (``publishResources: false``)."""
    folders = set()
    for doc in documents:
        option = options.get(doc.source.path)
        if (option is not None and not option.published and not option.publish_resources
                and path_stem(doc.source.content_path) in ("index", "_index")):
            folders.add(_folder(doc))
    return folders


def _folder(doc: Document) -> str:
    return path_parent(doc.source.content_path)


def _ancestors(folder: str) -> list[str]:
    """"" (the top of content/), then each folder down to `folder`."""
    parts = [] if folder in ("", ".") else folder.split("/")
    return ["."] + ["/".join(parts[:n]) for n in range(1, len(parts) + 1)]


def _cascaded(value: Any) -> dict[str, Any]:
    """The build options a `cascade` value hands down (a mapping, or a list of them; an
    entry with a target applies when it targets pages in general)."""
    entries = value if isinstance(value, list) else [value]
    found: dict[str, Any] = {}
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        target = entry.get("_target") or entry.get("target")
        if isinstance(target, dict) and any(k != "kind" for k in target):
            continue
        found.update(_own({str(k).lower(): v for k, v in entry.items()}))
    return found


def _own(params: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key in ("_build", "build"):
        block = params.get(key)
        if isinstance(block, dict):
            values.update({str(k).lower(): v for k, v in block.items()})
    if params.get("headless") is True:
        values.update(render="never", list="never")
    return values


def _options(values: dict[str, Any]) -> BuildOptions:
    render = values.get("render", "always")
    render = {True: "always", False: "never"}.get(render, render) if isinstance(render, bool) else render
    listed = values.get("list", "always")
    listed = {True: "always", False: "never"}.get(listed, listed) if isinstance(listed, bool) else listed
    publish = values.get("publishresources", True)
    return BuildOptions(str(render).lower(), str(listed).lower(), publish is not False)
