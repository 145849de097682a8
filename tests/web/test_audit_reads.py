"""Reads that return many people are audited person by person (lists, filtered searches, contact notes, the
employer's shared list), repeated reads in one request collapse to one row, and the purpose follows the role."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from candidates import service_profile as candidates_profile
from candidates.models import Candidate
from core.audit import AuditEntry
from followup import service_records as followup_records
from tests.factories import (
    api_headers,
    load_builtin_reference,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)


@pytest.fixture
def world(db):
    load_builtin_reference(db)
    office, other_office = make_office(db), make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    mk = make_user(db, "markedskontakt", office=office)
    js_other = make_user(db, "jobbspesialist", office=other_office)
    varig = make_candidate(db, office, actor=js)
    standard = make_candidate(db, office, actor=js)
    reduced = make_candidate(db, office, actor=js)
    elsewhere = make_candidate(db, other_office, actor=js_other)
    candidates_profile.set_situation(
        db, actor=js, candidate_id=varig.id, data={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"}
    )
    candidates_profile.set_situation(
        db, actor=js, candidate_id=standard.id, data={"innsatsgruppe": "STANDARD_INNSATS"}
    )
    candidates_profile.set_situation(
        db, actor=js_other, candidate_id=elsewhere.id, data={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"}
    )
    candidates_profile.set_programme(
        db, actor=js, candidate_id=reduced.id, kind="UFORETRYGD", data={"uforegrad": 50}
    )
    db.flush()
    return {
        "js": js,
        "mk": mk,
        "office": office,
        "varig": varig.id,
        "standard": standard.id,
        "reduced": reduced.id,
        "elsewhere": elsewhere.id,
    }


def _reads_after(db, mark: int) -> list[AuditEntry]:
    return list(
        db.scalars(
            select(AuditEntry)
            .where(AuditEntry.id > mark, AuditEntry.action == "read", AuditEntry.subject_type == "candidate")
            .order_by(AuditEntry.id)
        )
    )


def _mark(db) -> int:
    return db.scalar(select(func.max(AuditEntry.id))) or 0


@pytest.mark.parametrize(
    ("params", "expected", "label"),
    [
        ({"innsatsgruppe": "VARIG_TILPASSET_INNSATS"}, "varig", "innsatsgruppe VARIG_TILPASSET_INNSATS"),
        ({"reduced_capacity": "true"}, "reduced", "redusert arbeidsevne"),
    ],
)
def test_a_filtered_api_list_names_each_person_returned(client, db, world, params, expected, label):
    mark = _mark(db)
    r = client.get("/api/v1/candidates", headers=api_headers(db, world["js"]), params=params)
    assert r.status_code == 200
    assert [c["id"] for c in r.json()] == [world[expected]]
    rows = _reads_after(db, mark)
    assert [(e.subject_id, e.actor_id) for e in rows] == [(str(world[expected]), world["js"].id)]
    assert label in rows[0].purpose and rows[0].purpose.startswith("kandidatliste")


def test_the_list_page_names_everyone_on_it_and_nobody_else(client, db, world):
    login(client, world["js"])  # the restricted filter is a follow-up caseworker's (need-to-know)
    mark = _mark(db)
    r = client.get("/kandidater", params={"innsatsgruppe": "VARIG_TILPASSET_INNSATS"})
    assert r.status_code == 200
    assert {e.subject_id for e in _reads_after(db, mark)} == {str(world["varig"])}
    mark = _mark(db)
    assert client.get("/kandidater").status_code == 200
    named = {e.subject_id for e in _reads_after(db, mark)}
    assert named == {str(world[k]) for k in ("varig", "standard", "reduced")}  # not the other office's


def test_a_name_search_does_not_put_the_name_in_the_log(client, db, world):
    mark = _mark(db)
    name = db.get(Candidate, world["varig"]).first_name
    r = client.get("/api/v1/candidates", headers=api_headers(db, world["js"]), params={"q": name})
    assert r.status_code == 200 and r.json()
    rows = _reads_after(db, mark)
    assert rows and all(name not in e.purpose for e in rows) and "navnesøk" in rows[0].purpose


def test_followup_contacts_name_the_people_whose_notes_were_read(client, db, world):
    record = make_followup_record(db, world["office"], world["js"], db.get(Candidate, world["varig"]))
    followup_records.log_contact(
        db,
        actor=world["js"],
        record=record,
        date=dt.date(2026, 1, 10),
        with_whom="person",
        mode="telefon",
        content="Snakket om arbeidstid",
        today=dt.date(2026, 1, 10),
    )
    db.flush()
    mark = _mark(db)
    r = client.get("/api/v1/followup/contacts", headers=api_headers(db, world["js"]))
    assert r.status_code == 200 and r.json()
    rows = _reads_after(db, mark)
    assert [e.subject_id for e in rows] == [str(world["varig"])]
    assert "kontakter" in rows[0].purpose


def test_the_employers_shared_list_names_each_person(client, db, world):
    employer = make_employer(db)
    emp = make_user(db, "arbeidsgiver", employer=employer)
    opening = make_opening(db, employer, actor=world["mk"])
    db.flush()
    staff = api_headers(db, world["js"])
    cid = world["varig"]
    r = client.post(f"/api/v1/candidates/{cid}/consents", headers=staff, json={"employer_id": employer.id})
    assert r.status_code == 201, r.text
    r = client.post(
        f"/api/v1/openings/{opening.id}/candidate-list", headers=staff, json={"candidate_id": cid}
    )
    assert r.status_code == 201, r.text
    r = client.post(f"/api/v1/candidate-list-entries/{r.json()['id']}/share", headers=staff)
    assert r.status_code in (200, 201), r.text
    mark = _mark(db)
    r = client.get("/api/v1/shared-candidates", headers=api_headers(db, emp))
    assert r.status_code == 200 and [c["id"] for c in r.json()] == [cid]
    rows = _reads_after(db, mark)
    assert [(e.subject_id, e.actor_id, e.role) for e in rows] == [(str(cid), emp.id, "arbeidsgiver")]
    assert rows[0].purpose.startswith("arbeidsgiver:")


def test_one_candidate_list_change_is_one_row(client, db, world):
    employer = make_employer(db)
    opening = make_opening(db, employer, actor=world["mk"])
    db.flush()
    staff = api_headers(db, world["mk"])
    r = client.post(
        f"/api/v1/openings/{opening.id}/candidate-list", headers=staff, json={"candidate_id": world["varig"]}
    )
    assert r.status_code == 201, r.text
    entry_id = r.json()["id"]
    mark = _mark(db)
    r = client.patch(
        f"/api/v1/candidate-list-entries/{entry_id}", headers=staff, json={"status": "KONTAKTET"}
    )
    assert r.status_code == 200, r.text
    rows = list(db.scalars(select(AuditEntry).where(AuditEntry.id > mark)))
    assert len(rows) == 1, [(e.action, e.purpose) for e in rows]


def test_the_record_page_read_by_a_market_contact_is_not_followup(client, db, world):
    login(client, world["mk"])
    mark = _mark(db)
    assert client.get(f"/kandidater/{world['standard']}").status_code == 200
    rows = _reads_after(db, mark)
    assert len(rows) == 1
    assert rows[0].purpose.startswith("markedsarbeid:") and "oppfølging" not in rows[0].purpose


def test_the_api_finds_a_persons_history_by_number(client, db, world):
    assert client.get("/api/v1/candidates", headers=api_headers(db, world["js"])).status_code == 200
    admin = make_user(db, "admin")
    r = client.get("/api/v1/audit", headers=api_headers(db, admin), params={"person": str(world["varig"])})
    assert r.status_code == 200
    rows = r.json()
    assert rows and {(e["subject_type"], e["subject_id"]) for e in rows} == {
        ("candidate", str(world["varig"]))
    }
    assert any(e["actor_email"] == world["js"].email for e in rows)
