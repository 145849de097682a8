"""The §14a record through the JSON API (real app, real database): draft, patch with a version (409 when stale),
send, a second person's approval; NAV's rules as 422s naming their fields; access (another office and a market
contact 404, an employer 403) and the audit of reads."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from candidates import access as candidates_access
from core.audit import AuditEntry
from plans import service_vedtak as vs
from tests.factories import api_headers, make_candidate, make_employer, make_office, make_user


@pytest.fixture
def world(db):
    office, other = make_office(db), make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    js2 = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    js_other = make_user(db, "jobbspesialist", office=other)
    employer_user = make_user(db, "arbeidsgiver", employer=make_employer(db))
    person = make_candidate(db, office, actor=js)
    users = {"js": js, "js2": js2, "mk": mk, "js_other": js_other, "emp": employer_user}
    headers = {name: api_headers(db, user) for name, user in users.items()}
    db.commit()
    return users, headers, person.id


def test_draft_send_and_approve(client, db, world):
    users, h, pid = world
    r = client.post(
        f"/api/v1/candidates/{pid}/vedtak",
        json={
            "innsatsgruppe": "LITEN_MULIGHET_TIL_A_JOBBE",
            "hovedmal": "SKAFFE_ARBEID",
            "answers": {"MULIGHETER": "Vil prøve litt arbeid."},
        },
        headers=h["js"],
    )
    assert r.status_code == 201, r.text
    v = r.json()
    assert (v["innsatsgruppe"], v["innsatsgruppe_v2"], v["arena_code"]) == (
        "VARIG_TILPASSET_INNSATS",
        "LITEN_MULIGHET_TIL_A_JOBBE",
        "VARIG",
    )
    assert v["innsatsgruppe_label"] == "Liten mulighet til å jobbe"
    assert v["answers"] == {"MULIGHETER": "Vil prøve litt arbeid."}

    r = client.post(f"/api/v1/vedtak/{v['id']}/submit", headers=h["js"])
    assert r.status_code == 422
    assert {e["field"]: e["message"] for e in r.json()["detail"]} == {
        "hovedmal": vs.MSG_HOVEDMAL_EMPTY,
        "begrunnelse": vs.MSG_BEGRUNNELSE.format(label="Liten mulighet til å jobbe"),
        "sources": vs.MSG_SOURCES,
    }

    patch = {
        "version": v["version"],
        "hovedmal": None,
        "begrunnelse": "Varig nedsatt arbeidsevne etter lang avklaring.",
        "default_sources": ["REGISTRERING"],
        "other_sources": [
            {"kind": "LEGEERKLAERING", "text": "Legeerklæring fra fastlegen", "date": "2026-02-01"}
        ],
    }
    r = client.patch(f"/api/v1/vedtak/{v['id']}", json=patch, headers=h["js"])
    assert r.status_code == 200, r.text
    assert [s["kind"] for s in r.json()["sources"]] == ["REGISTRERING", "LEGEERKLAERING"]
    stale = client.patch(
        f"/api/v1/vedtak/{v['id']}", json={**patch, "begrunnelse": "Gammel"}, headers=h["js"]
    )
    assert stale.status_code == 409
    assert stale.json()["field"] == "version" and stale.json()["current_version"] == r.json()["version"]

    r = client.post(f"/api/v1/vedtak/{v['id']}/submit", headers=h["js"])
    assert r.status_code == 200 and r.json()["beslutter_status"] == "KLAR_TIL_BESLUTTER"
    assert not r.json()["current"]
    assert client.post(f"/api/v1/vedtak/{v['id']}/approve", headers=h["js"]).status_code == 403
    assert client.post(f"/api/v1/vedtak/{v['id']}/approve", headers=h["mk"]).status_code == 404
    r = client.post(f"/api/v1/vedtak/{v['id']}/approve", headers=h["js2"])
    assert r.status_code == 200, r.text
    assert r.json()["current"] and r.json()["approved_by"] == users["js2"].name

    overview = client.get(f"/api/v1/candidates/{pid}/vedtak", headers=h["js"]).json()
    assert overview["current"]["id"] == v["id"] and overview["draft"] is None
    assert [x["id"] for x in overview["history"]] == [v["id"]]
    detail = client.get(f"/api/v1/candidates/{pid}", headers=h["js"]).json()
    assert detail["situation"]["innsatsgruppe"] == "VARIG_TILPASSET_INNSATS"


def test_capacity_from_the_reassessment(client, db, world):
    _, h, pid = world
    body = {
        "innsatsgruppe": "TRENGER_VEILEDNING_NEDSATT_ARBEIDSEVNE",
        "hovedmal": "SKAFFE_ARBEID",
        "begrunnelse": "Trenger veiledning; kan jobbe halv tid.",
        "default_sources": ["CV_JOBBPROFIL"],
        "uforegrad": 50,
        "capacity_percent": 50,
    }
    r = client.post(f"/api/v1/candidates/{pid}/vedtak", json=body, headers=h["js"])
    assert r.status_code == 422
    assert r.json()["detail"] == [{"field": "capacity_reason", "message": vs.MSG_CAPACITY_REASON}]
    r = client.post(
        f"/api/v1/candidates/{pid}/vedtak",
        json={**body, "capacity_reason": "Halv stilling er realistisk."},
        headers=h["js"],
    )
    assert r.status_code == 201
    assert client.post(f"/api/v1/vedtak/{r.json()['id']}/submit", headers=h["js"]).status_code == 200
    capacity = client.get(f"/api/v1/candidates/{pid}", headers=h["js"]).json()["capacity"]
    assert (capacity["percent"], capacity["source"]) == (50, "overstyrt")


def test_access(client, db, world):
    users, h, pid = world
    v = vs.create_draft(db, actor=users["js"], candidate_id=pid, data={})
    db.commit()
    for who, code in (("js_other", 404), ("mk", 404), ("emp", 403)):
        assert client.get(f"/api/v1/candidates/{pid}/vedtak", headers=h[who]).status_code == code, who
        assert client.get(f"/api/v1/vedtak/{v.id}", headers=h[who]).status_code == code, who
        r = client.patch(
            f"/api/v1/vedtak/{v.id}", json={"version": v.version, "begrunnelse": "x"}, headers=h[who]
        )
        assert r.status_code == code, who
        assert client.post(f"/api/v1/candidates/{pid}/vedtak", json={}, headers=h[who]).status_code == code
    assert client.get(f"/api/v1/vedtak/{v.id}", headers=h["js"]).status_code == 200
    assert client.post(f"/api/v1/candidates/{pid}/vedtak", json={}, headers=h["js"]).status_code == 409
    refused = db.scalars(
        select(AuditEntry).where(AuditEntry.outcome == "nektet", AuditEntry.subject_id == str(pid))
    ).all()
    assert {r.actor_id for r in refused} >= {users["js_other"].id, users["mk"].id}


def test_reads_are_audit_logged(client, db, world):
    users, h, pid = world
    v = vs.create_draft(db, actor=users["js"], candidate_id=pid, data={})
    db.commit()
    mark = db.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1)) or 0
    assert client.get(f"/api/v1/candidates/{pid}/vedtak", headers=h["js2"]).status_code == 200
    assert client.get(f"/api/v1/vedtak/{v.id}", headers=h["js2"]).status_code == 200
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.id > mark, AuditEntry.action == "read").order_by(AuditEntry.id)
    ).all()
    assert [(r.subject_type, r.subject_id, r.actor_id) for r in rows] == [
        ("candidate", str(pid), users["js2"].id),
        ("candidate", str(pid), users["js2"].id),
    ]
    assert all("§14a" in r.purpose for r in rows)
    # the candidate's own record did not move: reading the §14a record is a read, not a change
    assert (
        candidates_access.get_candidate(db, actor=users["js"], candidate_id=pid, purpose="test").version == 1
    )


def test_the_innsatsgruppe_follows_the_decision_and_a_change_by_hand_is_422(client, db, world):
    users, h, pid = world
    v = vs.create_draft(
        db,
        actor=users["js"],
        candidate_id=pid,
        data={
            "innsatsgruppe": "SITUASJONSBESTEMT_INNSATS",
            "hovedmal": "SKAFFE_ARBEID",
            "begrunnelse": "Trenger veiledning.",
            "decision_date": "2026-02-10",
            "default_sources": ["REGISTRERING"],
        },
    )
    vs.submit(db, actor=users["js"], vedtak_id=v.id)
    url = f"/api/v1/candidates/{pid}/situation"
    refused = client.put(url, json={"innsatsgruppe": "STANDARD_INNSATS"}, headers=h["js"])
    assert refused.status_code == 422
    assert refused.json()["detail"][0]["field"] == "innsatsgruppe"
    assert refused.json()["detail"][0]["message"] == (
        "Innsatsgruppen følger §14a-vedtaket av 10.02.2026; endre den med et nytt vedtak."
    )
    other = client.put(url, json={"hovedmal": "BEHOLDE_ARBEID"}, headers=h["js"])
    assert other.status_code == 200, other.text
    body = other.json()
    assert (body["innsatsgruppe"], body["hovedmal"], body["innsatsgruppe_vedtak_id"]) == (
        "SITUASJONSBESTEMT_INNSATS",
        "BEHOLDE_ARBEID",
        v.id,
    )
