"""The journal's rules through the real service and database: who reads which service's entries (state, municipal,
both), what the person sees (never a draft), the append-only history with stale writes refused, a shared entry
read-only, corrections, and the audit rows every read and write leaves."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.errors import AccessDenied, Conflict, ValidationFailed
from core.locking import StaleEdit
from plans import access_journal
from plans import service_journal as sj
from plans.models_journal import JournalEntry, JournalVersion
from tests.factories import api_headers, make_candidate, make_office, make_user


@pytest.fixture
def world(db):
    office, other = make_office(db), make_office(db)
    people = {
        "stat": make_user(db, "veileder", office=office, employment="STAT"),
        "kommune": make_user(db, "veileder", office=office, employment="KOMMUNE"),
        "js": make_user(db, "jobbspesialist", office=office),  # a state employee by default
        "mk": make_user(db, "markedskontakt", office=office),
        "admin": make_user(db, "admin"),
        "other_office": make_user(db, "veileder", office=other, employment="KOMMUNE"),
    }
    candidate = make_candidate(db, office, actor=people["stat"])
    return people, candidate


def note(db, actor, candidate, service, text="Avtalt ny samtale om tre uker.", kind="NOTAT", title="Samtale"):
    return sj.create_entry(
        db,
        actor=actor,
        candidate_id=candidate.id,
        data={"kind": kind, "service": service, "title": title, "text": text},
    ).entry


def readable_titles(db, actor, candidate) -> set[str]:
    _, entries = sj.list_entries(db, actor=actor, candidate_id=candidate.id)
    return {e.title for e in entries}


def test_municipal_note_is_not_readable_by_state_staff_and_vice_versa(db, world):
    people, candidate = world
    municipal = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL", title="Husleie")
    state = note(db, people["stat"], candidate, "STAT", title="Jobbmål")
    both = note(db, people["kommune"], candidate, "ANNET", title="Samarbeidsmøte")

    assert readable_titles(db, people["kommune"], candidate) == {"Husleie", "Samarbeidsmøte"}
    assert readable_titles(db, people["stat"], candidate) == {"Jobbmål", "Samarbeidsmøte"}
    assert readable_titles(db, people["js"], candidate) == {"Jobbmål", "Samarbeidsmøte"}
    with pytest.raises(AccessDenied):
        sj.get_entry(db, actor=people["stat"], entry_id=municipal.id)
    with pytest.raises(AccessDenied):
        sj.get_entry(db, actor=people["kommune"], entry_id=state.id)
    assert sj.get_entry(db, actor=people["stat"], entry_id=both.id).id == both.id


@pytest.mark.parametrize("who", ["mk", "admin", "other_office"])
def test_no_journal_for_market_contacts_the_admin_or_another_office(db, world, who):
    people, candidate = world
    entry = note(db, people["stat"], candidate, "ANNET")
    with pytest.raises(AccessDenied):
        sj.list_entries(db, actor=people[who], candidate_id=candidate.id)
    with pytest.raises(AccessDenied):
        sj.get_entry(db, actor=people[who], entry_id=entry.id)
    with pytest.raises(AccessDenied):
        note(db, people[who], candidate, "ANNET")


def test_the_sql_rule_and_the_python_rule_agree(db, world):
    people, candidate = world
    entries = [
        note(db, people["stat"], candidate, "STAT"),
        note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL"),
        note(db, people["kommune"], candidate, "ANNET"),
    ]
    for actor in people.values():
        in_sql = set(db.scalars(access_journal.readable_entries(actor).with_only_columns(JournalEntry.id)))
        in_python = {e.id for e in entries if access_journal.may_read(actor, e, candidate.office_id)}
        assert in_sql == in_python, actor.email


def test_staff_write_only_in_their_own_service(db, world):
    people, candidate = world
    with pytest.raises(ValidationFailed) as refused:
        note(db, people["stat"], candidate, "KOMMUNE_SOSIAL")
    assert refused.value.field == "service"
    with pytest.raises(ValidationFailed) as refused:
        note(db, people["kommune"], candidate, "STAT")
    assert refused.value.field == "service"


def test_a_referat_draft_is_invisible_to_the_person_until_shared(db, world):
    people, candidate = world
    referat = note(db, people["stat"], candidate, "STAT", kind="SAMTALEREFERAT", title="Referat fra møtet")
    assert sj.entries_for_person(db, candidate_id=candidate.id) == []

    sj.share_with_person(db, actor=people["stat"], entry_id=referat.id, version=referat.version)
    seen = sj.entries_for_person(db, candidate_id=candidate.id)
    assert [(e.id, e.title, e.kind) for e in seen] == [(referat.id, "Referat fra møtet", "SAMTALEREFERAT")]


def test_the_person_sees_what_is_shared_from_every_service_and_no_drafts(db, world):
    people, candidate = world
    municipal = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL", title="Delt fra kommunen")
    note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL", title="Kommunens utkast")
    sj.share_with_person(db, actor=people["kommune"], entry_id=municipal.id)
    state = note(db, people["stat"], candidate, "STAT", title="Delt fra staten")
    sj.share_with_person(db, actor=people["stat"], entry_id=state.id)
    assert {e.title for e in sj.entries_for_person(db, candidate_id=candidate.id)} == {
        "Delt fra kommunen",
        "Delt fra staten",
    }


def test_edits_keep_versions_and_a_stale_version_is_refused(db, world):
    people, candidate = world
    entry = note(db, people["stat"], candidate, "STAT", text="Første tekst.")
    first = entry.version
    sj.update_draft(db, actor=people["stat"], entry_id=entry.id, data={"text": "Andre tekst."}, version=first)
    assert entry.version == first + 1

    with pytest.raises(StaleEdit) as stale:
        sj.update_draft(db, actor=people["js"], entry_id=entry.id, data={"text": "Tredje."}, version=first)
    assert stale.value.status_code == 409
    assert stale.value.changed == {"text": "Andre tekst."}

    versions = db.scalars(
        select(JournalVersion).where(JournalVersion.entry_id == entry.id).order_by(JournalVersion.version)
    ).all()
    assert [(v.version, v.change_type, v.text) for v in versions] == [
        (first, "OPPRETTET", "Første tekst."),
        (first + 1, "ENDRET", "Andre tekst."),
    ]


def test_a_shared_entry_can_no_longer_be_edited_and_a_correction_refers_to_it(db, world):
    people, candidate = world
    entry = note(db, people["stat"], candidate, "STAT", kind="SAMTALEREFERAT")
    sj.share_with_person(db, actor=people["stat"], entry_id=entry.id, version=entry.version)
    with pytest.raises(Conflict):
        sj.update_draft(
            db, actor=people["stat"], entry_id=entry.id, data={"text": "Ny."}, version=entry.version
        )
    with pytest.raises(Conflict):
        sj.share_with_person(db, actor=people["stat"], entry_id=entry.id)

    correction = sj.create_entry(
        db,
        actor=people["stat"],
        candidate_id=candidate.id,
        data={
            "kind": "SAMTALEREFERAT",
            "service": "STAT",
            "title": "Rettelse",
            "text": "Neste møte er 12. mars, ikke 21.",
            "corrects_id": entry.id,
        },
    ).entry
    assert correction.corrects_id == entry.id
    versions = db.scalars(select(JournalVersion.change_type).where(JournalVersion.entry_id == entry.id)).all()
    assert sorted(versions) == ["DELT", "OPPRETTET"]


def test_a_correction_must_refer_to_a_readable_entry_of_the_same_person(db, world):
    people, candidate = world
    municipal = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL")
    with pytest.raises(ValidationFailed) as refused:
        sj.create_entry(
            db,
            actor=people["stat"],
            candidate_id=candidate.id,
            data={"kind": "NOTAT", "service": "STAT", "title": "R", "text": "R", "corrects_id": municipal.id},
        )
    assert refused.value.field == "corrects_id"


def test_reads_and_writes_are_audit_logged(db, world):
    people, candidate = world
    entry = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL")
    sj.list_entries(db, actor=people["kommune"], candidate_id=candidate.id)
    sj.share_with_person(db, actor=people["kommune"], entry_id=entry.id)
    db.flush()
    rows = db.execute(
        select(AuditEntry.action, AuditEntry.subject_type, AuditEntry.subject_id, AuditEntry.purpose).where(
            AuditEntry.actor_id == people["kommune"].id
        )
    ).all()
    by = {(r.action, r.subject_type, r.subject_id) for r in rows}
    assert ("create", "plan_journal_entry", str(entry.id)) in by
    assert ("read", "plan_journal_entry", str(entry.id)) in by
    assert ("read", "candidate", str(candidate.id)) in by
    assert ("share", "plan_journal_entry", str(entry.id)) in by
    assert any("journal" in r.purpose for r in rows if r.subject_type == "candidate")


def test_a_refused_read_names_the_entry(db, world):
    people, candidate = world
    entry = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL")
    with pytest.raises(AccessDenied) as refused:
        sj.get_entry(db, actor=people["stat"], entry_id=entry.id)
    assert (refused.value.subject_type, refused.value.subject_id) == ("plan_journal_entry", entry.id)


def test_the_admins_audit_search_by_person_finds_the_journal_rows(client, db, world):
    people, candidate = world
    entry = note(db, people["kommune"], candidate, "KOMMUNE_SOSIAL")
    sj.get_entry(db, actor=people["kommune"], entry_id=entry.id)
    assert sj.audit_subjects_of(db, [candidate.id]) == [("plan_journal_entry", str(entry.id))]
    db.flush()
    found = client.get(
        "/api/v1/audit", params={"person": str(candidate.id)}, headers=api_headers(db, people["admin"])
    )
    assert found.status_code == 200, found.text
    assert ("plan_journal_entry", str(entry.id)) in {
        (r["subject_type"], r["subject_id"]) for r in found.json()
    }
