"""Read front matter dates in every form Hugo accepts, and nothing looser.

YAML may already have turned an unquoted date into a `date` or `datetime`; quoted
ones arrive as text. Dates without a zone are taken as UTC (Hugo's default
timezone), so output never depends on the machine's clock settings.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?|UTC)?$"
)


class DateError(ValueError):
    """The value is not a date; the message says what was found."""


def parse_date(value: object) -> datetime:
    """Return an aware datetime for a YAML/TOML date value or a date string."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=timezone.utc)
    if not isinstance(value, str):
        raise DateError(f"must be a date such as 2019-07-07, got {value!r}")
    text = value.strip()
    match = _DATE_RE.match(text)
    if not match:
        raise DateError(f"must be a date such as 2019-07-07, got '{text}'")
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]), int(parts["m"]), int(parts["d"]),
            int(parts["H"] or 0), int(parts["M"] or 0), int(parts["S"] or 0),
            int((parts["f"] or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(parts["z"]),
        )
    except ValueError as exc:
        raise DateError(f"is not a real date: '{text}' ({exc})") from None


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC"):
        return timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"has an impossible time zone offset '{text}'")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
