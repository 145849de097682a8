"""The oppfølgingsperiode and the plan's goals.

A person has at most one open period; it owns the plan (goals and activities hang on it). Ending it makes every
activity historical (BLE_HISTORISK by SYSTEM) and read-only, as NAV's `settAktiviteterTilHistoriske` does. Goals per
life area and "Mitt mål" (the person's own overall goal, 1–500 characters) are append-only: a new text is a new
row, the old one is marked superseded, so the history of each shows who (BRUKER, NAV, SYSTEM) wrote what when."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import audit
from core.cleaning import EVENT_DATE, Cleaner
from core.errors import Conflict, ValidationFailed
from core.formatting import today_in_oslo
from core.locking import check_version
from core.models import User, utcnow
from plans import access
from plans.activity_versions import innsender
from plans.models import LIFE_AREAS, START_REASONS, PlanGoal, PlanPeriod
from plans.service_activities import make_historic

GOAL_MAX = 500
GOAL_WRITERS = ("BRUKER", "NAV")
MSG_ONE_OPEN = "Personen har allerede en åpen oppfølgingsperiode."
MSG_NO_OPEN = "Personen har ingen åpen oppfølgingsperiode."
MSG_END_BEFORE_START = "Sluttdatoen kan ikke være før periodens startdato."
MSG_MY_GOAL_EMPTY = "Skriv målet (1–500 tegn)."


def open_period(session: Session, candidate_id: int) -> PlanPeriod | None:
    """The person's open period (access is the caller's)."""
    return session.scalar(
        select(PlanPeriod).where(PlanPeriod.candidate_id == candidate_id, PlanPeriod.end_date.is_(None))
    )


def periods_of(session: Session, candidate_id: int) -> Sequence[PlanPeriod]:
    """The person's periods, newest first."""
    return session.scalars(
        select(PlanPeriod)
        .where(PlanPeriod.candidate_id == candidate_id)
        .order_by(PlanPeriod.start_date.desc(), PlanPeriod.id.desc())
    ).all()


def _audit(session: Session, actor: User | None, action: str, candidate_id: int, purpose: str) -> None:
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=access.SUBJECT_PLAN,
        subject_id=candidate_id,
        purpose=purpose,
    )


def start_period(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    start_date: Any = None,
    started_reason: Any = None,
) -> PlanPeriod:
    """Opens a period (the person's plan) from `start_date` (today when empty); refused while one is open."""
    candidate = access.person_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="oppfølging: plan (start periode)"
    )
    c = Cleaner({"start_date": start_date, "started_reason": started_reason})
    c.date("start_date", "Startdato", bounds=EVENT_DATE)
    c.choice(
        "started_reason",
        "Hvorfor perioden starter",
        list(START_REASONS),
        default="MANUELL_REGISTRERING_VEILEDER",
    )
    out = c.done()
    if open_period(session, candidate.id) is not None:
        raise Conflict(MSG_ONE_OPEN, field="period")
    period = PlanPeriod(
        uuid=str(uuid.uuid4()),
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        start_date=out["start_date"] or today_in_oslo(),
        started_reason=out["started_reason"] or "MANUELL_REGISTRERING_VEILEDER",
        created_by_id=actor.id if actor else None,
    )
    session.add(period)
    session.flush()
    _audit(session, actor, "create", candidate.id, "plan: oppfølgingsperiode startet")
    return period


def end_period(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    end_date: Any = None,
    reason: Any = None,
    version: Any = None,
) -> PlanPeriod:
    """Ends the open period (who, when, why); its activities become historical and read-only."""
    candidate = access.person_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="oppfølging: plan (avslutt periode)"
    )
    period = open_period(session, candidate.id)
    if period is None:
        raise Conflict(MSG_NO_OPEN, field="period")
    check_version(session, period, version, subject_type=access.SUBJECT_PLAN, label="Oppfølgingsperioden")
    c = Cleaner({"end_date": end_date, "reason": reason})
    c.date("end_date", "Sluttdato", bounds=EVENT_DATE)
    c.text("reason", "Begrunnelse", max_len=500)
    out = c.done()
    end = out["end_date"] or today_in_oslo()
    if end < period.start_date:
        raise ValidationFailed(MSG_END_BEFORE_START, field="end_date")
    period.end_date = end
    period.ended_by_id = actor.id if actor else None
    period.ended_by_name = actor.name if actor else "Systemet"
    period.end_reason = out["reason"] or None
    session.flush()
    make_historic(session, period=period)
    _audit(session, actor, "update", candidate.id, "plan: oppfølgingsperiode avsluttet")
    return period


# --- goals ---------------------------------------------------------------------------------------------------


def current_goals(session: Session, *, period_id: int) -> dict[str | None, PlanGoal]:
    """The goal now per life area (None: "Mitt mål"); an area without a goal is absent."""
    rows = session.scalars(
        select(PlanGoal).where(PlanGoal.period_id == period_id, PlanGoal.superseded_at.is_(None))
    ).all()
    return {g.life_area: g for g in rows if g.text}


def goal_history(
    session: Session, *, period_id: int, life_area: str | None = None, all_areas: bool = False
) -> Sequence[PlanGoal]:
    """Every text a goal has had, newest first (one area, or `all_areas`)."""
    stmt = select(PlanGoal).where(PlanGoal.period_id == period_id)
    if not all_areas:
        stmt = stmt.where(
            PlanGoal.life_area.is_(None) if life_area is None else PlanGoal.life_area == life_area
        )
    return session.scalars(stmt.order_by(PlanGoal.valid_from.desc(), PlanGoal.id.desc())).all()


def set_goal(
    session: Session,
    *,
    actor: User | None,
    candidate_id: int,
    life_area: Any = None,
    text: Any = None,
    written_by: Any = None,
) -> PlanGoal | None:
    """Writes a life area's goal, or "Mitt mål" (`life_area` empty), as the person's own words (BRUKER, written
    down by staff) or NAV's; the same text again changes nothing. "Mitt mål" is 1–500 characters; a life area's
    goal may be emptied (a row with no text, so the history shows it was removed)."""
    candidate = access.person_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose="oppfølging: plan (mål)"
    )
    area = str(life_area or "").strip() or None
    c = Cleaner({"life_area": area or "", "text": text, "written_by": written_by})
    c.choice("life_area", "Livsområde", ["", *LIFE_AREAS])
    c.text("text", "Målet", max_len=GOAL_MAX)
    c.choice("written_by", "Hvem formulerte målet", GOAL_WRITERS, default=None)
    out = c.done()
    period = open_period(session, candidate.id)
    if period is None:
        raise Conflict(MSG_NO_OPEN, field="period")
    new_text = " ".join(out["text"].split()) if area is None else out["text"]
    if area is None and not new_text:
        raise ValidationFailed(MSG_MY_GOAL_EMPTY, field="text")
    by_type = out.get("written_by") or innsender(actor)
    current = session.scalar(
        select(PlanGoal).where(
            PlanGoal.period_id == period.id,
            PlanGoal.superseded_at.is_(None),
            PlanGoal.life_area.is_(None) if area is None else PlanGoal.life_area == area,
        )
    )
    if (current.text if current else "") == new_text:
        return current
    now = utcnow()
    if current is not None:
        current.superseded_at = now
    goal = PlanGoal(
        period_id=period.id,
        candidate_id=candidate.id,
        life_area=area,
        text=new_text,
        written_by_type=by_type,
        written_by_id=actor.id if actor else None,
        written_by_name=actor.name if actor else "Systemet",
        valid_from=now,
    )
    session.add(goal)
    session.flush()
    what = "mitt mål" if area is None else f"mål for {LIFE_AREAS[area].lower()}"
    _audit(session, actor, "update", candidate.id, f"plan: {what}")
    return goal
