"""Pydantic input/output models for the follow-up API (validation messages in bokmål)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

ServiceKey = Literal["ips", "ips_ung", "supported_employment", "kvp", "ordinaer"]
PlacementType = Literal["ordinaer", "lonnstilskudd", "arbeidstrening", "laerling", "utdanning"]


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class RecordIn(BaseModel):
    candidate_id: int
    service: ServiceKey
    referral_date: dt.date
    start_date: dt.date
    goal: Literal["arbeid", "utdanning"] = "arbeid"
    specialist_id: int | None = None
    out_of_work_at_intake: bool = True
    target_refugee: bool = False
    target_ufore: bool = False


class StatusIn(BaseModel):
    status: str = Field(max_length=20)


class EndRecordIn(BaseModel):
    end_date: dt.date
    cause: Literal["arbeid", "utdanning", "annet"]
    detail: str | None = Field(default=None, max_length=40)
    note: str = Field(default="", max_length=5000)


class ContactIn(BaseModel):
    date: dt.date
    with_whom: Literal["person", "arbeidsgiver", "andre"]
    mode: Literal["arbeidsplassen", "samfunnet", "nav", "telefon", "digitalt"]
    duration_minutes: int | None = Field(default=None, ge=0, le=1440)
    content: str = Field(default="", max_length=10000)
    other_kind: str | None = Field(default=None, max_length=20)
    employer_id: int | None = None
    employer_user_id: int | None = None
    placement_id: int | None = None
    participants: str = Field(default="", max_length=500)


class PlacementIn(BaseModel):
    type: PlacementType
    start_date: dt.date
    percent: int = Field(ge=1, le=100)
    hours_per_week: float | None = Field(default=None, gt=0, le=75)
    employer_id: int | None = None
    title: str = Field(default="", max_length=200)
    styrk_code: str | None = Field(default=None, max_length=8)
    wage_type: Literal["timelonn", "fastlonn", "ingen"] = "timelonn"
    contact_person: str = Field(default="", max_length=300)
    opening_id: int | None = None
    praksisplass_id: int | None = None


class PlacementChangeIn(BaseModel):
    changed_on: dt.date
    percent: int = Field(ge=1, le=100)
    hours_per_week: float | None = Field(default=None, gt=0, le=75)
    note: str = Field(default="", max_length=500)


class PlacementEndIn(BaseModel):
    end_date: dt.date
    reason: Literal["sa_opp", "oppsagt", "midlertidig_utlop", "helse", "ny_jobb", "utdanning"]
    note: str = Field(default="", max_length=2000)


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
