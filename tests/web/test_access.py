"""Who may see what: office boundaries, audit of refused reads, API authentication, CSRF on every form."""

import re

from sqlalchemy import select

from core.audit import AuditEntry, SecurityEvent
from tests.factories import api_headers, login, make_candidate, make_employer, make_office, make_user
from web.routes import iter_routes


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_office_a_cannot_read_office_b_candidate_and_attempt_is_logged(client, db):
    office_a, office_b = make_office(db), make_office(db)
    user_a = make_user(db, "jobbspesialist", office=office_a)
    other = make_candidate(db, office_b)
    own = make_candidate(db, office_a)
    db.flush()
    login(client, user_a)
    assert client.get(f"/kandidater/{own.id}").status_code == 200
    r = client.get(f"/kandidater/{other.id}")
    assert r.status_code == 404
    assert other.first_name not in r.text
    refused = db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == str(other.id), AuditEntry.actor_id == user_a.id)
    ).all()
    assert [(e.action, e.outcome) for e in refused] == [("read", "nektet")]
    assert db.scalars(
        select(SecurityEvent).where(
            SecurityEvent.event == "access_denied", SecurityEvent.subject_id == str(other.id)
        )
    ).first()
    granted = db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == str(own.id), AuditEntry.action == "read")
    ).all()
    assert len(granted) == 1 and granted[0].outcome == "ok" and granted[0].purpose


def test_office_boundary_in_the_api(client, db):
    office_a, office_b = make_office(db), make_office(db)
    user_a = make_user(db, "markedskontakt", office=office_a)
    other = make_candidate(db, office_b)
    headers = api_headers(db, user_a)
    r = client.get(f"/api/v1/candidates/{other.id}", headers=headers)
    assert r.status_code == 404
    ids = [c["id"] for c in client.get("/api/v1/candidates", headers=headers).json()]
    assert other.id not in ids
    assert db.scalars(
        select(AuditEntry).where(AuditEntry.subject_id == str(other.id), AuditEntry.outcome == "nektet")
    ).first()


def test_employer_user_cannot_reach_candidates(client, db):
    employer = make_employer(db)
    user = make_user(db, "arbeidsgiver", employer=employer)
    candidate = make_candidate(db, make_office(db))
    headers = api_headers(db, user)
    assert client.get(f"/api/v1/candidates/{candidate.id}", headers=headers).status_code in (403, 404)
    assert client.get("/api/v1/candidates", headers=headers).status_code in (403, 404)
    login(client, user)
    assert client.get(f"/kandidater/{candidate.id}").status_code in (403, 404)


def test_every_api_endpoint_answers_401_without_credentials(app, client):
    routes = [r for r in iter_routes(app) if r.path.startswith("/api/v1")]
    assert len(routes) >= 5, "API routes not found"
    for route in routes:
        path = _concrete(route.path)
        for method in route.methods:
            r = client.request(method, path)
            assert r.status_code == 401, f"{method} {route.path} answered {r.status_code} without credentials"
            assert r.headers.get("www-authenticate") == "Bearer"


def test_every_api_endpoint_refuses_a_revoked_or_bogus_token(app, client):
    for route in [r for r in iter_routes(app) if r.path.startswith("/api/v1")]:
        path = _concrete(route.path)
        for method in route.methods:
            r = client.request(method, path, headers={"Authorization": "Bearer abt_ugyldig"})
            assert r.status_code == 401, f"{method} {route.path}"


def test_every_state_changing_page_route_requires_csrf(app, client, db):
    user = make_user(db, "admin")
    login(client, user)
    posts = [
        r
        for r in iter_routes(app)
        if not r.path.startswith("/api/") and r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    ]
    assert len(posts) >= 5
    for route in posts:
        path = _concrete(route.path)
        for method in route.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            r = client.request(method, path, data={"x": "1"})
            assert r.status_code == 403, f"{method} {route.path} accepted a form without CSRF token"


def test_role_refused_for_admin_pages(client, db):
    login(client, make_user(db, "jobbspesialist"))
    r = client.get("/admin/revisjonslogg")
    assert r.status_code == 403 and "Ingen tilgang" in r.text
    assert db.scalars(select(SecurityEvent).where(SecurityEvent.event == "role_refused")).first()


def test_api_me_and_role_checks(client, db):
    user = make_user(db, "jobbspesialist")
    headers = api_headers(db, user)
    me = client.get("/api/v1/me", headers=headers).json()
    assert user.office is not None
    assert me["email"] == user.email and me["office"]["number"] == user.office.number
    assert client.get("/api/v1/audit", headers=headers).status_code == 403


def test_openapi_lists_the_api(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/me" in doc["paths"] and "/api/v1/candidates/{candidate_id}" in doc["paths"]
    assert not any(p.startswith("/admin") or p == "/login" for p in doc["paths"])
