from sqlalchemy import select

from core.audit import AuditEntry
from core.models import User
from tests.factories import PASSWORD, csrf_from, login, make_candidate, make_employer, make_office, make_user


def test_admin_creates_users_and_sees_field_errors(client, db):
    admin = make_user(db, "admin")
    office = make_office(db)
    login(client, admin)
    token = csrf_from(client, "/admin/brukere")
    r = client.post(
        "/admin/brukere",
        data={
            "csrf_token": token,
            "email": "ny@nav.no",
            "name": "Ny Person",
            "role": "jobbspesialist",
            "office": office.number,
            "password": "kort",
        },
    )
    assert r.status_code == 422 and "minst 12 tegn" in r.text and 'value="ny@nav.no"' in r.text
    r = client.post(
        "/admin/brukere",
        data={
            "csrf_token": token,
            "email": "ny@nav.no",
            "name": "Ny Person",
            "role": "jobbspesialist",
            "office": office.number,
            "password": PASSWORD,
        },
    )
    assert r.status_code == 303
    assert db.scalar(select(User).where(User.email == "ny@nav.no")).office_id == office.id


def test_employer_user_needs_valid_orgnr_and_nothing_half_written(client, db):
    admin = make_user(db, "admin")
    login(client, admin)
    token = csrf_from(client, "/admin/brukere")
    r = client.post(
        "/admin/brukere",
        data={
            "csrf_token": token,
            "email": "ag@firma.no",
            "name": "AG",
            "role": "arbeidsgiver",
            "employer": "123456789",
            "password": PASSWORD,
        },
    )
    assert r.status_code == 422 and "kontrollsifferet" in r.text
    assert db.scalar(select(User).where(User.email == "ag@firma.no")) is None
    employer = make_employer(db)
    r = client.post(
        "/admin/brukere",
        data={
            "csrf_token": token,
            "email": "ag@firma.no",
            "name": "AG",
            "role": "arbeidsgiver",
            "employer": employer.orgnr,
            "password": PASSWORD,
        },
    )
    assert r.status_code == 303


def test_deactivating_a_user_ends_their_sessions(app, client, db):
    from fastapi.testclient import TestClient

    admin = make_user(db, "admin")
    victim = make_user(db, "markedskontakt")
    with TestClient(app, follow_redirects=False) as other:
        login(other, victim)
        assert other.get("/").status_code == 200
        login(client, admin)
        client.post(
            f"/admin/brukere/{victim.id}/aktiv",
            data={"csrf_token": csrf_from(client, "/admin/brukere"), "active": "0"},
        )
        assert other.get("/").status_code == 303


def test_audit_search_and_exports(client, db):
    admin = make_user(db, "admin")
    office = make_office(db)
    staff = make_user(db, "jobbspesialist", office=office)
    candidate = make_candidate(db, office)
    login(client, staff)
    client.get(f"/kandidater/{candidate.id}")
    client.cookies.clear()
    login(client, admin)
    page = client.get("/admin/revisjonslogg", params={"actor": staff.email})
    assert page.status_code == 200 and f"candidate {candidate.id}" in page.text
    csv_ = client.get("/admin/revisjonslogg", params={"actor": staff.email, "format": "csv"})
    assert csv_.headers["content-type"].startswith("text/csv")
    assert staff.email in csv_.text and "oppfølging" in csv_.text
    cef = client.get("/admin/revisjonslogg", params={"actor": staff.email, "format": "cef"})
    line = cef.text.splitlines()[0]
    assert line.startswith("CEF:0|NAV|Arbeidsbro|") and f"suid={staff.email}" in line
    assert f"duid=candidate:{candidate.id}" in line
    exports = db.scalars(select(AuditEntry).where(AuditEntry.action == "export")).all()
    assert len(exports) == 2


def test_security_log_page(client, db):
    admin = make_user(db, "admin")
    login(client, admin)
    assert client.get("/admin/sikkerhetslogg").status_code == 200
