"""Pydantic models for the plan API. Input models state what the services accept (core.fields: lengths, value
lists, a number is a JSON number, a date ÅÅÅÅ-MM-DD; one model per activity type, chosen by `type`); the rules that
depend on today, on another field or on the activity's state are listed per route under `x-rules-beyond-schema`
(web/api/plans.py)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field

from core import fields as f
from plans.models import (
    ACTIVITY_TYPES,
    JOBB_STATUS,
    KANALER,
    KORT_TYPER,
    LIFE_AREAS,
    PROVIDERS,
    SOKNADSSTATUS,
    START_REASONS,
    STATUSES,
    STILLING_ETIKETTER,
)

# Literals of a label table's keys, built at run time: the type checker reads them as text.
if TYPE_CHECKING:
    LifeArea: TypeAlias = str
    Provider: TypeAlias = str
    Status: TypeAlias = str
    Kanal: TypeAlias = str
    Etikett: TypeAlias = str
    JobbStatus: TypeAlias = str
    StartReason: TypeAlias = str
    ActivityType: TypeAlias = str
    KortType: TypeAlias = str
    Soknadsstatus: TypeAlias = str
else:
    LifeArea = Literal[tuple(LIFE_AREAS)]
    Provider = Literal[tuple(PROVIDERS)]
    Status = Literal[tuple(STATUSES)]
    Kanal = Literal[tuple(KANALER)]
    Etikett = Literal[tuple(STILLING_ETIKETTER)]
    JobbStatus = Literal[tuple(JOBB_STATUS)]
    StartReason = Literal[tuple(START_REASONS)]
    ActivityType = Literal[tuple(ACTIVITY_TYPES)]
    KortType = Literal[tuple(KORT_TYPER)]
    Soknadsstatus = Literal[tuple(SOKNADSSTATUS)]
StartStatus = Literal["BRUKER_ER_INTERESSERT", "PLANLAGT", "GJENNOMFORES"]
Phone = Annotated[
    str,
    Field(
        pattern=r"^\+?[0-9()\-.][0-9 ()\-.]{3,18}[0-9()\-.]$",
        description="Sifre, mellomrom, bindestrek og parentes, 5–20 tegn, gjerne med + foran.",
    ),
]
Clock = Annotated[
    str, Field(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="TT:MM, for eksempel 09:30.")
]
Version = Annotated[
    int,
    Field(
        ge=1,
        description="Versjonen du leste (påkrevd): en eldre versjon gir 409 med feltene som er endret.",
    ),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ORM(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- activities in ---------------------------------------------------------------------------------------


class _Common(_In):
    title: Annotated[str, f.required_text(100)]
    link: Annotated[str, f.text(2000)] = ""
    life_area: LifeArea = Field(description="Livsområdet aktiviteten hører til.")
    provider: Provider = Field(
        description="Hvem som gir tjenesten: NAV (stat), kommunen, helse, skole, annen."
    )
    provider_org: Annotated[str, f.text(200)] = ""
    responsible_name: Annotated[str, f.text(200)] = Field(
        "",
        description="Den som har ansvaret (kan være utenfor NAV). Påkrevd unntatt for NAV (stat): da den som "
        "oppretter.",
    )
    responsible_org: Annotated[str, f.text(200)] = ""
    responsible_phone: Phone | None = None
    status: StartStatus = "PLANLAGT"


class EgenIn(_Common):
    type: Literal["EGEN"]
    description: Annotated[str, f.text(5000)] = ""
    from_date: f.Date
    to_date: f.Date
    hensikt: Annotated[str, f.text(255)] = ""
    oppfolging: Annotated[str, f.text(255)] = ""


class StillingIn(_Common):
    type: Literal["STILLING"]
    description: Annotated[str, f.text(5000)] = ""
    from_date: f.Date | None = None
    to_date: f.Date | None = Field(None, description="Søknadsfristen.")
    arbeidsgiver: Annotated[str, f.text(255)] = ""
    arbeidssted: Annotated[str, f.text(255)] = ""
    kontaktperson: Annotated[str, f.text(255)] = ""
    etikett: Etikett | None = None


class SokeavtaleIn(_Common):
    type: Literal["SOKEAVTALE"]
    description: Annotated[str, f.text(5000)] = ""
    from_date: f.Date
    to_date: f.Date
    antall_stillinger_i_uken: Annotated[int, f.integer(1, 99)]
    antall_stillinger_sokes: Annotated[int, f.integer(1, 999)] | None = None
    avtale_oppfolging: Annotated[str, f.text(255)] = ""


class IjobbIn(_Common):
    type: Literal["IJOBB"]
    description: Annotated[str, f.text(5000)] = ""
    from_date: f.Date
    to_date: f.Date | None = None
    jobb_status: JobbStatus
    ansettelsesforhold: Annotated[str, f.text(255)] = ""
    arbeidstid: Annotated[str, f.text(255)] = ""


class BehandlingIn(_Common):
    type: Literal["BEHANDLING"]
    description: Annotated[str, f.text(400)] = ""
    from_date: f.Date
    to_date: f.Date
    behandling_type: Annotated[str, f.required_text(100)]
    behandling_sted: Annotated[str, f.required_text(255)]
    effekt: Annotated[str, f.text(255)] = ""
    behandling_oppfolging: Annotated[str, f.text(255)] = ""


class MoteIn(_Common):
    type: Literal["MOTE"]
    description: Annotated[str, f.required_text(5000)] = Field(description="Hensikten med møtet.")
    from_date: f.Date = Field(description="Møtedagen, ikke tilbake i tid.")
    kanal: Kanal
    klokkeslett: Clock
    varighet: Annotated[int, f.integer(5, 480, "Varighet i minutter.")]
    adresse: Annotated[str, f.text(255)] = ""
    forberedelser: Annotated[str, f.text(500)] = ""


class SamtalereferatIn(_Common):
    type: Literal["SAMTALEREFERAT"]
    description: Annotated[str, f.text(5000)] = ""
    from_date: f.Date = Field(description="Dagen samtalen var, ikke fram i tid.")
    kanal: Kanal
    referat: Annotated[str, f.text(5000)] = Field(
        "", description="Referatet (ikke delt før det deles: /referat)."
    )


ActivityIn = Annotated[
    EgenIn | StillingIn | SokeavtaleIn | IjobbIn | BehandlingIn | MoteIn | SamtalereferatIn,
    Field(discriminator="type"),
]


class ActivityPatch(_In):
    """The fields to change (a field left out, or null, is left as it is); a field of another type than the
    activity's is refused."""

    version: Version
    title: Annotated[str, f.required_text(100)] | None = None
    description: Annotated[str, f.text(5000)] | None = None
    from_date: f.Date | None = None
    to_date: f.Date | None = None
    link: Annotated[str, f.text(2000)] | None = None
    life_area: LifeArea | None = None
    provider: Provider | None = None
    provider_org: Annotated[str, f.text(200)] | None = None
    responsible_name: Annotated[str, f.text(200)] | None = None
    responsible_org: Annotated[str, f.text(200)] | None = None
    responsible_phone: Phone | None = None
    hensikt: Annotated[str, f.text(255)] | None = None
    oppfolging: Annotated[str, f.text(255)] | None = None
    arbeidsgiver: Annotated[str, f.text(255)] | None = None
    arbeidssted: Annotated[str, f.text(255)] | None = None
    kontaktperson: Annotated[str, f.text(255)] | None = None
    etikett: Etikett | None = None
    antall_stillinger_i_uken: Annotated[int, f.integer(1, 99)] | None = None
    antall_stillinger_sokes: Annotated[int, f.integer(1, 999)] | None = None
    avtale_oppfolging: Annotated[str, f.text(255)] | None = None
    jobb_status: JobbStatus | None = None
    ansettelsesforhold: Annotated[str, f.text(255)] | None = None
    arbeidstid: Annotated[str, f.text(255)] | None = None
    behandling_type: Annotated[str, f.required_text(100)] | None = None
    behandling_sted: Annotated[str, f.required_text(255)] | None = None
    effekt: Annotated[str, f.text(255)] | None = None
    behandling_oppfolging: Annotated[str, f.text(255)] | None = None
    kanal: Kanal | None = None
    klokkeslett: Clock | None = None
    varighet: Annotated[int, f.integer(5, 480)] | None = None
    adresse: Annotated[str, f.text(255)] | None = None
    forberedelser: Annotated[str, f.text(500)] | None = None


class StatusIn(_In):
    status: Status
    begrunnelse: Annotated[str, f.text(255)] | None = Field(
        None,
        description="Påkrevd (1–255 tegn) når en avtalt aktivitet avbrytes eller fullføres (ikke møter), og når "
        "et møte avbrytes.",
    )
    version: Version


class AvtaltIn(_In):
    version: Version


class ReferatIn(_In):
    referat: Annotated[str, f.text(5000)]
    publiser: f.Bool = Field(False, description="Del referatet med personen (da kan møtet fullføres).")
    version: Version


# --- period and goals in ------------------------------------------------------------------------------------


class PeriodIn(_In):
    start_date: f.Date | None = Field(None, description="I dag når feltet mangler.")
    started_reason: StartReason | None = None


class PeriodEndIn(_In):
    end_date: f.Date | None = Field(None, description="I dag når feltet mangler; ikke før periodens start.")
    reason: Annotated[str, f.text(500)] = ""
    version: f.Int | None = Field(None, description="Periodens versjon du leste; en eldre gir 409.")


class GoalIn(_In):
    life_area: LifeArea | None = Field(
        None, description="Livsområdet; uten: «Mitt mål» (personens eget mål)."
    )
    text: Annotated[str, f.text(500)] = Field(
        description="Målet. «Mitt mål» må ha tekst (1–500 tegn); et livsområdes mål kan tømmes."
    )
    written_by: Literal["BRUKER", "NAV"] | None = Field(
        None, description="BRUKER når målet er personens egne ord; NAV ellers (standard)."
    )


# --- out ----------------------------------------------------------------------------------------------------


class PeriodOut(ORM):
    id: int
    uuid: str
    version: int
    start_date: dt.date
    end_date: dt.date | None
    started_reason: str
    ended_by_name: str | None
    end_reason: str | None


class GoalOut(ORM):
    id: int
    life_area: LifeArea | None
    text: str
    written_by_type: str
    written_by_name: str
    valid_from: dt.datetime
    superseded_at: dt.datetime | None


class ReferatOut(BaseModel):
    """A meeting's referat, kept in the journal as a samtalereferat linked to the activity."""

    exists: bool = Field(description="Om det er skrevet et referat.")
    shared_with_person_at: dt.datetime | None = Field(
        description="Når referatet ble delt med personen (null: et utkast personen ikke ser)."
    )
    service_label: str = Field(
        description="Journaltjenesten referatet er ført i (den avgjør hvem som leser det)."
    )
    journal_entry_id: int | None = Field(description="Journalnotatet, når du har tilgang til tjenesten.")
    text: str | None = Field(description="Referatet, når du har tilgang til tjenesten.")
    warning: str | None = Field(
        None, description="TryggTekst: teksten nevner helseopplysninger og vises (eller vil vises) for andre."
    )


class ActivityOut(ORM):
    id: int
    uuid: str
    version: int = Field(description="Send den med ved endring.")
    type: ActivityType
    title: str
    description: str
    status: Status
    from_date: dt.date | None
    to_date: dt.date | None
    link: str
    avtalt: bool
    end_comment: str | None
    life_area: LifeArea
    provider: Provider
    provider_org: str
    responsible_name: str
    responsible_org: str
    responsible_phone: str
    details: dict[str, Any]
    changed_by_type: str
    changed_by_name: str
    transaction_type: str
    historic_at: dt.datetime | None
    created_at: dt.datetime
    referat: ReferatOut | None = Field(
        None, description="Møter og samtalereferater: referatet (ført i journalen); andre typer: null."
    )


class DeadlineOut(BaseModel):
    label: str
    due_date: dt.date
    state: str


class FactOut(BaseModel):
    label: str
    value: str


class CardOut(BaseModel):
    """A card of the plan: a stored activity (`activity_id` set) or one derived from another domain (read-only)."""

    key: str
    activity_id: int | None
    version: int | None
    type: ActivityType
    kort_type: KortType | None
    soknadsstatus: Soknadsstatus | None
    title: str
    status: Status
    life_area: LifeArea
    provider: Provider
    provider_org: str
    responsible_name: str
    responsible_org: str
    responsible_phone: str
    from_date: dt.date | None
    to_date: dt.date | None
    avtalt: bool
    read_only: bool
    historic: bool
    source: str
    facts: list[FactOut]
    deadlines: list[DeadlineOut]


class OccupationOut(BaseModel):
    code: str
    name: str


class PlanOut(BaseModel):
    candidate_id: int
    period: PeriodOut | None
    periods: list[PeriodOut]
    my_goal: GoalOut | None
    goals: list[GoalOut]
    activities: list[CardOut]
    deadlines: list[DeadlineOut]
    wanted_occupations: list[OccupationOut]


class HistoryOut(BaseModel):
    version: int
    at: dt.datetime
    who: str
    who_type: str
    transaction: str
    text: str
