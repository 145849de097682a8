"""Bokmål for the schema errors pydantic reports (its own texts are English): a 422 names the field and says why in
the language of everyone else's messages. The error `type` stays as pydantic gives it, for programs."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from core.formatting import number_no


def _n(value: Any) -> str:
    return number_no(value) if isinstance(value, int | float) else str(value)


def _choices(ctx: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    return f"Må være en av: {expected.replace(' or ', ' eller ')}." if expected else "Ugyldig valg."


def _too_short(ctx: Mapping[str, Any]) -> str:
    least = ctx.get("min_length", 1)
    return "Kan ikke være tomt." if least == 1 else f"Må ha minst {_n(least)} tegn."


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    "missing": lambda ctx: "Må fylles ut.",
    "string_too_long": lambda ctx: f"Kan være høyst {_n(ctx.get('max_length'))} tegn.",
    "string_too_short": _too_short,
    "string_pattern_mismatch": lambda ctx: "Har ikke riktig form.",
    "string_type": lambda ctx: "Må være tekst.",
    "string_unicode": lambda ctx: "Må være gyldig tekst (UTF-8).",
    "int_parsing": lambda ctx: "Må være et heltall.",
    "int_type": lambda ctx: "Må være et heltall.",
    "int_from_float": lambda ctx: "Må være et heltall.",
    "float_parsing": lambda ctx: "Må være et tall.",
    "float_type": lambda ctx: "Må være et tall.",
    "finite_number": lambda ctx: "Må være et endelig tall.",
    "bool_type": lambda ctx: "Må være true eller false.",
    "bool_parsing": lambda ctx: "Må være true eller false.",
    "less_than_equal": lambda ctx: f"Kan være høyst {_n(ctx.get('le'))}.",
    "less_than": lambda ctx: f"Må være under {_n(ctx.get('lt'))}.",
    "greater_than_equal": lambda ctx: f"Må være minst {_n(ctx.get('ge'))}.",
    "greater_than": lambda ctx: f"Må være over {_n(ctx.get('gt'))}.",
    "literal_error": _choices,
    "enum": _choices,
    "date_type": lambda ctx: "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_parsing": lambda ctx: "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_parsing": lambda ctx: "Må være en dato (ÅÅÅÅ-MM-DD).",
    "date_from_datetime_inexact": lambda ctx: "Må være en dato uten klokkeslett.",
    "list_type": lambda ctx: "Må være en liste.",
    "too_long": lambda ctx: f"Kan ha høyst {_n(ctx.get('max_length'))} elementer.",
    "too_short": lambda ctx: f"Må ha minst {_n(ctx.get('min_length'))} elementer.",
    "dict_type": lambda ctx: "Må være et objekt.",
    "model_type": lambda ctx: "Må være et objekt.",
    "model_attributes_type": lambda ctx: "Må være et objekt.",
    "json_invalid": lambda ctx: "Ugyldig JSON.",
    "json_type": lambda ctx: "Ugyldig JSON.",
    "extra_forbidden": lambda ctx: "Ukjent felt.",
    "union_tag_invalid": lambda ctx: "Ugyldig type.",
}


def bokmal(error: Mapping[str, Any]) -> str:
    """One pydantic error's message in bokmål; a validator's own text (already ours) without pydantic's prefix."""
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind in MESSAGES:
        return MESSAGES[kind](ctx)
    message = str(error.get("msg", ""))
    for prefix in ("Value error, ", "Assertion failed, "):
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message
