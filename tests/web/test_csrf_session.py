"""CSRF (issue 14, item 6): the token is bound to the server-side session (synchronizer token). The check accepts
the hidden field or the htmx header, but only the session's own token: a cookie-and-field pair an attacker
chooses, or a token from another session, is refused."""

from __future__ import annotations

from tests.factories import csrf_from, login, make_user

TARGET = "/varsler/lest"  # a harmless state-changing page route every signed-in user may post to


def test_own_token_accepted_in_field_and_header(client, db):
    login(client, make_user(db, "markedskontakt"))
    token = csrf_from(client, "/")
    assert client.post(TARGET, data={"csrf_token": token}).status_code == 303
    assert client.post(TARGET, headers={"x-csrf-token": token}).status_code == 303


def test_token_from_another_session_is_refused(client, anon_client, db):
    victim, attacker = make_user(db, "markedskontakt"), make_user(db, "markedskontakt")
    login(client, victim)
    other = anon_client  # a second browser
    login(other, attacker)
    attackers_token = csrf_from(other, "/")
    assert other.post(TARGET, data={"csrf_token": attackers_token}).status_code == 303  # valid in its session
    assert client.post(TARGET, data={"csrf_token": attackers_token}).status_code == 403
    assert client.post(TARGET, headers={"x-csrf-token": attackers_token}).status_code == 403
    # the same user's earlier session: a new login is a new session, and the old token no longer matches
    old = csrf_from(client, "/")
    assert client.post("/logout", data={"csrf_token": old}).status_code == 303
    login(client, victim)
    assert client.post(TARGET, data={"csrf_token": old}).status_code == 403
    assert client.post(TARGET, data={"csrf_token": csrf_from(client, "/")}).status_code == 303


def test_a_pair_the_attacker_chooses_is_refused(client, db):
    login(client, make_user(db, "markedskontakt"))
    client.cookies.set("ab_csrf", "angriperens-verdi")
    r = client.post(TARGET, data={"csrf_token": "angriperens-verdi"})
    assert r.status_code == 403
    r = client.post(TARGET, headers={"x-csrf-token": "angriperens-verdi"})
    assert r.status_code == 403
    assert client.post(TARGET).status_code == 403  # no token at all


def test_login_form_refuses_a_made_up_pair(client, db):
    user = make_user(db, "markedskontakt")
    client.cookies.set("ab_csrf", "valgt-av-angriper")
    r = client.post(
        "/login",
        data={"email": user.email, "password": "x" * 12, "csrf_token": "valgt-av-angriper", "next": "/"},
    )
    assert r.status_code == 403
