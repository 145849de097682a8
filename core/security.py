"""Password hashing (Argon2), password policy and random tokens stored only as hashes."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core.errors import ValidationFailed

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 128
# Hash of a throw-away password, verified against when the user does not exist, so timing says nothing.
_DUMMY_HASH = _hasher.hash("ikke-et-ekte-passord-brukes-for-jevn-tid")


@lru_cache
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    words = (line.strip().lower() for line in path.read_text(encoding="utf-8").splitlines())
    return frozenset(w for w in words if w and not w.startswith("#"))


def check_password_policy(password: str, *, email: str | None = None, field: str = "password") -> None:
    """ASVS 2.1: length 12–128, any characters, no common or obviously derived passwords."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passordet må ha minst {MIN_PASSWORD_LENGTH} tegn.", field=field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationFailed(f"Passordet kan ha høyst {MAX_PASSWORD_LENGTH} tegn.", field=field)
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        raise ValidationFailed("Passordet er for vanlig og lett å gjette. Velg et annet.", field=field)
    if email and lowered in {email.lower(), email.split("@")[0].lower()}:
        raise ValidationFailed("Passordet kan ikke være det samme som e-postadressen.", field=field)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """Session ids and API tokens are high-entropy, so a plain SHA-256 is enough to keep them unusable at rest."""
    return hashlib.sha256(token.encode()).hexdigest()


def constant_time_equals(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def _in(address: str, networks: Sequence[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    for net in networks:
        try:
            if ip in ipaddress.ip_network(net.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: Sequence[str]) -> str | None:
    """The client's address for throttling and logs. X-Forwarded-For is believed only when the peer is a
    configured proxy, and then read from the right: the first address that is not itself a trusted proxy (the
    left part is whatever the client wrote). From any other peer the header is ignored."""
    if peer is None or not forwarded_for or not _in(peer, trusted_proxies):
        return peer
    hops = [h.strip() for h in forwarded_for.split(",") if h.strip()]
    for hop in reversed(hops):
        if not _in(hop, trusted_proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a malformed hop: do not let it name the client
    return peer
