"""One home for a referat (issue #17, "One journal"): the referat of a MOTE or SAMTALEREFERAT activity is a journal
entry of kind SAMTALEREFERAT linked to the activity — written and shared through the journal's service (its
versions, readers by service, TryggTekst, audit), invisible to the person until shared, read-only once shared, and
what the activity's "shared before FULLFORT" reads. Through the services, the pages, the API, and a real Alembic
upgrade and downgrade of an old `details.referat` on a scratch SQLite database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core import migrate
from core.audit import AuditEntry
from core.db import make_engine
from core.errors import AccessDenied, Conflict, Forbidden, ValidationFailed
from core.locking import StaleEdit
from plans import service_activities as plans_activities
from plans import service_journal as sj
from plans import service_periods as plans_periods
from plans.models import PlanActivity
from plans.models_journal import JournalEntry, JournalVersion
from tests.factories import api_headers, csrf_from, login, make_candidate, make_office, make_user
from tests.plans.conftest import TODAY, mote, samtale

HEALTH = "Han fortalte at han er diagnostisert med depresjon og bruker Cipralex."


def _new(db, world, data):
    return plans_activities.create_activity(db, actor=world.js, candidate_id=world.candidate.id, data=data)


def _transactions(db, activity_id: int) -> list[str]:
    return [v.transaction_type for v in plans_activities.versions(db, activity_id=activity_id)]


@pytest.fixture
def municipal(db, world):
    return make_user(db, "veileder", office=world.office, employment="KOMMUNE")


# --- one home -----------------------------------------------------------------------------------------------


def test_a_referat_written_on_an_activity_is_a_samtalereferat_in_the_journal(db, world):
    a = _new(db, world, mote())
    assert "referat" not in a.details and "referat_publisert" not in a.details
    saved = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Vi ble enige om neste steg.")
    entry = saved.entry
    assert entry is not None and saved.exists and not saved.shared
    assert (entry.kind, entry.activity_id, entry.service) == ("SAMTALEREFERAT", a.id, "STAT")
    assert (entry.title, entry.text, entry.event_date) == (
        a.title,
        "Vi ble enige om neste steg.",
        a.from_date,
    )
    assert "referat" not in a.details  # the activity keeps no copy
    _, listed = sj.list_entries(db, actor=world.js, candidate_id=world.candidate.id)
    assert [e.id for e in listed] == [entry.id]
    # the journal's history and the activity's both record it
    assert [
        v.change_type for v in db.scalars(select(JournalVersion).where(JournalVersion.entry_id == entry.id))
    ] == ["OPPRETTET"]
    assert _transactions(db, a.id)[-1] == "REFERAT_OPPRETTET"

    sj.save_referat(
        db, actor=world.js, activity_id=a.id, referat="Vi ble enige om to steg.", version=a.version
    )
    assert entry.text == "Vi ble enige om to steg." and entry.version == 2
    assert _transactions(db, a.id)[-1] == "REFERAT_ENDRET"
    same = db.scalars(select(JournalEntry).where(JournalEntry.activity_id == a.id)).all()
    assert len(same) == 1  # one referat per activity, edited in place as a draft
    history = plans_activities.history(db, actor=world.js, activity_id=a.id)
    assert [h.text for h in history][-2:] == ["skrev referat", "endret referatet"]


def test_a_samtalereferat_created_with_its_referat_writes_it_in_the_journal(db, world):
    a = _new(db, world, samtale(referat="Vi snakket om bolig og budsjett."))
    entry = db.scalar(select(JournalEntry).where(JournalEntry.activity_id == a.id))
    assert entry is not None and entry.text == "Vi snakket om bolig og budsjett." and not entry.is_shared
    assert _transactions(db, a.id) == ["OPPRETTET", "REFERAT_OPPRETTET"]
    # provider KOMMUNE_SOSIAL, but the writer is state staff: the referat is in the writer's own service
    assert entry.service == "STAT"


def test_a_draft_referat_is_invisible_to_the_person_until_shared(db, world):
    a = _new(db, world, mote())
    sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Utkast: ikke delt ennå.")
    assert sj.entries_for_person(db, candidate_id=world.candidate.id) == []
    assert sj.referat_shared(db, activity_id=a.id) is False
    shared = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Delt referat.", publish=True)
    seen = sj.entries_for_person(db, candidate_id=world.candidate.id)
    assert [(e.kind, e.text) for e in seen] == [("SAMTALEREFERAT", "Delt referat.")]
    assert shared.shared and sj.referat_shared(db, activity_id=a.id) is True
    assert _transactions(db, a.id)[-2:] == ["REFERAT_ENDRET", "REFERAT_PUBLISERT"]


@pytest.mark.parametrize("maker", [mote, samtale])
def test_completing_a_meeting_before_its_referat_is_shared_is_refused(db, world, maker):
    a = _new(db, world, maker(referat="") if maker is samtale else maker())
    with pytest.raises(ValidationFailed) as exc:
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    assert (exc.value.field, exc.value.message) == ("status", plans_activities.MSG_REFERAT_FIRST)
    saved = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Neste møte om to uker.")
    with pytest.raises(ValidationFailed):
        plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    # shared from the journal's own page: the same entry, so the activity may now be completed
    assert saved.entry is not None
    sj.share_with_person(db, actor=world.js, entry_id=saved.entry.id, version=saved.entry.version)
    assert _transactions(db, a.id)[-1] == "REFERAT_PUBLISERT"
    plans_activities.change_status(db, actor=world.js, activity_id=a.id, status="FULLFORT")
    assert a.status == "FULLFORT"


def test_a_shared_referat_is_read_only(db, world):
    a = _new(db, world, mote())
    saved = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Delt.", publish=True)
    assert saved.entry is not None
    before = len(plans_activities.versions(db, activity_id=a.id))
    for publish in (False, True):
        with pytest.raises(Conflict) as exc:
            sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Endret.", publish=publish)
        assert exc.value.message == sj.MSG_REFERAT_SHARED
    with pytest.raises(Conflict):
        sj.update_draft(
            db, actor=world.js, entry_id=saved.entry.id, data={"text": "Endret."}, version=saved.entry.version
        )
    assert saved.entry.text == "Delt." and len(plans_activities.versions(db, activity_id=a.id)) == before


def test_the_activity_version_is_checked_and_a_stale_one_refused(db, world):
    a = _new(db, world, mote())
    read = a.version
    sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Først.", version=read)
    with pytest.raises(StaleEdit):
        sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Utdatert.", version=read)


def test_a_referat_is_emptied_never_and_belongs_only_to_meetings(db, world):
    a = _new(db, world, mote())
    assert not sj.save_referat(db, actor=world.js, activity_id=a.id, referat="").exists  # nothing to save
    sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Skrevet.")
    with pytest.raises(ValidationFailed) as exc:
        sj.save_referat(db, actor=world.js, activity_id=a.id, referat="  ")
    assert (exc.value.field, exc.value.message) == ("referat", sj.MSG_REFERAT_CLEARED)


def test_editing_a_linked_entry_in_the_journal_keeps_it_a_referat_of_an_editable_activity(db, world):
    a = _new(db, world, mote())
    entry = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Først.").entry
    assert entry is not None
    sj.update_draft(db, actor=world.js, entry_id=entry.id, data={"text": "Rettet i journalen."}, version=1)
    assert _transactions(db, a.id)[-1] == "REFERAT_ENDRET"
    seen = sj.referat_of(db, actor=world.js, activity=a, purpose="test").entry
    assert seen is not None and seen.text == "Rettet i journalen."
    with pytest.raises(ValidationFailed) as exc:
        sj.update_draft(db, actor=world.js, entry_id=entry.id, data={"kind": "NOTAT"}, version=entry.version)
    assert exc.value.field == "kind"
    plans_activities.change_status(
        db, actor=world.js, activity_id=a.id, status="AVBRUTT", reason="Personen ble syk"
    )
    with pytest.raises(Conflict):  # the meeting is cancelled: its referat is as read-only as the activity
        sj.update_draft(
            db, actor=world.js, entry_id=entry.id, data={"text": "Senere."}, version=entry.version
        )


# --- readers by service ---------------------------------------------------------------------------------------


def test_the_readers_by_service_rule_applies_to_a_referat(db, world, municipal):
    a = _new(db, world, mote())
    entry = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Statlig referat.").entry
    assert entry is not None and entry.service == "STAT"
    # the municipal caseworker of the same office reads the plan, but not the state's referat
    _, listed = sj.list_entries(db, actor=municipal, candidate_id=world.candidate.id)
    assert entry.id not in [e.id for e in listed]
    with pytest.raises(AccessDenied):
        sj.get_entry(db, actor=municipal, entry_id=entry.id)
    seen = sj.referat_of(db, actor=municipal, activity=a, purpose="test")
    assert seen.exists and not seen.readable and seen.entry is None and not seen.shared
    with pytest.raises(Forbidden):
        sj.save_referat(db, actor=municipal, activity_id=a.id, referat="Kommunens tekst.")
    assert entry.text == "Statlig referat."

    # a municipal caseworker's referat of a municipal meeting is the municipal service's
    b = plans_activities.create_activity(
        db,
        actor=municipal,
        candidate_id=world.candidate.id,
        data=mote(provider="KOMMUNE_SOSIAL", responsible_name="Siri Sosial", title="Møte om bolig"),
    )
    theirs = sj.save_referat(db, actor=municipal, activity_id=b.id, referat="Boligsøknad sendt.").entry
    assert theirs is not None and theirs.service == "KOMMUNE_SOSIAL"
    _, for_state = sj.list_entries(db, actor=world.js, candidate_id=world.candidate.id)
    assert theirs.id not in [e.id for e in for_state]
    # an activity at another provider goes under ANNET, read by both
    c = _new(db, world, mote(provider="HELSE", responsible_name="Fastlegen", title="Møte med fastlegen"))
    both = sj.save_referat(db, actor=world.js, activity_id=c.id, referat="Felles referat.").entry
    assert both is not None and both.service == "ANNET"
    assert sj.get_entry(db, actor=municipal, entry_id=both.id).text == "Felles referat."


def test_the_sensitive_text_warning_applies_to_a_referat(db, world):
    a = _new(db, world, mote())
    draft = sj.save_referat(db, actor=world.js, activity_id=a.id, referat=HEALTH, confirm_needed=True)
    assert draft.warnings == []  # a state draft stays within the state service
    with pytest.raises(ValidationFailed) as exc:
        sj.save_referat(
            db, actor=world.js, activity_id=a.id, referat=HEALTH, publish=True, confirm_needed=True
        )
    assert exc.value.field == sj.CONFIRM_FIELD and "depresjon" in exc.value.message
    assert sj.referat_shared(db, activity_id=a.id) is False
    shared = sj.save_referat(
        db,
        actor=world.js,
        activity_id=a.id,
        referat=HEALTH,
        publish=True,
        confirm_needed=True,
        confirmed=True,
    )
    assert shared.shared and "personen selv" in (shared.warning or "")


def test_writing_and_sharing_a_referat_is_audited_as_a_journal_entry(db, world):
    a = _new(db, world, mote())
    entry = sj.save_referat(db, actor=world.js, activity_id=a.id, referat="Skrevet.", publish=True).entry
    assert entry is not None
    actions = set(
        db.scalars(
            select(AuditEntry.action).where(
                AuditEntry.subject_type == sj.SUBJECT, AuditEntry.subject_id == str(entry.id)
            )
        )
    )
    assert {"create", "share"} <= actions


# --- pages and API --------------------------------------------------------------------------------------------


def test_the_activity_page_writes_and_shows_the_referat_and_the_journal_links_to_the_activity(
    client, db, world
):
    a = _new(db, world, mote())
    login(client, world.js)
    page = f"/kandidater/{world.candidate.id}/plan/aktiviteter/{a.id}"
    form = {"r_referat": "Vi gikk gjennom planen.", "r_version": str(a.version), "r_publiser": "0"}
    r = client.post(page + "/referat", data={**form, "csrf_token": csrf_from(client, page)})
    assert r.status_code == 303
    shown = client.get(page)
    assert "Vi gikk gjennom planen." in shown.text and "Ikke delt: personen ser ikke referatet" in shown.text
    entry = db.scalar(select(JournalEntry).where(JournalEntry.activity_id == a.id))
    assert entry is not None and f'href="/journal/{entry.id}"' in shown.text
    journal = client.get(f"/kandidater/{world.candidate.id}/journal")
    assert f'href="{page}"' in journal.text and "Referat fra aktiviteten i planen" in journal.text
    assert f"/plan/aktiviteter/{a.id}#referat" in client.get(f"/journal/{entry.id}").text

    db.expire_all()
    version = db.get(PlanActivity, a.id).version
    share = {**form, "r_version": str(version), "r_publiser": "1"}
    r = client.post(page + "/referat", data={**share, "csrf_token": csrf_from(client, page)})
    assert r.status_code == 303
    shown = client.get(page)
    assert "Delt med personen" in shown.text and 'name="r_referat"' not in shown.text  # read-only now
    db.expire_all()
    version = db.get(PlanActivity, a.id).version
    again = {**form, "r_version": str(version)}
    refused = client.post(page + "/referat", data={**again, "csrf_token": csrf_from(client, page)})
    assert refused.status_code == 409 and "kan ikke endres lenger" in refused.text


def test_the_activity_page_asks_before_sharing_a_referat_that_names_health_details(client, db, world):
    a = _new(db, world, mote())
    login(client, world.js)
    page = f"/kandidater/{world.candidate.id}/plan/aktiviteter/{a.id}"
    form = {"r_referat": HEALTH, "r_version": str(a.version), "r_publiser": "1"}
    asked = client.post(page + "/referat", data={**form, "csrf_token": csrf_from(client, page)})
    assert (
        asked.status_code == 422 and 'name="r_confirm_sensitive"' in asked.text and "depresjon" in asked.text
    )
    assert sj.referat_shared(db, activity_id=a.id) is False
    confirmed = {**form, "r_confirm_sensitive": "1"}
    done = client.post(page + "/referat", data={**confirmed, "csrf_token": csrf_from(client, page)})
    assert done.status_code == 303 and sj.referat_shared(db, activity_id=a.id) is True


def test_the_api_writes_the_referat_in_the_journal_and_refuses_a_shared_one(client, db, world, municipal):
    a = _new(db, world, mote())
    h = api_headers(db, world.js)
    url = f"/api/v1/plan-activities/{a.id}"
    r = client.post(url + "/referat", json={"referat": "Utkast.", "version": a.version}, headers=h)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["referat"]["text"] == "Utkast." and body["referat"]["shared_with_person_at"] is None
    assert "referat" not in body["details"]
    entry_id = body["referat"]["journal_entry_id"]
    assert client.get(f"/api/v1/journal/{entry_id}", headers=h).json()["type"] == "SAMTALEREFERAT"
    done = client.post(url + "/status", json={"status": "FULLFORT", "version": body["version"]}, headers=h)
    assert done.status_code == 422 and done.json()["detail"][0]["field"] == "status"
    r = client.post(
        url + "/referat", json={"referat": "Delt.", "publiser": True, "version": body["version"]}, headers=h
    )
    assert r.status_code == 200 and r.json()["referat"]["shared_with_person_at"] is not None
    version = r.json()["version"]
    again = client.post(url + "/referat", json={"referat": "Endret.", "version": version}, headers=h)
    assert again.status_code == 409 and "kan ikke endres lenger" in again.text
    # the municipal caseworker sees that there is a shared referat, not its text
    theirs = client.get(url, headers=api_headers(db, municipal)).json()["referat"]
    assert theirs["shared_with_person_at"] is not None and theirs["text"] is None
    assert theirs["journal_entry_id"] is None


# --- the migration ---------------------------------------------------------------------------------------------


def _sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip(
            "the scratch database of this test is a SQLite file (PostgreSQL: run the migration by hand)"
        )


def test_the_migration_moves_an_old_details_referat_into_the_journal_and_back(tmp_path: Path, database_url):
    _sqlite_only(database_url)
    migration_round_trip(f"sqlite:///{tmp_path / 'scratch.db'}")


def migration_round_trip(url: str) -> None:
    """On an empty database at `url`: the schema at head with three meetings written through the services, down
    to 0020 and the referat put in their details as the old code kept it, up again (moved into the journal), and
    down once more (moved back). Also run by hand on an empty PostgreSQL database."""
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        office = make_office(session)
        js = make_user(session, "jobbspesialist", office=office)
        person = make_candidate(session, office, actor=js)
        plans_periods.start_period(session, actor=js, candidate_id=person.id, start_date=TODAY)
        shared = plans_activities.create_activity(session, actor=js, candidate_id=person.id, data=mote())
        draft = plans_activities.create_activity(
            session, actor=js, candidate_id=person.id, data=samtale(referat="", provider="HELSE")
        )
        empty = plans_activities.create_activity(session, actor=js, candidate_id=person.id, data=mote())
        ids = (shared.id, draft.id, empty.id, person.id, js.id)
        session.commit()
    engine.dispose()
    cfg = migrate.alembic_config(url)
    command.downgrade(cfg, "0020")

    # the data as the code before 0022 kept it: the referat in the activity's details
    shared_id, draft_id, empty_id, person_id, js_id = ids
    shared_at = dt.datetime(2026, 3, 4, 10, 30, tzinfo=dt.UTC)
    engine = make_engine(url)
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        for activity_id, details in (
            (shared_id, {"kanal": "OPPMOTE", "referat": "Delt før 0022.", "referat_publisert": True}),
            (draft_id, {"kanal": "TELEFON", "referat": "Utkast før 0022.", "referat_publisert": False}),
            (empty_id, {"kanal": "OPPMOTE", "referat": "", "referat_publisert": False}),
        ):
            conn.execute(
                text(
                    f"UPDATE plan_activities SET details = {'CAST(:d AS JSON)' if postgres else ':d'} WHERE id = :id"
                ),
                {"d": json.dumps(details), "id": activity_id},
            )
        conn.execute(
            text(
                "INSERT INTO plan_activity_versions (activity_id, version, status, transaction_type, "
                "changed_by_type, changed_by_id, changed_by_name, changed_at, data, note) VALUES "
                f"(:a, 99, 'PLANLAGT', 'REFERAT_PUBLISERT', 'NAV', :u, 'Test', :at, {'CAST(:e AS JSON)' if postgres else ':e'}, '')"
            ),
            {
                "a": shared_id,
                "u": js_id,
                "at": shared_at if postgres else shared_at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "e": "{}",
            },
        )
    engine.dispose()

    migrate.upgrade(make_engine(url))
    engine = make_engine(url)
    with Session(engine) as session:
        entries = {
            e.activity_id: e
            for e in session.scalars(select(JournalEntry).where(JournalEntry.candidate_id == person_id))
        }
        assert set(entries) == {shared_id, draft_id}  # an empty referat is no entry
        moved = entries[shared_id]
        assert (moved.kind, moved.service, moved.text) == ("SAMTALEREFERAT", "STAT", "Delt før 0022.")
        assert moved.shared_with_person_at == shared_at and moved.shared_by_id == js_id
        assert [
            v.change_type
            for v in session.scalars(
                select(JournalVersion)
                .where(JournalVersion.entry_id == moved.id)
                .order_by(JournalVersion.version)
            )
        ] == ["OPPRETTET", "DELT"]
        assert moved.version == 2
        assert entries[draft_id].shared_with_person_at is None and entries[draft_id].service == "ANNET"
        for activity_id in (shared_id, draft_id, empty_id):
            activity = session.get(PlanActivity, activity_id)
            assert activity is not None
            details = activity.details
            assert "referat" not in details and "referat_publisert" not in details and details["kanal"]
        assert sj.referat_shared(session, activity_id=shared_id) is True
        assert sj.referat_shared(session, activity_id=draft_id) is False
    engine.dispose()

    command.downgrade(cfg, "0020")
    engine = make_engine(url)
    with engine.connect() as conn:
        raw = conn.scalar(text("SELECT details FROM plan_activities WHERE id = :id"), {"id": shared_id})
        back = raw if isinstance(raw, dict) else json.loads(raw)
        assert back["referat"] == "Delt før 0022." and back["referat_publisert"] is True
        assert conn.scalar(text("SELECT count(*) FROM plan_journal_entries")) == 0
    engine.dispose()
