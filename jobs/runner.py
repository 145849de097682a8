"""Runs one job and records it: a JobRun row written before (status `running`) and after (`ok`/`failed`,
counts, error text), each in its own short transaction, so a failing job leaves its record and nothing else.

A job never raises out of `run_job`: the error is recorded, the caller (the scheduler) decides on a retry, and
the other jobs go on."""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, create_engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker

from core import notifications
from core.db import is_sqlite, session_scope
from core.models import utcnow
from core.settings import Settings
from jobs.models import JobRun

log = logging.getLogger("arbeidsbro.jobs")
TZ = ZoneInfo("Europe/Oslo")


@dataclass
class JobContext:
    """What a job gets: sessions (its own units of work), the time it runs for, and its options."""

    factory: sessionmaker[Session]
    settings: Settings
    now: dt.datetime
    read_factory: sessionmaker[Session] | None = None
    dry_run: bool = False
    attempt: int = 1
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        """The Norwegian calendar day (a job at 00:30 Oslo time belongs to that day, not yesterday's UTC)."""
        return self.now.astimezone(TZ).date()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with session_scope(self.factory) as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """For long reads: on SQLite a connection outside the writer queue (WAL readers block nobody)."""
        with session_scope(self.read_factory or self.factory) as session:
            yield session


JobFunc = Callable[[JobContext], dict[str, Any]]


@lru_cache(maxsize=8)
def _read_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA query_only=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()

    return engine


def read_factory_for(engine: Engine) -> sessionmaker[Session]:
    """SQLite: a read-only engine whose SELECTs run without BEGIN IMMEDIATE (so a minutes-long read does not
    hold the single writer lock the web requests need). PostgreSQL: the ordinary engine (MVCC)."""
    if is_sqlite(engine):
        return sessionmaker(bind=_read_engine(engine.url.render_as_string(hide_password=False)))
    return sessionmaker(bind=engine, expire_on_commit=False)


@dataclass(frozen=True)
class RunOutcome:
    id: int
    name: str
    status: str
    counts: dict[str, Any]
    error: str | None
    started_at: dt.datetime
    finished_at: dt.datetime
    attempt: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "status": self.status,
            "counts": self.counts,
            "error": self.error,
            "started_at": self.started_at.isoformat(),
            "finished_at": self.finished_at.isoformat(),
            "attempt": self.attempt,
        }


def run_job(
    name: str,
    func: JobFunc,
    *,
    factory: sessionmaker[Session],
    settings: Settings,
    read_factory: sessionmaker[Session] | None = None,
    trigger: str = "manual",
    attempt: int = 1,
    holder: str | None = None,
    started_by_id: int | None = None,
    dry_run: bool = False,
    now: dt.datetime | None = None,
) -> RunOutcome:
    started = utcnow()
    with session_scope(factory) as session:
        run = JobRun(
            name=name,
            started_at=started,
            status="running",
            attempt=attempt,
            trigger=trigger,
            holder=holder,
            started_by_id=started_by_id,
        )
        session.add(run)
        session.flush()
        run_id = run.id
    ctx = JobContext(
        factory=factory,
        settings=settings,
        now=now or started,
        read_factory=read_factory,
        dry_run=dry_run,
        attempt=attempt,
    )
    t0 = time.perf_counter()
    error: str | None = None
    counts: dict[str, Any] = {}
    try:
        counts = dict(func(ctx) or {})
        status = "ok"
    except Exception as exc:  # recorded, never propagated: one failing job must not stop the others
        status = "failed"
        error = f"{type(exc).__name__}: {exc}\n\n{traceback.format_exc()}"[-8000:]
        log.warning("jobb %s feilet (forsøk %s): %s", name, attempt, exc)
    counts.setdefault("seconds", round(time.perf_counter() - t0, 3))
    if status == "ok" and not dry_run:
        counts["emails"] = _deliver_email(factory, settings)
    finished = utcnow()
    with session_scope(factory) as session:
        session.execute(
            update(JobRun)
            .where(JobRun.id == run_id)
            .values(status=status, finished_at=finished, counts=counts, error=error)
            .execution_options(synchronize_session=False)
        )
    return RunOutcome(run_id, name, status, counts, error, started, finished, attempt)


def _deliver_email(factory: sessionmaker[Session], settings: Settings) -> int:
    """E-mail copies of new notifications right after the job that made them; a mail failure is logged only."""
    if not settings.smtp_url:
        return 0
    try:
        return notifications.deliver_email(factory, smtp_url=settings.smtp_url)
    except Exception as exc:
        log.warning("e-post ble ikke sendt: %s", exc)
        return 0


def abandon_stale_runs(factory: sessionmaker[Session], *, holder: str) -> list[tuple[str, int]]:
    """Runs left `running` by a scheduler that died (its lease expired, ours now) are marked failed; returns
    their (name, attempt), so the new holder can retry them (the dead one had already moved the job's next
    run time on, so neither a missed-run check nor coalescing brings such a run back)."""
    with session_scope(factory) as session:
        rows = session.scalars(
            select(JobRun).where(
                JobRun.status == "running",
                JobRun.trigger.in_(("schedule", "retry", "catchup")),
                (JobRun.holder != holder) | JobRun.holder.is_(None),
            )
        ).all()
        for row in rows:
            row.status = "failed"
            row.finished_at = utcnow()
            row.error = "Avbrutt: prosessen som kjørte jobben stoppet før den var ferdig."
        return [(row.name, row.attempt) for row in rows]
