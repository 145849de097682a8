"""What the operators see of the scheduled jobs: the definitions with next and last run, the run history, and a
manual run (the CLI's `jobs run NAME`, the admin page's "Kjør nå")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from core.errors import NotFound, ValidationFailed
from core.models import User, utcnow
from core.settings import Settings
from jobs.definitions import BY_NAME, JOBS, JobSpec
from jobs.models import JobRun
from jobs.runner import RunOutcome, read_factory_for, run_job
from jobs.scheduler import CATCH_UP_SUFFIX, JOBSTORE_TABLE, RETRY_SUFFIX


@dataclass(frozen=True)
class JobStatus:
    name: str
    label: str
    schedule: str
    next_run: dt.datetime | None
    last_run: JobRun | None
    supports_dry_run: bool

    def as_dict(self) -> dict[str, Any]:
        """The contract's shape ({"name", "next_run", "last_run", "last_status"}) plus a little more."""
        last = self.last_run
        return {
            "name": self.name,
            "label": self.label,
            "schedule": self.schedule,
            "next_run": self.next_run.isoformat() if self.next_run else None,
            "last_run": last.started_at.isoformat() if last else None,
            "last_status": last.status if last else None,
            "last_finished": last.finished_at.isoformat() if last and last.finished_at else None,
            "last_counts": last.counts if last else None,
        }


def _stored_next_runs(session: Session) -> dict[str, dt.datetime | None]:
    """Next run times from APScheduler's job store (the scheduler's own view, missed runs included)."""
    # the session's own connection: on SQLite a second one would wait for the writer lock this one holds
    if not inspect(session.connection()).has_table(JOBSTORE_TABLE):
        return {}
    rows: Sequence[tuple[str, float | None]] = session.execute(
        text(f"SELECT id, next_run_time FROM {JOBSTORE_TABLE}")
    ).all()
    return {job_id: dt.datetime.fromtimestamp(ts, dt.UTC) if ts is not None else None for job_id, ts in rows}


def _next_from_trigger(spec: JobSpec, now: dt.datetime) -> dt.datetime | None:
    """When no scheduler has stored the job yet: the trigger's next fire time from now."""
    fire = spec.trigger().get_next_fire_time(None, now)
    return fire.astimezone(dt.UTC) if fire else None


def job_statuses(session: Session, *, now: dt.datetime | None = None) -> list[JobStatus]:
    now = now or utcnow()
    stored = _stored_next_runs(session)
    latest = select(JobRun.name, func.max(JobRun.id).label("id")).group_by(JobRun.name).subquery("latest")
    last_runs = {
        run.name: run for run in session.scalars(select(JobRun).join(latest, latest.c.id == JobRun.id))
    }
    out = []
    for spec in JOBS:
        next_run = stored[spec.name] if spec.name in stored else _next_from_trigger(spec, now)
        for extra in (RETRY_SUFFIX, CATCH_UP_SUFFIX):  # a retry or a start-up run before the schedule's next
            sooner = stored.get(spec.name + extra)
            if sooner is not None and (next_run is None or sooner < next_run):
                next_run = sooner
        out.append(
            JobStatus(spec.name, spec.label, spec.schedule, next_run, last_runs.get(spec.name), spec.dry_run)
        )
    return out


def recent_runs(session: Session, *, name: str | None = None, limit: int = 50) -> list[JobRun]:
    stmt = select(JobRun)
    if name is not None:
        stmt = stmt.where(JobRun.name == name)
    return list(session.scalars(stmt.order_by(JobRun.id.desc()).limit(limit)))


def get_spec(name: str) -> JobSpec:
    spec = BY_NAME.get(name)
    if spec is None:
        raise NotFound(f"Ukjent jobb {name!r}; jobbene er {', '.join(BY_NAME)}.")
    return spec


def run_now(
    factory: sessionmaker[Session],
    settings: Settings,
    name: str,
    *,
    actor: User | None = None,
    dry_run: bool = False,
) -> RunOutcome:
    """Runs one job at once in this process, recorded like a scheduled run (trigger `manual`)."""
    spec = get_spec(name)
    if dry_run and not spec.dry_run:
        raise ValidationFailed(f"Jobben {name!r} har ingen prøvekjøring.", field="dry_run")
    bind = factory.kw.get("bind")
    return run_job(
        name,
        spec.func,
        factory=factory,
        read_factory=read_factory_for(bind) if isinstance(bind, Engine) else None,
        settings=settings,
        trigger="manual",
        started_by_id=actor.id if actor else None,
        dry_run=dry_run,
    )


__all__ = ["JobStatus", "get_spec", "job_statuses", "recent_runs", "run_now"]
