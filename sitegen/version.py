"""The package's version, in one place.

pyproject.toml reads it (`[tool.setuptools.dynamic]`, without importing the package),
`treaty-archive --version` prints it, and the build cache keys on it. A module of its own,
holding nothing else, so that reading it never imports the engine.
"""

__version__ = "0.1.0"
