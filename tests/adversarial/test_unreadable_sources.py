"""Nothing is unpublished silently (issue 14, item 5).

A content folder the build could not read (`chmod 000 content/2010`) was skipped: `check`
said 0 errors, the build exited 0 and the folder's articles disappeared. A FIFO named
`x.md` made build, check and serve hang for ever. Each test makes one such thing in a
real project and runs `build.py` in a process of its own, with a time limit.

Root ignores file modes, and tests run as root here and in CI: the builds run with
root's power to read anything (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) dropped from the
process before `build.py` starts, so `chmod 000` means to them what it means to anyone.
"""

from __future__ import annotations

import os
import select
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.sites import DEFAULT_CONFIG, REPO, article, read_tree, write_site

CONFIG = DEFAULT_CONFIG + "search:\n  enabled: false\n"
PR_CAPBSET_DROP = 24
READ_ANYTHING = (1, 2)  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH


# Run before `build.py`, in its process: root without the capabilities that ignore file
# modes, dropped from the bounding set so that the program it becomes cannot have them.
WITHOUT_READ_ANYTHING = f"""
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
for capability in {READ_ANYTHING}:
    if os.geteuid() == 0 and libc.prctl({PR_CAPBSET_DROP}, capability, 0, 0, 0) != 0:
        sys.exit("prctl(PR_CAPBSET_DROP): " + os.strerror(ctypes.get_errno()))
os.execv(sys.executable, [sys.executable, *sys.argv[1:]])
"""


def command(*args: str) -> list[str]:
    """`python ARGS` in a process that file modes apply to, root or not."""
    return [sys.executable, "-c", WITHOUT_READ_ANYTHING, *args]


@pytest.fixture(scope="module", autouse=True)
def modes_apply(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Make sure a child can be kept from reading a 000 file; skip otherwise (never in CI)."""
    probe = tmp_path_factory.mktemp("probe") / "secret"
    probe.write_text("x")
    probe.chmod(0)
    run = subprocess.run(command("-c", f"open({str(probe)!r}).read()"), capture_output=True, check=False)
    if run.returncode == 0:
        if os.environ.get("CI") == "true":
            pytest.fail("a build cannot be kept from reading a file with mode 000 here")
        pytest.skip("this machine lets every process read files with mode 000")


def build_py(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command(str(REPO / "build.py"), *args, "--root", str(root)),
                          capture_output=True, text=True,
                          timeout=timeout, check=False, cwd=root, env={**os.environ, "PYTHONPATH": str(REPO)})


def project(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site", {
        "config.yaml": CONFIG,
        "content/2010/old.md": article("Old", date="2010-05-01"),
        "content/2019/new.md": article("New"),
        "content/2019/photo.png": "not really a picture",
        "static/css/extra.css": "p { color: black }",
        "archetypes/default.md": "---\ntitle: \"{{ title }}\"\n---\n",
    }, theme=True)  # the project's own copy of the theme's templates, to make unreadable


FOLDER_HINT = ("  hint: its articles would be missing from the site: let yourself read it (chmod u+rx), "
               "or move it out of the content folder\n")
FILE_HINT = "  hint: check that the file exists and that you may read it (chmod u+r)\n"
PROJECT_HINT = "  hint: check that the file exists and that you may read it\n"


def test_an_unreadable_content_folder_fails_build_and_check_and_keeps_the_site(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert build_py(root, "build").returncode == 0
    before = read_tree(root / "public")
    assert "2010/old/index.html" in before
    (root / "content" / "2010").chmod(0)
    try:
        built, checked = build_py(root, "build"), build_py(root, "check")
    finally:
        (root / "content" / "2010").chmod(0o755)
    error = "content/2010: error: folder cannot be read: Permission denied\n" + FOLDER_HINT
    assert (built.returncode, built.stderr) == (1, error)
    assert checked.returncode == 1 and checked.stderr == error
    assert checked.stdout == "check: 1 error(s), 0 warning(s)\n"
    assert read_tree(root / "public") == before


@pytest.mark.parametrize(("target", "error"), [
    ("content", "content: error: folder cannot be read: Permission denied\n" + FOLDER_HINT),
    ("content/2019/new.md", "content/2019/new.md:1:1: error: file cannot be read: Permission denied\n"
     + FILE_HINT),
    ("content/2019/photo.png", "content/2019/photo.png:1:1: error: file cannot be read: Permission denied\n"
     + FILE_HINT),
    ("static/css", ("static/css/: error: folder cannot be read: Permission denied\n"
                    "  hint: check that the folder exists and that you may read it\n")),
    ("static/css/extra.css", "static/css/extra.css: error: cannot be read: Permission denied\n"
     + PROJECT_HINT),
    ("templates/partials", ("templates/partials/: error: folder cannot be read: Permission denied\n"
                            "  hint: check that the folder exists and that you may read it\n")),
    ("templates/article.html", "templates/article.html: error: cannot be read: Permission denied\n"
     + PROJECT_HINT),
])
def test_anything_unreadable_is_an_error_naming_it(target: str, error: str, tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / target).chmod(0)
    try:
        run = build_py(root, "build")
    finally:
        (root / target).chmod(0o755)
    assert (run.returncode, run.stderr) == (1, error)
    assert not (root / "public").exists()


def test_an_unreadable_archetype_is_an_error_not_the_default(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "archetypes" / "default.md").chmod(0)
    run = build_py(root, "new", "A title", "--section", "2019")
    assert (run.returncode, run.stderr) == (2, "archetypes/default.md:1:1: error: file cannot be read: "
                                               "Permission denied\n" + FILE_HINT)
    assert sorted(p.name for p in (root / "content" / "2019").iterdir()) == ["new.md", "photo.png"]


NOT_A_FILE = "  hint: remove it: the content folder may hold only files and folders\n"


def _device(path: Path) -> bool:
    """A character device like /dev/zero (endless bytes) at `path`; False where not allowed."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        return False
    return True


def test_fifos_sockets_and_devices_in_content_are_errors_and_never_read(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = root / "content" / "2019"
    odd = {"pipe.md": "a named pipe (FIFO)", "pipe.png": "a named pipe (FIFO)", "socket.md": "a socket"}
    os.mkfifo(folder / "pipe.md")
    os.mkfifo(folder / "pipe.png")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(folder / "socket.md"))  # the file stays after the socket is closed
    listener.close()
    if _device(folder / "zero.md") and _device(folder / "zero.png"):
        odd.update({"zero.md": "a device", "zero.png": "a device"})
    errors = "".join(f"content/2019/{name}: error: is {kind}, not a file\n{NOT_A_FILE}"
                     for name, kind in sorted(odd.items()))
    for command in ("build", "check"):
        run = build_py(root, command, timeout=30)
        assert (run.returncode, run.stderr) == (1, errors), command


def test_a_link_to_a_fifo_and_a_loop_of_links_are_errors(tmp_path: Path) -> None:
    root = project(tmp_path)
    folder = root / "content" / "2019"
    os.mkfifo(folder / "pipe")
    (folder / "to-pipe.md").symlink_to("pipe")
    (folder / "loop.md").symlink_to("loop.md")
    (folder / "a.md").symlink_to("b.md")
    (folder / "b.md").symlink_to("a.md")
    run = build_py(root, "build", timeout=30)
    loop = ("error: symbolic link cannot be followed: Too many levels of symbolic links\n"
            "  hint: it is part of a loop of links, or unreadable: remove or fix it\n")
    assert (run.returncode, run.stderr) == (1, (
        f"content/2019/a.md:1:1: {loop}content/2019/b.md:1:1: {loop}content/2019/loop.md:1:1: {loop}"
        f"content/2019/pipe: error: is a named pipe (FIFO), not a file\n{NOT_A_FILE}"
        f"content/2019/to-pipe.md: error: is a named pipe (FIFO), not a file\n{NOT_A_FILE}"))


def test_serve_reports_a_fifo_instead_of_hanging(tmp_path: Path) -> None:
    root = project(tmp_path)
    os.mkfifo(root / "content" / "2019" / "pipe.md")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(command(str(REPO / "build.py"), "serve", "--root", str(root), "--port", str(port)),
                              stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        seen = _read_until(server, "build failed", deadline=time.monotonic() + 60)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "content/2019/pipe.md: error: is a named pipe (FIFO), not a file\n" in seen


def _read_until(process: subprocess.Popen[str], marker: str, deadline: float) -> str:
    assert process.stderr is not None
    seen = ""
    while marker not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([process.stderr], [], [], 1)
        if ready:
            line = process.stderr.readline()
            if not line:
                break
            seen += line
    return seen
