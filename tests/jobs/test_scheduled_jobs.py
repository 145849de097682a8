"""Every real job, run by the real scheduler in-process (their schedules replaced by run times a moment
away) on prepared data in the scheduler's database: each does its work."""

from __future__ import annotations

import datetime as dt

from apscheduler.triggers.date import DateTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from candidates.models import Candidate
from core.models import utcnow
from core.notifications import Notification
from employers.models import Opening
from followup.models import FidelitySnapshot
from jobs.definitions import JOBS
from jobs.models import JobRun
from jobs.runner import TZ
from recruitment.models import TopMatch
from tests.jobs import data
from tests.jobs.conftest import wait_for


def test_every_job_does_its_work_when_the_scheduler_runs_it(sched, make_service):
    today = dt.datetime.now(TZ).date()
    with Session(sched.engine, expire_on_commit=False) as session, session.begin():
        t = data.team(session, employer_users=1)
        expiring = data.published_opening(
            session, t, deadline=today - dt.timedelta(days=1), published_on=today - dt.timedelta(days=9)
        )
        opening = data.matching_opening(session, t, today)
        strong = data.candidate_for(session, t)
        data.overdue_followup(session, t, today)
        data.overdue_next_step(session, t, today)
        erase = data.past_retention(session, t, today)

    start = utcnow() + dt.timedelta(seconds=0.3)
    service = make_service(
        triggers={
            s.name: DateTrigger(run_date=start + dt.timedelta(seconds=0.1 * i)) for i, s in enumerate(JOBS)
        }
    )
    service.start()

    def finished() -> dict[str, JobRun] | None:
        with sched.factory() as s:
            rows = {r.name: r for r in s.scalars(select(JobRun).where(JobRun.status != "running"))}
        return rows if len(rows) == len(JOBS) else None

    runs = wait_for(finished, timeout=30, what="every job")
    assert runs is not None  # wait_for returns only a truthy answer
    assert {name: r.status for name, r in runs.items()} == {s.name: "ok" for s in JOBS}, {
        n: r.error for n, r in runs.items() if r.error
    }
    assert {(r.trigger, r.holder) for r in runs.values()} == {("schedule", service.holder)}
    counts = {name: r.counts for name, r in runs.items()}
    assert counts["opening-expiry"]["expired"] == 1
    assert (
        counts["followup-reminders"]["notifications"] >= 1
        and counts["employer-next-steps"]["notifications"] >= 1
    )
    assert counts["nightly-rematch"]["new_strong"] >= 1
    assert counts["retention"]["candidate_ids"] == [erase.id]
    assert counts["fidelity-snapshot"]["snapshots"] >= 2

    with Session(sched.engine) as s:
        assert s.get_one(Opening, expiring.id).status == "utløpt"
        assert s.get(Candidate, erase.id) is None
        kinds = {
            (n.user_id, n.kind)
            for n in s.scalars(
                select(Notification).where(
                    Notification.user_id.in_([t.specialist.id, t.market_contact.id, t.employer_users[0].id])
                )
            )
        }
        assert kinds == {
            (t.market_contact.id, "stilling_utlopt"),
            (t.employer_users[0].id, "stilling_utlopt"),
            (t.specialist.id, "oppfolging"),
            (t.market_contact.id, "neste_steg"),
            (t.specialist.id, "nye_treff"),
            (t.market_contact.id, "nye_treff"),
        }
        assert (
            s.scalar(
                select(TopMatch.rank).where(
                    TopMatch.opening_id == opening.id, TopMatch.candidate_id == strong.id
                )
            )
            == 1
        )
        assert s.scalars(
            select(FidelitySnapshot.specialist_id).where(FidelitySnapshot.office_id == t.office.id)
        ).all()
