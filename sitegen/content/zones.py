"""The site's time zone (site.timezone, Hugo's timeZone) for dates written without one."""

from __future__ import annotations

from datetime import UTC, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sitegen.config.settings import Config
from sitegen.errors import ConfigError, Diagnostic


def site_zone(config: Config) -> tzinfo:
    """UTC, or the zone site.timezone names; a name no zone has is a config error."""
    return _zone(config.site.timezone)


@lru_cache(maxsize=8)
def _zone(name: str) -> tzinfo:
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError([Diagnostic(
            "config.yaml", 0, 0, "error", f"site.timezone: no time zone is named {name!r}",
            "write an IANA name such as 'Europe/Oslo' or 'Asia/Tokyo', or delete the line")]) from None
