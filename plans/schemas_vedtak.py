"""Pydantic input/output models of the §14a record for the JSON API. Input models state what the service accepts
(NAV's code lists, lengths, a number as a JSON number, a date ÅÅÅÅ-MM-DD, no unknown properties); the rules that
depend on the record, on another field or on today are listed per route under `x-rules-beyond-schema`
(web/api/plans_vedtak.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from plans.models_vedtak import (
    ANSWER_MAX,
    BEGRUNNELSE_MAX,
    DEFAULT_SOURCES,
    MAX_OTHER_SOURCES,
    QUESTIONS,
    SOURCE_TEXT_MAX,
    DefaultSource,
    Innsatsgruppe,
    InnsatsgruppeV2,
    OtherSource,
    Vedtak,
    VedtakStatus,
)

GroupIn = Literal[Innsatsgruppe, InnsatsgruppeV2]
"""NAV's legacy code or its V2 name (the service reads the V2 name as the same group)."""
Hovedmal = Literal["SKAFFE_ARBEID", "BEHOLDE_ARBEID"]
Answer = Annotated[str, f.text(ANSWER_MAX)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OtherSourceIn(_In):
    kind: OtherSource = Field(description="REFERAT, DIALOG, SLUTTRAPPORT, LEGEERKLAERING eller ANNET.")
    text: Annotated[
        str, f.required_text(SOURCE_TEXT_MAX, "Hva kilden er, for eksempel «Legeerklæring fra fastlegen».")
    ]
    date: f.Date | None = Field(None, description="Datoen kilden er fra (ikke fram i tid).")


class AnswersIn(_In):
    """The help questions (QUESTIONS), each its own answer; an empty answer removes it."""

    MULIGHETER: Answer | None = Field(None, description=QUESTIONS["MULIGHETER"])
    ONSKET_ARBEID: Answer | None = Field(None, description=QUESTIONS["ONSKET_ARBEID"])
    VEILEDNINGSBEHOV: Answer | None = Field(None, description=QUESTIONS["VEILEDNINGSBEHOV"])
    BEGRENSNINGER: Answer | None = Field(None, description=QUESTIONS["BEGRENSNINGER"])
    TILTAKSBEHOV: Answer | None = Field(None, description=QUESTIONS["TILTAKSBEHOV"])
    EGEN_VURDERING: Answer | None = Field(None, description=QUESTIONS["EGEN_VURDERING"])
    ARBEIDSMAAL: Answer | None = Field(None, description=QUESTIONS["ARBEIDSMAAL"])
    ENDRING_SIDEN_SIST: Answer | None = Field(None, description=QUESTIONS["ENDRING_SIDEN_SIST"])
    AVTALT: Answer | None = Field(None, description=QUESTIONS["AVTALT"])
    NAV_VURDERING: Answer | None = Field(None, description=QUESTIONS["NAV_VURDERING"])


class VedtakFields(_In):
    innsatsgruppe: GroupIn | None = Field(
        None, description="NAVs kode, den gamle (STANDARD_INNSATS …) eller V2-navnet (GODE_MULIGHETER …)."
    )
    hovedmal: Hovedmal | None = Field(
        None, description="Påkrevd ved sending, unntatt for VARIG_TILPASSET_INNSATS: der skal det være tomt."
    )
    begrunnelse: Annotated[str, f.text(BEGRUNNELSE_MAX)] | None = Field(
        None,
        description="Påkrevd ved sending unntatt for STANDARD_INNSATS (og da også når personen i dag har en "
        "varig innsatsgruppe). Anbefalt høyst 4 000 tegn.",
    )
    decision_date: f.Date | None = Field(None, description="Vedtaksdato (ikke fram i tid); i dag når tom.")
    default_sources: list[DefaultSource] | None = Field(
        None, max_length=len(DEFAULT_SOURCES), description="NAVs tre standardkilder som er brukt (erstatter)."
    )
    other_sources: list[OtherSourceIn] | None = Field(
        None, max_length=MAX_OTHER_SOURCES, description="Andre kilder (erstatter)."
    )
    answers: AnswersIn | None = Field(None, description="Svar på hjelpespørsmålene (de som sendes, settes).")
    uforegrad: Annotated[int, f.integer(1, 100)] | None = Field(
        None, description="Revurdering ved uføretrygd."
    )
    desired_hours_per_week: Annotated[float, f.number(ge=0, le=60)] | None = Field(
        None, description="Hvor mye personen ønsker å jobbe (timer per uke)."
    )
    changes_since_last: Annotated[str, f.text(ANSWER_MAX)] | None = Field(
        None, description="Hva som er endret siden forrige arbeidsavklaring."
    )
    capacity_percent: Annotated[int, f.integer(0, 100)] | None = Field(
        None, description="Arbeidsevne i prosent; blir kandidatens arbeidsevne når vedtaket gjelder."
    )
    capacity_reason: Annotated[str, f.text(1500)] | None = Field(
        None, description="Påkrevd når capacity_percent er oppgitt."
    )


class VedtakIn(VedtakFields):
    """A new draft: everything may come later (NAV's rules are checked when it is sent)."""


class VedtakPatch(VedtakFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class SubmitIn(_In):
    version: f.Int | None = Field(None, description="Versjonen du leste: en eldre gir 409.")


class ReturnIn(_In):
    note: Annotated[str, f.text(2000)] = Field("", description="Hva veilederen bør se på.")


class SourceOut(BaseModel):
    kind: str
    text: str
    date: dt.date | None


class VedtakOut(BaseModel):
    """One §14a record (restricted: only follow-up caseworkers of the person's office read it)."""

    id: int
    candidate_id: int
    version: int
    referanse: str
    origin: str
    status: VedtakStatus
    current: bool = Field(description="Gjeldende vedtak (ett per person).")
    innsatsgruppe: str | None = Field(description="NAVs kode (Innsatsgruppe).")
    innsatsgruppe_v2: str | None = Field(description="NAVs nye navn (InnsatsgruppeV2).")
    innsatsgruppe_label: str | None
    arena_code: str | None = Field(description="Arena: begge varige grupper er VARIG.")
    hovedmal: str | None
    begrunnelse: str
    decision_date: dt.date | None
    drafted_by: str
    beslutter_status: str | None
    beslutter_note: str
    approved_by: str | None
    approved_at: dt.datetime | None
    sent_at: dt.datetime | None
    sources: list[SourceOut]
    answers: dict[str, str]
    uforegrad: int | None
    desired_hours_per_week: float | None
    changes_since_last: str
    capacity_percent: int | None
    capacity_reason: str
    created_at: dt.datetime
    updated_at: dt.datetime


class VedtakOverviewOut(BaseModel):
    current: VedtakOut | None
    draft: VedtakOut | None
    history: list[VedtakOut] = Field(description="Fattede vedtak, nyeste først (det gjeldende med).")


def vedtak_out(vedtak: Vedtak, labels: Mapping[str, str]) -> VedtakOut:
    return VedtakOut(
        id=vedtak.id,
        candidate_id=vedtak.candidate_id,
        version=vedtak.version,
        referanse=vedtak.referanse,
        origin=vedtak.origin,
        status=vedtak.status,
        current=vedtak.is_current,
        innsatsgruppe=vedtak.innsatsgruppe,
        innsatsgruppe_v2=vedtak.innsatsgruppe_v2,
        innsatsgruppe_label=labels.get(vedtak.innsatsgruppe or ""),
        arena_code=vedtak.arena_code,
        hovedmal=vedtak.hovedmal,
        begrunnelse=vedtak.begrunnelse,
        decision_date=vedtak.decision_date,
        drafted_by=vedtak.drafted_by_name,
        beslutter_status=vedtak.beslutter_status,
        beslutter_note=vedtak.beslutter_note,
        approved_by=vedtak.approved_by_name,
        approved_at=vedtak.approved_at,
        sent_at=vedtak.sent_at,
        sources=[SourceOut(kind=s.kind, text=s.text, date=s.date) for s in vedtak.sources],
        answers=vedtak.answer_map,
        uforegrad=vedtak.uforegrad,
        desired_hours_per_week=vedtak.desired_hours_per_week,
        changes_since_last=vedtak.changes_since_last,
        capacity_percent=vedtak.capacity_percent,
        capacity_reason=vedtak.capacity_reason,
        created_at=vedtak.created_at,
        updated_at=vedtak.updated_at,
    )
