"""load_config: typed sections, overrides, and every problem with its key path and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config.settings import Config, FeedsSection, load_config
from sitegen.errors import ConfigError


def load(tmp_path: Path, text: str | bytes | None, overrides: dict[str, object] | None = None) -> Config:
    if text is not None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        (tmp_path / "config.yaml").write_bytes(data)
    return load_config(tmp_path, overrides)


def problems(tmp_path: Path, text: str | bytes) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    assert caught.value.exit_code == 2
    return [d.format() for d in caught.value.diagnostics]


@pytest.mark.parametrize("text", [None, "", "# only a comment\n", "\ufeff"], ids=["absent", "empty", "comment", "bom"])
def test_no_settings_means_the_defaults(tmp_path: Path, text: str | None) -> None:
    config = load(tmp_path, text)
    assert config == Config(root=tmp_path.resolve())


def test_every_section_is_typed(tmp_path: Path) -> None:
    config = load(tmp_path, """\
\ufeffsite:
  title: Treaty archive
  base_url: https://example.org/archive/
paths:
  output: dist
markdown:
  smart_quotes: false
  summary_words: 40
taxonomies:
  tag: tags
permalinks:
  default: /:year/:slug/
pagination:
  page_size: 5
feeds: {limit: 0, full_content: false}
search:
  enabled: false
server:
  port: 8080
extra:
  anything: [1, {goes: here}]
""")
    assert config.site.title == "Treaty archive"
    assert config.base_path == "/archive/"
    assert config.paths.output == "dist" and config.paths.content == "content"
    assert (config.markdown.smart_quotes, config.markdown.summary_words) == (False, 40)
    assert config.taxonomies == {"tag": "tags"}
    assert config.permalinks == {"default": "/:year/:slug/"}
    assert config.feeds == FeedsSection(limit=0, full_content=False)
    assert (config.pagination.page_size, config.search.enabled, config.server.port) == (5, False, 8080)
    assert config.extra == {"anything": [1, {"goes": "here"}]}


def test_a_section_left_empty_keeps_its_defaults(tmp_path: Path) -> None:
    config = load(tmp_path, "site:\nfeeds:\n  # limit: 5\n")
    assert config.site.title == "Untitled archive" and config.feeds.limit == 20


def test_overrides_win_and_file_level_flags_are_kept_apart(tmp_path: Path) -> None:
    config = load(tmp_path, "site:\n  base_url: https://example.org/\nfeeds:\n",
                  {"site.base_url": "/preview/", "paths.output": "out", "build_drafts": True})
    assert (config.site.base_url, config.paths.output, config.build_drafts) == ("/preview/", "out", True)


def test_an_override_into_a_wrong_section_reports_the_section(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, "site: 3\n", {"site.base_url": "/x/"})
    assert [d.format() for d in caught.value.diagnostics] == [
        ("config.yaml:1:7: error: 'site' must be a group of settings, got 3\n"
         "  hint: write 'site:' alone on its line and its keys indented below it, e.g. '  title: Untitled archive'")]


def test_unknown_keys_point_at_the_key_with_a_did_you_mean(tmp_path: Path) -> None:
    assert problems(tmp_path, "site:\n  titel: x\n  colour: blue\nfeed:\n  limit: 3\n") == [
        "config.yaml:2:3: error: unknown key 'site.titel'\n  hint: did you mean 'title'?",
        ("config.yaml:3:3: error: unknown key 'site.colour'\n"
         "  hint: known keys here: title, description, base_url, language, author, copyright, timezone"),
        "config.yaml:4:1: error: unknown key 'feed'\n  hint: did you mean 'feeds'?",
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ("feeds:\n  limit: true\n",
     ("config.yaml:2:10: error: 'feeds.limit' must be a whole number of 0 or more, got True\n"
      "  hint: write a number, e.g. 'limit: 20' (the default)")),
    ("pagination:\n  page_size: -1\n",
     ("config.yaml:2:14: error: 'pagination.page_size' must be a whole number of 0 or more, got -1\n"
      "  hint: write a number, e.g. 'page_size: 10' (the default)")),
    ("search:\n  enabled: yes please\n",
     ("config.yaml:2:12: error: 'search.enabled' must be true or false, got 'yes please'\n"
      "  hint: write 'enabled: true' or 'enabled: false'")),
    ("site:\n  title: 1945\n",
     ("config.yaml:2:10: error: 'site.title' must be text, got 1945\n"
      "  hint: put the value in quotes: title: \"1945\"")),
    ("site:\n  title:\n",
     ("config.yaml:2:9: error: 'site.title' has no value\n"
      "  hint: write a value after 'title:', or delete the line to use the default (Untitled archive)")),
    ("server:\n  port:\n    - 1313\n",
     ("config.yaml:2:3: error: 'server.port' must be a whole number of 0 or more, got a list [1313]\n"
      "  hint: write a number, e.g. 'port: 1313' (the default)")),
    ("taxonomies:\n  tag: [tags]\n",
     ("config.yaml:2:8: error: 'taxonomies.tag' must be text, got a list ['tags']\n"
      "  hint: write one value, e.g. 'tag: tags'")),
    ("permalinks:\n  default: 3\n",
     ("config.yaml:2:12: error: 'permalinks.default' must be text, got 3\n"
      "  hint: put the value in quotes: default: \"...\"")),
    ("taxonomies: [tags]\n",
     ("config.yaml:1:13: error: 'taxonomies' must be a group of settings, got a list ['tags']\n"
      "  hint: write 'taxonomies:' alone on its line and its keys indented below it, e.g. '  category: categories'")),
    ("extra: 3\n",
     ("config.yaml:1:8: error: 'extra' must be a group of settings, got 3\n"
      "  hint: write 'extra:' alone on its line and its keys indented below it, e.g. '  key: value'")),
], ids=["bool-for-number", "negative", "word-for-flag", "number-for-text", "no-value",
        "value-on-next-line", "list-in-names", "number-in-names", "list-for-names", "value-for-extra"])
def test_wrong_types_point_at_the_value_with_an_example(tmp_path: Path, text: str, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_duplicate_keys_are_errors_at_every_level(tmp_path: Path) -> None:
    assert problems(tmp_path, "site:\n  title: a\n  title: b\nfeeds:\n  limit: 1\nfeeds:\n  limit: 2\n") == [
        ("config.yaml:3:3: error: duplicate key 'title'\n"
         "  hint: 'title' is already set on line 2: merge the two, or delete one"),
        ("config.yaml:6:1: error: duplicate key 'feeds'\n"
         "  hint: 'feeds' is already set on line 4: merge the two, or delete one"),
    ]


@pytest.mark.parametrize(("text", "expected"), [
    ('site:\n  title: "Unclosed\n  language: en\n',
     ("config.yaml:2:10: error: invalid YAML: the \" opened here is never closed\n"
      "  hint: add the closing \" at the end of the value")),
    ("site: {title: x\n",
     ("config.yaml:1:7: error: invalid YAML: the '{' opened here is never closed\n"
      "  hint: add '}' at the end of the value, on the same line")),
    ("site:\n\ttitle: x\n",
     ("config.yaml:2:1: error: tab character in YAML\n"
      "  hint: YAML indents with spaces only: replace the tab with spaces")),
    ("site:\n  title: Japan: an ally\n",
     ("config.yaml:2:15: error: invalid YAML: unexpected ': ' in a value\n"
      "  hint: put a value containing ': ' in quotes (title: \"Japan: an ally\"), "
      "and indent keys of one level by the same number of spaces")),
    ("- site\n",
     ("config.yaml:1:1: error: config.yaml must be a mapping of keys to values\n"
      "  hint: start with a line such as 'site:', its keys indented below it")),
    (b"site:\n  title: \xe6\x97\xa5 \xe9\n",
     "config.yaml:2:12: error: byte 0xe9 is not valid UTF-8\n  hint: save config.yaml as UTF-8"),
], ids=["unclosed-quote", "unclosed-brace", "tab", "colon", "list", "latin-1"])
def test_unreadable_files_say_where_and_why(tmp_path: Path, text: str | bytes, expected: str) -> None:
    assert problems(tmp_path, text) == [expected]


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    found = problems(tmp_path, "site:\n  titel: x\nfeeds:\n  limit: many\nsearch: no\n")
    assert [line.split(": error")[0] for line in found] == ["config.yaml:2:3", "config.yaml:4:10",
                                                             "config.yaml:5:9"]
