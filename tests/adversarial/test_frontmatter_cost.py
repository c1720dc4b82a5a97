"""Cost stays linear on hostile front matter and config (issue 14, item 8).

A kilobyte of YAML aliases used to take half a minute and then raise MemoryError, deep
nesting crashed the YAML composer or exhausted TOML's recursion, and 4,000 tags on one
article made 4,000 pages of 4,000 links each. Each input is built by `build.py` in a
process of its own, and its CPU time is compared with that of a plain article of the
same size built the same way (never an absolute time: machines differ); its memory must
stay under 500 MB. Refused inputs must say which file and line, and what to do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.sites import DEFAULT_CONFIG, REPO, write_site

CONFIG = DEFAULT_CONFIG + "search:\n  enabled: false\n"
SLOWER = 3.0  # hostile CPU time may be at most this many times a plain article's...
GRACE = 1.0  # ...plus this many seconds, for a machine that is busy with other work
MEMORY_MB = 500


@dataclass(frozen=True)
class Measured:
    code: int
    err: str
    cpu: float  # user + system seconds of the build process and its workers
    peak_mb: float


# Run before `build.py`, in its process: at most 2 GB of address space, so that a bomb fails
# instead of taking the machine down.
LIMITED = """
import os, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def measure(root: Path, command: str = "build") -> Measured:
    """Run `build.py COMMAND` on `root` in a process of its own, for 120 s at most."""
    args = [sys.executable, "-c", LIMITED, str(REPO / "build.py"), command, "--root", str(root), "--quiet"]
    if command == "build":
        args.append("--no-cache")
    with open(root / "stderr.txt", "w+", encoding="utf-8") as err:
        child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=err,
                                 env={**os.environ, "PYTHONPATH": str(REPO)})
        deadline = time.monotonic() + 120
        while (done := os.wait4(child.pid, os.WNOHANG))[0] == 0:
            if time.monotonic() > deadline:
                child.kill()
                done = os.wait4(child.pid, 0)
                break
            time.sleep(0.02)
        child.returncode = os.waitstatus_to_exitcode(done[1])
        err.seek(0)
        usage = done[2]
        return Measured(child.returncode, err.read(), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def site(tmp_path: Path, name: str, files: dict[str, str]) -> Path:
    return write_site(tmp_path / name, {"config.yaml": CONFIG, **files})


def plain_article(size: int, title: str = "A plain article") -> str:
    """An ordinary article of `size` bytes."""
    head = f"---\ntitle: {title}\ndate: 2019-07-07\ntags: [alliance]\n---\n"
    words = "The treaty was revised in 1960 after months of protest. "
    body = (words * (size // len(words) + 1))[: max(0, size - len(head) - 1)]
    return head + body + "\n"


def assert_cheap(hostile: Measured, plain: Measured, what: str) -> None:
    assert hostile.cpu <= SLOWER * plain.cpu + GRACE, (
        f"{what}: {hostile.cpu:.2f} s of CPU, a plain article of the same size {plain.cpu:.2f} s")
    assert hostile.peak_mb <= MEMORY_MB, f"{what}: {hostile.peak_mb:.0f} MB"
    assert "internal error" not in hostile.err and "Traceback" not in hostile.err, hostile.err


_PLAIN: dict[int, Measured] = {}  # plain builds by size, in kilobytes: measured once per session


def plain_build(tmp_path: Path, size: int) -> Measured:
    """The build of one plain article of about `size` bytes."""
    kilobytes = -(-size // 1024)
    if kilobytes not in _PLAIN:
        run = measure(site(tmp_path, "plain", {"content/2019/x.md": plain_article(kilobytes * 1024)}))
        assert run.code == 0, run.err
        _PLAIN[kilobytes] = run
    return _PLAIN[kilobytes]


def compare(tmp_path: Path, text: str, what: str) -> Measured:
    """Build an article of `text` and check its cost against a plain one's; return the run."""
    hostile = measure(site(tmp_path, "hostile", {"content/2019/x.md": text}))
    assert_cheap(hostile, plain_build(tmp_path, len(text.encode())), what)
    return hostile


def bomb(levels: int = 9) -> list[str]:
    """YAML lines of "billion laughs": each anchor is a list of nine aliases of the one before."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for before, name in zip("abcdefghijklmnop", "bcdefghijklmnop"[: levels - 1], strict=False):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{before}"] * 9) + "]")
    return lines


BOMB_ERROR = ("content/2019/x.md:9:8: error: front matter aliases stand for more than 100,000 values "
              "(*e repeats what &e holds)\n  hint: write the values out, or use fewer aliases of aliases\n")


@pytest.mark.parametrize("key", ["custom", "slug"])
def test_a_yaml_alias_bomb_in_front_matter_is_refused_at_once(key: str, tmp_path: Path) -> None:
    text = "---\ntitle: Laughs\ndate: 2019-07-07\n" + "\n".join(bomb()) + f"\n{key}: *i\n---\nBody.\n"
    assert len(text) < 1024
    run = compare(tmp_path, text, f"alias bomb in {key}")
    assert run.code == 1 and run.err == BOMB_ERROR


def test_a_yaml_alias_bomb_in_config_is_refused_at_once(tmp_path: Path) -> None:
    config = CONFIG + "extra:\n" + "".join(f"  {line}\n" for line in bomb()) + "  laughs: *i\n"
    hostile = measure(site(tmp_path, "hostile", {"config.yaml": config,
                                                 "content/2019/x.md": plain_article(500)}))
    assert_cheap(hostile, plain_build(tmp_path, 500 + len(config) - len(CONFIG)), "alias bomb in config.yaml")
    assert hostile.code == 2
    assert "config.yaml:17:10: error: aliases stand for more than 100,000 values (*e repeats what &e holds)" \
        in hostile.err


def test_a_few_hundred_ordinary_aliases_are_fine(tmp_path: Path) -> None:
    text = ("---\ntitle: Anchors\ndate: 2019-07-07\nbase: &base {role: editor, langs: [en, ja]}\n"
            + "".join(f"person{i}: *base\n" for i in range(300)) + "---\nBody.\n")
    assert compare(tmp_path, text, "300 aliases").code == 0


DEEP = 50_000  # levels: 100 KB of brackets


@pytest.mark.parametrize(("what", "text", "error"), [
    ("YAML flow", "---\ntitle: Deep\nvalue: " + "[" * DEEP + "]" * DEEP + "\n---\nBody.\n",
     "content/2019/x.md:3:107: error: front matter is nested more than 100 levels deep\n"),
    ("YAML block", "---\ntitle: Deep\nvalue:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 400))
     + " " * 400 + "end: 1\n---\nBody.\n",
     "content/2019/x.md:103:101: error: front matter is nested more than 100 levels deep\n"),
    ("YAML sequences", "---\ntitle: Deep\nvalue:\n" + "- " * DEEP + "x\n---\nBody.\n",
     "content/2019/x.md:4:199: error: front matter is nested more than 100 levels deep\n"),
    ("JSON in YAML", "---\ntitle: Deep\nvalue: " + '{"a": ' * 15_000 + "1" + "}" * 15_000 + "\n---\nBody.\n",
     "content/2019/x.md:3:602: error: front matter is nested more than 100 levels deep\n"),
    ("TOML arrays", "+++\ntitle = 'Deep'\nvalue = " + "[" * DEEP + "]" * DEEP + "\n+++\nBody.\n",
     "content/2019/x.md:3:109: error: front matter is nested more than 100 levels deep\n"),
    ("TOML inline tables", "+++\ntitle = 'Deep'\nvalue = " + "{a=" * 20_000 + "1" + "}" * 20_000 + "\n+++\n",
     "content/2019/x.md:3:309: error: front matter is nested more than 100 levels deep\n"),
    ("TOML dotted keys", "+++\ntitle = 'Deep'\nvalue" + ".a" * DEEP + " = 1\n+++\nBody.\n",
     "content/2019/x.md:3:1: error: front matter is nested more than 100 levels deep\n"),
    ("TOML table header", "+++\ntitle = 'Deep'\n[value" + ".a" * DEEP + "]\nx = 1\n+++\nBody.\n",
     "content/2019/x.md:3:1: error: front matter is nested more than 100 levels deep\n"),
], ids=lambda value: value if len(value) < 30 else "")
def test_deep_nesting_is_an_error_not_a_crash(what: str, text: str, error: str, tmp_path: Path) -> None:
    run = compare(tmp_path, text, what)
    hint = "  hint: front matter and config need a few levels at most: flatten the value\n"
    assert run.code == 1 and run.err == error + hint


def test_deep_nesting_in_config_is_an_error(tmp_path: Path) -> None:
    config = CONFIG + "extra:\n  deep: " + "[" * DEEP + "]" * DEEP + "\n"
    run = measure(site(tmp_path, "hostile", {"config.yaml": config, "content/2019/x.md": plain_article(500)}))
    assert run.code == 2
    assert run.err.startswith("config.yaml:12:107: error: is nested more than 100 levels deep\n")


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    run = compare(tmp_path, "---\ntitle: Loop\nvalue: &a [1, *a]\n---\nBody.\n", "recursive alias")
    assert run.code == 1 and run.err == (
        "content/2019/x.md:3:15: error: front matter alias *a is inside the value &a names, which would "
        "contain itself\n  hint: remove *a from that value\n")


def tags(count: int, prefix: str = "tag") -> str:
    return "[" + ", ".join(f"{prefix}{i:05d}" for i in range(count)) + "]"


def test_four_thousand_tags_are_refused_with_the_limit(tmp_path: Path) -> None:
    text = f"---\ntitle: Tagged\ndate: 2019-07-07\ntags: {tags(4000)}\n---\nBody.\n"
    run = compare(tmp_path, text, "4,000 tags")
    assert run.code == 1 and run.err == (
        "content/2019/x.md:4:1: error: tags lists 4,000 names, more than the 100 an article may have\n"
        "  hint: keep the 100 that matter most: each makes a page of its own (and a feed) that lists "
        "this article with all of its tags\n")


def test_the_largest_number_of_tags_allowed_builds_in_linear_time(tmp_path: Path) -> None:
    """100 tags and 100 categories: 400 pages and feeds more than a plain article makes."""
    text = (f"---\ntitle: Tagged\ndate: 2019-07-07\ntags: {tags(100)}\ncategories: {tags(100, 'cat')}\n"
            "---\nBody.\n")
    hostile = measure(site(tmp_path, "hostile", {"content/2019/x.md": text}))
    plain = measure(site(tmp_path, "plain", {f"content/2019/p{i}.md": plain_article(len(text) // 40, f"P{i}")
                                             for i in range(40)}))  # about as many pages, in bodies
    assert plain.code == 0, plain.err
    assert hostile.code == 0, hostile.err
    assert_cheap(hostile, plain, "100 tags and 100 categories")


def test_check_compares_thousands_of_terms_in_linear_time(tmp_path: Path) -> None:
    """`check` warns of one term spelt two ways; 4,000 terms made eight million comparisons."""
    files = {f"content/2019/a{n}.md": f"---\ntitle: A{n}\ndate: 2019-07-07\ntags: {tags(100, f'x{n}t')}\n---\nB.\n"
             for n in range(40)}
    size = sum(len(text) for text in files.values())
    hostile = measure(site(tmp_path, "hostile", files), "check")
    plain = measure(site(tmp_path, "plain", {f"content/2019/a{n}.md": plain_article(size // 40, f"A{n}")
                                             for n in range(40)}), "check")
    assert plain.code == 0, plain.err
    assert_cheap(hostile, plain, "check with 4,000 terms")
    # x0t00001 and x0t00002, x0t00001 and x1t00001...: one group, named ten at a time
    assert "'x0t00000', 'x0t00001', " in hostile.err
    assert "and 3,990 more look like one term spelt differently" in hostile.err


@pytest.mark.parametrize(("value", "message", "hint"), [
    ("!!int abc", "invalid YAML front matter: 'abc' is not a number YAML can read",
     "put the value in quotes to keep it as text"),
    ("!!float abc", "invalid YAML front matter: 'abc' is not a number YAML can read",
     "put the value in quotes to keep it as text"),
    ("1" * 5000, f"invalid YAML front matter: '{'1' * 40}' is not a number YAML can read",
     "put the value in quotes to keep it as text"),
])
def test_numbers_yaml_cannot_read_are_errors_at_their_line(value: str, message: str, hint: str,
                                                           tmp_path: Path) -> None:
    run = measure(site(tmp_path, "hostile", {"content/2019/x.md": f"---\ntitle: N\nvalue: {value}\n---\nB.\n"}))
    assert run.code == 1 and run.err == f"content/2019/x.md:3:8: error: {message}\n  hint: {hint}\n"


def test_a_list_as_a_key_is_an_error_at_its_line(tmp_path: Path) -> None:
    run = measure(site(tmp_path, "hostile", {"content/2019/x.md": "---\ntitle: K\n? [a, b]\n: c\n---\nB.\n"}))
    assert run.code == 1 and run.err == (
        "content/2019/x.md:3:3: error: invalid YAML front matter: a list or mapping cannot be a key\n"
        "  hint: keys are plain names: write one 'key: value' per line\n")
