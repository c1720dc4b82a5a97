"""A Python-Markdown without the private hooks the pruning relies on still builds the site.

inline_pruning.py reads private parts of Python-Markdown (the registry's `_sort` and
`_priority`, the inline processor's name-mangled methods). Each test here runs a real
build in a fresh interpreter whose Python-Markdown has been changed the way a future
release might change it (the library's own classes, rewritten before anything imports
them; never our code), and checks that the build succeeds with one warning and makes the
same site, byte for byte, as a build with the library as it comes. The site has enough
articles for the build to convert them in two forked workers, which must not repeat the
warning.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.sites import article, build_site, read_tree

REPO = Path(__file__).resolve().parents[2]

# Python-Markdown's Registry keeping its order under other private names.
RENAMED_REGISTRY = r"""
import inspect, markdown.util as util
source = (inspect.getsource(util.Registry).replace("_priority", "_order")
          .replace("_sort(", "_sort_items("))
namespace = dict(vars(util))
exec("from __future__ import annotations\n" + source, namespace)
util.Registry = namespace["Registry"]
"""

# Its inline processor with the two private methods the pruning overrides renamed.
RENAMED_INLINE_METHODS = r"""
import inspect, markdown.treeprocessors as tp
source = (inspect.getsource(tp.InlineProcessor).replace("__handleInline", "__handle_inline")
          .replace("__applyPattern", "__apply_pattern"))
namespace = dict(vars(tp))
exec("from __future__ import annotations\n" + source, namespace)
tp.InlineProcessor = namespace["InlineProcessor"]
"""

BUILD = """
import sys
from sitegen.commands.cli import main
sys.exit(main(["build", "--root", sys.argv[1], "--jobs", "2", "--no-cache", "--quiet"]))
"""

CONFIG = """\
site:
  title: Hooks
  base_url: https://example.org/
search:
  enabled: false
"""


def _site(make_site: Callable[..., Path]) -> Path:
    body = ("A *claim*[^1] with [a link](https://example.org/x), `code`, &amp; "
            "~~struck~~ text and a bare https://example.org/bare URL.\n\n[^1]: A note.")
    files = {f"content/2020/a{i:03}.md": article(f"Article {i}", "2020-01-02", body, tags="[t]")
             for i in range(100)}
    return make_site({"config.yaml": CONFIG, **files})


@pytest.mark.parametrize("change", [RENAMED_REGISTRY, RENAMED_INLINE_METHODS],
                         ids=["registry-fields-renamed", "inline-methods-renamed"])
def test_build_falls_back_to_unpruned_conversion_with_one_warning(
        make_site: Callable[..., Path], change: str) -> None:
    changed, usual = _site(make_site), _site(make_site)
    assert build_site(usual, "--quiet", "--no-cache").code == 0
    run = subprocess.run([sys.executable, "-c", change + BUILD, str(changed)], cwd=REPO,
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    warning, hint = run.stderr.splitlines()
    assert warning.startswith("warning: Python-Markdown ")
    assert "converting without pruning (same output, slower)" in warning
    assert hint == "  hint: install a tested version: pip install 'markdown>=3.5,<3.12'"
    assert read_tree(changed / "public") == read_tree(usual / "public")


def test_the_library_as_installed_has_every_hook() -> None:
    """The pinned range must keep pruning on: a silent fallback would only cost time."""
    from sitegen.markup.pruning_support import missing_hooks

    assert missing_hooks() == ()
