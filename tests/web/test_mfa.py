"""Second factor: required for admins (enrolment at first login), offered to staff, codes used once."""

import re

import pyotp
import pytest
from sqlalchemy import select

from core import mfa
from core.errors import ValidationFailed
from core.models import User, UserSession
from tests.factories import PASSWORD, SECRET_RE, csrf_from, login, make_user, totp_codes


def _password_step(client, user):
    r = client.post(
        "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_from(client)}
    )
    assert r.status_code == 303
    return r.headers["location"]


def test_admin_must_enrol_and_no_session_before_the_code(client, db):
    admin = make_user(db, "admin")
    assert _password_step(client, admin) == "/login/totp"
    assert client.get("/").status_code == 303  # not signed in yet
    assert db.scalars(select(UserSession).where(UserSession.user_id == admin.id)).all() == []
    page = client.get("/login/totp")
    shown = SECRET_RE.search(page.text)
    assert shown is not None, "enrolment shows the new secret"
    secret = shown.group(1).replace(" ", "")
    r = client.post("/login/totp", data={"code": "000000", "csrf_token": csrf_from(client, "/login/totp")})
    assert r.status_code == 401 and "Koden er feil" in r.text
    r = client.post(
        "/login/totp", data={"code": totp_codes(secret)[0], "csrf_token": csrf_from(client, "/login/totp")}
    )
    assert r.status_code == 303 and client.get("/").status_code == 200
    assert db.scalar(select(User.totp_secret).where(User.id == admin.id)) == secret


def test_a_code_is_accepted_only_once(db):
    user = make_user(db, "jobbspesialist")
    secret = mfa.new_secret()
    code = pyotp.TOTP(secret).now()
    mfa.verify(db, user=user, code=code, secret=secret)
    assert user.totp_secret == secret
    with pytest.raises(ValidationFailed, match="allerede brukt"):
        mfa.verify(db, user=user, code=code)
    with pytest.raises(ValidationFailed):
        mfa.verify(db, user=user, code="12345")


def test_pending_second_factor_cookie_cannot_be_forged(client, db):
    make_user(db, "admin")
    client.cookies.set("ab_mfa", "forfalsket", path="/login")
    r = client.get("/login/totp")
    assert r.status_code == 303 and r.headers["location"] == "/login"


def test_staff_can_turn_on_totp_from_account_page(client, db):
    user = make_user(db, "jobbspesialist")
    login(client, user)
    page = client.post("/konto/tofaktor", data={"csrf_token": csrf_from(client, "/konto")})
    shown, pending_field = (
        SECRET_RE.search(page.text),
        re.search(r'name="pending" value="([^"]+)"', page.text),
    )
    assert shown is not None and pending_field is not None, "setup shows the new secret and carries it signed"
    secret, pending = shown.group(1).replace(" ", ""), pending_field.group(1)
    r = client.post(
        "/konto/tofaktor",
        data={
            "csrf_token": csrf_from(client, "/konto"),
            "pending": pending,
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert r.status_code == 303
    client.cookies.clear()
    assert _password_step(client, user) == "/login/totp"
