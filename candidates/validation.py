"""Input cleaning for the candidate use cases: raw values in (form strings or JSON values), typed values out, every
problem collected with the field it belongs to, so a form shows all its errors at once and the API answers
422 [{field, message}]."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from email_validator import EmailNotValidError, validate_email

from core.cleaning import DateBounds, check_date
from core.errors import ValidationFailed

_SPLIT = re.compile(r"[,;\n]")
PHONE_RE = re.compile(r"^\+?[0-9 ()\-.]{5,20}$")


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def check_email(value: str) -> str | None:
    """The normalised address, or None when it is not a valid e-mail address (no DNS look-up)."""
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


class Cleaner:
    """Reads fields from `data`; with `partial` the fields the caller did not send are left alone."""

    def __init__(self, data: Mapping[str, Any], *, partial: bool = False, prefix: str = "") -> None:
        self.data = data
        self.partial = partial
        self.prefix = prefix
        self.errors: list[dict[str, str]] = []
        self.out: dict[str, Any] = {}

    def error(self, name: str, message: str) -> None:
        field = self.prefix + name
        if not any(e["field"] == field for e in self.errors):
            self.errors.append({"field": field, "message": message})

    def skip(self, name: str) -> bool:
        return self.partial and name not in self.data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def text(self, name: str, label: str, *, required: bool = False, max_len: int = 300) -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if raw is not None and not isinstance(raw, str | int | float):
            self.error(name, f"{label} må være tekst.")
            return
        value = "" if raw is None else str(raw).strip()
        if not value and required:
            self.error(name, f"{label} må fylles ut.")
            return
        if len(value) > max_len:
            self.error(name, f"{label} kan være høyst {max_len} tegn.")
            return
        self.out[name] = value

    def optional_text(self, name: str, label: str, *, max_len: int = 300) -> None:
        self.text(name, label, max_len=max_len)
        if name in self.out and not self.out[name]:
            self.out[name] = None

    def integer(
        self,
        name: str,
        label: str,
        *,
        minimum: int | None = None,
        maximum: int | None = None,
        required: bool = False,
    ) -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            if required:
                self.error(name, f"{label} må fylles ut.")
            else:
                self.out[name] = None
            return
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = int(str(raw).strip()) if not isinstance(raw, int) else raw
        except ValueError:
            self.error(name, f"{label} må være et heltall.")
            return
        if minimum is not None and value < minimum:
            self.error(name, f"{label} kan ikke være under {minimum}.")
        elif maximum is not None and value > maximum:
            self.error(name, f"{label} kan ikke være over {maximum}.")
        else:
            self.out[name] = value

    def number(self, name: str, label: str, *, minimum: float = 0, maximum: float = 1e9) -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            self.out[name] = None
            return
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(str(raw).replace(",", ".").strip())
        except ValueError:
            self.error(name, f"{label} må være et tall.")
            return
        if not (minimum <= value <= maximum):
            self.error(name, f"{label} må være mellom {minimum:g} og {maximum:g}.")
        else:
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
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            if required:
                self.error(name, f"{label} må fylles ut.")
            else:
                self.out[name] = None
            return
        if isinstance(raw, dt.date):
            value = raw
        else:
            try:
                value = dt.date.fromisoformat(str(raw).strip())
            except ValueError:
                self.error(name, f"{label} må være en dato (ÅÅÅÅ-MM-DD).")
                return
        message = check_date(value, bounds, label) if bounds is not None and value != unchanged else None
        if message:
            self.error(name, message)
        else:
            self.out[name] = value

    def choice(
        self, name: str, label: str, options: Iterable[str], *, required: bool = False, default: Any = None
    ) -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            if required and default is None:
                self.error(name, f"{label} må velges.")
            else:
                self.out[name] = default
            return
        value = str(raw).strip()
        if value not in set(options):
            self.error(name, f"Ukjent verdi for {label.lower()}: {value!r}.")
        else:
            self.out[name] = value

    def multi(
        self, name: str, label: str, options: Iterable[str] | None = None, *, upper: bool = False
    ) -> None:
        """A list from a JSON array, repeated form fields or a comma-separated string; duplicates removed."""
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            self.out[name] = []
            return
        if isinstance(raw, str):
            items = [p.strip() for p in _SPLIT.split(raw)]
        elif isinstance(raw, list | tuple):
            items = []
            for item in raw:
                if not isinstance(item, str):
                    self.error(name, f"{label} må være en liste med tekst.")
                    return
                items.extend(p.strip() for p in _SPLIT.split(item))
        else:
            self.error(name, f"{label} må være en liste.")
            return
        values: list[str] = []
        allowed = set(options) if options is not None else None
        for item in items:
            if not item:
                continue
            item = item.upper() if upper else item
            if allowed is not None and item not in allowed:
                self.error(name, f"Ukjent verdi for {label.lower()}: {item!r}.")
                return
            if len(item) > 200:
                self.error(name, f"{label}: hver verdi kan være høyst 200 tegn.")
                return
            if item not in values:
                values.append(item)
        self.out[name] = values

    def email(self, name: str, label: str = "E-post") -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            self.out[name] = None
            return
        normalised = check_email(str(raw).strip()) if isinstance(raw, str) else None
        if normalised is None:
            self.error(name, f"{label} er ikke en gyldig e-postadresse.")
        else:
            self.out[name] = normalised

    def phone(self, name: str, label: str = "Telefon") -> None:
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            self.out[name] = None
            return
        value = str(raw).strip()
        if not PHONE_RE.match(value):
            self.error(name, f"{label} kan bare inneholde sifre, mellomrom og +.")
        else:
            self.out[name] = value

    def code4(self, name: str, label: str) -> None:
        """A four-digit code (postal code, municipality number)."""
        if self.skip(name):
            return
        raw = self.data.get(name)
        if blank(raw):
            self.out[name] = None
            return
        value = str(raw).strip()
        if not (value.isdigit() and len(value) == 4):
            self.error(name, f"{label} må være fire sifre.")
        else:
            self.out[name] = value

    def done(self) -> dict[str, Any]:
        if self.errors:
            first = self.errors[0]
            raise ValidationFailed(first["message"], field=first["field"], errors=self.errors)
        return self.out
