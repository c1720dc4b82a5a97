"""`migrate` reads a site's alert and diagram render hooks into markdown.alerts and
markdown.diagrams; the hooks it cannot stand for are still reported."""

from __future__ import annotations

from pathlib import Path

from sitegen.config.settings import load_config
from tests.support.sites import run_cli

STACK_QUOTE = ('{{ if eq .Type "alert" }}<blockquote class="alert-{{ .AlertType }}">{{ with .AlertTitle }}{{ . }}'
               '{{ else }}{{ or (i18n (printf "alert.%s" .AlertType)) (title .AlertType) }}{{ end }}{{ .Text }}'
               '</blockquote>{{ else }}<blockquote>{{ .Text }}</blockquote>{{ end }}')
DOCS_QUOTE = ('{{ if eq .Type "alert" }}{{ partial "alert.html" (dict "title" .AlertTitle "text" .Text) }}'
              '{{ else }}<blockquote>{{ .Text }}</blockquote>{{ end }}')
MERMAID = '<pre class="mermaid">{{ .Inner | htmlEscape | safeHTML }}</pre>{{ .Page.Store.Set "m" true }}'


def _migrate(tmp_path: Path, hooks: dict[str, str], theme: bool = False) -> tuple[Path, str]:
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    config = 'baseURL = "https://example.org/"\ntitle = "T"\n' + ('theme = "t"\n' if theme else "")
    (site / "hugo.toml").write_text(config, encoding="utf-8")
    folder = site / "themes" / "t" / "layouts" / "_markup" if theme else site / "layouts" / "_markup"
    folder.mkdir(parents=True)
    for name, text in hooks.items():
        (folder / name).write_text(text, encoding="utf-8")
    run = run_cli("migrate", str(site), "--into", str(tmp_path / "project"))
    assert run.code == 0, run.err
    return tmp_path / "project", run.out


def test_a_themes_alert_and_mermaid_hooks_become_settings(tmp_path: Path) -> None:
    hooks = {"render-blockquote.html": STACK_QUOTE, "render-codeblock-mermaid.html": MERMAID,
             "render-link.html": '<a href="{{ .Destination }}">{{ .Text }}</a>'}
    project, out = _migrate(tmp_path, hooks, theme=True)
    markdown = load_config(project).markdown
    assert (markdown.alerts, markdown.diagrams) == ("type", ("mermaid",))
    assert "render hooks are not translated (render-link.html):" in out


def test_a_hook_that_shows_only_given_titles_gives_given(tmp_path: Path) -> None:
    project, out = _migrate(tmp_path, {"render-blockquote.html": DOCS_QUOTE})
    assert load_config(project).markdown.alerts == "given"
    assert "render hooks are not translated" not in out


def test_hooks_that_are_no_alert_or_diagram_change_nothing(tmp_path: Path) -> None:
    hooks = {"render-blockquote.html": "<blockquote class=\"q\">{{ .Text }}</blockquote>",
             "render-codeblock-chart.html": "<div class=\"chart\">{{ .Inner }}</div>"}
    project, out = _migrate(tmp_path, hooks)
    markdown = load_config(project).markdown
    assert (markdown.alerts, markdown.diagrams) == ("", ())
    assert "render hooks are not translated (render-blockquote.html, render-codeblock-chart.html):" in out


STACK_MERMAID = ('<pre class="mermaid" style="visibility:hidden">\n{{- .Inner | safeHTML -}}\n</pre>\n'
                 '{{- .Page.Store.Set "hasMermaid" true -}}\n')


def test_a_hook_writing_the_diagram_as_is_and_ending_at_pre_is_followed(tmp_path: Path) -> None:
    project, _ = _migrate(tmp_path, {"render-codeblock-mermaid.html": STACK_MERMAID})
    markdown = load_config(project).markdown
    assert (markdown.diagrams, markdown.raw_diagrams, markdown.diagrams_joined) == (("mermaid",), True, True)


def test_an_escaping_hook_with_a_newline_after_pre_is_followed_too(tmp_path: Path) -> None:
    hook = '<pre class="mermaid">\n  {{ .Inner | htmlEscape | safeHTML }}\n</pre>\n{{ .Page.Store.Set "m" true }}\n'
    project, _ = _migrate(tmp_path, {"render-codeblock-mermaid.html": hook})
    markdown = load_config(project).markdown
    assert (markdown.diagrams, markdown.raw_diagrams, markdown.diagrams_joined) == (("mermaid",), False, False)


def test_goldmarks_passthrough_block_delimiters_are_kept(tmp_path: Path) -> None:
    site = tmp_path / "hugo"
    (site / "content").mkdir(parents=True)
    (site / "hugo.yaml").write_text(
        "baseURL: https://example.org/\nmarkup:\n  goldmark:\n    extensions:\n      passthrough:\n"
        "        enable: true\n        delimiters:\n          block: [['\\[', '\\]'], ['$$', '$$']]\n"
        "          inline: [['\\(', '\\)']]\n", encoding="utf-8")
    assert run_cli("migrate", str(site), "--into", str(tmp_path / "project")).code == 0
    assert load_config(tmp_path / "project").markdown.passthrough_blocks == ("\\[ \\]", "$$ $$")
