"""Test-only jobs for the scheduler tests: one that counts, one that fails a given number of times, one that
always fails. They are given to SchedulerService as `specs=`; the job store still holds only the text reference
`jobs.scheduler:scheduled_run` and the job's name, which the service resolves to these functions."""

from __future__ import annotations

import datetime as dt
import threading
from collections import defaultdict
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.definitions import JobSpec
from jobs.runner import JobContext

_lock = threading.Lock()
calls: dict[str, int] = defaultdict(int)
failures_left: dict[str, int] = defaultdict(int)


def reset() -> None:
    with _lock:
        calls.clear()
        failures_left.clear()


def counting(ctx: JobContext) -> dict[str, Any]:
    with _lock:
        calls["counting"] += 1
        return {"call": calls["counting"]}


def flaky(ctx: JobContext) -> dict[str, Any]:
    """Fails while `failures_left["flaky"]` is above zero, then succeeds."""
    with _lock:
        calls["flaky"] += 1
        if failures_left["flaky"] > 0:
            failures_left["flaky"] -= 1
            raise RuntimeError(f"flaky job failed on purpose (attempt {ctx.attempt})")
    return {"attempt": ctx.attempt}


def raising(ctx: JobContext) -> dict[str, Any]:
    with _lock:
        calls["raising"] += 1
    raise ValueError("this job always fails")


def spec(
    name: str,
    func: Any,
    *,
    trigger: BaseTrigger | None = None,
    grace: int = 3600,
    max_attempts: int = 4,
    period: dt.timedelta | None = None,
) -> JobSpec:
    return JobSpec(
        name,
        f"Testjobb {name}",
        func,
        (lambda: trigger) if trigger is not None else (lambda: IntervalTrigger(hours=1)),
        "test",
        misfire_grace_time=grace,
        max_attempts=max_attempts,
        period=period,
    )
