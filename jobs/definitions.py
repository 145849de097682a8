"""Which jobs exist and when they run (Norwegian time), with the misfire grace time of each.

APScheduler 3's default grace time is one second: a daily job whose time passed during a restart would be
skipped silently. Each job here says how late it may still run; with `coalesce` a job missed several times
runs once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger

from jobs import tasks
from jobs.runner import TZ, JobFunc

HOUR = 3600


@dataclass(frozen=True)
class JobSpec:
    name: str
    label: str
    func: JobFunc
    trigger: Callable[[], BaseTrigger]
    schedule: str  # for people: when it runs
    misfire_grace_time: int  # seconds
    max_attempts: int = 4  # the first run and three retries with back-off
    dry_run: bool = False
    # how often it runs: a job whose last good run is older than this (or that never ran) runs once when the
    # scheduler starts, so a fresh install has its reminders the first morning; None: only on its schedule
    period: dt.timedelta | None = None


DAY = dt.timedelta(days=1)
JOBS: tuple[JobSpec, ...] = (
    JobSpec(
        "followup-reminders",
        "Påminnelser om oppfølging",
        tasks.followup_reminders,
        lambda: CronTrigger(hour=6, minute=30, timezone=TZ),
        "hver dag kl. 06.30",
        misfire_grace_time=16 * HOUR,
        period=DAY,
    ),
    JobSpec(
        "plan-reminders",
        "Påminnelser om planer (forfalte aktiviteter, revisjon)",
        tasks.plan_reminders,
        lambda: CronTrigger(hour=6, minute=40, timezone=TZ),
        "hver dag kl. 06.40",
        misfire_grace_time=16 * HOUR,
        period=DAY,
    ),
    JobSpec(
        "employer-next-steps",
        "Neste steg hos arbeidsgivere",
        tasks.employer_next_steps,
        lambda: CronTrigger(hour=6, minute=35, timezone=TZ),
        "hver dag kl. 06.35",
        misfire_grace_time=16 * HOUR,
        period=DAY,
    ),
    JobSpec(
        "opening-expiry",
        "Utløp av stillinger",
        tasks.opening_expiry,
        lambda: CronTrigger(minute=5, timezone=TZ),
        "hver time, fem over",
        misfire_grace_time=55 * 60,
        period=dt.timedelta(hours=1),
    ),
    JobSpec(
        "nightly-rematch",
        "Nattlig matching",
        tasks.nightly_rematch,
        lambda: CronTrigger(hour=2, minute=0, timezone=TZ),
        "hver natt kl. 02.00",
        misfire_grace_time=20 * HOUR,
        period=DAY,
        max_attempts=3,
    ),
    JobSpec(
        "retention",
        "Sletting etter oppbevaringstid",
        tasks.retention,
        lambda: CronTrigger(hour=3, minute=30, timezone=TZ),
        "hver natt kl. 03.30",
        misfire_grace_time=20 * HOUR,
        dry_run=True,
        period=DAY,
    ),
    JobSpec(
        "fidelity-snapshot",
        "Ukentlig øyeblikksbilde av IPS-kvalitet",
        tasks.fidelity_snapshot,
        lambda: CronTrigger(day_of_week="mon", hour=5, minute=0, timezone=TZ),
        "mandager kl. 05.00",
        misfire_grace_time=6 * 24 * HOUR,
        period=7 * DAY,
    ),
)

BY_NAME = {spec.name: spec for spec in JOBS}
