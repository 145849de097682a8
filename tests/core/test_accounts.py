import datetime as dt

import pytest
from sqlalchemy import select

from core import accounts
from core.audit import SecurityEvent
from core.errors import AuthenticationFailed, Conflict, ValidationFailed
from core.models import ApiToken, User, UserSession, utcnow
from core.settings import Settings
from tests.factories import PASSWORD, make_office, make_user

SETTINGS = Settings(login_free_failures=3, login_delay_cap_seconds=30)


def test_office_number_must_be_four_digits(db):
    with pytest.raises(ValidationFailed) as exc:
        accounts.create_office(db, number="12a4", name="NAV X")
    assert exc.value.field == "number"
    make_office(db, number="4321")
    with pytest.raises(Conflict):
        accounts.create_office(db, number="4321", name="NAV Y")


def test_staff_need_an_office_and_roles_are_checked(db):
    with pytest.raises(ValidationFailed) as exc:
        accounts.create_user(db, email="a@b.no", name="A", role="jobbspesialist", password=PASSWORD)
    assert exc.value.field == "office"
    with pytest.raises(ValidationFailed) as exc:
        accounts.create_user(db, email="a@b.no", name="A", role="sjef", password=PASSWORD)
    assert exc.value.field == "role"
    with pytest.raises(ValidationFailed) as exc:
        accounts.create_user(db, email="ikke-epost", name="A", role="admin", password=PASSWORD)
    assert exc.value.field == "email"


def test_password_is_never_stored_in_clear(db):
    user = make_user(db, "admin")
    row = db.execute(select(User.password_hash).where(User.id == user.id)).scalar_one()
    assert PASSWORD not in row and row.startswith("$argon2")


def test_authenticate_right_and_wrong(db):
    user = make_user(db, "admin")
    assert (
        accounts.authenticate(db, email=user.email.upper(), password=PASSWORD, slow_down=False).id == user.id
    )
    with pytest.raises(AuthenticationFailed) as wrong:
        accounts.authenticate(db, email=user.email, password="feil-passord-1234", slow_down=False)
    with pytest.raises(AuthenticationFailed) as unknown:
        accounts.authenticate(db, email="finnes.ikke@test.no", password="feil-passord-1234", slow_down=False)
    assert wrong.value.message == unknown.value.message  # no user enumeration
    events = db.scalars(select(SecurityEvent).where(SecurityEvent.event == "login_failed")).all()
    assert len(events) == 2
    assert all(PASSWORD not in (e.detail or "") and "feil-passord" not in (e.detail or "") for e in events)


def test_delay_after_repeated_failures_holds_even_with_right_password(db):
    """Inside the delay even the right password waits (429 with the time left); the delay is never a lock."""
    user = make_user(db, "admin")
    now = utcnow()  # one moment for every attempt: hashing time on a busy machine must not run the delay out
    for _ in range(SETTINGS.login_free_failures + 1):
        with pytest.raises(AuthenticationFailed):
            accounts.authenticate(
                db,
                email=user.email,
                password="feil-passord-1234",
                settings=SETTINGS,
                slow_down=False,
                now=now,
            )
    with pytest.raises(AuthenticationFailed) as waiting:
        accounts.authenticate(
            db, email=user.email, password=PASSWORD, settings=SETTINGS, slow_down=False, now=now
        )
    assert waiting.value.status_code == 429 and 1 <= waiting.value.retry_after <= 30


def test_deactivated_user_cannot_log_in_and_loses_sessions_and_tokens(db):
    admin = make_user(db, "admin")
    user = make_user(db, "markedskontakt")
    cookie = accounts.start_session(db, user=user, ip=None, user_agent=None)
    token = accounts.issue_token(db, user=user)
    assert accounts.resolve_session(db, cookie) is not None
    accounts.set_active(db, actor=admin, user=user, active=False)
    db.flush()
    assert accounts.resolve_session(db, cookie) is None
    assert accounts.resolve_token(db, token) is None
    with pytest.raises(AuthenticationFailed):
        accounts.authenticate(db, email=user.email, password=PASSWORD, slow_down=False)


def test_session_idle_and_absolute_limits(db):
    user = make_user(db, "admin")
    cookie = accounts.start_session(db, user=user, ip=None, user_agent=None)
    row = db.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.last_seen_at -= dt.timedelta(minutes=31)
    db.flush()
    assert accounts.resolve_session(db, cookie) is None  # idle > 30 min

    cookie = accounts.start_session(db, user=user, ip=None, user_agent=None)
    row = db.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    ).one()
    row.expires_at = accounts.utcnow() - dt.timedelta(seconds=1)  # absolute 12 h passed
    db.flush()
    assert accounts.resolve_session(db, cookie) is None


def test_session_cookie_value_is_stored_only_as_hash(db):
    user = make_user(db, "admin")
    cookie = accounts.start_session(db, user=user, ip=None, user_agent=None)
    hashes = db.scalars(select(UserSession.token_hash)).all()
    assert cookie not in hashes


def test_api_tokens_hashed_and_revocable(db):
    user = make_user(db, "admin")
    token = accounts.issue_token(db, user=user, name="x")
    stored = db.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    resolved = accounts.resolve_token(db, token)
    assert resolved is not None and resolved.id == user.id
    row = db.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    accounts.revoke_token(db, actor=user, token_id=row.id)
    db.flush()
    assert accounts.resolve_token(db, token) is None


def test_change_password_ends_other_sessions(db):
    user = make_user(db, "admin")
    keep = accounts.start_session(db, user=user, ip=None, user_agent=None)
    other = accounts.start_session(db, user=user, ip=None, user_agent=None)
    keep_info = accounts.resolve_session(db, keep)
    assert keep_info is not None
    with pytest.raises(ValidationFailed) as exc:
        accounts.change_password(
            db, user=user, current="feil", new="nytt-og-langt-passord", keep_session_id=None
        )
    assert exc.value.field == "current_password"
    accounts.change_password(
        db, user=user, current=PASSWORD, new="nytt-og-langt-passord", keep_session_id=keep_info.session.id
    )
    db.flush()
    assert accounts.resolve_session(db, keep) is not None
    assert accounts.resolve_session(db, other) is None


def test_a_password_checked_against_an_older_hash_is_checked_again(db):
    user = make_user(db, "jobbspesialist")
    old_hash = user.password_hash
    accounts.change_password(
        db, user=user, current=PASSWORD, new="et-helt-nytt-passord-42", keep_session_id=None
    )
    with pytest.raises(AuthenticationFailed):  # the old password was right for the hash read before
        accounts.authenticate(
            db,
            email=user.email,
            password=PASSWORD,
            slow_down=False,
            password_ok=True,
            password_checked_hash=old_hash,
        )
    assert (
        accounts.authenticate(
            db,
            email=user.email,
            password="et-helt-nytt-passord-42",
            slow_down=False,
            password_ok=False,
            password_checked_hash=old_hash,
        ).id
        == user.id
    )
