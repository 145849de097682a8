"""Dates and times as a Norwegian reader expects them: Europe/Oslo wall-clock time, dd.mm.åååå, through Babel.

The database keeps UTC; everything a person reads (pages, notifications, e-mail) goes through these functions,
so a schedule "kl. 06.30" and its next run "06:30" are the same clock."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime

OSLO = ZoneInfo("Europe/Oslo")
LOCALE = "nb_NO"


def to_oslo(value: dt.datetime) -> dt.datetime:
    """A stored time in Oslo's wall clock (a naive value is UTC, as the database keeps it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(OSLO)


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
