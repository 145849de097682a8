"""Two scheduler processes on one PostgreSQL database: a job every second runs once per slot, never twice, and
when the process running the jobs is killed the other takes over once its lease has run out."""

from __future__ import annotations

import datetime as dt
import math
import os
import pickle
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from core.models import utcnow
from jobs.models import JobRun, SchedulerLease
from jobs.scheduler import JOBSTORE_TABLE, LEASE_NAME
from tests.browser_support import ROOT
from tests.jobs.conftest import SchedDb, wait_for

HOLDERS = ("proc-a", "proc-b")


def _runs(sched: SchedDb) -> list[JobRun]:
    with sched.factory() as session:
        return list(session.scalars(select(JobRun).where(JobRun.name == "tick").order_by(JobRun.started_at)))


def _lease(sched: SchedDb) -> SchedulerLease:
    """The scheduler's lease row (there from the first process's start); NoResultFound without one."""
    with sched.factory() as session:
        return session.get_one(SchedulerLease, LEASE_NAME)


def _slot_of(sched: SchedDb):
    """Run → the index of the scheduled slot it belongs to (the last one of the 1 s interval not after it)."""
    with sched.engine.connect() as conn:
        blob: bytes = conn.execute(
            text(f"SELECT job_state FROM {JOBSTORE_TABLE} WHERE id = 'tick'")
        ).scalar_one()
    start: dt.datetime = pickle.loads(blob)["trigger"].start_date
    return lambda run: math.floor((run.started_at - start).total_seconds() + 0.02)


@pytest.mark.postgres
def test_two_processes_run_each_slot_once_and_the_other_takes_over_a_killed_leader(sched, tmp_path: Path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    logs = {h: tmp_path / f"{h}.log" for h in HOLDERS}
    procs = {
        h: subprocess.Popen(
            [sys.executable, "-m", "tests.jobs.scheduler_proc", sched.url, h, "60"],
            cwd=ROOT,
            env=env,
            stdout=logs[h].open("wb"),
            stderr=subprocess.STDOUT,
        )
        for h in HOLDERS
    }

    def log_text() -> str:
        return "\n".join(f"--- {h}\n{p.read_text(errors='replace')[-3000:]}" for h, p in logs.items())

    try:
        wait_for(
            lambda: all("started" in logs[h].read_text() for h in HOLDERS), timeout=40, what="both processes"
        )
        wait_for(lambda: len(_runs(sched)) >= 3, timeout=15, what="runs while both live")
        leader = _lease(sched).holder
        assert leader in HOLDERS, leader
        survivor = next(h for h in HOLDERS if h != leader)
        assert {r.holder for r in _runs(sched)} == {leader}, log_text()

        procs[leader].send_signal(signal.SIGKILL)  # a crash: no clean stop, the lease is left to expire
        procs[leader].wait(10)
        killed_at = utcnow()
        expires = _lease(sched).expires_at
        wait_for(
            lambda: len([r for r in _runs(sched) if r.holder == survivor]) >= 2,
            timeout=15,
            what="the survivor's runs",
        )
        procs[survivor].send_signal(signal.SIGTERM)
        assert procs[survivor].wait(15) == 0, log_text()
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait(10)

    runs = [r for r in _runs(sched) if r.trigger == "schedule"]
    assert all(r.status == "ok" or (r.error or "").startswith("Avbrutt") for r in runs), log_text()
    by_leader = [r for r in runs if r.holder == leader]
    by_survivor = [r for r in runs if r.holder == survivor]
    assert by_leader and by_survivor and len(by_leader) + len(by_survivor) == len(runs)
    # the survivor took over only once the killed leader's lease had run out, and never ran before that
    lease = _lease(sched)
    assert lease.holder == survivor and lease.acquired_at is not None, lease.acquired_at
    assert lease.acquired_at >= expires, (lease.acquired_at, expires)
    assert max(r.started_at for r in by_leader) < killed_at < min(r.started_at for r in by_survivor)

    slot = _slot_of(sched)
    slots = [slot(r) for r in runs]
    assert len(slots) == len(set(slots)), f"a slot ran twice: {slots}\n{log_text()}"
    for phase in (by_leader, by_survivor):  # within each holder's time: every slot once, none skipped
        ps = [slot(r) for r in phase]
        assert ps == list(range(ps[0], ps[0] + len(ps))), f"{ps}\n{log_text()}"
    # the slots missed during the hand-over were made up by one coalesced run, not one each
    gap = slot(by_survivor[0]) - slot(by_leader[-1])
    assert 1 <= gap <= 4, gap
