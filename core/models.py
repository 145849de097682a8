"""Declarative base, timestamp mixin and the foundation's tables: offices, users, sessions, tokens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    TypeDecorator,
    func,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, relationship

from core.roles import EMPLOYMENT_LABELS, OFFICE_STAFF, ROLE_LABELS, Role

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on both databases (SQLite would otherwise hand back naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChangeMarkMixin:
    """`changed_at`: when the row, or a row that belongs to it (a candidate's CV lines, jobbprofil…), last changed
    through the ORM — the mark the ranking index refreshes from (`recruitment.ranking`). It moves with every UPDATE
    of the row (`onupdate`); the owning domain touches it when a child row changes."""

    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow, index=True)


class ChangeMark(NamedTuple):
    """A table's state for a cache: the last `changed_at`, the number of rows and the highest id. New rows have
    higher ids, so rows + new rows ≠ rows now tells that some went (deleted rows leave no mark of their own)."""

    changed_at: dt.datetime | None
    rows: int
    last_id: int | None


def change_mark(session: Session, model: Any) -> ChangeMark:
    """The ChangeMark of a table whose model has `ChangeMarkMixin` and an integer `id`."""
    mark: tuple[dt.datetime | None, int, int | None] = session.execute(
        select(func.max(model.changed_at), func.count(), func.max(model.id))
    ).one()
    changed_at, rows, last_id = mark
    return ChangeMark(changed_at, int(rows), last_id)


def changed_since(session: Session, model: Any, since: dt.datetime | None, limit: int) -> list[int]:
    """Ids of rows changed at or after ``since`` (all with None), at most ``limit``."""
    stmt = select(model.id)
    if since is not None:
        stmt = stmt.where(model.changed_at >= since)
    return list(session.scalars(stmt.limit(limit)))


def hold_rows(session: Session, model: Any, ids: Iterable[int]) -> set[int]:
    """The ids among ``ids`` whose rows still exist, held until the transaction ends: no other transaction can
    delete them meanwhile, so a foreign key written to them now cannot fail later. PostgreSQL: FOR KEY SHARE
    (a plain update of the row does not wait for it, a DELETE does), taken in id order; SQLite renders no lock,
    its one writer (BEGIN IMMEDIATE) already serialises."""
    wanted = sorted(set(ids))
    held: set[int] = set()
    for start in range(0, len(wanted), 2000):
        part = wanted[start : start + 2000]
        stmt = select(model.id).where(model.id.in_(part)).order_by(model.id)
        held.update(session.scalars(stmt.with_for_update(read=True, key_share=True)))
    return held


class VersionedMixin:
    """Optimistic locking for records two people edit: SQLAlchemy adds `WHERE version = n` to every UPDATE and
    bumps it, so a save based on a stale read fails instead of overwriting; forms carry the version they were
    opened with (see `core.locking.check_version`)."""

    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


# Plain strings (the column's values); the names and sets live in core.roles.
ROLES: tuple[str, ...] = tuple(r.value for r in Role)


class Office(TimestampMixin, Base):
    """A NAV office; staff belong to one and see its candidates only."""

    __tablename__ = "offices"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    municipalities: Mapped[list[str]] = mapped_column(default=list)


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    # core.roles.Employment for NAV staff (state or municipal employee); None for employer users
    employment: Mapped[str | None] = mapped_column(String(10))
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    password_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[dt.datetime | None]
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)

    office: Mapped[Office | None] = relationship(lazy="joined")

    @property
    def is_office_staff(self) -> bool:
        """A caseworker bound to an office (core.roles.OFFICE_STAFF; the admin is NAV staff but not this)."""
        return self.role in OFFICE_STAFF

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)

    @property
    def employment_label(self) -> str:
        return EMPLOYMENT_LABELS.get(self.employment or "", "")


class UserSession(Base):
    """Server-side login session; the cookie holds a random id, the table only its hash (revocable)."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    ended_at: Mapped[dt.datetime | None]
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class ApiToken(Base):
    """Bearer token for /api/v1; only its hash is stored, and it can be revoked."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]


class LoginThrottle(Base):
    """Failed logins per key (e-mail or IP), whether or not the user exists, for slow-down and lock-out."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime | None]
    locked_until: Mapped[dt.datetime | None]
