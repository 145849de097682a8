"""Offices, users, login sessions and API tokens: the rules of who may sign in, and for how long."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from hmac import compare_digest

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from core import audit, reference
from core.errors import AuthenticationFailed, Conflict, Forbidden, NotFound, ValidationFailed
from core.models import ROLES, ApiToken, LoginThrottle, Office, User, UserSession, utcnow
from core.roles import EMPLOYMENT_LABELS, EMPLOYMENTS, NAV_STAFF, OFFICE_STAFF, Employment
from core.security import (
    check_password_policy,
    hash_password,
    needs_rehash,
    new_token,
    token_hash,
    verify_password,
)
from core.settings import Settings, get_settings

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LOGIN_FAILED_MESSAGE = "Feil e-post eller passord."


# --- offices -------------------------------------------------------------------------------------------


def create_office(session: Session, *, number: str, name: str, municipalities: Sequence[str] = ()) -> Office:
    number = (number or "").strip()
    if not (number.isdigit() and len(number) == 4):
        raise ValidationFailed("Enhetsnummeret må være fire sifre.", field="number")
    if not (name or "").strip():
        raise ValidationFailed("Kontoret må ha et navn.", field="name")
    codes = [c.strip() for c in municipalities if c.strip()]
    for c in codes:
        if not (c.isdigit() and len(c) == 4):
            raise ValidationFailed(f"Kommunenummer må være fire sifre: {c!r}.", field="municipalities")
    # an older code of a municipality (0502) is stored as today's (3407), each place once
    codes = list(
        dict.fromkeys(
            reference.clean_municipality_code(session, c, field="municipalities") or c for c in codes
        )
    )
    if session.scalar(select(Office).where(Office.number == number)):
        raise Conflict(f"Kontoret {number} finnes allerede.", field="number")
    office = Office(number=number, name=name.strip(), municipalities=codes)
    session.add(office)
    session.flush()
    return office


def get_office_by_number(session: Session, number: str) -> Office:
    office = session.scalar(select(Office).where(Office.number == (number or "").strip()))
    if office is None:
        raise NotFound(f"Fant ikke NAV-kontor {number}.")
    return office


def list_offices(session: Session) -> Sequence[Office]:
    return session.scalars(select(Office).order_by(Office.number)).all()


# --- users ---------------------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def create_user(
    session: Session,
    *,
    email: str,
    name: str,
    role: str,
    password: str,
    office: Office | None = None,
    employment: str | None = None,
) -> User:
    """Employer users are bound to employers by the employers service, not here (core knows no employers).
    `employment`: state or municipal employee (`core.roles.Employment`, any case), for NAV staff only; staff
    default to the state."""
    email = normalise_email(email)
    if not EMAIL_RE.match(email):
        raise ValidationFailed("Ugyldig e-postadresse.", field="email")
    if not (name or "").strip():
        raise ValidationFailed("Navn må fylles ut.", field="name")
    if role not in ROLES:
        raise ValidationFailed(f"Ukjent rolle {role!r}; gyldige er {', '.join(ROLES)}.", field="role")
    if role in OFFICE_STAFF and office is None:
        raise ValidationFailed("Ansatte må høre til et NAV-kontor (--office).", field="office")
    if role == "arbeidsgiver" and office is not None:
        raise ValidationFailed("En arbeidsgiverbruker hører ikke til et NAV-kontor.", field="office")
    employment = clean_employment(employment, role=role)
    check_password_policy(password, email=email)
    if session.scalar(select(User.id).where(User.email == email)):
        raise Conflict(f"Det finnes allerede en bruker med e-post {email}.", field="email")
    user = User(
        email=email,
        name=name.strip(),
        role=role,
        employment=employment,
        office_id=office.id if office else None,
        office=office,
        password_hash=hash_password(password),
    )
    session.add(user)
    session.flush()
    return user


def clean_employment(value: str | None, *, role: str) -> str | None:
    """NAV staff are employed by the state (the default) or the municipality; employer users by neither."""
    value = (value or "").strip().upper()
    if role not in NAV_STAFF:
        if value:
            raise ValidationFailed("Bare NAV-ansatte er ansatt i staten eller kommunen.", field="employment")
        return None
    if not value:
        return Employment.STAT.value
    if value not in EMPLOYMENTS:
        raise ValidationFailed(
            f"Velg ansatt i staten eller kommunen ({', '.join(EMPLOYMENT_LABELS.values())}).",
            field="employment",
        )
    return value


def set_employment(session: Session, *, actor: User, user: User, employment: str) -> None:
    """The admin records whether a member of staff is employed by the state or the municipality (what they may
    read of a person's journal follows it)."""
    if actor.role != "admin":
        raise Forbidden()
    if not (employment or "").strip():
        raise ValidationFailed("Velg ansatt i staten eller kommunen.", field="employment")
    cleaned = clean_employment(employment, role=user.role)
    assert cleaned is not None  # clean_employment refuses a value for non-staff and gives staff one
    user.employment = cleaned
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="user",
        subject_id=user.id,
        purpose=f"ansettelse: {cleaned.lower()}",
    )


def get_user_by_email(session: Session, email: str) -> User:
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"Fant ingen bruker med e-post {normalise_email(email)}.")
    return user


def list_users(session: Session) -> Sequence[User]:
    return session.scalars(select(User).order_by(User.role, User.email)).all()


def set_active(session: Session, *, actor: User, user: User, active: bool) -> None:
    if actor.role != "admin":
        raise Forbidden()
    user.is_active = active
    if not active:
        end_all_sessions(session, user=user)
        revoke_all_tokens(session, user=user)
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type="user",
        subject_id=user.id,
        purpose="aktivert" if active else "deaktivert",
    )


def change_password(
    session: Session, *, user: User, current: str, new: str, keep_session_id: int | None
) -> None:
    """Other sessions end when the password changes: a stolen session should not outlive the change."""
    if not verify_password(user.password_hash, current):
        raise ValidationFailed("Nåværende passord er feil.", field="current_password")
    check_password_policy(new, email=user.email, field="new_password")
    if verify_password(user.password_hash, new):
        raise ValidationFailed("Det nye passordet må være forskjellig fra det gamle.", field="new_password")
    user.password_hash = hash_password(new)
    user.password_changed_at = utcnow()
    end_all_sessions(session, user=user, except_id=keep_session_id)


# --- login throttling ----------------------------------------------------------------------------------
#
# A progressive delay, never a lock: each failure moves "not before" (the row's `locked_until`) further out, by a
# delay that doubles and is capped, so an attacker is slowed to a few guesses a minute while the owner, at worst,
# waits the cap and signs in. An attempt inside the delay is answered at once (no password check, no server
# thread asleep) and does not count, so hammering cannot push the delay further. Failures are counted per account
# (e-mail, also unknown ones; the second factor per user) and per client IP.


def throttle_delay(failures: int, *, free: int, cap: float, base: float = 1.0) -> float:
    """Seconds to wait after `failures` failures in a row: none for the first `free`, then base, 2·base, 4·base …
    up to `cap` (the owner is never kept out longer than the cap)."""
    if failures <= free:
        return 0.0
    return float(min(base * 2 ** min(failures - free - 1, 62), cap))


def _rule(key: str, settings: Settings) -> tuple[int, float]:
    if key.startswith("ip:"):
        return settings.login_ip_free_failures, float(settings.login_ip_delay_cap_seconds)
    return settings.login_free_failures, float(settings.login_delay_cap_seconds)


def _throttle_keys(email: str, ip: str | None) -> list[str]:
    keys = [f"email:{normalise_email(email)}"]
    if ip:
        keys.append(f"ip:{ip}")
    return keys


def wait_seconds(session: Session, keys: list[str], now: dt.datetime | None = None) -> float:
    """How long before another attempt on these keys is considered (0: go ahead)."""
    now = now or utcnow()
    rows = session.scalars(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    return max([(r.locked_until - now).total_seconds() for r in rows if r.locked_until] + [0.0])


def _register_failure(session: Session, keys: list[str], now: dt.datetime, settings: Settings) -> int:
    worst = 0
    window = dt.timedelta(minutes=settings.login_failure_window_minutes)
    for key in keys:
        row = session.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0)
            session.add(row)
        if row.last_failure_at is not None and now - row.last_failure_at > window:
            row.failures = 0  # an old run of failures is forgotten
        row.failures += 1
        row.last_failure_at = now
        free, cap = _rule(key, settings)
        delay = throttle_delay(row.failures, free=free, cap=cap)
        row.locked_until = now + dt.timedelta(seconds=delay) if delay else None
        worst = max(worst, row.failures)
    session.flush()
    return worst


def _waiting(seconds: float) -> AuthenticationFailed:
    wait = max(1, math.ceil(seconds))
    failed = AuthenticationFailed(
        f"For mange mislykkede forsøk. Vent {wait} sekunder og prøv igjen (ventetiden øker ved hvert nytt feil "
        "forsøk, men du blir aldri sperret ute)."
    )
    failed.retry_after = wait
    failed.status_code = 429
    return failed


def check_not_locked(session: Session, *, key: str, ip: str | None = None) -> None:
    """For further steps of a login (the second factor): refused while the key's (or the IP's) delay runs."""
    keys = [key] + ([f"ip:{ip}"] if ip else [])
    wait = wait_seconds(session, keys)
    if wait > 0:
        raise _waiting(wait)


def register_failure(
    session: Session,
    *,
    key: str,
    settings: Settings | None = None,
    ip: str | None = None,
    email: str | None = None,
) -> int:
    keys = [key] + ([f"ip:{ip}"] if ip else [])
    failures = _register_failure(session, keys, utcnow(), settings or get_settings())
    audit.security_event(
        session,
        event_name="login_failed",
        email=email,
        ip=ip,
        path="/login/totp",
        detail=f"tofaktor, forsøk {failures}",
    )
    return failures


def _clear_failures(session: Session, email: str) -> None:
    row = session.get(LoginThrottle, f"email:{normalise_email(email)}")
    if row is not None:
        session.delete(row)


def clear_totp_failures(session: Session, *, user: User) -> None:
    row = session.get(LoginThrottle, f"totp:{user.id}")
    if row is not None:
        session.delete(row)


def throttled(session: Session, *, now: dt.datetime | None = None) -> Sequence[LoginThrottle]:
    """Keys whose delay is running now, longest first (the admin's users page lists them)."""
    now = now or utcnow()
    return session.scalars(
        select(LoginThrottle)
        .where(LoginThrottle.locked_until > now)
        .order_by(LoginThrottle.locked_until.desc())
    ).all()


def lift_delay(session: Session, *, actor: User, key: str, ip: str | None = None) -> None:
    """An admin lifts a delay (an account, a second factor or an IP): the count starts again; security-logged."""
    if actor.role != "admin":
        raise Forbidden("Bare administratoren kan oppheve en forsinkelse.")
    row = session.get(LoginThrottle, key)
    if row is None:
        raise NotFound("Fant ingen forsinkelse for dette.")
    session.delete(row)
    audit.security_event(
        session, event_name="throttle_lifted", actor=actor, ip=ip, path="/admin/brukere", detail=key[:200]
    )
    session.flush()


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    ip: str | None = None,
    settings: Settings | None = None,
    slow_down: bool = True,
    password_ok: bool | None = None,
    password_checked_hash: str | None = None,
    now: dt.datetime | None = None,
) -> User:
    """The same message whether the user is unknown or the password wrong; inside a running delay (see
    `throttle_delay`) a 429 with `retry_after`, the same for known and unknown accounts.

    `password_ok`/`password_checked_hash`: the result of `check_password`, done before this transaction began
    (Argon2 takes ~50 ms; on SQLite no one else may write meanwhile). `slow_down` is kept for callers: nobody
    sleeps any more (a sleeping thread per guess was itself a way to tie the server up). `now`: the moment of the
    attempt (tests give one, so a delay is asserted on the clock it was computed from, not on how long hashing took)."""
    settings = settings or get_settings()
    now = now or utcnow()
    keys = _throttle_keys(email, ip)
    wait = wait_seconds(session, keys, now)
    if wait > 0:  # inside the delay: answered at once, not counted (hammering cannot push the delay further)
        raise _waiting(wait)
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if password_ok is None:
        password_ok = verify_password(user.password_hash if user else None, password)
    elif user is not None and not compare_digest(password_checked_hash or "", user.password_hash or ""):
        password_ok = verify_password(user.password_hash, password)  # the hash changed since it was checked
    if not password_ok or user is None or not user.is_active:
        failures = _register_failure(session, keys, now, settings)
        audit.security_event(
            session,
            event_name="login_failed",
            email=normalise_email(email)[:254],
            ip=ip,
            path="/login",
            detail=f"forsøk {failures}",
        )
        failed = AuthenticationFailed(LOGIN_FAILED_MESSAGE)
        failed.retry_after = math.ceil(wait_seconds(session, keys, now))
        raise failed
    _clear_failures(session, email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = now
    return user


def check_password(factory: sessionmaker[Session], *, email: str, password: str) -> tuple[bool, str | None]:
    """Verifies the password outside any transaction: the hash is read in a short session of its own, then
    Argon2 runs with no lock held. Returns (ok, the hash that was checked); unknown users cost the same time."""
    with factory() as session:
        stored = session.scalar(select(User.password_hash).where(User.email == normalise_email(email)))
        session.rollback()
    return verify_password(stored, password), stored


# --- sessions ------------------------------------------------------------------------------------------


@dataclass
class SessionInfo:
    user: User
    session: UserSession


def start_session(
    session: Session, *, user: User, ip: str | None, user_agent: str | None, settings: Settings | None = None
) -> str:
    """A fresh random id at every login (never reuse a pre-login id); returns the cookie value."""
    settings = settings or get_settings()
    token = new_token()
    now = utcnow()
    session.add(
        UserSession(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + dt.timedelta(hours=settings.session_absolute_hours),
            ip=ip,
            user_agent=(user_agent or "")[:300],
        )
    )
    session.flush()
    return token


# Built once: these run on every request, and a statement object reused keeps its cache key (SQLAlchemy would
# otherwise build the statement and compute the key anew each time). The session or token and its user (with the
# office, joined by the relationship) come in one query.
_SESSION_QUERY = (
    select(UserSession, User)
    .join(User, User.id == UserSession.user_id)
    .where(UserSession.token_hash == bindparam("token_hash"))
)
_TOKEN_QUERY = (
    select(ApiToken, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"))
)


def resolve_session(
    session: Session, token: str | None, settings: Settings | None = None
) -> SessionInfo | None:
    """Idle (30 min) and absolute (12 h) limits are checked here, on every request."""
    if not token:
        return None
    settings = settings or get_settings()
    found = session.execute(_SESSION_QUERY, {"token_hash": token_hash(token)}).first()
    now = utcnow()
    if found is None or found[0].ended_at is not None:
        return None
    row, user = found
    idle_limit = row.last_seen_at + dt.timedelta(minutes=settings.session_idle_minutes)
    if now >= row.expires_at or now >= idle_limit:
        row.ended_at = now
        return None
    if not user.is_active:
        row.ended_at = now
        return None
    if (now - row.last_seen_at).total_seconds() > 30:
        row.last_seen_at = now
    return SessionInfo(user=user, session=row)


def end_session(session: Session, token: str | None) -> None:
    if not token:
        return
    session.execute(
        update(UserSession)
        .where(UserSession.token_hash == token_hash(token), UserSession.ended_at.is_(None))
        .values(ended_at=utcnow())
    )


def end_all_sessions(session: Session, *, user: User, except_id: int | None = None) -> None:
    stmt = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if except_id is not None:
        stmt = stmt.where(UserSession.id != except_id)
    session.execute(stmt.values(ended_at=utcnow()))


# --- API tokens ----------------------------------------------------------------------------------------

TOKEN_PREFIX = "abt_"


def issue_token(session: Session, *, user: User, name: str = "") -> str:
    if not user.is_active:
        raise ValidationFailed("Brukeren er deaktivert.", field="email")
    token = TOKEN_PREFIX + new_token()
    session.add(ApiToken(user_id=user.id, token_hash=token_hash(token), prefix=token[:10], name=name))
    session.flush()
    return token


def resolve_token(session: Session, token: str | None) -> User | None:
    if not token:
        return None
    found = session.execute(_TOKEN_QUERY, {"token_hash": token_hash(token)}).first()
    if found is None or found[0].revoked_at is not None:
        return None
    row, user = found
    if not user.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or (now - row.last_used_at).total_seconds() > 60:
        row.last_used_at = now
    return user


def list_tokens(session: Session, *, user: User) -> Sequence[ApiToken]:
    return session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)).all()


def revoke_token(session: Session, *, actor: User, token_id: int) -> None:
    row = session.get(ApiToken, token_id)
    if row is None or (row.user_id != actor.id and actor.role != "admin"):
        raise NotFound("Fant ikke nøkkelen.")
    if row.revoked_at is None:
        row.revoked_at = utcnow()


def revoke_all_tokens(session: Session, *, user: User) -> None:
    session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
