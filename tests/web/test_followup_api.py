"""Follow-up API: records, placements, contacts and outcomes under the same rules as the pages."""

from __future__ import annotations

import datetime as dt
import json

from core.formatting import today_in_oslo
from followup import service_records as followup_records
from tests.factories import (
    api_headers,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)

TODAY = today_in_oslo()


def test_api_flow_and_rules(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    candidate = make_candidate(db, office, actor=spec)
    h = api_headers(db, spec)
    start = (TODAY - dt.timedelta(days=20)).isoformat()

    assert client.get("/api/v1/followup/records").status_code == 401
    r = client.post(
        "/api/v1/followup/records",
        headers=h,
        json={
            "candidate_id": candidate.id,
            "service": "ips",
            "referral_date": start,
            "start_date": "2026-02-30",
        },
    )
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "start_date"
    r = client.post(
        "/api/v1/followup/records",
        headers=h,
        json={"candidate_id": candidate.id, "service": "ips", "referral_date": start, "start_date": start},
    )
    assert r.status_code == 201, r.text
    rec = r.json()
    assert rec["status"] == "henvist" and rec["phases"][0]["phase"] == 1
    rid = rec["id"]

    r = client.post(f"/api/v1/followup/records/{rid}/status", headers=h, json={"status": "i_jobb"})
    assert r.status_code == 422 and r.json()["detail"] == [
        {"field": "status", "message": r.json()["detail"][0]["message"]}
    ]
    r = client.post(
        f"/api/v1/followup/records/{rid}/contacts",
        headers=h,
        json={
            "date": TODAY.isoformat(),
            "with_whom": "arbeidsgiver",
            "mode": "arbeidsplassen",
            "employer_id": employer.id,
            "duration_minutes": 30,
        },
    )
    assert r.status_code == 201 and r.json()["face_to_face"] is True
    r = client.post(
        f"/api/v1/followup/records/{rid}/placements",
        headers=h,
        json={
            "type": "ordinaer",
            "start_date": TODAY.isoformat(),
            "percent": 30,
            "employer_id": employer.id,
            "opening_id": make_opening(db, employer).id,
        },
    )
    assert r.status_code == 201, r.text
    pid = r.json()["id"]
    r = client.post(
        f"/api/v1/followup/records/{rid}/placements/{pid}/changes",
        headers=h,
        json={"changed_on": TODAY.isoformat(), "percent": 50},
    )
    assert r.status_code == 200 and r.json()["changes"][-1]["percent"] == 50
    out = client.get(f"/api/v1/followup/records/{rid}/outcomes", headers=h).json()
    assert out["status"] == "i_jobb" and out["placements"][0]["hours_increased"] is True
    assert out["placements"][0]["current_percent"] == 50
    assert len(client.get(f"/api/v1/followup/records/{rid}/contacts", headers=h).json()) == 1
    rep = client.get("/api/v1/followup/report", headers=h).json()
    assert rep["job_starts"] == 1 and rep["caseload"] == {spec.email: 1}

    # another office: 404; an employer user: 403 on records, only own contacts in /contacts
    stranger = make_user(db, "jobbspesialist", office=make_office(db))
    hs = api_headers(db, stranger)
    assert client.get(f"/api/v1/followup/records/{rid}", headers=hs).status_code == 404
    assert (
        client.post(
            f"/api/v1/followup/records/{rid}/contacts",
            headers=hs,
            json={"date": TODAY.isoformat(), "with_whom": "person", "mode": "telefon"},
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/followup/report?office={office.number}", headers=hs).status_code == 404
    boss = make_user(db, "arbeidsgiver", employer=employer)
    hb = api_headers(db, boss)
    assert client.get(f"/api/v1/followup/records/{rid}", headers=hb).status_code == 403
    assert client.get("/api/v1/followup/contacts", headers=hb).json() == []
    record = followup_records.load(db, rid)
    followup_records.log_contact(
        db,
        actor=spec,
        record=record,
        date=TODAY,
        with_whom="arbeidsgiver",
        mode="arbeidsplassen",
        employer_id=employer.id,
        employer_user_id=boss.id,
        content="Trepartsmøte",
    )
    db.flush()
    seen = client.get("/api/v1/followup/contacts", headers=hb).json()
    assert [(c["date"], c["content"]) for c in seen] == [(TODAY.isoformat(), "")]  # the meeting, not the note
    assert "Trepartsmøte" not in json.dumps(seen)


def test_openapi_lists_followup(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/followup/records" in paths and "/api/v1/followup/records/{record_id}/placements" in paths


def test_record_from_other_office_not_listed(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    make_followup_record(db, office, spec, start_date=TODAY - dt.timedelta(days=5), today=TODAY)
    other = make_user(db, "jobbspesialist", office=make_office(db))
    assert client.get("/api/v1/followup/records", headers=api_headers(db, other)).json() == []
    assert len(client.get("/api/v1/followup/records", headers=api_headers(db, spec)).json()) == 1
