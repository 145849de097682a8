"""The follow-up domain's use cases, one import for the web layer, the CLI and the scheduler.

The work is split by subject (records/phases/contacts, placements, plan and alerts, fidelity, reports); this
module re-exports it, so callers use `followup.service.<name>` (e.g. `followup.service.due_reminders` and
`followup.service.take_fidelity_snapshot` for the scheduler)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from core.models import User
from followup.models import FollowupRecord
from followup.service_fidelity import (
    EMPLOYMENT_BENCHMARKS,
    FIDELITY_ITEMS,
    MAX_SCORE,
    THRESHOLDS,
    list_reviews,
    list_snapshots,
    office_for,
    office_indicators,
    per_specialist,
    review_band,
    save_review,
    take_fidelity_snapshot,
)
from followup.service_placements import (
    change_placement,
    current_terms,
    end_placement,
    get_placement,
    hours_increased,
    retention_milestones,
    start_placement,
    start_placement_from,
    terms_on,
)
from followup.service_plan import (
    PLAN_RULES,
    STATE_LABELS,
    DueItem,
    due_reminders,
    extend_rolling,
    item_state,
    open_items,
)
from followup.service_records import (
    PROFILE_FIELDS,
    RESTRICTED_FIELDS,
    add_measure,
    add_passive_period,
    allowed_statuses,
    candidate_refs,
    complete_plan_item,
    contacts_for_employer_user,
    counselling_missing,
    days_per_phase,
    end_passive_period,
    end_record,
    enrol,
    enter_phase,
    for_update,
    get_disclosure,
    get_profile,
    get_record,
    list_contacts,
    list_counselling,
    list_measures,
    list_records,
    load,
    log_contact,
    log_counselling,
    log_outreach,
    may_read_restricted,
    outreach_attempts,
    phase_timeline,
    readable_contacts,
    readable_records,
    save_disclosure,
    save_profile,
    set_status,
    specialists_of_office,
    ufore_income_status,
)
from followup.service_reports import (
    CSV_TABLES,
    check_period,
    default_period,
    office_outcomes,
    offices,
    report,
    report_figures,
    to_csv,
)

__all__ = [
    "CSV_TABLES",
    "EMPLOYMENT_BENCHMARKS",
    "FIDELITY_ITEMS",
    "MAX_SCORE",
    "PLAN_RULES",
    "PROFILE_FIELDS",
    "RESTRICTED_FIELDS",
    "STATE_LABELS",
    "THRESHOLDS",
    "DueItem",
    "add_measure",
    "add_passive_period",
    "allowed_statuses",
    "candidate_refs",
    "change_placement",
    "check_period",
    "complete_plan_item",
    "contacts_for_employer_user",
    "counselling_missing",
    "current_terms",
    "dashboard_overdue",
    "days_per_phase",
    "default_period",
    "due_reminders",
    "end_passive_period",
    "end_placement",
    "end_record",
    "enrol",
    "enter_phase",
    "extend_rolling",
    "for_update",
    "get_disclosure",
    "get_placement",
    "get_profile",
    "get_record",
    "hours_increased",
    "item_state",
    "list_contacts",
    "list_counselling",
    "list_measures",
    "list_records",
    "list_reviews",
    "list_snapshots",
    "load",
    "log_contact",
    "log_counselling",
    "log_outreach",
    "may_read_restricted",
    "office_for",
    "office_indicators",
    "office_outcomes",
    "offices",
    "open_items",
    "outreach_attempts",
    "per_specialist",
    "phase_timeline",
    "readable_contacts",
    "readable_records",
    "report",
    "report_figures",
    "retention_milestones",
    "review_band",
    "save_disclosure",
    "save_profile",
    "save_review",
    "set_status",
    "specialists_of_office",
    "start_placement",
    "start_placement_from",
    "take_fidelity_snapshot",
    "terms_on",
    "to_csv",
    "ufore_income_status",
]


def caseload_items(session: Session, *, actor: User, today: dt.date, horizon_days: int = 14) -> list[DueItem]:
    """Open plan items of the actor's caseload (own records for a job specialist; the office for others)."""
    stmt = readable_records(actor)
    if actor.role == "jobbspesialist":
        stmt = stmt.where(FollowupRecord.specialist_id == actor.id)
    return open_items(session, stmt, today, horizon_days=horizon_days)


def dashboard_overdue(
    session: Session, *, actor: User, today: dt.date | None = None, limit: int = 5
) -> dict[str, Any]:
    """For the job specialist's dashboard panel «Forfalte oppfølgingskontakter»: the count and the first few
    overdue items with the person's name and a link to the record."""
    today = today or dt.date.today()
    overdue = [
        d for d in caseload_items(session, actor=actor, today=today, horizon_days=0) if d.state == "forfalt"
    ]
    overdue.sort(key=lambda d: (d.due_date, d.item_id))
    names = candidate_refs(session, actor=actor, ids=[d.candidate_id for d in overdue[:limit]])
    return {
        "count": len(overdue),
        "items": [
            {
                "name": names[d.candidate_id].name
                if d.candidate_id in names
                else f"Kandidat {d.candidate_id}",
                "label": d.label,
                "due_date": d.due_date,
                "days_overdue": d.days_overdue,
                "href": f"/oppfolging/{d.record_id}",
            }
            for d in overdue[:limit]
        ],
        "href": "/oppfolging",
    }


__all__ += ["caseload_items"]
