"""Output model of «Mine personer» for the JSON API (`GET /api/v1/plan-overview`): the same people, counts, dates
and flags as the page (`plans.service_overview`)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Show = Literal["alle", "oppmerksomhet", "forfalt", "frist", "inaktiv", "revisjon", "evaluering"]
Order = Literal["oppmerksomhet", "navn", "forfalt", "frist", "inaktiv", "revisjon", "evaluering"]


class PersonStateOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    candidate_id: int
    name: str
    period_id: int = Field(description="Oppfølgingsperioden (planen)")
    start_date: dt.date
    open_activities: int = Field(description="Aktiviteter som ikke er fullført eller avbrutt")
    due_soon: int = Field(description="Åpne aktiviteter med frist (til-dato) de neste sju dagene")
    overdue: int = Field(description="Åpne aktiviteter med frist (til-dato) som er passert")
    next_due: dt.date | None
    oldest_overdue: dt.date | None
    last_change: dt.date = Field(description="Sist en aktivitet ble endret (eller planen startet)")
    days_inactive: int
    inactive: bool = Field(description="Ingen endring på 30 dager eller mer")
    revision_date: dt.date | None = Field(description="Neste revisjon av den individuelle planen")
    revision_due: bool = Field(description="Revisjon innen 14 dager eller passert")
    evaluation_date: dt.date | None = Field(description="Neste evaluering av den individuelle planen")
    evaluation_due: bool = Field(description="Evaluering innen 14 dager eller passert")
    needs_attention: bool


class CountsOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    people: int
    overdue: int = Field(description="Personer med minst én forfalt aktivitet")
    due_soon: int
    inactive: int
    revision_due: int
    evaluation_due: int
    attention: int = Field(description="Personer som trenger oppfølging (minst ett av flaggene)")


class PlanOverviewOut(BaseModel):
    today: dt.date
    counts: CountsOut = Field(description="Alle personene dine, uansett filter")
    people: list[PersonStateOut]
