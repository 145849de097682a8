"""One scheduler process for the two-process test: `python -m tests.jobs.scheduler_proc URL HOLDER SECONDS`.

Runs a SchedulerService (2 s lease, renewed every 0.25 s) with one job, `tick`, every second: each run is a
JobRun row. Stops cleanly on SIGTERM or after SECONDS; the test kills it with SIGKILL to play a crash."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger

from core.db import make_engine
from core.settings import Settings
from jobs.definitions import JobSpec
from jobs.runner import JobContext
from jobs.scheduler import SchedulerService

LEASE_TTL = 2.0
RENEW_EVERY = 0.25


def tick(ctx: JobContext) -> dict[str, Any]:
    return {"pid": os.getpid()}


SPECS = [
    JobSpec("tick", "Tikk", tick, lambda: IntervalTrigger(seconds=1), "hvert sekund", misfire_grace_time=30)
]


def main() -> None:
    url, holder, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    logging.basicConfig(level=logging.INFO, format=f"%(asctime)s {holder} %(name)s %(message)s")
    engine = make_engine(url)
    settings = Settings(database_url=url, secret_key="test-secret-key-not-for-production", environment="test")
    service = SchedulerService(
        engine=engine,
        settings=settings,
        specs=SPECS,
        lease_ttl=LEASE_TTL,
        renew_every=RENEW_EVERY,
        retry_base=3600,  # a run abandoned by a killed process is retried, but not within the test
        holder=holder,
    )
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    service.start()
    print("started", flush=True)
    done.wait(seconds)
    service.stop()
    engine.dispose()
    print("stopped", flush=True)


if __name__ == "__main__":
    main()
