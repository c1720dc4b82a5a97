"""Shared test tooling: a static server, Debian's Chromium through Playwright, validators.

Nothing here imports Playwright at import time, so unit tests run without it.
"""
