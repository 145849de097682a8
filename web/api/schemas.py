"""Pydantic output models shared by the API routers of the foundation."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict


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
