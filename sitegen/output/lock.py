"""One build of a project at a time: an exclusive lock held for the whole build.

Two builds at once (a CI retry, `serve` beside a build by hand) would both use one
staging folder, one spare site and one cache. The lock is `flock` on `build.lock` in
the cache folder (made, and tagged as the build's, if need be; beside the output
folder if the cache folder cannot be made). The kernel releases it when the last
process holding it ends, however it ends, so a killed build never leaves the project
locked; the processes a build starts hold it too (forked renderers inherit it, and
Pagefind is handed it), so a build killed while they run is not followed by another
until they are gone. A second build waits, saying so, or with `wait=False` stops at
once with `BuildBusy` (exit code 3).
"""

from __future__ import annotations

import errno
import fcntl
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sitegen.config.settings import Config
from sitegen.errors import Diagnostic, SiteError
from sitegen.output.ownership import claim_cache

LOCK_NAME = "build.lock"
_held: list[int] = []  # descriptors of the locks this process holds, for child processes


class BuildBusy(SiteError):
    """Another build of the project holds the lock, and the caller would not wait."""

    exit_code = 3


def inherited_fds() -> tuple[int, ...]:
    """The lock's descriptors, to pass to a child process so that it holds the lock too."""
    return tuple(_held)


@contextmanager
def build_lock(config: Config, *, wait: bool = True,
               on_wait: Callable[[str], None] | None = None) -> Iterator[None]:
    """Hold the project's build lock inside the `with` block.

    `on_wait` is told, once, that the build is waiting and why (by default on stderr)."""
    fd = _open(lock_path(config))
    try:
        _acquire(fd, wait, on_wait or _tell_stderr)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        _held.append(fd)
        yield
    finally:
        if fd in _held:
            _held.remove(fd)
        os.close(fd)  # releases the lock (children that hold it keep it until they end)


def _open(path: Path) -> int:
    """Open (or make) the lock file, never through a link: the cache folder may have been
    restored from elsewhere, and the lock file is truncated once held."""
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        return os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
    os.unlink(path)
    return os.open(path, flags, 0o644)


def _acquire(fd: int, wait: bool, on_wait: Callable[[str], None]) -> None:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    except OSError:
        return  # a file system without locks (some network mounts): build unlocked, as before
    holder = _holder(fd)
    if not wait:
        raise BuildBusy([Diagnostic("", 0, 0, "error", f"another build of this project is running{holder}",
                                    "wait for it to finish, or build without --no-wait to wait for it")])
    on_wait(f"another build of this project is running{holder}; waiting for it to finish... "
            "(use --no-wait to fail instead)")
    fcntl.flock(fd, fcntl.LOCK_EX)


def _holder(fd: int) -> str:
    """' (pid N)' of the build holding the lock, as it wrote it, or '' if unknown."""
    try:
        pid = int(os.pread(fd, 32, 0).decode("ascii").strip())
    except (OSError, ValueError):
        return ""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return f" (pid {pid} was stopped; processes it started are finishing)"
    except OSError:
        pass
    return f" (pid {pid})"


def lock_path(config: Config) -> Path:
    """build.lock in the cache folder, made and tagged if need be; else beside the output."""
    cache = config.path("cache")
    try:
        claim_cache(cache, config.paths.cache)
        if not os.access(cache, os.W_OK):
            raise PermissionError(cache)
        return cache / LOCK_NAME
    except OSError:
        output = config.path("output")
        return output.with_name(f".{output.name}.lock")


def _tell_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
