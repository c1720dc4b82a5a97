"""Partials called by translated shortcodes: one that calls itself, or is missing, stops
the page at the shortcode with a clear message; nothing is published for it."""

from __future__ import annotations

from pathlib import Path

from sitegen.migrate.gotemplate import Field, Variable, parse_pipe
from tests.support.sites import article, build_site, write_site


def _site(root: Path, partials: dict[str, str]) -> Path:
    return write_site(root, {
        "templates/shortcodes/boxed.html": "{{ go_partial('box.html', shortcode) }}",
        **{f"templates/hugo_partials/{name}": text for name, text in partials.items()},
        "content/a.md": article("A", body="Text.\n\n{{< boxed >}}\n"),
    })


def test_a_partial_that_calls_itself_stops_at_the_shortcode(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {"box.html": "<div>{{ go_partial('box.html', dot) }}</div>"})
    result = build_site(root)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "content/a.md:7:1: error: partial 'box.html' is called more than 20 deep",
        "  hint: a partial that calls itself must stop"]
    assert not (root / "public" / "a" / "index.html").exists()


def test_a_missing_partial_is_named_with_where_to_put_it(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {"other.html": "x"})
    result = build_site(root)
    assert result.code == 1
    assert result.err.splitlines()[:2] == [
        "content/a.md:7:1: error: partial 'box.html' not found",
        "  hint: add templates/hugo_partials/box.html (migrate writes the partials the site's "
        "shortcodes call)"]


def test_the_shortcode_as_a_value_answers_hugos_fields(tmp_path: Path) -> None:
    root = _site(tmp_path / "site", {"box.html": "<p class='box'>{{ go.method(dot, 'Get', 'title') }}:"
                                                 "{{ go.field(dot, 'Name') }}</p>"})
    (root / "content" / "a.md").write_text(article("A", body='{{< boxed title="Hello" >}}'), encoding="utf-8")
    assert build_site(root).code == 0
    assert "<p class='box'>Hello:boxed</p>" in (root / "public" / "a" / "index.html").read_text(encoding="utf-8")


def test_a_field_after_a_space_is_an_argument_not_a_field_of_the_variable() -> None:
    apart = parse_pipe('printf "%s %s" $href .inner').commands[0].args
    assert apart[2:] == (Variable("$href"), Field(("inner",)))
    joined = parse_pipe('printf "%s" $page.Title').commands[0].args
    assert joined[2:] == (Field(("Title",), Variable("$page")),)
