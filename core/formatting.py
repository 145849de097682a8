"""Dates, times and numbers as a Norwegian reader expects them, through Babel (nb_NO): Europe/Oslo wall-clock time,
dd.mm.åååå, decimal comma, a space between thousands, bokmål plurals.

The database keeps UTC; everything a person reads (pages, notifications, e-mail) goes through these functions,
so a schedule "kl. 06.30" and its next run "06:30" are the same clock."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = "nb_NO"
_NB = Locale.parse(LOCALE)


def to_oslo(value: dt.datetime) -> dt.datetime:
    """A stored time in Oslo's wall clock (a naive value is UTC, as the database keeps it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(OSLO)


def today_in_oslo(now: dt.datetime | None = None) -> dt.date:
    """Today's calendar day in Norway (00.30 Oslo time is already tomorrow while UTC still says today); `now` is
    an aware time (or naive UTC), for the jobs that carry their own clock."""
    return to_oslo(now).date() if now is not None else dt.datetime.now(OSLO).date()


def date_no(value: dt.date | dt.datetime | str | None) -> str:
    """dd.mm.åååå; a datetime is first moved to Oslo time (23:30 UTC on the 31st is the 1st in Oslo)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value)
    if isinstance(value, dt.datetime):
        value = to_oslo(value).date()
    return format_date(value, "dd.MM.yyyy", locale=LOCALE)


def datetime_no(value: dt.datetime | str | None) -> str:
    """dd.mm.åååå kl. HH:MM in Oslo time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return format_datetime(to_oslo(value), "dd.MM.yyyy 'kl.' HH:mm", tzinfo=OSLO, locale=LOCALE)


def number_no(value: float | int | str | None, decimals: int | None = None) -> str:
    """A number as bokmål writes it: decimal comma, a (non-breaking) space between thousands ("1 234,5").

    `decimals` fixes the number of decimals; without it at most two are shown and trailing zeros dropped, so
    40.0 is "40" and 11.25 is "11,25"."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimals is None:
        return format_decimal(number, "#,##0.##", locale=LOCALE)
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(number, pattern, locale=LOCALE, decimal_quantization=True)


def number_input(value: float | int | str | None) -> str:
    """A number put back into a text field for editing: decimal comma, no thousands separator (the forms read
    "37,5" and "37.5" alike, and a grouping space would not read back)."""
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(str(value)), "0.##", locale=LOCALE)


def percent_no(share: float | None, decimals: int = 0) -> str:
    """A share (0.25) as a percentage the bokmål way: "25 %" (a space before the sign; Babel's nb_NO pattern)."""
    if share is None:
        return ""
    return format_percent(
        share, "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%", locale=LOCALE
    )


def range_no(low: float | None, high: float | None, unit: str = "") -> str:
    """ "50–80 %", or "100 %" when both ends are the same (never "100–100 %")."""
    suffix = f"\u00a0{unit}" if unit else ""
    if low is None and high is None:
        return ""
    if low is None or high is None or low == high:
        return f"{number_no(low if low is not None else high)}{suffix}"
    return f"{number_no(low)}–{number_no(high)}{suffix}"


def plural_no(count: int, one: str, other: str) -> str:
    """ "1 endring", "2 endringer": the noun by bokmål's plural rule (CLDR through Babel), the count formatted."""
    form = _NB.plural_form(abs(count))
    return f"{number_no(count)} {one if form == 'one' else other}"


def _month(value: dt.date | str) -> dt.date:
    return dt.date.fromisoformat(value + "-01") if isinstance(value, str) else value


def month_no(value: dt.date | str | None) -> str:
    """A month as a heading or table cell: "januar 2026" (a "2026-01" key or a date)."""
    if value is None or value == "":
        return ""
    return format_date(_month(value), "LLLL yyyy", locale=LOCALE)


def month_axis_labels(values: Sequence[dt.date | str]) -> list[str]:
    """Chart axis labels for consecutive months: Babel's abbreviation ("jan.", "feb."), the year on a second line
    under the first month and under each January, so the labels stay short enough to stand apart."""
    out = []
    for i, value in enumerate(values):
        day = _month(value)
        short = format_date(day, "MMM", locale=LOCALE)
        out.append(f"{short}\n{day.year}" if i == 0 or day.month == 1 else short)
    return out
