"""Optimistic locking for forms: a form carries the version of the record it was opened with; saving it after
someone else saved is refused with who and when, and nothing is overwritten silently (OWASP/ASVS: integrity of
concurrent edits). The database side (`VersionedMixin`) catches the race between two saves at the same instant."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.audit import AuditEntry
from core.errors import Conflict, ValidationFailed
from core.models import User

OSLO = ZoneInfo("Europe/Oslo")


class StaleEdit(Conflict):
    """The record changed after the form was opened; the form is shown again with the other person's values."""

    def __init__(self, message: str, *, current_version: int, changed: dict[str, str] | None = None) -> None:
        super().__init__(message, field="version")
        self.current_version = current_version
        # The submitted fields whose saved value differs from the one sent, with the saved value as text (the
        # API's 409 names them; the reader may read the record, so the values tell them nothing new).
        self.changed = changed or {}


def _text(value: Any) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return "" if value is None else str(value).strip()


def last_change(session: Session, subject_type: str, subject_id: int) -> tuple[str, dt.datetime | None]:
    """Who saved the record last, from the audit log (the record itself keeps only when)."""
    row = session.execute(
        select(AuditEntry.actor_id, AuditEntry.actor_email, AuditEntry.at)
        .where(
            AuditEntry.subject_type == subject_type,
            AuditEntry.subject_id == str(subject_id),
            AuditEntry.action.in_(("update", "create")),
        )
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return "en annen", None
    user = session.get(User, row.actor_id) if row.actor_id else None
    return (user.name if user else row.actor_email or "systemet"), row.at


def check_version(
    session: Session,
    obj: Any,
    submitted: Any,
    *,
    subject_type: str,
    label: str,
    fields: Any = None,
) -> None:
    """Refuses the save when the form's version is older than the record's. The API requires `version` on every
    PATCH (its schemas); a service call without one (CLI, imports) means "last write wins". `fields`: the values
    being saved, so the refusal can name those that differ from the saved record."""
    if submitted is None or (isinstance(submitted, str) and not submitted.strip()):
        return
    try:
        version = int(str(submitted).strip())
    except ValueError as exc:
        raise ValidationFailed("Versjonen må være et heltall.", field="version") from exc
    if version == obj.version:
        return
    who, when = last_change(session, subject_type, obj.id)
    at = f" {when.astimezone(OSLO):%d.%m.%Y kl. %H:%M}" if when else ""
    changed = {
        name: _text(getattr(obj, name))
        for name, value in (fields or {}).items()
        if hasattr(obj, name) and _text(getattr(obj, name)) != _text(value)
    }
    raise StaleEdit(
        f"{label} ble endret av {who}{at} etter at du åpnet skjemaet. Endringene dine er ikke lagret: "
        "se hva som er endret nedenfor, og lagre på nytt hvis dine endringer fortsatt skal gjelde.",
        current_version=obj.version,
        changed=changed,
    )
