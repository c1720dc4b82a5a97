"""Go shortcode templates translated to Jinja render what Hugo renders for the same call.

Each case is a Hugo shortcode, a call, and the HTML Hugo 0.168 gives for it (checked by
hand against `hugo`); the translation runs in the build's own Jinja environment.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
from markupsafe import Markup

from sitegen.config.settings import Config
from sitegen.content.frontmatter import FrontMatter
from sitegen.markup.shortcodes import ShortcodeCall, call_context
from sitegen.migrate.gotemplate import GoSyntaxError, parse_template
from sitegen.migrate.translate import Untranslatable, translate
from sitegen.render.templates import make_environment
from sitegen.site.info import SiteInfo


def render(tmp_path: Path, go: str, args: tuple[str, ...] = (), kwargs: dict[str, str] | None = None,
           inner: str | None = None, page: FrontMatter | None = None) -> str:
    (tmp_path / "templates" / "shortcodes").mkdir(parents=True, exist_ok=True)
    (tmp_path / "templates" / "shortcodes" / "x.html").write_text(translate(go), encoding="utf-8")
    config = dataclasses.replace(Config(), root=tmp_path, extra={"tagline": "Notes", "Mixed": "m"})
    env = make_environment(config)
    context: dict[str, Any] = call_context(ShortcodeCall("x", args, kwargs or {}, inner, False, 1))
    context.update(page=page or FrontMatter(title="A page", params={"subtitle": "sub"}),
                   site=SiteInfo.of(config, {"people": [{"name": "Aiko"}, {"name": "Ben"}]}),
                   markdownify=lambda text: Markup(f"<p>{text}</p>"),
                   hugo_markdownify=lambda text: Markup(f"<em>{text}</em>"))
    return env.get_template("shortcodes/x.html").render(context)


@pytest.mark.parametrize(("go", "args", "kwargs", "inner", "html"), [
    ('<img src="{{ .Get "src" }}">', (), {"src": "a.png"}, None, '<img src="a.png">'),
    ("<b>{{ .Get 0 }}</b>-{{ .Get 1 }}", ("x", "y"), {}, None, "<b>x</b>-y"),
    ("<q>{{ .Inner }}</q>", (), {}, "it's <i>raw</i>", "<q>it's <i>raw</i></q>"),
    ("{{ .Inner | markdownify }}", (), {}, "*hi*", "<em>*hi*</em>"),
    ('{{ with .Get "title" }}<h2>{{ . }}</h2>{{ else }}none{{ end }}', (), {"title": "T"}, None, "<h2>T</h2>"),
    ('{{ with .Get "title" }}<h2>{{ . }}</h2>{{ else }}none{{ end }}', (), {}, None, "none"),
    # Hugo's docs' get-page-desc: the variable `with` declares is set, empty, in its else
    ('{{ with $p := .Get 0 }}[{{ $p }}]{{ else }}no path: "{{ $p }}"{{ end }}', (), {}, None, 'no path: ""'),
    ('{{ with $p := .Get 0 }}[{{ $p }}]{{ else }}no path: "{{ $p }}"{{ end }}', ("a",), {}, None, "[a]"),
    ("{{ if eq (.Get 0) \"a\" }}A{{ else if .Get 1 }}B{{ else }}C{{ end }}", ("z", "1"), {}, None, "B"),
    ("{{ range .Params }}[{{ . }}]{{ end }}", ("a", "b"), {}, None, "[a][b]"),
    ("{{ range $i, $p := .Params }}{{ $i }}={{ $p }} {{ end }}", ("a", "b"), {}, None, "0=a 1=b "),
    ('{{ printf "%s has %d items (%.1f%%)" (.Get 0) 3 12.5 }}', ("list",), {}, None,
     "list has 3 items (12.5%)"),
    ('{{ $c := .Get "class" | default "info" }}<div class="{{ $c }}">', (), {}, None, '<div class="info">'),
    ("{{ .Site.Params.tagline }} / {{ site.Params.mixed }} / {{ .Page.Params.subtitle }}", (), {}, None,
     "Notes / m / sub"),
    ("{{ .Page.Title | upper }}", (), {}, None, "A PAGE"),
    ("{{ range site.Data.people }}{{ .name }};{{ end }}", (), {}, None, "Aiko;Ben;"),
    ('{{ $x := 1 }}{{ range .Params }}{{ $x = add $x 1 }}{{ end }}{{ $x }}', ("a", "b"), {}, None, "3"),
    ('{{ delimit (slice "a" "b" "c") ", " " and " }}', (), {}, None, "a, b and c"),
    ("{{ if .IsNamedParams }}named{{ else }}positional{{ end }}", (), {"k": "v"}, None, "named"),
    ('{{ .Get "text" }}', (), {"text": "<script>"}, None, "&lt;script&gt;"),
    ('{{ .Get "text" | safeHTML }}', (), {"text": "<b>ok</b>"}, None, "<b>ok</b>"),
    ("{{- /* a comment with }} inside */ -}}\n  <p>x</p>  {{- \" y\" -}}\n", (), {}, None, "<p>x</p> y"),
    ('{{ replaceRE "(\\\\d+)" "<$1>" "a1b22" }}', (), {}, None, "a&lt;1&gt;b&lt;22&gt;"),
    ('{{ len .Params }}:{{ index .Params 1 }}', ("a", "b"), {}, None, "2:b"),
    # Hugo's docs' current-go-version: the Go that built Hugo 0.168.0
    ("{{ hugo.GoVersion | strings.ReplaceRE `go(\\d+\\.\\d+)\\..*` `$1.0` }}", (), {}, None, "1.27.0"),
    ('{{ range .Params }}{{ if eq . "b" }}{{ continue }}{{ end }}{{ . }}{{ end }}', ("a", "b", "c"), {}, None, "ac"),
    ('{{ range .Params }}{{ if eq . "b" }}{{ break }}{{ end }}{{ . }}{{ end }}', ("a", "b", "c"), {}, None, "a"),
    # datatable: the shortcode's own scratch pad
    ('{{ range $i, $p := .Params }}{{ $.Scratch.Set $p $i }}{{ end }}{{ $.Scratch.Get "b" }}', ("a", "b"), {},
     None, "1"),
    ('{{ $s := newScratch }}{{ $s.Set "z" 1 }}{{ $s.Set "a" 2 }}{{ $s.Add "a" 3 }}{{ $s.Delete "z" }}'
     '{{ range $k, $v := $s.Values }}{{ $k }}={{ $v }};{{ end }}', (), {}, None, "a=5;"),
    ('{{ with urls.Parse "https://x.org/a/b?q=1#f" }}{{ if .IsAbs }}abs {{ end }}{{ .Host }} {{ .Path }} '
     '{{ .Fragment }}{{ end }}', (), {}, None, "abs x.org /a/b f"),
    ('{{ $u := urls.Parse "/configuration/all/#baseurl" }}{{ if not $u.IsAbs }}{{ $u.Path }}{{ end }}', (), {}, None,
     "/configuration/all/"),
    ('{{ urls.JoinPath "https://x.org/a/" "b" "c.html" }}', (), {}, None, "https://x.org/a/b/c.html"),
    ('{{ path.BaseName "/a/b/term.md" }}', (), {}, None, "term"),
    ('{{ "contentTypes" | humanize | anchorize }} {{ humanize "uglyURLs" }} {{ humanize "my-first-post" }}', (), {},
     None, "content-types Ugly URLs My first post"),
    ("{{ div 7 2. }}", (), {}, None, "3.5"),
    # Hugo's docs' img: defines called with `template`, an inline partial that returns a value
    ('{{ template "row" (dict "k" "a" "v" 1) }}{{ template "row" (dict "k" "b" "v" 2) }}'
     '{{ define "row" }}<{{ .k }}={{ .v }}>{{ end }}', (), {}, None, "&lt;a=1&gt;&lt;b=2&gt;"
     .replace("&lt;", "<").replace("&gt;", ">")),
    ('{{ $n := partial "inline/double.html" 21 }}{{ add $n 1 }}'
     '{{- define "_partials/inline/double.html" }}{{ $x := mul . 2 }}{{ return $x }}{{ end -}}', (), {}, None,
     "43"),
    ('{{ $l := apply (split "a , b" ",") "trim" "." " " }}{{ delimit $l "|" }}', (), {}, None, "a|b"),
    ('{{ with try (index (dict "a" 1) "a") }}{{ .Value }}{{ if .Err }}!{{ end }}{{ end }}', (), {}, None, "1"),
    ('{{ with (dict "x" 1).page.Resources.Get "a.png" }}found{{ else }}none{{ end }}', (), {}, None, "none"),
    ("{{ math.Max 4 (len .Params) 2.5 }}", ("a",), {}, None, "4.0"),
    ('{{ if reflect.IsMap site.Data }}map{{ end }}{{ if reflect.IsSlice site.Data.people }} slice{{ end }}', (),
     {}, None, "map slice"),
])
def test_translation_renders_as_hugo(tmp_path: Path, go: str, args: tuple[str, ...],
                                     kwargs: dict[str, str], inner: str | None, html: str) -> None:
    assert render(tmp_path, go, args, kwargs, inner) == html


def test_white_space_is_kept_where_go_keeps_it(tmp_path: Path) -> None:
    go = "<ul>\n  {{ range .Params }}\n  <li>{{ . }}</li>\n  {{ end }}\n</ul>\n"
    assert render(tmp_path, go, ("a",)) == "<ul>\n  \n  <li>a</li>\n  \n</ul>\n"


def test_errorf_stops_with_its_message(tmp_path: Path) -> None:
    from sitegen.markup.shortcodes import ShortcodeFailure

    with pytest.raises(ShortcodeFailure, match="the x shortcode needs a src"):
        render(tmp_path, '{{ with .Get "src" }}{{ . }}{{ else }}{{ errorf "the %s shortcode needs a src" .Name }}'
               "{{ end }}")


@pytest.mark.parametrize(("go", "reason"), [
    ("{{ .Page.Resources.GetMatch \"*.png\" }}", ".Resources.GetMatch has no equivalent (only .Resources.Get)"),
    ("{{ .Page.Summary }}", ".Page.Summary has no equivalent while pages are converted"),
    ('{{ $.Foo }}', ".Foo of a shortcode has no equivalent"),
    ('{{ block "x" . }}y{{ end }}', "{{ block }} is not translated"),
    ('{{ template "missing" . }}', "{{ template 'missing' }} names no define of this file"),
    ("{{ return 1 }}", "{{ return }} other than at the end of an inline partial"),
    ('{{ partial "inline/p.html" 1 }}{{ define "_partials/inline/p.html" }}{{ if . }}{{ return 2 }}{{ end }}'
     "{{ end }}", "{{ return }} other than at the end of an inline partial"),
    ("{{ if .Get 0 }}", "a block is never closed with {{ end }}"),
    ("{{ .Get 0 ", "an action is never closed with '}}'"),
    ("{{ $undeclared }}", "the variable $undeclared is used before it is set"),
])
def test_what_cannot_be_translated_says_why(go: str, reason: str) -> None:
    with pytest.raises(Untranslatable) as caught:
        translate(go)
    assert str(caught.value) == reason


def test_the_parser_reads_go_syntax() -> None:
    nodes = parse_template('a{{- if and (eq .X 1) (not $.Y) }}b{{ else }}c{{ end -}} d')
    assert [type(n).__name__ for n in nodes] == ["Text", "If", "Text"]
    assert nodes[0].value == "a" and nodes[2].value == "d"  # type: ignore[union-attr]
    with pytest.raises(GoSyntaxError):
        parse_template("{{ end }}")
