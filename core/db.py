"""Engine and session: SQLite (WAL, foreign keys, busy timeout) by default, PostgreSQL in production."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, create_engine, event, func, select
from sqlalchemy.orm import Session, sessionmaker

from core.settings import Settings, get_settings

T = TypeVar("T")


def is_sqlite(url_or_engine: str | Engine) -> bool:
    url = str(url_or_engine.url) if isinstance(url_or_engine, Engine) else url_or_engine
    return url.startswith("sqlite")


# A request that runs on the event loop (web.routing.LoopRoute) takes the SQLite writer lock before it starts, and
# only if it is free: the loop must never wait for it, since a thread holding it may need the loop to finish. Its
# transactions then find the lock theirs already and must not take it again.
WRITER_HELD: ContextVar[bool] = ContextVar("writer_held", default=False)
_WRITERS: WeakKeyDictionary[Engine, threading.Lock] = WeakKeyDictionary()


def writer_lock(engine: Engine) -> threading.Lock | None:
    """The process's SQLite writer lock of an engine made by make_engine (None on PostgreSQL)."""
    return _WRITERS.get(engine)


def make_engine(url: str, **kwargs: Any) -> Engine:
    """SQLite gets pragmas on every connection and explicit BEGIN, so SAVEPOINT and BEGIN IMMEDIATE work."""
    if is_sqlite(url):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None  # let SQLAlchemy emit BEGIN itself
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        # SQLite allows one writer. A deferred BEGIN that reads first and writes later fails at once with
        # "database is locked" when another writer committed in between (WAL snapshot), so every transaction
        # takes the write lock up front (BEGIN IMMEDIATE, as Rails 8 does). Threads of this process queue on a
        # lock instead of polling SQLite's busy handler, which keeps latency even under load.
        writer = threading.Lock()
        _WRITERS[engine] = writer

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # Held for the request by web.routing.LoopRoute: it releases the lock when the request is done.
            conn.info["holds_writer"] = False if WRITER_HELD.get() else writer.acquire(timeout=60)
            try:
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            except BaseException:
                _release(conn)
                raise

        def _release(conn: Any) -> None:
            if conn.info.pop("holds_writer", False):
                writer.release()

        event.listen(engine, "commit", _release)
        event.listen(engine, "rollback", _release)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


_engine: Engine | None = None
_factory: sessionmaker[Session] | None = None


def get_engine(settings: Settings | None = None) -> Engine:
    global _engine
    if _engine is None:
        settings = settings or get_settings()
        _engine = make_engine(settings.resolved_database_url())
    return _engine


def get_session_factory() -> sessionmaker[Session]:
    global _factory
    if _factory is None:
        _factory = sessionmaker(bind=get_engine(), expire_on_commit=False)
    return _factory


def reset_engine() -> None:
    """Drop the cached engine (tests and the CLI switch databases)."""
    global _engine, _factory
    if _engine is not None:
        _engine.dispose()
    _engine = None
    _factory = None


@contextmanager
def session_scope(factory: sessionmaker[Session] | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error, so nothing half-written stays."""
    session = (factory or get_session_factory())()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class KeptStatements:
    """Statements kept per key and reused: on SQLite, building a statement and its cache key costs more than
    running it. The key must hold everything the statement depends on. At most `size` are kept; when full, the
    store starts over (a statement is cheap to build again, just not on every request)."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._kept: dict[Hashable, Any] = {}

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        found = self._kept.get(key)
        if found is None:
            if len(self._kept) >= self.size:
                self._kept.clear()
            found = self._kept[key] = build()
        return found


def count(session: Session, stmt: Any) -> int:
    """Rows a select would return (wrapping it, so filters on other tables are kept)."""
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
