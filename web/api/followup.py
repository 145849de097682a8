"""Follow-up API: records, placements, contacts and outcomes, under the same rules as the pages
(staff of the candidate's office; another office's record answers 404; employer users only the contacts
they took part in)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query

from core.errors import NotFound, ValidationFailed
from followup import schemas
from followup import service as fs
from web.api import api_router_for
from web.api.contract import DB_INT_MAX, error_responses, rules_beyond_schema
from web.deps import ApiStaffUser, ApiUser, SessionDep

router = api_router_for(prefix="/followup", tags=["oppfølging"])
NOT_FOUND = error_responses(404, 422, d404="Ikke funnet (eller ikke tilgang)")


def _detail(record: Any) -> schemas.RecordDetailOut:
    return schemas.RecordDetailOut.model_validate(record)


@router.get("/records", response_model=list[schemas.RecordOut], summary="Jobbspor ved eget kontor")
def list_records(
    session: SessionDep,
    user: ApiStaffUser,
    include_ended: bool = False,
    mine: bool = False,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=DB_INT_MAX)] = 0,
) -> list[schemas.RecordOut]:
    rows = fs.list_records(
        session,
        actor=user,
        specialist_id=user.id if mine else None,
        include_ended=include_ended,
        limit=limit,
        offset=offset,
    )
    return [schemas.RecordOut.model_validate(r) for r in rows]


@router.post(
    "/records",
    response_model=schemas.RecordDetailOut,
    status_code=201,
    responses=NOT_FOUND,
    openapi_extra=rules_beyond_schema(
        "referral_date", "start_date", "candidate_id", "programme"
    ),  # date bounds
)
def create_record(session: SessionDep, user: ApiStaffUser, body: schemas.RecordIn) -> schemas.RecordDetailOut:
    record = fs.enrol(session, actor=user, **body.model_dump())
    return _detail(record)


@router.get("/records/{record_id}", response_model=schemas.RecordDetailOut, responses=NOT_FOUND)
def get_record(
    session: SessionDep,
    user: ApiStaffUser,
    record_id: int,
    purpose: Annotated[str, Query(max_length=200)] = "oppfølging via API",
) -> schemas.RecordDetailOut:
    return _detail(fs.get_record(session, actor=user, record_id=record_id, purpose=purpose))


@router.post(
    "/records/{record_id}/status",
    response_model=schemas.RecordDetailOut,
    responses=NOT_FOUND,
    openapi_extra=rules_beyond_schema(*schemas.StatusIn.model_fields),  # which status may follow which
)
def set_status(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.StatusIn
) -> schemas.RecordDetailOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    fs.set_status(session, actor=user, record=record, status=body.status)
    return _detail(record)


@router.post("/records/{record_id}/end", response_model=schemas.RecordDetailOut, responses=NOT_FOUND)
def end_record(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.EndRecordIn
) -> schemas.RecordDetailOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    fs.end_record(session, actor=user, record=record, **body.model_dump())
    return _detail(record)


@router.get("/records/{record_id}/contacts", response_model=list[schemas.ContactOut], responses=NOT_FOUND)
def record_contacts(session: SessionDep, user: ApiStaffUser, record_id: int) -> list[schemas.ContactOut]:
    record = fs.get_record(session, actor=user, record_id=record_id, purpose="oppfølging via API: kontakter")
    return [schemas.ContactOut.model_validate(c) for c in fs.list_contacts(session, record)]


@router.post(
    "/records/{record_id}/contacts", response_model=schemas.ContactOut, status_code=201, responses=NOT_FOUND
)
def log_contact(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.ContactIn
) -> schemas.ContactOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    return schemas.ContactOut.model_validate(
        fs.log_contact(session, actor=user, record=record, **body.model_dump())
    )


@router.post(
    "/records/{record_id}/placements",
    response_model=schemas.PlacementOut,
    status_code=201,
    responses=NOT_FOUND,
)
def start_placement(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.PlacementIn
) -> schemas.PlacementOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    return schemas.PlacementOut.model_validate(
        fs.start_placement(session, actor=user, record=record, **body.model_dump())
    )


@router.post(
    "/records/{record_id}/placements/{placement_id}/changes",
    response_model=schemas.PlacementOut,
    responses=NOT_FOUND,
)
def change_placement(
    session: SessionDep,
    user: ApiStaffUser,
    record_id: int,
    placement_id: int,
    body: schemas.PlacementChangeIn,
) -> schemas.PlacementOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    placement = fs.get_placement(record, placement_id)
    fs.change_placement(session, actor=user, record=record, placement=placement, **body.model_dump())
    return schemas.PlacementOut.model_validate(placement)


@router.post(
    "/records/{record_id}/placements/{placement_id}/end",
    response_model=schemas.PlacementOut,
    responses=NOT_FOUND,
)
def end_placement(
    session: SessionDep, user: ApiStaffUser, record_id: int, placement_id: int, body: schemas.PlacementEndIn
) -> schemas.PlacementOut:
    record = fs.for_update(session, actor=user, record_id=record_id)
    placement = fs.get_placement(record, placement_id)
    fs.end_placement(session, actor=user, record=record, placement=placement, **body.model_dump())
    return schemas.PlacementOut.model_validate(placement)


@router.get("/records/{record_id}/outcomes", response_model=schemas.RecordOutcomesOut, responses=NOT_FOUND)
def outcomes(session: SessionDep, user: ApiStaffUser, record_id: int) -> schemas.RecordOutcomesOut:
    record = fs.get_record(session, actor=user, record_id=record_id, purpose="oppfølging via API: utfall")
    today = dt.date.today()
    rows = []
    for p in record.placements:
        current = fs.current_terms(p)[0]
        rows.append(
            schemas.OutcomeOut(
                placement_id=p.id,
                type=p.type,
                start_date=p.start_date,
                end_date=p.end_date,
                end_reason=p.end_reason,
                start_percent=p.percent,
                current_percent=current,
                hours_increased=fs.hours_increased(p),
                retention={f"{m}m": v for m, v in fs.retention_milestones(p, today).items()},
            )
        )
    return schemas.RecordOutcomesOut(
        record_id=record.id,
        status=record.status,
        end_cause=record.end_cause,
        end_detail=record.end_detail,
        placements=rows,
    )


@router.get(
    "/contacts", response_model=list[schemas.ContactOut], summary="Kontakter brukeren har tilgang til"
)
def contacts(
    session: SessionDep, user: ApiUser, limit: Annotated[int, Query(ge=1, le=500)] = 100
) -> list[schemas.ContactOut]:
    """Staff: contacts of their office's records; employer users: only the contacts they took part in."""
    contacts = fs.readable_contacts_list(session, actor=user, limit=limit)
    return [schemas.ContactOut.model_validate(c) for c in contacts]


@router.get(
    "/report",
    summary="Oppfølgingstall for et kontor (samme form som `arbeidsbro followup report`)",
    responses=error_responses(404, d404="Fant ikke NAV-kontoret"),
    openapi_extra=rules_beyond_schema("from", "to"),  # a period of at most ten years
)
def report(
    session: SessionDep,
    user: ApiStaffUser,
    office: Annotated[str | None, Query(max_length=4)] = None,
    date_from: Annotated[dt.date | None, Query(alias="from")] = None,
    date_to: Annotated[dt.date | None, Query(alias="to")] = None,
) -> dict[str, Any]:
    number = office or (user.office.number if user.office else None)
    if number is None:
        raise ValidationFailed("Oppgi kontor (enhetsnummer).", field="office")
    if user.role != "admin" and (user.office is None or user.office.number != number):
        raise NotFound(f"Fant ikke NAV-kontor {number}.")
    return fs.report_figures(session, number, date_from, date_to)
