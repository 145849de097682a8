"""Pydantic models for the employers API. Input models state what the services accept (lengths, patterns, value
lists; core.fields), so the OpenAPI document is the contract; the services keep the rules a schema cannot state
(a checksum, a register loaded at run time, dates counted from today, one field against another), which the API
routes list under `x-rules-beyond-schema`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from employers.models import (
    ContactType,
    EmployerStatus,
    EngagementType,
    InclusionOption,
    Measure,
    NorwegianLevel,
    OpeningStatus,
    PraksisplassStatus,
    Sector,
    Size,
    TargetGroup,
    WorkingTime,
)
from matching.feasibility import LICENCE_CLASSES as DRIVING_LICENCES

Orgnr = Annotated[
    str, Field(pattern=r"^[0-9]{9}$", description="Ni sifre med gyldig kontrollsiffer (modulus 11).")
]
NaceCode = Annotated[
    str, Field(pattern=r"^[0-9]{2}(\.[0-9]{1,3})?$", description="SN2007, f.eks. 56.101 eller 47.")
]
Website = Annotated[
    str,
    Field(
        max_length=300,
        pattern=rf"^(https?://)?[A-Za-z0-9_.-]+\.[A-Za-z]{{2,}}(/[^{f.SPACE}]*)?$",
        description="En adresse som https://eksempel.no (https:// legges til når det mangler).",
    ),
]
Occupation = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=rf"^[0-9]{{4}}(\.[0-9]{{1,5}})?$|[^0-9.{f.SPACE}]",
        description="STYRK-08-kode (fire sifre), eller en tittel fra /api/v1/styrk/suggest («Renholder (9112)»).",
    ),
]
Place = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        pattern=rf"^[0-9]{{4}}$|[^0-9{f.SPACE}]",
        description="Kommunenummer (fire sifre) eller kommunenavn («Gjøvik», «Gjøvik (3407)»).",
    ),
]
PersonPhone = Annotated[
    str, Field(max_length=40, pattern=r"^[+0-9][0-9 ]{4,}$", description="Sifre og mellomrom, + først.")
]
PersonEmail = Annotated[
    str, Field(max_length=254, pattern=rf"^[^@{f.SPACE}]+@[^@{f.SPACE}]+\.[^@{f.SPACE}]+$")
]
Inclusion = InclusionOption


class _In(BaseModel):
    """Unknown properties are ignored, as the document (no `additionalProperties: false`) says."""


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _EmployerFields(_In):
    nace_code: NaceCode | None = None
    sector: Sector | None = None
    address: Annotated[str, f.text(300)] | None = None
    postal_code: f.Code4 | None = Field(None, description="Kommunen settes fra postnummeret.")
    municipality_code: f.Code4 | None = None
    size: Size | None = None
    website: Website | None = None
    status: EmployerStatus | None = None
    responsible_user_id: f.Id | None = Field(None, description="En NAV-ansatt.")
    notes: Annotated[str, f.text(20000)] | None = None


class EmployerIn(_EmployerFields):
    orgnr: Orgnr
    name: Annotated[str, f.required_text(300)]


class EmployerPatch(_EmployerFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )
    orgnr: Orgnr = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    name: Annotated[str, f.required_text(300)] = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)


class EmployerOut(ORM):
    id: int
    version: int = Field(description="Send den med ved endring (PATCH).")
    orgnr: str
    name: str
    nace_code: str | None = None
    sector: str | None = None
    address: str | None = None
    postal_code: str | None = None
    municipality_code: str | None
    size: str | None = None
    website: str | None = None
    status: str
    responsible_user_id: int | None = None
    notes: str | None = None


class SimilarOut(BaseModel):
    id: int
    name: str
    orgnr: str
    score: float


class MergeIn(_In):
    merge_id: f.Id = Field(description="Arbeidsgiveren som slås inn i denne og slettes.")


class ContactPersonPatch(_In):
    name: Annotated[str, f.required_text(200)] = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    role: Annotated[str, f.text(200)] | None = None
    phone: PersonPhone | None = None
    email: PersonEmail | None = None


class ContactPersonIn(ContactPersonPatch):
    name: Annotated[str, f.required_text(200)]


class ContactPersonOut(ORM):
    id: int
    employer_id: int
    name: str
    role: str | None
    phone: str | None
    email: str | None


class ContactPatch(_In):
    date: f.Date = Field(None, description="20 år tilbake til to år fram.")  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    type: ContactType = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    participants: Annotated[str, f.text(2000)] | None = None
    summary: Annotated[str, f.required_text(20000)] = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    next_step: Annotated[str, f.text(2000)] | None = Field(None, description="Med frist (next_step_due).")
    next_step_due: f.Date | None = Field(None, description="Med neste steg (next_step).")
    next_step_owner_id: f.Id | None = Field(None, description="En NAV-ansatt; standard er du.")
    next_step_done: f.Bool | None = None


class ContactIn(ContactPatch):
    date: f.Date = Field(description="20 år tilbake til to år fram.")
    type: ContactType
    summary: Annotated[str, f.required_text(20000)]


class ContactOut(ORM):
    id: int
    employer_id: int
    date: dt.date
    type: str
    participants: str
    summary: str
    next_step: str | None
    next_step_due: dt.date | None
    next_step_owner_id: int | None
    next_step_done: bool


class PraksisplassIn(_In):
    title: Annotated[str, f.required_text(300)] = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    styrk_code: Occupation | None = None
    tasks: Annotated[str, f.text(20000)] | None = None
    places: Annotated[int, f.integer(1, 100)] | None = None
    period_start: f.Date | None = Field(None, description="20 år tilbake til to år fram.")
    period_end: f.Date | None = Field(None, description="Ikke før period_start.")
    supervisor: Annotated[str, f.text(200)] | None = None
    adaptations: list[Inclusion] | None = None
    adaptations_note: Annotated[str, f.text(5000)] | None = None
    status: PraksisplassStatus | None = None


class PraksisplassNew(PraksisplassIn):
    title: Annotated[str, f.required_text(300)]


class PraksisplassPatch(PraksisplassIn):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class OccupantIn(_In):
    start_date: f.Date
    candidate_ref: f.Id | None = None
    note: Annotated[str, f.text(500)] = ""


class OccupantOut(ORM):
    id: int
    candidate_ref: int | None
    note: str
    start_date: dt.date
    end_date: dt.date | None


class PraksisplassOut(ORM):
    id: int
    version: int = Field(description="Send den med ved endring (PATCH).")
    employer_id: int
    title: str
    styrk_code: str | None
    tasks: str
    places: int
    taken: int
    free: int
    period_start: dt.date | None
    period_end: dt.date | None
    supervisor: str | None
    adaptations: list[str]
    adaptations_note: str
    status: str
    occupants: list[OccupantOut]


class RequirementsPart(_In):
    driving_licences: list[Annotated[str, f.any_case(DRIVING_LICENCES)]] | None = None
    certificates: list[Annotated[str, Field(max_length=200)]] | None = None
    skills: list[Annotated[str, Field(max_length=200)]] | None = None
    experience: list[Annotated[str, Field(max_length=200)]] | None = None
    norwegian_level: NorwegianLevel | None = None


class Requirements(_In):
    must: RequirementsPart | None = None
    should: RequirementsPart | None = None


class _OpeningFields(_In):
    title: Annotated[str, f.required_text(300)] = None  # type: ignore[assignment]  # a patch: absent is unchanged, and null is not allowed (the document says so)
    styrk_code: Occupation | None = None
    description: Annotated[str, f.text(50000)] | None = None
    positions: Annotated[int, f.integer(1, 1000)] | None = None
    percent_min: Annotated[int, f.integer(1, 100)] | None = Field(None, description="Ikke over percent_max.")
    percent_max: Annotated[int, f.integer(1, 100)] | None = None
    hours_per_week: Annotated[float, f.number(gt=0, le=75)] | None = None
    working_time: list[WorkingTime] | None = None
    engagement_type: EngagementType | None = None
    start_date: f.Date | None = Field(None, description="Ett år tilbake til tre år fram.")
    start_by_agreement: f.Bool | None = None
    application_deadline: f.Date | None = Field(None, description="Ett år tilbake til to år fram.")
    address: Annotated[str, f.text(300)] | None = None
    postal_code: f.Code4 | None = Field(None, description="Kommunen settes fra postnummeret.")
    municipality_code: Place | None = None
    requirements: Requirements | None = None
    inclusion: list[Inclusion] | None = None
    target_groups: list[TargetGroup] | None = None
    measures: list[Measure] | None = None
    open_to_reduced_capacity: f.Bool | None = None
    how_to_apply: Annotated[str, f.text(2000)] | None = None
    application_url: Annotated[str, f.text(500)] | None = None
    application_email: Annotated[str, f.text(254)] | None = None
    contact_name: Annotated[str, f.text(200)] | None = None
    contact_phone: Annotated[str, f.text(40)] | None = None


class OpeningIn(_OpeningFields):
    employer_id: f.Id = Field(description="Arbeidsgiveren stillingen hører til.")
    title: Annotated[str, f.required_text(300)]


class OpeningPatch(_OpeningFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class StatusIn(_In):
    status: OpeningStatus = Field(description="Hvilken status som kan følge hvilken: se feilmeldingen.")
    application_deadline: f.Date | None = None
    note: str = Field(default="", max_length=500)


class ReturnIn(_In):
    comment: Annotated[str, f.required_text(2000, "Hva arbeidsgiveren må endre (påkrevd).")]


class ResubmitIn(_In):
    comment: Annotated[str, f.text(2000, "Svar til NAV (valgfritt).")] = ""


class StatusChangeOut(ORM):
    from_status: str | None
    to_status: str
    at: dt.datetime
    actor_id: int | None
    actor_name: str
    note: str


class OpeningOut(ORM):
    id: int
    version: int = Field(description="Send den med ved endring (PATCH).")
    employer_id: int
    title: str
    styrk_code: str | None
    description: str
    positions: int
    percent_min: int
    percent_max: int
    hours_per_week: float | None
    working_time: list[str]
    engagement_type: str
    start_date: dt.date | None
    start_by_agreement: bool
    application_deadline: dt.date | None
    address: str | None
    postal_code: str | None
    municipality_code: str | None
    requirements: dict[str, Any]
    inclusion: list[str]
    target_groups: list[str]
    measures: list[str]
    open_to_reduced_capacity: bool
    how_to_apply: str | None = None
    application_url: str | None = None
    application_email: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    status: str = Field(description="utkast, publisert, besatt, stengt, utløpt, or returnert (sendt tilbake)")
    awaiting_approval: bool
    return_comment: str | None = Field(default=None, description="NAV's comment when status is returnert")
    published_at: dt.datetime | None
    source: str | None
    external_id: str | None


class OpeningDetailOut(OpeningOut):
    status_changes: list[StatusChangeOut]


class StyrkSuggestionOut(BaseModel):
    code: str
    name: str
    score: float
