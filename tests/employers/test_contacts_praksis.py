"""Contact log with next steps (this week, overdue, not contacted for N days) and praksisplasser occupancy."""

import datetime as dt

import pytest

from core.errors import Conflict, Forbidden, ValidationFailed
from employers import service_contacts as employers_contacts
from employers import service_praksis as employers_praksis
from tests.factories import make_employer, make_praksisplass, make_user

TODAY = dt.date(2026, 3, 11)  # a Wednesday


def _log(db, actor, employer, **kw):
    data = {"date": TODAY - dt.timedelta(days=1), "type": "møte", "summary": "Møte om behov"}
    data.update(kw)
    return employers_contacts.log_contact(db, actor=actor, employer_id=employer.id, **data)


def test_next_steps_this_week_and_overdue(db):
    me = make_user(db, "markedskontakt")
    other = make_user(db, "markedskontakt", office=me.office)
    employer = make_employer(db)
    due_friday = _log(db, me, employer, next_step="Sende avtale", next_step_due=TODAY + dt.timedelta(days=2))
    late = _log(db, me, employer, next_step="Ringe tilbake", next_step_due=TODAY - dt.timedelta(days=3))
    _log(db, me, employer, next_step="Neste uke", next_step_due=TODAY + dt.timedelta(days=7))
    _log(db, other, employer, next_step="Kollegas", next_step_due=TODAY + dt.timedelta(days=1))
    done = _log(db, me, employer, next_step="Ferdig", next_step_due=TODAY)
    employers_contacts.complete_next_step(db, actor=me, contact_id=done.id)

    week = employers_contacts.next_steps_due_this_week(db, actor=me, today=TODAY, owner_id=me.id)
    assert [c.id for c in week] == [due_friday.id]
    assert week[0].next_step_owner_id == me.id
    overdue = employers_contacts.overdue_next_steps(db, actor=me, today=TODAY, owner_id=me.id)
    assert [c.id for c in overdue] == [late.id]
    everyone = employers_contacts.next_steps_due_this_week(db, actor=me, today=TODAY)
    assert len([c for c in everyone if c.employer_id == employer.id]) == 2


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"type": "brevdue"}, "type"),
        ({"summary": ""}, "summary"),
        ({"date": "31.02.2026"}, "date"),
        ({"next_step": "Noe"}, "next_step_due"),
        ({"next_step_due": "2026-03-20"}, "next_step"),
    ],
)
def test_contact_rules_name_the_field(db, data, field):
    me = make_user(db, "markedskontakt")
    with pytest.raises(ValidationFailed) as exc:
        _log(db, me, make_employer(db), **data)
    assert field in [e["field"] for e in exc.value.errors]


def test_employer_user_cannot_log_contacts(db):
    employer = make_employer(db)
    user = make_user(db, "arbeidsgiver", employer=employer)
    with pytest.raises(Forbidden):
        _log(db, user, employer)


def test_not_contacted_for_n_days(db):
    me = make_user(db, "markedskontakt")
    recent, old, never = (make_employer(db, actor=me) for _ in range(3))
    _log(db, me, recent, date=TODAY - dt.timedelta(days=5))
    _log(db, me, old, date=TODAY - dt.timedelta(days=60))
    rows = employers_contacts.not_contacted_since(db, actor=me, days=30, today=TODAY, mine=True)
    assert [r.employer.id for r in rows] == [never.id, old.id]
    assert rows[0].last_contact is None and rows[1].last_contact == TODAY - dt.timedelta(days=60)


def test_praksisplass_occupancy(db):
    me = make_user(db, "markedskontakt")
    place = make_praksisplass(db, make_employer(db), actor=me, places=2, adaptations=["FYSISK"])
    assert (place.free, place.taken, place.places) == (2, 0, 2)
    first = employers_praksis.add_occupant(
        db, actor=me, praksisplass_id=place.id, start_date=TODAY, candidate_ref=17
    )
    employers_praksis.add_occupant(
        db, actor=me, praksisplass_id=place.id, start_date=TODAY, note="Ola, via tiltak"
    )
    place = employers_praksis.get_praksisplass(db, actor=me, praksisplass_id=place.id)
    assert (place.free, place.taken) == (0, 2)
    with pytest.raises(Conflict):
        employers_praksis.add_occupant(
            db, actor=me, praksisplass_id=place.id, start_date=TODAY, candidate_ref=18
        )
    with pytest.raises(ValidationFailed) as exc:
        employers_praksis.update_praksisplass(db, actor=me, praksisplass_id=place.id, places=1)
    assert exc.value.field == "places"
    employers_praksis.end_occupant(db, actor=me, occupant_id=first.id, end_date=TODAY + dt.timedelta(days=30))
    place = employers_praksis.get_praksisplass(db, actor=me, praksisplass_id=place.id)
    assert (place.free, place.taken) == (1, 1)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"places": 0}, "places"),
        ({"title": ""}, "title"),
        ({"period_start": "2026-05-01", "period_end": "2026-04-01"}, "period_end"),
        ({"adaptations": ["SVØMMEBASSENG"]}, "adaptations"),
        ({"styrk_code": "12"}, "styrk_code"),
    ],
)
def test_praksisplass_rules(db, data, field):
    with pytest.raises(ValidationFailed) as exc:
        make_praksisplass(db, make_employer(db), **data)
    assert field in [e["field"] for e in exc.value.errors]
