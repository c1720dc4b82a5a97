"""The template helpers that make rendering cheap must not change what is rendered.

`cached` renders a block once per set of keys (by identity); `ui_lang` and `other_lang`
give the lang attributes that partials used to make with macros.
"""

from __future__ import annotations

from pathlib import Path

import jinja2

from sitegen.config.settings import load_config
from sitegen.render.templates import RenderMemo, make_environment, other_lang, ui_lang_for


class Item:
    def __init__(self, name: str) -> None:
        self.name = name


def _env() -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
    env.globals["cached"] = RenderMemo()
    return env


def test_cached_block_renders_once_per_key_and_repeats_its_html() -> None:
    calls: list[str] = []
    env = _env()
    env.globals["seen"] = lambda item: calls.append(item.name) or item.name
    first, second = Item("a & b"), Item("c")
    template = env.from_string(
        "{% for item in items %}[{% call cached(item, lang) %}{{ seen(item) }}{% endcall %}]{% endfor %}")
    out = template.render(items=[first, second, first, first], lang="en")
    assert out == "[a &amp; b][c][a &amp; b][a &amp; b]"
    assert calls == ["a & b", "c"]


def test_cached_block_renders_again_for_another_language_or_an_equal_but_distinct_item() -> None:
    calls: list[str] = []
    env = _env()
    env.globals["seen"] = lambda item, lang: calls.append(f"{item.name}/{lang}") or lang
    item = Item("x")
    template = env.from_string("{% call cached(item, lang) %}{{ seen(item, lang) }}{% endcall %}")
    assert [template.render(item=item, lang=lang) for lang in ("en", "ja", "en")] == ["en", "ja", "en"]
    assert template.render(item=Item("x"), lang="en") == "en"  # a new object is a new key
    assert calls == ["x/en", "x/ja", "x/en"]


def test_a_new_environment_starts_with_an_empty_memo(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").write_text("site:\n  title: T\n  language: en\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert make_environment(config).globals["cached"] is not make_environment(config).globals["cached"]


def test_ui_lang_marks_interface_text_only_inside_another_language() -> None:
    ui_lang = ui_lang_for("en")
    assert ui_lang("ja") == ' lang="en"'
    assert ui_lang("en") == "" and ui_lang("") == ""
    assert ui_lang_for('e"n')("ja") == ' lang="e&#34;n"'


def test_other_lang_marks_content_whose_language_differs_from_its_surroundings() -> None:
    assert other_lang("ja", "en") == ' lang="ja"'
    assert other_lang("en", "en") == "" and other_lang("", "en") == ""
    assert other_lang("<ja>", "en") == ' lang="&lt;ja&gt;"'
