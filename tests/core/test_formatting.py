"""Times a person reads are Oslo wall-clock times in Norwegian form, whatever zone the server's clock is in; numbers,
shares, ranges, plurals and months are bokmål through Babel."""

from __future__ import annotations

import datetime as dt

from core.formatting import (
    date_no,
    datetime_no,
    month_axis_labels,
    month_no,
    number_input,
    number_no,
    percent_no,
    plural_no,
    range_no,
)


def test_times_are_shown_in_oslo_time_winter_and_summer():
    assert datetime_no(dt.datetime(2026, 12, 3, 5, 30, tzinfo=dt.UTC)) == "03.12.2026 kl. 06:30"
    assert datetime_no(dt.datetime(2026, 7, 1, 4, 30, tzinfo=dt.UTC)) == "01.07.2026 kl. 06:30"
    assert datetime_no(dt.datetime(2026, 12, 3, 5, 30)) == "03.12.2026 kl. 06:30"  # naive = stored UTC
    assert datetime_no("2026-12-03T05:30:00+00:00") == "03.12.2026 kl. 06:30"
    assert datetime_no(None) == ""


def test_a_datetime_late_in_the_utc_day_is_the_next_oslo_day():
    assert date_no(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "01.01.2027"
    assert date_no(dt.date(2026, 5, 17)) == "17.05.2026" and date_no("2026-05-17") == "17.05.2026"


def test_numbers_have_a_decimal_comma_and_a_space_between_thousands():
    assert number_no(40.0) == "40" and number_no(11.25) == "11,25" and number_no(96.5) == "96,5"
    assert number_no(1234567) == "1\u00a0234\u00a0567" and number_no(0.333333) == "0,33"
    assert number_no(2.5, 1) == "2,5" and number_no(3, 1) == "3,0" and number_no(None) == ""
    assert number_input(37.5) == "37,5" and number_input(1234.5) == "1234,5"  # a form value reads back


def test_shares_ranges_and_counted_nouns():
    assert percent_no(0.256) == "26\u00a0%" and percent_no(1) == "100\u00a0%" and percent_no(None) == ""
    assert range_no(100, 100, "%") == "100\u00a0%"  # never "100–100 %"
    assert range_no(50, 80, "%") == "50–80\u00a0%"
    assert plural_no(1, "endring", "endringer") == "1 endring"
    assert (
        plural_no(2, "endring", "endringer") == "2 endringer"
        and plural_no(0, "endring", "endringer") == "0 endringer"
    )
    assert plural_no(1000, "endring", "endringer") == "1\u00a0000 endringer"


def test_months_for_tables_and_chart_axes():
    assert month_no("2026-01") == "januar 2026" and month_no(dt.date(2026, 5, 17)) == "mai 2026"
    labels = month_axis_labels(["2025-11", "2025-12", "2026-01", "2026-02"])
    assert labels == ["nov.\n2025", "des.", "jan.\n2026", "feb."]
