"""Individuell plan API: the IP of a person's plan as a view (the nine required elements, each flagged when missing,
and the quality checks), saving it whole (PUT, with the version read; participants in the same body) and recording
an evaluation round. Access is the plan's: the follow-up caseworkers of the person's office (another office, a
market contact, the admin: 404; an employer: 403); every read is audit-logged."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from core.errors import NotFound
from core.models import User
from plans import schemas_ip as schemas
from plans import service_ip as ips
from web.api import api_router_for, rules
from web.api.contract import error_responses, rules_beyond_schema
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(tags=["individuell plan"])

ERRORS = error_responses(
    403,
    404,
    422,
    d404="Ikke funnet: personen har ingen oppfølgingsperiode, eller du har ikke tilgang (bare "
    "oppfølgingsveiledere ved kontoret)",
)
WRITE_ERRORS = error_responses(
    403,
    404,
    409,
    422,
    d404=ERRORS[404]["description"],
    d409="Konflikt, ingenting er lagret: ingen åpen oppfølgingsperiode (field period), planen finnes og "
    "versjonen mangler eller er eldre enn den som er lagret (field version, med current_version og changed), "
    "eller planen er ikke laget ennå (field ip)",
)

SAVE_RULES = rules_beyond_schema(
    period_from=rules.EVENT,
    period_to=(rules.EVENT, rules.FROM_TO),
    next_revision=rules.EVENT,
    consent_date=(
        rules.DECISION,
        rules.rule(
            "ip-aktiv-med-samtykke",
            "En aktiv individuell plan (status AKTIV) har personens samtykke (consent_date).",
            re.escape(ips.MSG_CONSENT_FOR_ACTIVE),
        ),
    ),
    share_consent_date=rules.DECISION,
    koordinator_user_id=rules.rule(
        "koordinator-ved-kontoret",
        "Koordinatoren (koordinator_user_id) er en ansatt ved personens NAV-kontor.",
        re.escape(ips.MSG_KOORDINATOR_USER),
    ),
    koordinator_phone=rules.rule(
        "telefonnummer",
        "Et telefonnummer: sifre, mellomrom, parenteser, bindestrek og punktum (5–20 tegn), eventuelt med + først.",
        r".+ kan bare inneholde sifre, mellomrom og \+\.",
    ),
)
EVALUATION_RULES = rules_beyond_schema(
    date=rules.DECISION,
    next_date=(
        rules.EVENT,
        rules.rule(
            "neste-evaluering-etter",
            "Neste evaluering (next_date) er ikke før evalueringen (date).",
            re.escape(ips.MSG_NEXT_EVALUATION),
        ),
    ),
)


def _view(session: Session, user: User, candidate_id: int, purpose: str) -> schemas.IndividualPlanOut:
    view = ips.get_view(session, actor=user, candidate_id=candidate_id, purpose=purpose)
    if view.period is None:
        raise NotFound(ips.MSG_NO_PERIOD)
    return schemas.ip_out(view)


@router.get(
    "/candidates/{candidate_id}/plan/individual-plan",
    response_model=schemas.IndividualPlanOut,
    responses=ERRORS,
    summary="Personens individuelle plan som en visning av planen: de ni påkrevde elementene (med det som "
    "mangler), koordinator, deltakere, evalueringer og kvalitetssjekker (lesingen logges)",
)
def get_individual_plan(
    session: SessionDep, user: ApiStaffUser, candidate_id: int
) -> schemas.IndividualPlanOut:
    return _view(session, user, candidate_id, ips.PURPOSE + " via API")


@router.put(
    "/candidates/{candidate_id}/plan/individual-plan",
    response_model=schemas.IndividualPlanOut,
    responses=WRITE_ERRORS,
    openapi_extra=SAVE_RULES,
    summary="Lagre den individuelle planen i den åpne perioden (lages første gang; felt som ikke sendes, "
    "tømmes; deltakerne erstattes når de sendes)",
)
def put_individual_plan(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: schemas.IndividualPlanIn
) -> schemas.IndividualPlanOut:
    data = body.model_dump()
    if body.participants is None:
        data.pop("participants")
    ips.save_ip(session, actor=user, candidate_id=candidate_id, data=data)
    return _view(session, user, candidate_id, ips.PURPOSE + " via API")


@router.post(
    "/candidates/{candidate_id}/plan/individual-plan/evaluations",
    response_model=schemas.EvaluationOut,
    status_code=201,
    responses=WRITE_ERRORS,
    openapi_extra=EVALUATION_RULES,
    summary="Registrer en evaluering av den individuelle planen (med personens egen vurdering)",
)
def add_evaluation(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: schemas.EvaluationIn
) -> schemas.EvaluationOut:
    evaluation = ips.record_evaluation(session, actor=user, candidate_id=candidate_id, data=body.model_dump())
    return schemas.evaluation_out(evaluation)
