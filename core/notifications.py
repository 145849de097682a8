"""In-app notifications (an inbox per user, the unread count in the page header) and their e-mail copies.

Scheduled jobs create notifications; a `dedupe_key` makes a job that runs twice (a retry, a restart, a second
process after a lease hand-over) leave one notification, not two. E-mail goes out through SMTP only when
`ARBEIDSBRO_SMTP_URL` is set (`smtp://user:pass@host:port?from=addr`, `smtp+starttls://…` or `smtps://…`);
the messages carry titles and counts, never health or benefit details."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import Boolean, ForeignKey, String, Text, UniqueConstraint, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from core.db import session_scope
from core.errors import NotFound, ValidationFailed
from core.models import Base, User, utcnow

log = logging.getLogger("arbeidsbro.notifications")

KINDS = {
    "oppfolging": "Oppfølging",
    "neste_steg": "Neste steg hos arbeidsgiver",
    "stilling_utlopt": "Stilling utløpt",
    "nye_treff": "Nye sterke treff",
    "plan": "Plan",
    "stilling": "Stilling",
    "system": "System",
}
EMAIL_MAX_AGE = dt.timedelta(days=1)  # a backlog older than this is not mailed when SMTP is switched on later


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("user_id", "dedupe_key", name="uq_notifications_user_dedupe"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str | None] = mapped_column(String(500))
    dedupe_key: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[dt.datetime | None]
    send_email: Mapped[bool] = mapped_column(Boolean, default=True)
    emailed_at: Mapped[dt.datetime | None]
    email_error: Mapped[str | None] = mapped_column(String(500))

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def notify(
    session: Session,
    *,
    user_id: int,
    kind: str,
    title: str,
    body: str = "",
    link: str | None = None,
    dedupe_key: str | None = None,
    send_email: bool = True,
) -> Notification | None:
    """Adds one notification; None when the same `dedupe_key` was already given to this user (idempotent)."""
    if kind not in KINDS:
        raise ValidationFailed(f"Ukjent varseltype {kind!r}.", field="kind")
    if dedupe_key is not None:
        existing = session.scalar(
            select(Notification.id).where(
                Notification.user_id == user_id, Notification.dedupe_key == dedupe_key
            )
        )
        if existing is not None:
            return None
    row = Notification(
        user_id=user_id,
        kind=kind,
        title=title[:300],
        body=body,
        link=link,
        dedupe_key=dedupe_key,
        send_email=send_email,
    )
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:  # the same key written by a concurrent run in between
        return None
    return row


_UNREAD = (
    select(func.count())
    .select_from(Notification)
    .where(Notification.user_id == bindparam("user_id"), Notification.read_at.is_(None))
)


def unread_count(session: Session, user_id: int) -> int:
    """On every page (the header's badge): one prepared statement."""
    return session.scalar(_UNREAD, {"user_id": user_id}) or 0


def list_for(
    session: Session, *, actor: User, unread_only: bool = False, limit: int = 100, offset: int = 0
) -> Sequence[Notification]:
    """The actor's own inbox, newest first; nobody reads another person's notifications."""
    stmt = select(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return session.scalars(
        stmt.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit).offset(offset)
    ).all()


_LATEST_UNREAD = (
    select(Notification)
    .where(
        Notification.user_id == bindparam("user_id"),
        Notification.kind == bindparam("kind"),
        Notification.read_at.is_(None),
    )
    .order_by(Notification.created_at.desc(), Notification.id.desc())
    .limit(1)
)


def latest_unread(session: Session, *, actor: User, kind: str) -> Notification | None:
    """The actor's newest unread notification of one kind (a dashboard panel shows it)."""
    return session.scalars(_LATEST_UNREAD, {"user_id": actor.id, "kind": kind}).first()


def count_for(session: Session, *, actor: User, unread_only: bool = False) -> int:
    stmt = select(func.count()).select_from(Notification).where(Notification.user_id == actor.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return session.scalar(stmt) or 0


def mark_read(session: Session, *, actor: User, notification_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    if row is None or row.user_id != actor.id:
        raise NotFound("Fant ikke varselet.")
    if row.read_at is None:
        row.read_at = utcnow()
        session.flush()
    return row


def mark_all_read(session: Session, *, actor: User) -> int:
    result = session.execute(
        update(Notification)
        .where(Notification.user_id == actor.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    session.flush()
    return int(result.rowcount or 0)  # type: ignore[attr-defined]  # rowcount is on the CursorResult an UPDATE returns


# --- e-mail ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    mode: str  # plain, starttls, ssl
    username: str | None
    password: str | None
    sender: str


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://[user:pass@]host[:port][?from=addr]`; `smtp+starttls://` upgrades with STARTTLS, `smtps://` is TLS."""
    parts = urlsplit(url)
    modes = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "ssl"}
    if parts.scheme not in modes or not parts.hostname:
        raise ValidationFailed(
            "ARBEIDSBRO_SMTP_URL må se slik ut: smtp://bruker:passord@vert:port?from=avsender@example.no",
            field="ARBEIDSBRO_SMTP_URL",
        )
    mode = modes[parts.scheme]
    query = parse_qs(parts.query)
    return SmtpConfig(
        host=parts.hostname,
        port=parts.port or (465 if mode == "ssl" else 587 if mode == "starttls" else 25),
        mode=mode,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        sender=query.get("from", ["arbeidsbro@localhost"])[0],
    )


def _message(sender: str, to: str, title: str, body: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = f"Arbeidsbro: {title}"
    lines = [title, ""]
    if body:
        lines += [body, ""]
    lines.append("Logg inn i Arbeidsbro og åpne Varsler for å se mer.")
    msg.set_content("\n".join(lines))
    return msg


def _connect(config: SmtpConfig, timeout: float) -> smtplib.SMTP:
    if config.mode == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(
            config.host, config.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=timeout)
        if config.mode == "starttls":
            client.starttls(context=ssl.create_default_context())
    if config.username:
        client.login(config.username, config.password or "")
    return client


def _pending(now: dt.datetime) -> Any:
    return (
        Notification.send_email.is_(True),
        Notification.emailed_at.is_(None),
        Notification.email_error.is_(None),
        Notification.created_at >= now - EMAIL_MAX_AGE,
    )


def deliver_email(
    factory: sessionmaker[Session], *, smtp_url: str | None, now: dt.datetime | None = None, limit: int = 500
) -> int:
    """Sends the not yet mailed notifications of active users (one SMTP connection) and returns how many went.

    Without an SMTP URL nothing is sent and nothing is marked. No transaction is open while the mail server
    talks (on SQLite that would hold the single write lock): the rows are first claimed in a short transaction
    (`emailed_at` set where it was still empty, so two deliveries at once never send one row twice), then sent,
    then the outcome written. A refused recipient is recorded on the row and not retried; a lost connection
    gives the unsent rows back for the next call."""
    if not smtp_url:
        return 0
    config = parse_smtp_url(smtp_url)
    now = now or utcnow()
    with session_scope(factory) as session:
        ids = list(
            session.scalars(
                select(Notification.id)
                .join(User, User.id == Notification.user_id)
                .where(*_pending(now), User.is_active.is_(True))
                .order_by(Notification.id)
                .limit(limit)
            )
        )
    if not ids:
        return 0
    try:
        client = _connect(config, timeout=20)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP: får ikke kontakt med %s:%s: %s", config.host, config.port, exc)
        return 0
    sent: list[int] = []
    refused: dict[int, str] = {}
    unsent: list[int] = []
    try:
        with session_scope(factory) as session:
            claimed = set(
                session.scalars(
                    update(Notification)
                    .where(Notification.id.in_(ids), *_pending(now))
                    .values(emailed_at=utcnow())
                    .returning(Notification.id)
                    .execution_options(synchronize_session=False)
                )
            )
            rows = session.execute(
                select(Notification.id, Notification.title, Notification.body, User.email)
                .join(User, User.id == Notification.user_id)
                .where(Notification.id.in_(claimed))
                .order_by(Notification.id)
            ).all()
        for i, (row_id, title, body, email) in enumerate(rows):
            try:
                client.send_message(_message(config.sender, email, title, body))
            except smtplib.SMTPRecipientsRefused as exc:
                refused[row_id] = f"mottaker avvist: {exc}"[:500]
                continue
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("SMTP: sending stoppet: %s", exc)
                unsent = [r[0] for r in rows[i:]]
                break
            sent.append(row_id)
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
        if refused or unsent:
            with session_scope(factory) as session:
                for row_id, error in refused.items():
                    session.execute(
                        update(Notification)
                        .where(Notification.id == row_id)
                        .values(emailed_at=None, email_error=error)
                        .execution_options(synchronize_session=False)
                    )
                if unsent:
                    session.execute(
                        update(Notification)
                        .where(Notification.id.in_(unsent))
                        .values(emailed_at=None)
                        .execution_options(synchronize_session=False)
                    )
    return len(sent)
