"""The glossary: data/glossary.yaml read with file:line errors, first uses marked, near misses."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html as lxml_html

from sitegen.config.settings import Config
from sitegen.content.frontmatter import parse_source
from sitegen.content.sources import Source
from sitegen.site.glossary import Glossary, load_glossary
from sitegen.site.glossary_check import near_misses
from sitegen.site.glossary_marks import mark_glossary, terms_in_text

REPO = Path(__file__).resolve().parents[2]

SMALL = """\
- id: futenma
  forms:
    ja: [普天間, 普天間飛行場]
    ja-Latn: Futenma
    en: Marine Corps Air Station Futenma
  definition:
    en: A US Marine Corps air station in Okinawa.
    ja: 沖縄の米海兵隊航空基地。
- id: sofa
  forms:
    ja: 日米地位協定
    en: [Status of Forces Agreement, SOFA]
  definition:
    en: The agreement on US forces in Japan.
- id: omoiyari-yosan
  forms:
    ja: 思いやり予算
    ja-Latn: Omoiyari Yosan
  definition:
    en: Host-nation support.
"""


def glossary_of(tmp_path: Path, text: str) -> tuple[Glossary, list[str]]:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "data" / "glossary.yaml").write_text(text, encoding="utf-8")
    glossary, problems = load_glossary(Config(root=tmp_path))
    return glossary, [p.format() for p in problems]


@pytest.fixture
def small(tmp_path: Path) -> Glossary:
    glossary, problems = glossary_of(tmp_path, SMALL)
    assert problems == []
    return glossary


def test_the_archives_glossary_loads_and_holds_the_required_terms() -> None:
    glossary, problems = load_glossary(Config(root=REPO))
    assert problems == []
    forms = {t.id: {f.text for f in t.forms} for t in glossary.terms}
    assert {"普天間", "Futenma"} <= forms["futenma"]
    assert {"思いやり予算", "Omoiyari Yosan", "host-nation support"} <= forms["omoiyari-yosan"]
    assert {"日米安全保障条約", "日米安保", "US-Japan Security Treaty"} <= forms["us-japan-security-treaty"]
    assert all(dict(t.definitions).keys() >= {"en", "ja"} for t in glossary.terms)


@pytest.mark.parametrize(("text", "expected"), [
    ("id: x\n", "data/glossary.yaml:1:1: error: the glossary must be a list of terms"),
    ("- id: a\n  forms: {en: A}\n  definiton: {en: x}\n",
     "data/glossary.yaml:3:3: error: unknown key 'definiton' in a term\n  hint: did you mean 'definition'?"),
    ("- id: a\n  forms: {en: A}\n", "data/glossary.yaml:1:3: error: the term has no 'definition'"),
    ("- id: A b\n  forms: {en: A}\n  definition: {en: x}\n",
     "data/glossary.yaml:1:7: error: term id 'A b' must be lower-case letters, digits and hyphens"),
    ("- id: a\n  forms: {english: A}\n  definition: {en: x}\n",
     "data/glossary.yaml:2:11: error: 'english' is not a language tag"),
    ("- id: a\n  forms: {en: [A, 12]}\n  definition: {en: x}\n",
     "data/glossary.yaml:2:19: error: the forms in 'en' must be text, got '12'"),
    (("- id: a\n  forms: {en: Futenma}\n  definition: {en: x}\n"
     "- id: b\n  forms:\n    en: [Other, futenma]\n  definition: {en: y}\n"),
     "data/glossary.yaml:6:17: error: 'futenma' is already a form of 'a' (line 2)"),
    ("- id: a\n  forms: {en: A}\n  definition: {en: x}\n- id: a\n  forms: {en: B}\n  definition: {en: y}\n",
     "data/glossary.yaml:4:3: error: duplicate term id 'a'"),
    ("- id: a\n  forms: {en: 'A}\n", "data/glossary.yaml:2:15: error: invalid YAML: the ' opened here is never closed"),
])
def test_problems_name_the_file_line_and_column(tmp_path: Path, text: str, expected: str) -> None:
    glossary, problems = glossary_of(tmp_path, text)
    assert problems and problems[0].startswith(expected), problems
    assert not glossary, "a glossary with problems marks nothing"


def test_only_the_first_use_is_marked_and_never_in_links_code_or_headings(small: Glossary) -> None:
    html = ('<h2 id="f">Futenma</h2><p><a href="/x/">Futenma</a> and <code>SOFA</code>, then '
            'Futenma &amp; Futenma, the sofa and the SOFA.</p><p>普天間飛行場と普天間。</p>')
    marked, used = mark_glossary(html, small, "en")
    tree = lxml_html.fromstring(f"<div>{marked}</div>")
    assert [d.text_content() for d in tree.cssselect("dfn")] == ["Futenma", "SOFA"]
    assert used == ["futenma", "sofa"]  # the heading's Futenma counts as a use, unmarked
    assert marked.count("普天間") == 2 + 1 and "&amp; Futenma, the sofa" in marked


def test_a_term_is_described_by_its_tooltip(small: Glossary) -> None:
    marked, _ = mark_glossary("<p>The Futenma base.</p>", small, "ja")
    tree = lxml_html.fromstring(marked)
    dfn = tree.cssselect("dfn.gloss-term")[0]
    tip = tree.cssselect(f"#{dfn.get('aria-describedby')}")[0]
    assert dfn.get("tabindex") == "0" and tip.get("role") == "tooltip"
    assert tip.get("data-pagefind-ignore") is not None
    assert [(s.get("lang"), s.text) for s in tip.cssselect(".gloss-forms span")] == [
        ("ja", "普天間"), ("en", "Marine Corps Air Station Futenma")]  # not the form the text uses
    assert tip.cssselect(".gloss-def")[0].get("lang") == "ja"  # the article's language
    assert " ".join(tip.text_content().split()) == (
        "(普天間 · Marine Corps Air Station Futenma: 沖縄の米海兵隊航空基地。)")


def test_japanese_forms_match_inside_running_text_and_the_longest_wins(small: Glossary) -> None:
    marked, used = mark_glossary("<p>沖縄の普天間飛行場の移設と思いやり予算。</p>", small, "ja")
    assert [d.text_content() for d in lxml_html.fromstring(marked).cssselect("dfn")] == ["普天間飛行場", "思いやり予算"]
    assert used == ["futenma", "omoiyari-yosan"]
    assert terms_in_text(["Omoiyari Yosan", "nothing"], small) == ["omoiyari-yosan"]


def near(text: str, glossary: Glossary) -> list[str]:
    source = Source("content/x.md", "x.md", "---\ntitle: x\n---\n" + text, "")
    document = parse_source(source).document
    assert document is not None
    return [d.format() for d in near_misses(document, glossary)]


def test_check_says_did_you_mean_for_a_near_miss(small: Glossary) -> None:
    assert near("The Futemma base\nand the omoiyari-yosan and the Status of Force Agreement.\n", small) == [
        ("content/x.md:4:5: warning: 'Futemma' is not a form the glossary knows: did you mean 'Futenma'?\n"
        "  hint: write 'Futenma', or, if 'Futemma' is a spelling of its own, add it to the forms of "
        "'futenma' in data/glossary.yaml (line 1)"),
        ("content/x.md:5:9: warning: 'omoiyari-yosan' is not a form the glossary knows: did you mean "
        "'Omoiyari Yosan'?\n  hint: write 'Omoiyari Yosan', or, if 'omoiyari-yosan' is a spelling of its "
        "own, add it to the forms of 'omoiyari-yosan' in data/glossary.yaml (line 15)"),
        ("content/x.md:5:32: warning: 'Status of Force Agreement' is not a form the glossary knows: did "
        "you mean 'Status of Forces Agreement'?\n  hint: write 'Status of Forces Agreement', or, if "
        "'Status of Force Agreement' is a spelling of its own, add it to the forms of 'sofa' in "
        "data/glossary.yaml (line 9)")]


@pytest.mark.parametrize("text", [
    "Futenma’s runway and FUTENMA and futenma.",  # the form, with an ending or other capitals
    "`Futemma` in code, [a link](https://example.org/Futemma), <https://example.org/Futemma>",
    "{{< rawhtml >}}Futemma{{< /rawhtml >}}",  # shortcodes are not the article's prose
    "Omoiyari Yosan, and the Marine Corps Air Station Futenma.",
    "The sofa, the Statue of Liberty.",
])
def test_no_near_miss_where_there_is_none(small: Glossary, text: str) -> None:
    assert near(text + "\n", small) == []


def test_the_archive_has_no_near_misses() -> None:
    glossary, _ = load_glossary(Config(root=REPO))
    for path in sorted((REPO / "content").rglob("*.md")):
        rel = path.relative_to(REPO).as_posix()
        document = parse_source(Source(rel, rel, path.read_text(encoding="utf-8"), "")).document
        assert document is not None and near_misses(document, glossary) == [], rel
