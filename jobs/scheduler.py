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
one-off job in the same store), and never stops the others (each run is caught and recorded)."""

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
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from core.models import utcnow
from core.settings import Settings
from jobs import lease
from jobs.definitions import JOBS, JobSpec
from jobs.runner import TZ, RunOutcome, abandon_stale_runs, read_factory_for, run_job

log = logging.getLogger("arbeidsbro.jobs")

RUN_REF = "jobs.scheduler:scheduled_run"
JOBSTORE_TABLE = "apscheduler_jobs"
LEASE_NAME = "scheduler"
RETRY_SUFFIX = ":retry"

# The services started in this process. Normally one; a job is dispatched to the one holding the lease (a
# process-wide "last started" would hand a leader's run to a follower, which skips it).
_services: list[SchedulerService] = []
_services_lock = threading.Lock()


def scheduled_run(name: str, attempt: int = 1) -> None:
    """What the job store points at (a text reference, so stored jobs survive restarts and code changes)."""
    with _services_lock:
        services = list(_services)
    if not services:
        log.warning("jobb %s: ingen aktiv planlegger i denne prosessen", name)
        return
    leaders = [s for s in services if s.is_leader and name in s.specs]
    (leaders or services)[0].run_scheduled(name, attempt)


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
            if job_id.removesuffix(RETRY_SUFFIX) not in self.specs:
                scheduler.remove_job(job_id)

    def _on_event(self, event: JobExecutionEvent) -> None:
        if event.code == EVENT_JOB_MISSED:
            log.warning("jobb %s ble hoppet over: for sent (%s)", event.job_id, event.scheduled_run_time)
        else:
            log.warning("jobb %s kjører fortsatt; denne kjøringen hoppes over", event.job_id)

    # --- runs --------------------------------------------------------------------------------------------

    def run_scheduled(self, name: str, attempt: int = 1) -> RunOutcome | None:
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
            trigger="schedule" if attempt == 1 else "retry",
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
