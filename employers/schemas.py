"""Pydantic models for the employers API. Input models state what the services accept (lengths, patterns, value
lists; core.fields), so the OpenAPI document is the contract; the services keep the rules a schema cannot state
(a checksum, a register loaded at run time, dates counted from today, one field against another), which the API
routes list under `x-rules-beyond-schema`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from employers.models import (
    CONTACT_TYPES,
    EMPLOYER_STATUSES,
    ENGAGEMENT_TYPES,
    INCLUSION_OPTIONS,
    MEASURES,
    NORWEGIAN_LEVELS,
    OPENING_STATUSES,
    PRAKSISPLASS_STATUSES,
    SECTORS,
    SIZES,
    TARGET_GROUPS,
    WORKING_TIMES,
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
Inclusion = Literal[INCLUSION_OPTIONS]  # type: ignore[valid-type]


class _In(BaseModel):
    """Unknown properties are ignored, as the document (no `additionalProperties: false`) says."""


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _EmployerFields(_In):
    nace_code: NaceCode | None = None
    sector: Literal[SECTORS] | None = None  # type: ignore[valid-type]
    address: f.text(300) | None = None  # type: ignore[valid-type]
    postal_code: f.Code4 | None = Field(None, description="Kommunen settes fra postnummeret.")
    municipality_code: f.Code4 | None = None
    size: Literal[SIZES] | None = None  # type: ignore[valid-type]
    website: Website | None = None
    status: Literal[EMPLOYER_STATUSES] | None = None  # type: ignore[valid-type]
    responsible_user_id: f.Id | None = Field(None, description="En NAV-ansatt.")
    notes: f.text(20000) | None = None  # type: ignore[valid-type]


class EmployerIn(_EmployerFields):
    orgnr: Orgnr
    name: f.required_text(300)  # type: ignore[valid-type]


class EmployerPatch(_EmployerFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )
    orgnr: Orgnr = None  # type: ignore[assignment]
    name: f.required_text(300) = None  # type: ignore[valid-type,assignment]


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
    name: f.required_text(200) = None  # type: ignore[valid-type,assignment]
    role: f.text(200) | None = None  # type: ignore[valid-type]
    phone: PersonPhone | None = None
    email: PersonEmail | None = None


class ContactPersonIn(ContactPersonPatch):
    name: f.required_text(200)  # type: ignore[valid-type]


class ContactPersonOut(ORM):
    id: int
    employer_id: int
    name: str
    role: str | None
    phone: str | None
    email: str | None


class ContactPatch(_In):
    date: f.Date = Field(None, description="20 år tilbake til to år fram.")  # type: ignore[assignment]
    type: Literal[CONTACT_TYPES] = None  # type: ignore[valid-type,assignment]
    participants: f.text(2000) | None = None  # type: ignore[valid-type]
    summary: f.required_text(20000) = None  # type: ignore[valid-type,assignment]
    next_step: f.text(2000) | None = Field(None, description="Med frist (next_step_due).")  # type: ignore[valid-type]
    next_step_due: f.Date | None = Field(None, description="Med neste steg (next_step).")
    next_step_owner_id: f.Id | None = Field(None, description="En NAV-ansatt; standard er du.")
    next_step_done: f.Bool | None = None


class ContactIn(ContactPatch):
    date: f.Date = Field(description="20 år tilbake til to år fram.")
    type: Literal[CONTACT_TYPES]  # type: ignore[valid-type]
    summary: f.required_text(20000)  # type: ignore[valid-type]


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
    title: f.required_text(300) = None  # type: ignore[valid-type,assignment]
    styrk_code: Occupation | None = None
    tasks: f.text(20000) | None = None  # type: ignore[valid-type]
    places: f.integer(1, 100) | None = None  # type: ignore[valid-type]
    period_start: f.Date | None = Field(None, description="20 år tilbake til to år fram.")
    period_end: f.Date | None = Field(None, description="Ikke før period_start.")
    supervisor: f.text(200) | None = None  # type: ignore[valid-type]
    adaptations: list[Inclusion] | None = None  # type: ignore[valid-type]
    adaptations_note: f.text(5000) | None = None  # type: ignore[valid-type]
    status: Literal[PRAKSISPLASS_STATUSES] | None = None  # type: ignore[valid-type]


class PraksisplassNew(PraksisplassIn):
    title: f.required_text(300)  # type: ignore[valid-type]


class PraksisplassPatch(PraksisplassIn):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class OccupantIn(_In):
    start_date: f.Date
    candidate_ref: f.Id | None = None
    note: f.text(500) = ""  # type: ignore[valid-type]


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
    driving_licences: list[f.any_case(DRIVING_LICENCES)] | None = None  # type: ignore[valid-type]
    certificates: list[Annotated[str, Field(max_length=200)]] | None = None
    skills: list[Annotated[str, Field(max_length=200)]] | None = None
    experience: list[Annotated[str, Field(max_length=200)]] | None = None
    norwegian_level: Literal[NORWEGIAN_LEVELS] | None = None  # type: ignore[valid-type]


class Requirements(_In):
    must: RequirementsPart | None = None
    should: RequirementsPart | None = None


class _OpeningFields(_In):
    title: f.required_text(300) = None  # type: ignore[valid-type,assignment]
    styrk_code: Occupation | None = None
    description: f.text(50000) | None = None  # type: ignore[valid-type]
    positions: f.integer(1, 1000) | None = None  # type: ignore[valid-type]
    percent_min: f.integer(1, 100) | None = Field(None, description="Ikke over percent_max.")  # type: ignore[valid-type]
    percent_max: f.integer(1, 100) | None = None  # type: ignore[valid-type]
    hours_per_week: f.number(gt=0, le=75) | None = None  # type: ignore[valid-type]
    working_time: list[Literal[WORKING_TIMES]] | None = None  # type: ignore[valid-type]
    engagement_type: Literal[ENGAGEMENT_TYPES] | None = None  # type: ignore[valid-type]
    start_date: f.Date | None = Field(None, description="Ett år tilbake til tre år fram.")
    start_by_agreement: f.Bool | None = None
    application_deadline: f.Date | None = Field(None, description="Ett år tilbake til to år fram.")
    address: f.text(300) | None = None  # type: ignore[valid-type]
    postal_code: f.Code4 | None = Field(None, description="Kommunen settes fra postnummeret.")
    municipality_code: Place | None = None
    requirements: Requirements | None = None
    inclusion: list[Inclusion] | None = None  # type: ignore[valid-type]
    target_groups: list[Literal[TARGET_GROUPS]] | None = None  # type: ignore[valid-type]
    measures: list[Literal[MEASURES]] | None = None  # type: ignore[valid-type]
    open_to_reduced_capacity: f.Bool | None = None
    how_to_apply: f.text(2000) | None = None  # type: ignore[valid-type]
    application_url: f.text(500) | None = None  # type: ignore[valid-type]
    application_email: f.text(254) | None = None  # type: ignore[valid-type]
    contact_name: f.text(200) | None = None  # type: ignore[valid-type]
    contact_phone: f.text(40) | None = None  # type: ignore[valid-type]


class OpeningIn(_OpeningFields):
    employer_id: f.Id = Field(description="Arbeidsgiveren stillingen hører til.")
    title: f.required_text(300)  # type: ignore[valid-type]


class OpeningPatch(_OpeningFields):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class StatusIn(_In):
    status: Literal[OPENING_STATUSES] = Field(
        description="Hvilken status som kan følge hvilken: se feilmeldingen."
    )  # type: ignore[valid-type]
    application_deadline: f.Date | None = None
    note: str = Field(default="", max_length=500)


class ReturnIn(_In):
    comment: f.required_text(2000, "Hva arbeidsgiveren må endre (påkrevd).")  # type: ignore[valid-type]


class ResubmitIn(_In):
    comment: f.text(2000, "Svar til NAV (valgfritt).") = ""  # type: ignore[valid-type,assignment]


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
