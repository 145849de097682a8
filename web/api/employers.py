"""Employer API: the registry, contact persons, contact log, praksisplasser and openings, under the same rules as
the pages (the services decide). Employer users reach only their own organisations: 404 for others, 403 for what
their role may not do."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from fastapi.responses import JSONResponse, Response
from sqlalchemy.orm import Session

from core.formatting import today_in_oslo
from core.models import User
from employers import access as employers_access
from employers import importers
from employers import schemas as s
from employers import service as es
from employers import service_contacts as employers_contacts
from employers import service_openings as employers_openings
from employers import service_praksis as employers_praksis
from web.api import api_router_for, rules
from web.api.contract import DB_INT_MAX, error_responses, rules_beyond_schema
from web.api.schemas import StaleOut
from web.deps import ApiStaffUser, ApiUser, SessionDep

router = api_router_for(tags=["arbeidsgivere"])
ERRORS = error_responses(
    403, 404, 422, d403="Rollen kan ikke gjøre dette", d404="Ikke funnet (eller ikke tilgang)"
)
ORGNR = rules.rule(
    "orgnr-kontrollsiffer",
    "Organisasjonsnummerets kontrollsiffer stemmer (modulus 11).",
    r"Organisasjonsnummeret [0-9]{9} er ugyldig: kontrollsifferet stemmer ikke \(modulus 11\)\.",
)
STAFF_OWNER = rules.rule(
    "nav-ansatt", "Ansvarlig er en NAV-ansatt.", r"Ansvarlig (for neste steg )?må være en NAV-ansatt\."
)
STYRK = rules.rule(
    "styrk-i-registeret",
    "En STYRK-08-kode (fire sifre, eventuelt med desimaler) finnes i registeret som er lastet; en tittel er et av "
    "forslagene.",
    r"Fant ikke yrket «.*»\. Skriv litt mer, eller velg et av forslagene\.",
    r"STYRK-08-koden må være fire sifre\.",
    r"Ukjent STYRK-08-kode [0-9]{4}\.",
)
PLACE = rules.rule(
    "sted-fra-forslagene",
    "En kommune er et nummer i registeret eller et navn forslagene kjenner.",
    r"Ukjent kommunenummer [0-9]{4}\.",
    r"Fant ikke kommunen «.*»\. Skriv navnet, eller velg et av forslagene\.",
)
EMPLOYER_RULES = rules_beyond_schema(
    orgnr=ORGNR,
    postal_code=rules.POSTAL_CODE,
    municipality_code=rules.MUNICIPALITY,
    responsible_user_id=STAFF_OWNER,
)
NEXT_STEP = rules.rule(
    "neste-steg-med-frist",
    "Et neste steg har en frist, og en frist har et neste steg.",
    r"Sett en frist for neste steg\.",
    r"Beskriv neste steg når du setter en frist\.",
)
CONTACT_RULES = rules_beyond_schema(
    date=rules.EVENT,
    next_step=NEXT_STEP,
    next_step_due=(rules.EVENT, NEXT_STEP),
    next_step_owner_id=STAFF_OWNER,
)
PRAKSIS_RULES = rules_beyond_schema(
    styrk_code=STYRK,
    period_start=rules.EVENT,
    period_end=(
        rules.EVENT,
        rules.rule(
            "periode-fra-til",
            "Perioden slutter ikke før den begynner.",
            r"Perioden kan ikke slutte før den begynner\.",
        ),
    ),
)
OPENING_RULES = rules_beyond_schema(
    styrk_code=STYRK,
    start_date=rules.START,
    application_deadline=rules.DEADLINE_DATE,
    postal_code=rules.POSTAL_CODE,
    municipality_code=PLACE,
    percent_min=rules.rule(
        "stillingsprosent-fra-til",
        "Stillingsprosent fra er ikke høyere enn til (også mot det som er lagret).",
        r"Stillingsprosent fra kan ikke være høyere enn stillingsprosent til\.",
    ),
    application_url=rules.rule(
        "soknadslenke",
        "En lenke er en nettadresse (https:// legges til når den mangler).",
        r"Lenken må være en adresse som https://eksempel\.no/soknad\.",
    ),
    application_email=rules.rule(
        "soknad-epost", "En e-postadresse som kan stå i en mailto-lenke.", r"Ugyldig e-postadresse\."
    ),
    contact_phone=rules.rule(
        "kontakt-telefon",
        "Sifre og mellomrom, + først, minst fem tegn.",
        r"Telefonnummeret kan bare ha sifre, mellomrom og \+ først\.",
    ),
)
STATUS_RULES = rules_beyond_schema(
    status=rules.rule(
        "statusovergang",
        "Hvilken status som kan følge hvilken (utkast → publisert → besatt/stengt/utløpt …).",
        r"En stilling med status .+ kan ikke bli .+\.",
    ),
    application_deadline=(
        rules.DEADLINE_DATE,
        rules.rule(
            "frist-ved-publisering",
            "En stilling publiseres med en søknadsfrist som ikke har gått.",
            r"Stillingen kan bare publiseres igjen med en ny søknadsfrist fram i tid\.",
            r"Søknadsfristen har gått: sett en ny frist\.",
        ),
    ),
)
MERGE_RULES = rules_beyond_schema(
    merge_id=rules.rule(
        "sammenslåing",
        "En annen arbeidsgiver enn den som beholdes; ikke to gyldige, ulike organisasjonsnumre; den etablerte "
        "beholdes.",
        r"Velg to forskjellige arbeidsgivere\.",
        r".+ har hvert sitt gyldige organisasjonsnummer og er to virksomheter\. De kan ikke slås sammen\.",
        r".+ er den etablerte arbeidsgiveren og beholdes; slå den andre sammen inn i den\.",
    )
)
OCCUPANT_RULES = rules_beyond_schema(
    start_date=rules.EVENT,
    note=rules.rule(
        "kandidat-eller-merknad",
        "Kandidaten eller en merknad om hvem som er på plassen.",
        r"Oppgi kandidaten eller en merknad om hvem som er på plassen\.",
    ),
    status=rules.rule("aktiv-praksisplass", "Praksisplassen er aktiv.", r"Praksisplassen er ikke aktiv\."),
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


class JsonLdResponse(JSONResponse):
    """JSON-LD: the document names this media type (and only it) for the answer."""

    media_type = "application/ld+json"


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
    employer = employers_access.get_employer(session, actor=user, employer_id=employer_id)
    return s.EmployerOut.model_validate(es.employer_view(user, employer))


@router.patch(
    "/employers/{employer_id}",
    response_model=s.EmployerOut,
    responses=PATCH_ERRORS,
    openapi_extra=EMPLOYER_RULES,
)
def update_employer(
    session: SessionDep, user: ApiUser, employer_id: int, body: s.EmployerPatch
) -> s.EmployerOut:
    employers_access.get_employer(session, actor=user, employer_id=employer_id)
    employer = es.update_employer(session, actor=user, employer_id=employer_id, **_set(body))
    return s.EmployerOut.model_validate(es.employer_view(user, employer))


@router.get("/employers/{employer_id}/similar", response_model=list[s.SimilarOut], responses=ERRORS)
def similar(session: SessionDep, user: ApiStaffUser, employer_id: int) -> list[s.SimilarOut]:
    e = employers_access.get_employer(session, actor=user, employer_id=employer_id)
    found = es.similar_employers(session, name=e.name, municipality_code=e.municipality_code, exclude_id=e.id)
    return [
        s.SimilarOut(id=f.employer.id, name=f.employer.name, orgnr=f.employer.orgnr, score=f.score)
        for f in found
    ]


@router.post(
    "/employers/{employer_id}/merge",
    response_model=s.EmployerOut,
    responses=ERRORS,
    openapi_extra=MERGE_RULES,
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
)
def add_person(
    session: SessionDep, user: ApiUser, employer_id: int, body: s.ContactPersonIn
) -> s.ContactPersonOut:
    employers_access.get_employer(session, actor=user, employer_id=employer_id)
    person = es.add_contact_person(session, actor=user, employer_id=employer_id, **_set(body))
    return s.ContactPersonOut.model_validate(person)


@router.patch(
    "/contact-persons/{person_id}",
    response_model=s.ContactPersonOut,
    responses=ERRORS,
)
def update_person(
    session: SessionDep, user: ApiUser, person_id: int, body: s.ContactPersonPatch
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
    rows = employers_contacts.contact_log(session, actor=user, employer_id=employer_id, contact_type=type)
    return [s.ContactOut.model_validate(c) for c in rows]


@router.post(
    "/employers/{employer_id}/contacts",
    response_model=s.ContactOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=CONTACT_RULES,
)
def log_contact(session: SessionDep, user: ApiStaffUser, employer_id: int, body: s.ContactIn) -> s.ContactOut:
    return s.ContactOut.model_validate(
        employers_contacts.log_contact(session, actor=user, employer_id=employer_id, **_set(body))
    )


@router.patch(
    "/contacts/{contact_id}", response_model=s.ContactOut, responses=ERRORS, openapi_extra=CONTACT_RULES
)
def update_contact(
    session: SessionDep, user: ApiStaffUser, contact_id: int, body: s.ContactPatch
) -> s.ContactOut:
    return s.ContactOut.model_validate(
        employers_contacts.update_contact(session, actor=user, contact_id=contact_id, **_set(body))
    )


@router.get("/next-steps", response_model=list[s.ContactOut], summary="Avtalte neste steg som ikke er gjort")
def next_steps(
    session: SessionDep,
    user: ApiStaffUser,
    due: Annotated[str, Query(pattern="^(week|overdue|all)$")] = "all",
    mine: bool = True,
) -> list[s.ContactOut]:
    today = today_in_oslo()
    owner = user.id if mine else None
    if due == "week":
        rows = employers_contacts.next_steps_due_this_week(session, actor=user, today=today, owner_id=owner)
    elif due == "overdue":
        rows = employers_contacts.overdue_next_steps(session, actor=user, today=today, owner_id=owner)
    else:
        rows = employers_contacts.next_steps(session, actor=user, owner_id=owner)
    return [s.ContactOut.model_validate(c) for c in rows]


# --- praksisplasser -----------------------------------------------------------------------------------


@router.get("/praksisplasser", response_model=list[s.PraksisplassOut])
def list_places(
    session: SessionDep, user: ApiUser, employer_id: OptionalQueryId = None, status: str = ""
) -> list[s.PraksisplassOut]:
    rows = employers_praksis.list_praksisplasser(session, actor=user, employer_id=employer_id, status=status)
    return [s.PraksisplassOut.model_validate(p) for p in rows]


@router.post(
    "/praksisplasser",
    response_model=s.PraksisplassOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=PRAKSIS_RULES,
)
def create_place(
    session: SessionDep, user: ApiUser, employer_id: QueryId, body: s.PraksisplassNew
) -> s.PraksisplassOut:
    employers_access.get_employer(session, actor=user, employer_id=employer_id)
    place = employers_praksis.create_praksisplass(session, actor=user, employer_id=employer_id, **_set(body))
    return s.PraksisplassOut.model_validate(place)


@router.get("/praksisplasser/{praksisplass_id}", response_model=s.PraksisplassOut, responses=ERRORS)
def get_place(session: SessionDep, user: ApiUser, praksisplass_id: int) -> s.PraksisplassOut:
    return s.PraksisplassOut.model_validate(
        employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    )


@router.patch(
    "/praksisplasser/{praksisplass_id}",
    response_model=s.PraksisplassOut,
    responses=PATCH_ERRORS,
    openapi_extra=PRAKSIS_RULES,
)
def update_place(
    session: SessionDep, user: ApiUser, praksisplass_id: int, body: s.PraksisplassPatch
) -> s.PraksisplassOut:
    employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    place = employers_praksis.update_praksisplass(
        session, actor=user, praksisplass_id=praksisplass_id, **_set(body)
    )
    return s.PraksisplassOut.model_validate(place)


@router.post(
    "/praksisplasser/{praksisplass_id}/occupants",
    response_model=s.PraksisplassOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=OCCUPANT_RULES,
)
def add_occupant(
    session: SessionDep, user: ApiUser, praksisplass_id: int, body: s.OccupantIn
) -> s.PraksisplassOut:
    employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
    employers_praksis.add_occupant(session, actor=user, praksisplass_id=praksisplass_id, **body.model_dump())
    session.expire_all()
    return s.PraksisplassOut.model_validate(
        employers_praksis.get_praksisplass(session, actor=user, praksisplass_id=praksisplass_id)
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
    rows, _total = employers_openings.list_openings(
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
        for x in employers_openings.suggest_styrk(session, title)
    ]


def _changed(session: Session, user: User, opening_id: int) -> s.OpeningDetailOut:
    """The opening as a write answers it: read again whole after the service's change (nothing cached)."""
    session.expire_all()
    return s.OpeningDetailOut.model_validate(
        employers_openings.get_opening(session, actor=user, opening_id=opening_id, full=True)
    )


@router.post(
    "/openings",
    response_model=s.OpeningDetailOut,
    status_code=201,
    responses=ERRORS,
    openapi_extra=OPENING_RULES,
)
def create_opening(session: SessionDep, user: ApiUser, body: s.OpeningIn) -> s.OpeningDetailOut:
    data = _set(body)
    employer_id = data.pop("employer_id")
    opening = employers_openings.create_opening(session, actor=user, employer_id=employer_id, **data)
    return _changed(session, user, opening.id)


@router.get("/openings/{opening_id}", response_model=s.OpeningDetailOut, responses=ERRORS)
def get_opening(session: SessionDep, user: ApiUser, opening_id: int) -> s.OpeningDetailOut:
    return s.OpeningDetailOut.model_validate(
        employers_openings.get_opening(session, actor=user, opening_id=opening_id, full=True)
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
    employers_openings.update_opening(session, actor=user, opening_id=opening_id, **data)
    return _changed(session, user, opening_id)


@router.post(
    "/openings/{opening_id}/status",
    response_model=s.OpeningDetailOut,
    responses=ERRORS,
    openapi_extra=STATUS_RULES,
)
def change_status(
    session: SessionDep, user: ApiUser, opening_id: int, body: s.StatusIn
) -> s.OpeningDetailOut:
    employers_openings.transition_opening(
        session,
        actor=user,
        opening_id=opening_id,
        to_status=body.status,
        note=body.note,
        application_deadline=body.application_deadline,
    )
    return _changed(session, user, opening_id)


@router.post(
    "/openings/{opening_id}/approve",
    response_model=s.OpeningDetailOut,
    responses=ERRORS,
    openapi_extra=rules_beyond_schema(
        status=rules.rule(
            "venter-på-godkjenning",
            "Stillingen venter på godkjenning.",
            r"Stillingen venter ikke på godkjenning\.",
        )
    ),
)
def approve(session: SessionDep, user: ApiStaffUser, opening_id: int) -> s.OpeningDetailOut:
    employers_openings.approve_opening(session, actor=user, opening_id=opening_id)
    return _changed(session, user, opening_id)


@router.post(
    "/openings/{opening_id}/return",
    response_model=s.OpeningDetailOut,
    responses=ERRORS,
    summary="Send en stilling som venter på godkjenning, tilbake til arbeidsgiveren med en kommentar",
)
def return_opening(
    session: SessionDep, user: ApiStaffUser, opening_id: int, body: s.ReturnIn
) -> s.OpeningDetailOut:
    employers_openings.return_opening(session, actor=user, opening_id=opening_id, comment=body.comment)
    return _changed(session, user, opening_id)


@router.post(
    "/openings/{opening_id}/resubmit",
    response_model=s.OpeningDetailOut,
    responses=ERRORS,
    summary="Send en stilling NAV har sendt tilbake, til godkjenning igjen",
)
def resubmit_opening(
    session: SessionDep, user: ApiUser, opening_id: int, body: s.ResubmitIn
) -> s.OpeningDetailOut:
    employers_openings.resubmit_opening(session, actor=user, opening_id=opening_id, comment=body.comment)
    return _changed(session, user, opening_id)


@router.get(
    "/openings/{opening_id}/jobposting",
    responses={
        **ERRORS,
        200: {
            "description": "schema.org JobPosting (JSON-LD)",
            "content": {"application/ld+json": {"schema": {"type": "object"}}},
        },
    },
    response_class=JsonLdResponse,
)
def jobposting(session: SessionDep, user: ApiUser, opening_id: int) -> JsonLdResponse:
    opening = employers_openings.get_opening(session, actor=user, opening_id=opening_id)
    return JsonLdResponse(importers.to_jobposting(session, opening))
