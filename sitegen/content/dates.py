"""Read front matter dates in every form Hugo accepts, and nothing looser.

YAML may already have turned an unquoted date into a `date` or `datetime`; quoted
ones arrive as text. Dates without a zone are taken as UTC (Hugo's default
timezone), so output never depends on the machine's clock settings.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

_DATE_RE = re.compile(
    r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"(?:[Tt ]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:[.,](?P<f>\d+))?)?)?"
    r"\s*(?P<z>[Zz]|[+-]\d{2}(?::?\d{2})?|UTC)?(?:\s+[A-Z]{2,5})?$"
)
# Go's other layouts that Hugo reads (time.RFC1123, RFC1123Z, RFC822, RFC822Z, RFC850,
# ANSIC, UnixDate, RubyDate, "02 Jan 2006"). A zone name such as "MST" counts as UTC, as
# Go reads an abbreviation it does not know; numeric offsets are kept.
_WORDY_RES = (
    re.compile(r"^(?:[A-Za-z]+,\s*)?(?P<d>\d{1,2})[ -](?P<mon>[A-Za-z]{3})[ -](?P<y>\d{2}|\d{4})"
               r"(?:\s+(?P<H>\d{2}):(?P<M>\d{2})(?::(?P<S>\d{2}))?(?:\s+(?P<z>[+-]\d{4}|[A-Z]{1,5}))?)?$"),
    re.compile(r"^[A-Za-z]{3}\s+(?P<mon>[A-Za-z]{3})\s+(?P<d>\d{1,2})\s+(?P<H>\d{2}):(?P<M>\d{2}):(?P<S>\d{2})"
               r"(?:\s+(?P<z>[+-]\d{4}|[A-Z]{1,5}))?\s+(?P<y>\d{4})$"),
)
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}


class DateError(ValueError):
    """The value is not a date; the message says what was found."""


def parse_date(value: object, zone: tzinfo = UTC) -> datetime:
    """Return an aware datetime for a YAML/TOML date value or a date string; `zone` for a
    date written without one (UTC unless site.timezone says otherwise, as Hugo's timeZone)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(0), tzinfo=zone)
    if not isinstance(value, str):
        raise DateError(f"must be a date such as 2019-07-07, got {value!r}")
    text = value.strip()
    match = _DATE_RE.match(text)
    if not match:
        return _parse_wordy(text, zone)
    parts = match.groupdict()
    try:
        return datetime(
            int(parts["y"]), int(parts["m"]), int(parts["d"]),
            int(parts["H"] or 0), int(parts["M"] or 0), int(parts["S"] or 0),
            int((parts["f"] or "0")[:6].ljust(6, "0")),
            tzinfo=_zone(parts["z"]) if parts["z"] else zone,
        )
    except ValueError as exc:
        raise DateError(f"is not a real date: '{text}' ({exc})") from None


def _parse_wordy(text: str, zone: tzinfo = UTC) -> datetime:
    """Dates with month names: "Mon, 02 Jan 2006 15:04:05 -0700", "02 Jan 2006", ..."""
    for pattern in _WORDY_RES:
        match = pattern.match(text)
        month = _MONTHS.get(match.group("mon").lower()) if match else None
        if match and month:
            year = int(match.group("y"))
            year += 2000 if year < 69 else 1900 if year < 100 else 0  # Go's two-digit years
            offset = match.group("z") or ""
            try:
                return datetime(year, month, int(match.group("d")), int(match.group("H") or 0),
                                int(match.group("M") or 0), int(match.group("S") or 0),
                                tzinfo=zone if not offset else _zone(offset) if offset[0] in "+-" else UTC)
            except ValueError as exc:
                raise DateError(f"is not a real date: '{text}' ({exc})") from None
    raise DateError(f"must be a date such as 2019-07-07, got '{text}'")


def _zone(text: str | None) -> timezone:
    if not text or text.upper() in ("Z", "UTC"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    if hours > 23 or minutes > 59:
        raise DateError(f"has an impossible time zone offset '{text}'")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
