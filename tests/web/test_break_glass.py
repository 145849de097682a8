"""Break the glass (issue 14, item 4): the admin manages users, offices and logs; reading a person's record needs a
recorded reason. Without one: refused. With one: allowed, flagged in the security log and shown to the person's
office (its dashboard, and the record's innsyn). The admin still changes no health or benefit data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from candidates import access as candidates_access
from candidates.models import BreakGlass
from core.audit import AuditEntry, SecurityEvent
from tests.factories import api_headers, csrf_from, login, make_candidate, make_office, make_user
from tests.visible_text import marked_required

REASON = "Klage fra personen på behandlingen, sak 2026/4711"


@pytest.fixture
def world(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    admin = make_user(db, "admin")
    candidate = make_candidate(db, office, actor=js)
    db.flush()
    return {"js": js, "mk": mk, "admin": admin, "candidate": candidate}


def test_admin_read_without_a_reason_is_refused(client, db, world):
    cid = world["candidate"].id
    h = api_headers(db, world["admin"])
    r = client.get(f"/api/v1/candidates/{cid}", headers=h)
    assert r.status_code == 403 and r.json()["field"] == "reason"
    assert world["candidate"].last_name not in r.text
    assert client.get(f"/api/v1/candidates/{cid}/export", headers=h).status_code == 403
    login(client, world["admin"])
    for path in ("", "/cv", "/innsyn", "/innsyn.json", "/jobbforslag"):
        page = client.get(f"/kandidater/{cid}{path}")
        assert page.status_code == 403, path
        assert "Begrunnelse for innsyn" in page.text and world["candidate"].last_name not in page.text, path
        assert marked_required(page.text, "f-reason"), path
    refusals = db.scalars(select(SecurityEvent).where(SecurityEvent.event == "reason_required")).all()
    assert refusals


def test_a_too_short_reason_is_refused_naming_the_field(client, db, world):
    cid = world["candidate"].id
    h = api_headers(db, world["admin"])
    r = client.post(f"/api/v1/candidates/{cid}/break-glass", headers=h, json={"reason": "fordi"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    login(client, world["admin"])
    token = csrf_from(client, "/")
    page = client.post(f"/kandidater/{cid}/begrunnelse", data={"reason": "x", "csrf_token": token})
    assert page.status_code == 422 and "minst 10 tegn" in page.text
    assert db.scalars(select(BreakGlass)).all() == []


def test_admin_read_with_a_reason_is_allowed_and_flagged(client, db, world):
    cid = world["candidate"].id
    login(client, world["admin"])
    token = csrf_from(client, "/")
    r = client.post(
        f"/kandidater/{cid}/begrunnelse",
        data={"reason": REASON, "next": f"/kandidater/{cid}/cv", "csrf_token": token},
    )
    assert r.status_code == 303 and r.headers["location"] == f"/kandidater/{cid}/cv"
    page = client.get(f"/kandidater/{cid}/cv")
    assert page.status_code == 200 and world["candidate"].last_name in page.text
    # flagged in the security log, with the reason
    flagged = db.scalars(select(SecurityEvent).where(SecurityEvent.event == "break_glass")).all()
    assert len(flagged) == 1 and REASON[:40] in (flagged[0].detail or "")
    # the reads carry the reason in the audit log
    reads = db.scalars(
        select(AuditEntry).where(
            AuditEntry.subject_id == str(cid),
            AuditEntry.actor_id == world["admin"].id,
            AuditEntry.action == "read",
        )
    ).all()
    assert reads and all("begrunnelse" in e.purpose or "begrunnet" in e.purpose for e in reads)
    # the API is open to the admin for this person now, and the admin still changes no health or benefit data
    h = api_headers(db, world["admin"])
    assert client.get(f"/api/v1/candidates/{cid}", headers=h).status_code == 200
    r = client.put(
        f"/api/v1/candidates/{cid}/situation", headers=h, json={"innsatsgruppe": "STANDARD_INNSATS"}
    )
    assert r.status_code in (403, 404)


def test_the_office_sees_the_admins_reason(client, anon_client, db, world):
    cid = world["candidate"].id
    candidates_access.break_glass(db, actor=world["admin"], candidate_id=cid, reason=REASON)
    db.flush()
    login(client, world["mk"])
    dashboard = client.get("/")
    assert "Begrunnet innsyn fra administrator" in dashboard.text and REASON in dashboard.text
    login(anon_client, world["js"])
    innsyn = anon_client.get(f"/kandidater/{cid}/innsyn")
    assert innsyn.status_code == 200 and "begrunnet innsyn (administrator)" in innsyn.text
    other_office = make_user(db, "markedskontakt", office=make_office(db))
    db.flush()
    assert REASON not in [g.reason for g in candidates_access.break_glass_for_office(db, actor=other_office)]


def test_a_reason_lasts_a_while_and_covers_one_person(client, db, world):
    cid = world["candidate"].id
    other = make_candidate(db, world["js"].office, actor=world["js"])
    grant = candidates_access.break_glass(db, actor=world["admin"], candidate_id=cid, reason=REASON)
    db.flush()
    h = api_headers(db, world["admin"])
    assert client.get(f"/api/v1/candidates/{cid}", headers=h).status_code == 200
    assert client.get(f"/api/v1/candidates/{other.id}", headers=h).status_code == 403
    grant.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    db.flush()
    assert client.get(f"/api/v1/candidates/{cid}", headers=h).status_code == 403


def test_only_the_admin_breaks_the_glass(client, db, world):
    h = api_headers(db, world["js"])
    r = client.post(
        f"/api/v1/candidates/{world['candidate'].id}/break-glass", headers=h, json={"reason": REASON}
    )
    assert r.status_code == 403
    assert client.get(f"/api/v1/candidates/{world['candidate'].id}", headers=h).status_code == 200
