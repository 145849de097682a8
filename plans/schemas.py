"""Pydantic models for the plan API. Input models state what the services accept (core.fields: lengths, value
lists, a number is a JSON number, a date ÅÅÅÅ-MM-DD; one model per activity type, chosen by `type`); the rules that
depend on today, on another field or on the activity's state are listed per route under `x-rules-beyond-schema`
(web/api/plans.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

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

LifeArea = Literal[tuple(LIFE_AREAS)]  # type: ignore[valid-type]
Provider = Literal[tuple(PROVIDERS)]  # type: ignore[valid-type]
Status = Literal[tuple(STATUSES)]  # type: ignore[valid-type]
StartStatus = Literal["BRUKER_ER_INTERESSERT", "PLANLAGT", "GJENNOMFORES"]
Kanal = Literal[tuple(KANALER)]  # type: ignore[valid-type]
Etikett = Literal[tuple(STILLING_ETIKETTER)]  # type: ignore[valid-type]
JobbStatus = Literal[tuple(JOBB_STATUS)]  # type: ignore[valid-type]
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
    title: f.required_text(100)  # type: ignore[valid-type]
    link: f.text(2000) = ""  # type: ignore[valid-type]
    life_area: LifeArea = Field(description="Livsområdet aktiviteten hører til.")
    provider: Provider = Field(
        description="Hvem som gir tjenesten: NAV (stat), kommunen, helse, skole, annen."
    )
    provider_org: f.text(200) = ""  # type: ignore[valid-type]
    responsible_name: f.text(200) = Field(  # type: ignore[valid-type]
        "",
        description="Den som har ansvaret (kan være utenfor NAV). Påkrevd unntatt for NAV (stat): da den som "
        "oppretter.",
    )
    responsible_org: f.text(200) = ""  # type: ignore[valid-type]
    responsible_phone: Phone | None = None
    status: StartStatus = "PLANLAGT"


class EgenIn(_Common):
    type: Literal["EGEN"]
    description: f.text(5000) = ""  # type: ignore[valid-type]
    from_date: f.Date
    to_date: f.Date
    hensikt: f.text(255) = ""  # type: ignore[valid-type]
    oppfolging: f.text(255) = ""  # type: ignore[valid-type]


class StillingIn(_Common):
    type: Literal["STILLING"]
    description: f.text(5000) = ""  # type: ignore[valid-type]
    from_date: f.Date | None = None
    to_date: f.Date | None = Field(None, description="Søknadsfristen.")
    arbeidsgiver: f.text(255) = ""  # type: ignore[valid-type]
    arbeidssted: f.text(255) = ""  # type: ignore[valid-type]
    kontaktperson: f.text(255) = ""  # type: ignore[valid-type]
    etikett: Etikett | None = None


class SokeavtaleIn(_Common):
    type: Literal["SOKEAVTALE"]
    description: f.text(5000) = ""  # type: ignore[valid-type]
    from_date: f.Date
    to_date: f.Date
    antall_stillinger_i_uken: f.integer(1, 99)  # type: ignore[valid-type]
    antall_stillinger_sokes: f.integer(1, 999) | None = None  # type: ignore[valid-type]
    avtale_oppfolging: f.text(255) = ""  # type: ignore[valid-type]


class IjobbIn(_Common):
    type: Literal["IJOBB"]
    description: f.text(5000) = ""  # type: ignore[valid-type]
    from_date: f.Date
    to_date: f.Date | None = None
    jobb_status: JobbStatus
    ansettelsesforhold: f.text(255) = ""  # type: ignore[valid-type]
    arbeidstid: f.text(255) = ""  # type: ignore[valid-type]


class BehandlingIn(_Common):
    type: Literal["BEHANDLING"]
    description: f.text(400) = ""  # type: ignore[valid-type]
    from_date: f.Date
    to_date: f.Date
    behandling_type: f.required_text(100)  # type: ignore[valid-type]
    behandling_sted: f.required_text(255)  # type: ignore[valid-type]
    effekt: f.text(255) = ""  # type: ignore[valid-type]
    behandling_oppfolging: f.text(255) = ""  # type: ignore[valid-type]


class MoteIn(_Common):
    type: Literal["MOTE"]
    description: f.required_text(5000) = Field(description="Hensikten med møtet.")  # type: ignore[valid-type]
    from_date: f.Date = Field(description="Møtedagen, ikke tilbake i tid.")
    kanal: Kanal
    klokkeslett: Clock
    varighet: f.integer(5, 480, "Varighet i minutter.")  # type: ignore[valid-type]
    adresse: f.text(255) = ""  # type: ignore[valid-type]
    forberedelser: f.text(500) = ""  # type: ignore[valid-type]


class SamtalereferatIn(_Common):
    type: Literal["SAMTALEREFERAT"]
    description: f.text(5000) = ""  # type: ignore[valid-type]
    from_date: f.Date = Field(description="Dagen samtalen var, ikke fram i tid.")
    kanal: Kanal
    referat: f.text(5000) = Field("", description="Referatet (ikke delt før det deles: /referat).")  # type: ignore[valid-type]


ActivityIn = Annotated[
    EgenIn | StillingIn | SokeavtaleIn | IjobbIn | BehandlingIn | MoteIn | SamtalereferatIn,
    Field(discriminator="type"),
]


class ActivityPatch(_In):
    """The fields to change (a field left out, or null, is left as it is); a field of another type than the
    activity's is refused."""

    version: Version
    title: f.required_text(100) | None = None  # type: ignore[valid-type]
    description: f.text(5000) | None = None  # type: ignore[valid-type]
    from_date: f.Date | None = None
    to_date: f.Date | None = None
    link: f.text(2000) | None = None  # type: ignore[valid-type]
    life_area: LifeArea | None = None
    provider: Provider | None = None
    provider_org: f.text(200) | None = None  # type: ignore[valid-type]
    responsible_name: f.text(200) | None = None  # type: ignore[valid-type]
    responsible_org: f.text(200) | None = None  # type: ignore[valid-type]
    responsible_phone: Phone | None = None
    hensikt: f.text(255) | None = None  # type: ignore[valid-type]
    oppfolging: f.text(255) | None = None  # type: ignore[valid-type]
    arbeidsgiver: f.text(255) | None = None  # type: ignore[valid-type]
    arbeidssted: f.text(255) | None = None  # type: ignore[valid-type]
    kontaktperson: f.text(255) | None = None  # type: ignore[valid-type]
    etikett: Etikett | None = None
    antall_stillinger_i_uken: f.integer(1, 99) | None = None  # type: ignore[valid-type]
    antall_stillinger_sokes: f.integer(1, 999) | None = None  # type: ignore[valid-type]
    avtale_oppfolging: f.text(255) | None = None  # type: ignore[valid-type]
    jobb_status: JobbStatus | None = None
    ansettelsesforhold: f.text(255) | None = None  # type: ignore[valid-type]
    arbeidstid: f.text(255) | None = None  # type: ignore[valid-type]
    behandling_type: f.required_text(100) | None = None  # type: ignore[valid-type]
    behandling_sted: f.required_text(255) | None = None  # type: ignore[valid-type]
    effekt: f.text(255) | None = None  # type: ignore[valid-type]
    behandling_oppfolging: f.text(255) | None = None  # type: ignore[valid-type]
    kanal: Kanal | None = None
    klokkeslett: Clock | None = None
    varighet: f.integer(5, 480) | None = None  # type: ignore[valid-type]
    adresse: f.text(255) | None = None  # type: ignore[valid-type]
    forberedelser: f.text(500) | None = None  # type: ignore[valid-type]


class StatusIn(_In):
    status: Status
    begrunnelse: f.text(255) | None = Field(  # type: ignore[valid-type]
        None,
        description="Påkrevd (1–255 tegn) når en avtalt aktivitet avbrytes eller fullføres (ikke møter), og når "
        "et møte avbrytes.",
    )
    version: Version


class AvtaltIn(_In):
    version: Version


class ReferatIn(_In):
    referat: f.text(5000)  # type: ignore[valid-type]
    publiser: f.Bool = Field(False, description="Del referatet med personen (da kan møtet fullføres).")
    version: Version


# --- period and goals in ------------------------------------------------------------------------------------


class PeriodIn(_In):
    start_date: f.Date | None = Field(None, description="I dag når feltet mangler.")
    started_reason: Literal[tuple(START_REASONS)] | None = None  # type: ignore[valid-type]


class PeriodEndIn(_In):
    end_date: f.Date | None = Field(None, description="I dag når feltet mangler; ikke før periodens start.")
    reason: f.text(500) = ""  # type: ignore[valid-type]
    version: f.Int | None = Field(None, description="Periodens versjon du leste; en eldre gir 409.")


class GoalIn(_In):
    life_area: LifeArea | None = Field(
        None, description="Livsområdet; uten: «Mitt mål» (personens eget mål)."
    )
    text: f.text(500) = Field(  # type: ignore[valid-type]
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


class ActivityOut(ORM):
    id: int
    uuid: str
    version: int = Field(description="Send den med ved endring.")
    type: Literal[tuple(ACTIVITY_TYPES)]  # type: ignore[valid-type]
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
    type: Literal[tuple(ACTIVITY_TYPES)]  # type: ignore[valid-type]
    kort_type: Literal[tuple(KORT_TYPER)] | None  # type: ignore[valid-type]
    soknadsstatus: Literal[tuple(SOKNADSSTATUS)] | None  # type: ignore[valid-type]
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
