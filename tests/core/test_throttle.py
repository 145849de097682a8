"""Login throttling (issue 14, item 6): a progressive delay per account and per IP that slows an attacker without
locking the owner out; the tests read the computed delay (a function of the failures), never elapsed time."""

from __future__ import annotations

import datetime as dt

import pytest

from core import accounts
from core.errors import AuthenticationFailed, Forbidden
from core.models import LoginThrottle
from core.security import client_address
from core.settings import Settings
from tests.factories import PASSWORD, make_user

S = Settings(login_free_failures=3, login_delay_cap_seconds=30, login_ip_free_failures=20)


def test_delay_grows_with_failures_and_is_capped():
    delays = [accounts.throttle_delay(n, free=3, cap=30) for n in range(1, 12)]
    assert delays == [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30]
    assert (
        accounts.throttle_delay(10_000, free=3, cap=30) == 30
    )  # never a lock: the owner waits the cap at most


def _fail(db, email: str, ip: str | None = "198.51.100.7") -> AuthenticationFailed:
    with pytest.raises(AuthenticationFailed) as exc:
        accounts.authenticate(db, email=email, password="feil-passord-1234", ip=ip, settings=S)
    return exc.value


def _delay_running(db, key: str) -> None:
    """A delay still running (30 s left), without depending on how fast the test runs."""
    db.get(LoginThrottle, key).locked_until = accounts.utcnow() + dt.timedelta(seconds=30)
    db.flush()


def _let_the_delay_pass(db) -> None:
    """Time passing, without waiting: every running delay ends now."""
    for row in db.query(LoginThrottle).all():
        if row.locked_until is not None:
            row.locked_until = accounts.utcnow() - dt.timedelta(seconds=1)
    db.flush()


def test_account_delay_follows_the_function_and_the_owner_gets_in_after_it(db):
    user = make_user(db, "markedskontakt")
    for n in range(1, 9):
        failed = _fail(db, user.email)
        assert failed.status_code == 401
        expected = accounts.throttle_delay(n, free=3, cap=30)
        assert failed.retry_after == expected, n
        assert accounts.wait_seconds(db, [f"email:{user.email}"]) <= expected
        _let_the_delay_pass(db)
    # the attacker's 8 failures: the owner, from another address, waits out the delay and signs in
    _fail(db, user.email)
    _delay_running(db, f"email:{user.email}")
    waiting = pytest.raises(AuthenticationFailed)
    with waiting as exc:
        accounts.authenticate(db, email=user.email, password=PASSWORD, ip="192.0.2.1", settings=S)
    assert exc.value.status_code == 429 and exc.value.retry_after <= 30
    _let_the_delay_pass(db)
    assert (
        accounts.authenticate(db, email=user.email, password=PASSWORD, ip="192.0.2.1", settings=S).id
        == user.id
    )


def test_attempts_inside_the_delay_are_not_counted(db):
    email = "finnes.ikke@test.no"  # unknown accounts are throttled the same (no enumeration)
    for _ in range(4):
        _fail(db, email)
        _let_the_delay_pass(db)
    row = db.get(LoginThrottle, f"email:{email}")
    assert row.failures == 4
    _delay_running(db, f"email:{email}")
    for _ in range(20):
        assert _fail(db, email).status_code == 429
    assert row.failures == 4


def test_ip_delay_covers_many_accounts_with_more_free_failures(db):
    for n in range(20):
        _fail(db, f"spray{n}@test.no", ip="203.0.113.5")
        _let_the_delay_pass(db) if n < 19 else None
    failed = _fail(db, "spray-neste@test.no", ip="203.0.113.5")
    assert failed.status_code == 401 and failed.retry_after == 1  # the 21st failure from the address
    _delay_running(db, "ip:203.0.113.5")
    assert _fail(db, "spray-enda-en@test.no", ip="203.0.113.5").status_code == 429
    assert _fail(db, "spray-enda-en@test.no", ip="203.0.113.6").status_code == 401  # another address


def test_old_failures_are_forgotten(db):
    email = "glemt@test.no"
    for _ in range(5):
        _fail(db, email)
        _let_the_delay_pass(db)
    row = db.get(LoginThrottle, f"email:{email}")
    assert row.failures == 5
    row.last_failure_at = accounts.utcnow() - dt.timedelta(minutes=S.login_failure_window_minutes + 1)
    db.flush()
    assert _fail(db, email).retry_after == 0 and row.failures == 1


def test_second_factor_is_throttled_the_same_way(db):
    user = make_user(db, "admin")
    key = f"totp:{user.id}"
    for n in range(1, 6):
        accounts.register_failure(db, key=key, settings=S, ip="198.51.100.9", email=user.email)
        assert db.get(LoginThrottle, key).failures == n
        row = db.get(LoginThrottle, key)
        set_delay = (row.locked_until - row.last_failure_at).total_seconds() if row.locked_until else 0.0
        assert set_delay == accounts.throttle_delay(n, free=3, cap=30), n
        _let_the_delay_pass(db)
    accounts.check_not_locked(db, key=key, ip="198.51.100.9")  # delay over: the next code is considered
    _delay_running(db, key)
    with pytest.raises(AuthenticationFailed) as exc:
        accounts.check_not_locked(db, key=key, ip="198.51.100.9")
    assert exc.value.status_code == 429 and exc.value.retry_after <= 30


def test_admin_lifts_a_delay_and_only_the_admin(db):
    user = make_user(db, "markedskontakt")
    admin = make_user(db, "admin")
    for _ in range(5):
        _fail(db, user.email)
        _let_the_delay_pass(db)
    key = f"email:{user.email}"
    _delay_running(db, key)
    assert key in [t.key for t in accounts.throttled(db)]
    with pytest.raises(Forbidden):
        accounts.lift_delay(db, actor=user, key=key)
    accounts.lift_delay(db, actor=admin, key=key)
    assert accounts.wait_seconds(db, [key]) == 0
    assert (
        accounts.authenticate(db, email=user.email, password=PASSWORD, ip="192.0.2.1", settings=S).id
        == user.id
    )


@pytest.mark.parametrize(
    ("peer", "header", "trusted", "expected"),
    [
        ("198.51.100.1", "203.0.113.9", [], "198.51.100.1"),  # no proxy configured: header ignored
        ("198.51.100.1", "203.0.113.9", ["10.0.0.5"], "198.51.100.1"),  # peer is not a trusted proxy
        ("10.0.0.5", "203.0.113.9", ["10.0.0.5"], "203.0.113.9"),
        ("10.0.0.5", "1.2.3.4, 203.0.113.9", ["10.0.0.5"], "203.0.113.9"),  # the client wrote the left part
        ("10.0.0.5", "203.0.113.9, 10.1.2.3", ["10.0.0.0/8"], "203.0.113.9"),  # a chain of trusted proxies
        ("10.0.0.5", "ikke-en-adresse", ["10.0.0.5"], "10.0.0.5"),
    ],
)
def test_forwarded_for_is_believed_only_from_configured_proxies(peer, header, trusted, expected):
    assert client_address(peer, header, trusted) == expected


def test_trusted_proxies_setting_reads_a_comma_separated_list(monkeypatch):
    monkeypatch.setenv("ARBEIDSBRO_TRUSTED_PROXIES", "10.0.0.5, 10.1.0.0/16")
    assert Settings().trusted_proxies == ["10.0.0.5", "10.1.0.0/16"]
    monkeypatch.delenv("ARBEIDSBRO_TRUSTED_PROXIES")
    assert Settings().trusted_proxies == []  # default: no proxy is believed
