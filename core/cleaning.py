"""Input rules that every domain's cleaner shares: text that is valid Unicode, documents that are not nested past
reason, and dates within plausible bounds per field. The domains' cleaners (candidates.validation,
employers.cleaning, followup) and the web layer's JSON and form readers call these, so each rule has one home."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from core.errors import ValidationFailed

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
    today = today or dt.date.today()
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
