"""Employer API: the registry, contact persons, contact log, praksisplasser and openings, under the same rules as
the pages (the services decide). Employer users reach only their own organisations: 404 for others, 403 for what
their role may not do."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse, Response

from core.errors import ValidationFailed
from employers import importers
from employers import schemas as s
from employers import service as es
from web.api import api_router_for
from web.api.contract import DB_INT_MAX, error_responses, rules_beyond_schema
from web.api.schemas import StaleOut
from web.deps import ApiStaffUser, ApiUser, SessionDep

router = api_router_for(tags=["arbeidsgivere"])
ERRORS = error_responses(
    403, 404, 422, d403="Rollen kan ikke gjøre dette", d404="Ikke funnet (eller ikke tilgang)"
)
# Checked by the service beyond what the schema states: the organisation number's checksum, codes and ids that
# must exist, dates relative to today.
EMPLOYER_RULES = rules_beyond_schema(
    "orgnr",
    "name",
    "nace_code",
    "sector",
    "address",
    "postal_code",
    "municipality_code",
    "size",
    "website",
    "status",
    "responsible_user_id",
    "notes",
)
PERSON_RULES = rules_beyond_schema("name", "email", "phone", "role")  # a name; e-mail and phone formats
OPENING_RULES = rules_beyond_schema(
    "employer_id",
    "title",
    "styrk_code",
    "start_date",
    "application_deadline",
    "postal_code",
    "municipality_code",
    "percent_min",
    "percent_max",
    "positions",
    "hours_per_week",
    "engagement_type",
    "working_time",
    "requirements",
    "inclusion",
    "target_groups",
    "measures",
)
# PATCH of a record two people edit: `version` is required; a stale one is 409 naming the changed fields.
PATCH_ERRORS = {**ERRORS, 409: {"description": "Endret av en annen siden du leste den", "model": StaleOut}}
Limit = Annotated[int, Query(ge=1, le=500)]
Offset = Annotated[int, Query(ge=0, le=DB_INT_MAX)]
QueryId = Annotated[int, Query(ge=-DB_INT_MAX - 1, le=DB_INT_MAX)]
OptionalQueryId = Annotated[int | None, Query(ge=-DB_INT_MAX - 1, le=DB_INT_MAX)]
EMPLOYER_OUT_FIELDS = tuple(s.EmployerOut.model_fields)  # the columns the employer list reads


def _set(body: Any) -> dict[str, Any]:
    return body.model_dump(exclude_unset=True)


# --- employers ----------------------------------------------------------------------------------------


@router.get(
    "/employers", response_model=list[s.EmployerOut], summary="Arbeidsgivere brukeren har tilgang til"
)
def list_employers(
    session: SessionDep,
    user: ApiUser,
    q: str = "",
    status: str = "",
    municipality: str = "",
    mine: bool = False,
    sort: str = "navn",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    # plain rows of the output's own fields (response_model validates and serialises them): no ORM rows
    return es.list_employer_columns(
        session,
        actor=user,
        columns=EMPLOYER_OUT_FIELDS,
        q=q,
        status=status,
        municipality_code=municipality,
        mine=mine,
        sort=sort,
        limit=limit,
        offset=offset,
    )


@router.post(
    "/employers",
    response_model=s.EmployerOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=EMPLOYER_RULES,
)
def create_employer(session: SessionDep, user: ApiStaffUser, body: s.EmployerIn) -> s.EmployerOut:
    return s.EmployerOut.model_validate(es.create_employer(session, actor=user, **_set(body)))


@router.get("/employers/{employer_id}", response_model=s.EmployerOut, responses=ERRORS)
def get_employer(session: SessionDep, user: ApiUser, employer_id: int) -> s.EmployerOut:
    return s.EmployerOut.model_validate(es.get_employer(session, actor=user, employer_id=employer_id))


@router.patch(
    "/employers/{employer_id}",
    response_model=s.EmployerOut,
    responses=PATCH_ERRORS,
    openapi_extra=EMPLOYER_RULES,
)
def update_employer(
    session: SessionDep, user: ApiUser, employer_id: int, body: s.EmployerPatch
) -> s.EmployerOut:
    es.get_employer(session, actor=user, employer_id=employer_id)
    employer = es.update_employer(session, actor=user, employer_id=employer_id, **_set(body))
    return s.EmployerOut.model_validate(employer)


@router.get("/employers/{employer_id}/similar", response_model=list[s.SimilarOut], responses=ERRORS)
def similar(session: SessionDep, user: ApiStaffUser, employer_id: int) -> list[s.SimilarOut]:
    e = es.get_employer(session, actor=user, employer_id=employer_id)
    found = es.similar_employers(session, name=e.name, municipality_code=e.municipality_code, exclude_id=e.id)
    return [
        s.SimilarOut(id=f.employer.id, name=f.employer.name, orgnr=f.employer.orgnr, score=f.score)
        for f in found
    ]


@router.post(
    "/employers/{employer_id}/merge",
    response_model=s.EmployerOut,
    responses=ERRORS,
    openapi_extra=rules_beyond_schema("merge_id"),  # another employer than the one kept
)
def merge(session: SessionDep, user: ApiStaffUser, employer_id: int, body: s.MergeIn) -> s.EmployerOut:
    kept = es.merge_employers(session, actor=user, keep_id=employer_id, merge_id=body.merge_id)
    return s.EmployerOut.model_validate(kept)


# --- contact persons ----------------------------------------------------------------------------------


@router.get(
    "/employers/{employer_id}/contact-persons", response_model=list[s.ContactPersonOut], responses=ERRORS
)
def list_persons(session: SessionDep, user: ApiUser, employer_id: int) -> list[s.ContactPersonOut]:
    return [
        s.ContactPersonOut.model_validate(p)
        for p in es.contact_persons(session, actor=user, employer_id=employer_id)
    ]


@router.post(
    "/employers/{employer_id}/contact-persons",
    response_model=s.ContactPersonOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=PERSON_RULES,
)
def add_person(
    session: SessionDep, user: ApiUser, employer_id: int, body: s.ContactPersonIn
) -> s.ContactPersonOut:
    es.get_employer(session, actor=user, employer_id=employer_id)
    person = es.add_contact_person(session, actor=user, employer_id=employer_id, **_set(body))
    return s.ContactPersonOut.model_validate(person)


@router.patch(
    "/contact-persons/{person_id}",
    response_model=s.ContactPersonOut,
    responses=ERRORS,
    openapi_extra=PERSON_RULES,
)
def update_person(
    session: SessionDep, user: ApiUser, person_id: int, body: s.ContactPersonIn
) -> s.ContactPersonOut:
    es.get_contact_person(session, actor=user, person_id=person_id)
    person = es.update_contact_person(session, actor=user, person_id=person_id, **_set(body))
    return s.ContactPersonOut.model_validate(person)


@router.delete("/contact-persons/{person_id}", status_code=204, responses=ERRORS)
def delete_person(session: SessionDep, user: ApiUser, person_id: int) -> Response:
    es.get_contact_person(session, actor=user, person_id=person_id)
    es.delete_contact_person(session, actor=user, person_id=person_id)
    return Response(status_code=204)  # no body: a `null` body on a 204 made the server log an error each time


# --- contact log --------------------------------------------------------------------------------------


@router.get("/employers/{employer_id}/contacts", response_model=list[s.ContactOut], responses=ERRORS)
def list_contacts(
    session: SessionDep, user: ApiStaffUser, employer_id: int, type: str = ""
) -> list[s.ContactOut]:
    rows = es.contact_log(session, actor=user, employer_id=employer_id, contact_type=type)
    return [s.ContactOut.model_validate(c) for c in rows]


@router.post(
    "/employers/{employer_id}/contacts", response_model=s.ContactOut, status_code=201, responses=ERRORS
)
def log_contact(session: SessionDep, user: ApiStaffUser, employer_id: int, body: s.ContactIn) -> s.ContactOut:
    return s.ContactOut.model_validate(
        es.log_contact(session, actor=user, employer_id=employer_id, **_set(body))
    )


@router.patch("/contacts/{contact_id}", response_model=s.ContactOut, responses=ERRORS)
def update_contact(
    session: SessionDep, user: ApiStaffUser, contact_id: int, body: s.ContactIn
) -> s.ContactOut:
    return s.ContactOut.model_validate(
        es.update_contact(session, actor=user, contact_id=contact_id, **_set(body))
    )


@router.get("/next-steps", response_model=list[s.ContactOut], summary="Avtalte neste steg som ikke er gjort")
def next_steps(
    session: SessionDep,
    user: ApiStaffUser,
    due: Annotated[str, Query(pattern="^(week|overdue|all)$")] = "all",
    mine: bool = True,
) -> list[s.ContactOut]:
    today = dt.date.today()
    owner = user.id if mine else None
    if due == "week":
        rows = es.next_steps_due_this_week(session, actor=user, today=today, owner_id=owner)
    elif due == "overdue":
        rows = es.overdue_next_steps(session, actor=user, today=today, owner_id=owner)
    else:
        rows = es.next_steps(session, actor=user, owner_id=owner)
    return [s.ContactOut.model_validate(c) for c in rows]


# --- praksisplasser -----------------------------------------------------------------------------------


@router.get("/praksisplasser", response_model=list[s.PraksisplassOut])
def list_places(
    session: SessionDep, user: ApiUser, employer_id: OptionalQueryId = None, status: str = ""
) -> list[s.PraksisplassOut]:
    rows = es.list_praksisplasser(session, actor=user, employer_id=employer_id, status=status)
    return [s.PraksisplassOut.model_validate(p) for p in rows]


@router.post("/praksisplasser", response_model=s.PraksisplassOut, status_code=201, responses=ERRORS)
def create_place(
    session: SessionDep, user: ApiUser, employer_id: QueryId, body: s.PraksisplassIn
) -> s.PraksisplassOut:
    es.get_employer(session, actor=user, employer_id=employer_id)
    place = es.create_praksisplass(session, actor=user, employer_id=employer_id, **_set(body))
    return s.PraksisplassOut.model_validate(place)


@router.get("/praksisplasser/{praksisplass_id}", response_model=s.PraksisplassOut, responses=ERRORS)
def get_place(session: SessionDep, user: ApiUser, praksisplass_id: int) -> s.PraksisplassOut:
    return s.PraksisplassOut.model_validate(
        es.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    )


@router.patch("/praksisplasser/{praksisplass_id}", response_model=s.PraksisplassOut, responses=PATCH_ERRORS)
def update_place(
    session: SessionDep, user: ApiUser, praksisplass_id: int, body: s.PraksisplassPatch
) -> s.PraksisplassOut:
    es.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    place = es.update_praksisplass(session, actor=user, praksisplass_id=praksisplass_id, **_set(body))
    return s.PraksisplassOut.model_validate(place)


@router.post(
    "/praksisplasser/{praksisplass_id}/occupants",
    response_model=s.PraksisplassOut,
    status_code=201,
    responses=ERRORS,
)
def add_occupant(
    session: SessionDep, user: ApiUser, praksisplass_id: int, body: s.OccupantIn
) -> s.PraksisplassOut:
    es.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    es.add_occupant(session, actor=user, praksisplass_id=praksisplass_id, **body.model_dump())
    session.expire_all()
    return s.PraksisplassOut.model_validate(
        es.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    )


# --- openings -----------------------------------------------------------------------------------------


@router.get("/openings", response_model=list[s.OpeningOut], summary="Stillinger brukeren har tilgang til")
def list_openings(
    session: SessionDep,
    user: ApiUser,
    q: str = "",
    status: str = "",
    employer_id: OptionalQueryId = None,
    municipality: str = "",
    reduced: bool = False,
    awaiting_approval: bool | None = None,
    sort: str = "nyeste",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[s.OpeningOut]:
    rows, _total = es.list_openings(
        session,
        actor=user,
        q=q,
        status=status,
        employer_id=employer_id,
        municipality_code=municipality,
        reduced=reduced,
        awaiting_approval=awaiting_approval,
        sort=sort,
        limit=limit,
        offset=offset,
    )
    return [s.OpeningOut.model_validate(o) for o in rows]


@router.get("/openings/styrk-suggestions", response_model=list[s.StyrkSuggestionOut])
def styrk_suggestions(
    session: SessionDep, user: ApiUser, title: Annotated[str, Query(min_length=1, max_length=300)]
) -> list[s.StyrkSuggestionOut]:
    return [
        s.StyrkSuggestionOut(code=x.code, name=x.name, score=x.score)
        for x in es.suggest_styrk(session, title)
    ]


@router.post(
    "/openings",
    response_model=s.OpeningDetailOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=OPENING_RULES,
)
def create_opening(session: SessionDep, user: ApiUser, body: s.OpeningIn) -> s.OpeningDetailOut:
    data = _set(body)
    employer_id = data.pop("employer_id", None)
    if employer_id is None:
        raise ValidationFailed("Velg arbeidsgiver.", field="employer_id")
    opening = es.create_opening(session, actor=user, employer_id=employer_id, **data)
    return s.OpeningDetailOut.model_validate(
        es.get_opening(session, actor=user, opening_id=opening.id, full=True)
    )


@router.get("/openings/{opening_id}", response_model=s.OpeningDetailOut, responses=ERRORS)
def get_opening(session: SessionDep, user: ApiUser, opening_id: int) -> s.OpeningDetailOut:
    return s.OpeningDetailOut.model_validate(
        es.get_opening(session, actor=user, opening_id=opening_id, full=True)
    )


@router.patch(
    "/openings/{opening_id}",
    response_model=s.OpeningDetailOut,
    responses=PATCH_ERRORS,
    openapi_extra=OPENING_RULES,
)
def update_opening(
    session: SessionDep, user: ApiUser, opening_id: int, body: s.OpeningPatch
) -> s.OpeningDetailOut:
    data = _set(body)
    data.pop("employer_id", None)
    es.update_opening(session, actor=user, opening_id=opening_id, **data)
    session.expire_all()
    return s.OpeningDetailOut.model_validate(
        es.get_opening(session, actor=user, opening_id=opening_id, full=True)
    )


@router.post(
    "/openings/{opening_id}/status",
    response_model=s.OpeningDetailOut,
    responses=ERRORS,
    openapi_extra=rules_beyond_schema("status", "application_deadline"),  # which status may follow which
)
def change_status(
    session: SessionDep, user: ApiUser, opening_id: int, body: s.StatusIn
) -> s.OpeningDetailOut:
    es.transition_opening(
        session,
        actor=user,
        opening_id=opening_id,
        to_status=body.status,
        note=body.note,
        application_deadline=body.application_deadline,
    )
    session.expire_all()
    return s.OpeningDetailOut.model_validate(
        es.get_opening(session, actor=user, opening_id=opening_id, full=True)
    )


@router.post("/openings/{opening_id}/approve", response_model=s.OpeningDetailOut, responses=ERRORS)
def approve(session: SessionDep, user: ApiStaffUser, opening_id: int) -> s.OpeningDetailOut:
    es.approve_opening(session, actor=user, opening_id=opening_id)
    session.expire_all()
    return s.OpeningDetailOut.model_validate(
        es.get_opening(session, actor=user, opening_id=opening_id, full=True)
    )


@router.get(
    "/openings/{opening_id}/jobposting",
    responses={**ERRORS, 200: {"description": "schema.org JobPosting (JSON-LD)"}},
)
def jobposting(session: SessionDep, user: ApiUser, opening_id: int) -> JSONResponse:
    opening = es.get_opening(session, actor=user, opening_id=opening_id)
    return JSONResponse(importers.to_jobposting(session, opening), media_type="application/ld+json")
