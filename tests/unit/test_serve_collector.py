"""serve/collector.py: frozen after a build, collected in full only when quiet."""

from __future__ import annotations

import gc
import io
import platform
import weakref
from pathlib import Path

import pytest

from sitegen.serve.collector import QuietCollector


class _Node:
    me: object


def test_garbage_frozen_by_a_build_is_collected_in_the_next_quiet_moment() -> None:
    collector = QuietCollector(quiet_seconds=0.0, owed_builds=1)
    try:
        node = _Node()
        node.me = node  # a cycle: only the cyclic collector frees it
        alive = weakref.ref(node)
        collector.after_build(finished=True)
        assert gc.get_freeze_count() > 0
        del node
        gc.collect()
        assert alive() is not None  # frozen: an ordinary full collection does not walk it
        assert collector.when_quiet() is True
        assert alive() is None
        assert collector.when_quiet() is False  # nothing owed until the next build
    finally:
        collector.stop()
    assert gc.get_freeze_count() == 0


def test_no_full_collection_while_builds_follow_each_other() -> None:
    collector = QuietCollector(quiet_seconds=60.0)
    frozen = gc.get_freeze_count()
    try:
        collector.after_build(finished=False)  # a cancelled build: nothing frozen
        assert gc.get_freeze_count() == frozen
        assert collector.when_quiet() is False
    finally:
        collector.stop()


def test_a_quiet_moment_waits_for_enough_builds_unless_the_server_is_idle() -> None:
    collector = QuietCollector(quiet_seconds=0.0, owed_builds=3, idle_seconds=60.0)
    try:
        collector.after_build(finished=True)
        collector.after_build(finished=True)
        assert collector.when_quiet() is False  # two builds' leftovers: not worth a pause yet
        collector.after_build(finished=True)
        assert collector.when_quiet() is True
        idle = QuietCollector(quiet_seconds=60.0, owed_builds=3, idle_seconds=0.0)
        idle.after_build(finished=True)
        assert idle.when_quiet() is True  # idle: whatever is owed
    finally:
        collector.stop()


def test_no_automatic_collection_while_a_build_runs() -> None:
    """A build allocates the next site: automatic collections would walk it again and again."""
    collector = QuietCollector()
    assert gc.isenabled()
    with collector.paused():
        assert not gc.isenabled()
    assert gc.isenabled()
    try:
        with collector.paused():
            raise RuntimeError("a failed build")
    except RuntimeError:
        pass
    assert gc.isenabled()
    gc.disable()
    try:
        with collector.paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()


def test_serve_builds_an_edit_with_the_collector_paused(tmp_path: Path) -> None:
    """The rebuild serve runs for each edit holds automatic collections off throughout."""
    from sitegen.config.settings import load_config
    from sitegen.serve.livereload import LiveReloadHub, Rebuilder
    from tests.support.sites import DEFAULT_CONFIG, article, write_site

    root = write_site(tmp_path / "site", {"config.yaml": DEFAULT_CONFIG,
                                          "content/2024/a.md": article("A", "2024-01-01")})
    rebuilder = Rebuilder(load_config(root), LiveReloadHub(), io.StringIO(), io.StringIO())
    assert rebuilder.rebuild()  # the first build, of every page, collects as usual
    edited = root / "content/2024/a.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nAn edit.\n", encoding="utf-8")
    seen: list[bool] = []
    gc.callbacks.append(lambda phase, info: seen.append(gc.isenabled()) if phase == "start" else None)
    try:
        assert rebuilder.rebuild([str(edited)])
        collected_during = list(seen)
    finally:
        gc.callbacks.pop()
        rebuilder.collector.stop()
    assert collected_during == []  # not one automatic collection during the edit's build
    assert gc.isenabled()


def _rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        return next(int(line.split()[1]) // 1024 for line in status if line.startswith("VmRSS"))


@pytest.mark.skipif(not Path("/proc/self/status").exists() or platform.libc_ver()[0] != "glibc",
                    reason="reads RSS from /proc; malloc_trim is glibc's")
def test_the_first_build_hands_free_memory_back_to_the_system() -> None:
    """After the start-up build, the free pages of the C heap go back to the system: here
    160 MB freed in holes between live blocks, which glibc keeps by itself."""
    blocks = [bytes(2000) + str(number).encode() for number in range(100_000)]
    kept = blocks[::10]  # a live block every 20 KB: the heap cannot shrink from its top
    del blocks
    before = _rss_mb()
    collector = QuietCollector()
    try:
        collector.after_build(finished=True)
        assert before - _rss_mb() > 100
    finally:
        collector.stop()
    assert len(kept) == 10_000
