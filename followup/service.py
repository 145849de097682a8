"""The follow-up domain's use cases, one import for the web layer, the CLI and the scheduler.

The work is split by subject (records/phases/contacts, placements, plan and alerts, fidelity, reports); this
module re-exports it, so callers use `followup.service.<name>` (e.g. `followup.service.due_reminders` and
`followup.service.take_fidelity_snapshot` for the scheduler)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Date, Select, bindparam, func, select
from sqlalchemy.orm import Session

from candidates import service as candidates_service
from core.models import User
from followup.models import FollowupRecord, PlanItem
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
    item_label,
    item_state,
    open_items,
    overdue_clause,
)
from followup.service_records import (
    PROFILE_FIELDS,
    RESTRICTED_FIELDS,
    add_measure,
    add_passive_period,
    allowed_statuses,
    audit_subjects_of,
    candidate_refs,
    complete_plan_item,
    contacts_for_employer_user,
    counselling_missing,
    current_phase,
    days_per_phase,
    end_passive_period,
    end_record,
    enrol,
    enter_phase,
    follow_phase,
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
    open_placements,
    outreach_attempts,
    phase_timeline,
    readable_contacts,
    readable_contacts_list,
    readable_records,
    save_disclosure,
    save_profile,
    set_status,
    specialists_of_office,
    status_for,
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
    "audit_subjects_of",
    "candidate_refs",
    "change_placement",
    "check_period",
    "complete_plan_item",
    "contacts_for_employer_user",
    "counselling_missing",
    "current_phase",
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
    "follow_phase",
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
    "open_placements",
    "outreach_attempts",
    "per_specialist",
    "phase_timeline",
    "readable_contacts",
    "readable_contacts_list",
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
    "status_for",
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


def _overdue_statement(actor: User) -> Select[Any]:
    """The overdue items of the actor's caseload, as `caseload_items` chooses them (bound: `today`, `limit`)."""
    records = readable_records(actor).where(FollowupRecord.status != "avsluttet")
    if actor.role == "jobbspesialist":
        records = records.where(FollowupRecord.specialist_id == actor.id)
    candidates = candidates_service.readable_candidates(actor)
    person = candidates.selected_columns
    names = candidates.with_only_columns(person.id, person.first_name, person.last_name).subquery()
    today = bindparam("today", type_=Date)
    return (
        select(
            PlanItem.kind,
            PlanItem.note,
            PlanItem.due_date,
            PlanItem.record_id,
            FollowupRecord.candidate_id,
            names.c.id,
            names.c.first_name,
            names.c.last_name,
            func.count().over(),
        )
        .join(FollowupRecord, FollowupRecord.id == PlanItem.record_id)
        .outerjoin(names, names.c.id == FollowupRecord.candidate_id)
        .where(
            PlanItem.record_id.in_(records.with_only_columns(FollowupRecord.id)),
            overdue_clause(today),
        )
        .order_by(PlanItem.due_date, PlanItem.id)
        .limit(bindparam("limit"))
    )


def dashboard_overdue(
    session: Session, *, actor: User, today: dt.date | None = None, limit: int = 5
) -> dict[str, Any]:
    """For the job specialist's dashboard panel «Forfalte oppfølgingskontakter»: the count and the first few
    overdue items with the person's name and a link to the record.

    Shown on every dashboard view, so it is one query that reads only the panel's rows: `caseload_items` with
    state «forfalt» (open, past due, not inside a passive period — `service_plan.state_of`) written as filters,
    the total as a window count, and the names through the candidates domain's own access rule."""
    today = today or dt.date.today()
    rows = session.execute(_overdue_statement(actor), {"today": today, "limit": max(limit, 1)}).all()
    return {
        "count": rows[0][-1] if rows else 0,
        "items": [
            {
                "name": f"{first} {last}" if readable is not None else f"Kandidat {candidate_id}",
                "label": item_label(kind, note),
                "due_date": due,
                "days_overdue": max(0, (today - due).days),
                "href": f"/oppfolging/{record_id}",
            }
            for kind, note, due, record_id, candidate_id, readable, first, last, _total in rows[:limit]
        ],
        "href": "/oppfolging",
    }


__all__ += ["caseload_items"]
