"""serve/collector.py: frozen after a build, collected in full only when quiet."""

from __future__ import annotations

import gc
import weakref

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
