"""§14a record API: a person's current decision and history, the draft (create, patch with `version`), send, and
the second person's approval or return. The restricted-field rule applies: only follow-up caseworkers of the
person's office (another office, a market contact, the admin: 404; an employer: 403); every read is audit-logged."""

from __future__ import annotations

import re

from fastapi import Body

from candidates.models import INNSATSGRUPPER
from plans import schemas_vedtak as schemas
from plans import service_vedtak as vs
from plans.models_vedtak import Vedtak
from web.api import api_router_for, rules
from web.api.contract import Rule, error_responses, rules_beyond_schema
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(tags=["§ 14 a-vedtak"])

ERRORS = error_responses(
    403, 404, 422, d404="Ikke funnet (eller ikke tilgang: bare oppfølgingsveiledere ved kontoret)"
)


# A 409 is the common error shape: a state conflict names `field` (`candidate_id`: an open draft exists; `status`:
# the decision is made, or the draft waits or does not wait for approval); a stale `version` adds
# `current_version` and `changed` (the fields whose saved value differs), as for every PATCH.
WRITE_ERRORS = error_responses(
    403,
    404,
    409,
    422,
    d404=ERRORS[404]["description"],
    d409="Konflikt, ingenting er lagret: et åpent utkast finnes (field candidate_id), vedtaket er fattet eller "
    "venter på kvalitetssikring (field status), eller det er endret siden du leste det (field version, med "
    "current_version og changed)",
)


def _message(template: str) -> str:
    """A service message with `{label}` as a regular expression."""
    return ".+".join(re.escape(part) for part in template.split("{label}"))


CAPACITY_REASON = rules.rule(
    "arbeidsevne-med-begrunnelse",
    "Arbeidsevne i prosent (capacity_percent) krever en begrunnelse (capacity_reason).",
    re.escape(vs.MSG_CAPACITY_REASON),
)
DRAFT_RULES = rules_beyond_schema(
    decision_date=rules.DECISION,
    other_sources=rules.DECISION,
    capacity_reason=CAPACITY_REASON,
)
# NAV's rules before a decision may be sent (validerVedtakForFerdigstilling), checked again at approval.
NAV_RULES: dict[str, Rule | tuple[Rule, ...]] = {
    "innsatsgruppe": rules.rule(
        "14a-innsatsgruppe", "En innsatsgruppe må være valgt.", re.escape(vs.MSG_GROUP)
    ),
    "hovedmal": rules.rule(
        "14a-hovedmal",
        "Hovedmål er påkrevd, unntatt for VARIG_TILPASSET_INNSATS («Liten mulighet til å jobbe»), der det skal "
        "være tomt.",
        re.escape(vs.MSG_HOVEDMAL_REQUIRED),
        re.escape(vs.MSG_HOVEDMAL_EMPTY),
    ),
    "begrunnelse": rules.rule(
        "14a-begrunnelse",
        "Begrunnelse er påkrevd for alle innsatsgrupper unntatt STANDARD_INNSATS, og for den også når personen "
        "i dag har en varig innsatsgruppe (GRADERT_VARIG_TILPASSET_INNSATS eller VARIG_TILPASSET_INNSATS).",
        _message(vs.MSG_BEGRUNNELSE),
        _message(vs.MSG_BEGRUNNELSE_AFTER_PERMANENT),
    ),
    "sources": rules.rule(
        "14a-kilder", "Minst én kilde (default_sources eller other_sources).", re.escape(vs.MSG_SOURCES)
    ),
}
SEND_RULES = rules_beyond_schema(**NAV_RULES)


def _out(vedtak: Vedtak) -> schemas.VedtakOut:
    return schemas.vedtak_out(vedtak, INNSATSGRUPPER)


@router.get(
    "/candidates/{candidate_id}/vedtak",
    response_model=schemas.VedtakOverviewOut,
    responses=ERRORS,
    summary="Personens gjeldende § 14 a-vedtak, åpne utkast og tidligere vedtak (lesingen logges)",
)
def vedtak_overview(session: SessionDep, user: ApiStaffUser, candidate_id: int) -> schemas.VedtakOverviewOut:
    found = vs.overview(session, actor=user, candidate_id=candidate_id, purpose=vs.PURPOSE + " via API")
    return schemas.VedtakOverviewOut(
        current=_out(found.current) if found.current else None,
        draft=_out(found.draft) if found.draft else None,
        history=[_out(v) for v in found.history],
    )


@router.post(
    "/candidates/{candidate_id}/vedtak",
    response_model=schemas.VedtakOut,
    status_code=201,
    responses=WRITE_ERRORS,
    openapi_extra=DRAFT_RULES,
    summary="Nytt utkast til § 14 a-vedtak (ett åpent utkast per person: 409 ellers)",
)
def create_draft(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: schemas.VedtakIn
) -> schemas.VedtakOut:
    vedtak = vs.create_draft(
        session, actor=user, candidate_id=candidate_id, data=body.model_dump(exclude_unset=True)
    )
    return _out(vedtak)


@router.get(
    "/vedtak/{vedtak_id}",
    response_model=schemas.VedtakOut,
    responses=ERRORS,
    summary="Ett § 14 a-vedtak eller utkast (lesingen logges)",
)
def get_vedtak(session: SessionDep, user: ApiStaffUser, vedtak_id: int) -> schemas.VedtakOut:
    _, vedtak = vs.get_vedtak(session, actor=user, vedtak_id=vedtak_id, purpose=vs.PURPOSE + " via API")
    return _out(vedtak)


@router.patch(
    "/vedtak/{vedtak_id}",
    response_model=schemas.VedtakOut,
    responses=WRITE_ERRORS,
    openapi_extra=DRAFT_RULES,
    summary="Endre et utkast (felt som ikke sendes, står; kildelistene erstattes når de sendes)",
)
def update_draft(
    session: SessionDep, user: ApiStaffUser, vedtak_id: int, body: schemas.VedtakPatch
) -> schemas.VedtakOut:
    vedtak = vs.update_draft(
        session, actor=user, vedtak_id=vedtak_id, data=body.model_dump(exclude_unset=True)
    )
    return _out(vedtak)


@router.post(
    "/vedtak/{vedtak_id}/submit",
    response_model=schemas.VedtakOut,
    responses=WRITE_ERRORS,
    openapi_extra=SEND_RULES,
    summary="Fatt vedtaket: NAVs regler sjekkes; de to varige innsatsgruppene går til kvalitetssikring og gjelder "
    "først når en annen veileder har godkjent",
)
def submit(
    session: SessionDep,
    user: ApiStaffUser,
    vedtak_id: int,
    body: schemas.SubmitIn | None = Body(None),
) -> schemas.VedtakOut:
    version = body.version if body is not None else None
    return _out(vs.submit(session, actor=user, vedtak_id=vedtak_id, version=version))


@router.post(
    "/vedtak/{vedtak_id}/approve",
    response_model=schemas.VedtakOut,
    responses=WRITE_ERRORS,
    openapi_extra=SEND_RULES,
    summary="Kvalitetssikre (godkjenne) et vedtak i en varig innsatsgruppe: en annen enn den som skrev det (403 "
    "for den som skrev det); vedtaket blir gjeldende",
)
def approve(session: SessionDep, user: ApiStaffUser, vedtak_id: int) -> schemas.VedtakOut:
    return _out(vs.approve(session, actor=user, vedtak_id=vedtak_id))


@router.post(
    "/vedtak/{vedtak_id}/return",
    response_model=schemas.VedtakOut,
    responses=WRITE_ERRORS,
    summary="Send utkastet tilbake til veilederen med en kommentar (kvalitetssikrer; ikke den som skrev det)",
)
def return_to_drafter(
    session: SessionDep, user: ApiStaffUser, vedtak_id: int, body: schemas.ReturnIn
) -> schemas.VedtakOut:
    return _out(vs.return_to_drafter(session, actor=user, vedtak_id=vedtak_id, note=body.note))
