"""First start: jobs that never ran, or whose last good run is older than their period, run once when the
scheduler starts (a fresh install has its reminders the first morning); the others wait for their schedule."""

from __future__ import annotations

import datetime as dt
import time

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import utcnow
from core.notifications import Notification
from jobs.definitions import JOBS
from jobs.models import JobRun
from jobs.runner import TZ
from tests.jobs import data, testjobs
from tests.jobs.conftest import wait_for
from tests.jobs.test_scheduler import runs
from tests.jobs.testjobs import spec

HOURLY = dt.timedelta(hours=1)


def _ok_run(sched, name: str, started: dt.datetime) -> None:
    with sched.factory() as session, session.begin():
        session.add(JobRun(name=name, started_at=started, finished_at=started, status="ok", counts={}))


def test_jobs_never_run_or_run_too_long_ago_run_once_at_start_and_the_others_wait(sched, make_service):
    testjobs.reset()
    _ok_run(sched, "t-recent", utcnow() - dt.timedelta(minutes=10))
    _ok_run(sched, "t-old", utcnow() - dt.timedelta(hours=2))
    hourly = IntervalTrigger(hours=1)
    specs = [
        spec("t-never", testjobs.counting, period=HOURLY),
        spec("t-old", testjobs.counting, period=HOURLY),
        spec("t-recent", testjobs.counting, period=HOURLY),
        spec("t-no-period", testjobs.counting),
    ]
    service = make_service(specs=specs, triggers={s.name: hourly for s in specs}, catch_up=True)
    service.start()
    wait_for(lambda: len(runs(sched, "t-never")) == 1 and len(runs(sched, "t-old")) == 2, what="catch-ups")
    time.sleep(1.0)  # once: nothing follows
    assert [(r.status, r.trigger) for r in runs(sched, "t-never")] == [("ok", "catchup")]
    assert [r.trigger for r in runs(sched, "t-old")] == ["schedule", "catchup"]  # the old one, then now
    assert len(runs(sched, "t-recent")) == 1  # only the one written above
    assert runs(sched, "t-no-period") == []
    assert testjobs.calls["counting"] == 2


def test_a_restart_after_the_catch_up_does_not_run_the_jobs_again(sched, make_service):
    testjobs.reset()
    specs = [spec("t-daily", testjobs.counting, period=dt.timedelta(days=1))]
    triggers = {"t-daily": IntervalTrigger(days=1)}
    first = make_service(specs=specs, triggers=triggers, catch_up=True)
    first.start()
    wait_for(lambda: runs(sched, "t-daily"), what="the start-up run")
    first.stop()
    second = make_service(specs=specs, triggers=triggers, catch_up=True)
    second.start()
    wait_for(lambda: second.is_leader, what="the second service leads")
    time.sleep(1.0)
    assert len(runs(sched, "t-daily", finished=False)) == 1 and testjobs.calls["counting"] == 1


def test_a_fresh_install_has_its_alerts_the_first_morning(sched, make_service):
    """The real jobs on their real schedules (none due for hours or days): every one runs once at start, and
    the overdue follow-up is in the job specialist's bell."""
    today = dt.datetime.now(TZ).date()
    with Session(sched.engine, expire_on_commit=False) as session, session.begin():
        t = data.team(session, employer_users=1)
        data.overdue_followup(session, t, today)
        data.overdue_next_step(session, t, today)

    service = make_service(catch_up=True)
    service.start()

    def finished() -> dict[str, JobRun] | None:
        with sched.factory() as s:
            rows = {r.name: r for r in s.scalars(select(JobRun).where(JobRun.status != "running"))}
        return rows if len(rows) == len(JOBS) else None

    done = wait_for(finished, timeout=60, what="every job's start-up run")
    assert done is not None  # wait_for returns only a truthy answer
    assert {n: (r.status, r.trigger) for n, r in done.items()} == {s.name: ("ok", "catchup") for s in JOBS}, {
        n: r.error for n, r in done.items() if r.error
    }
    with Session(sched.engine) as s:
        kinds = set(
            s.execute(
                select(Notification.user_id, Notification.kind).where(
                    Notification.user_id.in_([t.specialist.id, t.market_contact.id])
                )
            ).all()
        )
    assert (t.specialist.id, "oppfolging") in kinds and (t.market_contact.id, "neste_steg") in kinds
