"""The follow-up caseload across records: the open plan items of a caseload and the dashboard's overdue panel.

The rest of the domain's use cases are split by subject, and callers import the module they use: records, phases
and contacts (`service_records`), placements (`service_placements`), plan and alerts (`service_plan`), fidelity
(`service_fidelity`), reports (`service_reports`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Date, Integer, bindparam, func, or_, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from core.formatting import today_in_oslo
from core.models import User
from followup.models import FollowupRecord, PlanItem
from followup.service_plan import (
    DueItem,
    item_label,
    open_items,
    overdue_clause,
)
from followup.service_records import (
    readable_records,
)


def caseload_items(session: Session, *, actor: User, today: dt.date, horizon_days: int = 14) -> list[DueItem]:
    """Open plan items of the actor's caseload (own records for a job specialist; the office for others)."""
    stmt = readable_records(actor)
    if actor.role == "jobbspesialist":
        stmt = stmt.where(FollowupRecord.specialist_id == actor.id)
    return open_items(session, stmt, today, horizon_days=horizon_days)


# The overdue items of a caseload, as `caseload_items` chooses them: open records whose person the reader may read
# (the candidates domain's own rule, as bind parameters: `candidates_access.access_params`), a job specialist's own
# records only (`own_only`, `me`), state «forfalt» on `today`; the first `limit` rows and the total. Built once.
_READABLE_NAMES = candidates_access.READABLE_NAMES
_OVERDUE = (
    select(
        PlanItem.kind,
        PlanItem.note,
        PlanItem.due_date,
        PlanItem.record_id,
        _READABLE_NAMES.c.first_name,
        _READABLE_NAMES.c.last_name,
        func.count().over(),
    )
    .join(FollowupRecord, FollowupRecord.id == PlanItem.record_id)
    .join(_READABLE_NAMES, _READABLE_NAMES.c.id == FollowupRecord.candidate_id)
    .where(
        FollowupRecord.status != "avsluttet",
        or_(
            ~bindparam("own_only", type_=Boolean),
            FollowupRecord.specialist_id == bindparam("me", type_=Integer),
        ),
        overdue_clause(bindparam("today", type_=Date)),
    )
    .order_by(PlanItem.due_date, PlanItem.id)
    .limit(bindparam("limit", type_=Integer))
)


def dashboard_overdue(
    session: Session, *, actor: User, today: dt.date | None = None, limit: int = 5
) -> dict[str, Any]:
    """For the job specialist's dashboard panel «Forfalte oppfølgingskontakter»: the count and the first few
    overdue items with the person's name and a link to the record.

    Shown on every dashboard view, so it is one query that reads only the panel's rows: `caseload_items` with
    state «forfalt» (open, past due, not inside a passive period — `service_plan.state_of`) written as filters,
    the total as a window count, and the names through the candidates domain's own access rule (`_OVERDUE`)."""
    today = today or today_in_oslo()
    params = {
        **candidates_access.access_params(actor),
        "own_only": actor.role == "jobbspesialist",
        "me": actor.id,
        "today": today,
        "limit": max(limit, 1),
    }
    # kind, note, due date, record, first and last name, total
    rows: Sequence[tuple[str, str, dt.date, int, str, str, int]] = session.execute(_OVERDUE, params).all()
    return {
        "count": rows[0][-1] if rows else 0,
        "items": [
            {
                "name": f"{first} {last}",
                "label": item_label(kind, note),
                "due_date": due,
                "days_overdue": max(0, (today - due).days),
                "href": f"/oppfolging/{record_id}",
            }
            for kind, note, due, record_id, first, last, _total in rows[:limit]
        ],
        "href": "/oppfolging",
    }
