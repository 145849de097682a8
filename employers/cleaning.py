"""Input cleaning shared by pages, API, imports and demo: raw values in (form strings or JSON values), typed values
out, and every problem collected as a ValidationFailed naming its field, so a form can show all errors at once."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from core.cleaning import DateBounds, check_date
from core.errors import ValidationFailed

_SPLIT = re.compile(r"[,;\n]")


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class Cleaner:
    """Reads fields from `data`; `only_present` (partial updates) skips fields the caller did not send."""

    def __init__(self, data: Mapping[str, Any], *, only_present: bool = False) -> None:
        self.data = data
        self.only_present = only_present
        self.errors: list[dict[str, str]] = []
        self.out: dict[str, Any] = {}

    def error(self, field: str, message: str) -> None:
        if not any(e["field"] == field for e in self.errors):
            self.errors.append({"field": field, "message": message})

    def has(self, name: str) -> bool:
        return name in self.data

    def _skip(self, name: str) -> bool:
        return self.only_present and name not in self.data

    def text(
        self, name: str, label: str, *, required: bool = False, max_len: int = 300, keep_empty: bool = False
    ) -> None:
        if self._skip(name):
            return
        raw = self.data.get(name)
        value = "" if raw is None else str(raw).strip()
        if not value and required:
            self.error(name, f"{label} må fylles ut.")
            return
        if len(value) > max_len:
            self.error(name, f"{label} kan være høyst {max_len} tegn.")
            return
        self.out[name] = value if (value or keep_empty) else None

    def integer(
        self,
        name: str,
        label: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
        default: int | None = None,
    ) -> None:
        if self._skip(name):
            return
        raw = self.data.get(name)
        if _blank(raw):
            if required and default is None:
                self.error(name, f"{label} må fylles ut.")
            else:
                self.out[name] = default
            return
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = int(str(raw).strip().rstrip("%").strip()) if not isinstance(raw, int) else raw
        except ValueError:
            self.error(name, f"{label} må være et helt tall.")
            return
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.error(name, f"{label} må være mellom {minimum} og {maximum}.")
        elif minimum is not None and value < minimum:
            self.error(name, f"{label} må være minst {minimum}.")
        elif maximum is not None and value > maximum:
            self.error(name, f"{label} kan være høyst {maximum}.")
        else:
            self.out[name] = value

    def number(self, name: str, label: str, *, minimum: float, maximum: float) -> None:
        if self._skip(name):
            return
        raw = self.data.get(name)
        if _blank(raw):
            self.out[name] = None
            return
        try:
            value = float(str(raw).replace(",", ".").strip())
        except ValueError:
            self.error(name, f"{label} må være et tall.")
            return
        if not minimum < value <= maximum:
            self.error(name, f"{label} må være over {minimum:g} og høyst {maximum:g}.")
            return
        self.out[name] = value

    def date(
        self,
        name: str,
        label: str,
        *,
        required: bool = False,
        bounds: DateBounds | None = None,
        unchanged: dt.date | None = None,
    ) -> None:
        """A date; with `bounds`, within that field's plausible range (`unchanged`: the stored value, which an
        edit of other fields may send back as it is)."""
        if self._skip(name):
            return
        raw = self.data.get(name)
        if _blank(raw):
            if required:
                self.error(name, f"{label} må fylles ut (ÅÅÅÅ-MM-DD).")
            else:
                self.out[name] = None
            return
        value = _parse_date(raw)
        if value is None:
            self.error(name, f"{label}: ugyldig dato {str(raw).strip()!r}, skriv ÅÅÅÅ-MM-DD.")
            return
        message = check_date(value, bounds, label) if bounds is not None and value != unchanged else None
        if message:
            self.error(name, message)
        else:
            self.out[name] = value

    def choice(
        self,
        name: str,
        label: str,
        options: Iterable[str],
        *,
        default: str | None = None,
        required: bool = False,
    ) -> None:
        if self._skip(name):
            return
        raw = self.data.get(name)
        options = tuple(options)
        if _blank(raw):
            if required and default is None:
                self.error(name, f"{label} må velges.")
            else:
                self.out[name] = default
            return
        value = str(raw).strip()
        if value not in options:
            self.error(name, f"Ukjent {label.lower()} {value!r}; gyldige er {', '.join(options)}.")
            return
        self.out[name] = value

    def choices(self, name: str, label: str, options: Iterable[str]) -> None:
        if self._skip(name):
            return
        options = tuple(options)
        values = as_list(self.data.get(name))
        bad = [v for v in values if v not in options]
        if bad:
            self.error(name, f"Ukjent {label.lower()}: {', '.join(bad)}; gyldige er {', '.join(options)}.")
            return
        self.out[name] = [o for o in options if o in values]

    def flag(self, name: str) -> None:
        if self._skip(name):
            return
        self.out[name] = as_bool(self.data.get(name))

    def check(self) -> dict[str, Any]:
        if self.errors:
            first = self.errors[0]
            raise ValidationFailed(first["message"], field=first["field"], errors=self.errors)
        return self.out


def _parse_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(value[:10], fmt).date()
        except ValueError:
            continue
    return None


def as_list(raw: Any) -> list[str]:
    """A list from a JSON list, a repeated form field, or a comma-separated string."""
    if _blank(raw):
        return []
    if isinstance(raw, str):
        items: Iterable[Any] = _SPLIT.split(raw)
    elif isinstance(raw, Iterable):
        items = raw
    else:
        items = [raw]
    seen: list[str] = []
    for item in items:
        text = str(item).strip()
        if text and text not in seen:
            seen.append(text)
    return seen


def as_bool(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    return str(raw or "").strip().lower() in ("1", "true", "on", "ja", "yes")
