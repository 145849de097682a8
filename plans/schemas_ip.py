"""Pydantic input/output models of the individuell plan for the JSON API. The input states what the service accepts
(the code lists, lengths, a date ÅÅÅÅ-MM-DD, no unknown properties); what depends on today, on another field or on
the office's staff is listed per route under `x-rules-beyond-schema` (web/api/plans_ip.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from plans.models_ip import (
    MAX_PARTICIPANTS,
    NAME_MAX,
    TEXT_MAX,
    IndividualPlan,
    IpEvaluation,
    IpParticipant,
    IpStatus,
    LegalBasis,
    ParticipantRole,
)
from plans.service_ip import IpView

Text = Annotated[str, f.text(TEXT_MAX)]
Name = Annotated[str, f.text(NAME_MAX)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ParticipantIn(_In):
    name: Annotated[str, f.required_text(NAME_MAX, "Navnet på den som deltar.")]
    role: ParticipantRole = Field(description="BRUKER, PAARORENDE, NAV_STAT, NAV_KOMMUNE, FASTLEGE … ANNET.")
    organisation: Name = ""
    contact: Name = Field("", description="Telefon eller e-post.")
    contribution: Text = Field("", description="Hva deltakeren skal bidra med (forpliktelse).")


class IndividualPlanIn(_In):
    """The whole IP (PUT): a field left out is emptied; `participants` replace the list when sent, and are kept
    when left out."""

    version: f.Int | None = Field(
        None, description="Versjonen du leste: påkrevd når planen finnes (409 uten, eller når den er eldre)."
    )
    status: IpStatus = Field("UNDER_ARBEID", description="AKTIV krever consent_date.")
    legal_bases: list[LegalBasis] = Field(default_factory=list, max_length=9)
    koordinator_user_id: f.Id | None = Field(
        None,
        description="En ansatt ved personens NAV-kontor; navn og virksomhet fylles inn når de står tomme.",
    )
    koordinator_name: Name = Field("", description="Koordinatoren, også når hen er utenfor NAV.")
    koordinator_org: Name = ""
    koordinator_phone: Annotated[str, Field(pattern=r"^(\+?[0-9 ()\-.]{5,20})?$")] = ""
    period_from: f.Date | None = None
    period_to: f.Date | None = Field(None, description="Ikke før period_from.")
    next_revision: f.Date | None = Field(None, description="Når planen skal revideres.")
    consent_date: f.Date | None = Field(None, description="Personens samtykke til planen (ikke fram i tid).")
    share_consent_date: f.Date | None = Field(None, description="Samtykke til deling mellom tjenestene.")
    share_with: Text = Field("", description="Hvilke tjenester og samarbeidspartnere samtykket gjelder.")
    share_confidential: f.Bool = Field(
        False, description="Samtykket gjelder også taushetsbelagte opplysninger."
    )
    resources: Text = ""
    needs: Text = ""
    own_effort: Text = Field("", description="Personens egen innsats.")
    network_contribution: Text = Field("", description="Hva nærpersonene (pårørende, nettverk) bidrar med.")
    implementation: Text = Field("", description="Hvordan tiltakene skal gjennomføres.")
    cooperation: Text = Field("", description="Samarbeid med andre tjenester, institusjoner og etater.")
    participants: list[ParticipantIn] | None = Field(None, max_length=MAX_PARTICIPANTS)


class EvaluationIn(_In):
    date: f.Date = Field(description="Datoen for evalueringen (ikke fram i tid).")
    participants: Text = Field("", description="Hvem som deltok.")
    person_took_part: f.Bool = True
    summary: Annotated[str, f.required_text(TEXT_MAX, "Hva som ble evaluert, og hva dere kom fram til.")]
    person_assessment: Text = Field("", description="Personens egen vurdering.")
    next_date: f.Date | None = Field(None, description="Neste evaluering (ikke før denne).")


class ParticipantOut(BaseModel):
    id: int
    name: str
    role: str
    role_label: str
    organisation: str
    contact: str
    contribution: str


class EvaluationOut(BaseModel):
    id: int
    date: dt.date
    participants: str
    person_took_part: bool
    summary: str
    person_assessment: str
    next_date: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime


class LineOut(BaseModel):
    label: str
    text: str


class ElementOut(BaseModel):
    number: int = Field(description="1–9, i forskriftens rekkefølge.")
    key: str
    heading: str
    missing: bool
    hint: str = Field(description="Hva som mangler, på bokmål (tom når elementet er der).")
    lines: list[LineOut]


class CheckOut(BaseModel):
    code: str
    message: str


class IndividualPlanOut(BaseModel):
    """The IP as a view over the person's plan: the IP's own fields (null/empty before it is made), the nine
    required elements with what is missing, and the quality checks."""

    period_id: int
    exists: bool
    editable: bool = Field(description="Bare planen i en åpen oppfølgingsperiode kan endres.")
    id: int | None
    version: int | None
    status: str | None
    legal_bases: list[str]
    koordinator_user_id: int | None
    koordinator_name: str
    koordinator_org: str
    koordinator_phone: str
    period_from: dt.date | None
    period_to: dt.date | None
    next_revision: dt.date | None
    consent_date: dt.date | None
    share_consent_date: dt.date | None
    share_with: str
    share_confidential: bool
    resources: str
    needs: str
    own_effort: str
    network_contribution: str
    implementation: str
    cooperation: str
    kostra_faat_individuell_plan: int = Field(description="KOSTRA 11F: 1 ja (sotjl § 28), 2 nei.")
    participants: list[ParticipantOut]
    evaluations: list[EvaluationOut]
    elements: list[ElementOut]
    checks: list[CheckOut]


def participant_out(p: IpParticipant) -> ParticipantOut:
    return ParticipantOut(
        id=p.id,
        name=p.name,
        role=p.role,
        role_label=p.role_label,
        organisation=p.organisation,
        contact=p.contact,
        contribution=p.contribution,
    )


def evaluation_out(e: IpEvaluation) -> EvaluationOut:
    return EvaluationOut(
        id=e.id,
        date=e.date,
        participants=e.participants,
        person_took_part=e.person_took_part,
        summary=e.summary,
        person_assessment=e.person_assessment,
        next_date=e.next_date,
        recorded_by=e.recorded_by_name,
        recorded_at=e.recorded_at,
    )


def ip_out(view: IpView) -> IndividualPlanOut:
    assert view.period is not None
    ip: IndividualPlan | None = view.ip
    return IndividualPlanOut(
        period_id=view.period.id,
        exists=ip is not None,
        editable=view.editable,
        id=ip.id if ip else None,
        version=ip.version if ip else None,
        status=ip.status if ip else None,
        legal_bases=list(ip.legal_bases or []) if ip else [],
        koordinator_user_id=ip.koordinator_user_id if ip else None,
        koordinator_name=ip.koordinator_name if ip else "",
        koordinator_org=ip.koordinator_org if ip else "",
        koordinator_phone=ip.koordinator_phone if ip else "",
        period_from=ip.period_from if ip else None,
        period_to=ip.period_to if ip else None,
        next_revision=ip.next_revision if ip else None,
        consent_date=ip.consent_date if ip else None,
        share_consent_date=ip.share_consent_date if ip else None,
        share_with=ip.share_with if ip else "",
        share_confidential=ip.share_confidential if ip else False,
        resources=ip.resources if ip else "",
        needs=ip.needs if ip else "",
        own_effort=ip.own_effort if ip else "",
        network_contribution=ip.network_contribution if ip else "",
        implementation=ip.implementation if ip else "",
        cooperation=ip.cooperation if ip else "",
        kostra_faat_individuell_plan=ip.kostra_faat_individuell_plan if ip else 2,
        participants=[participant_out(p) for p in ip.participants] if ip else [],
        evaluations=[evaluation_out(e) for e in ip.evaluations] if ip else [],
        elements=[
            ElementOut(
                number=e.number,
                key=e.key,
                heading=e.heading,
                missing=e.missing,
                hint=e.hint,
                lines=[LineOut(label=label, text=text) for label, text in e.lines],
            )
            for e in view.elements
        ],
        checks=[CheckOut(code=c.code, message=c.message) for c in view.checks],
    )
