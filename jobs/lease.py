"""The scheduler lease: one row per lease name, taken and renewed with a compare-and-set UPDATE.

`UPDATE … SET holder = me, expires_at = now + ttl WHERE name = … AND (holder = me OR expires_at < now)`
matches the row for one process only: on PostgreSQL the second concurrent UPDATE waits for the first, then
re-checks the WHERE clause against the committed row and matches nothing; on SQLite writers are serialised.
A holder that dies stops renewing, and the next process takes over once `expires_at` has passed."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from core.db import session_scope
from core.models import utcnow
from jobs.models import SchedulerLease

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def new_holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _ensure_row(factory: sessionmaker[Session], name: str) -> None:
    with session_scope(factory) as session:
        if session.get(SchedulerLease, name) is not None:
            return
    try:
        with session_scope(factory) as session:
            session.execute(insert(SchedulerLease).values(name=name, holder=None, expires_at=EPOCH))
    except IntegrityError:  # another process inserted it first
        pass


def acquire(
    factory: sessionmaker[Session], *, name: str, holder: str, ttl: float, now: dt.datetime | None = None
) -> dt.datetime | None:
    """Takes (or renews) the lease if it is free, expired or ours; returns its new expiry, None if refused."""
    _ensure_row(factory, name)
    now = now or utcnow()
    expires = now + dt.timedelta(seconds=ttl)
    with session_scope(factory) as session:
        result = session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,
                (SchedulerLease.holder == holder) | (SchedulerLease.expires_at < now),
            )
            .values(
                holder=holder,
                expires_at=expires,
                acquired_at=_acquired_at(session, name, holder, now),
            )
            .execution_options(synchronize_session=False)
        )
        return expires if result.rowcount == 1 else None  # type: ignore[attr-defined]  # rowcount is on the CursorResult an UPDATE returns


def _acquired_at(session: Session, name: str, holder: str, now: dt.datetime) -> dt.datetime:
    row = session.execute(
        select(SchedulerLease.holder, SchedulerLease.acquired_at).where(SchedulerLease.name == name)
    ).first()
    if row is not None and row.holder == holder and row.acquired_at is not None:
        return row.acquired_at
    return now


def renew(factory: sessionmaker[Session], *, name: str, holder: str, ttl: float) -> dt.datetime | None:
    """Extends our own lease only while it has not expired; None means it is lost (stop running jobs)."""
    now = utcnow()
    expires = now + dt.timedelta(seconds=ttl)
    with session_scope(factory) as session:
        result = session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,
                SchedulerLease.holder == holder,
                SchedulerLease.expires_at >= now,
            )
            .values(expires_at=expires)
            .execution_options(synchronize_session=False)
        )
        return expires if result.rowcount == 1 else None  # type: ignore[attr-defined]  # rowcount is on the CursorResult an UPDATE returns


def release(factory: sessionmaker[Session], *, name: str, holder: str) -> None:
    """On a clean shutdown: expire our lease at once, so another process need not wait for the TTL."""
    with session_scope(factory) as session:
        session.execute(
            update(SchedulerLease)
            .where(SchedulerLease.name == name, SchedulerLease.holder == holder)
            .values(expires_at=EPOCH)
            .execution_options(synchronize_session=False)
        )


def current(factory: sessionmaker[Session], name: str) -> SchedulerLease | None:
    with session_scope(factory) as session:
        return session.get(SchedulerLease, name)
