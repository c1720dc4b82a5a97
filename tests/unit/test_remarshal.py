"""Hugo's transform.Remarshal: the layout is Hugo 0.168's own (its output for the docs'
`minify` settings, whitespace included), since the words of it are counted."""

from __future__ import annotations

import json

import pytest

from sitegen.markup.shortcodes import ShortcodeFailure
from sitegen.render.remarshal import content_format, remarshal

MINIFY = {"minify": {"disableCSS": False, "minifyOutput": False, "tdewolff": {
    "css": {"inline": False, "precision": 0.0}, "html": {"templateDelims": ["", ""]},
    "svg": {"keepNamespaces": ["", "x-bind"]}}}}

HUGO_TOML = """\
[minify]
  disableCSS = false
  minifyOutput = false
  [minify.tdewolff]
    [minify.tdewolff.css]
      inline = false
      precision = 0
    [minify.tdewolff.html]
      templateDelims = ['', '']
    [minify.tdewolff.svg]
      keepNamespaces = ['', 'x-bind']
"""

HUGO_YAML = """\
minify:
  disableCSS: false
  minifyOutput: false
  tdewolff:
    css:
      inline: false
      precision: 0
    html:
      templateDelims:
      - ''
      - ''
    svg:
      keepNamespaces:
      - ''
      - x-bind
"""


def test_a_map_is_written_as_hugo_writes_toml_and_yaml() -> None:
    assert remarshal("toml", MINIFY) == HUGO_TOML
    assert remarshal("YAML", MINIFY) == HUGO_YAML
    assert json.loads(remarshal("json", MINIFY))["minify"]["tdewolff"]["css"]["precision"] == 0


def test_arrays_of_maps_are_arrays_of_tables_and_nil_is_left_out_of_toml() -> None:
    text = remarshal("toml", "menus:\n  main:\n  - name: Home\n    weight: 10\n    url: null\n")
    assert text == "[menus]\n  [[menus.main]]\n    name = 'Home'\n    weight = 10\n"


@pytest.mark.parametrize(("text", "found"), [
    ("title = 'x, y'", "toml"), ("title: a = b", "yaml"), ('{"a": 1}', "json"),
    ("a, b = c", "csv"), ("<a/>", "xml"), ("nothing", ""),
])
def test_the_format_of_a_text_is_the_one_whose_mark_comes_first(text: str, found: str) -> None:
    assert content_format(text) == found


def test_text_that_is_no_map_stops_the_page_with_the_reason() -> None:
    with pytest.raises(ShortcodeFailure) as caught:
        remarshal("json", "title = ")
    assert str(caught.value).startswith("Remarshal: the TOML text does not read: ")
    with pytest.raises(ShortcodeFailure, match="^Remarshal: unknown format 'ini'$"):
        remarshal("ini", {"a": 1})
    assert remarshal("toml", "   ") == ""
