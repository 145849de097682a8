"""Candidate API (foundation: read; the candidates issue adds the rest)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import Query

from candidates import service as candidates_service
from web.api import api_router_for
from web.api.schemas import ORMModel
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(prefix="/candidates", tags=["kandidater"])


class CandidateOut(ORMModel):
    id: int
    office_id: int
    first_name: str
    last_name: str
    birth_date: dt.date | None
    municipality_code: str | None
    status: str


@router.get("", response_model=list[CandidateOut], summary="Kandidater ved eget kontor")
def list_candidates(
    session: SessionDep,
    user: ApiStaffUser,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[CandidateOut]:
    rows = candidates_service.list_candidates(session, actor=user, limit=limit, offset=offset)
    return [CandidateOut.model_validate(c) for c in rows]


@router.get("/{candidate_id}", response_model=CandidateOut, responses={404: {"description": "Ikke funnet"}})
def get_candidate(
    session: SessionDep,
    user: ApiStaffUser,
    candidate_id: int,
    purpose: Annotated[str, Query(max_length=200)] = "oppslag via API",
) -> CandidateOut:
    return CandidateOut.model_validate(
        candidates_service.get_candidate(session, actor=user, candidate_id=candidate_id, purpose=purpose)
    )
