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
    assert page.status_code == 200 and f"Kandidat {candidate.id}" in page.text
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


def _audit_rows(page_text: str) -> list[str]:
    body = page_text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [row for row in body.split("<tr>") if row.strip()]


def test_audit_search_by_person_name_or_number_with_norwegian_labels(client, db):
    admin = make_user(db, "admin")
    office = make_office(db)
    staff = make_user(db, "jobbspesialist", office=office)
    seen = make_candidate(db, office, first_name="Solveig", last_name="Haugland")
    other = make_candidate(db, office, first_name="Per", last_name="Olsen")
    login(client, staff)
    assert client.get(f"/kandidater/{seen.id}").status_code == 200
    assert client.get(f"/kandidater/{other.id}").status_code == 200
    client.cookies.clear()
    login(client, admin)
    page = client.get("/admin/revisjonslogg", params={"person": "haugland"})
    assert page.status_code == 200
    rows = _audit_rows(page.text)
    assert rows and all(f"Kandidat {seen.id}" in row for row in rows)
    assert not any(f"Kandidat {other.id}" in row for row in rows)
    read_by_staff = [row for row in rows if staff.email in row]
    assert read_by_staff and "Lest" in read_by_staff[0] and "Jobbspesialist" in read_by_staff[0]
    assert "Solveig Haugland" in page.text
    by_number = client.get("/admin/revisjonslogg", params={"person": str(other.id)})
    rows = _audit_rows(by_number.text)
    assert rows and all(f"Kandidat {other.id}" in row for row in rows)
    none = client.get("/admin/revisjonslogg", params={"person": "finnesikke"})
    assert "Fant ingen person" in none.text and "Ingen treff." in none.text
    # The admin's own lookup by name is a read of those people, and is logged.
    assert db.scalar(
        select(AuditEntry).where(
            AuditEntry.actor_id == admin.id,
            AuditEntry.subject_id == str(seen.id),
            AuditEntry.purpose.like("revisjon:%"),
        )
    )
    csv_ = client.get("/admin/revisjonslogg", params={"person": "haugland", "format": "csv"})
    assert (
        csv_.status_code == 200
        and f"candidate,{seen.id}" in csv_.text
        and f"candidate,{other.id}" not in csv_.text
    )


def test_audit_search_by_user_name(client, db):
    admin = make_user(db, "admin")
    office = make_office(db)
    staff = make_user(db, "markedskontakt", office=office)
    staff.name = "Torstein Bakkevig"
    candidate = make_candidate(db, office)
    db.flush()
    login(client, staff)
    assert client.get(f"/kandidater/{candidate.id}").status_code == 200
    client.cookies.clear()
    login(client, admin)
    rows = _audit_rows(client.get("/admin/revisjonslogg", params={"actor": "bakkevig"}).text)
    assert rows and all(staff.email in row for row in rows)
    reads = [row for row in rows if f"Kandidat {candidate.id}" in row]
    assert reads and "markedsarbeid:" in reads[0] and "oppfølging" not in reads[0]


def test_security_log_search_by_user_with_norwegian_labels(client, db):
    admin = make_user(db, "admin")
    victim = make_user(db, "jobbspesialist")
    bystander = make_user(db, "jobbspesialist")
    for who in (victim, bystander):
        r = client.post(
            "/login", data={"csrf_token": csrf_from(client), "email": who.email, "password": "feil passord"}
        )
        assert r.status_code in (200, 303, 401, 422)
    client.cookies.clear()
    login(client, admin)
    page = client.get("/admin/sikkerhetslogg", params={"bruker": victim.email})
    assert page.status_code == 200
    rows = _audit_rows(page.text)
    assert rows and all(victim.email in row for row in rows)
    assert "Mislykket innlogging" in rows[0] and "login_failed" not in "".join(rows)
    only_denied = client.get("/admin/sikkerhetslogg", params={"hendelse": "access_denied"})
    assert "Mislykket innlogging" not in "".join(_audit_rows(only_denied.text))
