"""Who am I, offices, and the audit log for admins."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel, Field

from candidates import service as candidates_service
from core import accounts, audit
from employers import access as employers_access
from followup import service_records as followup_records
from web.api import api_router_for
from web.api.schemas import AuditEntryOut, OfficeOut, UserOut
from web.deps import ApiAdminUser, ApiUser, SessionDep

router = api_router_for(tags=["konto"])


@router.get("/me", response_model=UserOut, summary="Innlogget bruker")
def me(session: SessionDep, user: ApiUser) -> UserOut:
    out = UserOut.model_validate(user)
    if user.role == "arbeidsgiver":
        out.employer_ids = employers_access.employer_ids_for(session, user)
    return out


@router.get("/offices", response_model=list[OfficeOut], summary="NAV-kontorer")
def offices(session: SessionDep, user: ApiUser) -> list[OfficeOut]:
    return [OfficeOut.model_validate(o) for o in accounts.list_offices(session)]


class OfficeIn(BaseModel):
    number: str = Field(
        min_length=4, max_length=4, pattern=r"^\d{4}$", description="Enhetsnummer, fire sifre"
    )
    name: str = Field(min_length=1, max_length=200)
    municipalities: list[str] = Field(default_factory=list, max_length=200)


@router.post(
    "/offices",
    response_model=OfficeOut,
    status_code=201,
    summary="Opprett NAV-kontor (admin)",
    responses={409: {"description": "Finnes allerede"}, 422: {"description": "Ugyldige opplysninger"}},
)
def create_office(body: OfficeIn, session: SessionDep, user: ApiAdminUser) -> OfficeOut:
    office = accounts.create_office(
        session, number=body.number, name=body.name, municipalities=body.municipalities
    )
    audit.record(
        session,
        actor=user,
        action="create",
        subject_type="office",
        subject_id=office.id,
        purpose="kontoradministrasjon",
    )
    return OfficeOut.model_validate(office)


@router.get(
    "/audit", response_model=list[AuditEntryOut], summary="Søk i revisjonsloggen (admin)", tags=["revisjon"]
)
def audit_search(
    session: SessionDep,
    user: ApiAdminUser,
    actor: Annotated[str | None, Query(max_length=254, description="Brukerens e-post eller navn.")] = None,
    person: Annotated[
        str | None,
        Query(max_length=200, description="Personens navn eller kandidatnummer (alt om personen)."),
    ] = None,
    action: Annotated[str | None, Query(max_length=10)] = None,
    subject_type: Annotated[str | None, Query(max_length=40)] = None,
    subject_id: Annotated[str | None, Query(max_length=64)] = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[AuditEntryOut]:
    subjects = None
    if person and person.strip():
        ids = [cid for cid, _ in candidates_service.people_for_audit_search(session, actor=user, text=person)]
        subjects = [("candidate", str(cid)) for cid in ids] + followup_records.audit_subjects_of(session, ids)
    entries = audit.search(
        session,
        actor_email=actor,
        action=action,
        subject_type=subject_type,
        subject_id=subject_id,
        subjects=subjects,
        date_from=date_from,
        date_to=date_to,
        limit=limit,
    )
    return [AuditEntryOut.model_validate(e) for e in entries]
