"""Phase timeline, plan generation from a start date, overdue detection across month ends, retention."""

from __future__ import annotations

import datetime as dt

import pytest

from core.errors import Conflict, ValidationFailed
from followup import service_placements as followup_placements
from followup import service_plan as followup_plan
from followup import service_records as followup_records
from followup.dates import add_months
from followup.models import PlanItem
from tests.factories import (
    make_candidate,
    make_employer,
    make_followup_record,
    make_office,
    make_opening,
    make_user,
)

D = dt.date


@pytest.fixture
def team(db):
    office = make_office(db)
    specialist = make_user(db, "jobbspesialist", office=office)
    return office, specialist


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),
        (D(2026, 3, 31), -1, D(2026, 2, 28)),
        (D(2025, 12, 31), 2, D(2026, 2, 28)),
        (D(2026, 1, 31), 12, D(2027, 1, 31)),
        (D(2026, 8, 31), 1, D(2026, 9, 30)),
    ],
)
def test_add_months_clamps_to_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_phase_timeline_time_spent_per_phase(db, team):
    office, spec = team
    record = make_followup_record(db, office, spec, service="supported_employment", start_date=D(2026, 1, 5))
    followup_records.enter_phase(db, actor=spec, record=record, phase=2, entered_on=D(2026, 1, 20))
    followup_records.enter_phase(db, actor=spec, record=record, phase=3, entered_on=D(2026, 2, 10))
    spans = followup_records.phase_timeline(record, today=D(2026, 2, 20))
    assert [(s.phase, s.entered_on, s.left_on, s.days) for s in spans] == [
        (1, D(2026, 1, 5), D(2026, 1, 20), 15),
        (2, D(2026, 1, 20), D(2026, 2, 10), 21),
        (3, D(2026, 2, 10), None, 10),
    ]
    assert followup_records.days_per_phase(record, today=D(2026, 2, 20)) == {1: 15, 2: 21, 3: 10, 4: 0, 5: 0}
    with pytest.raises(ValidationFailed):
        followup_records.enter_phase(db, actor=spec, record=record, phase=6, entered_on=D(2026, 2, 11))


def _items(db, record):
    return {
        (i.kind, i.note): (i.window_start, i.warn_date, i.due_date)
        for i in db.query(PlanItem).filter_by(record_id=record.id).all()
    }


def test_plan_generated_from_start_date(db, team):
    office, spec = team
    employer = make_employer(db)
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 31), today=D(2026, 1, 31))
    items = _items(db, record)
    # first employer contact: warned at day 21, breached after day 30
    assert items[("first_employer_contact", "")] == (D(2026, 1, 31), D(2026, 2, 21), D(2026, 3, 2))
    # progress report due at start + 76 days, reminder 14 days before
    assert items[("progress_report", "")][1:] == (D(2026, 4, 3), D(2026, 4, 17))
    followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 1, 31),
        percent=30,
        employer_id=employer.id,
        title="Lagermedarbeider",
        today=D(2026, 1, 31),
    )
    items = _items(db, record)
    assert items[("before_start", "")] == (D(2026, 1, 24), D(2026, 1, 31), D(2026, 1, 31))
    assert items[("after_start", "")][2] == D(2026, 2, 3)
    assert [items[("weekly", f"uke {w}")][2] for w in (1, 2, 3, 4)] == [
        D(2026, 2, 7),
        D(2026, 2, 14),
        D(2026, 2, 21),
        D(2026, 2, 28),
    ]
    # then monthly for 12 months, counted in calendar months from the start (month ends clamp)
    assert items[("monthly", "måned 2")][2] == D(2026, 3, 31)
    assert items[("monthly", "måned 3")][2] == D(2026, 4, 30)
    assert items[("monthly", "måned 12")][2] == D(2027, 1, 31)
    assert record.status == "i_jobb"
    assert [s.phase for s in followup_records.phase_timeline(record, D(2026, 2, 1))][-1] == 5


def test_overdue_detection_across_month_end(db, team):
    office, spec = team
    employer = make_employer(db)
    # "ordinaer" has no weekly rule: the first monthly contact is due one calendar month after 31 January
    record = make_followup_record(db, office, spec, service="ordinaer", start_date=D(2026, 1, 31))
    placement = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 1, 31),
        percent=40,
        employer_id=employer.id,
        today=D(2026, 1, 31),
    )
    monthly = db.query(PlanItem).filter_by(record_id=record.id, kind="monthly", note="måned 1").one()
    assert monthly.due_date == D(2026, 2, 28)
    assert followup_plan.item_state(monthly, D(2026, 2, 27)) == "apen"
    assert followup_plan.item_state(monthly, D(2026, 2, 28)) == "i_dag"
    assert followup_plan.item_state(monthly, D(2026, 3, 1)) == "forfalt"
    reminders = followup_plan.due_reminders(db, D(2026, 2, 28))
    assert [i["kind"] for i in reminders[spec.id]["due_today"]] == ["monthly"]
    overdue_kinds = {i["kind"] for i in followup_plan.due_reminders(db, D(2026, 3, 1))[spec.id]["overdue"]}
    assert "monthly" in overdue_kinds
    db.refresh(monthly)
    assert monthly.warned_on == D(2026, 2, 28) and monthly.breached_on == D(2026, 3, 1)
    # a contact with the person inside the window fulfils it; it is no longer overdue
    followup_records.log_contact(
        db,
        actor=spec,
        record=record,
        date=D(2026, 2, 20),
        with_whom="person",
        mode="samfunnet",
        duration_minutes=45,
        placement_id=placement.id,
        today=D(2026, 3, 1),
    )
    db.refresh(monthly)
    assert monthly.done_on == D(2026, 2, 20)
    assert followup_plan.item_state(monthly, D(2026, 3, 1)) == "utfort"


def test_passive_period_pauses_instead_of_closing(db, team):
    office, spec = team
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    followup_records.add_passive_period(
        db, actor=spec, record=record, from_date=D(2026, 1, 20), to_date=None, reason="Innlagt"
    )
    first = db.query(PlanItem).filter_by(record_id=record.id, kind="first_employer_contact").one()
    assert followup_plan.item_state(first, D(2026, 3, 1), record.passive_periods) == "pausert"
    assert spec.id not in followup_plan.due_reminders(db, D(2026, 2, 10)) or all(
        i["kind"] != "first_employer_contact"
        for i in followup_plan.due_reminders(db, D(2026, 2, 10))[spec.id]["overdue"]
    )
    assert record.status != "avsluttet"


def test_job_loss_plans_contact_within_3_days_and_status_back(db, team):
    office, spec = team
    employer = make_employer(db)
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    p = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 2, 2),
        percent=20,
        employer_id=employer.id,
        today=D(2026, 2, 2),
    )
    followup_placements.end_placement(
        db,
        actor=spec,
        record=record,
        placement=p,
        end_date=D(2026, 3, 13),
        reason="oppsagt",
        today=D(2026, 3, 13),
    )
    loss = db.query(PlanItem).filter_by(record_id=record.id, kind="job_loss").one()
    assert (loss.window_start, loss.due_date) == (D(2026, 3, 13), D(2026, 3, 16))
    assert (
        not db.query(PlanItem)
        .filter(
            PlanItem.record_id == record.id, PlanItem.kind == "monthly", PlanItem.due_date > D(2026, 3, 13)
        )
        .count()
    )
    assert record.status == "jobbutvikling"


def test_i_jobb_requires_a_job_and_ended_record_is_read_only(db, team):
    office, spec = team
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    with pytest.raises(ValidationFailed) as exc:
        followup_records.set_status(db, actor=spec, record=record, status="i_jobb")
    assert exc.value.field == "status"
    followup_records.set_status(db, actor=spec, record=record, status="kartlegging")
    followup_records.end_record(
        db, actor=spec, record=record, end_date=D(2026, 5, 1), cause="annet", detail="sykdom"
    )
    with pytest.raises(Conflict):
        followup_records.set_status(db, actor=spec, record=record, status="jobbutvikling")
    with pytest.raises(Conflict):
        followup_records.log_contact(
            db, actor=spec, record=record, date=D(2026, 5, 2), with_whom="person", mode="telefon"
        )


def test_retention_milestones_from_dates(db, team):
    office, spec = team
    employer = make_employer(db)
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    p = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 1, 31),
        percent=50,
        employer_id=employer.id,
        today=D(2026, 1, 31),
    )
    assert followup_placements.retention_milestones(p, D(2026, 5, 1)) == {1: True, 3: True, 6: None, 12: None}
    followup_placements.end_placement(
        db,
        actor=spec,
        record=record,
        placement=p,
        end_date=D(2026, 5, 15),
        reason="helse",
        today=D(2026, 5, 15),
    )
    # 1 month = 28 Feb, 3 months = 30 Apr (held), 6 months = 31 Jul (ended before)
    assert followup_placements.retention_milestones(p, D(2026, 12, 1)) == {
        1: True,
        3: True,
        6: False,
        12: False,
    }


def test_hours_increase_is_recorded(db, team):
    office, spec = team
    employer = make_employer(db)
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    p = followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 2, 2),
        percent=20,
        employer_id=employer.id,
        today=D(2026, 2, 2),
    )
    assert p.hours_per_week == 7.5
    followup_placements.change_placement(
        db, actor=spec, record=record, placement=p, changed_on=D(2026, 4, 1), percent=40
    )
    assert followup_placements.terms_on(p, D(2026, 3, 31)) == (20, 7.5)
    assert followup_placements.current_terms(p) == (40, 15.0)
    assert followup_placements.hours_increased(p)


def test_measure_limits(db, team):
    office, spec = team
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    with pytest.raises(ValidationFailed):
        followup_records.add_measure(
            db,
            actor=spec,
            record=record,
            kind="midlertidig_lonnstilskudd",
            start_date=D(2026, 2, 1),
            end_date=D(2027, 3, 1),
        )
    m = followup_records.add_measure(
        db,
        actor=spec,
        record=record,
        kind="midlertidig_lonnstilskudd",
        start_date=D(2026, 2, 1),
        end_date=D(2027, 3, 1),
        reduced_work_capacity=True,
    )
    end = db.query(PlanItem).filter_by(record_id=record.id, kind="measure_end", ref_id=m.id).one()
    assert (end.warn_date, end.due_date) == (D(2027, 1, 30), D(2027, 3, 1))
    with pytest.raises(ValidationFailed):
        followup_records.add_measure(
            db, actor=spec, record=record, kind="mentor", start_date=D(2026, 2, 1), end_date=D(2026, 8, 2)
        )


def test_start_placement_from_candidate_list_entry(db, team):
    office, spec = team
    employer = make_employer(db)
    opening = make_opening(db, employer)
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    p = followup_placements.start_placement_from(
        db,
        actor=spec,
        today=D(2026, 3, 1),
        data={
            "outcome": "FATT_JOBBEN",
            "candidate_id": record.candidate_id,
            "employer_id": employer.id,
            "opening_id": opening.id,
            "title": "Butikkmedarbeider",
            "percent": 30,
            "start_date": "2026-03-01",
        },
    )
    assert (p.opening_id, p.percent, p.title, p.record_id) == (opening.id, 30, "Butikkmedarbeider", record.id)
    other = make_opening(db, make_employer(db))
    for wrong, message in ((other.id, "annen arbeidsgiver"), (2_000_000_000, "Fant ikke")):
        with pytest.raises(ValidationFailed, match=message) as exc:
            followup_placements.start_placement_from(
                db,
                actor=spec,
                today=D(2026, 3, 1),
                data={
                    "outcome": "FATT_JOBBEN",
                    "candidate_id": record.candidate_id,
                    "employer_id": employer.id,
                    "opening_id": wrong,
                    "percent": 30,
                    "start_date": "2026-03-01",
                },
            )
        assert exc.value.field == "opening_id"
    with pytest.raises(ValidationFailed):
        followup_placements.start_placement_from(
            db, actor=spec, data={"outcome": "AVSLAG", "candidate_id": record.candidate_id}
        )


def test_uføre_income_against_settings(db, team, settings):
    office, spec = team
    record = make_followup_record(db, office, spec, start_date=D(2026, 1, 5))
    followup_records.log_counselling(
        db,
        actor=spec,
        record=record,
        date=D(2026, 3, 1),
        occasion="jobbstart",
        expected_annual_earnings=60000,
    )
    status = followup_records.ufore_income_status(db, record=record, year=2026, settings=settings)
    assert status["limit"] == settings.inntektsgrense_ufore and status["grunnbelop"] == settings.grunnbelop
    assert status["over_limit"] is (settings.inntektsgrense_ufore < 60000)


def test_ending_the_last_record_starts_the_retention_clock(db, team):
    office, spec = team
    candidate = make_candidate(db, office, actor=spec)
    first = make_followup_record(db, office, spec, candidate=candidate, start_date=D(2026, 1, 5))
    second = make_followup_record(
        db, office, spec, candidate=candidate, service="kvp", start_date=D(2026, 2, 1)
    )
    assert candidate.retention_date is None
    followup_records.end_record(
        db, actor=spec, record=first, end_date=D(2026, 5, 1), cause="annet", detail="sykdom"
    )
    assert candidate.retention_date is None, "another record is still open"
    followup_records.end_record(
        db, actor=spec, record=second, end_date=D(2026, 6, 1), cause="annet", detail="sykdom"
    )
    assert candidate.retention_date == D(2026, 6, 1) + dt.timedelta(days=2 * 365)
