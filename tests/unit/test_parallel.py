"""The side-by-side view: two converted bodies aligned block by block, pinned by shared ids."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from lxml import html as lxml_html

from sitegen.config.settings import Config
from sitegen.markup.markdown import MarkdownOptions, render_markdown
from sitegen.render.parallel import align, prefixed, units
from sitegen.render.templates import make_environment

REPO = Path(__file__).resolve().parents[2]


def md(text: str) -> str:
    return render_markdown(text, MarkdownOptions()).html


def texts(cells: tuple) -> list[str]:  # type: ignore[type-arg]
    return [" ".join(lxml_html.fragment_fromstring(u.html, create_parent="div").text_content().split())
            for u in cells]


EN = """\
## The treaty

First paragraph.

    code rides along

- a list
- of two

> A quote.

Last paragraph.
"""
JA = """\
## 条約

第一段落。

- 二項目の
- リスト

> 引用。

最後の段落。
"""


def test_blocks_are_headings_paragraphs_lists_and_quotes_others_ride_along() -> None:
    found = units(md(EN))
    assert [u.tag for u in found] == ["h2", "p", "ul", "blockquote", "p"]
    assert "<pre" in found[1].html and found[1].html.startswith("<p>First")


def test_equal_texts_pair_in_order_without_problems() -> None:
    result = align(md(EN), md(JA))
    assert result.counts == (5, 5) and result.problems == ()
    assert [(texts(r.first), texts(r.second)) for r in result.rows][2] == (["a list of two"], ["二項目の リスト"])


def test_different_counts_without_markers_are_a_problem_and_the_surplus_joins_the_last_row() -> None:
    result = align(md("One.\n\nTwo.\n\nThree.\n"), md("一。\n\n二と三。\n"))
    assert result.problems == (("the texts have 3 and 2 aligned blocks (headings, paragraphs, lists "
                               "and quotes) and no alignment markers"),)
    assert [(texts(r.first), texts(r.second)) for r in result.rows] == [
        (["One."], ["一。"]), (["Two.", "Three."], ["二と三。"])]


def test_markers_pin_rows_where_the_texts_diverge() -> None:
    en = "Intro.\n\nA note only English has.\n\nBases.\n{#p-bases}\n\n- one\n- two\n{#p-list}\n\nEnd.\n"
    ja = "序。\n\n基地。\n{#p-bases}\n\n- 一\n- 二\n{#p-list}\n\n終わり。\n"
    result = align(md(en), md(ja))
    assert result.markers == ("p-bases", "p-list")
    pairs = [(texts(r.first), texts(r.second), r.marker) for r in result.rows]
    assert pairs == [(["Intro.", "A note only English has."], ["序。"], ""),
                     (["Bases."], ["基地。"], "p-bases"),
                     (["one two"], ["一 二"], "p-list"),  # an id on a list's last item pins the list
                     (["End."], ["終わり。"], "")]
    assert result.problems == ("before marker 'p-bases', the texts have 2 and 1 blocks",)


def test_a_marker_out_of_order_pins_nothing() -> None:
    en = "A.\n{#x}\n\nB.\n{#y}\n"
    ja = "B。\n{#y}\n\nA。\n{#x}\n"
    result = align(md(en), md(ja))
    assert len(result.markers) == 1
    assert any("is in a different order in the two texts" in p for p in result.problems)


def test_footnote_and_glossary_ids_are_never_markers() -> None:
    en = md("One[^1].\n\nTwo.\n\n[^1]: A note.\n")
    ja = md("一[^1]。\n\n[^1]: 注。\n")
    assert align(en, ja).markers == ()


def test_ids_and_references_in_a_cell_are_prefixed() -> None:
    html = ('<p id="a">x<a href="#fn:1">1</a><dfn aria-describedby="gloss-b c">t</dfn></p>'
            '<a href="https://x/#y">out</a><label for="z">')
    assert prefixed(html, "en-") == ('<p id="en-a">x<a href="#en-fn:1">1</a><dfn aria-describedby='
                                     '"en-gloss-b en-c">t</dfn></p><a href="https://x/#y">out</a><label for="en-z">')


@pytest.mark.parametrize("first_second", [("en", "ja"), ("ja", "en")])
def test_the_view_is_one_row_per_pair_with_lang_tagged_cells_and_unique_ids(first_second: tuple[str, str]) -> None:
    first, second = first_second
    env = make_environment(Config(root=REPO))
    macro = env.from_string('{% from "partials/parallel.html" import parallel_view %}'
                            '{{ parallel_view(alignment, first, second) }}')
    bodies = {"en": md(EN + "\nNote[^1].\n\n[^1]: x\n"), "ja": md(JA + "\n注[^1]。\n\n[^1]: y\n")}
    html = macro.render(alignment=align(bodies[first], bodies[second]), first=first, second=second)
    tree = lxml_html.fragment_fromstring(html, create_parent="div")
    rows = tree.cssselect(".parallel-row:not(.parallel-head)")
    assert len(rows) == 6
    assert all([c.get("lang") for c in row.cssselect(".parallel-cell")] == [first, second] for row in rows)
    ids = Counter(e.get("id") for e in tree.iter() if e.get("id"))
    assert [i for i, n in ids.items() if n > 1] == []
    assert rows[0].cssselect("h2")[0].get("id").startswith(first + "-")  # headings keep their level
    for link in tree.cssselect("a[href^='#']"):
        assert link.get("href")[1:] in ids, link.get("href")
