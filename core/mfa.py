"""Second factor (TOTP, RFC 6238) for staff: required for admins, offered to everyone (ASVS 2.8)."""

from __future__ import annotations

import datetime as dt

import pyotp
from sqlalchemy.orm import Session

from core.errors import ValidationFailed
from core.models import User

ISSUER = "Arbeidsbro"
INTERVAL = 30


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def grouped(secret: str) -> str:
    """For typing by hand into an authenticator app."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def required_for(user: User, *, require_admin: bool) -> bool:
    return user.totp_secret is not None or (require_admin and user.role == "admin")


def _matching_step(secret: str, code: str) -> int | None:
    """The time step the code belongs to (one step of clock drift allowed either way), or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now_step = totp.timecode(dt.datetime.now())
    for step in (now_step, now_step - 1, now_step + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def verify(session: Session, *, user: User, code: str, secret: str | None = None) -> None:
    """A code is accepted once: a replayed code within its 30 seconds is refused (ASVS 2.8.4)."""
    secret = secret or user.totp_secret
    if not secret:
        raise ValidationFailed("Tofaktor er ikke satt opp for denne brukeren.", field="code")
    step = _matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        raise ValidationFailed(
            "Koden er feil eller allerede brukt. Vent på neste kode og prøv igjen.", field="code"
        )
    user.totp_last_step = step
    if user.totp_secret != secret:
        user.totp_secret = secret


def disable(session: Session, *, user: User, require_admin: bool) -> None:
    if user.role == "admin" and require_admin:
        raise ValidationFailed("Administratorer må ha tofaktor.", field="code")
    user.totp_secret = None
    user.totp_last_step = None
