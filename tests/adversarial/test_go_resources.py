"""Files as Hugo resources in translated shortcodes (`resources.Get`, `.Page.Resources.Get`).

The name comes from the content (untrusted): it may only find a file of `assets/` or of the
page's own bundle, never leave it with `..` or a symbolic link; the file looked for is a
dependency of the page, so adding it later rebuilds the page.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from lxml import html as lxml_html

from tests.support.sites import article, build_site

# What `migrate` writes for a Go shortcode that shows an image of the page or of assets/.
SHOW = ("{%- set found = go.method(go.field(hugo_page, 'Resources'), 'Get', arg('src')) or "
        "get_resource(arg('src')) -%}\n"
        "{%- if found %}<img src=\"{{ go.field(found, 'RelPermalink') }}\" alt=\"{{ go.field(found, 'Name') }}\">"
        "{% else %}<span class=\"none\">none</span>{% endif %}\n")


def _site(make_site: Callable[..., Path], **files: str | bytes) -> Path:
    return make_site({"templates/shortcodes/show.html": SHOW, **files})


def _shown(root: Path, url: str) -> list[str]:
    tree = lxml_html.fromstring((root / "public" / url / "index.html").read_bytes())
    return [img.get("src") for img in tree.iter("img")] + [s.text for s in tree.find_class("none")]


def test_a_bundle_file_and_an_asset_are_found_and_published(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, **{
        "content/2024/trip/index.md": article("Trip", body='{{< show src="figs/map.png" >}} '
                                                          '{{< show src="logo.png" >}}'),
        "content/2024/trip/figs/map.png": b"\x89PNG map",
        "assets/logo.png": b"\x89PNG logo",
        "static/logo.png": b"\x89PNG logo",  # migrate copies assets/ images to static/
    })
    run = build_site(root)
    assert run.code == 0, run.err
    assert _shown(root, "2024/trip") == ["/2024/trip/figs/map.png", "/logo.png"]
    assert (root / "public/2024/trip/figs/map.png").read_bytes() == b"\x89PNG map"


def test_a_page_that_is_not_a_bundle_has_no_resources(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, **{"content/2024/note.md": article("Note", body='{{< show src="note.md" >}}')})
    assert build_site(root).code == 0
    assert _shown(root, "2024/note") == ["none"]


def test_a_name_leaving_assets_stops_the_page_at_the_shortcode(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, **{"content/2024/leak.md": article("Leak", body='{{< show src="../config.yaml" >}}')})
    run = build_site(root)
    assert run.code == 1
    assert run.err.startswith("content/2024/leak.md:5:1: error: resources.Get: 'assets/../config.yaml' leads "
                              "out of its folder with '..'; only files inside the project folder can be read\n"
                              "  hint: give the name of a file inside assets/ (resources.Get) or inside the "
                              "page's own folder (.Resources.Get), e.g. images/map.png\n")


def test_a_link_out_of_assets_is_not_followed(make_site: Callable[..., Path], tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"outside")
    root = _site(make_site, **{"content/2024/link.md": article("Link", body='{{< show src="secret.png" >}}')})
    (root / "assets").mkdir()
    (root / "assets/secret.png").symlink_to(secret)
    assert build_site(root).code == 0
    assert _shown(root, "2024/link") == ["none"]
    assert b"outside" not in b"".join(p.read_bytes() for p in (root / "public").rglob("*") if p.is_file())


def test_adding_the_asset_later_rebuilds_the_page(make_site: Callable[..., Path]) -> None:
    root = _site(make_site, **{"content/2024/late.md": article("Late", body='{{< show src="late.png" >}}')})
    assert build_site(root).code == 0
    assert _shown(root, "2024/late") == ["none"]
    (root / "assets").mkdir()
    (root / "assets/late.png").write_bytes(b"\x89PNG late")
    assert build_site(root).code == 0
    assert _shown(root, "2024/late") == ["/late.png"]
