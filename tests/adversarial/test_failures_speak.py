"""Every failure speaks the user's language: no "internal error", no traceback.

Each row provokes one kind of failure through the real command line (`python build.py`,
in a process of its own) and checks the exit code and the exact first line of what it
prints: the file (and line and column where there is one) and what happened, never
"internal error ... this is a bug". Before, each of these printed an internal error, hung,
or named no file. Failures of the disk are provoked for real: a small tmpfs that fills up
(when this machine lets us mount one), a file size limit (RLIMIT_FSIZE), a file system
remounted read-only, folders and files without permission (as root, without the
capabilities that ignore file modes).
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.sites import REPO, read_tree, write_site
from tests.support.tools import on_ci

LONG = "a" * 300
BIG_BYTES = 3_500_000


def art(extra: str = "", body: str = "Body.", title: str = "T") -> str:
    return f"---\ntitle: {title}\ndate: 2019-07-07\n{extra}---\n{body}\n"


def no_root_override() -> tuple[str, ...]:
    """A prefix that runs a command as root without the capabilities that ignore file modes."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("setpriv") is None:
        if on_ci():
            pytest.fail("setpriv is missing: file modes cannot be made to count for root")
        pytest.skip("running as root without setpriv: file modes cannot be made to count")
    return ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")


@dataclass(frozen=True)
class Case:
    """One failure: the site, what to do to it, the command, and what must be printed."""

    files: dict[str, str | bytes]
    first_line: str
    code: int = 1
    setup: Callable[[Path], None] | None = None
    args: tuple[str, ...] = ("build",)
    unprivileged: bool = False
    theme: bool = True
    extra: dict[str, str] = field(default_factory=dict)


def _fifo(name: str) -> Callable[[Path], None]:
    return lambda root: os.mkfifo(root / name)


def _loop(a: str, b: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        os.symlink(Path(b).name, root / a)
        os.symlink(Path(a).name, root / b)
    return make


def _unreadable(name: str) -> Callable[[Path], None]:
    return lambda root: (root / name).chmod(0)


def _bundle_with_fifo(root: Path) -> None:
    (root / "content/2019/b").mkdir(parents=True)
    (root / "content/2019/b/index.md").write_text(art("slug: b\n"), encoding="utf-8")
    os.mkfifo(root / "content/2019/b/data.bin")


def _bad_name(folder: str) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / folder).mkdir(parents=True, exist_ok=True)
        Path(os.fsdecode(os.fsencode(root / folder) + b"/\xffx.md")).write_text(art(), encoding="utf-8")
    return make


def _locked_output_parent(root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub").chmod(0o555)


def _config_fifo(root: Path) -> None:
    (root / "config.yaml").unlink()
    os.mkfifo(root / "config.yaml")


def _capture(mode: int) -> Callable[[Path], None]:
    def make(root: Path) -> None:
        (root / "cap.txt").write_text("A title\n\nSome body text.\n", encoding="utf-8")
        (root / "cap.txt").chmod(mode)
    return make


X = "content/2019/x.md"
CASES: dict[str, Case] = {
    "slug over 255 bytes": Case(
        {X: art(f"slug: {LONG}\n")},
        f"{X}:4:1: error: 'slug' has a name of 300 bytes, longer than the 255 a file name can hold"),
    "url over 255 bytes": Case(
        {X: art(f"url: /{LONG}/\n")},
        f"{X}:4:1: error: 'url' has a name of 300 bytes, longer than the 255 a file name can hold"),
    "url longer than a path may be": Case(
        {X: art("url: /" + "/".join(["b" * 200] * 25) + "/\n")},
        f"{X}:4:1: error: 'url' makes a path of 5035 bytes in the output folder, longer than this "
        "system allows"),
    "alias over 255 bytes": Case(
        {X: art(f"aliases: [/old/, /{LONG}/]\n")},
        f"{X}:4:1: error: 'aliases' has a name of 300 bytes, longer than the 255 a file name can hold"),
    "tag over 255 bytes": Case(
        {X: art(f"tags: [short, {LONG}]\n")},
        f"{X}:4:1: error: 'tags' has a name of 300 bytes, longer than the 255 a file name can hold"),
    "title whose slug is over 255 bytes": Case(
        {X: art(title="日" * 100)},
        f"{X}:2:1: error: the URL made from the title has a name of 300 bytes, longer than the 255 a "
        "file name can hold"),
    "NUL in url": Case(
        {X: art('url: "/a\\0b/"\n')},
        f"{X}:4:9: error: 'url' has control character U+0000 (escape \\0), which no address can hold"),
    "control character in slug": Case(
        {X: art('slug: "a\\x01b"\n')},
        f"{X}:4:9: error: 'slug' has control character U+0001 (escape \\x01), which no address can hold"),
    "deeply nested TOML": Case(
        {X: '+++\ntitle = "T"\ndate = 2019-07-07\nx = ' + "[" * 5000 + "]" * 5000 + "\n+++\nBody\n"},
        f"{X}:4:105: error: front matter is nested more than 100 levels deep"),
    "deeply nested TOML tables": Case(
        {X: '+++\ntitle = "T"\ndate = 2019-07-07\nx = ' + "{a=" * 3000 + "1" + "}" * 3000 + "\n+++\nB\n"},
        f"{X}:4:305: error: front matter is nested more than 100 levels deep"),
    "deeply nested YAML": Case(
        {X: "---\ntitle: T\ndate: 2019-07-07\nx: " + "[" * 5000 + "]" * 5000 + "\n---\nBody\n"},
        f"{X}:4:103: error: front matter is nested more than 100 levels deep"),
    "deeply nested emphasis": Case(
        {X: art(body="*a " * 3000 + "b" + " a*" * 3000)},
        f"{X}:5:1: error: text nested too deeply to convert (emphasis, links, lists or quotes inside "
        "each other hundreds of times)"),
    "FIFO in static": Case(
        {X: art()}, "static/pipe.css: error: is not a regular file (a FIFO, socket or device)",
        setup=_fifo("static/pipe.css")),
    "FIFO in a page bundle": Case(
        {X: art()}, "content/2019/b/data.bin: error: is a named pipe (FIFO), not a file",
        setup=_bundle_with_fifo),
    "symlink loop in static": Case(
        {X: art()}, "static/loop1: error: symbolic link cannot be followed: Too many levels of "
        "symbolic links", setup=_loop("static/loop1", "static/loop2")),
    "symlink loop in templates": Case(
        {X: art()}, "templates/l1.html: error: symbolic link cannot be followed: Too many levels of "
        "symbolic links", setup=_loop("templates/l1.html", "templates/l2.html")),
    "unreadable template": Case(
        {X: art()}, "templates/article.html: error: cannot be read: Permission denied",
        setup=_unreadable("templates/article.html"), unprivileged=True),
    "unreadable static file": Case(
        {X: art()}, "static/favicon.svg: error: cannot be read: Permission denied",
        setup=_unreadable("static/favicon.svg"), unprivileged=True),
    "unreadable config.yaml": Case(
        {X: art()}, "config.yaml: error: cannot be read: Permission denied",
        setup=_unreadable("config.yaml"), unprivileged=True),
    "config.yaml is a FIFO": Case(
        {X: art()}, "config.yaml: error: is not a regular file", code=2, setup=_config_fifo),
    "output folder in a folder we may not write": Case(
        {X: art()}, "sub/.public.staging: error: cannot write the site here: Permission denied",
        setup=_locked_output_parent, unprivileged=True, args=("build", "--output", "sub/public")),
    "file name not UTF-8 in content": Case(
        {X: art()}, "content/2019/\\xffx.md: error: name is not valid UTF-8",
        setup=_bad_name("content/2019")),
    "file name not UTF-8 in static": Case(
        {X: art()}, "static/\\xffx.md: error: name is not valid UTF-8", setup=_bad_name("static")),
    "long slug, checked": Case(
        {X: art(f"slug: {LONG}\n")},
        f"{X}:4:1: error: 'slug' has a name of 300 bytes, longer than the 255 a file name can hold",
        args=("check",)),
    "deeply nested TOML, checked": Case(
        {X: '+++\ntitle = "T"\ndate = 2019-07-07\nx = ' + "[" * 5000 + "]" * 5000 + "\n+++\nBody\n"},
        f"{X}:4:105: error: front matter is nested more than 100 levels deep", args=("check",)),
    "template not UTF-8": Case(
        {X: art()}, "templates/article.html:1:3: error: byte 0xff is not valid UTF-8",
        setup=lambda root: (root / "templates/article.html").write_bytes(b"<p\xff>")),
    "archetype not UTF-8": Case(
        {"archetypes/default.md": b"---\ntitle: \xfe\n---\n"},
        "archetypes/default.md:2:8: error: byte 0xfe is not valid UTF-8", code=2,
        args=("new", "A title", "--section", "2019")),
    "import of a FIFO": Case(
        {}, "cap.txt: error: is not a regular file (a FIFO, socket or device)",
        setup=_fifo("cap.txt"), args=("import", "cap.txt", "--date", "2019-01-01")),
    "import of an unreadable capture": Case(
        {}, "cap.txt: error: cannot be read: Permission denied", setup=_capture(0),
        unprivileged=True, args=("import", "cap.txt", "--date", "2019-01-01")),
    "import of a folder": Case(
        {}, "cap.txt: error: is a folder", setup=lambda root: (root / "cap.txt").mkdir(),
        args=("import", "cap.txt", "--date", "2019-01-01")),
    "new article whose file name would be too long": Case(
        {}, f"content/2019/{'t' * 300}.md: error: name too long for the file system",
        args=("new", "T" * 300, "--section", "2019")),
}


def run_cli(root: Path, args: tuple[str, ...], prefix: tuple[str, ...] = (), timeout: float = 120,
            **options: object) -> subprocess.CompletedProcess[str]:
    command, rest = args[0], args[1:]
    return subprocess.run([*prefix, sys.executable, str(REPO / "build.py"), command, "--root", str(root),
                           *rest], capture_output=True, text=True, cwd=root, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(REPO)}, check=False, **options)  # type: ignore[call-overload]


def assert_speaks(run: subprocess.CompletedProcess[str], code: int, first_line: str) -> None:
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert (run.returncode, run.stderr.splitlines()[:1]) == (code, [first_line]), run.stderr


@pytest.mark.parametrize("name", list(CASES))
def test_each_failure_names_the_file_and_what_to_do(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    prefix = no_root_override() if case.unprivileged else ()
    root = write_site(tmp_path / "site", case.files, case.theme)
    if case.setup is not None:
        case.setup(root)
    try:
        run = run_cli(root, case.args, prefix)
    finally:
        subprocess.run(["chmod", "-R", "u+rwX", str(tmp_path)], check=False)
    assert_speaks(run, case.code, case.first_line)
    assert not (root / "public").exists()  # no first build was made: nothing half-written either


def test_a_symlink_loop_in_content_is_no_internal_error(tmp_path: Path) -> None:
    """Content discovery reports loops itself on another branch; this is the last line of defence."""
    root = write_site(tmp_path / "site", {X: art()})
    _loop("content/2019/c1.md", "content/2019/c2.md")(root)
    run = run_cli(root, ("build",))
    assert run.returncode == 1
    assert "internal error" not in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.startswith(("content/2019/c1.md", "content/2019/c2.md"))


# --- The disk: full, size-limited, read-only ----------------------------------------------------


@contextmanager
def small_disk(tmp_path: Path, size: str = "3m") -> Iterator[Path | None]:
    """A tmpfs of `size` mounted for the test, or None where this machine cannot mount one."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        yield None
        return
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _built_site(tmp_path: Path, out: Path) -> Path:
    root = write_site(tmp_path / "site", {X: art()})
    (root / "static").mkdir()  # the project's own, as init makes it (the theme's are in the package)
    run = run_cli(root, ("build", "--output", str(out)))
    assert run.returncode == 0, run.stderr
    return root


def test_a_full_disk_names_the_file_and_keeps_the_site(tmp_path: Path) -> None:
    """ENOSPC on a real, small file system; where none can be mounted, EFBIG from a real
    file size limit (RLIMIT_FSIZE), which fails the same write the same way."""
    with small_disk(tmp_path) as disk:
        out = (disk or tmp_path / "out") / "public"
        root = _built_site(tmp_path, out)
        before = read_tree(out)
        (root / "static/big.bin").write_bytes(os.urandom(BIG_BYTES))
        if disk is not None:
            run = run_cli(root, ("build", "--output", str(out)))
            what = "no space left on the disk"
            todo = f"free some space on the disk that holds {out}/ and build again"
        else:
            run = run_cli(root, ("build", "--output", str(out)), preexec_fn=_file_size_limit(BIG_BYTES // 2))
            what = "file too large for the file system or for this process (ulimit -f)"
            todo = "raise the limit (ulimit -f unlimited) or build onto another disk"
        assert_speaks(run, 1, f"static/big.bin: error: {what} while copying it into the site")
        assert run.stderr.splitlines()[1] == f"  hint: {todo}; the previous site was left as it was"
        assert read_tree(out) == before


def test_a_file_size_limit_names_the_file_and_keeps_the_site(tmp_path: Path) -> None:
    out = tmp_path / "out" / "public"
    root = _built_site(tmp_path, out)
    before = read_tree(out)
    (root / "static/big.bin").write_bytes(os.urandom(400_000))
    run = run_cli(root, ("build", "--output", str(out)), preexec_fn=_file_size_limit(200_000))
    assert_speaks(run, 1, "static/big.bin: error: file too large for the file system or for this "
                  "process (ulimit -f) while copying it into the site")
    assert read_tree(out) == before


def _stopped_at_rendered(root: Path, out: Path) -> subprocess.Popen[str]:
    """A build stopped (SIGSTOP) once its pages are written, before search indexing."""
    process = subprocess.Popen([sys.executable, str(REPO / "build.py"), "build", "--root", str(root),
                                "--output", str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONPATH": str(REPO),
                                               "SITEGEN_TEST_STOP_AT": "rendered"})
    deadline = time.monotonic() + 60
    while Path(f"/proc/{process.pid}/stat").read_text().split()[2] != "T":
        assert time.monotonic() < deadline and process.poll() is None, "the build never stopped"
        time.sleep(0.01)
    return process


def test_a_disk_that_fills_up_during_search_indexing_fails_the_build(tmp_path: Path) -> None:
    """Pagefind ignores failed writes and exits 0: the site was published with empty search
    files (pagefind-entry.json, the wasm) and a search that could not load."""
    with small_disk(tmp_path) as disk:
        if disk is None:
            if on_ci():
                pytest.fail("cannot mount a tmpfs on CI: run the tests as root with CAP_SYS_ADMIN")
            pytest.skip("this machine cannot mount a tmpfs, and nothing else fills a disk for real")
        out = disk / "public"
        root = _built_site(tmp_path, out)
        before = read_tree(out)
        (root / X).write_text(art(body="An edit."), encoding="utf-8")
        process = _stopped_at_rendered(root, out)
        free = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize
        (disk / "filler").write_bytes(bytes(max(0, free - 200_000)))  # room for a part of the index
        os.kill(process.pid, signal.SIGCONT)
        _out, err = process.communicate(timeout=120)
        (disk / "filler").unlink()
        assert read_tree(out) == before
    assert process.returncode == 1, err
    assert "internal error" not in err and "Traceback" not in err
    # Which files the disk had room for varies with Pagefind's write order: name the rule.
    assert re.fullmatch(r"error: search indexing wrote \d+ empty file\(s\) \([\w./-]+(, [\w./-]+){0,2}\): "
                        r"the disk is probably full", err.splitlines()[0]), err


def test_a_read_only_file_system_keeps_the_site(tmp_path: Path) -> None:
    with small_disk(tmp_path) as disk:
        if disk is None:
            if on_ci():
                pytest.fail("cannot mount a tmpfs on CI: run the tests as root with CAP_SYS_ADMIN")
            pytest.skip("this machine cannot mount a file system to make it read-only")
        out = disk / "public"
        root = _built_site(tmp_path, out)
        before = read_tree(out)
        (root / X).write_text(art(body="An edit."), encoding="utf-8")
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        try:
            run = run_cli(root, ("build", "--output", str(out)))
        finally:
            subprocess.run(["mount", "-o", "remount,rw", str(disk)], check=True)
        assert read_tree(out) == before
    assert_speaks(run, 1, f"{disk}/.public.staging: error: the file system is read-only while writing it")
