"""Front matter dates in every form Hugo reads (sitegen/content/dates.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from sitegen.content.dates import DateError, parse_date

TOKYO = timezone(timedelta(hours=9))


@pytest.mark.parametrize(("value", "wanted"), [
    ("2019-07-07", datetime(2019, 7, 7, tzinfo=UTC)),
    ("2019-01-19T09:30:00Z", datetime(2019, 1, 19, 9, 30, tzinfo=UTC)),
    ("2019-02-11T10:00:00+09:00", datetime(2019, 2, 11, 10, tzinfo=TOKYO)),
    ("2019-02-11T10:00:00+0900", datetime(2019, 2, 11, 10, tzinfo=TOKYO)),
    ("2019-03-30T10:00:00", datetime(2019, 3, 30, 10, tzinfo=UTC)),  # no offset: UTC
    ("2019-03-29 10:00:00", datetime(2019, 3, 29, 10, tzinfo=UTC)),
    ("2019-03-29 10:00:00 +09:00", datetime(2019, 3, 29, 10, tzinfo=TOKYO)),
    ("2017-07-15T0:10:32+00:00", datetime(2017, 7, 15, 0, 10, 32, tzinfo=UTC)),  # one-digit hour
    ("2019-03-29 10:00:00.5 +0900 JST", datetime(2019, 3, 29, 10, 0, 0, 500000, tzinfo=TOKYO)),
    ("Mon, 02 Jan 2006 15:04:05 -0700", datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone(timedelta(hours=-7)))),
    ("Mon, 02 Jan 2006 15:04:05 MST", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),  # as Go
    ("02 Jan 06 15:04 -0700", datetime(2006, 1, 2, 15, 4, tzinfo=timezone(timedelta(hours=-7)))),
    ("Monday, 02-Jan-06 15:04:05 MST", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
    ("Mon Jan  2 15:04:05 2006", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
    ("Mon Jan  2 15:04:05 MST 2006", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
    ("Mon Jan 02 15:04:05 -0700 2006", datetime(2006, 1, 2, 15, 4, 5, tzinfo=timezone(timedelta(hours=-7)))),
    ("02 Jan 2006", datetime(2006, 1, 2, tzinfo=UTC)),
    (date(2019, 7, 7), datetime(2019, 7, 7, tzinfo=UTC)),  # unquoted YAML / TOML dates
    (datetime(2019, 4, 2, 9), datetime(2019, 4, 2, 9, tzinfo=UTC)),  # TOML local date-time
    (datetime(2019, 4, 1, 9, tzinfo=TOKYO), datetime(2019, 4, 1, 9, tzinfo=TOKYO)),
])
def test_forms_hugo_reads(value: object, wanted: datetime) -> None:
    assert parse_date(value) == wanted


@pytest.mark.parametrize("value", ["2019-13-01", "32 Jan 2006", "yesterday", "07/07/2019",
                                   "Mon Foo 02 15:04:05 2006", 20190707, "3:04PM"])
def test_not_dates(value: object) -> None:
    with pytest.raises(DateError):
        parse_date(value)
