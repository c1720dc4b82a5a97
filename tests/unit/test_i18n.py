"""The theme's UI strings (i18n/<lang>.yaml, Hugo's format) and per-language dates and numbers."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from markupsafe import Markup

from sitegen.config.locales import long_date, month_year, og_locale, plural_category
from sitegen.config.settings import Config
from sitegen.site.catalog import (
    Catalog,
    TranslationError,
    load_catalog,
    missing_translations,
    read_messages,
)


def catalog_of(tmp_path: Path, files: dict[str, str]) -> tuple[Catalog, list[str]]:
    (tmp_path / "i18n").mkdir(exist_ok=True)
    for name, text in files.items():
        (tmp_path / "i18n" / name).write_text(text, encoding="utf-8")
    catalog, problems = load_catalog(Config(root=tmp_path))
    return catalog, [p.format() for p in problems]


EN = """\
date_pattern: "d MMMM y"
home: Home
word_count:
  one: "{{ .Count }} word"
  other: "{{ .Count }} words"
page_of: "page {{ .Number }} of {{ .Total }}"
moved: "Moved to {{ .Link }} & more."
only_en: English only
"""
JA = """\
home: ホーム
word_count:
  other: "{{ .Count }}語"
page_of: "{{ .Number }}／{{ .Total }}ページ"
"""


def test_plural_forms_follow_each_languages_rules(tmp_path: Path) -> None:
    catalog, problems = catalog_of(tmp_path, {"en.yaml": EN, "ja.yaml": JA})
    assert problems == []
    en, ja = catalog.translator("en"), catalog.translator("ja", ("en",))
    assert [en("word_count", n) for n in (1, 2, 1234)] == ["1 word", "2 words", "1,234 words"]
    assert [ja("word_count", n) for n in (1, 2, 1234)] == ["1語", "2語", "1,234語"]
    assert ja("page_of", Number=2, Total=5) == "2／5ページ"
    assert en("page_of", {"Number": 2, "Total": 5}) == "page 2 of 5"


def test_an_id_missing_in_a_language_falls_back_to_the_default_one(tmp_path: Path) -> None:
    catalog, _ = catalog_of(tmp_path, {"en.yaml": EN, "ja.yaml": JA})
    assert catalog.translator("ja", ("en",))("only_en") == "English only"


def test_an_id_missing_everywhere_is_an_error_naming_the_files(tmp_path: Path) -> None:
    catalog, _ = catalog_of(tmp_path, {"en.yaml": EN, "ja.yaml": JA})
    with pytest.raises(TranslationError) as caught:
        catalog.translator("ja", ("en",))("hme")
    assert str(caught.value) == ("no translation 'hme' in i18n/ja.yaml or i18n/en.yaml "
                                 "(did you mean 'home'?)")
    assert catalog.translator("ja")("nothing", default="x {{ .N }}", N=1) == "x 1"


def test_a_placeholder_the_template_does_not_give_is_an_error(tmp_path: Path) -> None:
    catalog, _ = catalog_of(tmp_path, {"en.yaml": EN})
    with pytest.raises(TranslationError, match=r"needs \{\{ \.Total \}\}"):
        catalog.translator("en")("page_of", Number=1)


def test_markup_fields_are_kept_and_the_text_around_them_escaped(tmp_path: Path) -> None:
    catalog, _ = catalog_of(tmp_path, {"en.yaml": EN})
    t = catalog.translator("en")
    link = Markup('<a href="/x/">there</a>')
    assert t("moved", Link=link) == Markup('Moved to <a href="/x/">there</a> &amp; more.')
    assert t("moved", Link="<b>") == "Moved to <b> & more."  # plain text: the template escapes it
    assert not isinstance(t("moved", Link="<b>"), Markup)


def test_hugos_list_shape_and_toml_files_are_read(tmp_path: Path) -> None:
    catalog, problems = catalog_of(tmp_path, {
        "en.yaml": "- id: home\n  translation: Home\n- id: n\n  translation:\n    one: a\n    other: b\n",
        "fr.toml": 'home = "Accueil"\n[n]\none = "un"\nother = "plusieurs"\n'})
    assert problems == []
    assert catalog.translator("en")("n", 1) == "a" and catalog.translator("en")("n", 3) == "b"
    assert catalog.translator("fr")("home") == "Accueil"
    assert catalog.translator("fr")("n", 1) == "un" and catalog.translator("fr")("n", 2) == "plusieurs"


@pytest.mark.parametrize(("text", "expected"), [
    ("home: yes\n", "i18n/en.yaml:1:7: error: 'home' must be text, got 'yes'"),
    ("n:\n  one: a\n  otehr: b\n", ("i18n/en.yaml:3:3: error: 'n.otehr' is not a plural form\n"
                                   "  hint: did you mean 'other'?")),
    ("n:\n  one: a\n", "i18n/en.yaml:2:3: error: 'n' has no 'other' form"),
    ("a: x\nb: '{{ if .Count }}x{{ end }}'\n",
     "i18n/en.yaml:2:1: error: 'b' uses {{ if .Count }}, which is not a placeholder"),
    ("a: x\na: y\n", "i18n/en.yaml:2:1: error: duplicate id 'a'"),
    ("a: 'x\n", "i18n/en.yaml:1:4: error: invalid YAML: the ' opened here is never closed"),
    ("- home\n", "i18n/en.yaml:1:3: error: a list entry needs 'id' and 'translation'"),
])
def test_problems_name_the_file_and_line(text: str, expected: str) -> None:
    _, problems = read_messages(text.encode(), "i18n/en.yaml", ".yaml")
    assert problems and problems[0].format().startswith(expected)


def test_check_warns_of_ids_another_language_lacks(tmp_path: Path) -> None:
    catalog, _ = catalog_of(tmp_path, {"en.yaml": EN, "ja.yaml": JA})
    warnings = [p.format() for p in missing_translations(catalog, "en")]
    assert catalog.translator("ja", ("en",)).date(date(2019, 3, 29)) == "2019年3月29日"  # not en's pattern
    assert warnings == [
        ("i18n/ja.yaml:1:1: warning: no translation for 'moved' (i18n/en.yaml:7)\n"
        "  hint: add 'moved: ...' to i18n/ja.yaml; until then, pages in 'ja' show the en text"),
        ("i18n/ja.yaml:1:1: warning: no translation for 'only_en' (i18n/en.yaml:8)\n"
        "  hint: add 'only_en: ...' to i18n/ja.yaml; until then, pages in 'ja' show the en text")]


def test_dates_and_numbers_per_language() -> None:
    day = datetime(2019, 3, 29, 9, 30)
    assert long_date(day, "ja") == "2019年3月29日"
    assert long_date(day, "en", "d MMMM y") == "29 March 2019"
    assert long_date(date(2019, 3, 29), "en") == "March 29, 2019"
    assert month_year(2019, 7, "ja") == "2019年7月" and month_year(2019, 7, "en") == "July 2019"
    assert plural_category(1, "en") == "one" and plural_category(1, "ja") == "other"
    assert (og_locale("ja"), og_locale("en"), og_locale("en-GB")) == ("ja_JP", "en_US", "en_GB")


def test_the_theme_ships_english_and_japanese_with_the_same_ids() -> None:
    repo = Path(__file__).resolve().parents[2]
    catalog, problems = load_catalog(Config(root=repo))
    assert problems == []
    assert set(catalog.languages) >= {"en", "ja"}
    assert missing_translations(catalog, "en") == [], "i18n/ja.yaml lacks ids of i18n/en.yaml"
    ja = catalog.translator("ja", ("en",))
    assert ja("reading_time", 3) == "3分で読めます"
    assert ja.date(datetime(2019, 3, 29)) == "2019年3月29日"
    assert catalog.translator("en").date(datetime(2019, 3, 29)) == "29 March 2019"


def test_a_projects_file_overrides_the_themes_words_id_by_id(tmp_path: Path) -> None:
    """As Hugo merges a project's i18n/ with its theme's: the project's ja.yaml needs only
    the ids it changes; the rest are the theme's."""
    catalog, problems = catalog_of(tmp_path, {"ja.yaml": "home: トップ\n"})
    assert problems == []
    ja = catalog.translator("ja")
    assert (ja("home"), ja("archive")) == ("トップ", "アーカイブ")


def test_a_language_the_theme_lacks_falls_back_to_its_base_then_english(tmp_path: Path) -> None:
    """en-gb reads en's words; a language with no file at all (a migrated French site)
    shows the theme's English instead of failing to build, until its own file says otherwise."""
    catalog, _ = catalog_of(tmp_path, {"fr.yaml": "home: Accueil\n"})
    assert catalog.translator("en-gb")("archive") == "Archive"
    fr = catalog.translator("fr")
    assert (fr("home"), fr("archive")) == ("Accueil", "Archive")
    assert catalog.translator("zh-hant")("home") == "Home"
