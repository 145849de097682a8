"""Each scheduled job on prepared data, run the way the scheduler runs it (`run_job`, recorded), in the test's
rolled-back transaction: what it changes, whom it notifies, and that running it again notifies nobody twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import delete, func, select

from candidates.models import Candidate
from core.audit import AuditEntry
from core.notifications import Notification
from employers import service_openings as employers_openings
from employers.models import Opening
from followup.models import FidelitySnapshot
from jobs.definitions import BY_NAME
from jobs.models import JobRun
from jobs.runner import RunOutcome, run_job
from recruitment.models import TopMatch
from tests.factories import make_candidate, make_opening, make_user
from tests.jobs import data

TODAY = dt.date(2026, 3, 11)
MORNING = dt.datetime(2026, 3, 11, 8, 0, tzinfo=dt.UTC)  # 09.00 in Oslo


@pytest.fixture
def run(session_factory, settings):
    def _run(name: str, now: dt.datetime = MORNING, **kw: Any) -> RunOutcome:
        outcome = run_job(name, BY_NAME[name].func, factory=session_factory, settings=settings, now=now, **kw)
        assert outcome.status == "ok", outcome.error
        return outcome

    return _run


def notes(db, user_id: int | None = None, kind: str | None = None) -> list[Notification]:
    stmt = select(Notification).order_by(Notification.id)
    if user_id is not None:
        stmt = stmt.where(Notification.user_id == user_id)
    if kind is not None:
        stmt = stmt.where(Notification.kind == kind)
    return list(db.scalars(stmt))


def test_each_run_is_recorded_with_its_counts(db, run):
    outcome = run("opening-expiry", trigger="manual")
    row = db.get(JobRun, outcome.id)
    assert (row.name, row.status, row.trigger, row.attempt) == ("opening-expiry", "ok", "manual", 1)
    assert row.counts["expired"] == 0 and row.counts["emails"] == 0 and "seconds" in row.counts
    assert row.finished_at >= row.started_at


def test_a_raising_job_is_recorded_failed_and_does_not_raise(session_factory, settings, db):
    user = make_user(db)

    def broken(ctx):
        with ctx.session() as session:
            session.add(Notification(user_id=user.id, kind="system", title="never kept"))
            session.flush()  # written, then rolled back with the failing job
            raise KeyError("mangler")

    outcome = run_job("broken", broken, factory=session_factory, settings=settings)
    row = db.get(JobRun, outcome.id)
    assert row.status == "failed" and row.error.startswith("KeyError: 'mangler'") and "Traceback" in row.error
    assert notes(db) == []


def test_opening_expiry_sets_utlopt_and_tells_the_employer_users_and_market_contact(db, run):
    t = data.team(db, employer_users=2)
    gone = data.published_opening(
        db, t, deadline=TODAY - dt.timedelta(days=1), published_on=TODAY - dt.timedelta(days=9)
    )
    still_open = data.published_opening(db, t, deadline=TODAY, published_on=TODAY - dt.timedelta(days=9))
    draft = make_opening(
        db, t.employer, actor=t.market_contact, application_deadline=TODAY - dt.timedelta(days=3)
    )

    first = run("opening-expiry")
    assert first.counts["expired"] == 1 and first.counts["notifications"] == 3
    db.expire_all()
    assert db.get(Opening, gone.id).status == "utløpt"
    assert (
        db.get(Opening, still_open.id).status == "publisert" and db.get(Opening, draft.id).status == "utkast"
    )
    told = notes(db, kind="stilling_utlopt")
    assert sorted(n.user_id for n in told) == sorted([t.market_contact.id, *(u.id for u in t.employer_users)])
    assert all(n.link == f"/stillinger/{gone.id}" and "er utløpt" in n.title for n in told)
    assert "10.03.2026" in told[0].body and t.employer.name in told[0].body

    again = run("opening-expiry")  # a retry, or the next hour
    assert again.counts == {**again.counts, "expired": 0, "notifications": 0}
    assert len(notes(db)) == 3

    # published again with a new deadline, it expires again, and that is news again
    employers_openings.transition_opening(
        db,
        actor=t.market_contact,
        opening_id=gone.id,
        to_status="publisert",
        today=TODAY + dt.timedelta(days=1),
        application_deadline=TODAY + dt.timedelta(days=5),
    )
    later = run("opening-expiry", now=MORNING + dt.timedelta(days=7))
    assert later.counts["expired"] == 2 and later.counts["notifications"] == 6  # `still_open` went too
    assert len(notes(db, user_id=t.market_contact.id)) == 3


def test_opening_expiry_goes_by_the_norwegian_day(db, run):
    t = data.team(db, employer_users=0)
    opening = data.published_opening(db, t, deadline=dt.date(2026, 3, 10), published_on=dt.date(2026, 3, 1))
    # 23.30 on the 10th in Oslo: the deadline day is not over
    assert run("opening-expiry", now=dt.datetime(2026, 3, 10, 22, 30, tzinfo=dt.UTC)).counts["expired"] == 0
    # 00.30 on the 11th in Oslo (still the 10th in UTC): it is
    assert run("opening-expiry", now=dt.datetime(2026, 3, 10, 23, 30, tzinfo=dt.UTC)).counts["expired"] == 1
    db.expire_all()
    assert db.get(Opening, opening.id).status == "utløpt"


@pytest.mark.parametrize(
    ("job", "kind", "prepare"),
    [
        ("followup-reminders", "oppfolging", data.overdue_followup),
        ("employer-next-steps", "neste_steg", data.overdue_next_step),
    ],
)
def test_daily_reminders_run_twice_leave_one_notification_a_day(db, run, job, kind, prepare):
    t = data.team(db, employer_users=0)
    prepare(db, t, TODAY)
    owner = t.specialist if kind == "oppfolging" else t.market_contact

    first = run(job)
    assert first.counts["overdue"] >= 1 and first.counts["notifications"] == 1
    assert run(job, now=MORNING + dt.timedelta(hours=3)).counts["notifications"] == 0  # a retry the same day
    told = notes(db, user_id=owner.id, kind=kind)
    assert len(told) == 1 and "forfalt" in told[0].title and told[0].body
    assert "nr." not in told[0].body  # people by name, not by number
    if kind == "oppfolging":
        [person] = db.scalars(select(Candidate).where(Candidate.office_id == t.office.id)).all()
        assert f"{person.first_name} {person.last_name}: " in told[0].body
    lines = told[0].body.splitlines()
    assert len(lines) == len(set(lines))
    assert notes(db, kind=kind) == told  # nobody else

    assert (
        run(job, now=MORNING + dt.timedelta(days=1)).counts["notifications"] == 1
    )  # the next day's reminder
    assert len(notes(db, user_id=owner.id, kind=kind)) == 2


def test_nightly_rematch_notifies_new_strong_matches_once(db, run):
    t = data.team(db, employer_users=1)
    opening = data.matching_opening(db, t, TODAY)
    strong = data.candidate_for(db, t)
    weak = data.candidate_for(db, t, weak=True)

    night = dt.datetime(2026, 3, 11, 1, 0, tzinfo=dt.UTC)
    first = run("nightly-rematch", now=night)
    assert first.counts["new_strong"] == 1 and first.counts["notifications"] == 2
    stored = {
        (m.candidate_id, m.rank)
        for m in db.scalars(select(TopMatch).where(TopMatch.opening_id == opening.id))
    }
    assert stored == {(strong.id, 1), (weak.id, 2)}
    for user in (t.specialist, t.market_contact):  # the candidate's job specialist and the opening's contact
        [note] = notes(db, user_id=user.id, kind="nye_treff")
        assert note.title == "Nye sterke treff: 1 kandidat og 1 stilling"
        # people by name, not by number (both readers are at the candidate's office)
        assert strong.full_name in note.body and weak.full_name not in note.body
        assert "nr." not in note.body
        assert "«Butikkmedarbeider»" in note.body and note.link == f"/stillinger/{opening.id}"
    assert notes(db, user_id=t.employer_users[0].id) == []  # employers are not told of candidates

    second = run("nightly-rematch", now=night + dt.timedelta(days=1))
    assert second.counts["new_strong"] == 0 and second.counts["inserted"] == 0
    assert second.counts["notifications"] == 0 and len(notes(db)) == 2

    newcomer = data.candidate_for(db, t)
    third = run("nightly-rematch", now=night + dt.timedelta(days=2))
    assert third.counts["new_strong"] == 1 and third.counts["notifications"] == 2
    newest = notes(db, user_id=t.specialist.id)[-1]
    assert newcomer.full_name in newest.body and strong.full_name not in newest.body

    employers_openings.transition_opening(
        db, actor=t.market_contact, opening_id=opening.id, to_status="stengt"
    )
    closed = run("nightly-rematch", now=night + dt.timedelta(days=3))
    assert closed.counts["removed"] == 3 and closed.counts["notifications"] == 0
    assert db.scalar(select(func.count()).select_from(TopMatch).where(TopMatch.opening_id == opening.id)) == 0


def test_nightly_rematch_twice_the_same_night_leaves_one_notification(db, run):
    t = data.team(db, employer_users=0)
    data.matching_opening(db, t, TODAY)
    data.candidate_for(db, t)
    night = dt.datetime(2026, 3, 11, 1, 0, tzinfo=dt.UTC)
    assert run("nightly-rematch", now=night).counts["notifications"] == 2
    # a second run that overlapped the first saw the same matches as new (emulated: the stored ones removed)
    db.execute(delete(TopMatch))
    db.flush()
    again = run("nightly-rematch", now=night + dt.timedelta(minutes=5))
    assert again.counts["new_strong"] == 1 and again.counts["notifications"] == 0
    assert len(notes(db, kind="nye_treff")) == 2


def test_retention_dry_run_lists_and_the_real_run_erases_with_an_audit_entry(db, run):
    t = data.team(db, employer_users=0)
    expired = data.past_retention(db, t, TODAY)
    kept = make_candidate(db, t.office, actor=t.specialist, retention_date=TODAY)
    expired_id = expired.id

    def erasures() -> list[AuditEntry]:
        return list(
            db.scalars(
                select(AuditEntry).where(
                    AuditEntry.subject_type == "candidate",
                    AuditEntry.subject_id == str(expired_id),
                    AuditEntry.action == "delete",
                )
            )
        )

    dry = run("retention", dry_run=True)
    assert dry.counts["dry_run"] is True and dry.counts["would_erase"] == 1
    assert dry.counts["candidate_ids"] == [expired_id] and "erased" not in dry.counts
    db.expire_all()
    assert db.get(Candidate, expired_id) is not None and erasures() == []

    real = run("retention")
    assert real.counts["erased"] == 1 and real.counts["candidate_ids"] == [expired_id]
    db.expire_all()
    assert db.get(Candidate, expired_id) is None and db.get(Candidate, kept.id) is not None
    [entry] = erasures()
    assert entry.actor_id is None and "oppbevaringstiden" in entry.purpose
    assert run("retention").counts["erased"] == 0  # nothing left to erase


def test_fidelity_snapshot_is_written_once_a_week(db, run):
    t = data.team(db, employer_users=0)
    data.overdue_followup(db, t, TODAY)
    monday = dt.datetime(2026, 3, 9, 4, 0, tzinfo=dt.UTC)
    first = run("fidelity-snapshot", now=monday)
    assert first.counts["snapshots"] == 2  # the office and its job specialist
    assert run("fidelity-snapshot", now=monday + dt.timedelta(days=2)).counts["snapshots"] == 2
    rows = list(db.scalars(select(FidelitySnapshot).where(FidelitySnapshot.office_id == t.office.id)))
    assert sorted(r.specialist_id for r in rows) == [0, t.specialist.id]
    assert {r.week_start for r in rows} == {dt.date(2026, 3, 9)}
