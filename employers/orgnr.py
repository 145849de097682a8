"""Organisasjonsnummer: nine digits whose last is a mod-11 check digit (weights 3 2 7 6 5 4 3 2)."""

from __future__ import annotations

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


def check_digit(first8: str) -> int | None:
    """None when no valid check digit exists (remainder 1): such numbers are never issued."""
    total = sum(int(d) * w for d, w in zip(first8, WEIGHTS, strict=True))
    rest = total % 11
    if rest == 0:
        return 0
    if rest == 1:
        return None
    return 11 - rest


def orgnr_error(value: str | None) -> str | None:
    """A Norwegian message naming what is wrong, or None when the number is valid."""
    digits = (value or "").replace(" ", "")
    if not digits:
        return "Organisasjonsnummer må fylles ut."
    if not digits.isdigit() or len(digits) != 9:
        return "Organisasjonsnummer må være ni sifre."
    expected = check_digit(digits[:8])
    if expected is None or expected != int(digits[8]):
        return f"Organisasjonsnummeret {digits} er ugyldig: kontrollsifferet stemmer ikke (modulus 11)."
    return None


def is_valid(value: str | None) -> bool:
    return orgnr_error(value) is None


def normalise(value: str) -> str:
    return (value or "").replace(" ", "")


def complete(first8: str) -> str | None:
    """Append the check digit (used by demo data and tests to make valid numbers)."""
    cd = check_digit(first8)
    return None if cd is None else first8 + str(cd)
