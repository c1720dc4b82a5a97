"""Shortcodes as Hugo sites write them (sitegen/markup/shortcodes.py)."""

from __future__ import annotations

from sitegen.markup.shortcodes import Expansion, ShortcodeCall, code_regions, expand_shortcodes

KNOWN = {"figure", "rawhtml", "param", "details"}


def expand(body: str) -> Expansion:
    def render(call: ShortcodeCall) -> str:
        return f"[{call.name}:{','.join(call.args)}]"

    return expand_shortcodes(body, "content/posts/x.md", 5, render, KNOWN.__contains__,
                             lambda name: name in ("rawhtml", "details"))


def test_commented_shortcodes_print_literally_in_code_as_in_hugo() -> None:
    body = ("To show one:\n\n```text\n{{</* figure src=\"/b.png\" */>}}\n"
            "{{%/* param \"description\" */%}}\n```\n\nInline too: `{{</* rawhtml */>}}`.\n")
    text = expand(body).text
    assert '{{< figure src="/b.png" >}}\n{{% param "description" %}}' in text
    assert "`{{< rawhtml >}}`" in text


def test_commented_shortcodes_outside_code_print_literally() -> None:
    assert expand("Write {{</* param x */>}} here.").text == "Write {{< param x >}} here."


def test_a_literal_shortcode_in_a_fence_stays_literal() -> None:
    body = "```\n{{< figure src=\"/b.png\" >}}\n```\n"
    expansion = expand(body)
    assert expansion.text == body and not expansion.diagnostics and not expansion.names


def test_an_unknown_shortcode_is_an_error_naming_it() -> None:
    expansion = expand("Line one.\n\n{{< youtube abc >}}\n")
    [problem] = expansion.diagnostics
    assert (problem.path, problem.line, problem.message) == (
        "content/posts/x.md", 7, "unknown shortcode 'youtube'")
    assert "templates/shortcodes/youtube.html" in problem.hint


def test_code_regions_cover_fences_spans_and_an_unclosed_fence() -> None:
    text = "a `b` c\n```\nd\n```\ne\n~~~\nf"
    spans = [text[start:end] for start, end in code_regions(text)]
    assert spans == ["`b`", "```\nd\n```", "~~~\nf"]
