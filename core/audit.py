"""Append-only audit log of who touched which personal data and why, plus a separate security log.

Services write it; the application never updates or deletes audit rows (an ORM guard here, and a
database trigger from the migrations, refuse it)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ForeignKey, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.errors import AccessDenied
from core.models import Base, User, utcnow

ACTIONS = ("read", "create", "update", "delete", "export", "share", "unshare")


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor_email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[str | None] = mapped_column(String(20))
    office: Mapped[str | None] = mapped_column(String(4))
    action: Mapped[str] = mapped_column(String(10))
    subject_type: Mapped[str] = mapped_column(String(40), index=True)
    subject_id: Mapped[str | None] = mapped_column(String(64), index=True)
    purpose: Mapped[str] = mapped_column(String(200), default="")
    outcome: Mapped[str] = mapped_column(String(10), default="ok")
    detail: Mapped[str | None] = mapped_column(Text)


class SecurityEvent(Base):
    """Refused access, failed logins, CSRF failures: kept apart from the audit log of legitimate use."""

    __tablename__ = "security_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    event: Mapped[str] = mapped_column(String(40), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_email: Mapped[str | None] = mapped_column(String(254))
    ip: Mapped[str | None] = mapped_column(String(64))
    path: Mapped[str | None] = mapped_column(String(500))
    subject_type: Mapped[str | None] = mapped_column(String(40))
    subject_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str | None] = mapped_column(Text)


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry) and (obj in session.deleted or session.is_modified(obj)):
            raise RuntimeError("Revisjonsloggen kan bare utvides, ikke endres eller slettes.")


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    subject_type: str,
    subject_id: object | None,
    purpose: str = "",
    detail: str | None = None,
    outcome: str = "ok",
) -> AuditEntry:
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        role=actor.role if actor else "system",
        office=actor.office.number if actor and actor.office else None,
        action=action,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        purpose=purpose,
        outcome=outcome,
        detail=detail,
    )
    session.add(entry)
    return entry


def record_denied(
    session: Session, exc: AccessDenied, *, ip: str | None = None, path: str | None = None
) -> None:
    """Called after the request's rollback, so the refusal is kept even though the request failed."""
    actor = session.get(User, exc.actor_id) if exc.actor_id else None
    record(
        session,
        actor=actor,
        action="read",
        subject_type=exc.subject_type,
        subject_id=exc.subject_id,
        purpose=exc.purpose,
        outcome="nektet",
        detail="tilgang nektet",
    )
    security_event(
        session,
        event_name="access_denied",
        actor=actor,
        ip=ip,
        path=path,
        subject_type=exc.subject_type,
        subject_id=exc.subject_id,
    )


def security_event(
    session: Session,
    *,
    event_name: str,
    actor: User | None = None,
    email: str | None = None,
    ip: str | None = None,
    path: str | None = None,
    subject_type: str | None = None,
    subject_id: object | None = None,
    detail: str | None = None,
) -> SecurityEvent:
    entry = SecurityEvent(
        event=event_name,
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else email,
        ip=ip,
        path=path,
        subject_type=subject_type,
        subject_id=None if subject_id is None else str(subject_id),
        detail=detail,
    )
    session.add(entry)
    return entry


def search(
    session: Session,
    *,
    actor_email: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[AuditEntry]:
    stmt = select(AuditEntry)
    if actor_email:
        stmt = stmt.where(AuditEntry.actor_email.ilike(f"%{actor_email.strip()}%"))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if date_from:
        stmt = stmt.where(AuditEntry.at >= dt.datetime.combine(date_from, dt.time(), dt.UTC))
    if date_to:
        stmt = stmt.where(
            AuditEntry.at < dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        )
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    return session.scalars(stmt).all()


def search_security(session: Session, *, limit: int = 200) -> Sequence[SecurityEvent]:
    stmt = select(SecurityEvent).order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(limit)
    return session.scalars(stmt).all()


CSV_FIELDS = (
    "id",
    "at",
    "actor_email",
    "role",
    "office",
    "action",
    "subject_type",
    "subject_id",
    "purpose",
    "outcome",
)


def to_csv(entries: Iterable[AuditEntry]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(CSV_FIELDS)
    for e in entries:
        writer.writerow(
            [
                e.id,
                e.at.isoformat(),
                e.actor_email,
                e.role,
                e.office,
                e.action,
                e.subject_type,
                e.subject_id,
                e.purpose,
                e.outcome,
            ]
        )
    return buf.getvalue()


def _cef_header(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _cef_ext(value: object) -> str:
    return (
        str(value)
        .replace("\\", "\\\\")
        .replace("=", "\\=")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )


CEF_ACTIONS = {
    "read": "audit:access",
    "create": "audit:create",
    "update": "audit:update",
    "delete": "audit:delete",
    "export": "audit:access",
    "share": "audit:access",
    "unshare": "audit:update",
}


def to_cef_line(entry: AuditEntry) -> str:
    """ArcSight CEF as NAV's audit logging uses it: suid (who), duid (whose data), end (epoch ms)."""
    header = "|".join(
        _cef_header(v)
        for v in (
            "CEF:0",
            "NAV",
            "Arbeidsbro",
            "1.0",
            CEF_ACTIONS[entry.action],
            "Arbeidsbro audit log",
            "INFO",
        )
    )
    end_ms = int(entry.at.timestamp() * 1000)
    ext = {
        "end": end_ms,
        "suid": entry.actor_email or "system",
        "duid": f"{entry.subject_type}:{entry.subject_id or ''}",
        "request": f"{entry.action} {entry.subject_type}",
        "msg": entry.purpose or entry.action,
        "sproc": entry.role or "",
        "flexString1Label": "office",
        "flexString1": entry.office or "",
    }
    return header + "|" + " ".join(f"{k}={_cef_ext(v)}" for k, v in ext.items())


def to_cef(entries: Iterable[AuditEntry]) -> str:
    return "".join(to_cef_line(e) + "\n" for e in entries)
