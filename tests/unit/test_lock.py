"""sitegen/output/lock.py: one build of a project at a time, and a clear refusal with --no-wait."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sitegen.config.settings import load_config
from sitegen.output.lock import BuildBusy, build_lock, inherited_fds, lock_path


def test_a_second_lock_without_waiting_is_refused_with_exit_code_3(make_site: Callable[..., Path]) -> None:
    config = load_config(make_site({}))
    with build_lock(config):
        assert len(inherited_fds()) == 1
        with pytest.raises(BuildBusy) as caught, build_lock(config, wait=False):
            pass
    assert caught.value.exit_code == 3
    assert caught.value.diagnostics[0].format() == (
        f"error: another build of this project is running (pid {os.getpid()})\n"
        "  hint: wait for it to finish, or build without --no-wait to wait for it")
    assert inherited_fds() == ()


def test_the_lock_is_free_again_once_released(make_site: Callable[..., Path]) -> None:
    config = load_config(make_site({}))
    with build_lock(config, wait=False):
        pass
    with build_lock(config, wait=False):
        assert lock_path(config).read_text(encoding="ascii") == f"{os.getpid()}\n"


def test_the_lock_lives_in_the_cache_folder_which_it_tags(make_site: Callable[..., Path]) -> None:
    config = load_config(make_site({}))
    path = lock_path(config)
    assert path == config.path("cache") / "build.lock"
    assert (config.path("cache") / "CACHEDIR.TAG").is_file()


def test_a_lock_file_that_is_a_link_is_replaced_not_followed(make_site: Callable[..., Path],
                                                              tmp_path: Path) -> None:
    config = load_config(make_site({}))
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", encoding="utf-8")
    path = lock_path(config)
    path.symlink_to(victim)
    with build_lock(config):
        assert not path.is_symlink()
    assert victim.read_text(encoding="utf-8") == "keep me"
