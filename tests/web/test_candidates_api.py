"""The candidate API through the real app and database: the record, CV, jobbprofil, situation, capacity, needs,
programmes, consent, export and erasure; 422 with field names; employers and other offices refused."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from candidates.models import Candidate, WorkExperience
from candidates.service_privacy import RESTRICTED_FIELDS
from core.audit import AuditEntry
from tests.factories import (
    api_headers,
    load_builtin_reference,
    make_candidate,
    make_employer,
    make_office,
    make_opening,
    make_user,
)

API = "/api/v1/candidates"
SECTIONS = ("arbeid", "utdanning", "sertifikat", "sprak")


@pytest.fixture
def world(db):
    load_builtin_reference(db)
    office_a, office_b = make_office(db), make_office(db)
    js_a = make_user(db, "jobbspesialist", office=office_a)
    js_b = make_user(db, "jobbspesialist", office=office_b)
    employer = make_employer(db)
    emp = make_user(db, "arbeidsgiver", employer=employer)
    candidate = make_candidate(db, office_a, actor=js_a)
    db.flush()
    return {
        "office_a": office_a,
        "js_a": api_headers(db, js_a),
        "js_b": api_headers(db, js_b),
        "emp": api_headers(db, emp),
        "employer": employer,
        "candidate": candidate,
    }


def test_create_get_patch_and_list(client, world, db):
    h = world["js_a"]
    r = client.post(
        API,
        headers=h,
        json={"first_name": "Sara", "last_name": "Haugen", "birth_date": "2001-03-04", "email": "sara@ex.no"},
    )
    assert r.status_code == 201, r.text
    body = r.json()
    cid = body["id"]
    assert body["office"]["number"] == world["office_a"].number
    assert body["under_30"] is True and body["capacity"] == {
        "percent": 100,
        "source": "standard",
        "reason": None,
        "uforegrad": None,
        "preferred_hours_per_week": None,
    }
    version = body["version"]
    r = client.patch(
        f"{API}/{cid}", headers=h, json={"phone": "+47 912 34 567", "status": "i jobb", "version": version}
    )
    assert r.status_code == 200, r.text
    assert r.json()["phone"] == "+47 912 34 567" and r.json()["status"] == "i jobb"

    before = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "read"))
    r = client.get(f"{API}/{cid}", headers=h, params={"purpose": "forberede møte"})
    assert r.status_code == 200 and r.json()["first_name"] == "Sara"
    entry = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "read").order_by(AuditEntry.id.desc())
    ).first()
    assert entry is not None and entry.purpose == "forberede møte" and entry.subject_id == str(cid)
    assert (
        db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "read"))
        == before + 1
    )

    r = client.get(API, headers=h, params={"q": "haugen", "under_30": "true"})
    assert [c["id"] for c in r.json()] == [cid] and r.headers["x-total-count"] == "1"
    r = client.get(API, headers=h, params={"status": "aktiv"})
    assert cid not in [c["id"] for c in r.json()]


def test_cv_entries_skills_and_jobbprofil(client, world):
    h, cid = world["js_a"], world["candidate"].id
    r = client.post(
        f"{API}/{cid}/cv/arbeid", headers=h, json={"title": "Lagermedarbeider", "employer": "Coop"}
    )
    assert r.status_code == 201, r.text
    work = r.json()
    assert work["section"] == "arbeid" and work["styrk_code"]  # suggested from the title
    r = client.patch(f"{API}/{cid}/cv/arbeid/{work['id']}", headers=h, json={"start_date": "2019-01-01"})
    assert r.status_code == 200 and r.json()["start_date"] == "2019-01-01"
    for section, data in (
        ("utdanning", {"level": "fagbrev", "field": "Logistikk"}),
        ("sertifikat", {"name": "Truckførerbevis T1–T4", "kind": "sertifikat"}),
        ("sprak", {"language": "Norsk", "level": "B1"}),
    ):
        r = client.post(f"{API}/{cid}/cv/{section}", headers=h, json=data)
        assert r.status_code == 201, (section, r.text)
    r = client.put(
        f"{API}/{cid}/skills", headers=h, json={"skills": ["Truck"], "driving_licences": ["b", "C1"]}
    )
    assert r.status_code == 200 and r.json()["driving_licences"] == ["B", "C1"]
    cv = r.json()["cv"]
    assert [len(cv[k]) for k in ("work_experiences", "educations", "certificates", "languages")] == [
        1,
        1,
        1,
        1,
    ]

    r = client.delete(f"{API}/{cid}/cv/arbeid/{work['id']}", headers=h)
    assert r.status_code == 204
    assert client.delete(f"{API}/{cid}/cv/arbeid/{work['id']}", headers=h).status_code == 404

    r = client.put(
        f"{API}/{cid}/jobbprofil",
        headers=h,
        json={"wanted_titles": ["Lager"], "percent_min": 40, "percent_max": 60, "working_time": ["dagtid"]},
    )
    assert r.status_code == 200 and r.json()["percent_max"] == 60
    r = client.patch(f"{API}/{cid}/jobbprofil", headers=h, json={"max_commute_km": 30})
    assert r.json()["percent_min"] == 40 and r.json()["max_commute_km"] == 30
    r = client.put(f"{API}/{cid}/jobbprofil", headers=h, json={"wanted_titles": ["Butikk"]})
    assert r.json()["percent_min"] is None  # PUT replaces


def test_situation_capacity_needs_programmes(client, world):
    h, cid = world["js_a"], world["candidate"].id
    r = client.put(
        f"{API}/{cid}/situation",
        headers=h,
        json={"innsatsgruppe": "SPESIELT_TILPASSET_INNSATS", "hovedmal": "SKAFFE_ARBEID"},
    )
    assert r.status_code == 200 and r.json()["innsatsgruppe"] == "SPESIELT_TILPASSET_INNSATS"
    r = client.put(f"{API}/{cid}/programmes/UFORETRYGD", headers=h, json={"uforegrad": 60})
    assert r.status_code == 200 and r.json()["uforegrad"] == 60
    assert client.get(f"{API}/{cid}", headers=h).json()["capacity"]["percent"] == 40
    r = client.put(f"{API}/{cid}/capacity", headers=h, json={"override_percent": 50, "reason": "Prøvd ut"})
    assert r.json() == {
        "percent": 50,
        "source": "overstyrt",
        "reason": "Prøvd ut",
        "uforegrad": 60,
        "preferred_hours_per_week": None,
    }
    r = client.put(f"{API}/{cid}/capacity", headers=h, json={"override_percent": 50})
    assert r.status_code == 422
    assert r.json()["detail"][0]["field"] == "reason"  # the body's field, not the service's column
    r = client.put(f"{API}/{cid}/needs", headers=h, json={"needs_arbeidstid": ["IKKE_HELE_DAGER"]})
    assert r.status_code == 200 and r.json()["needs_arbeidstid"] == ["IKKE_HELE_DAGER"]
    detail = client.get(f"{API}/{cid}", headers=h).json()
    assert detail["needs_as_inclusion"] == ["ARBEIDSTID"]
    assert client.delete(f"{API}/{cid}/programmes/UFORETRYGD", headers=h).status_code == 204
    assert client.delete(f"{API}/{cid}/programmes/UFORETRYGD", headers=h).status_code == 404


def test_422_names_the_fields(client, world):
    h, cid = world["js_a"], world["candidate"].id
    r = client.post(API, headers=h, json={"first_name": "", "last_name": "X", "email": "ikke-epost"})
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["detail"]}
    assert {"first_name", "email"} <= fields and all(e["message"] for e in r.json()["detail"])
    r = client.post(f"{API}/{cid}/cv/utdanning", headers=h, json={"level": "doktorgrad"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "level"
    r = client.post(f"{API}/{cid}/cv/sprak", headers=h, json={"language": "Norsk", "title": "x"})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "title"
    r = client.patch(f"{API}/{cid}/jobbprofil", headers=h, json={"percent_min": 80, "percent_max": 20})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "percent_min"
    r = client.put(f"{API}/{cid}/programmes/UFORETRYGD", headers=h, json={})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "uforegrad"
    r = client.post(f"{API}/{cid}/consents", headers=h, json={})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "employer_id"
    r = client.post(API, headers=h, json={"first_name": "A", "last_name": "B", "ukjent": 1})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "ukjent"
    r = client.delete(f"{API}/{cid}", headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "confirm"


def test_consent_shared_view_and_withdrawal(client, world, db):
    """The contract's sharing endpoints end to end: consent alone shows nothing; a share shows the summary, the
    presentation and the consented fields (never the colleagues' summary); withdrawing either is 404 at once."""
    h, cid, emp = world["js_a"], world["candidate"].id, world["emp"]
    opening = make_opening(db, world["employer"])
    db.flush()
    client.put(f"{API}/{cid}/situation", headers=h, json={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"})
    client.put(f"{API}/{cid}/needs", headers=h, json={"needs_fysisk": ["TUNGE_LØFT"], "needs_note": "Rygg"})
    version = client.get(f"{API}/{cid}", headers=h).json()["version"]
    r = client.patch(
        f"{API}/{cid}", headers=h, json={"version": version, "summary": "Sykmeldt i fjor, mottar AAP."}
    )
    assert r.status_code == 200, r.text
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 404
    assert client.get("/api/v1/shared-candidates", headers=emp).json() == []
    r = client.post(f"{API}/{cid}/consents", headers=h, json={"employer_id": world["employer"].id})
    assert r.status_code == 201 and r.json()["active"] is True
    consent_id = r.json()["id"]
    # consent alone shows the employer nothing
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 404
    assert client.get("/api/v1/shared-candidates", headers=emp).json() == []

    r = client.put(f"{API}/{cid}/presentation", headers=h, json={"text": "Uføretrygdet, men blid og presis."})
    assert r.status_code == 200 and [m["category"] for m in r.json()["marks"]] == ["ytelse"]
    r = client.post(f"/api/v1/openings/{opening.id}/candidate-list", headers=h, json={"candidate_id": cid})
    assert r.status_code == 201, r.text
    entry_id = r.json()["id"]
    r = client.post(f"/api/v1/candidate-list-entries/{entry_id}/share", headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "override_reason"
    assert "Uføretrygdet" in r.text
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 404
    r = client.put(
        f"{API}/{cid}/presentation", headers=h, json={"text": "Blid og presis, liker lagerarbeid."}
    )
    assert r.json()["marks"] == []
    r = client.post(f"/api/v1/candidate-list-entries/{entry_id}/share", headers=h)
    assert r.status_code == 200 and r.json()["shared_at"], r.text

    r = client.get(f"/api/v1/shared-candidates/{cid}", headers=emp)
    assert r.status_code == 200, r.text
    view = r.json()
    assert view["first_name"] == world["candidate"].first_name and view["named"] is True
    assert view["presentation"] == "Blid og presis, liker lagerarbeid."
    assert [s["opening_id"] for s in view["shared_for"]] == [opening.id]
    assert not set(view) & set(RESTRICTED_FIELDS) and "summary" not in view
    for hidden in ("VARIG", "Rygg", "TUNGE", "Sykmeldt", "AAP"):
        assert hidden not in r.text, hidden
    listed = client.get("/api/v1/shared-candidates", headers=emp).json()
    assert [x["id"] for x in listed] == [cid] and not set(listed[0]) & set(RESTRICTED_FIELDS)

    # withdrawing the share: 404 at once; shared again, withdrawing the consent: 404 at once
    r = client.post(f"/api/v1/candidate-list-entries/{entry_id}/unshare", headers=h)
    assert r.status_code == 200 and r.json()["shared_at"] is None
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 404
    assert client.get("/api/v1/shared-candidates", headers=emp).json() == []
    assert client.post(f"/api/v1/candidate-list-entries/{entry_id}/share", headers=h).status_code == 200
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 200
    r = client.post(f"{API}/{cid}/consents/{consent_id}/withdraw", headers=h)
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get(f"/api/v1/shared-candidates/{cid}", headers=emp).status_code == 404
    assert client.get("/api/v1/shared-candidates", headers=emp).json() == []
    # staff have no employer view
    assert client.get("/api/v1/shared-candidates", headers=h).status_code == 403


def test_export_and_erase(client, world, db):
    h, cid = world["js_a"], world["candidate"].id
    client.post(f"{API}/{cid}/cv/arbeid", headers=h, json={"title": "Kokk", "styrk_code": "5120"})
    r = client.get(f"{API}/{cid}/export", headers=h)
    assert r.status_code == 200
    data = r.json()
    assert data["format"] == "arbeidsbro-innsyn/1" and data["candidate"]["id"] == cid
    assert data["work_experiences"][0]["title"] == "Kokk"
    assert client.get(f"{API}/{cid}/export", headers=world["js_b"]).status_code == 404

    r = client.delete(f"{API}/{cid}", headers=h, params={"confirm": "true", "reason": "ønsket av personen"})
    assert r.status_code == 204
    assert db.scalar(select(func.count()).select_from(Candidate).where(Candidate.id == cid)) == 0
    assert (
        db.scalar(select(func.count()).select_from(WorkExperience).where(WorkExperience.candidate_id == cid))
        == 0
    )
    assert client.get(f"{API}/{cid}", headers=h).status_code == 404


def test_employer_token_and_other_office_are_refused(client, world):
    cid = world["candidate"].id
    calls = [
        ("GET", API, None),
        ("POST", API, {"first_name": "A", "last_name": "B"}),
        ("GET", f"{API}/{cid}", None),
        ("PATCH", f"{API}/{cid}", {"phone": "12345", "version": 1}),
        ("GET", f"{API}/{cid}/export", None),
        ("POST", f"{API}/{cid}/cv/arbeid", {"title": "Renholder"}),
        ("PUT", f"{API}/{cid}/skills", {"skills": ["x"]}),
        ("PUT", f"{API}/{cid}/jobbprofil", {}),
        ("PATCH", f"{API}/{cid}/jobbprofil", {}),
        ("PUT", f"{API}/{cid}/situation", {}),
        ("PUT", f"{API}/{cid}/capacity", {}),
        ("PUT", f"{API}/{cid}/needs", {}),
        ("PUT", f"{API}/{cid}/programmes/AAP", {}),
        ("DELETE", f"{API}/{cid}/programmes/AAP", None),
        ("POST", f"{API}/{cid}/consents", {"employer_id": world["employer"].id}),
        ("DELETE", f"{API}/{cid}", None),  # unconfirmed: still 404, not 422 (no existence leak)
        ("DELETE", f"{API}/{cid}?confirm=true", None),
    ]
    for method, url, body in calls:
        r = client.request(method, url, headers=world["emp"], json=body)
        assert r.status_code in (403, 404), (method, url, r.status_code)
        assert world["candidate"].last_name not in r.text
    for method, url, body in calls[2:]:
        r = client.request(method, url, headers=world["js_b"], json=body)
        assert r.status_code == 404, ("office B", method, url, r.status_code, r.text)
    assert client.get(API, headers=world["js_b"]).json() == []
    assert client.get(API).status_code == 401


def test_openapi_describes_the_endpoints(client):
    doc = client.get("/api/v1/openapi.json").json()
    paths = doc["paths"]
    expected = {
        "/api/v1/candidates": {"get", "post"},
        "/api/v1/candidates/{candidate_id}": {"get", "patch", "delete"},
        **{f"/api/v1/candidates/{{candidate_id}}/cv/{section}": {"post"} for section in SECTIONS},
        **{
            f"/api/v1/candidates/{{candidate_id}}/cv/{section}/{{entry_id}}": {"patch"}
            for section in SECTIONS
        },
        "/api/v1/candidates/{candidate_id}/cv/{section}/{entry_id}": {"delete"},
        "/api/v1/candidates/{candidate_id}/skills": {"put"},
        "/api/v1/candidates/{candidate_id}/jobbprofil": {"put", "patch"},
        "/api/v1/candidates/{candidate_id}/situation": {"put"},
        "/api/v1/candidates/{candidate_id}/capacity": {"put"},
        "/api/v1/candidates/{candidate_id}/needs": {"put"},
        "/api/v1/candidates/{candidate_id}/programmes/{programme}": {"put", "delete"},
        "/api/v1/candidates/{candidate_id}/consents": {"post"},
        "/api/v1/candidates/{candidate_id}/consents/{consent_id}/withdraw": {"post"},
        "/api/v1/candidates/{candidate_id}/export": {"get"},
        "/api/v1/candidates/{candidate_id}/presentation": {"put"},
        "/api/v1/shared-candidates": {"get"},
        "/api/v1/shared-candidates/{candidate_id}": {"get"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), (path, set(paths[path]))
    schemas = doc["components"]["schemas"]
    detail = schemas["CandidateDetailOut"]["properties"]
    assert {"cv", "job_profile", "situation", "programmes", "capacity", "consents"} <= set(detail)
    shared = set(schemas["SharedCandidateOut"]["properties"])
    assert not shared & set(RESTRICTED_FIELDS)


def test_bulk_share_of_chosen_entries(client, world, db):
    h, emp, cid = world["js_a"], world["emp"], world["candidate"].id
    opening = make_opening(db, world["employer"])
    unconsented = make_candidate(db, world["office_a"])
    db.flush()
    client.post(f"{API}/{cid}/consents", headers=h, json={"employer_id": world["employer"].id})
    ids = [
        client.post(
            f"/api/v1/openings/{opening.id}/candidate-list", headers=h, json={"candidate_id": c}
        ).json()["id"]
        for c in (cid, unconsented.id)
    ]
    r = client.post(f"/api/v1/openings/{opening.id}/candidate-list/share", headers=h, json={"entry_ids": []})
    assert r.status_code == 422
    r = client.post(f"/api/v1/openings/{opening.id}/candidate-list/share", headers=h, json={"entry_ids": ids})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["shared"] == [ids[0]] and [(x["entry_id"], x["field"]) for x in body["refused"]] == [
        (ids[1], "consent")
    ]
    assert [x["id"] for x in client.get("/api/v1/shared-candidates", headers=emp).json()] == [cid]
    assert client.post(
        f"/api/v1/openings/{opening.id}/candidate-list/share", headers=emp, json={"entry_ids": ids}
    ).status_code in (403, 404)
