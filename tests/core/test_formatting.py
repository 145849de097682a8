"""Times a person reads are Oslo wall-clock times in Norwegian form, whatever zone the server's clock is in."""

from __future__ import annotations

import datetime as dt

from core.formatting import date_no, datetime_no


def test_times_are_shown_in_oslo_time_winter_and_summer():
    assert datetime_no(dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)) == "03.12.2026 kl. 06:30"
    assert datetime_no(dt.datetime(2026, 7, 1, 4, 30, tzinfo=dt.UTC)) == "01.07.2026 kl. 06:30"
    assert datetime_no(dt.datetime(2026, 12, 3, 5, 30)) == "03.12.2026 kl. 06:30"  # naive = stored UTC
    assert datetime_no("2026-12-03T05:30:00+00:00") == "03.12.2026 kl. 06:30"
    assert datetime_no(None) == ""


def test_a_datetime_late_in_the_utc_day_is_the_next_oslo_day():
    assert date_no(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "01.01.2027"
    assert date_no(dt.date(2026, 5, 17)) == "17.05.2026" and date_no("2026-05-17") == "17.05.2026"
