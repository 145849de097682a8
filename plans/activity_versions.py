"""An activity's history, written in one place: who made a change (NAV's Innsender), the whole state after it
(a `PlanActivityVersion`, append-only) and its audit entry; and NAV's `endringTillatt()` rule every writer checks
first. The activities' service and the journal (a meeting's referat lives there) both write through it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core import audit
from core.errors import Conflict
from core.models import User, utcnow
from plans import access
from plans.models import PlanActivity, PlanActivityVersion

SUBJECT = access.SUBJECT_ACTIVITY
COMMON_FIELDS = (
    "title",
    "description",
    "from_date",
    "to_date",
    "link",
    "life_area",
    "provider",
    "provider_org",
    "responsible_name",
    "responsible_org",
    "responsible_phone",
)


def innsender(actor: User | None) -> str:
    """NAV's Innsender for a change: the system (None), or NAV staff. The participant (BRUKER) acts through their
    own channel, which this product does not have yet; the rules for BRUKER are kept (`person_may_create`)."""
    return "SYSTEM" if actor is None else "NAV"


def check_editable(activity: PlanActivity) -> None:
    """NAV's `endringTillatt()`: a historical or final activity is read-only (409)."""
    if activity.is_historic:
        raise Conflict(
            "Aktiviteten hører til en avsluttet oppfølgingsperiode og kan bare leses.", field="status"
        )
    if activity.is_final:
        raise Conflict(
            f"Aktiviteten er {activity.status_label.lower()} og kan ikke endres lenger.", field="status"
        )


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def snapshot(activity: PlanActivity) -> dict[str, Any]:
    """The activity's whole state as JSON, kept in each version."""
    data = {
        name: _plain(getattr(activity, name)) for name in (*COMMON_FIELDS, "status", "avtalt", "end_comment")
    }
    data["type"] = activity.type
    data["details"] = dict(activity.details or {})
    return data


def record(
    session: Session,
    activity: PlanActivity,
    actor: User | None,
    transaction: str,
    *,
    note: str = "",
    action: str = "update",
) -> PlanActivityVersion:
    """The change is saved (the UPDATE bumps `version`) and appended as a version; the audit log names the
    activity and the person, never the values."""
    activity.transaction_type = transaction
    activity.changed_by_type = innsender(actor)
    activity.changed_by_id = actor.id if actor else None
    activity.changed_by_name = actor.name if actor else "Systemet"
    activity.updated_at = (
        utcnow()
    )  # every change is an UPDATE of the row (the version moves), even a referat's
    session.flush()
    version = PlanActivityVersion(
        activity_id=activity.id,
        version=activity.version,
        status=activity.status,
        transaction_type=transaction,
        changed_by_type=activity.changed_by_type,
        changed_by_id=activity.changed_by_id,
        changed_by_name=activity.changed_by_name,
        changed_at=utcnow(),
        data=snapshot(activity),
        note=note,
    )
    session.add(version)
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=activity.id,
        purpose=f"plan: {transaction.lower().replace('_', ' ')}",
        detail=f"candidate {activity.candidate_id}",
    )
    session.flush()
    return version
