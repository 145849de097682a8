"""The overdue rule in its two homes — `service_plan.state_of` in Python and `overdue_clause` in SQL — picks the
same plan items on the same rows, passive periods (closed and open-ended) and done items included; the daily
stamps and the dashboard count follow the same rule."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from followup import service
from followup import service_placements as followup_placements
from followup import service_plan as followup_plan
from followup import service_records as followup_records
from followup.models import PlanItem
from followup.service_plan import mark_alert_states, overdue_clause
from tests.factories import make_employer, make_followup_record, make_office, make_user

D = dt.date
DAYS = [D(2026, 2, 27), D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 2), D(2026, 7, 1), D(2026, 11, 1)]


def _placed(db, office, spec, employer):
    record = make_followup_record(db, office, spec, service="ordinaer", start_date=D(2026, 1, 31))
    followup_placements.start_placement(
        db,
        actor=spec,
        record=record,
        type="ordinaer",
        start_date=D(2026, 1, 31),
        percent=40,
        employer_id=employer.id,
        today=D(2026, 1, 31),
    )
    return record


def test_sql_and_python_agree_on_overdue_items(db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    employer = make_employer(db)
    paused = _placed(db, office, spec, employer)
    # months 2 and 3 (due 31 March and 30 April) fall inside a closed pause
    followup_records.add_passive_period(
        db, actor=spec, record=paused, from_date=D(2026, 3, 15), to_date=D(2026, 5, 10), reason="Sykemeldt"
    )
    open_ended = _placed(db, office, spec, employer)
    followup_records.add_passive_period(
        db, actor=spec, record=open_ended, from_date=D(2026, 4, 15), to_date=None, reason="Permisjon"
    )
    first = db.scalars(
        select(PlanItem).where(PlanItem.record_id == open_ended.id, PlanItem.note == "måned 1")
    ).one()
    followup_records.complete_plan_item(
        db, actor=spec, record=open_ended, item_id=first.id, done_on=D(2026, 3, 5)
    )
    db.flush()
    records = {r.id: r for r in (paused, open_ended)}
    items = db.scalars(select(PlanItem).where(PlanItem.record_id.in_(records))).all()

    seen_paused = seen_overdue = False
    for day in DAYS:
        in_sql = set(
            db.scalars(select(PlanItem.id).where(PlanItem.record_id.in_(records), overdue_clause(day)))
        )
        in_python = {
            i.id
            for i in items
            if followup_plan.item_state(i, day, records[i.record_id].passive_periods) == "forfalt"
        }
        assert in_sql == in_python, day
        assert service.dashboard_overdue(db, actor=spec, today=day)["count"] == len(in_python), day
        seen_overdue |= bool(in_python)
        seen_paused |= any(
            followup_plan.item_state(i, day, records[i.record_id].passive_periods) == "pausert"
            and i.due_date < day
            for i in items
        )
    assert seen_overdue and seen_paused, "the rows must hold both an overdue item and a paused past-due one"


def test_the_daily_stamps_skip_paused_items(db):
    office = make_office(db)
    spec = make_user(db, "jobbspesialist", office=office)
    record = _placed(db, office, spec, make_employer(db))
    followup_records.add_passive_period(
        db, actor=spec, record=record, from_date=D(2026, 3, 15), to_date=D(2026, 5, 10), reason="Sykemeldt"
    )
    mark_alert_states(db, D(2026, 4, 1))
    mark_alert_states(db, D(2026, 4, 2))  # idempotent: the first day stays
    by_note = {i.note: i for i in db.scalars(select(PlanItem).where(PlanItem.record_id == record.id))}
    for item in by_note.values():
        db.refresh(item)
    assert by_note["måned 1"].breached_on == D(2026, 4, 1)  # due 28 February, not paused
    assert (
        by_note["måned 2"].breached_on is None and by_note["måned 2"].warned_on is None
    )  # due 31 March, paused
