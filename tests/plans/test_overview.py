"""«Mine personer» (issue 17 item 6): the plan's state per person for the caseworker «Ansvarlig» for them — due,
overdue and inactive flags counted from real activity rows, another office's and another caseworker's people absent,
the individuell plan's revision and evaluation dates when given; the daily `plan-reminders` job (one notification
per caseworker naming the people, once a day); the page (a caseworker's, refused to an employer) and the API with
the same counts."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.notifications import Notification
from demo import plans as plans_demo
from jobs.definitions import BY_NAME
from jobs.runner import RunOutcome, run_job
from plans import service_activities as plans_activities
from plans import service_ip
from plans import service_overview as overview
from plans import service_periods as plans_periods
from tests.factories import api_headers, login, make_candidate, make_employer, make_office, make_user
from tests.plans.conftest import TODAY, egen

DAY = dt.timedelta(days=1)


def _plan(db, office, caseworker, *, first_name: str, last_name: str = "Nordmann", responsible=None):
    """A person of `office` with an open period; «Ansvarlig» is `responsible` (the creating caseworker if None)."""
    candidate = make_candidate(db, office, actor=caseworker, first_name=first_name, last_name=last_name)
    if responsible is not None:
        candidate.responsible_user_id = responsible.id
        db.flush()
    plans_periods.start_period(db, actor=caseworker, candidate_id=candidate.id, start_date=TODAY - 60 * DAY)
    return candidate


def _activity(db, actor, candidate, *, to_date: dt.date, from_date: dt.date | None = None, **kw: Any):
    return plans_activities.create_activity(
        db,
        actor=actor,
        candidate_id=candidate.id,
        data=egen(
            from_date=(from_date or min(TODAY, to_date)).isoformat(), to_date=to_date.isoformat(), **kw
        ),
    )


@pytest.fixture
def caseload(db, world):
    """world.js is «Ansvarlig» for Ada (overdue, due soon, later, and a finished one past its date) and Bo (only a
    deadline far ahead); Cid (same office) belongs to a colleague; Dag to another office's caseworker."""
    js = world.js
    ada = _plan(db, world.office, js, first_name="Ada")
    _activity(db, js, ada, from_date=TODAY - 20 * DAY, to_date=TODAY - 2 * DAY, title="Forfalt")
    _activity(db, js, ada, to_date=TODAY + 3 * DAY, title="Snart")
    _activity(db, js, ada, to_date=TODAY + 30 * DAY, title="Senere")
    done = _activity(db, js, ada, from_date=TODAY - 20 * DAY, to_date=TODAY - 5 * DAY, title="Ferdig")
    plans_activities.change_status(db, actor=js, activity_id=done.id, status="FULLFORT")
    bo = _plan(db, world.office, js, first_name="Bo")
    _activity(db, js, bo, to_date=TODAY + 40 * DAY)
    colleague = make_user(db, "veileder", office=world.office)
    cid = _plan(db, world.office, js, first_name="Cid", responsible=colleague)
    _activity(db, js, cid, from_date=TODAY - 9 * DAY, to_date=TODAY - DAY)
    office_b = make_office(db)
    js_b = make_user(db, "jobbspesialist", office=office_b)
    dag = _plan(db, office_b, js_b, first_name="Dag")
    _activity(db, js_b, dag, from_date=TODAY - 9 * DAY, to_date=TODAY - DAY)
    return {"ada": ada, "bo": bo, "cid": cid, "dag": dag, "colleague": colleague, "js_b": js_b}


def _by_name(people) -> dict[str, overview.PersonState]:
    return {p.name.split()[0]: p for p in people}


def test_due_overdue_and_inactive_from_the_rows(db, world, caseload):
    people = overview.my_people(db, actor=world.js, today=TODAY).people
    found = _by_name(people)
    # world.candidate (the fixture's own person, no activities) is the caseworker's too
    assert {"Ada", "Bo"} <= set(found) and not {"Cid", "Dag"} & set(found)
    ada, bo = found["Ada"], found["Bo"]
    assert (ada.open_activities, ada.overdue, ada.due_soon) == (3, 1, 1)  # the finished one is neither
    assert ada.oldest_overdue == TODAY - 2 * DAY and ada.next_due == TODAY + 3 * DAY
    assert (bo.open_activities, bo.overdue, bo.due_soon) == (1, 0, 0) and not bo.needs_attention
    assert not ada.inactive and ada.days_inactive <= 1
    assert people[0].name.startswith("Ada")  # overdue first
    # a month on, nothing has changed: each plan is flagged; all three of Ada's open ones are overdue by then
    later = _by_name(
        overview.my_people(db, actor=world.js, today=TODAY + (overview.INACTIVE_DAYS + 1) * DAY).people
    )
    assert later["Bo"].inactive and later["Ada"].inactive and later["Ada"].overdue == 3
    assert later["Bo"].days_inactive >= overview.INACTIVE_DAYS
    # the colleague and the other office's caseworker see their own
    assert [
        p.name.split()[0] for p in overview.my_people(db, actor=caseload["colleague"], today=TODAY).people
    ] == ["Cid"]
    assert [
        p.name.split()[0] for p in overview.my_people(db, actor=caseload["js_b"], today=TODAY).people
    ] == ["Dag"]


def test_an_ended_period_and_other_roles_are_not_listed(db, world, caseload):
    plans_periods.end_period(db, actor=world.js, candidate_id=caseload["bo"].id, reason="Kom i jobb")
    assert "Bo" not in _by_name(overview.my_people(db, actor=world.js, today=TODAY).people)
    market = make_user(db, "markedskontakt", office=world.office)
    assert overview.my_people(db, actor=market, today=TODAY).people == []
    assert overview.my_counts(db, actor=market, today=TODAY) == overview.Counts()


def test_the_list_is_audit_logged_and_filtered(db, world, caseload):
    result = overview.my_people(db, actor=world.js, today=TODAY, show="forfalt")
    assert [p.name.split()[0] for p in result.people] == ["Ada"]
    logged = db.scalars(
        select(AuditEntry.subject_id).where(
            AuditEntry.actor_id == world.js.id, AuditEntry.purpose.contains("mine personer")
        )
    ).all()
    assert str(caseload["ada"].id) in {str(s) for s in logged}
    by_name = overview.my_people(db, actor=world.js, today=TODAY, order="navn").people
    assert [p.name for p in by_name] == sorted((p.name for p in by_name), key=str.casefold)


def test_revision_and_evaluation_dates_when_the_individuell_plan_gives_them(db, world, caseload):
    rows = overview._rows(db, actor=world.js, today=TODAY)
    period = {r.name.split()[0]: r.period_id for r in rows}
    dates = {
        period["Bo"]: (TODAY + 10 * DAY, TODAY + 60 * DAY),  # revision within the notice, evaluation not
        period[world.candidate.first_name]: (None, TODAY - DAY),  # evaluation passed
    }
    people = overview.assemble(rows, dates, TODAY)
    found = _by_name(people)
    bo, own = found["Bo"], found[world.candidate.first_name]
    assert bo.revision_due and not bo.evaluation_due and bo.revision_date == TODAY + 10 * DAY
    assert own.evaluation_due and not own.revision_due and own.needs_attention
    assert not found["Ada"].revision_due and found["Ada"].revision_date is None
    # overdue activities first, then the plans due for evaluation or revision (soonest first)
    assert [p.name.split()[0] for p in people[:3]] == ["Ada", world.candidate.first_name, "Bo"]
    counts = overview.counts_of(people)
    assert (counts.revision_due, counts.evaluation_due, counts.overdue) == (1, 1, 1)
    lines = overview.reminder_lines(people)
    assert lines[0].startswith("Forfalt: Ada Nordmann: 1 forfalt aktivitet")
    assert any(line.startswith("Revisjon: Bo Nordmann: planen skal revideres") for line in lines)


def test_the_individuell_plans_revision_and_evaluation_reach_the_overview(db, world, caseload):
    """Wired end to end: Bo's individuell plan is due for revision in ten days, and its last evaluation set the
    next one to yesterday; Ada has no individuell plan."""
    bo = caseload["bo"]
    service_ip.save_ip(
        db,
        actor=world.js,
        candidate_id=bo.id,
        data={
            "status": "AKTIV",
            "consent_date": (TODAY - 40 * DAY).isoformat(),
            "next_revision": (TODAY + 10 * DAY).isoformat(),
        },
    )
    service_ip.record_evaluation(
        db,
        actor=world.js,
        candidate_id=bo.id,
        data={
            "date": (TODAY - 30 * DAY).isoformat(),
            "summary": "Boligen er på plass; jobbsøkingen går tregt.",
            "next_date": (TODAY - DAY).isoformat(),
        },
    )
    found = _by_name(overview.my_people(db, actor=world.js, today=TODAY).people)
    assert found["Bo"].revision_date == TODAY + 10 * DAY and found["Bo"].revision_due
    assert found["Bo"].evaluation_date == TODAY - DAY and found["Bo"].evaluation_due
    assert found["Ada"].revision_date is None and not found["Ada"].revision_due
    lines = overview.reminder_lines(list(found.values()))
    assert any(line.startswith("Revisjon: Bo Nordmann") for line in lines)


# --- the scheduled job ---------------------------------------------------------------------------------------


@pytest.fixture
def run(session_factory, settings):
    def _run(name: str, now: dt.datetime) -> RunOutcome:
        outcome = run_job(name, BY_NAME[name].func, factory=session_factory, settings=settings, now=now)
        assert outcome.status == "ok", outcome.error
        return outcome

    return _run


def test_the_job_names_the_people_once_per_caseworker_and_day(db, world, caseload, run):
    morning = dt.datetime.combine(TODAY, dt.time(5, 0), tzinfo=dt.UTC)  # 06.00 or 07.00 in Oslo
    first = run("plan-reminders", morning)
    assert first.counts["notifications"] == 3  # world.js, the colleague, the other office's caseworker
    db.expire_all()
    mine = db.scalars(
        select(Notification).where(Notification.user_id == world.js.id, Notification.kind == "plan")
    ).all()
    assert len(mine) == 1
    note = mine[0]
    assert "Ada Nordmann" in note.body and "Bo Nordmann" not in note.body and "Cid" not in note.body
    assert note.link == "/mine-personer" and "1 person med forfalte aktiviteter" in note.title
    again = run("plan-reminders", morning + dt.timedelta(hours=3))  # a retry, or a second process
    assert again.counts["notifications"] == 0
    assert db.scalar(select(func.count()).select_from(Notification).where(Notification.kind == "plan")) == 3
    # the next day is news again
    assert run("plan-reminders", morning + dt.timedelta(days=1)).counts["notifications"] == 3


# --- page, dashboard and API ---------------------------------------------------------------------------------


def test_the_page_for_a_caseworker(client, db, world, caseload):
    login(client, world.js)
    page = client.get("/mine-personer")
    assert page.status_code == 200
    assert f'href="/kandidater/{caseload["ada"].id}/plan"' in page.text and "Ada Nordmann" in page.text
    assert "Cid Nordmann" not in page.text and "Dag Nordmann" not in page.text
    assert 'href="/mine-personer"' in page.text  # in the menu
    assert page.text.index("Ada Nordmann") < page.text.index("Bo Nordmann")
    sorted_page = client.get("/mine-personer?sorter=navn&synkende=true")
    assert 'aria-sort="descending"' in sorted_page.text
    assert sorted_page.text.index("Bo Nordmann") < sorted_page.text.index("Ada Nordmann")
    filtered = client.get("/mine-personer?vis=forfalt")
    assert "Ada Nordmann" in filtered.text and "Bo Nordmann" not in filtered.text
    dashboard = client.get("/")
    assert "Mine personer" in dashboard.text and "1 person med forfalte aktiviteter" in dashboard.text


def test_the_empty_page_says_what_to_do(client, db, world):
    veileder = make_user(db, "veileder", office=world.office)
    login(client, veileder)
    page = client.get("/mine-personer")
    assert page.status_code == 200 and "ikke ansvarlig for noen" in page.text and "«Ansvarlig»" in page.text


@pytest.mark.parametrize("role", ["arbeidsgiver", "markedskontakt"])
def test_the_page_and_api_refuse_other_roles(client, db, world, role):
    user = (
        make_user(db, role, employer=make_employer(db, actor=world.js))
        if role == "arbeidsgiver"
        else make_user(db, role, office=world.office)
    )
    login(client, user)
    assert client.get("/mine-personer").status_code == 403
    assert client.get("/api/v1/plan-overview", headers=api_headers(db, user)).status_code == 403


def test_the_api_gives_the_same_counts(client, db, world, caseload):
    answer = client.get("/api/v1/plan-overview", headers=api_headers(db, world.js))
    assert answer.status_code == 200
    body = answer.json()
    expected = overview.my_people(db, actor=world.js, today=dt.date.fromisoformat(body["today"]))
    assert body["counts"] == vars(expected.counts)
    ada = next(p for p in body["people"] if p["candidate_id"] == caseload["ada"].id)
    assert (ada["overdue"], ada["due_soon"], ada["open_activities"]) == (1, 1, 3)
    assert [p["candidate_id"] for p in body["people"]] == [p.candidate_id for p in expected.people]
    only = client.get("/api/v1/plan-overview?show=forfalt", headers=api_headers(db, world.js)).json()
    assert [p["name"] for p in only["people"]] == ["Ada Nordmann"] and only["counts"] == body["counts"]


def test_the_demo_gives_each_caseworker_people_with_plans(db):
    office = make_office(db)
    js = make_user(db, "jobbspesialist", office=office)
    veileder = make_user(db, "veileder", office=office)
    for n in range(12):
        make_candidate(db, office, actor=js, first_name=f"Demo{n}")
    assert (
        plans_demo.generate(db, rng=random.Random(3), offices=[office], users=[js], veiledere=[veileder]) == 4
    )
    theirs = overview.my_people(db, actor=veileder, today=TODAY).people
    mine = overview.my_people(db, actor=js, today=TODAY).people
    assert len(theirs) == 1 and len(mine) == 3
    assert any(p.overdue for p in mine) and any(p.due_soon for p in mine + theirs)
