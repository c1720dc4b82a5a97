"""The table of broken inputs: each one is a clear error (never a traceback), or it builds.

Every case starts from a good mini-site that has already been built, adds or replaces
the files of the case, and builds again. A broken case must exit with 1 (content,
templates) or 2 (config.yaml), print exactly the diagnostics in the table (with their
hints) and leave the previous site byte for byte as it was. A case whose `expected`
is None is valid input that looks suspicious (a `---` rule, a BOM, an odd date): it
must build, silently.

The expected messages are the specification: what is wrong, where, and what to do.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from tests.support.sites import build_site, read_tree, write_site

CONFIG = """\
site:
  title: Test archive
  base_url: https://example.org/
  language: en
permalinks:
  default: /:section/:slug/
"""

BASE = '<!doctype html>\n<title>{{ page.title }}</title>\n{% block content %}{% endblock %}\n'
ARTICLE = ('{% extends "base.html" %}\n{% block content %}\n<h1>{{ article.title }}</h1>\n'
           '<time>{{ article.date|iso_date }}</time>\n{{ article.content }}\n{% endblock %}\n')
# A small theme of our own, so that the line numbers in the table do not move when the
# repository's theme changes.
THEME = {
    "templates/base.html": BASE,
    "templates/article.html": ARTICLE,
    "templates/page.html": ARTICLE,
    **{f"templates/{name}.html": '{% extends "base.html" %}\n'
       for name in ("home", "archive", "search", "404", "alias", "taxonomy", "term", "section")},
    "templates/shortcodes/note.html": "<aside>{{ inner }}</aside>\n",
    "static/style.css": "body { margin: 0 }\n",
}
GOOD = {"content/2019/good.md": "---\ntitle: A good article\ndate: 2019-07-07\n---\nSome text.\n"}
BAD = "content/2019/bad.md"
MB = 1024 * 1024


@dataclass(frozen=True)
class Link:
    """A symbolic link to `target` (relative to the link's folder)."""

    target: str


@dataclass(frozen=True)
class Sized:
    """A file of `size` bytes that starts with `head`, made at test time (never committed)."""

    head: bytes
    size: int


@dataclass(frozen=True)
class Deleted:
    """Remove the file."""


Content = str | bytes | Link | Sized | Deleted


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, Content]
    expected: str | None  # exact stderr; None: the build must succeed and print nothing
    code: int | None = None  # default: 0 when expected is None, 2 for config.yaml, else 1
    built: tuple[tuple[str, str], ...] = field(default=())  # (output file, text it must hold)

    @property
    def exit_code(self) -> int:
        if self.code is not None:
            return self.code
        if self.expected is None:
            return 0
        return 2 if self.expected.startswith("config.yaml") else 1


def fm(*lines: str, body: str = "Some text.") -> str:
    """An article with YAML front matter made of `lines`."""
    return "---\n" + "".join(line + "\n" for line in lines) + "---\n" + body + "\n"


def page(title: str, body: str = "Some text.", date: str = "2019-07-08", *extra: str) -> str:
    return fm(f"title: {title}", f"date: {date}", *extra, body=body)


def xfail(case: Case, where: str) -> Any:
    """A case the engine does not meet yet: `where` names the file and the change it needs."""
    return pytest.param(case, id=case.id, marks=pytest.mark.xfail(strict=True, reason=where))


HINT_DATE = "write the date as YYYY-MM-DD, e.g. '2019-07-07', or with a time: '2019-07-07T09:30:00+09:00'"
HINT_UTF8 = "save the file as UTF-8 (most editors offer this under 'Save with encoding')"
HINT_TEMPLATE_NAME = "check the variable's name against docs/templates.md"


def config(extra: str) -> dict[str, Content]:
    return {"config.yaml": CONFIG + extra}


CASES: list[Any] = [  # Case, or pytest.param(Case) when marked xfail
    # --- malformed YAML front matter --------------------------------------------------
    Case("yaml-tab-indent", {BAD: fm("title: Tabbed", "tags:", "\t- one", "date: 2019-07-07")},
         f"{BAD}:4:1: error: tab character in YAML front matter\n"
         "  hint: YAML indents with spaces only: replace the tab with spaces\n"),
    Case("yaml-key-indented", {BAD: fm("title: Bad indent", "  date: 2019-07-07")},
         f"{BAD}:3:3: error: invalid YAML front matter: 'date' is indented more than the key above it\n"
         "  hint: start every key of the front matter at the beginning of its line\n"),
    Case("yaml-list-indent", {BAD: fm("title: Bad indent", "tags:", "  - one", " - two", "date: 2019-07-07")},
         f"{BAD}:5:2: error: invalid YAML front matter: did not find expected key\n"
         "  hint: check that keys at the same level are indented by the same number of spaces\n"),
    Case("yaml-unclosed-double-quote", {BAD: fm('title: "Unclosed', "date: 2019-07-07")},
         f'{BAD}:2:8: error: invalid YAML front matter: the " opened here is never closed\n'
         '  hint: add the closing " at the end of the value\n'),
    Case("yaml-unclosed-single-quote", {BAD: fm("title: 'Unclosed", "date: 2019-07-07")},
         f"{BAD}:2:8: error: invalid YAML front matter: the ' opened here is never closed\n"
         "  hint: add the closing ' at the end of the value\n"),
    Case("yaml-unclosed-bracket", {BAD: fm("title: Brackets", "tags: [one, two", "date: 2019-07-07")},
         f"{BAD}:3:7: error: invalid YAML front matter: the '[' opened here is never closed\n"
         "  hint: add ']' at the end of the value, on the same line\n"),
    Case("yaml-duplicate-key", {BAD: fm("title: One", "date: 2019-07-07", "title: Two")},
         f"{BAD}:4:1: error: duplicate key 'title' in front matter\n"
         "  hint: keys are case-insensitive; keep one and delete the other\n"),
    Case("yaml-duplicate-key-other-case", {BAD: fm("title: One", "date: 2019-07-07", "Title: Two")},
         f"{BAD}:4:1: error: duplicate key 'Title' in front matter\n"
         "  hint: keys are case-insensitive; keep one and delete the other\n"),
    Case("yaml-colon-in-value", {BAD: fm("title: Japan: an ally", "date: 2019-07-07")},
         f"{BAD}:2:13: error: invalid YAML front matter: mapping values are not allowed in this context\n"
         "  hint: a value containing ': ' must be quoted: title: \"Japan: an ally\"\n"),
    # --- malformed TOML front matter --------------------------------------------------
    Case("toml-unclosed-string", {BAD: '+++\ntitle = "Unclosed\ndate = 2019-07-07\n+++\nText.\n'},
         f'{BAD}:2:9: error: invalid TOML front matter: the " opened here is never closed\n'
         '  hint: add the closing " at the end of the value\n'),
    Case("toml-bare-words", {BAD: "+++\ntitle = Bare words\ndate = 2019-07-07\n+++\nText.\n"},
         f"{BAD}:2:9: error: invalid TOML front matter: invalid value\n"
         '  hint: TOML needs quoted strings: title = "My article"\n'),
    Case("toml-duplicate-key", {BAD: '+++\ntitle = "One"\ndate = 2019-07-07\ntitle = "Two"\n+++\nText.\n'},
         f"{BAD}:4:1: error: duplicate key 'title' in front matter\n"
         "  hint: keys are case-insensitive; keep one and delete the other\n"),
    Case("toml-fence-never-closed", {BAD: '+++\ntitle = "T"\ndate = 2019-07-07\nText.\n'},
         f"{BAD}:1:1: error: front matter opened with '+++' on line 1 is never closed\n"
         "  hint: add a line with only '+++' after the last front matter key\n"),
    # --- front matter of the wrong shape ------------------------------------------------
    Case("front-matter-is-a-list", {BAD: fm("- title", "- date")},
         f"{BAD}:2:1: error: front matter must be a mapping of keys to values, got a list\n"
         "  hint: write one 'key: value' per line, e.g. 'title: My article'\n"),
    Case("front-matter-is-a-scalar", {BAD: fm("just a sentence")},
         f"{BAD}:2:1: error: front matter must be a mapping of keys to values, got a single value\n"
         "  hint: write one 'key: value' per line, e.g. 'title: My article'\n"),
    Case("front-matter-empty", {BAD: fm()},
         f"{BAD}:1:1: warning: missing title\n"
         "  hint: add a line 'title: ...' to the front matter; pages without one have no "
         "heading or link text\n", code=0),
    Case("front-matter-never-closed", {BAD: "---\ntitle: Never closed\ndate: 2019-07-07\n\nText.\n"},
         f"{BAD}:1:1: error: front matter opened with '---' on line 1 is never closed\n"
         "  hint: add a line with only '---' after the last front matter key\n"),
    Case("front-matter-without-fences", {BAD: "title: Forgot\ndate: 2019-07-07\n\nText.\n"},
         f"{BAD}:1:1: error: file has no front matter\n"
         "  hint: did you forget the '---' line before and after the front matter?\n"),
    Case("rule-in-body-builds", {BAD: page("Rule", "Before.\n\n---\n\nAfter.\n\n---")}, None,
         built=(("2019/rule/index.html", "<p>Before.</p>\n<hr"),)),
    # --- bytes and sizes ------------------------------------------------------------------
    Case("bom-builds", {BAD: ("\ufeff" + page("With a BOM")).encode()}, None,
         built=(("2019/with-a-bom/index.html", "<title>With a BOM</title>"),)),
    Case("crlf-builds", {BAD: page("Windows lines", "One.\n\nTwo.").replace("\n", "\r\n").encode()}, None,
         built=(("2019/windows-lines/index.html", "<p>One.</p>\n<p>Two.</p>"),)),
    Case("bom-and-crlf-builds", {BAD: ("\ufeff" + page("Both")).replace("\n", "\r\n").encode()}, None,
         built=(("2019/both/index.html", "<title>Both</title>"),)),
    Case("latin-1-in-front-matter", {BAD: page("Caf\xe9").encode("latin-1")},
         f"{BAD}:2:11: error: byte 0xe9 is not valid UTF-8\n  hint: {HINT_UTF8}\n"),
    Case("latin-1-in-body", {BAD: page("Cafe", "Some na\xefve text.").encode("latin-1")},
         f"{BAD}:5:8: error: byte 0xef is not valid UTF-8\n  hint: {HINT_UTF8}\n"),
    Case("latin-1-after-utf-8-column-in-characters", {BAD: page("Café and caf\xe9").encode("utf-8").replace(
        "caf\xe9".encode(), b"caf\xe9")},
         f"{BAD}:2:20: error: byte 0xe9 is not valid UTF-8\n  hint: {HINT_UTF8}\n"),
    Case("utf-16", {BAD: page("Notepad").encode("utf-16")},
         f"{BAD}:1:1: error: file is UTF-16 text, not UTF-8\n  hint: {HINT_UTF8}\n"),
    Case("empty-file", {BAD: ""},
         f"{BAD}:1:1: error: file is empty\n"
         "  hint: add front matter with at least a title, or delete the file\n"),
    Case("blank-lines-only", {BAD: "\n\n  \n"},
         f"{BAD}:1:1: error: file is empty\n"
         "  hint: add front matter with at least a title, or delete the file\n"),
    Case("binary-named-md", {BAD: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
         f"{BAD}:1:1: error: file is binary, not Markdown text\n"
         "  hint: rename it if it is not an article (e.g. .txt), or remove it\n"),
    Case("binary-image-in-content-builds", {"content/2019/map.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"},
         None, built=(("2019/map.png", "PNG"),)),
    Case("huge-file", {BAD: Sized(b"---\ntitle: Huge\ndate: 2019-07-07\n---\n", 50 * MB)},
         f"{BAD}:1:1: error: file is 50 MB, larger than the 20 MB an article may be\n"
         "  hint: split it, or move data files out of content/\n"),
    Case("very-long-line-builds", {BAD: page("Long line", "word " * 100_000)}, None,
         built=(("2019/long-line/index.html", "word word word"),)),
    # --- dates ----------------------------------------------------------------------------
    Case("date-impossible", {BAD: page("Impossible", date="2019-02-30")},
         f"{BAD}:3:1: error: date is not a real date: '2019-02-30' (day is out of range for month)\n"
         f"  hint: {HINT_DATE}\n"),
    Case("date-impossible-quoted", {BAD: page("Impossible", date='"2019-02-30"')},
         f"{BAD}:3:1: error: date is not a real date: '2019-02-30' (day is out of range for month)\n"
         f"  hint: {HINT_DATE}\n"),
    Case("date-month-13", {BAD: page("Month", date="2019-13-01")},
         f"{BAD}:3:1: error: date is not a real date: '2019-13-01' (month must be in 1..12)\n"
         f"  hint: {HINT_DATE}\n"),
    Case("date-words", {BAD: page("Words", date="next tuesday")},
         f"{BAD}:3:1: error: date must be a date such as 2019-07-07, got 'next tuesday'\n"
         f"  hint: {HINT_DATE}\n"),
    Case("date-odd-but-valid-builds", {BAD: page("Odd date", date="2017-07-15T0:10:32+00:00")}, None,
         built=(("2019/odd-date/index.html", "<time>2017-07-15T00:10:32+00:00</time>"),)),
    # --- values of the wrong type -----------------------------------------------------------
    Case("title-number-builds", {BAD: page("2019")}, None,
         built=(("2019/2019/index.html", "<h1>2019</h1>"),)),
    Case("title-list", {BAD: page("[a, b]")},
         f"{BAD}:2:1: error: title must be text, got a list\n"
         '  hint: put the value in quotes: title: "a, b"\n'),
    Case("tags-number-builds", {BAD: page("Tagged", "Text.", "2019-07-08", "tags: 2019")}, None,
         built=(("tags/2019/index.html", "<title>Tag: 2019</title>"),)),
    Case("tags-mapping", {BAD: page("Tagged", "Text.", "2019-07-08", "tags: {a: b}")},
         f"{BAD}:4:1: error: tags must be a list of names, got a mapping\n"
         "  hint: write 'tags: [first, second]' or one '- name' per line\n"),
    Case("draft-not-true-or-false", {BAD: page("Draft", "Text.", "2019-07-08", "draft: maybe")},
         f"{BAD}:4:1: error: draft must be true or false, got 'maybe'\n"
         "  hint: write 'draft: true' or 'draft: false'\n"),
    # --- slugs and URLs ---------------------------------------------------------------------
    Case("slug-with-slash-builds", {BAD: page("Slash", "Text.", "2019-07-08", "slug: treaty/part-one")},
         None, built=(("2019/treaty/part-one/index.html", "<h1>Slash</h1>"),)),
    Case("slug-climbs", {BAD: page("Dots", "Text.", "2019-07-08", "slug: ../../etc")},
         f"{BAD}:4:1: error: slug '../../etc' contains '..'\n"
         "  hint: a slug names the page; it cannot climb folders\n"),
    Case("slug-with-spaces-builds", {BAD: page("Spaces", "Text.", "2019-07-08", "slug: '  burden   sharing '")},
         None, built=(("2019/burden-sharing/index.html", "<h1>Spaces</h1>"),)),
    Case("slug-only-punctuation", {BAD: page("Punct", "Text.", "2019-07-08", "slug: '?!...'")},
         f"{BAD}:4:1: error: slug '?!...' has no letters or digits\n"
         "  hint: use words, e.g. slug: burden-sharing-2019\n"),
    Case("url-climbs", {BAD: page("Url", "Text.", "2019-07-08", "url: /../outside/")},
         f"{BAD}:4:1: error: url '/../outside/' must be a path inside the site\n"
         "  hint: write a path such as url: /about/\n"),
    Case("two-articles-one-url", {BAD: page("Other", "Text.", "2019-07-08", "slug: a-good-article")},
         "content/2019/good.md:1:1: error: URL /2019/a-good-article/ is claimed by both "
         "content/2019/bad.md and content/2019/good.md\n"
         "  hint: give one of them a different slug or url in its front matter\n"),
    Case("two-new-articles-one-url", {"content/2019/one.md": page("One", "Text.", "2019-07-08", "url: /same/"),
                                      "content/2019/two.md": page("Two", "Text.", "2019-07-09", "url: /same/")},
         "content/2019/two.md:1:1: error: URL /same/ is claimed by both content/2019/one.md "
         "and content/2019/two.md\n"
         "  hint: give one of them a different slug or url in its front matter\n"),
    Case("alias-on-another-page", {BAD: page("Alias", "Text.", "2019-07-08",
                                             "aliases: [/2019/a-good-article/]")},
         f"{BAD}:4:1: error: alias /2019/a-good-article/ is the URL of content/2019/good.md\n"
         "  hint: remove the alias, or point it at a URL no page uses\n"),
    Case("static-file-on-a-page", {"static/2019/a-good-article/index.html": "<p>old copy</p>\n"},
         "static/2019/a-good-article/index.html: error: this file would overwrite the page "
         "made from content/2019/good.md\n"
         "  hint: rename or move static/2019/a-good-article/index.html\n"),
    # --- links ----------------------------------------------------------------------------------
    Case("symlink-outside-content", {BAD: Link("../../outside.md"), "outside.md": page("Outside")},
         f"{BAD}:1:1: error: symbolic link points outside the content folder\n"
         "  hint: copy the file into content/ instead of linking to it\n"),
    Case("symlink-to-nothing", {BAD: Link("missing.md")},
         f"{BAD}:1:1: error: symbolic link points to nothing\n"
         "  hint: its target missing.md does not exist: remove the link\n"),
    Case("symlink-to-folder", {"content/2018/old.md": page("Old"), "content/2019/linked": Link("../2018")},
         "content/2019/linked:1:1: error: symbolic links to folders are not followed\n"
         "  hint: move the folder into place instead of linking to it\n"),
    # --- shortcodes ---------------------------------------------------------------------------------
    Case("shortcode-unknown", {BAD: page("Sc", "Before.\n\n{{< nosuch >}}")},
         f"{BAD}:7:1: error: unknown shortcode 'nosuch'\n"
         "  hint: create templates/shortcodes/nosuch.html, or check the spelling\n"),
    Case("shortcode-never-closed", {BAD: page("Sc", "Before.\n\n{{< note >}}\nInner text.")},
         f"{BAD}:7:1: error: shortcode 'note' is never closed\n"
         "  hint: add {{< /note >}} after its content\n"),
    Case("shortcode-closing-without-opening", {BAD: page("Sc", "Text {{< /note >}}")},
         f"{BAD}:5:6: error: closing shortcode 'note' has no opening tag\n"
         "  hint: add {{< note >}} before it, or delete it\n"),
    Case("shortcode-tag-unterminated", {BAD: page("Sc", "Before.\n\n{{< note\n\nAfter.")},
         f"{BAD}:7:1: error: shortcode 'note' has no closing '>}}}}'\n"
         "  hint: end the tag with '>}}', e.g. {{< note >}}\n"),
    Case("shortcode-template-fails", {BAD: page("Sc", "{{< note >}}x{{< /note >}}"),
                                      "templates/shortcodes/note.html": "<aside>{{ inner }}{{ nope }}</aside>\n"},
         f"{BAD}:5:1: error: shortcode 'note' failed: template error: 'nope' is undefined\n"
         "  hint: see templates/shortcodes/note.html:1\n"),
    # --- templates ------------------------------------------------------------------------------------
    Case("template-syntax-error",
         {"templates/article.html": ARTICLE.replace("{{ article.title }}", "{{ article.title }")},
         "templates/article.html:3: error: template syntax error: unexpected '}'\n"
         "  hint: check the {% %} and {{ }} tags on this line\n"),
    Case("template-block-never-closed",
         {"templates/article.html": '{% extends "base.html" %}\n{% block content %}\n<h1>{{ article.title }}</h1>\n'},
         "templates/article.html:3: error: template syntax error: '{% block %}' is never closed\n"
         "  hint: add '{% endblock %}' where the block ends\n"),
    Case("template-syntax-error-in-base",
         {"templates/base.html": "<title>{{ page.title }}</title>\n{% if page %}\n{% block content %}{% endblock %}\n"},
         "templates/base.html:3: error: template syntax error: '{% if %}' is never closed\n"
         "  hint: add '{% endif %}' where the if ends\n"),
    Case("template-unknown-attribute",
         {"templates/article.html": ARTICLE.replace("article.title", "article.titel")},
         "templates/article.html:3: error: template error: Article has no attribute 'titel'\n"
         "  hint: did you mean 'title'?\n"),
    Case("template-undefined-variable",
         {"templates/article.html": ARTICLE.replace("article.title", "artcle.title")},
         "templates/article.html:3: error: template error: 'artcle' is undefined\n"
         "  hint: did you mean 'article'?\n"),
    Case("template-undefined-variable-in-base",
         {"templates/base.html": BASE.replace("{{ page.title }}", "{{ page.title }}{{ nosuchvar }}")},
         "templates/base.html:2: error: template error: 'nosuchvar' is undefined\n"
         f"  hint: {HINT_TEMPLATE_NAME}\n"),
    Case("template-unknown-filter",
         {"templates/article.html": ARTICLE.replace("article.title", "article.title|upcase")},
         "templates/article.html:3: error: template syntax error: no filter named 'upcase'\n"
         "  hint: the filters are listed in docs/templates.md\n"),
    Case("template-python-error",
         {"templates/article.html": ARTICLE.replace("{{ article.title }}", '{{ "%d words"|format(article.title) }}')},
         "templates/article.html:3: error: template error: TypeError: %d format: a real number is "
         "required, not str\n"
         "  hint: while rendering 2019/a-good-article/index.html\n"),
    # A project template deleted is the theme's again (tests/integration/test_theme.py); a name
    # neither has is the error.
    Case("template-include-missing",
         {"templates/archive.html": '{% extends "base.html" %}\n{% block content %}{% include "partials/nope.html" %}'
                                    '{% endblock %}\n'},
         "templates/archive.html:2: error: template 'partials/nope.html' does not exist\n"
         "  hint: create templates/partials/nope.html, or correct the name on this line\n"),
    Case("template-extends-missing", {"templates/article.html": '{% extends "layout.html" %}\n'},
         "templates/article.html:1: error: template 'layout.html' does not exist\n"
         "  hint: create templates/layout.html, or correct the name on this line\n"),
    # --- config.yaml ----------------------------------------------------------------------------
    Case("config-unknown-key", config("paginaton:\n  page_size: 5\n"),
         "config.yaml:7:1: error: unknown key 'paginaton'\n  hint: did you mean 'pagination'?\n"),
    Case("config-unknown-nested-key", {"config.yaml": CONFIG.replace("  language: en", "  languge: en")},
         "config.yaml:4:3: error: unknown key 'site.languge'\n  hint: did you mean 'language'?\n"),
    Case("config-unknown-key-no-near-miss", config("colour: blue\n"),
         "config.yaml:7:1: error: unknown key 'colour'\n"
         "  hint: known keys here: site, paths, markdown, taxonomies, permalinks, pagination, "
         "feeds, search, server, security, extra, menus, ignore_files, disable_aliases, languages, "
         "default_language, default_in_subdir, list_other_languages\n"),
    Case("config-wrong-type-number", config("feeds:\n  limit: twenty\n"),
         "config.yaml:8:10: error: 'feeds.limit' must be a whole number of 0 or more, got 'twenty'\n"
         "  hint: write a number, e.g. 'limit: 20' (the default)\n"),
    Case("config-wrong-type-flag", config("markdown:\n  smart_quotes: maybe\n"),
         "config.yaml:8:17: error: 'markdown.smart_quotes' must be true or false, got 'maybe'\n"
         "  hint: write 'smart_quotes: true' or 'smart_quotes: false'\n"),
    Case("config-section-is-a-value", config("feeds: 20\n"),
         "config.yaml:7:8: error: 'feeds' must be a group of settings, got 20\n"
         "  hint: write 'feeds:' alone on its line and its keys indented below it, e.g. '  limit: 20'\n"),
    Case("config-invalid-yaml", config("feeds:\n  limit: [1\n"),
         "config.yaml:8:10: error: invalid YAML: the '[' opened here is never closed\n"
         "  hint: add ']' at the end of the value, on the same line\n"),
    Case("config-tab", config("feeds:\n\tlimit: 1\n"),
         "config.yaml:8:1: error: tab character in YAML\n"
         "  hint: YAML indents with spaces only: replace the tab with spaces\n"),
    Case("config-duplicate-section", config("site:\n  title: Again\n"),
         "config.yaml:7:1: error: duplicate key 'site'\n"
         "  hint: 'site' is already set on line 1: merge the two, or delete one\n"),
    Case("config-not-a-mapping", {"config.yaml": "- site\n- feeds\n"},
         "config.yaml:1:1: error: config.yaml must be a mapping of keys to values\n"
         "  hint: start with a line such as 'site:', its keys indented below it\n"),
    Case("config-latin-1", {"config.yaml": (CONFIG + "extra:\n  motto: caf\xe9\n").encode("latin-1")},
         "config.yaml:8:13: error: byte 0xe9 is not valid UTF-8\n  hint: save config.yaml as UTF-8\n"),
    Case("config-every-problem-at-once", config("feeds:\n  limit: many\n  ful_content: true\n"),
         "config.yaml:8:10: error: 'feeds.limit' must be a whole number of 0 or more, got 'many'\n"
         "  hint: write a number, e.g. 'limit: 20' (the default)\n"
         "config.yaml:9:3: error: unknown key 'feeds.ful_content'\n"
         "  hint: did you mean 'full_content'?\n"),
]


def write_case(root: Path, files: dict[str, Content]) -> None:
    """Add, replace or remove the case's files in a site that was already built."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Deleted):
            path.unlink()
        elif isinstance(content, Link):
            os.symlink(content.target, path)
        elif isinstance(content, Sized):
            with path.open("wb") as handle:
                handle.write(content.head)
                handle.truncate(content.size)  # sparse: fast, and nothing large is committed
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def leftovers(root: Path) -> list[str]:
    """Staging or backup folders a build might leave beside the output."""
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".public"))


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) if isinstance(c, Case) else c
                                  for c in CASES])
def test_broken_input(case: Case, tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", {**THEME, "config.yaml": CONFIG, **GOOD})
    first = build_site(root)
    assert (first.code, first.err) == (0, ""), first.err
    before = read_tree(root / "public")
    write_case(root, case.files)

    run = build_site(root)

    assert "Traceback" not in run.err
    assert run.err == (case.expected or "")
    assert run.code == case.exit_code
    if case.exit_code:
        assert read_tree(root / "public") == before, "a failed build changed the published site"
        assert leftovers(root) == []
    for output, text in case.built:
        assert text in (root / "public" / output).read_text(encoding="utf-8", errors="replace")


def test_the_table_is_large_and_its_ids_unique() -> None:
    ids = [c.id for c in CASES]
    assert len(ids) >= 40
    assert len(set(ids)) == len(ids)
