"""Employer API (foundation: list; the employers issue adds CRUD)."""

from __future__ import annotations

from employers import service as employers_service
from web.api import api_router_for
from web.api.schemas import ORMModel
from web.deps import ApiUser, SessionDep

router = api_router_for(prefix="/employers", tags=["arbeidsgivere"])


class EmployerOut(ORMModel):
    id: int
    orgnr: str
    name: str
    municipality_code: str | None
    status: str


@router.get("", response_model=list[EmployerOut], summary="Arbeidsgivere brukeren har tilgang til")
def list_employers(session: SessionDep, user: ApiUser) -> list[EmployerOut]:
    return [EmployerOut.model_validate(e) for e in employers_service.employers_of(session, user)]
