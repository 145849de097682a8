"""Who may read and change a person's plan: the follow-up caseworkers (`core.roles.FOLLOW_UP`) of the person's own
office, and the system itself (actor None: jobs, demo data). Employers never; a market contact of the office and the
admin neither (the plan names treatment, housing and money: need-to-know, as the candidate's restricted sections).

The rule starts from the candidates domain's own: a person is in reach when `candidates.access.readable_candidates`
finds them, and the plan is open to the reader when `may_read_restricted` holds (same office, follow-up role). A
refused read raises AccessDenied (answered 404, logged "nektet"); an employer's write is a 403. Every read of a
plan by staff is audit-logged through the candidates domain's read (`get_candidate`, purpose "oppfølging: plan…")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session

from candidates import access as candidates_access
from core.errors import AccessDenied
from core.models import User
from core.roles import FOLLOW_UP
from plans.models import PlanActivity, PlanPeriod

SUBJECT_ACTIVITY = "plan_activity"
SUBJECT_PLAN = "plan"


def may_use_plan(actor: User | None, candidate: Any) -> bool:
    """The candidate's own office's follow-up caseworkers (None is the system)."""
    return candidates_access.may_read_restricted(actor, candidate)


def _readable_candidate_ids(actor: User | None) -> Any:
    stmt = candidates_access.readable_candidates(actor)
    return stmt.with_only_columns(stmt.selected_columns.id)


def _in_reach(actor: User | None, column: Any) -> Any:
    """The SQL side of `may_use_plan`: a follow-up role, and the person readable (the own office)."""
    if actor is None:
        return None
    if actor.role not in FOLLOW_UP or actor.office_id is None:
        return false()
    return column.in_(_readable_candidate_ids(actor))


def readable_activities(actor: User | None) -> Select[PlanActivity]:
    """Every activity read by id starts here."""
    stmt = select(PlanActivity)
    clause = _in_reach(actor, PlanActivity.candidate_id)
    return stmt if clause is None else stmt.where(clause)


def readable_periods(actor: User | None) -> Select[PlanPeriod]:
    stmt = select(PlanPeriod)
    clause = _in_reach(actor, PlanPeriod.candidate_id)
    return stmt if clause is None else stmt.where(clause)


def person_for_read(session: Session, *, actor: User, candidate_id: int, purpose: str) -> Any:
    """The person whose plan is read, with the jobbprofil (the ARBEID goal shows its occupations); the read is
    audit-logged with the purpose; refused (404, "nektet") outside the rule."""
    return candidates_access.get_candidate(
        session,
        actor=actor,
        candidate_id=candidate_id,
        purpose=purpose,
        restricted=True,
        load=candidates_access.PROFILE_LOAD,
    )


def person_for_change(session: Session, *, actor: User | None, candidate_id: int, purpose: str) -> Any:
    """The person whose plan is changed (403 for a user who is not NAV staff, 404 "nektet" outside the rule); the
    change itself is audit-logged by the caller."""
    return candidates_access.load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose=purpose, restricted=True
    )


def activity_in_reach(
    session: Session, *, actor: User | None, activity_id: int, purpose: str
) -> PlanActivity:
    """One activity by id, or AccessDenied (404) when it does not exist or is out of the actor's reach."""
    activity = session.scalar(
        readable_activities(actor)
        .where(PlanActivity.id == activity_id)
        .execution_options(populate_existing=True)
    )
    if activity is None:
        raise AccessDenied(
            subject_type=SUBJECT_ACTIVITY,
            subject_id=activity_id,
            actor_id=actor.id if actor else None,
            purpose=purpose,
        )
    return activity
