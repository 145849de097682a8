"""The journal API: a person's notes and samtalereferat, under the pages' rules (plans.access_journal).

Who may read: follow-up caseworkers (jobbspesialist, veileder) of the person's NAV office, each the entries of the
services their employment reads — state staff `STAT`, municipal staff `KOMMUNE_SOSIAL`, both `ANNET`. Anyone else
(the admin, market contacts, another office) gets 404; employer users 403. Every read is audit-logged."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Query
from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from core.models import User
from plans import service_journal as sj
from plans import tryggtekst
from plans.access_journal import services_for
from plans.models_journal import JournalEntry, Kind, Service
from web.api import api_router_for, rules
from web.api.contract import error_responses, rules_beyond_schema
from web.deps import ApiStaffUser, SessionDep

router = api_router_for(tags=["journal"])
ERRORS = error_responses(
    403,
    404,
    422,
    d403="Rollen har ikke tilgang (arbeidsgiverbrukere)",
    d404=(
        "Ikke funnet, eller ikke tilgang: personen hører til et annet kontor, du er ikke veileder eller "
        "jobbspesialist, eller notatet hører til en tjeneste du ikke er ansatt i"
    ),
)
WRITE_ERRORS = {
    **ERRORS,
    **error_responses(
        409,
        d409=(
            "Versjonen du sendte er ikke den siste (noen andre har endret notatet), eller notatet er delt med "
            "personen og kan ikke endres lenger"
        ),
    ),
}
SERVICE = rules.rule(
    "journal-egen-tjeneste",
    "Du skriver bare i tjenesten du er ansatt i (statlig: STAT, kommunal: KOMMUNE_SOSIAL) eller under ANNET.",
    r"Du kan bare skrive i journalen til tjenesten du er ansatt i, eller under «Annet»\.",
)
CORRECTS = rules.rule(
    "journal-retter-samme-person",
    "Et notat om samme person som du har tilgang til.",
    r"Fant ikke notatet som rettes \(det må høre til samme person\)\.",
)
CREATE_RULES = rules_beyond_schema(service=SERVICE, corrects_id=CORRECTS, event_date=rules.EVENT)
PATCH_RULES = rules_beyond_schema(service=SERVICE, event_date=rules.EVENT)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JournalEntryIn(_In):
    type: Kind = Field(description="NOTAT eller SAMTALEREFERAT.")
    service: Service = Field(
        description="Tjenesten notatet hører til; den avgjør hvem som kan lese det (STAT: statlig ansatte, "
        "KOMMUNE_SOSIAL: kommunalt ansatte, ANNET: begge) ved personens kontor."
    )
    title: Annotated[str, f.required_text(100)]
    text: Annotated[str, f.required_text(5000)]
    event_date: f.Date | None = Field(
        None, description="Datoen samtalen eller notatet gjelder; standard i dag."
    )
    corrects_id: f.Id | None = Field(None, description="Et tidligere notat om samme person som dette retter.")


class JournalEntryPatch(_In):
    version: f.Int = Field(
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret."
    )
    # A patch: an absent field is unchanged, and null is not allowed (the document says so), hence the
    # defaults of None outside the types.
    type: Kind = None  # type: ignore[assignment]
    service: Service = None  # type: ignore[assignment]
    title: Annotated[str, f.required_text(100)] = None  # type: ignore[assignment]
    text: Annotated[str, f.required_text(5000)] = None  # type: ignore[assignment]
    event_date: f.Date = None  # type: ignore[assignment]


class JournalShareIn(_In):
    version: f.Int = Field(description="Versjonen du leste (påkrevd): en eldre versjon gir 409.")


class WarningOut(BaseModel):
    word: str = Field(description="Ordet slik det står i teksten.")
    term: str
    category: str = Field(description="helse, diagnose, legemidler eller rus.")
    label: str
    start: int
    end: int


class VersionOut(BaseModel):
    version: int
    change_type: str = Field(description="OPPRETTET, ENDRET eller DELT.")
    type: str = Field(validation_alias="kind")
    service: str
    title: str
    text: str
    event_date: dt.date
    changed_at: dt.datetime
    changed_by_name: str
    changed_by_type: str


class JournalEntryOut(BaseModel):
    id: int
    candidate_id: int
    type: str = Field(description="NOTAT eller SAMTALEREFERAT.")
    service: str
    title: str
    text: str
    event_date: dt.date
    version: int
    shared_with_person_at: dt.datetime | None = Field(
        description="Når notatet ble delt med personen (null: et utkast personen ikke ser)."
    )
    corrects_id: int | None
    activity_id: int | None = Field(
        None,
        description="Et møtes eller en samtales referat: aktiviteten i planen det hører til (skrives og deles der).",
    )
    created_at: dt.datetime
    created_by_name: str
    updated_at: dt.datetime
    warning: str | None = Field(
        None,
        description="TryggTekst: teksten vises for andre (personen, eller begge tjenestene) og nevner "
        "helseopplysninger. En advarsel, ikke en avvisning: notatet er lagret.",
    )
    warnings: list[WarningOut] = Field(default_factory=list)


class JournalEntryDetailOut(JournalEntryOut):
    history: list[VersionOut] = Field(description="Alle versjoner, eldste først (historikken endres aldri).")
    share_warnings: list[WarningOut] = Field(
        default_factory=list, description="Hva TryggTekst vil si om utkastet deles med personen nå."
    )


class JournalListOut(BaseModel):
    readable_services: list[str] = Field(description="Tjenestene du leser og skriver i.")
    entries: list[JournalEntryOut]


def _domain(body: BaseModel) -> dict[str, Any]:
    """The fields sent, under the domain's names (the API's `type` is the entry's kind)."""
    data = body.model_dump(exclude_unset=True)
    if "type" in data:
        data["kind"] = data.pop("type")
    return data


def _warnings(marks: list[tryggtekst.Mark]) -> list[WarningOut]:
    return [WarningOut.model_validate(w) for w in tryggtekst.as_dicts(marks)]


def _out(entry: JournalEntry, warnings: list[tryggtekst.Mark] | None = None) -> JournalEntryOut:
    saved = sj.Saved(entry, list(warnings or []))
    return JournalEntryOut(
        id=entry.id,
        candidate_id=entry.candidate_id,
        type=entry.kind,
        service=entry.service,
        title=entry.title,
        text=entry.text,
        event_date=entry.event_date,
        version=entry.version,
        shared_with_person_at=entry.shared_with_person_at,
        corrects_id=entry.corrects_id,
        activity_id=entry.activity_id,
        created_at=entry.created_at,
        created_by_name=entry.created_by_name,
        updated_at=entry.updated_at,
        warning=saved.warning,
        warnings=_warnings(saved.warnings),
    )


@router.get(
    "/candidates/{candidate_id}/journal",
    response_model=JournalListOut,
    responses=ERRORS,
    summary="Personens journal: notater og samtalereferater du har tilgang til, nyeste først",
)
def list_journal(
    session: SessionDep,
    user: ApiStaffUser,
    candidate_id: int,
    service: Annotated[Service | None, Query(description="Bare én tjenestes notater.")] = None,
) -> JournalListOut:
    _, entries = sj.list_entries(session, actor=user, candidate_id=candidate_id, service=service)
    return JournalListOut(readable_services=list(services_for(user)), entries=[_out(e) for e in entries])


@router.post(
    "/candidates/{candidate_id}/journal",
    status_code=201,
    response_model=JournalEntryOut,
    responses=ERRORS,
    openapi_extra=CREATE_RULES,
    summary="Nytt notat eller samtalereferat (et utkast til det deles med personen)",
)
def create_journal_entry(
    session: SessionDep, user: ApiStaffUser, candidate_id: int, body: JournalEntryIn
) -> JournalEntryOut:
    saved = sj.create_entry(session, actor=user, candidate_id=candidate_id, data=_domain(body))
    return _out(saved.entry, saved.warnings)


@router.get(
    "/journal/{journal_entry_id}",
    response_model=JournalEntryDetailOut,
    responses=ERRORS,
    summary="Ett notat med hele historikken",
)
def get_journal_entry(
    session: SessionDep, user: ApiStaffUser, journal_entry_id: int
) -> JournalEntryDetailOut:
    entry = sj.get_entry(session, actor=user, entry_id=journal_entry_id, history=True)
    return _detail(entry, user)


def _detail(entry: JournalEntry, user: User) -> JournalEntryDetailOut:
    base = _out(entry)
    return JournalEntryDetailOut(
        **base.model_dump(),
        history=[VersionOut.model_validate(v, from_attributes=True) for v in entry.versions],
        share_warnings=_warnings(sj.share_warnings(entry)),
    )


@router.patch(
    "/journal/{journal_entry_id}",
    response_model=JournalEntryOut,
    responses=WRITE_ERRORS,
    openapi_extra=PATCH_RULES,
    summary="Endre et utkast (ikke et notat som er delt med personen: skriv heller et nytt som retter det)",
)
def patch_journal_entry(
    session: SessionDep, user: ApiStaffUser, journal_entry_id: int, body: JournalEntryPatch
) -> JournalEntryOut:
    data = _domain(body)
    version = data.pop("version")
    saved = sj.update_draft(session, actor=user, entry_id=journal_entry_id, data=data, version=version)
    return _out(saved.entry, saved.warnings)


@router.post(
    "/journal/{journal_entry_id}/share",
    response_model=JournalEntryOut,
    responses=WRITE_ERRORS,
    summary="Del notatet med personen (loggført; deretter kan det ikke endres)",
)
def share_journal_entry(
    session: SessionDep, user: ApiStaffUser, journal_entry_id: int, body: JournalShareIn
) -> JournalEntryOut:
    saved = sj.share_with_person(session, actor=user, entry_id=journal_entry_id, version=body.version)
    return _out(saved.entry, saved.warnings)
