"""Annotated field types for the JSON API's input models: the rules JSON Schema can state (lengths, patterns,
formats), written once, so the OpenAPI document says what the services accept and pydantic refuses the rest
with a 422 naming the field before a service runs. A rule with a parameter is the metadata of an annotation:
`Annotated[str, f.text(300)]` (a type the type checker reads; the rule is pydantic's). The services keep their own checks for the pages and
imports; a type here is never looser than they are (tests/web/test_api_fuzz.py sends what the document allows)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import BeforeValidator, Field, StrictBool
from pydantic.fields import FieldInfo

SPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""Python's white space (`str.isspace`, what `strip()` removes and `re`'s `\\s` matches) written out: JSON
Schema's `\\s` and Rust's (pydantic's) are not the same set."""
NOT_BLANK = f"[^{SPACE}]"
"""Some character that is not white space: a required text the services strip before they check it."""


def text(max_length: int, description: str | None = None) -> FieldInfo:
    """Free text of at most `max_length` characters (may be empty): `Annotated[str, text(n)]`."""
    return Field(max_length=max_length, description=description)


def required_text(max_length: int, description: str | None = None) -> FieldInfo:
    """Text that must say something: at most `max_length` characters, not only white space
    (`Annotated[str, required_text(n)]`)."""
    return Field(min_length=1, max_length=max_length, pattern=NOT_BLANK, description=description)


def _number(value: Any) -> Any:
    """A number comes as a JSON number, as the document says: pydantic would otherwise read "5" or true as 5."""
    if isinstance(value, str | bool):
        raise ValueError("Må være et tall.")
    return value


Int = Annotated[int, BeforeValidator(_number)]
"""A whole number (5 or 5.0, which JSON Schema calls an integer too; not "5", 5.5 or true)."""


def _checked_number(info: FieldInfo) -> FieldInfo:
    """The range, then the JSON-number check (in this order, so the document states the range as
    minimum/maximum), as one piece of metadata."""
    info.metadata.append(BeforeValidator(_number))
    return info


def integer(minimum: int, maximum: int, description: str | None = None) -> FieldInfo:
    """A whole number in a range: `Annotated[int, integer(1, 100)]`."""
    return _checked_number(Field(ge=minimum, le=maximum, description=description))


def _iso_text(value: Any) -> Any:
    """A date comes as text (ÅÅÅÅ-MM-DD), as the document says: pydantic would otherwise read a number as a
    Unix time."""
    if isinstance(value, dt.date) or (isinstance(value, str) and len(value.strip()) == 10):
        return value
    raise ValueError("må være en dato (ÅÅÅÅ-MM-DD)")


Date = Annotated[dt.date, BeforeValidator(_iso_text)]


def any_case(values: tuple[str, ...], description: str | None = None) -> FieldInfo:
    """One of `values` in upper or lower case (the services upper-case it), e.g. driving licence classes
    (`Annotated[str, any_case(values)]`)."""

    def letters(value: str) -> str:
        return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in value)

    pattern = "^(" + "|".join(letters(v) for v in sorted(values, key=len, reverse=True)) + ")$"
    return Field(pattern=pattern, description=description)


def number(
    *, ge: float | None = None, gt: float | None = None, le: float, description: str | None = None
) -> FieldInfo:
    """A number in a range (a JSON number: not "5", true, NaN or infinity): `Annotated[float, number(le=1)]`."""
    return _checked_number(Field(ge=ge, gt=gt, le=le, allow_inf_nan=False, description=description))


Code4 = Annotated[str, Field(pattern=r"^[0-9]{4}$", description="Fire sifre.")]
Email = Annotated[
    str,
    Field(
        max_length=254,
        json_schema_extra={"format": "email"},
        description="En e-postadresse som kan brukes (ikke et reservert domene som .test eller .local).",
    ),
]
"""An e-mail address: the services check it with email_validator (web.api.rules.EMAIL states the rule)."""
Bool = StrictBool
Id = Annotated[int, integer(1, 2_147_483_647)]
