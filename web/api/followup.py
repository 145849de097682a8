"""Follow-up API: records, placements, contacts and outcomes, under the same rules as the pages
(staff of the candidate's office; another office's record answers 404; employer users only the contacts
they took part in)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query

from core.errors import NotFound, ValidationFailed
from core.formatting import today_in_oslo
from followup import schemas
from followup import service_placements as followup_placements
from followup import service_records as followup_records
from followup import service_reports as followup_reports
from web.api import api_router_for, rules
from web.api.contract import DB_INT_MAX, error_responses, rules_beyond_schema
from web.deps import ApiStaffUser, ApiUser, SessionDep

router = api_router_for(prefix="/followup", tags=["oppfølging"])
NOT_FOUND = error_responses(404, 422, d404="Ikke funnet (eller ikke tilgang)")
STAFF_OF_OFFICE = rules.rule(
    "jobbspesialist-ved-kontoret",
    "Jobbspesialisten er ved kandidatens NAV-kontor.",
    r"Velg en jobbspesialist ved kandidatens NAV-kontor\.",
)
RECORD_RULES = rules_beyond_schema(
    referral_date=rules.PROGRAMME,
    start_date=(
        rules.PROGRAMME,
        rules.rule(
            "jobbspor-start",
            "Startdatoen er ikke før henvisningsdatoen, og høyst ett år fram i tid.",
            r"Startdatoen kan ikke være før henvisningsdatoen\.",
            r"Startdatoen er mer enn ett år fram i tid\.",
        ),
    ),
    specialist_id=STAFF_OF_OFFICE,
    service=rules.rule(
        "ips-ung-alder",
        "IPS ung er for personer mellom 16 og 30 år.",
        r"IPS ung er for personer mellom 16 og 30 år\.",
    ),
)
STATUS_RULES = rules_beyond_schema(
    status=rules.rule(
        "status-for-tjenesten",
        "Statusen finnes for jobbsporets tjeneste, og det den krever er registrert (en jobb, en utdanning, fase 5).",
        r"Statusen '.+' finnes ikke for denne tjenesten\.",
        r"«I jobb» krever en registrert jobb\. Registrer arbeidsforholdet først\.",
        r"«I utdanning» krever en registrert utdanning eller læreplass\.",
        r"«Nedtrapping» kommer etter jobbstart \(fase 5\)\.",
    )
)
AFTER_START = rules.rule(
    "ikke-før-start", "Ikke før startdatoen.", r"Sluttdatoen kan ikke være før startdatoen\."
)
END_RULES = rules_beyond_schema(end_date=(rules.EVENT, AFTER_START))
CONTACT_RULES = rules_beyond_schema(
    date=(
        rules.EVENT,
        rules.rule(
            "kontaktdato",
            "Ikke fram i tid, og ikke lenge (30 dager) før jobbsporet startet.",
            r"En kontakt kan ikke føres fram i tid\.",
            r"Datoen er lenge før jobbsporet startet\.",
        ),
    ),
    employer_id=rules.rule(
        "arbeidsgiver-for-kontakten",
        "Arbeidsgiveren finnes og er synlig for deg; påkrevd når kontakten var med en arbeidsgiver.",
        r"Fant ikke arbeidsgiveren\.",
        r"Velg arbeidsgiveren kontakten var med\.",
    ),
    employer_user_id=rules.rule(
        "arbeidsgiverbruker",
        "En arbeidsgiverbruker ved arbeidsgiveren.",
        r"Deltakeren må være en arbeidsgiverbruker\.",
        r"Deltakeren hører ikke til denne arbeidsgiveren\.",
    ),
    placement_id=rules.rule(
        "arbeidsforhold-på-jobbsporet",
        "Et arbeidsforhold på dette jobbsporet.",
        r"Fant ikke arbeidsforholdet på dette jobbsporet\.",
    ),
)
SOURCE = rules.rule(
    "kilde-hos-arbeidsgiveren",
    "Stillingen eller praksisplassen finnes og hører til arbeidsgiveren.",
    r"Fant ikke stillingen eller praksisplassen\.",
    r"Den hører til en annen arbeidsgiver\.",
)
PLACEMENT_RULES = rules_beyond_schema(
    start_date=rules.rule(
        "jobbstart",
        "Ikke lenge (30 dager) før jobbsporet startet, og høyst et halvt år fram i tid.",
        r"Jobbstarten kan ikke være lenge før jobbsporet startet\.",
        r"Jobbstarten er mer enn et halvt år fram i tid\.",
    ),
    employer_id=rules.rule(
        "arbeidsgiver-for-jobben",
        "Påkrevd unntatt for utdanning; en arbeidsgiver du har tilgang til.",
        r"Velg arbeidsgiver\.",
        r"Fant ikke arbeidsgiveren\.",
    ),
    opening_id=SOURCE,
    praksisplass_id=SOURCE,
)
CHANGE_RULES = rules_beyond_schema(
    changed_on=(
        rules.EVENT,
        rules.rule(
            "endring-i-arbeidsforholdet",
            "Mens arbeidsforholdet varte.",
            r"Endringen kan ikke være før jobbstarten\.",
            r"Arbeidsforholdet var avsluttet på den datoen\.",
        ),
    )
)
PLACEMENT_END_RULES = rules_beyond_schema(
    end_date=(
        rules.EVENT,
        AFTER_START,
        rules.rule(
            "arbeidsforhold-åpent",
            "Arbeidsforholdet er ikke avsluttet.",
            r"Arbeidsforholdet er allerede avsluttet\.",
        ),
    )
)


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
    rows = followup_records.list_records(
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
    openapi_extra=RECORD_RULES,
)
def create_record(session: SessionDep, user: ApiStaffUser, body: schemas.RecordIn) -> schemas.RecordDetailOut:
    record = followup_records.enrol(session, actor=user, **body.model_dump())
    return _detail(record)


@router.get("/records/{record_id}", response_model=schemas.RecordDetailOut, responses=NOT_FOUND)
def get_record(
    session: SessionDep,
    user: ApiStaffUser,
    record_id: int,
    purpose: Annotated[str, Query(max_length=200)] = "oppfølging via API",
) -> schemas.RecordDetailOut:
    return _detail(followup_records.get_record(session, actor=user, record_id=record_id, purpose=purpose))


@router.post(
    "/records/{record_id}/status",
    response_model=schemas.RecordDetailOut,
    responses=NOT_FOUND,
    openapi_extra=STATUS_RULES,
)
def set_status(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.StatusIn
) -> schemas.RecordDetailOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    followup_records.set_status(session, actor=user, record=record, status=body.status)
    return _detail(record)


@router.post(
    "/records/{record_id}/end",
    response_model=schemas.RecordDetailOut,
    responses=NOT_FOUND,
    openapi_extra=END_RULES,
)
def end_record(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.EndRecordIn
) -> schemas.RecordDetailOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    followup_records.end_record(session, actor=user, record=record, **body.model_dump())
    return _detail(record)


@router.get("/records/{record_id}/contacts", response_model=list[schemas.ContactOut], responses=NOT_FOUND)
def record_contacts(session: SessionDep, user: ApiStaffUser, record_id: int) -> list[schemas.ContactOut]:
    record = followup_records.get_record(
        session, actor=user, record_id=record_id, purpose="oppfølging via API: kontakter"
    )
    return [schemas.ContactOut.model_validate(c) for c in followup_records.list_contacts(session, record)]


@router.post(
    "/records/{record_id}/contacts",
    response_model=schemas.ContactOut,
    status_code=201,
    responses=NOT_FOUND,
    openapi_extra=CONTACT_RULES,
)
def log_contact(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.ContactIn
) -> schemas.ContactOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    return schemas.ContactOut.model_validate(
        followup_records.log_contact(session, actor=user, record=record, **body.model_dump())
    )


@router.post(
    "/records/{record_id}/placements",
    response_model=schemas.PlacementOut,
    status_code=201,
    responses=NOT_FOUND,
    openapi_extra=PLACEMENT_RULES,
)
def start_placement(
    session: SessionDep, user: ApiStaffUser, record_id: int, body: schemas.PlacementIn
) -> schemas.PlacementOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    return schemas.PlacementOut.model_validate(
        followup_placements.start_placement(session, actor=user, record=record, **body.model_dump())
    )


@router.post(
    "/records/{record_id}/placements/{placement_id}/changes",
    response_model=schemas.PlacementOut,
    responses=NOT_FOUND,
    openapi_extra=CHANGE_RULES,
)
def change_placement(
    session: SessionDep,
    user: ApiStaffUser,
    record_id: int,
    placement_id: int,
    body: schemas.PlacementChangeIn,
) -> schemas.PlacementOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    placement = followup_placements.get_placement(record, placement_id)
    followup_placements.change_placement(
        session, actor=user, record=record, placement=placement, **body.model_dump()
    )
    return schemas.PlacementOut.model_validate(placement)


@router.post(
    "/records/{record_id}/placements/{placement_id}/end",
    response_model=schemas.PlacementOut,
    responses=NOT_FOUND,
    openapi_extra=PLACEMENT_END_RULES,
)
def end_placement(
    session: SessionDep, user: ApiStaffUser, record_id: int, placement_id: int, body: schemas.PlacementEndIn
) -> schemas.PlacementOut:
    record = followup_records.for_update(session, actor=user, record_id=record_id)
    placement = followup_placements.get_placement(record, placement_id)
    followup_placements.end_placement(
        session, actor=user, record=record, placement=placement, **body.model_dump()
    )
    return schemas.PlacementOut.model_validate(placement)


@router.get("/records/{record_id}/outcomes", response_model=schemas.RecordOutcomesOut, responses=NOT_FOUND)
def outcomes(session: SessionDep, user: ApiStaffUser, record_id: int) -> schemas.RecordOutcomesOut:
    record = followup_records.get_record(
        session, actor=user, record_id=record_id, purpose="oppfølging via API: utfall"
    )
    today = today_in_oslo()
    rows = []
    for p in record.placements:
        current = followup_placements.current_terms(p)[0]
        rows.append(
            schemas.OutcomeOut(
                placement_id=p.id,
                type=p.type,
                start_date=p.start_date,
                end_date=p.end_date,
                end_reason=p.end_reason,
                start_percent=p.percent,
                current_percent=current,
                hours_increased=followup_placements.hours_increased(p),
                retention={f"{m}m": v for m, v in followup_placements.retention_milestones(p, today).items()},
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
    contacts = followup_records.readable_contacts_list(session, actor=user, limit=limit)
    return [schemas.ContactOut.model_validate(c) for c in contacts]


@router.get(
    "/report",
    summary="Oppfølgingstall for et kontor (samme form som `arbeidsbro followup report`)",
    responses=error_responses(404, d404="Fant ikke NAV-kontoret"),
    openapi_extra=rules_beyond_schema(
        **{
            "from": rules.rule(
                "periode-høyst-ti-år",
                "Perioden (from–to, standard til i dag) er høyst ti år, og from er ikke etter to.",
                r"Perioden kan ikke være lengre enn ti år\.",
                r"Fra-datoen kan ikke være etter til-datoen\.",
            )
        }
    ),
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
    return followup_reports.report_figures(session, number, date_from, date_to)
