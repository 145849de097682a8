"""Plan pages: a person's plan from their candidate card — the board (NAV's five columns) and a list, goals and
"Mitt mål", the period — and one activity with its forms (details, status, "Avtalt med NAV", referat) and history.

Thin routes: read the form, call the plan's service modules, render. Every posted form goes through
`web.forms.submit` (post → redirect → get; on a domain error the page again with each message beside its field)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from core.errors import NotFound
from core.formatting import today_in_oslo
from core.models import User
from plans import access as plans_access
from plans import service as ps
from plans import service_activities as plans_activities
from plans import service_feed as plans_feed
from plans import service_journal as plans_journal
from plans import service_periods as plans_periods
from plans.activity_versions import COMMON_FIELDS
from plans.models import (
    ACTIVITY_TYPES,
    CREATABLE_TYPES,
    INNSENDER,
    LIFE_AREAS,
    MEETING_TYPES,
    PROVIDERS,
    START_REASONS,
    STATUSES,
    PlanActivity,
)
from web.deps import SessionDep, StaffUser
from web.forms import form_fields, submit
from web.pages import page_router
from web.templating import render

router = page_router(prefix="/kandidater/{candidate_id}/plan")
FormData = Annotated[dict[str, Any], form_fields()]
VIEWS = ("tavle", "liste")


def _today() -> dt.date:
    return today_in_oslo()


def _common() -> dict[str, Any]:
    return {
        "statuses": STATUSES,
        "life_areas": LIFE_AREAS,
        "providers": PROVIDERS,
        "activity_types": ACTIVITY_TYPES,
        "creatable": [(t, ACTIVITY_TYPES[t]) for t in CREATABLE_TYPES],
        "start_reasons": START_REASONS,
        "innsender": INNSENDER,
        "type_fields": plans_activities.TYPE_FIELDS,
        "dates": plans_activities.DATES,
    }


# --- the plan ------------------------------------------------------------------------------------------------


def _plan_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    *,
    view: str = "tavle",
    period_id: int | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    plan = ps.get_plan(session, actor=user, candidate_id=candidate_id, period_id=period_id, today=_today())
    goal_form = {f"g_{area or 'MITT'}_text": (g.text if g else "") for area, g in plan.goals.items()}
    return render(
        request,
        "plans/plan.html",
        {
            **_common(),
            "plan": plan,
            "candidate": plan.candidate,
            "view": view if view in VIEWS else "tavle",
            "errors": errors or {},
            "form": {**goal_form, **(form or {})},
            "today": _today(),
        },
        status_code=status,
    )


@router.get("")
def plan_page(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    visning: Annotated[str, Query(max_length=10)] = "tavle",
    periode: Annotated[int | None, Query(ge=1, le=2_147_483_647)] = None,
) -> Response:
    return _plan_page(request, session, user, candidate_id, view=visning, period_id=periode)


def _plan_form(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    form: dict[str, Any],
    action: Callable[[], Any],
    message: str | Callable[[Any], str],
    *,
    prefix: str = "",
    anchor: str = "",
) -> Response:
    return submit(
        request,
        session,
        action,
        to=f"/kandidater/{candidate_id}/plan{anchor}",
        message=message,
        page=lambda errors, status, **_: _plan_page(
            request, session, user, candidate_id, errors=errors, form=form, status=status
        ),
        prefix=prefix,
    )


@router.post("/periode")
def start_period(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return _plan_form(
        request,
        session,
        user,
        candidate_id,
        form,
        lambda: plans_periods.start_period(
            session,
            actor=user,
            candidate_id=candidate_id,
            start_date=form.get("p_start_date"),
            started_reason=form.get("p_started_reason"),
        ),
        "Oppfølgingsperioden er startet. Planen er klar.",
        prefix="p_",
    )


@router.post("/periode/avslutt")
def end_period(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return _plan_form(
        request,
        session,
        user,
        candidate_id,
        form,
        lambda: plans_periods.end_period(
            session,
            actor=user,
            candidate_id=candidate_id,
            end_date=form.get("x_end_date"),
            reason=form.get("x_reason"),
            version=form.get("x_version"),
        ),
        "Oppfølgingsperioden er avsluttet. Aktivitetene er arkivert og kan bare leses.",
        prefix="x_",
        anchor="#periode",
    )


@router.post("/mal")
def set_goal(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    area = form.get("life_area") or ""
    prefix = f"g_{area or 'MITT'}_"
    label = LIFE_AREAS.get(area, "Mitt mål") if area else "Mitt mål"
    return _plan_form(
        request,
        session,
        user,
        candidate_id,
        form,
        lambda: plans_periods.set_goal(
            session,
            actor=user,
            candidate_id=candidate_id,
            life_area=area,
            text=form.get(prefix + "text", ""),
            written_by=form.get(prefix + "written_by") or None,
        ),
        f"Målet for «{label}» er lagret.",
        prefix=prefix,
        anchor="#mal",
    )


@router.post("/kort")
def adopt_card(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    return submit(
        request,
        session,
        lambda: ps.adopt_card(session, actor=user, candidate_id=candidate_id, key=form.get("key", "")),
        to=lambda a: f"/kandidater/{candidate_id}/plan/aktiviteter/{a.id}",
        message=lambda a: f"«{a.title}» følges nå opp i planen.",
        back=f"/kandidater/{candidate_id}/plan",
        not_found="key",
    )


# --- a new activity ------------------------------------------------------------------------------------------


def _type_of(value: str | None) -> str:
    return value if value in CREATABLE_TYPES else "EGEN"


def _new_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    activity_type: str,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
) -> Response:
    candidate = plans_access.person_for_read(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: plan (ny aktivitet)"
    )
    if plans_periods.open_period(session, candidate.id) is None:
        raise NotFound("Personen har ingen åpen oppfølgingsperiode.")
    today = _today()
    defaults = {
        "from_date": (today + dt.timedelta(days=1) if activity_type == "MOTE" else today).isoformat(),
        "life_area": "ARBEID",
        "provider": "NAV_STAT",
        "status": "PLANLAGT",
    }
    return render(
        request,
        "plans/new.html",
        {
            **_common(),
            "candidate": candidate,
            "type": activity_type,
            "errors": errors or {},
            "form": {**defaults, **(form or {})},
        },
        status_code=status,
    )


@router.get("/ny")
def new_activity(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    type: Annotated[str | None, Query(max_length=30)] = None,
) -> Response:
    return _new_page(request, session, user, candidate_id, _type_of(type))


@router.post("/ny")
def create_activity(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, form: FormData
) -> Response:
    activity_type = _type_of(form.get("type"))
    return submit(
        request,
        session,
        lambda: plans_activities.create_activity(session, actor=user, candidate_id=candidate_id, data=form),
        to=lambda a: f"/kandidater/{candidate_id}/plan/aktiviteter/{a.id}",
        message=lambda a: f"Aktiviteten «{a.title}» er lagt i planen.",
        page=lambda errors, status, **_: _new_page(
            request, session, user, candidate_id, activity_type, errors=errors, form=form, status=status
        ),
    )


# --- one activity ------------------------------------------------------------------------------------------


def _activity(
    session: Session, user: User, candidate_id: int, activity_id: int, purpose: str
) -> PlanActivity:
    activity = plans_activities.get_activity(session, actor=user, activity_id=activity_id, purpose=purpose)
    if activity.candidate_id != candidate_id:
        raise NotFound()
    return activity


def _values(activity: PlanActivity) -> dict[str, Any]:
    """The activity as its form shows it: the fields every type has (the versions' COMMON_FIELDS), its type's own,
    and the version the form was read at."""
    values: dict[str, Any] = {}
    for name in COMMON_FIELDS:
        value = getattr(activity, name)
        values[name] = "" if value is None else value.isoformat() if isinstance(value, dt.date) else value
    for spec in plans_activities.TYPE_FIELDS.get(activity.type, ()):
        value = (activity.details or {}).get(spec.name)
        values[spec.name] = "" if value is None else str(value)
    values["version"] = str(activity.version)
    return values


def _activity_page(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    activity_id: int,
    *,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
    status: int = 200,
    conflict: dict[str, Any] | None = None,
) -> Response:
    purpose = "oppfølging: plan (aktivitet)"
    activity = _activity(session, user, candidate_id, activity_id, purpose)
    candidate = plans_access.person_for_read(session, actor=user, candidate_id=candidate_id, purpose=purpose)
    lines = plans_activities.history(session, actor=user, activity_id=activity.id)
    card = plans_feed.card_of(activity)
    values = _values(activity)
    referat = (
        plans_journal.referat_of(session, actor=user, activity=activity, purpose=purpose)
        if activity.type in MEETING_TYPES
        else None
    )
    return render(
        request,
        "plans/activity.html",
        {
            **_common(),
            "period": ps.period_of(session, activity),
            "candidate": candidate,
            "activity": activity,
            "card": card,
            "history": list(reversed(lines)),
            "allowed_statuses": [(s, STATUSES[s]) for s in plans_activities.allowed_statuses(activity)],
            "type": activity.type,
            "errors": errors or {},
            "form": {**values, **(form or {})},
            "version": str(activity.version),
            "conflict": conflict,
            "reason_needed": {s: plans_activities.reason_required(activity, s) for s in STATUSES},
            "referat": referat,
            "referat_error": (errors or {}).get("r_" + plans_journal.CONFIRM_FIELD),
        },
        status_code=status,
    )


@router.get("/aktiviteter/{activity_id:int}")
def activity_page(
    request: Request, session: SessionDep, user: StaffUser, candidate_id: int, activity_id: int
) -> Response:
    return _activity_page(request, session, user, candidate_id, activity_id)


def _activity_form(
    request: Request,
    session: Session,
    user: User,
    candidate_id: int,
    activity_id: int,
    form: dict[str, Any],
    action: Callable[[], Any],
    message: str,
    *,
    prefix: str = "",
    stale: bool = False,
) -> Response:
    def current() -> dict[str, Any]:
        activity = session.get(PlanActivity, activity_id)
        assert activity is not None  # asked only after a stale edit of this activity, read through the rule
        return _values(activity)

    labels = {k: v for k, v in plans_activities.FIELD_LABELS.items() if k in form}
    return submit(
        request,
        session,
        action,
        to=f"/kandidater/{candidate_id}/plan/aktiviteter/{activity_id}",
        message=message,
        page=lambda errors, status, **more: _activity_page(
            request, session, user, candidate_id, activity_id, errors=errors, form=form, status=status, **more
        ),
        prefix=prefix,
        stale=(current, labels, form) if stale else None,
    )


def _check_owner(session: Session, user: User, candidate_id: int, activity_id: int) -> None:
    """The activity is this person's (the URL names both); the access rule itself is the service's."""
    activity = plans_activities.activity_for_change(
        session, actor=user, activity_id=activity_id, purpose="oppfølging: plan"
    )
    if activity.candidate_id != candidate_id:
        raise NotFound()


@router.post("/aktiviteter/{activity_id:int}")
def update_activity(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    activity_id: int,
    form: FormData,
) -> Response:
    def action() -> Any:
        _check_owner(session, user, candidate_id, activity_id)
        data = {k: v for k, v in form.items() if k != "version"}
        return plans_activities.update_activity(
            session, actor=user, activity_id=activity_id, data=data, version=form.get("version")
        )

    return _activity_form(
        request, session, user, candidate_id, activity_id, form, action, "Endringene er lagret.", stale=True
    )


@router.post("/aktiviteter/{activity_id:int}/status")
def change_status(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    activity_id: int,
    form: FormData,
) -> Response:
    def action() -> Any:
        _check_owner(session, user, candidate_id, activity_id)
        return plans_activities.change_status(
            session,
            actor=user,
            activity_id=activity_id,
            status=form.get("s_status", ""),
            reason=form.get("s_begrunnelse"),
            version=form.get("s_version"),
        )

    label = STATUSES.get(form.get("s_status", ""), "")
    return _activity_form(
        request,
        session,
        user,
        candidate_id,
        activity_id,
        form,
        action,
        f"Statusen er endret til «{label}».",
        prefix="s_",
    )


@router.post("/aktiviteter/{activity_id:int}/avtalt")
def mark_avtalt(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    activity_id: int,
    form: FormData,
) -> Response:
    def action() -> Any:
        _check_owner(session, user, candidate_id, activity_id)
        return plans_activities.mark_avtalt(
            session, actor=user, activity_id=activity_id, version=form.get("a_version")
        )

    return _activity_form(
        request,
        session,
        user,
        candidate_id,
        activity_id,
        form,
        action,
        "Aktiviteten er merket som «Avtalt med NAV».",
        prefix="a_",
    )


@router.post("/aktiviteter/{activity_id:int}/referat")
def save_referat(
    request: Request,
    session: SessionDep,
    user: StaffUser,
    candidate_id: int,
    activity_id: int,
    form: FormData,
) -> Response:
    publish = form.get("r_publiser") == "1"

    def action() -> Any:
        _check_owner(session, user, candidate_id, activity_id)
        return plans_journal.save_referat(
            session,
            actor=user,
            activity_id=activity_id,
            referat=form.get("r_referat", ""),
            publish=publish,
            version=form.get("r_version"),
            confirm_needed=True,
            confirmed=str(form.get("r_" + plans_journal.CONFIRM_FIELD, "")).strip() in ("1", "on"),
        )

    return _activity_form(
        request,
        session,
        user,
        candidate_id,
        activity_id,
        form,
        action,
        "Referatet er delt med personen." if publish else "Referatet er lagret (ikke delt ennå).",
        prefix="r_",
    )
