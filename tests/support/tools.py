"""Where the external test tools live, and what to do when one is missing.

On a developer's machine a missing tool skips the tests that need it; on CI (`CI=true`) it
fails them, because `.ci/run` installs every tool and a silent skip would hide a broken install.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import NoReturn

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
CHROMIUM = Path("/usr/bin/chromium")
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_SCRIPT = NODE_MODULES / "axe-core" / "axe.min.js"
SITEMAP_XSD = NODE_MODULES / "sitemap" / "schema" / "sitemap.xsd"


def on_ci() -> bool:
    """Tell whether we run under CI, where every tool must be present."""
    return os.environ.get("CI", "").lower() == "true"


def missing_tool(message: str) -> NoReturn:
    """Skip the test on a developer's machine, fail it on CI."""
    import pytest  # here, so that scripts can use the paths above without pytest

    if on_ci():
        pytest.fail(f"{message} (CI=true: .ci/run should have installed it)", pytrace=False)
    pytest.skip(message)


def require_file(path: Path, install_hint: str) -> Path:
    """Return `path` if it exists, else skip or fail with how to install it."""
    if not path.is_file():
        missing_tool(f"{path} is missing: {install_hint}")
    return path


def require_java() -> str:
    """Return the path of `java`, else skip or fail."""
    java = shutil.which("java")
    if java is None:
        missing_tool("java is not on PATH: apt-get install -y default-jre-headless")
    return java
