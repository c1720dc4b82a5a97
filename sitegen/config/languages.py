"""Check the `languages:` of config.yaml: codes CLDR knows, a default among them, content
folders inside the project and apart from each other. Each problem names its key's line."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from sitegen.config.locales import is_known
from sitegen.config.yamldoc import YamlDoc
from sitegen.errors import Diagnostic, did_you_mean

if TYPE_CHECKING:
    from sitegen.config.settings import Config

_CODE_RE = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
Report = Callable[..., None]  # report(key path, message, hint, value=False)


def language_problems(config: Config, doc: YamlDoc) -> list[Diagnostic]:
    """Every problem with the languages, as config.yaml diagnostics."""
    problems: list[Diagnostic] = []

    def report(path: tuple[str, ...], message: str, hint: str, value: bool = False) -> None:
        line, col = doc.where_value(path) if value else doc.where(path)
        problems.append(Diagnostic("config.yaml", line, col, "error", message, hint))

    for code, language in config.languages.items():
        if not _CODE_RE.match(code) or not is_known(code):
            report(("languages", code), f"'languages.{code}' is not a language code CLDR knows",
                   "use a BCP 47 code in lower case, such as en, ja, ko or zh-hant")
        if language.locale and not is_known(language.locale):
            report(("languages", code, "locale"), f"'languages.{code}.locale' ('{language.locale}') is not "
                   "a locale CLDR knows", "e.g. 'en-GB' for British English dates", value=True)
    default = config.default_language or config.site.language
    key = ("default_language",) if config.default_language else ("site", "language")
    if config.languages and default not in config.languages:
        report(key, f"the default language '{default}' is not one of the languages "
               f"({', '.join(config.languages)})",
               did_you_mean(default, config.languages) or f"add '{default}:' under languages, or set "
               "default_language to one of them", value=True)
    elif not config.languages and config.default_language and config.default_language != config.site.language:
        report(key, "default_language is set but there are no languages",
               "list the site's languages under 'languages:', or set site.language instead", value=True)
    _content_dir_problems(config, report)
    return problems


def _content_dir_problems(config: Config, report: Report) -> None:
    """content_dir: a folder of the project, not shared with, nor inside, another language's."""
    seen: dict[str, str] = {}
    for code, language in config.languages.items():
        folder = language.content_dir.strip().strip("/")
        if not language.content_dir:
            continue
        path = ("languages", code, "content_dir")
        parts = PurePosixPath(folder).parts
        if not folder or PurePosixPath(language.content_dir).is_absolute() or ".." in parts:
            report(path, f"'languages.{code}.content_dir' ('{language.content_dir}') must be a folder "
                   "inside the project", "e.g. 'content/ja'", value=True)
            continue
        if not (config.root / folder).is_dir():
            report(path, f"'languages.{code}.content_dir' ('{folder}') does not exist",
                   f"create '{folder}/' and put the {code} articles in it", value=True)
        for other, other_folder in seen.items():
            if folder == other_folder or folder.startswith(other_folder + "/") or other_folder.startswith(folder + "/"):
                report(path, f"'languages.{code}.content_dir' ('{folder}') overlaps the content folder "
                       f"of '{other}' ('{other_folder}')", "give each language a folder of its own",
                       value=True)
        seen[code] = folder
