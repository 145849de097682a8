"""Date arithmetic for plans and reports: calendar months that are correct across month ends."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's last day (31 Jan + 1 month = 28/29 Feb)."""
    index = day.month - 1 + months
    year = day.year + index // 12
    month = index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_in(date_from: dt.date, date_to: dt.date) -> list[dt.date]:
    """First days of the calendar months from date_from's month to date_to's month, inclusive."""
    out = []
    cur = month_start(date_from)
    while cur <= date_to:
        out.append(cur)
        cur = add_months(cur, 1)
    return out


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    return start, add_months(start, 3) - dt.timedelta(days=1)


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def overlap_days(a_from: dt.date, a_to: dt.date | None, b_from: dt.date, b_to: dt.date) -> int:
    """Days two periods share, both ends inclusive; an open end runs to b_to."""
    start = max(a_from, b_from)
    end = min(a_to or b_to, b_to)
    return max(0, (end - start).days + 1)
