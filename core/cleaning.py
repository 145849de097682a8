"""Input cleaning for every domain: the one `Cleaner` (raw values in — form strings or JSON values —, typed values
out, every problem collected with its field so a form shows all its errors at once and the API answers
422 [{field, message}]), text that is valid Unicode, documents that are not nested past reason, and dates within
plausible bounds per field. Candidates, employers, follow-up, the importers and the web layer's readers all use
these, so each rule has one home."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from core.errors import ValidationFailed
from core.formatting import today_in_oslo

INVALID_TEXT = "{label} inneholder tegn som ikke er gyldig tekst (ugyldig Unicode). Skriv teksten på nytt."
MAX_DEPTH = 32  # JSON nesting a document of ours never needs more than a fraction of


def invalid_text(value: str) -> bool:
    """True for a string no database can store as text: a lone surrogate (such as "\\udcff", which JSON can
    escape but UTF-8 cannot encode) or a NUL character (PostgreSQL refuses it)."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def bounded_text(value: object, *, field: str, label: str, max_len: int) -> str:
    """A free-text field, stripped, refused when longer than its column holds: never cut short in silence (the
    person would lose the end of what they wrote without knowing)."""
    text = "" if value is None else str(value).strip()
    if len(text) > max_len:
        raise ValidationFailed(f"{label} kan være høyst {max_len} tegn (nå {len(text)}).", field=field)
    return text


def _join(path: str, key: object, brackets: bool) -> str:
    if brackets and isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def find_invalid_text(value: Any, path: str = "", *, brackets: bool = False) -> str | None:
    """The path of the first key or string in a JSON-like value that is not valid text, or None. Paths are named
    as the 422 answers name fields ("work.0.position"), or with `brackets` as the importers do ("work[0].position").
    Callers check `too_deep` first (this one recurses)."""
    if isinstance(value, str):
        return path if invalid_text(value) else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str) and invalid_text(key):
                return path or "(nøkkel)"
            found = find_invalid_text(item, _join(path, key, brackets), brackets=brackets)
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = find_invalid_text(item, _join(path, i, brackets), brackets=brackets)
            if found is not None:
                return found
    return None


def too_deep(value: Any, limit: int = MAX_DEPTH, *, brackets: bool = False) -> str | None:
    """The path where a JSON-like value nests deeper than `limit` levels, or None; iterative, so a document
    nested a hundred thousand levels costs no recursion."""
    stack: list[tuple[Any, str, int]] = [(value, "", 0)]
    while stack:
        item, path, depth = stack.pop()
        if not isinstance(item, Mapping | list | tuple):
            continue
        if depth >= limit:
            return path or "$"
        children = item.items() if isinstance(item, Mapping) else enumerate(item)
        for key, child in children:
            if isinstance(child, Mapping | list | tuple):
                stack.append((child, _join(path, key, brackets), depth + 1))
    return None


def check_document(document: Any) -> None:
    """An imported JSON document's shape before any field is read: nesting within MAX_DEPTH and every text valid
    Unicode; a ValidationFailed naming the path otherwise."""
    deep = too_deep(document, brackets=True)
    if deep is not None:
        raise ValidationFailed(f"{deep}: dokumentet er nestet dypere enn {MAX_DEPTH} nivåer.", field=deep)
    bad = find_invalid_text(document, brackets=True)
    if bad is not None:
        raise ValidationFailed(INVALID_TEXT.format(label=bad), field=bad)


def load_json(text: str, *, field: str = "$") -> Any:
    """A JSON file's content, or a ValidationFailed with a one-line reason (not valid JSON; nested so deep that
    the parser gives up, which was a RecursionError and "Uventet feil")."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationFailed(f"Filen er ikke gyldig JSON: {exc}", field=field) from exc
    except RecursionError as exc:
        raise ValidationFailed(
            f"Filen er nestet for dypt til å leses (langt over {MAX_DEPTH} nivåer).", field=field
        ) from exc


def json_depth(text: str | bytes) -> int:
    """How deep a JSON text nests, read from its brackets outside strings, before it is parsed (Python's json
    module recurses and fails with RecursionError on a deep enough document)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    depth = deepest = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return deepest


# --- dates within plausible bounds -------------------------------------------------------------------------


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class DateBounds:
    """The plausible range of one kind of date, relative to today, and how to say it when a date falls outside."""

    earliest: Callable[[dt.date], dt.date]
    latest: Callable[[dt.date], dt.date]
    too_early: str  # "{label} ... {earliest}" in bokmål
    too_late: str


def _fmt(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


def check_date(value: dt.date, bounds: DateBounds, label: str, *, today: dt.date | None = None) -> str | None:
    """The message for a date outside its bounds, or None. The one check every cleaner uses for a bounded date."""
    today = today or today_in_oslo()
    earliest, latest = bounds.earliest(today), bounds.latest(today)
    if value < earliest:
        return bounds.too_early.format(label=label, earliest=_fmt(earliest), latest=_fmt(latest))
    if value > latest:
        return bounds.too_late.format(label=label, earliest=_fmt(earliest), latest=_fmt(latest))
    return None


# A person of working age for our services: 15 to 80 years old today.
BIRTH_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 81) + dt.timedelta(days=1),
    latest=lambda t: _years_before(t, 15),
    too_early="{label} gir en alder over 80 år; skriv en fødselsdato etter {earliest}.",
    too_late="{label} gir en alder under 15 år; skriv en fødselsdato før {latest}.",
)
# When an opening's work starts: not years back, not absurdly far ahead.
OPENING_START = DateBounds(
    earliest=lambda t: _years_before(t, 1),
    latest=lambda t: _years_before(t, -3),
    too_early="{label} kan ikke være mer enn ett år tilbake i tid (tidligst {earliest}).",
    too_late="{label} kan ikke være mer enn tre år fram i tid (senest {latest}).",
)
# An application deadline: near the present.
DEADLINE = DateBounds(
    earliest=lambda t: _years_before(t, 1),
    latest=lambda t: _years_before(t, -2),
    too_early="{label} kan ikke være mer enn ett år tilbake i tid (tidligst {earliest}).",
    too_late="{label} kan ikke være mer enn to år fram i tid (senest {latest}).",
)
# A date in an imported ad (pam-ad, JobPosting): the source's record, so an archive's old ads keep their dates;
# only the absurd (1899, 9999) is refused.
IMPORTED_AD_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 30),
    latest=lambda t: _years_before(t, -5),
    too_early="{label} kan ikke være før {earliest}.",
    too_late="{label} kan ikke være mer enn fem år fram i tid (senest {latest}).",
)
# When a person's data is erased (slettedato): near the present; a typo like 1800 would erase at the next run, and
# 9999 would keep the data for ever.
RETENTION_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 1),
    latest=lambda t: _years_before(t, -12),
    too_early="{label} kan ikke være mer enn ett år tilbake i tid (tidligst {earliest}).",
    too_late="{label} kan ikke være mer enn tolv år fram i tid (senest {latest}).",
)
# A programme, benefit or follow-up that a person has or had: within a working life, not decades ahead.
PROGRAMME_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 50),
    latest=lambda t: _years_before(t, -5),
    too_early="{label} kan ikke være før {earliest}.",
    too_late="{label} kan ikke være mer enn fem år fram i tid (senest {latest}).",
)
# A decision already made (vedtaksdato): in the past, within a working life.
DECISION_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 50),
    latest=lambda t: t,
    too_early="{label} kan ikke være før {earliest}.",
    too_late="{label} kan ikke være fram i tid.",
)
# Something that happened in a person's working life (a job, a course): the past, within 65 years.
CAREER_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 65),
    latest=lambda t: _years_before(t, -5),
    too_early="{label} kan ikke være før {earliest}.",
    too_late="{label} kan ikke være mer enn fem år fram i tid (senest {latest}).",
)
# An event logged in the follow-up (a contact, a phase, a placement): recent, not far ahead.
EVENT_DATE = DateBounds(
    earliest=lambda t: _years_before(t, 20),
    latest=lambda t: _years_before(t, -2),
    too_early="{label} kan ikke være før {earliest}.",
    too_late="{label} kan ikke være mer enn to år fram i tid (senest {latest}).",
)


# --- the cleaner ---------------------------------------------------------------------------------------------

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


def parse_date(raw: Any) -> dt.date | None:
    """A date from a date, a datetime, "ÅÅÅÅ-MM-DD" or "DD.MM.ÅÅÅÅ"; None when it is none of those."""
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
    """A list from a JSON list, a repeated form field, or a comma-separated string; blanks and repeats dropped."""
    if blank(raw):
        return []
    items: Iterable[Any] = (
        _SPLIT.split(raw) if isinstance(raw, str) else raw if isinstance(raw, Iterable) else [raw]
    )
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


class Cleaner:
    """Reads fields from `data` into `out`, collecting every error; `done()` raises them all as one
    ValidationFailed. With `partial` the fields the caller did not send are left alone (partial updates);
    `prefix` goes before each field name in the errors (two forms on one page)."""

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

    def has(self, name: str) -> bool:
        return name in self.data

    def skip(self, name: str) -> bool:
        return self.partial and name not in self.data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def _empty(self, name: str, *, required: str | bool = False, default: Any = None) -> bool:
        """True when the field was left empty: then `default` is its value or, for a required field without a
        default, `required` (the message) is its error."""
        if not blank(self.data.get(name)):
            return False
        if required and default is None:
            self.error(name, str(required))
        else:
            self.out[name] = default
        return True

    def text(self, name: str, label: str, *, required: bool = False, max_len: int = 300) -> None:
        """Stripped text; empty is ""."""
        if self.skip(name):
            return
        raw = self.data.get(name)
        if raw is not None and (isinstance(raw, bool) or not isinstance(raw, str | int | float)):
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

    def optional_text(self, name: str, label: str, *, required: bool = False, max_len: int = 300) -> None:
        """As `text`, with empty as None."""
        self.text(name, label, required=required, max_len=max_len)
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
        default: int | None = None,
        message: str | None = None,
    ) -> None:
        """A whole number ("40 %" reads as 40); `message` replaces every message about a bad value."""
        if self.skip(name) or self._empty(
            name, required=required and (message or f"{label} må fylles ut."), default=default
        ):
            return
        raw = self.data.get(name)
        try:
            if isinstance(raw, bool | float):
                raise ValueError
            value = raw if isinstance(raw, int) else int(str(raw).strip().rstrip("%").strip())
        except ValueError:
            self.error(name, message or f"{label} må være et helt tall.")
            return
        if minimum is not None and maximum is not None and not minimum <= value <= maximum:
            self.error(name, message or f"{label} må være mellom {minimum} og {maximum}.")
        elif minimum is not None and value < minimum:
            self.error(name, message or f"{label} må være minst {minimum}.")
        elif maximum is not None and value > maximum:
            self.error(name, message or f"{label} kan være høyst {maximum}.")
        else:
            self.out[name] = value

    def number(
        self, name: str, label: str, *, minimum: float = 0, maximum: float = 1e9, above: bool = False
    ) -> None:
        """A decimal number (comma or point) from `minimum` (`above`: over it) up to `maximum`."""
        if self.skip(name) or self._empty(name):
            return
        raw = self.data.get(name)
        try:
            if isinstance(raw, bool):
                raise ValueError
            value = float(str(raw).replace(",", ".").strip())
        except ValueError:
            self.error(name, f"{label} må være et tall.")
            return
        if above and not minimum < value <= maximum:
            self.error(name, f"{label} må være over {minimum:g} og høyst {maximum:g}.")
        elif not minimum <= value <= maximum:
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
        if self.skip(name) or self._empty(name, required=required and f"{label} må fylles ut (ÅÅÅÅ-MM-DD)."):
            return
        raw = self.data.get(name)
        value = parse_date(raw)
        if value is None:
            self.error(name, f"Ugyldig dato for {label.lower()}: «{str(raw).strip()}». Skriv ÅÅÅÅ-MM-DD.")
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
        options: Iterable[Any],
        *,
        required: bool = False,
        default: Any = None,
        message: str | None = None,
    ) -> None:
        """One of `options` (compared as text); `message` replaces the messages for a missing or unknown one."""
        if self.skip(name) or self._empty(
            name, required=required and (message or f"{label} må velges."), default=default
        ):
            return
        value = str(self.data.get(name)).strip()
        if value not in {str(o) for o in options}:
            self.error(name, message or f"Ukjent verdi for {label.lower()}: {value!r}.")
        else:
            self.out[name] = value

    def multi(
        self, name: str, label: str, options: Iterable[str] | None = None, *, upper: bool = False
    ) -> None:
        """A list from a JSON array, repeated form fields or a comma-separated string; repeats removed."""
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

    def choices(self, name: str, label: str, options: Iterable[str]) -> None:
        """As `multi` with fixed options, kept in the options' order."""
        options = tuple(options)
        self.multi(name, label, options)
        if isinstance(self.out.get(name), list):
            self.out[name] = [o for o in options if o in self.out[name]]

    def flag(self, name: str) -> None:
        if not self.skip(name):
            self.out[name] = as_bool(self.data.get(name))

    def email(self, name: str, label: str = "E-post") -> None:
        if self.skip(name) or self._empty(name):
            return
        raw = self.data.get(name)
        normalised = check_email(str(raw).strip()) if isinstance(raw, str) else None
        if normalised is None:
            self.error(name, f"{label} er ikke en gyldig e-postadresse.")
        else:
            self.out[name] = normalised

    def phone(self, name: str, label: str = "Telefon") -> None:
        if self.skip(name) or self._empty(name):
            return
        raw = self.data.get(name)
        value = str(raw).strip()
        if not PHONE_RE.match(value):
            self.error(name, f"{label} kan bare inneholde sifre, mellomrom og +.")
        else:
            self.out[name] = value

    def code4(self, name: str, label: str) -> None:
        """A four-digit code (postal code, municipality number)."""
        if self.skip(name) or self._empty(name):
            return
        raw = self.data.get(name)
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
