"""Employer API: CRUD with the services' rules (422 [{field, message}]), employer users limited to their own."""

from core.formatting import today_in_oslo
from employers import service
from employers.models import Employer
from tests.factories import api_headers, login, make_employer, make_opening, make_user, valid_orgnr


def test_employer_crud_and_orgnr_rule(client, db):
    contact = make_user(db, "markedskontakt")
    h = api_headers(db, contact)
    r = client.post("/api/v1/employers", json={"orgnr": "123456789", "name": "Feil AS"}, headers=h)
    assert r.status_code == 422
    assert (
        r.json()["detail"][0]["field"] == "orgnr" and "kontrollsifferet" in r.json()["detail"][0]["message"]
    )
    number = valid_orgnr(810001)
    r = client.post(
        "/api/v1/employers",
        json={"orgnr": number, "name": "Api Rør AS", "municipality_code": "3407", "sector": "privat"},
        headers=h,
    )
    assert r.status_code == 201, r.text
    employer_id = r.json()["id"]
    assert r.json()["responsible_user_id"] == contact.id
    assert client.post("/api/v1/employers", json={"orgnr": number, "name": "X"}, headers=h).status_code == 409
    r = client.patch(
        f"/api/v1/employers/{employer_id}", json={"status": "aktiv", "size": "5-19", "version": 1}, headers=h
    )
    assert r.status_code == 200 and r.json()["status"] == "aktiv" and r.json()["version"] == 2
    r = client.patch(f"/api/v1/employers/{employer_id}", json={"size": "kjempestor", "version": 2}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "size"
    twin = client.post(
        "/api/v1/employers",
        json={"orgnr": valid_orgnr(810002), "name": "API RØR avd. Gjøvik", "municipality_code": "3407"},
        headers=h,
    ).json()
    similar = client.get(f"/api/v1/employers/{employer_id}/similar", headers=h).json()
    assert [x["id"] for x in similar] == [twin["id"]]
    # two different valid orgnr are two organisations: never merged
    r = client.post(f"/api/v1/employers/{employer_id}/merge", json={"merge_id": twin["id"]}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "merge_id"
    db.get(Employer, twin["id"]).orgnr = "987654321"  # the twin without a valid orgnr (an old record)
    db.flush()
    # the established record with the valid orgnr is kept: merging it into the twin is refused
    r = client.post(f"/api/v1/employers/{twin['id']}/merge", json={"merge_id": employer_id}, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "merge_id"
    r = client.post(f"/api/v1/employers/{employer_id}/merge", json={"merge_id": twin["id"]}, headers=h)
    assert r.status_code == 200
    assert client.get(f"/api/v1/employers/{twin['id']}", headers=h).status_code == 404


def test_contacts_log_and_next_steps(client, db):
    contact = make_user(db, "markedskontakt")
    h = api_headers(db, contact)
    employer = make_employer(db)
    r = client.post(
        f"/api/v1/employers/{employer.id}/contact-persons",
        json={"name": "Kari Leder", "role": "Daglig leder", "phone": "+47 900 00 000"},
        headers=h,
    )
    assert r.status_code == 201
    r = client.post(
        f"/api/v1/employers/{employer.id}/contacts",
        json={"date": "2026-03-01", "type": "telefon", "summary": "Ring", "next_step": "Besøk"},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "next_step_due"
    due = today_in_oslo().isoformat()
    r = client.post(
        f"/api/v1/employers/{employer.id}/contacts",
        json={"date": due, "type": "møte", "summary": "Møte", "next_step": "Besøk", "next_step_due": due},
        headers=h,
    )
    assert r.status_code == 201, r.text
    week = client.get("/api/v1/next-steps?due=week", headers=h).json()
    assert [c["id"] for c in week] == [r.json()["id"]]


def test_praksisplass_and_opening_api(client, db):
    contact = make_user(db, "markedskontakt")
    h = api_headers(db, contact)
    employer = make_employer(db)
    r = client.post(
        f"/api/v1/praksisplasser?employer_id={employer.id}", json={"title": "Lager", "places": 2}, headers=h
    )
    assert r.status_code == 201 and r.json()["free"] == 2
    place_id = r.json()["id"]
    r = client.post(
        f"/api/v1/praksisplasser/{place_id}/occupants",
        json={"start_date": "2026-03-01", "candidate_ref": 5},
        headers=h,
    )
    assert r.status_code == 201 and (r.json()["free"], r.json()["taken"]) == (1, 1)

    r = client.post(
        "/api/v1/openings",
        json={"employer_id": employer.id, "title": "Lager", "percent_min": 60, "percent_max": 40},
        headers=h,
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "percent_min"
    r = client.post(
        "/api/v1/openings",
        json={"employer_id": employer.id, "title": "Lager", "percent_min": 40, "percent_max": 40},
        headers=h,
    )
    assert r.status_code == 201 and r.json()["status"] == "utkast"
    oid = r.json()["id"]
    r = client.post(f"/api/v1/openings/{oid}/status", json={"status": "publisert"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "publisert"
    assert [c["to_status"] for c in r.json()["status_changes"]] == ["utkast", "publisert"]
    jp = client.get(f"/api/v1/openings/{oid}/jobposting", headers=h)
    assert jp.status_code == 200 and jp.json()["@type"] == "JobPosting"
    assert jp.json()["employmentType"] == ["PART_TIME"] and jp.json()["workHours"].startswith("40 %")
    sugg = client.get("/api/v1/openings/styrk-suggestions?title=renholder", headers=h).json()
    assert sugg[0]["code"] == "9112"


def test_employer_user_limited_to_own_organisation(client, db):
    own, other = make_employer(db), make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=own)
    contact = make_user(db, "markedskontakt")
    theirs = make_opening(db, other)
    h = api_headers(db, boss)
    assert [e["id"] for e in client.get("/api/v1/employers", headers=h).json()] == [own.id]
    assert client.get(f"/api/v1/employers/{other.id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/openings/{theirs.id}", headers=h).status_code == 404
    assert client.get(f"/api/v1/openings/{theirs.id}/jobposting", headers=h).status_code == 404
    r = client.patch(f"/api/v1/openings/{theirs.id}", json={"title": "x", "version": 1}, headers=h)
    assert r.status_code == 404
    assert (
        client.post("/api/v1/openings", json={"employer_id": other.id, "title": "x"}, headers=h).status_code
        == 404
    )
    assert (
        client.post(
            "/api/v1/employers", json={"orgnr": valid_orgnr(810003), "name": "x"}, headers=h
        ).status_code
        == 403
    )
    assert client.get(f"/api/v1/employers/{own.id}/contacts", headers=h).status_code == 403
    r = client.patch(f"/api/v1/employers/{own.id}", json={"name": "Nytt", "version": 1}, headers=h)
    assert r.status_code == 403

    # self-service: a new opening waits for approval; the employer user cannot publish it
    r = client.post(
        "/api/v1/openings", json={"employer_id": own.id, "title": "Kokk", "percent_min": 50}, headers=h
    )
    assert r.status_code == 201 and r.json()["awaiting_approval"] is True
    oid = r.json()["id"]
    assert (
        client.post(f"/api/v1/openings/{oid}/status", json={"status": "publisert"}, headers=h).status_code
        == 403
    )
    assert client.post(f"/api/v1/openings/{oid}/approve", headers=h).status_code == 403
    hc = api_headers(db, contact)
    queue = client.get("/api/v1/openings?awaiting_approval=true", headers=hc).json()
    assert oid in [o["id"] for o in queue]
    r = client.post(f"/api/v1/openings/{oid}/approve", headers=hc)
    assert r.status_code == 200 and r.json()["status"] == "publisert" and not r.json()["awaiting_approval"]
    mine = client.get("/api/v1/openings", headers=h).json()
    assert [o["id"] for o in mine] == [oid]


def test_deleting_a_contact_person_answers_204_without_a_body(client, db):
    """A 204 carries no body: `null` on a 204 broke the HTTP framing, and the server logged an error each time."""
    contact = make_user(db, "markedskontakt")
    h = api_headers(db, contact)
    employer = make_employer(db)
    person = client.post(
        f"/api/v1/employers/{employer.id}/contact-persons", json={"name": "Kari Leder"}, headers=h
    ).json()
    r = client.delete(f"/api/v1/contact-persons/{person['id']}", headers=h)
    assert r.status_code == 204 and r.content == b""
    assert client.delete(f"/api/v1/contact-persons/{person['id']}", headers=h).status_code == 404


def test_return_with_a_comment_and_resubmit_through_the_api(client, db):
    own = make_employer(db)
    boss = make_user(db, "arbeidsgiver", employer=own)
    contact = make_user(db, "markedskontakt")
    h, hc = api_headers(db, boss), api_headers(db, contact)
    r = client.post(
        "/api/v1/openings",
        json={"employer_id": own.id, "title": "Kokk", "application_email": "jobb@example.no"},
        headers=h,
    )
    oid = r.json()["id"]
    assert r.json()["application_email"] == "jobb@example.no"
    assert (
        client.post(f"/api/v1/openings/{oid}/return", json={"comment": "Nei"}, headers=h).status_code == 403
    )
    r = client.post(f"/api/v1/openings/{oid}/return", json={"comment": "   "}, headers=hc)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "comment"
    r = client.post(f"/api/v1/openings/{oid}/return", json={"comment": "x" * 2001}, headers=hc)
    assert r.status_code == 422
    r = client.post(f"/api/v1/openings/{oid}/return", json={"comment": "Mangler frist"}, headers=hc)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "returnert" and body["return_comment"] == "Mangler frist"
    assert body["status_changes"][-1]["note"] == "Mangler frist"
    assert oid not in [
        o["id"] for o in client.get("/api/v1/openings?awaiting_approval=true", headers=hc).json()
    ]
    seen = client.get(f"/api/v1/openings/{oid}", headers=h).json()
    assert seen["return_comment"] == "Mangler frist"
    r = client.post(f"/api/v1/openings/{oid}/return", json={"comment": "Igjen"}, headers=hc)
    assert r.status_code == 409
    r = client.post(f"/api/v1/openings/{oid}/resubmit", json={"comment": "Lagt inn frist"}, headers=h)
    assert r.status_code == 200 and r.json()["awaiting_approval"] and r.json()["return_comment"] is None
    assert client.post(f"/api/v1/openings/{oid}/resubmit", json={}, headers=h).status_code == 409
    assert oid in [o["id"] for o in client.get("/api/v1/openings?awaiting_approval=true", headers=hc).json()]


def test_employer_user_never_gets_navs_notes_about_the_employer(client, db):
    """NAV's notes about an employer are written for colleagues: the page hides them from the employer's users,
    and so does every API answer (one, the list, the answer to their own PATCH)."""
    own = make_employer(db)
    contact = make_user(db, "markedskontakt")
    service.update_employer(db, actor=contact, employer_id=own.id, notes="INTERNNOTAT om ledelsen")
    boss = make_user(db, "arbeidsgiver", employer=own)
    h, hc = api_headers(db, boss), api_headers(db, contact)
    assert client.get(f"/api/v1/employers/{own.id}", headers=hc).json()["notes"] == "INTERNNOTAT om ledelsen"
    one = client.get(f"/api/v1/employers/{own.id}", headers=h)
    listed = client.get("/api/v1/employers", headers=h)
    assert one.status_code == 200 and [e["id"] for e in listed.json()] == [own.id]
    assert "INTERNNOTAT" not in one.text and "INTERNNOTAT" not in listed.text
    assert one.json()["notes"] is None
    login(client, boss)
    assert "INTERNNOTAT" not in client.get(f"/arbeidsgivere/{own.id}").text


def test_schema_errors_are_in_bokmal_and_name_the_field(client, db):
    """pydantic's own texts are English: every 422 of the API says why in bokmål, beside the field it names."""
    h = api_headers(db, make_user(db, "markedskontakt"))
    employer = make_employer(db)
    r = client.post(
        "/api/v1/openings",
        json={"employer_id": employer.id, "title": "x" * 301, "percent_max": 101, "positions": "to"},
        headers=h,
    )
    assert r.status_code == 422
    said = {e["field"]: e["message"] for e in r.json()["detail"]}
    assert said["title"] == "Kan være høyst 300 tegn."
    assert said["percent_max"] == "Kan være høyst 100."
    assert said["positions"] == "Må være et tall."
    r = client.post("/api/v1/openings", json={"title": "Kokk"}, headers=h)
    assert {e["field"]: e["message"] for e in r.json()["detail"]} == {"employer_id": "Må fylles ut."}
