"""sitegen: the engine behind the Treaty Commentary Archive.

Public names: `load_config`, `build`, `main` (the command line), and the error types.
"""

from sitegen.build.pipeline import BuildReport, build
from sitegen.commands.cli import main
from sitegen.config.settings import Config, load_config
from sitegen.errors import (
                     BuildFailed,
                     ConfigError,
                     ContentError,
                     Diagnostic,
                     OutputConflictError,
                     SiteError,
                     TemplateError,
)
from sitegen.version import __version__

__all__ = ["BuildFailed", "BuildReport", "Config", "ConfigError", "ContentError", "Diagnostic",
           "OutputConflictError", "SiteError", "TemplateError", "__version__", "build", "load_config", "main"]
