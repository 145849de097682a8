"""Pydantic models for the employers API. Input models are loose on purpose: the services hold the rules and answer
422 with the field and a Norwegian message, so the API and the pages refuse exactly the same input."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from employers.models import OPENING_STATUSES

Scalar = str | int | None


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class EmployerIn(BaseModel):
    orgnr: str
    name: str
    nace_code: str | None = None
    sector: str | None = None
    address: str | None = None
    postal_code: str | None = None
    municipality_code: str | None = None
    size: str | None = None
    website: str | None = None
    status: str | None = None
    responsible_user_id: int | None = None
    notes: str | None = None


class EmployerPatch(BaseModel):
    version: int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )
    orgnr: str | None = None
    name: str | None = None
    nace_code: str | None = None
    sector: str | None = None
    address: str | None = None
    postal_code: str | None = None
    municipality_code: str | None = None
    size: str | None = None
    website: str | None = None
    status: str | None = None
    responsible_user_id: int | None = None
    notes: str | None = None


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


class MergeIn(BaseModel):
    merge_id: int = Field(description="Arbeidsgiveren som slås inn i denne og slettes.")


class ContactPersonIn(BaseModel):
    name: str | None = None
    role: str | None = None
    phone: str | None = None
    email: str | None = None


class ContactPersonOut(ORM):
    id: int
    employer_id: int
    name: str
    role: str | None
    phone: str | None
    email: str | None


class ContactIn(BaseModel):
    date: dt.date | str | None = None
    type: str | None = None
    participants: str | None = None
    summary: str | None = None
    next_step: str | None = None
    next_step_due: dt.date | str | None = None
    next_step_owner_id: int | None = None
    next_step_done: bool | None = None


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


class PraksisplassIn(BaseModel):
    title: str | None = None
    styrk_code: str | None = None
    tasks: str | None = None
    places: Scalar = None
    period_start: dt.date | str | None = None
    period_end: dt.date | str | None = None
    supervisor: str | None = None
    adaptations: list[str] | None = None
    adaptations_note: str | None = None
    status: str | None = None


class PraksisplassPatch(PraksisplassIn):
    version: int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class OccupantIn(BaseModel):
    start_date: dt.date | str | None = None
    candidate_ref: int | None = None
    note: str = ""


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


class OpeningIn(BaseModel):
    employer_id: int | None = None
    title: str | None = None
    styrk_code: str | None = None
    description: str | None = None
    positions: Scalar = None
    percent_min: Scalar = None
    percent_max: Scalar = None
    hours_per_week: float | str | None = None
    working_time: list[str] | None = None
    engagement_type: str | None = None
    start_date: dt.date | str | None = None
    start_by_agreement: bool | None = None
    application_deadline: dt.date | str | None = None
    address: str | None = None
    postal_code: str | None = None
    municipality_code: str | None = None
    requirements: dict[str, Any] | None = None
    inclusion: list[str] | None = None
    target_groups: list[str] | None = None
    measures: list[str] | None = None
    open_to_reduced_capacity: bool | None = None
    how_to_apply: str | None = Field(default=None, max_length=2000)
    application_url: str | None = Field(default=None, max_length=500)
    application_email: str | None = Field(default=None, max_length=254)
    contact_name: str | None = Field(default=None, max_length=200)
    contact_phone: str | None = Field(default=None, max_length=40)


class OpeningPatch(OpeningIn):
    version: int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )


class StatusIn(BaseModel):
    # the document names the statuses; the service refuses any other with its own message in Bokmål
    status: str = Field(json_schema_extra={"enum": list(OPENING_STATUSES)})
    application_deadline: dt.date | None = None
    note: str = Field(default="", max_length=500)


class ReturnIn(BaseModel):
    comment: str = Field(min_length=1, max_length=2000, description="Hva arbeidsgiveren må endre (påkrevd).")


class ResubmitIn(BaseModel):
    comment: str = Field(default="", max_length=2000, description="Svar til NAV (valgfritt).")


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
