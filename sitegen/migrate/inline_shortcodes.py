"""Hugo's inline shortcodes (``{{< name.inline >}}Go template{{< /name.inline >}}``) as Jinja.

With ``enableInlineShortcodes``, Hugo runs the text between the tags as a Go template, and
a later ``{{< name.inline />}}`` in the same page runs it again; without it, Hugo writes
nothing for them. Our builds never run a template found in content (content is untrusted),
so `migrate` does what the site's owner would: it reads each body the content gives a
name, translates it (translate.py), and writes one template that holds every translation,
chosen by comparing the call's inner text with the body it came from. A body edited after
the migration matches none and is shown as text: it runs as a template only once a person
migrates again. A body that cannot be translated shows its text too, and is listed for a
person.
"""

from __future__ import annotations

import re
from pathlib import Path

from sitegen.migrate.shortcodes import ShortcodeResult, stub
from sitegen.migrate.translate import Untranslatable, translate

_COMMENTED_RE = re.compile(r"\{\{[<%]\s*/\*.*?\*/\s*[>%]\}\}", re.DOTALL)
_ORIGIN = "inline: its Go template is in the content"


def inline_bodies(name: str, files: list[Path]) -> list[str]:
    """The distinct bodies the content gives inline shortcode `name`, in order of first use."""
    quoted = re.escape(name)
    call_re = re.compile(r"\{\{([<%])\s*" + quoted + r"\s*([>%])\}\}(.*?)\{\{[<%]\s*/\s*"
                         + quoted + r"\s*[>%]\}\}", re.DOTALL)
    bodies: list[str] = []
    for path in files:
        try:
            text = _COMMENTED_RE.sub("", path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
        for match in call_re.finditer(text):
            if match.group(3) not in bodies:
                bodies.append(match.group(3))
    return bodies


def inline_result(result: ShortcodeResult, files: list[Path], enabled: bool) -> ShortcodeResult:
    """`result` (a stub for an inline shortcode) replaced by its translation, or by an empty
    template when the site does not enable inline shortcodes (Hugo writes nothing)."""
    if not enabled:
        return ShortcodeResult(result.name, "{#- Hugo's enableInlineShortcodes is off: it writes "
                               "nothing for this inline shortcode. -#}\n", "translated",
                               "inline, not enabled (Hugo writes nothing)", usage=result.usage)
    bodies = inline_bodies(result.name, files)
    branches, failures = [], []
    for body in bodies:
        try:
            branches.append((body, translate(body)))
        except Untranslatable as exc:
            failures.append(str(exc))
    template = _dispatch(result.name, branches, single=len(bodies) == 1)
    if failures or not branches:
        reason = f"an inline shortcode whose body cannot be translated: {failures[0]}" if failures \
            else "an inline shortcode without a body"
        source = "\n".join(body for body in bodies)
        fallback = stub(result.name, source, _ORIGIN, reason, closed=True)
        return ShortcodeResult(result.name, template if branches else fallback, "stub", _ORIGIN,
                               reason, usage=result.usage)
    count = f"{len(branches)} bod{'y' if len(branches) == 1 else 'ies'}"
    return ShortcodeResult(result.name, template, "translated", f"the content ({count})",
                           usage=result.usage)


def _dispatch(name: str, branches: list[tuple[str, str]], single: bool) -> str:
    """One Jinja template for every translated body: the call's inner text picks its
    translation; a self-closing call (no inner text) runs the only one there is."""
    lines = [f"{{#- The inline shortcode '{name}', translated from the content by "
             "`treaty-archive migrate` (sitegen/migrate/inline_shortcodes.py). -#}"]
    for index, (body, _) in enumerate(branches):
        if "endraw" in body:
            continue
        lines.append(f"{{%- set body_{index} -%}}{{% raw %}}{body}{{% endraw %}}{{%- endset -%}}")
    lines.append("{%- set called = inner|trim -%}")
    chain = ""
    for index, (body, jinja) in enumerate(branches):
        if "endraw" in body:
            continue
        only = " or not called" if single else ""
        chain += f"{{%+ {'elif' if chain else 'if'} called == body_{index}|trim{only} +%}}{jinja}"
    if not chain:  # nothing to compare with
        return "\n".join(lines) + "\n{{ inner|safe }}\n"
    return "\n".join(lines) + "\n" + chain + "{%+ else +%}{{ inner|safe }}{%+ endif -%}\n"
