"""Append-only audit log of who touched which personal data and why, plus a separate security log.

Services write it; the application never updates or deletes audit rows (an ORM guard here, and a
database trigger from the migrations, refuse it). Triggers do not stop the database's owner, so each row of both
logs is also sealed into a keyed chain (`audit_chain`): HMAC-SHA256 over the row and the previous row's MAC, with a
key kept outside the database (`Settings.resolved_audit_key`). Rewriting, inserting or deleting a row breaks the
chain from there on, and without the key nobody can compute a chain that `verify` accepts.

Sealing happens at commit (`_seal`, a `before_commit` hook): the transaction's new rows are read back and chained
under a lock (PostgreSQL: a transaction-scoped advisory lock; SQLite: its single writer already serialises), so
concurrent writers still produce one valid chain and the lock is held only for the append and the commit.

Reads are de-duplicated per transaction (one request = one row per person read, whatever the code path), lists name
every person they returned (`record_many`, one batched insert), and the purpose carries the reader's role.

Known limit: the newest rows can be cut off together with their chain entries without a break inside the chain;
`verify` reports the head (sequence number and MAC) so an operator can keep it elsewhere and compare."""

from __future__ import annotations

import csv
import datetime as dt
import hmac
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import (
    Connection,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    and_,
    bindparam,
    event,
    false,
    func,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, SessionTransaction, mapped_column

from core.errors import AccessDenied
from core.models import Base, User, utcnow
from core.settings import get_settings

ACTIONS = ("read", "create", "update", "delete", "export", "share", "unshare")

ACTION_LABELS = {
    "read": "Lest",
    "create": "Opprettet",
    "update": "Endret",
    "delete": "Slettet",
    "export": "Eksportert",
    "share": "Delt",
    "unshare": "Deling trukket",
}
SUBJECT_LABELS = {
    "candidate": "Kandidat",
    "employer": "Arbeidsgiver",
    "opening": "Stilling",
    "user": "Bruker",
    "office": "NAV-kontor",
    "audit_log": "Revisjonslogg",
    "followup_record": "Jobbspor (oppfølging)",
    "followup_health": "Helse i oppfølging",
    "followup_placement": "Jobb i oppfølging",
    "fidelity_review": "Kvalitetsvurdering",
    "plan_journal_entry": "Journal (notat eller samtalereferat)",
    "plan": "Plan (oppfølgingsperiode og mål)",
    "plan_activity": "Aktivitet i planen",
}
OUTCOME_LABELS = {"ok": "Utført", "nektet": "Nektet"}
EVENT_LABELS = {
    "login_failed": "Mislykket innlogging",
    "access_denied": "Tilgang nektet",
    "role_refused": "Rollen har ikke tilgang",
    "csrf_failed": "Skjema avvist (CSRF)",
    "break_glass": "Begrunnet innsyn (administrator)",
    "reason_required": "Innsyn uten begrunnelse avvist",
    "throttle_lifted": "Innloggingsforsinkelse opphevet",
}


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


class AuditChain(Base):
    """The keyed chain over both logs: one entry per row of `audit_log` or `security_log`, in append order (`seq`
    per log, without gaps), with the row's MAC. Kept beside the rows so the rows keep their shape and ids."""

    __tablename__ = "audit_chain"
    __table_args__ = (UniqueConstraint("log", "row_id"),)

    log: Mapped[str] = mapped_column(String(8), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    row_id: Mapped[int] = mapped_column(Integer)
    mac: Mapped[str] = mapped_column(String(64))


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEntry | SecurityEvent | AuditChain) and (
            obj in session.deleted or session.is_modified(obj)
        ):
            raise RuntimeError("Revisjonsloggen kan bare utvides, ikke endres eller slettes.")


# --- the key and the chain ---------------------------------------------------------------------------------

_key: bytes | None = None


def configure_key(key: str | bytes) -> None:
    """Sets the process's chain key (the app and the CLI call this with the settings' key)."""
    global _key
    _key = key.encode() if isinstance(key, str) else key


def current_key() -> bytes:
    if _key is None:
        configure_key(get_settings().resolved_audit_key())
    assert _key is not None
    return _key


AUDIT_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_email",
    "role",
    "office",
    "action",
    "subject_type",
    "subject_id",
    "purpose",
    "outcome",
    "detail",
)
SECURITY_FIELDS = (
    "id",
    "at",
    "event",
    "actor_id",
    "actor_email",
    "ip",
    "path",
    "subject_type",
    "subject_id",
    "detail",
)
LOGS: dict[str, tuple[Any, tuple[str, ...]]] = {}  # filled below, once SecurityEvent exists
GENESIS = "arbeidsbro-revisjonskjede-start"  # the "previous MAC" of each log's first row


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def canonical_body(log: str, seq: int, prev_mac: str, values: Sequence[Any]) -> bytes:
    """What a row's MAC covers: the log's name, the position, the previous MAC and the row's columns, as JSON
    (unambiguous whatever the text holds). Both logs' rows are (id, at, ...): `at` as ISO 8601 in UTC."""
    return json.dumps([log, seq, prev_mac, values[0], _canonical(values[1]), *values[2:]]).encode()


def row_mac(key: bytes, log: str, seq: int, prev_mac: str, values: Sequence[Any]) -> str:
    """One HMAC-SHA256 per row (the one-shot C digest: this runs for every row of every list read)."""
    return hmac.digest(key, canonical_body(log, seq, prev_mac, values), "sha256").hex()


_LOCK_ID = 0x41756469  # "Audi": the advisory lock that serialises appends to the chain on PostgreSQL


def _lock_chain(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
    # SQLite: every transaction holds the single writer lock from BEGIN IMMEDIATE (core.db), so appends queue.


# The chain's two hot statements, built once (the log name and the ids are bound): the head, and each log's rows to
# seal as stored (_ROWS, below LOGS). Building them per commit cost more than running them.
_HEAD = (
    select(AuditChain.seq, AuditChain.mac)
    .where(AuditChain.log == bindparam("log"))
    .order_by(AuditChain.seq.desc())
    .limit(1)
)


def _head(conn: Connection, log: str) -> tuple[int, str]:
    row = conn.execute(_HEAD, {"log": log}).first()
    return (row[0], row[1]) if row else (0, GENESIS)


# Core executemany: the ORM's bulk insert cost several times the statement itself.
# (A cast: a declarative model's __table__ is the Table it maps; SQLAlchemy types it as any FromClause.)
_CHAIN_INSERT = cast(Table, AuditChain.__table__).insert()


def seal(conn: Connection, log: str, ids: Iterable[int], key: bytes | None = None) -> int:
    """Appends the rows with these ids (read back as stored) to the log's chain, in id order; takes the lock
    first. The caller commits (the lock is held until then). Returns the number sealed."""
    wanted = sorted(set(ids))
    if not wanted:
        return 0
    key = key or current_key()
    _lock_chain(conn)
    seq, prev = _head(conn, log)
    stmt = _ROWS[log]
    chained = []
    for start in range(0, len(wanted), 1000):
        for row in conn.execute(stmt, {"ids": wanted[start : start + 1000]}):
            seq += 1
            prev = row_mac(key, log, seq, prev, row)
            chained.append({"log": log, "seq": seq, "row_id": row[0], "mac": prev})
    if chained:
        conn.execute(_CHAIN_INSERT, chained)
    return len(chained)


def seal_unchained(conn: Connection, key: bytes | None = None) -> int:
    """Chains every row not yet in the chain (in id order): the migration that starts the chain uses it for the
    rows written before it. Not for daily use: rows must be sealed by the transaction that wrote them."""
    total = 0
    for log, (model, _fields) in LOGS.items():
        unchained = select(model.id).where(
            ~select(AuditChain.row_id).where(AuditChain.log == log, AuditChain.row_id == model.id).exists()
        )
        ids: list[int] = list(conn.scalars(unchained))
        if ids:
            total += seal(conn, log, ids, key or current_key())
    return total


_NEW = "audit_new"  # session.info: {"audit": set of ids, "security": set of ids} written in this transaction
_SEEN = "audit_seen"  # session.info: reads recorded in this transaction, (actor, type, id, outcome) -> row


@event.listens_for(Session, "after_flush")
def _note_new_rows(session: Session, _ctx: Any) -> None:
    for obj in session.new:
        if isinstance(obj, AuditEntry):
            session.info.setdefault(_NEW, {}).setdefault("audit", set()).add(obj.id)
        elif isinstance(obj, SecurityEvent):
            session.info.setdefault(_NEW, {}).setdefault("security", set()).add(obj.id)


@event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    """Chains the rows this transaction wrote, as its last work before the commit (so the lock is short)."""
    if not session.info.get(_NEW) and not any(isinstance(o, AuditEntry | SecurityEvent) for o in session.new):
        return
    session.flush()
    new = session.info.pop(_NEW, {})
    conn = session.connection()
    # One lock for both logs, taken after the last flush: the holder waits on nothing else, so no deadlock.
    for log in ("audit", "security"):
        if new.get(log):
            seal(conn, log, new[log])


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_NEW, None)
        session.info.pop(_SEEN, None)


def verify(conn: Connection, key: bytes | None = None) -> dict[str, Any]:
    """Walks both chains: `{"rows": n, "ok": true, "logs": {...heads}}`, or `ok: false` with the first broken row
    (`broken`: log, seq, row id and why)."""
    key = key or current_key()
    out: dict[str, Any] = {"rows": 0, "ok": True, "logs": {}}
    for log, (model, fields) in LOGS.items():
        seq, prev, broken = 0, GENESIS, None
        columns = [getattr(model, f) for f in fields]
        stmt = (
            select(AuditChain.seq, AuditChain.row_id, AuditChain.mac, *columns)
            .outerjoin(model, model.id == AuditChain.row_id)
            .where(AuditChain.log == log)
            .order_by(AuditChain.seq)
        )
        for row in conn.execute(stmt.execution_options(yield_per=2000)):
            chain_seq, row_id, mac, values = row[0], row[1], row[2], row[3:]
            if chain_seq != seq + 1:
                broken = {"seq": seq + 1, "row_id": None, "reason": "en oppføring i kjeden mangler"}
                break
            seq = chain_seq
            if values[0] is None:
                broken = {"seq": seq, "row_id": row_id, "reason": "raden er slettet"}
                break
            expected = row_mac(key, log, seq, prev, values)
            if not hmac.compare_digest(expected, mac):
                broken = {"seq": seq, "row_id": row_id, "reason": "raden eller kjeden er endret"}
                break
            prev = mac
        if broken is None:
            stray = conn.scalar(
                select(model.id)
                .where(
                    ~select(AuditChain.row_id)
                    .where(AuditChain.log == log, AuditChain.row_id == model.id)
                    .exists()
                )
                .order_by(model.id)
                .limit(1)
            )
            if stray is not None:
                broken = {"seq": None, "row_id": stray, "reason": "raden står utenfor kjeden"}
        out["rows"] += seq
        out["logs"][log] = {"rows": seq, "head_seq": seq, "head_mac": None if seq == 0 else prev}
        if broken is not None and out["ok"]:
            out["ok"] = False
            out["broken"] = {"log": log, **broken}
    return out


# --- writing -------------------------------------------------------------------------------------------------

FOLLOWUP_ROLES = ("jobbspesialist", "veileder")
ROLE_PURPOSE = {
    "jobbspesialist": "oppfølging",
    "veileder": "oppfølging",
    "markedskontakt": "markedsarbeid",
    "admin": "administrasjon",
    "arbeidsgiver": "arbeidsgiver",
}


def purpose_for(role: str | None, purpose: str) -> str:
    """The purpose as the reader's role gives it. Pages and services name what was read under a role's heading
    ("oppfølging: kandidatkort"); the heading is the reader's own, so a market contact's read of that page is
    "markedsarbeid: kandidatkort" and an admin's "administrasjon: kandidatkort". Other purposes (a reason the
    reader typed, "innsyn", "sletting", "jobbforslag") are kept as written; the role is in its own column."""
    purpose = (purpose or "").strip()
    why = ROLE_PURPOSE.get(role or "", "system" if role in (None, "system") else role or "system")
    head, sep, rest = purpose.partition(":")
    if sep and head.strip() in ROLE_PURPOSE.values() and head.strip() != why:
        return f"{why}:{rest}"
    return purpose


def _actor_columns(actor: User | None) -> dict[str, Any]:
    return {
        "actor_id": actor.id if actor else None,
        "actor_email": actor.email if actor else None,
        "role": actor.role if actor else "system",
        "office": actor.office.number if actor and actor.office else None,
    }


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
) -> AuditEntry | None:
    """One row per user action: a second read of the same record by the same person in one transaction (one
    request) adds no row, and a change drops the same request's read of that record while it is unwritten.
    Returns the row, or None when the read was already recorded."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    subject = None if subject_id is None else str(subject_id)
    seen: dict[tuple[Any, ...], AuditEntry] = session.info.setdefault(_SEEN, {})
    who = actor.id if actor else None
    if action == "read":
        if (who, subject_type, subject, outcome) in seen:
            return None
    elif outcome == "ok":
        earlier = seen.get((who, subject_type, subject, "ok"))
        if earlier is not None and earlier in session.new:
            session.expunge(earlier)  # the read was part of this change: the change's row stands for both
    entry = AuditEntry(
        **_actor_columns(actor),
        action=action,
        subject_type=subject_type,
        subject_id=subject,
        purpose=purpose_for(actor.role if actor else None, purpose)[:200],
        outcome=outcome,
        detail=detail,
    )
    session.add(entry)
    if action == "read":
        seen[(who, subject_type, subject, outcome)] = entry
    return entry


# Core, not the ORM's bulk insert (which cost several times the statement); RETURNING gives the ids to seal, in any
# order (asking for the parameters' order made SQLite insert row by row).
_LIST_INSERT = (
    cast(Table, AuditEntry.__table__).insert().returning(AuditEntry.__table__.c.id)
)  # as _CHAIN_INSERT


def record_many(
    session: Session,
    *,
    actor: User | None,
    subject_type: str,
    subject_ids: Iterable[object],
    purpose: str,
    action: str = "read",
    detail: str | None = None,
) -> int:
    """A list or search read: one row per person returned (so a person's own history of who saw them is complete
    and searchable by person), written in one batched insert. People already read in this transaction are left
    out. Returns the number of rows written."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    seen: dict[tuple[Any, ...], Any] = session.info.setdefault(_SEEN, {})
    who = actor.id if actor else None
    common = {
        **_actor_columns(actor),
        "action": action,
        "subject_type": subject_type,
        "purpose": purpose_for(actor.role if actor else None, purpose)[:200],
        "outcome": "ok",
        "detail": detail,
    }
    rows = []
    for sid in subject_ids:
        subject = str(sid)
        k = (who, subject_type, subject, "ok")
        if k in seen:
            continue
        seen[k] = True
        rows.append({**common, "subject_id": subject, "at": utcnow()})
    if not rows:
        return 0
    ids: Sequence[int] = session.connection().execute(_LIST_INSERT, rows).scalars().all()
    session.info.setdefault(_NEW, {}).setdefault("audit", set()).update(ids)
    return len(rows)


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


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), dt.UTC)


def search(
    session: Session,
    *,
    actor_email: str | None = None,
    action: str | None = None,
    subject_type: str | None = None,
    subject_id: str | None = None,
    subjects: Sequence[tuple[str, str]] | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 200,
    offset: int = 0,
) -> Sequence[AuditEntry]:
    """Newest first. `actor_email` matches the user's e-mail or name; `subjects` is a person's records as
    (type, id) pairs (an empty list finds nothing: the person was not found)."""
    stmt = _by_user_and_days(select(AuditEntry), AuditEntry, actor_email, date_from, date_to)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject_type:
        stmt = stmt.where(AuditEntry.subject_type == subject_type)
    if subject_id:
        stmt = stmt.where(AuditEntry.subject_id == subject_id)
    if subjects is not None:
        by_type: dict[str, list[str]] = {}
        for kind, sid in subjects:
            by_type.setdefault(kind, []).append(str(sid))
        stmt = stmt.where(
            or_(
                false(),
                *(
                    and_(AuditEntry.subject_type == kind, AuditEntry.subject_id.in_(ids))
                    for kind, ids in by_type.items()
                ),
            )
        )
    stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit).offset(offset)
    return session.scalars(stmt).all()


LOGS.update({"audit": (AuditEntry, AUDIT_FIELDS), "security": (SecurityEvent, SECURITY_FIELDS)})
_ROWS = {
    log: select(*[getattr(model, f) for f in fields])
    .where(model.id.in_(bindparam("ids", expanding=True)))
    .order_by(model.id)
    for log, (model, fields) in LOGS.items()
}


def search_security(
    session: Session,
    *,
    user: str | None = None,
    event_name: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 200,
) -> Sequence[SecurityEvent]:
    """Newest first; `user` matches the e-mail (also one typed at a failed login) or the user's name."""
    stmt = _by_user_and_days(select(SecurityEvent), SecurityEvent, user, date_from, date_to)
    if event_name:
        stmt = stmt.where(SecurityEvent.event == event_name)
    stmt = stmt.order_by(SecurityEvent.at.desc(), SecurityEvent.id.desc()).limit(limit)
    return session.scalars(stmt).all()


def _by_user_and_days(
    stmt: Any, model: Any, user: str | None, date_from: dt.date | None, date_to: dt.date | None
) -> Any:
    """The two logs' shared filters: `user` matches the e-mail (also one typed at a failed login) or the user's
    name; the days are whole days, `date_to` included."""
    if user:
        like = f"%{user.strip().lower()}%"
        stmt = stmt.where(
            or_(
                func.lower(model.actor_email).like(like),
                model.actor_id.in_(select(User.id).where(func.lower(User.name).like(like))),
            )
        )
    if date_from:
        stmt = stmt.where(model.at >= _day_start(date_from))
    if date_to:
        stmt = stmt.where(model.at < _day_start(date_to + dt.timedelta(days=1)))
    return stmt


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action)


def subject_label(subject_type: str | None) -> str:
    return SUBJECT_LABELS.get(subject_type or "", subject_type or "")


def event_label(event_name: str) -> str:
    return EVENT_LABELS.get(event_name, event_name)


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
