"""sitegen: the engine behind the Treaty Commentary Archive.

Public names: `load_config`, `build`, `main` (the command line), and the error types.
"""

from .cli import main
from .config import Config, load_config
from .errors import (BuildFailed, ConfigError, ContentError, Diagnostic, OutputConflictError,
                     SiteError, TemplateError)
from .pipeline import BuildReport, build

__all__ = ["BuildFailed", "BuildReport", "Config", "ConfigError", "ContentError", "Diagnostic",
           "OutputConflictError", "SiteError", "TemplateError", "build", "load_config", "main"]
__version__ = "0.1.0"
