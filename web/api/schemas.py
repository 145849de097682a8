"""Pydantic output models shared by the API routers of the foundation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class ORMModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class OfficeOut(ORMModel):
    id: int
    number: str
    name: str
    municipalities: list[str]


class UserOut(ORMModel):
    id: int
    email: str
    name: str
    role: str
    office: OfficeOut | None = None
    employer_ids: list[int] = []


class AuditEntryOut(ORMModel):
    id: int
    at: dt.datetime
    actor_email: str | None
    role: str | None
    office: str | None
    action: str
    subject_type: str
    subject_id: str | None
    purpose: str
    outcome: str


class ErrorOut(BaseModel):
    detail: str


class ChangedFieldOut(BaseModel):
    field: str
    current: str = Field(description="Verdien som er lagret nå, som tekst.")


class StaleOut(BaseModel):
    """409 on a PATCH with an old `version`: nothing is saved; the record's version now and the fields you sent
    whose saved value is different (read the record again, then send your change with the new version)."""

    detail: str
    field: str = "version"
    current_version: int
    changed: list[ChangedFieldOut]
