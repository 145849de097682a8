"""The scheduler process part: APScheduler 3 with its job store in the application database, run only by the
process that holds the lease.

Every process (each `serve`, or `arbeidsbro scheduler`) starts a `SchedulerService`. Its keeper thread tries to
take the lease; the one that gets it starts a BackgroundScheduler on the shared SQLAlchemy job store, the others
keep trying. APScheduler's FAQ warns that two schedulers on one job store run jobs twice or lose them: with the
lease only one scheduler is ever started at a time, and before each run the holder checks that its lease is still
valid. Jobs are idempotent anyway, so the rare overlap in a hand-over does no harm.

Missed runs: jobs are kept in the store across restarts (never replaced at start-up), so a run time that passed
while no scheduler ran is found at start; `coalesce` makes several missed runs one, and each job's
`misfire_grace_time` says how late it may still run. A failed run is retried with exponential back-off (a
one-off job in the same store), and never stops the others (each run is caught and recorded).

First start: a job with a `period` whose last good run is older than that period (or that never ran, as on a fresh
install) runs once right after the scheduler starts (`catch_up`), unless APScheduler is about to run a missed
run time of it anyway; the jobs are idempotent, so a catch-up close to a scheduled run does no harm."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Iterable, Mapping

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobExecutionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.models import utcnow
from core.settings import Settings
from jobs import lease
from jobs.definitions import JOBS, JobSpec
from jobs.models import JobRun
from jobs.runner import TZ, RunOutcome, abandon_stale_runs, read_factory_for, run_job

log = logging.getLogger("arbeidsbro.jobs")

RUN_REF = "jobs.scheduler:scheduled_run"
JOBSTORE_TABLE = "apscheduler_jobs"
LEASE_NAME = "scheduler"
RETRY_SUFFIX = ":retry"
CATCH_UP_SUFFIX = ":catchup"

# The services started in this process. Normally one; a job is dispatched to the one holding the lease (a
# process-wide "last started" would hand a leader's run to a follower, which skips it).
_services: list[SchedulerService] = []
_services_lock = threading.Lock()


def scheduled_run(name: str, attempt: int = 1, trigger: str | None = None) -> None:
    """What the job store points at (a text reference, so stored jobs survive restarts and code changes)."""
    with _services_lock:
        services = list(_services)
    if not services:
        log.warning("jobb %s: ingen aktiv planlegger i denne prosessen", name)
        return
    leaders = [s for s in services if s.is_leader and name in s.specs]
    (leaders or services)[0].run_scheduled(name, attempt, trigger=trigger)


class _SharedEngineJobStore(SQLAlchemyJobStore):
    """APScheduler's SQLAlchemy job store disposes its engine on shutdown; ours is the application's engine
    (its pool serves the web requests), so a scheduler stopping on a lost lease must leave it alone."""

    def shutdown(self) -> None:
        pass


class SchedulerService:
    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        factory: sessionmaker[Session] | None = None,
        specs: Iterable[JobSpec] = JOBS,
        triggers: Mapping[str, BaseTrigger] | None = None,
        lease_name: str = LEASE_NAME,
        lease_ttl: float = 30.0,
        renew_every: float = 10.0,
        retry_base: float = 60.0,
        retry_max: float = 3600.0,
        max_workers: int = 3,
        holder: str | None = None,
        catch_up: bool = True,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.factory = factory or sessionmaker(bind=engine, expire_on_commit=False)
        self.read_factory = read_factory_for(engine)
        self.specs = {s.name: s for s in specs}
        self.triggers = dict(triggers or {})
        self.lease_name = lease_name
        self.lease_ttl = lease_ttl
        self.renew_every = renew_every
        self.retry_base = retry_base
        self.retry_max = retry_max
        self.max_workers = max_workers
        self.holder = holder or lease.new_holder_id()
        self.catch_up = catch_up
        self._scheduler: BackgroundScheduler | None = None
        self._expires: dt.datetime | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.RLock()

    # --- life cycle --------------------------------------------------------------------------------------

    def start(self) -> None:
        with _services_lock:
            if self not in _services:
                _services.append(self)
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="arbeidsbro-lease", daemon=True)
        self._thread.start()

    def stop(self, *, release: bool = True) -> None:
        """Stops running jobs here; with `release` the lease is freed at once for another process."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        with self._lock:
            self._stop_scheduler()
        if release:
            try:
                lease.release(self.factory, name=self.lease_name, holder=self.holder)
            except Exception:
                log.exception("planleggeren: kunne ikke frigi leiekontrakten")
        with _services_lock:
            if self in _services:
                _services.remove(self)

    def wait(self) -> None:
        """Blocks until `stop` (for `arbeidsbro scheduler`)."""
        while not self._stop.wait(1.0):
            pass

    @property
    def is_leader(self) -> bool:
        return self._scheduler is not None and self._expires is not None and utcnow() < self._expires

    def _loop(self) -> None:
        while True:
            self._tick()
            if self._stop.wait(self.renew_every):
                return

    def _tick(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            try:
                if self._scheduler is not None:
                    expires = lease.renew(
                        self.factory, name=self.lease_name, holder=self.holder, ttl=self.lease_ttl
                    )
                    if expires is None:
                        log.warning("planleggeren: leiekontrakten er tapt; stopper jobbene her")
                        self._stop_scheduler()
                    else:
                        self._expires = expires
                else:
                    expires = lease.acquire(
                        self.factory, name=self.lease_name, holder=self.holder, ttl=self.lease_ttl
                    )
                    if expires is not None:
                        self._expires = expires
                        log.info("planleggeren: %s kjører jobbene", self.holder)
                        self._start_scheduler()
            except Exception:
                log.exception("planleggeren: feil i leiekontrakt-runden")
                if self._scheduler is not None and not self.is_leader:
                    self._stop_scheduler()

    # --- APScheduler -------------------------------------------------------------------------------------

    def _start_scheduler(self) -> None:
        abandoned = abandon_stale_runs(self.factory, holder=self.holder)
        scheduler = BackgroundScheduler(
            jobstores={"default": _SharedEngineJobStore(engine=self.engine, tablename=JOBSTORE_TABLE)},
            executors={"default": ThreadPoolExecutor(self.max_workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
            timezone=TZ,
        )
        scheduler.add_listener(self._on_event, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        scheduler.start(paused=True)
        try:
            self._sync_jobs(scheduler)
            for name, attempt in abandoned:
                spec = self.specs.get(name)
                if spec is not None and attempt < spec.max_attempts:
                    self._schedule_retry(spec, attempt + 1, scheduler=scheduler)
            if self.catch_up:
                self._catch_up(scheduler, retrying={name for name, _ in abandoned})
        except Exception:
            scheduler.shutdown(wait=False)
            raise
        self._scheduler = scheduler
        scheduler.resume()

    def _stop_scheduler(self) -> None:
        scheduler, self._scheduler, self._expires = self._scheduler, None, None
        if scheduler is not None:
            scheduler.shutdown(wait=False)

    def _sync_jobs(self, scheduler: BackgroundScheduler) -> None:
        """Adds jobs missing from the store; a stored job keeps its next run time (so a missed run is seen)
        unless its schedule changed. Jobs no longer defined are removed."""
        existing = {job.id: job for job in scheduler.get_jobs()}
        for name, spec in self.specs.items():
            trigger = self.triggers.get(name) or spec.trigger()
            job = existing.get(name)
            if job is None:
                scheduler.add_job(
                    RUN_REF,
                    trigger=trigger,
                    id=name,
                    name=spec.label,
                    args=[name],
                    misfire_grace_time=spec.misfire_grace_time,
                    coalesce=True,
                    max_instances=1,
                )
                continue
            if str(job.trigger) != str(trigger):
                scheduler.reschedule_job(name, trigger=trigger)
            if job.misfire_grace_time != spec.misfire_grace_time or job.func_ref != RUN_REF:
                scheduler.modify_job(name, func=RUN_REF, misfire_grace_time=spec.misfire_grace_time)
        for job_id in existing:
            if job_id.removesuffix(RETRY_SUFFIX).removesuffix(CATCH_UP_SUFFIX) not in self.specs:
                scheduler.remove_job(job_id)

    def overdue(self, scheduler: BackgroundScheduler, *, now: dt.datetime | None = None) -> list[str]:
        """Jobs with a period whose last good run is older than it (or that never ran), leaving out those that
        APScheduler will run now anyway (a stored run time passed within its grace time)."""
        now = now or utcnow()
        with self.factory() as session:
            last_ok = dict(
                session.execute(
                    select(JobRun.name, func.max(JobRun.started_at))
                    .where(JobRun.status == "ok")
                    .group_by(JobRun.name)
                ).all()
            )
        stored = {job.id: job for job in scheduler.get_jobs()}
        out = []
        for name, spec in self.specs.items():
            if spec.period is None:
                continue
            last = last_ok.get(name)
            if last is not None and last.tzinfo is None:
                last = last.replace(tzinfo=dt.UTC)
            if last is not None and now - last < spec.period:
                continue
            job = stored.get(name)
            due = job.next_run_time if job is not None else None
            if due is not None and due <= now and (now - due).total_seconds() <= spec.misfire_grace_time:
                continue  # the missed run time itself is made up by APScheduler
            out.append(name)
        return out

    def _catch_up(self, scheduler: BackgroundScheduler, *, retrying: set[str]) -> None:
        """One run now of each overdue job (a one-off job in the store, beside its schedule)."""
        for name in self.overdue(scheduler):
            if name in retrying:
                continue
            spec = self.specs[name]
            scheduler.add_job(
                RUN_REF,
                trigger=DateTrigger(run_date=utcnow(), timezone=TZ),
                id=name + CATCH_UP_SUFFIX,
                name=f"{spec.label} (ved oppstart)",
                args=[name],
                kwargs={"trigger": "catchup"},
                misfire_grace_time=max(spec.misfire_grace_time, 3600),
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
            log.info("jobb %s: siste kjøring er eldre enn perioden; kjører én gang nå", name)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("jobb %s ble hoppet over: for sent (%s)", event.job_id, event.scheduled_run_time)
        else:
            log.warning("jobb %s kjører fortsatt; denne kjøringen hoppes over", event.job_id)

    # --- runs --------------------------------------------------------------------------------------------

    def run_scheduled(self, name: str, attempt: int = 1, trigger: str | None = None) -> RunOutcome | None:
        spec = self.specs.get(name)
        if spec is None:
            log.warning("jobb %s finnes ikke lenger", name)
            return None
        if not self.is_leader:
            log.info("jobb %s: denne prosessen har ikke leiekontrakten; hopper over", name)
            return None
        outcome = run_job(
            name,
            spec.func,
            factory=self.factory,
            read_factory=self.read_factory,
            settings=self.settings,
            trigger=trigger or ("schedule" if attempt == 1 else "retry"),
            attempt=attempt,
            holder=self.holder,
        )
        if outcome.status == "failed" and attempt < spec.max_attempts:
            self._schedule_retry(spec, attempt + 1)
        return outcome

    def retry_delay(self, attempt: int) -> float:
        """Exponential back-off: base, 2×base, 4×base … for the 2nd, 3rd, 4th attempt, capped."""
        return min(self.retry_base * 2 ** max(attempt - 2, 0), self.retry_max)

    def _schedule_retry(
        self, spec: JobSpec, attempt: int, *, scheduler: BackgroundScheduler | None = None
    ) -> None:
        with self._lock:
            scheduler = scheduler or self._scheduler
            if scheduler is None:
                return
            delay = self.retry_delay(attempt)
            scheduler.add_job(
                RUN_REF,
                trigger=DateTrigger(run_date=utcnow() + dt.timedelta(seconds=delay), timezone=TZ),
                id=spec.name + RETRY_SUFFIX,
                name=f"{spec.label} (forsøk {attempt})",
                args=[spec.name],
                kwargs={"attempt": attempt},
                misfire_grace_time=max(spec.misfire_grace_time, 3600),
                coalesce=True,
                max_instances=1,
                replace_existing=True,
            )
        log.info("jobb %s: nytt forsøk (%s) om %.0f s", spec.name, attempt, delay)
