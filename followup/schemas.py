"""Pydantic input/output models for the follow-up API (validation messages in bokmål). Input models state what
the services accept (core.fields: a number is a JSON number, a date ÅÅÅÅ-MM-DD); the rules that depend on the
record or on today are listed per route under `x-rules-beyond-schema` (web/api/followup.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from followup.models import END_DETAILS, OTHER_KINDS, STATUSES

ServiceKey = Literal["ips", "ips_ung", "supported_employment", "kvp", "ordinaer"]
PlacementType = Literal["ordinaer", "lonnstilskudd", "arbeidstrening", "laerling", "utdanning"]


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class _In(BaseModel):
    """Unknown properties are ignored, as the document (no `additionalProperties: false`) says."""


Hours = Annotated[float, f.number(gt=0, le=75)]


class RecordIn(_In):
    candidate_id: f.Id
    service: ServiceKey
    referral_date: f.Date
    start_date: f.Date
    goal: Literal["arbeid", "utdanning"] = "arbeid"
    specialist_id: f.Id | None = None
    out_of_work_at_intake: f.Bool = True
    target_refugee: f.Bool = False
    target_ufore: f.Bool = False


# Literals of a label table's keys, built at run time: the type checker reads them as text.
if TYPE_CHECKING:
    OpenStatus: TypeAlias = str
    EndDetail: TypeAlias = str
    OtherKind: TypeAlias = str
else:
    OpenStatus = Literal[tuple(k for k in STATUSES if k != "avsluttet")]
    EndDetail = Literal[tuple(END_DETAILS)]
    OtherKind = Literal[tuple(OTHER_KINDS)]


class StatusIn(_In):
    status: OpenStatus = Field(
        description="Avslutt med /end. Hvilke statuser en tjeneste har, og hva de krever: se feilmeldingen."
    )


class EndRecordIn(_In):
    end_date: f.Date
    cause: Literal["arbeid", "utdanning", "annet"]
    detail: EndDetail | None = None
    note: Annotated[str, f.text(5000)] = ""


class ContactIn(_In):
    date: f.Date
    with_whom: Literal["person", "arbeidsgiver", "andre"]
    mode: Literal["arbeidsplassen", "samfunnet", "nav", "telefon", "digitalt"]
    duration_minutes: Annotated[int, f.integer(0, 1440)] | None = None
    content: Annotated[str, f.text(10000)] = ""
    other_kind: OtherKind | None = None
    employer_id: f.Id | None = None
    employer_user_id: f.Id | None = None
    placement_id: f.Id | None = None
    participants: Annotated[str, f.text(500)] = ""


class PlacementIn(_In):
    type: PlacementType
    start_date: f.Date
    percent: Annotated[int, f.integer(1, 100)]
    hours_per_week: Hours | None = None
    employer_id: f.Id | None = Field(None, description="Påkrevd unntatt for utdanning.")
    title: Annotated[str, f.text(200)] = ""
    styrk_code: Annotated[str, Field(max_length=8)] | None = None
    wage_type: Literal["timelonn", "fastlonn", "ingen"] = "timelonn"
    contact_person: Annotated[str, f.text(300)] = ""
    opening_id: f.Id | None = None
    praksisplass_id: f.Id | None = None


class PlacementChangeIn(_In):
    changed_on: f.Date
    percent: Annotated[int, f.integer(1, 100)]
    hours_per_week: Hours | None = None
    note: Annotated[str, f.text(500)] = ""


class PlacementEndIn(_In):
    end_date: f.Date
    reason: Literal["sa_opp", "oppsagt", "midlertidig_utlop", "helse", "ny_jobb", "utdanning"]
    note: Annotated[str, f.text(2000)] = ""


class PhaseOut(ORM):
    phase: int
    entered_on: dt.date
    note: str


class PlacementChangeOut(ORM):
    changed_on: dt.date
    percent: int
    hours_per_week: float


class PlacementOut(ORM):
    id: int
    record_id: int
    candidate_id: int
    employer_id: int | None
    opening_id: int | None
    praksisplass_id: int | None
    type: str
    title: str
    start_date: dt.date
    percent: int
    hours_per_week: float
    wage_type: str
    contact_person: str
    end_date: dt.date | None
    end_reason: str | None
    changes: list[PlacementChangeOut] = []


class PlanItemOut(ORM):
    id: int
    kind: str
    window_start: dt.date
    warn_date: dt.date
    due_date: dt.date
    done_on: dt.date | None


class RecordOut(ORM):
    id: int
    candidate_id: int
    office_id: int
    specialist_id: int | None
    service: str
    goal: str
    status: str
    referral_date: dt.date
    start_date: dt.date
    end_date: dt.date | None
    end_cause: str | None
    end_detail: str | None


class RecordDetailOut(RecordOut):
    phases: list[PhaseOut]
    placements: list[PlacementOut]
    plan_items: list[PlanItemOut]


class ContactOut(ORM):
    id: int
    record_id: int
    date: dt.date
    with_whom: str
    mode: str
    face_to_face: bool
    duration_minutes: int
    content: str = Field(description="Notatet; tomt for en arbeidsgiverbruker (notatet er NAVs interne)")
    employer_id: int | None
    placement_id: int | None


class OutcomeOut(BaseModel):
    placement_id: int
    type: str
    start_date: dt.date
    end_date: dt.date | None
    end_reason: str | None
    start_percent: int
    current_percent: int
    hours_increased: bool
    retention: dict[str, bool | None]


class RecordOutcomesOut(BaseModel):
    record_id: int
    status: str
    end_cause: str | None
    end_detail: str | None
    placements: list[OutcomeOut]
