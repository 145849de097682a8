"""Status follows the phase: every change of phase or placement (and every chosen status) leaves the two in
agreement, so caseloads and reports by status are right without anyone remembering to change both."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import selectinload

import demo
from core.errors import ValidationFailed
from core.formatting import today_in_oslo
from followup import service_placements as followup_placements
from followup import service_records as followup_records
from followup.models import FollowupRecord
from tests.factories import (
    csrf_from,
    load_builtin_reference,
    login,
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_user,
)

D = dt.date
START = D(2026, 1, 5)


def state(record, today=None):
    """(phase, status), after checking the stored status is the one the phase stands for."""
    assert record.status == followup_records.status_for(record, today), (
        record.status,
        followup_records.current_phase(record),
    )
    return followup_records.current_phase(record), record.status


@pytest.fixture
def team(db):
    office = make_office(db)
    return office, make_user(db, "jobbspesialist", office=office), make_employer(db)


def test_a_job_start_in_the_future_puts_phase_and_status_in_job_together(db, team):
    office, spec, employer = team
    record = make_followup_record(db, office, spec, start_date=START)
    followup_records.enter_phase(
        db, actor=spec, record=record, phase=2, entered_on=D(2026, 1, 10), today=D(2026, 1, 10)
    )
    assert state(record, D(2026, 1, 20)) == (2, "kartlegging")
    followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 2, 2),  # a job agreed today, starting in two weeks (the reported case)
        percent=40,
        employer_id=employer.id,
        title="Lagermedarbeider",
        today=D(2026, 1, 20),
    )
    assert state(record, D(2026, 1, 20)) == (5, "i_jobb")
    assert record.status_label == "I jobb"


def test_walking_every_phase_change_keeps_status_and_phase_together(db, team):
    office, spec, employer = team
    record = make_followup_record(db, office, spec, start_date=START)
    day = D(2026, 1, 10)
    assert state(record, day) == (1, "henvist")
    expected = {2: "kartlegging", 3: "jobbutvikling", 4: "jobbutvikling", 1: "henvist"}
    for i, phase in enumerate((2, 3, 4, 1, 3)):
        followup_records.enter_phase(
            db, actor=spec, record=record, phase=phase, entered_on=day + dt.timedelta(i), today=day
        )
        assert state(record, day) == (phase, expected[phase])
    # phase 5 is entered by the job start itself, never by hand without a job
    with pytest.raises(ValidationFailed) as exc:
        followup_records.enter_phase(db, actor=spec, record=record, phase=5, entered_on=day, today=day)
    assert exc.value.field == "phase" and state(record, day) == (3, "jobbutvikling")
    # the first contact with an employer in phase 3 moves to phase 4: the status stays job development
    followup_records.log_contact(
        db,
        actor=spec,
        record=record,
        date=D(2026, 1, 20),
        with_whom="arbeidsgiver",
        mode="telefon",
        employer_id=employer.id,
        today=D(2026, 1, 20),
    )
    assert state(record, D(2026, 1, 20)) == (4, "jobbutvikling")
    job = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 2, 2),
        percent=50,
        employer_id=employer.id,
        title="Kokk",
        today=D(2026, 2, 2),
    )
    assert state(record, D(2026, 2, 2)) == (5, "i_jobb")
    followup_records.set_status(db, actor=spec, record=record, status="nedtrapping", today=D(2026, 5, 1))
    assert state(record, D(2026, 5, 1)) == (5, "nedtrapping")
    followup_records.set_status(db, actor=spec, record=record, status="i_jobb", today=D(2026, 5, 2))
    assert state(record, D(2026, 5, 2)) == (5, "i_jobb")
    followup_placements.end_placement(
        db,
        actor=spec,
        record=record,
        placement=job,
        end_date=D(2026, 5, 10),
        reason="oppsagt",
        today=D(2026, 5, 10),
    )
    assert state(record, D(2026, 5, 11)) == (3, "jobbutvikling")
    with pytest.raises(ValidationFailed):
        followup_records.set_status(db, actor=spec, record=record, status="nedtrapping", today=D(2026, 5, 12))
    # choosing a status enters the phase it stands for, in the same call
    followup_records.set_status(db, actor=spec, record=record, status="kartlegging", today=D(2026, 5, 12))
    assert state(record, D(2026, 5, 12)) == (2, "kartlegging")
    followup_records.set_status(db, actor=spec, record=record, status="henvist", today=D(2026, 5, 13))
    assert state(record, D(2026, 5, 13)) == (1, "henvist")
    followup_records.set_status(db, actor=spec, record=record, status="jobbutvikling", today=D(2026, 5, 14))
    assert state(record, D(2026, 5, 14)) == (3, "jobbutvikling")
    school = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="utdanning",
        start_date=D(2026, 8, 15),
        percent=100,
        title="Vg2 Restaurant",
        today=D(2026, 6, 1),
    )
    assert state(record, D(2026, 6, 1)) == (5, "i_utdanning")
    assert school.employer_id is None


def test_services_without_the_ips_steps_map_phases_to_aktiv(db, team):
    office, spec, employer = team
    record = make_followup_record(db, office, spec, service="kvp", start_date=START)
    followup_records.enter_phase(
        db, actor=spec, record=record, phase=3, entered_on=D(2026, 1, 9), today=D(2026, 1, 9)
    )
    assert state(record, D(2026, 1, 9)) == (3, "aktiv")
    followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="lonnstilskudd",
        start_date=D(2026, 1, 12),
        percent=60,
        employer_id=employer.id,
        title="Renholder",
        today=D(2026, 1, 12),
    )
    assert state(record, D(2026, 1, 12)) == (5, "i_jobb")


def test_the_record_page_shows_the_status_in_job_after_job_start(client, db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    today = today_in_oslo()
    record = make_followup_record(
        db, office, spec, make_candidate(db, office, actor=spec), start_date=today - dt.timedelta(days=20)
    )
    followup_records.enter_phase(
        db, actor=spec, record=record, phase=2, entered_on=today - dt.timedelta(days=10)
    )
    db.flush()
    login(client, spec)
    url = f"/oppfolging/{record.id}"
    assert '<strong id="jobbspor-status">Kartlegging</strong>' in client.get(url).text
    r = client.post(
        f"{url}/arbeidsforhold",
        data={
            "p_type": "ordinaer",
            "p_employer_id": str(employer.id),
            "p_title": "Lagermedarbeider",
            "p_start_date": (today + dt.timedelta(days=7)).isoformat(),
            "p_percent": "30",
            "csrf_token": csrf_from(client, url),
        },
    )
    assert r.status_code == 303, r.text
    page = client.get(url).text
    assert '<strong id="jobbspor-status">I jobb</strong>' in page
    assert '<dd id="jobbspor-fase">5 Oppfølging på og utenfor arbeidsplassen</dd>' in page


def test_the_demo_data_has_no_record_whose_status_disagrees_with_its_phase(db):
    load_builtin_reference(db)
    demo.load(db, size="small")
    db.flush()
    records = db.scalars(
        select(FollowupRecord).options(
            selectinload(FollowupRecord.phases), selectinload(FollowupRecord.placements)
        )
    ).all()
    assert len(records) > 20
    wrong = [
        (r.id, r.status, followup_records.current_phase(r))
        for r in records
        if r.status != followup_records.status_for(r)
    ]
    assert wrong == []
    assert {r.status for r in records} >= {"jobbutvikling", "i_jobb"}
