"""The real scheduler in-process on short intervals: runs recorded, failures retried with back-off, a run missed
while no scheduler ran made up once after a restart, and the lease deciding which service runs the jobs."""

from __future__ import annotations

import datetime as dt
import itertools
import pickle
import time

from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import inspect, select, text, update

from core.models import utcnow
from jobs.models import JobRun, SchedulerLease
from jobs.scheduler import JOBSTORE_TABLE, LEASE_NAME
from tests.jobs import testjobs
from tests.jobs.conftest import SchedDb, wait_for
from tests.jobs.testjobs import spec


def runs(sched: SchedDb, name: str | None = None, *, finished: bool = True) -> list[JobRun]:
    with sched.factory() as session:
        stmt = select(JobRun).order_by(JobRun.id)
        if name is not None:
            stmt = stmt.where(JobRun.name == name)
        if finished:
            stmt = stmt.where(JobRun.status != "running")
        return list(session.scalars(stmt))


def stored_next_run(sched: SchedDb, job_id: str) -> dt.datetime | None:
    with sched.engine.connect() as conn:
        if not inspect(conn).has_table(JOBSTORE_TABLE):
            return None
        ts = conn.execute(
            text(f"SELECT next_run_time FROM {JOBSTORE_TABLE} WHERE id = :id"), {"id": job_id}
        ).scalar()
    return dt.datetime.fromtimestamp(ts, dt.UTC) if ts is not None else None


def stored_ids(sched: SchedDb) -> set[str]:
    with sched.engine.connect() as conn:
        if not inspect(conn).has_table(JOBSTORE_TABLE):
            return set()
        return set(conn.execute(text(f"SELECT id FROM {JOBSTORE_TABLE}")).scalars())


def move_next_run(sched: SchedDb, job_id: str, when: dt.datetime) -> None:
    """What the store holds after a scheduler stopped with `when` still ahead and the clock passed it: the
    next run time both in its column and in the pickled job state (APScheduler reads the latter)."""
    with sched.engine.begin() as conn:
        blob: bytes = conn.execute(
            text(f"SELECT job_state FROM {JOBSTORE_TABLE} WHERE id = :id"), {"id": job_id}
        ).scalar_one()
        state = pickle.loads(blob)
        state["next_run_time"] = when
        conn.execute(
            text(f"UPDATE {JOBSTORE_TABLE} SET next_run_time = :t, job_state = :s WHERE id = :id"),
            {"t": when.timestamp(), "s": pickle.dumps(state), "id": job_id},
        )


def lease_row(sched: SchedDb) -> SchedulerLease:
    """The lease row the test expects to be there; NoResultFound without one."""
    with sched.factory() as session:
        return session.get_one(SchedulerLease, LEASE_NAME)


def soon(seconds: float = 0.3) -> DateTrigger:
    return DateTrigger(run_date=utcnow() + dt.timedelta(seconds=seconds))


def test_an_interval_job_runs_each_interval_and_every_run_is_recorded(sched, make_service):
    testjobs.reset()
    service = make_service(
        specs=[spec("t-count", testjobs.counting)], triggers={"t-count": IntervalTrigger(seconds=1)}
    )
    service.start()
    done = wait_for(lambda: len(r := runs(sched, "t-count")) >= 3 and r, timeout=10, what="three runs")
    assert done  # wait_for returns only a truthy answer: the runs

    assert service.is_leader
    assert lease_row(sched).holder == service.holder
    assert [r.status for r in done[:3]] == ["ok"] * 3
    assert {(r.trigger, r.attempt, r.holder) for r in done} == {("schedule", 1, service.holder)}
    assert [r.counts["call"] for r in done[:3]] == [1, 2, 3]
    assert all(r.finished_at is not None and r.finished_at >= r.started_at for r in done)
    gaps = [(b.started_at - a.started_at).total_seconds() for a, b in itertools.pairwise(done)]
    assert all(0.7 < g < 1.5 for g in gaps), gaps  # once per interval: neither doubled nor skipped
    assert stored_ids(sched) == {"t-count"}  # the job store holds the job by name


def test_a_raising_job_is_recorded_failed_and_retried_with_back_off(sched, make_service):
    testjobs.reset()
    testjobs.failures_left["flaky"] = 2
    service = make_service(
        specs=[
            spec("t-flaky", testjobs.flaky, max_attempts=4),
            spec("t-raising", testjobs.raising, max_attempts=2),
            spec("t-count", testjobs.counting),
        ],
        triggers={"t-flaky": soon(), "t-raising": soon(), "t-count": IntervalTrigger(seconds=1)},
    )
    service.start()
    flaky = wait_for(
        lambda: (r := runs(sched, "t-flaky")) and r[-1].status == "ok" and r,
        timeout=10,
        what="flaky succeeds",
    )
    assert flaky  # the runs (wait_for returns only a truthy answer)
    assert [(r.status, r.attempt, r.trigger) for r in flaky] == [
        ("failed", 1, "schedule"),
        ("failed", 2, "retry"),
        ("ok", 3, "retry"),
    ]
    assert "RuntimeError: flaky job failed on purpose (attempt 1)" in (flaky[0].error or "")
    assert flaky[2].error is None and flaky[2].counts["attempt"] == 3
    # exponential back-off: 0.3 s before the 2nd attempt, 0.6 s before the 3rd
    assert flaky[0].finished_at is not None and flaky[1].finished_at is not None
    assert (flaky[1].started_at - flaky[0].finished_at).total_seconds() >= 0.25
    assert (flaky[2].started_at - flaky[1].finished_at).total_seconds() >= 0.55
    assert service.retry_delay(2) == 0.3 and service.retry_delay(3) == 0.6 and service.retry_delay(9) == 5.0

    raising = wait_for(
        lambda: len(r := runs(sched, "t-raising")) >= 2 and r, timeout=5, what="second attempt"
    )
    time.sleep(service.retry_delay(3) + 0.5)  # a third attempt would have come by now
    raising = runs(sched, "t-raising")
    assert [(r.status, r.attempt) for r in raising] == [("failed", 1), ("failed", 2)]  # max_attempts=2
    assert all("ValueError: this job always fails" in (r.error or "") for r in raising)
    assert testjobs.calls["raising"] == 2
    assert "t-raising:retry" not in stored_ids(sched)
    # the failures stopped nothing else
    assert [r.status for r in runs(sched, "t-count")][:2] == ["ok", "ok"]


def test_a_run_missed_while_no_scheduler_ran_runs_once_after_restart(sched, make_service):
    testjobs.reset()
    hourly = IntervalTrigger(hours=1)
    specs = [spec("t-missed", testjobs.counting, grace=5 * 3600)]  # all the missed run times are within grace
    first = make_service(specs=specs, triggers={"t-missed": hourly})
    first.start()
    wait_for(lambda: stored_next_run(sched, "t-missed"), what="the job in the store")
    first.stop()
    assert runs(sched, "t-missed") == []

    # while no scheduler ran, three and a half hours went by: four run times passed, the last 30 minutes ago
    move_next_run(sched, "t-missed", utcnow() - dt.timedelta(hours=3, minutes=30))

    second = make_service(specs=specs, triggers={"t-missed": hourly})
    second.start()
    done = wait_for(lambda: runs(sched, "t-missed"), what="the missed run")
    time.sleep(1.0)  # coalesced: the other three missed run times do not follow
    assert [(r.status, r.trigger) for r in runs(sched, "t-missed")] == [("ok", "schedule")]
    assert testjobs.calls["counting"] == 1 and done[0].holder == second.holder
    next_run = stored_next_run(sched, "t-missed")
    assert next_run is not None and dt.timedelta(minutes=25) < next_run - utcnow() < dt.timedelta(minutes=35)


def test_a_one_off_run_whose_time_passed_during_a_restart_runs_after_it(sched, make_service):
    testjobs.reset()
    when = DateTrigger(run_date=utcnow() + dt.timedelta(seconds=0.8))
    specs = [spec("t-once", testjobs.counting)]
    first = make_service(specs=specs, triggers={"t-once": when})
    first.start()
    wait_for(lambda: stored_next_run(sched, "t-once"), what="the job in the store")
    first.stop()
    time.sleep(max(0.0, (when.run_date - utcnow()).total_seconds()) + 0.3)
    assert runs(sched, "t-once", finished=False) == []

    second = make_service(specs=specs, triggers={"t-once": when})
    second.start()
    wait_for(lambda: runs(sched, "t-once"), timeout=5, what="the missed run")
    time.sleep(0.5)
    assert [r.status for r in runs(sched, "t-once")] == ["ok"]
    assert "t-once" not in stored_ids(sched)  # a one-off job is done


def test_a_run_missed_by_more_than_its_grace_time_is_skipped(sched, make_service):
    testjobs.reset()
    hourly = IntervalTrigger(hours=1)
    specs = [spec("t-late", testjobs.counting, grace=60)]
    first = make_service(specs=specs, triggers={"t-late": hourly})
    first.start()
    wait_for(lambda: stored_next_run(sched, "t-late"), what="the job in the store")
    first.stop()
    move_next_run(sched, "t-late", utcnow() - dt.timedelta(hours=2, minutes=10))  # the last one 10 min ago

    second = make_service(specs=specs, triggers={"t-late": hourly})
    second.start()
    wait_for(lambda: (n := stored_next_run(sched, "t-late")) and n > utcnow(), what="the job moved on")
    time.sleep(0.5)
    assert runs(sched, "t-late", finished=False) == [] and testjobs.calls["counting"] == 0


def test_only_the_lease_holder_runs_jobs_and_another_takes_over_when_it_dies(sched, make_service):
    testjobs.reset()
    specs = [spec("t-count", testjobs.counting)]
    every_second = IntervalTrigger(seconds=1)
    a = make_service(specs=specs, triggers={"t-count": every_second}, holder="holder-a")
    a.start()
    wait_for(lambda: a.is_leader, what="a leads")
    b = make_service(specs=specs, triggers={"t-count": every_second}, holder="holder-b")
    b.start()  # the later service in this process must not take the leader's runs
    wait_for(lambda: len(runs(sched, "t-count")) >= 2, timeout=5, what="runs by the leader")
    assert not b.is_leader
    assert {r.holder for r in runs(sched, "t-count")} == {"holder-a"}

    a.stop(release=False)  # as if the process died: the lease stays until it expires
    stopped_at = utcnow()
    expires = lease_row(sched).expires_at
    after_a = wait_for(
        lambda: [r for r in runs(sched, "t-count") if r.holder == "holder-b"], timeout=8, what="b takes over"
    )
    assert b.is_leader and not a.is_leader
    lease = lease_row(sched)
    assert lease.holder == "holder-b" and lease.acquired_at is not None
    assert lease.acquired_at >= expires  # not before the old lease ran out
    by_a = [r for r in runs(sched, "t-count") if r.holder == "holder-a"]
    assert all(r.started_at < stopped_at for r in by_a)
    assert after_a[0].started_at > max(r.started_at for r in by_a)


def test_a_clean_stop_hands_over_at_once(sched, make_service):
    testjobs.reset()
    specs = [spec("t-count", testjobs.counting)]
    a = make_service(specs=specs, lease_ttl=30.0)
    a.start()
    wait_for(lambda: a.is_leader, what="a leads")
    b = make_service(specs=specs, lease_ttl=30.0)
    b.start()
    time.sleep(0.3)
    assert not b.is_leader
    started = time.monotonic()
    a.stop()  # releases the lease: b need not wait the 30 s it had left
    wait_for(lambda: b.is_leader, timeout=3, what="b leads")
    assert time.monotonic() - started < 3


def test_a_leader_that_loses_its_lease_stops_running_jobs(sched, make_service):
    testjobs.reset()
    service = make_service(
        specs=[spec("t-count", testjobs.counting)], triggers={"t-count": IntervalTrigger(seconds=1)}
    )
    service.start()
    wait_for(lambda: runs(sched, "t-count"), timeout=5, what="a first run")
    with sched.factory.begin() as session:  # another process took the lease (say, after a long pause here)
        session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == LEASE_NAME)
            .values(holder="someone-else", expires_at=utcnow() + dt.timedelta(seconds=60))
        )
    wait_for(lambda: not service.is_leader, timeout=3, what="the lease noticed lost")
    count = len(runs(sched, "t-count", finished=False))
    time.sleep(1.3)
    assert len(runs(sched, "t-count", finished=False)) == count
    assert lease_row(sched).holder == "someone-else"


def test_a_run_left_running_by_a_dead_holder_is_marked_failed_and_retried(sched, make_service):
    testjobs.reset()
    with sched.factory.begin() as session:
        session.add_all(
            [
                JobRun(name="t-count", status="running", trigger="schedule", attempt=1, holder="dead:1:x"),
                JobRun(name="t-count", status="running", trigger="manual", holder=None),
            ]
        )
    service = make_service(specs=[spec("t-count", testjobs.counting)])  # hourly: no scheduled run soon
    service.start()
    retry = wait_for(
        lambda: [r for r in runs(sched, "t-count") if r.trigger == "retry"], timeout=5, what="the retry"
    )
    all_runs = runs(sched, "t-count", finished=False)
    assert [(r.status, r.trigger) for r in all_runs] == [
        ("failed", "schedule"),
        ("running", "manual"),  # a manual run is someone's own: left alone
        ("ok", "retry"),
    ]
    assert (all_runs[0].error or "").startswith("Avbrutt") and all_runs[0].finished_at is not None
    assert retry[0].attempt == 2 and retry[0].holder == service.holder


def test_the_store_follows_the_definitions_and_stopping_leaves_the_engine_alone(sched, make_service):
    testjobs.reset()
    old = make_service(
        specs=[spec("t-old", testjobs.counting), spec("t-keep", testjobs.counting)],
        triggers={"t-keep": IntervalTrigger(hours=1)},
    )
    old.start()
    wait_for(lambda: stored_ids(sched) == {"t-old", "t-keep"}, what="both jobs stored")
    pool = sched.engine.pool
    old.stop()
    assert sched.engine.pool is pool  # APScheduler's job store would dispose the application's engine

    new = make_service(
        specs=[spec("t-keep", testjobs.counting)], triggers={"t-keep": IntervalTrigger(hours=2)}
    )
    new.start()
    wait_for(lambda: stored_ids(sched) == {"t-keep"}, what="t-old removed")
    wait_for(
        lambda: (n := stored_next_run(sched, "t-keep")) and n - utcnow() > dt.timedelta(minutes=90),
        what="t-keep rescheduled to its new interval",
    )
