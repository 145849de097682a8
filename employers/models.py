"""Employer tables: the registry, contact persons, the contact log, praksisplasser and openings.

Relationships are `lazy="raise"`: a service that needs related rows loads them with `selectinload`."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, ChangeMarkMixin, TimestampMixin, VersionedMixin, utcnow

EmployerStatus = Literal["prospekt", "aktiv", "samarbeidspartner"]
EMPLOYER_STATUSES: tuple[EmployerStatus, ...] = get_args(EmployerStatus)
EMPLOYER_STATUS_LABELS = {"prospekt": "Prospekt", "aktiv": "Aktiv", "samarbeidspartner": "Samarbeidspartner"}
Sector = Literal["privat", "offentlig"]
SECTORS: tuple[Sector, ...] = get_args(Sector)
SECTOR_LABELS = {"privat": "Privat", "offentlig": "Offentlig"}
Size = Literal["1-4", "5-19", "20-99", "100-499", "500+"]
SIZES: tuple[Size, ...] = get_args(Size)
SIZE_LABELS: dict[str, str] = {s: f"{s} ansatte" for s in SIZES}

ContactType = Literal["møte", "telefon", "e-post", "besøk på arbeidsplassen", "digitalt møte"]
CONTACT_TYPES: tuple[ContactType, ...] = get_args(ContactType)
CONTACT_TYPE_LABELS: dict[str, str] = {t: t[0].upper() + t[1:] for t in CONTACT_TYPES}

PraksisplassStatus = Literal["aktiv", "pause", "avsluttet"]
PRAKSISPLASS_STATUSES: tuple[PraksisplassStatus, ...] = get_args(PraksisplassStatus)
PRAKSISPLASS_STATUS_LABELS = {"aktiv": "Aktiv", "pause": "På pause", "avsluttet": "Avsluttet"}

OpeningStatus = Literal["utkast", "publisert", "besatt", "stengt", "utløpt"]
OPENING_STATUSES: tuple[OpeningStatus, ...] = get_args(OpeningStatus)
OPENING_STATUS_LABELS = {
    "utkast": "Utkast",
    "publisert": "Publisert",
    "besatt": "Besatt",
    "stengt": "Stengt",
    "utløpt": "Utløpt",
    "returnert": "Sendt tilbake",  # an employer's own opening NAV returned with a comment (not in the lifecycle)
}
WorkingTime = Literal["dagtid", "kveld", "natt", "helg", "skift"]
WORKING_TIMES: tuple[WorkingTime, ...] = get_args(WorkingTime)
EngagementType = Literal["fast", "vikariat", "engasjement", "sesong", "lærling"]
ENGAGEMENT_TYPES: tuple[EngagementType, ...] = get_args(EngagementType)
InclusionOption = Literal["ARBEIDSTID", "ARBEIDSMILJØ", "FYSISK", "GRUNNLEGGENDE"]
INCLUSION_OPTIONS: tuple[InclusionOption, ...] = get_args(InclusionOption)
INCLUSION_LABELS = {
    "ARBEIDSTID": "Tilpasset arbeidstid",
    "ARBEIDSMILJØ": "Tilpasninger i arbeidshverdagen",
    "FYSISK": "Fysisk tilrettelegging",
    "GRUNNLEGGENDE": "Grunnleggende ferdigheter (norsk, lesing, skriving)",
}
TargetGroup = Literal[
    "UNGE_UNDER_30",
    "SENIORER_OVER_45",
    "KOMMER_FRA_LAND_UTENFOR_EØS",
    "HULL_I_CV",
    "LITE_ELLER_INGEN_UTDANNING",
    "LITE_ELLER_INGEN_ARBEIDSERFARING",
]
TARGET_GROUPS: tuple[TargetGroup, ...] = get_args(TargetGroup)
TARGET_GROUP_LABELS = {
    "UNGE_UNDER_30": "Unge under 30",
    "SENIORER_OVER_45": "Seniorer over 45",
    "KOMMER_FRA_LAND_UTENFOR_EØS": "Kommer fra land utenfor EØS",
    "HULL_I_CV": "Hull i CV-en",
    "LITE_ELLER_INGEN_UTDANNING": "Lite eller ingen utdanning",
    "LITE_ELLER_INGEN_ARBEIDSERFARING": "Lite eller ingen arbeidserfaring",
}
Measure = Literal["LØNNSTILSKUDD", "MENTORTILSKUDD", "LÆRLINGPLASS"]
MEASURES: tuple[Measure, ...] = get_args(Measure)
MEASURE_LABELS = {
    "LØNNSTILSKUDD": "Lønnstilskudd",
    "MENTORTILSKUDD": "Mentortilskudd",
    "LÆRLINGPLASS": "Lærlingplass",
}
NorwegianLevel = Literal["A1", "A2", "B1", "B2", "C1", "C2"]
NORWEGIAN_LEVELS: tuple[NorwegianLevel, ...] = get_args(NorwegianLevel)
REQUIREMENT_KINDS = ("driving_licences", "certificates", "skills", "experience")
REQUIREMENT_LABELS = {
    "driving_licences": "Førerkort",
    "certificates": "Sertifikater og kurs",
    "skills": "Ferdigheter",
    "experience": "Erfaring",
    "norwegian_level": "Norsknivå",
}

employer_users = Table(
    "employer_users",
    Base.metadata,
    Column("employer_id", ForeignKey("employers.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Employer(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "employers"

    id: Mapped[int] = mapped_column(primary_key=True)
    orgnr: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="prospekt")
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(Text)
    nace_code: Mapped[str | None] = mapped_column(String(10))
    sector: Mapped[str] = mapped_column(String(10), default="privat")
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(4))
    size: Mapped[str | None] = mapped_column(String(10))
    website: Mapped[str | None] = mapped_column(String(300))
    # The office that created the record: it (or an admin) merges and deletes it; any staff edit it.
    owner_office_id: Mapped[int | None] = mapped_column(
        ForeignKey("offices.id", ondelete="SET NULL"), index=True
    )

    contact_persons: Mapped[list[ContactPerson]] = relationship(
        back_populates="employer", lazy="raise", order_by="ContactPerson.name", passive_deletes=True
    )
    contacts: Mapped[list[EmployerContact]] = relationship(
        back_populates="employer",
        lazy="raise",
        order_by="(EmployerContact.date.desc(), EmployerContact.id.desc())",
        passive_deletes=True,
    )
    praksisplasser: Mapped[list[Praksisplass]] = relationship(
        back_populates="employer", lazy="raise", order_by="Praksisplass.title", passive_deletes=True
    )
    openings: Mapped[list[Opening]] = relationship(
        back_populates="employer", lazy="raise", order_by="Opening.id.desc()", passive_deletes=True
    )


class ContactPerson(TimestampMixin, Base):
    __tablename__ = "employer_contact_persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(254))

    employer: Mapped[Employer] = relationship(back_populates="contact_persons", lazy="raise")


class EmployerContact(TimestampMixin, Base):
    """One entry of the contact log: what happened, and the agreed next step with its due date and owner."""

    __tablename__ = "employer_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    type: Mapped[str] = mapped_column(String(30))
    participants: Mapped[str] = mapped_column(Text, default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    next_step: Mapped[str | None] = mapped_column(Text)
    next_step_due: Mapped[dt.date | None] = mapped_column(Date, index=True)
    next_step_owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    next_step_done: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    employer: Mapped[Employer] = relationship(back_populates="contacts", lazy="raise")


class Praksisplass(VersionedMixin, TimestampMixin, Base):
    __tablename__ = "praksisplasser"

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    styrk_code: Mapped[str | None] = mapped_column(String(4))
    styrk_source: Mapped[str | None] = mapped_column(String(10))  # see candidates.models.STYRK_SOURCES
    styrk_confidence: Mapped[float | None] = mapped_column(Float)
    tasks: Mapped[str] = mapped_column(Text, default="")
    places: Mapped[int] = mapped_column(Integer, default=1)
    period_start: Mapped[dt.date | None] = mapped_column(Date)
    period_end: Mapped[dt.date | None] = mapped_column(Date)
    supervisor: Mapped[str | None] = mapped_column(String(200))
    adaptations: Mapped[list[str]] = mapped_column(default=list)
    adaptations_note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="aktiv")

    employer: Mapped[Employer] = relationship(back_populates="praksisplasser", lazy="raise")
    occupants: Mapped[list[PraksisplassOccupant]] = relationship(
        back_populates="praksisplass",
        lazy="raise",
        order_by="PraksisplassOccupant.start_date",
        passive_deletes=True,
    )

    @property
    def taken(self) -> int:
        return sum(1 for o in self.occupants if o.end_date is None)

    @property
    def free(self) -> int:
        return max(self.places - self.taken, 0)


class PraksisplassOccupant(Base):
    """Who is placed on a praksisplass. `candidate_ref` is the candidate's id; the follow-up work adds the link."""

    __tablename__ = "praksisplass_occupants"

    id: Mapped[int] = mapped_column(primary_key=True)
    praksisplass_id: Mapped[int] = mapped_column(
        ForeignKey("praksisplasser.id", ondelete="CASCADE"), index=True
    )
    candidate_ref: Mapped[int | None] = mapped_column(Integer, index=True)
    note: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    praksisplass: Mapped[Praksisplass] = relationship(back_populates="occupants", lazy="raise")


class Opening(VersionedMixin, TimestampMixin, ChangeMarkMixin, Base):
    """A direktemeldt stilling. `source`/`external_id` identify an imported ad, so a re-import updates it."""

    __tablename__ = "openings"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_openings_source_external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(ForeignKey("employers.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    styrk_code: Mapped[str | None] = mapped_column(String(4), index=True)
    styrk_source: Mapped[str | None] = mapped_column(String(10))  # "person", "import" or "tittel"
    styrk_confidence: Mapped[float | None] = mapped_column(Float)
    description: Mapped[str] = mapped_column(Text, default="")
    positions: Mapped[int] = mapped_column(Integer, default=1)
    percent_min: Mapped[int] = mapped_column(Integer, default=100)
    percent_max: Mapped[int] = mapped_column(Integer, default=100)
    hours_per_week: Mapped[float | None] = mapped_column(Float)
    working_time: Mapped[list[str]] = mapped_column(default=list)
    engagement_type: Mapped[str] = mapped_column(String(20), default="fast")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    start_by_agreement: Mapped[bool] = mapped_column(Boolean, default=False)
    application_deadline: Mapped[dt.date | None] = mapped_column(Date, index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    postal_code: Mapped[str | None] = mapped_column(String(4))
    municipality_code: Mapped[str | None] = mapped_column(String(4), index=True)
    requirements: Mapped[dict[str, Any]] = mapped_column(default=dict)
    inclusion: Mapped[list[str]] = mapped_column(default=list)
    target_groups: Mapped[list[str]] = mapped_column(default=list)
    measures: Mapped[list[str]] = mapped_column(default=list)
    open_to_reduced_capacity: Mapped[bool] = mapped_column(Boolean, default=False)
    # how to apply, shown on the public page (empty: the page falls back to the employer's public details)
    how_to_apply: Mapped[str | None] = mapped_column(Text)
    application_url: Mapped[str | None] = mapped_column(String(500))
    application_email: Mapped[str | None] = mapped_column(String(254))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="utkast", index=True)
    awaiting_approval: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_at: Mapped[dt.datetime | None]
    # NAV's comment when it returned the opening to the employer; cleared when the employer sends it in again
    return_comment: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[dt.datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    source: Mapped[str | None] = mapped_column(String(30))
    external_id: Mapped[str | None] = mapped_column(String(200))

    employer: Mapped[Employer] = relationship(back_populates="openings", lazy="raise")
    status_changes: Mapped[list[OpeningStatusChange]] = relationship(
        back_populates="opening",
        lazy="raise",
        order_by="(OpeningStatusChange.at, OpeningStatusChange.id)",
        passive_deletes=True,
    )

    @property
    def is_part_time(self) -> bool:
        return self.percent_min < 100


class OpeningStatusChange(Base):
    __tablename__ = "opening_status_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="system")
    note: Mapped[str] = mapped_column(String(2000), default="")  # a return comment is up to 2000 characters

    opening: Mapped[Opening] = relationship(back_populates="status_changes", lazy="raise")
