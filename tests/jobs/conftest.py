"""Fixtures for the scheduler tests.

The scheduler works in its own threads with its own connections, so it cannot see the rolled-back test
transaction: it gets a scratch database of its own (SQLite file, or a scratch PostgreSQL database when
TEST_DATABASE_URL is set), migrated once, whose scheduler tables are emptied before each test. Every service a
test starts is stopped at the end, so no scheduler thread outlives its test."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
from sqlalchemy import Engine, inspect, text
from sqlalchemy.orm import Session, sessionmaker

from core import migrate
from core.db import make_engine
from core.settings import Settings
from jobs.scheduler import JOBSTORE_TABLE, SchedulerService
from tests.browser_support import ScratchDatabase

T = TypeVar("T")


@dataclass
class SchedDb:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    settings: Settings
    is_sqlite: bool


@pytest.fixture(scope="session")
def sched_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SchedDb]:
    tmp = tmp_path_factory.mktemp("jobs")
    scratch = ScratchDatabase(tmp, "jobs_sched")
    engine = make_engine(scratch.url)
    migrate.upgrade(engine)
    settings = Settings(
        database_url=scratch.url,
        secret_key="test-secret-key-not-for-production",
        var_dir=tmp / "var",
        environment="test",
    )
    yield SchedDb(
        scratch.url,
        engine,
        sessionmaker(bind=engine, expire_on_commit=False),
        settings,
        scratch.url.startswith("sqlite"),
    )
    engine.dispose()
    scratch.drop()


def clear_scheduler_tables(engine: Engine) -> None:
    with engine.begin() as conn:
        for table in ("job_runs", "scheduler_leases", "notifications"):
            conn.execute(text(f"DELETE FROM {table}"))
        if inspect(conn).has_table(JOBSTORE_TABLE):
            conn.execute(text(f"DELETE FROM {JOBSTORE_TABLE}"))


@pytest.fixture
def sched(sched_db: SchedDb) -> SchedDb:
    clear_scheduler_tables(sched_db.engine)
    return sched_db


@pytest.fixture
def make_service(sched: SchedDb) -> Iterator[Callable[..., SchedulerService]]:
    """SchedulerService on the scratch database with test timings (short lease, fast renewals, short
    back-off); stopped at the end of the test."""
    started: list[SchedulerService] = []

    def make(**kw: Any) -> SchedulerService:
        options: dict[str, Any] = {
            "engine": sched.engine,
            "settings": sched.settings,
            "lease_ttl": 2.0,
            "renew_every": 0.2,
            "retry_base": 0.3,
            "retry_max": 5.0,
            # the tests set their own run times; the start-up run of overdue jobs has its own tests
            "catch_up": False,
        }
        options.update(kw)
        service = SchedulerService(**options)
        started.append(service)
        return service

    yield make
    for service in started:
        service.stop()


def wait_for(
    predicate: Callable[[], T], timeout: float = 10.0, what: str = "condition", every: float = 0.05
) -> T:
    """Polls until `predicate()` is truthy (and returns it); fails after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(every)
