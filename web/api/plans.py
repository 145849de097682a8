"""Plan API: a person's plan (the oppfølgingsperiode, goals, stored activities and the cards other domains give
it), activities (create, change with the version read, status, "Avtalt med NAV", referat) and their history.

Who: the follow-up caseworkers of the person's own office (plans.access); anyone else gets 404 (a refused read is
logged), an employer's token 403. Every read is audit-logged. A write carries the version it was based on; a stale
one is 409 with the fields that differ. Final (FULLFORT, AVBRUTT) and historical activities are read-only (409)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from sqlalchemy.orm import Session

from core.models import User
from plans import schemas as s
from plans import service as ps
from plans import service_activities as plans_activities
from plans import service_feed as plans_feed
from plans import service_journal as plans_journal
from plans import service_periods as plans_periods
from plans.models import MEETING_TYPES, PlanActivity
from web.api import api_router_for, rules
from web.api.contract import error_responses, rules_beyond_schema
from web.api.schemas import StaleOut
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(tags=["plan"])
ERRORS = error_responses(404, 422, d404="Ikke funnet (eller ikke tilgang)")
WRITE_ERRORS = {
    **ERRORS,
    409: {
        "description": "Endret av en annen siden du leste den (med feltene som er endret), eller aktiviteten er "
        "fullført, avbrutt eller historisk og kan ikke endres",
        "model": StaleOut,
    },
}
# The status, avtalt and referat writes carry the version too; their 409 has the Error shape (with the same
# current_version and changed beside it, as on the PATCH).
ACTION_ERRORS = {
    **ERRORS,
    409: {
        "description": "Endret av en annen siden du leste den, eller aktiviteten er fullført, avbrutt eller "
        "historisk og kan ikke endres"
    },
}
REFERAT_ERRORS = {
    **ERRORS,
    403: {"description": "Referatet er ført i journalen for en tjeneste du ikke er ansatt i"},
    409: {
        "description": "Endret av en annen siden du leste den, aktiviteten er fullført, avbrutt eller historisk, "
        "eller referatet er delt med personen og kan ikke endres lenger"
    },
}
PERIOD_ERRORS = {
    **ERRORS,
    409: {"description": "Personen har allerede (eller har ingen) åpen oppfølgingsperiode"},
}


def _literal(text: str) -> str:
    return "".join("\\" + ch if ch in ".^$*+?()[]{}|\\" else ch for ch in text)


DATES_IN_ORDER = rules.FROM_TO
MEETING_DAY = rules.rule(
    "møtedag",
    "Et møte er ikke tilbake i tid (når dagen eller klokkeslettet endres); en samtale er ikke fram i tid.",
    _literal(plans_activities.MSG_MEETING_PAST),
    _literal(plans_activities.MSG_TALK_FUTURE),
)
RESPONSIBLE = rules.rule(
    "ansvarlig-person",
    "En aktivitet hos en annen tjenesteyter enn NAV (stat) har en navngitt ansvarlig.",
    _literal(plans_activities.MSG_RESPONSIBLE),
)
FIELD_FOR_TYPE = rules.rule(
    "felt-for-aktivitetstypen",
    "Feltet hører til aktivitetens type, og typens egne krav gjelder (behandling: beskrivelse høyst 400 tegn; "
    "møte: hensikten må fylles ut).",
    r"Feltet hører ikke til aktivitetstypen «.+»\.",
    r".+ må fylles ut\.",
    r".+ kan være høyst [0-9]+ tegn\.",
)
TYPE_FIELDS = sorted({spec.name for specs in plans_activities.TYPE_FIELDS.values() for spec in specs})
CREATE_RULES = rules_beyond_schema(
    from_date=(rules.EVENT, MEETING_DAY),
    to_date=(rules.EVENT, DATES_IN_ORDER),
    responsible_name=RESPONSIBLE,
)
PATCH_RULES = rules_beyond_schema(
    from_date=(rules.EVENT, MEETING_DAY),
    to_date=(rules.EVENT, DATES_IN_ORDER),
    responsible_name=RESPONSIBLE,
    description=FIELD_FOR_TYPE,
    **dict.fromkeys(TYPE_FIELDS, FIELD_FOR_TYPE),
)
STATUS_RULES = rules_beyond_schema(
    begrunnelse=rules.rule(
        "begrunnelse-for-status",
        "En begrunnelse (1–255 tegn) når en avtalt aktivitet avbrytes, når en avtalt aktivitet som ikke er et møte "
        "fullføres, og når et møte avbrytes.",
        _literal(plans_activities.MSG_REASON_AVBRUTT),
        _literal(plans_activities.MSG_REASON_FULLFORT),
        _literal(plans_activities.MSG_REASON_MOTE),
    ),
    status=rules.rule(
        "referat-før-fullført",
        "Et møte eller samtalereferat fullføres først når referatet er delt med personen.",
        _literal(plans_activities.MSG_REFERAT_FIRST),
    ),
)
REFERAT_RULES = rules_beyond_schema(
    referat=rules.rule(
        "referat-for-møter",
        "Bare møter og samtalereferater har referat, og et referat må ha tekst for å deles (et lagret kan ikke "
        "tømmes).",
        _literal(plans_journal.MSG_NO_REFERAT),
        _literal(plans_journal.MSG_REFERAT_EMPTY),
        _literal(plans_journal.MSG_REFERAT_CLEARED),
    )
)
PERIOD_RULES = rules_beyond_schema(start_date=rules.EVENT)
PERIOD_END_RULES = rules_beyond_schema(
    end_date=(
        rules.EVENT,
        rules.rule(
            "periodeslutt-etter-start",
            "Ikke før periodens startdato.",
            _literal(plans_periods.MSG_END_BEFORE_START),
        ),
    )
)
GOAL_RULES = rules_beyond_schema(
    text=rules.rule(
        "mitt-mål-har-tekst", "«Mitt mål» har tekst (1–500 tegn).", _literal(plans_periods.MSG_MY_GOAL_EMPTY)
    )
)


def _out(
    session: Session, user: User, activity: PlanActivity, referat: plans_journal.Referat | None = None
) -> s.ActivityOut:
    """The activity, and for a meeting its referat from the journal (the text only for its service's readers)."""
    out = s.ActivityOut.model_validate(activity)
    if activity.type in MEETING_TYPES:
        r = referat or plans_journal.referat_of(
            session, actor=user, activity=activity, purpose="oppfølging: plan (API)"
        )
        out.referat = s.ReferatOut(
            exists=r.exists,
            shared_with_person_at=r.shared_at,
            service_label=r.service_label,
            journal_entry_id=r.entry.id if r.entry else None,
            text=r.entry.text if r.entry else None,
            warning=r.warning,
        )
    return out


def _card(card: plans_feed.Card) -> s.CardOut:
    a = card.activity
    return s.CardOut(
        key=card.key,
        activity_id=a.id if a else None,
        version=a.version if a else None,
        type=card.type,
        kort_type=card.kort_type,
        soknadsstatus=card.soknadsstatus,
        title=card.title,
        status=card.status,
        life_area=card.life_area,
        provider=card.provider,
        provider_org=card.provider_org,
        responsible_name=card.responsible_name,
        responsible_org=card.responsible_org,
        responsible_phone=card.responsible_phone,
        from_date=card.from_date,
        to_date=card.to_date,
        avtalt=card.avtalt,
        read_only=card.read_only,
        historic=card.historic,
        source=card.source,
        facts=[s.FactOut(label=label, value=value) for label, value in card.facts],
        deadlines=[s.DeadlineOut(label=d.label, due_date=d.due_date, state=d.state) for d in card.deadlines],
    )


# --- the plan ------------------------------------------------------------------------------------------------


@router.get(
    "/candidates/{candidate_id}/plan",
    response_model=s.PlanOut,
    responses=ERRORS,
    summary="Personens plan: periode, mål, aktiviteter og frister",
)
def get_plan(
    session: SessionDep,
    user: ApiStaffUser,
    candidate_id: int,
    period_id: Annotated[int | None, Query(ge=1, description="En tidligere periode; uten: den åpne")] = None,
) -> s.PlanOut:
    plan = ps.get_plan(
        session, actor=user, candidate_id=candidate_id, period_id=period_id, purpose="oppfølging: plan (API)"
    )
    goals = [g for area, g in plan.goals.items() if area is not None]
    return s.PlanOut(
        candidate_id=candidate_id,
        period=s.PeriodOut.model_validate(plan.period) if plan.period else None,
        periods=[s.PeriodOut.model_validate(p) for p in plan.periods],
        my_goal=s.GoalOut.model_validate(plan.my_goal) if plan.my_goal else None,
        goals=[s.GoalOut.model_validate(g) for g in goals],
        activities=[_card(c) for c in plan.cards],
        deadlines=[s.DeadlineOut(label=d.label, due_date=d.due_date, state=d.state) for d in plan.deadlines],
        wanted_occupations=[s.OccupationOut(code=c, name=n) for c, n in plan.wanted_occupations],
    )


@router.post(
    "/candidates/{candidate_id}/plan/period",
    response_model=s.PeriodOut,
    status_code=201,
    responses=PERIOD_ERRORS,
    openapi_extra=PERIOD_RULES,
    summary="Start en oppfølgingsperiode (personens plan)",
)
def start_period(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: s.PeriodIn) -> s.PeriodOut:
    period = plans_periods.start_period(session, actor=user, candidate_id=candidate_id, **body.model_dump())
    return s.PeriodOut.model_validate(period)


@router.post(
    "/candidates/{candidate_id}/plan/period/end",
    response_model=s.PeriodOut,
    responses=PERIOD_ERRORS,
    openapi_extra=PERIOD_END_RULES,
    summary="Avslutt perioden: aktivitetene blir historiske",
)
def end_period(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: s.PeriodEndIn
) -> s.PeriodOut:
    period = plans_periods.end_period(session, actor=user, candidate_id=candidate_id, **body.model_dump())
    return s.PeriodOut.model_validate(period)


@router.post(
    "/candidates/{candidate_id}/plan/goals",
    response_model=s.GoalOut | None,
    responses=PERIOD_ERRORS,
    openapi_extra=GOAL_RULES,
    summary="Skriv et mål (et livsområde, eller «Mitt mål»); samme tekst igjen endrer ingenting",
)
def set_goal(session: SessionDep, user: ApiStaffUser, candidate_id: int, body: s.GoalIn) -> Any:
    goal = plans_periods.set_goal(session, actor=user, candidate_id=candidate_id, **body.model_dump())
    return s.GoalOut.model_validate(goal) if goal is not None else None


@router.get(
    "/candidates/{candidate_id}/plan/goals/history",
    response_model=list[s.GoalOut],
    responses=ERRORS,
    summary="Historikken for periodens mål, nyeste først",
)
def goal_history(session: SessionDep, user: ApiStaffUser, candidate_id: int) -> list[s.GoalOut]:
    plan = ps.get_plan(
        session, actor=user, candidate_id=candidate_id, purpose="oppfølging: plan (målhistorikk, API)"
    )
    if plan.period is None:
        return []
    rows = plans_periods.goal_history(session, period_id=plan.period.id, all_areas=True)
    return [s.GoalOut.model_validate(g) for g in rows]


# --- activities ---------------------------------------------------------------------------------------------


@router.post(
    "/candidates/{candidate_id}/plan/activities",
    response_model=s.ActivityOut,
    status_code=201,
    responses=PERIOD_ERRORS,
    openapi_extra=CREATE_RULES,
    summary="Ny aktivitet i den åpne perioden (typen velger feltene)",
)
def create_activity(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: s.ActivityIn
) -> s.ActivityOut:
    activity = plans_activities.create_activity(
        session, actor=user, candidate_id=candidate_id, data=body.model_dump()
    )
    return _out(session, user, activity)


@router.get("/plan-activities/{activity_id}", response_model=s.ActivityOut, responses=ERRORS)
def get_activity(session: SessionDep, user: ApiStaffUser, activity_id: int) -> s.ActivityOut:
    activity = plans_activities.get_activity(
        session, actor=user, activity_id=activity_id, purpose="oppfølging: plan (API)"
    )
    return _out(session, user, activity)


@router.patch(
    "/plan-activities/{activity_id}",
    response_model=s.ActivityOut,
    responses=WRITE_ERRORS,
    openapi_extra=PATCH_RULES,
    summary="Endre en aktivitet (versjonen du leste; avtalt: bare fristen)",
)
def update_activity(
    session: SessionDep, user: ApiStaffUser, activity_id: int, body: s.ActivityPatch
) -> s.ActivityOut:
    data = {k: v for k, v in body.model_dump(exclude_unset=True).items() if v is not None and k != "version"}
    activity = plans_activities.update_activity(
        session, actor=user, activity_id=activity_id, data=data, version=body.version
    )
    return _out(session, user, activity)


@router.post(
    "/plan-activities/{activity_id}/status",
    response_model=s.ActivityOut,
    responses=ACTION_ERRORS,
    openapi_extra=STATUS_RULES,
    summary="Endre status (begrunnelse der NAV krever det)",
)
def change_status(
    session: SessionDep, user: ApiStaffUser, activity_id: int, body: s.StatusIn
) -> s.ActivityOut:
    activity = plans_activities.change_status(
        session,
        actor=user,
        activity_id=activity_id,
        status=body.status,
        reason=body.begrunnelse,
        version=body.version,
    )
    return _out(session, user, activity)


@router.post(
    "/plan-activities/{activity_id}/avtalt",
    response_model=s.ActivityOut,
    responses=ACTION_ERRORS,
    summary="Merk aktiviteten som «Avtalt med NAV»",
)
def mark_avtalt(session: SessionDep, user: ApiStaffUser, activity_id: int, body: s.AvtaltIn) -> s.ActivityOut:
    activity = plans_activities.mark_avtalt(
        session, actor=user, activity_id=activity_id, version=body.version
    )
    return _out(session, user, activity)


@router.post(
    "/plan-activities/{activity_id}/referat",
    response_model=s.ActivityOut,
    responses=REFERAT_ERRORS,
    openapi_extra=REFERAT_RULES,
    summary="Skriv referatet for et møte eller en samtale, og del det med personen",
)
def save_referat(
    session: SessionDep, user: ApiStaffUser, activity_id: int, body: s.ReferatIn
) -> s.ActivityOut:
    referat = plans_journal.save_referat(
        session,
        actor=user,
        activity_id=activity_id,
        referat=body.referat,
        publish=body.publiser,
        version=body.version,
    )
    activity = plans_activities.get_activity(
        session, actor=user, activity_id=activity_id, purpose="oppfølging: plan (API)"
    )
    return _out(session, user, activity, referat if referat.exists else None)


@router.get(
    "/plan-activities/{activity_id}/history",
    response_model=list[s.HistoryOut],
    responses=ERRORS,
    summary="Aktivitetens historikk: hver versjon, hvem (BRUKER, NAV, SYSTEM), hva og når",
)
def activity_history(session: SessionDep, user: ApiStaffUser, activity_id: int) -> list[s.HistoryOut]:
    return [
        s.HistoryOut(
            version=h.version, at=h.at, who=h.who, who_type=h.who_type, transaction=h.transaction, text=h.text
        )
        for h in plans_activities.history(session, actor=user, activity_id=activity_id)
    ]
