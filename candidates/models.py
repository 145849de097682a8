"""Candidate tables: the record, the CV, the jobbprofil, the restricted situation (§14a, programmes, capacity,
tilretteleggingsbehov) and consent to share with an employer.

Every relationship is `lazy="raise"`: a page loads what it shows with `selectinload`, so no N+1 by accident.
Children go with the candidate (`ON DELETE CASCADE`), so erasure is one DELETE of the candidate row."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from core.formatting import today_in_oslo
from core.models import Base, ChangeMarkMixin, Office, TimestampMixin, User, VersionedMixin, utcnow

CANDIDATE_STATUSES = ("aktiv", "i jobb", "avsluttet")

# Where a stored STYRK-08 code came from: chosen by a person, suggested by an import (with its confidence), or
# suggested from the title when the person left it empty (with its confidence). Matching may trust them unequally.
STYRK_SOURCES = {
    "person": "Valgt av en person",
    "import": "Foreslått ved import",
    "tittel": "Foreslått fra tittelen",
}
STATUS_LABELS = {"aktiv": "Aktiv", "i jobb": "I jobb", "avsluttet": "Avsluttet"}

EDUCATION_LEVELS = {
    "grunnskole": "Grunnskole",
    "videregående": "Videregående",
    "fagbrev": "Fagbrev",
    "høyere utdanning": "Høyere utdanning",
}
CERTIFICATE_KINDS = {"sertifikat": "Sertifikat/bevis", "kurs": "Kurs", "fagbrev": "Fag-/svennebrev"}
DRIVING_LICENCES = ("AM", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE", "T")
CEFR_LEVELS = ("A1", "A2", "B1", "B2", "C1", "C2")
WORKING_TIMES = {"dagtid": "Dagtid", "kveld": "Kveld", "natt": "Natt", "helg": "Helg", "skift": "Skift"}
ENGAGEMENT_TYPES = {
    "fast": "Fast",
    "vikariat": "Vikariat",
    "engasjement": "Engasjement",
    "sesong": "Sesong",
    "lærling": "Lærling",
}

# §14a innsatsgrupper (NAV's codes) and hovedmål.
INNSATSGRUPPER = {
    "STANDARD_INNSATS": "Gode muligheter",
    "SITUASJONSBESTEMT_INNSATS": "Trenger veiledning",
    "SPESIELT_TILPASSET_INNSATS": "Trenger veiledning, nedsatt arbeidsevne",
    "GRADERT_VARIG_TILPASSET_INNSATS": "Jobbe delvis",
    "VARIG_TILPASSET_INNSATS": "Liten mulighet til å jobbe",
}
HOVEDMAL = {"SKAFFE_ARBEID": "Skaffe arbeid", "BEHOLDE_ARBEID": "Beholde arbeid"}

PROGRAMMES = {
    "IPS": "IPS (individuell jobbstøtte)",
    "SUPPORTED_EMPLOYMENT": "Supported Employment",
    "KVP": "Kvalifiseringsprogrammet (KVP)",
    "JOBBSJANSEN": "Jobbsjansen",
    "INTRODUKSJONSPROGRAM": "Introduksjonsprogram",
    "AAP": "Arbeidsavklaringspenger (AAP)",
    "UFORETRYGD": "Uføretrygd",
    "SOSIALHJELP": "Økonomisk sosialhjelp",
}

# Tilretteleggingsbehov (navikt/finn-kandidat-api) per category, and the employer's inkluderingsmulighet each
# category corresponds to (what matching compares).
NEED_CATEGORIES: dict[str, dict[str, str]] = {
    "arbeidstid": {
        "IKKE_HELE_DAGER": "Kan ikke jobbe hele dager",
        "BORTE_FASTE_DAGER_ELLER_TIDER": "Borte faste dager eller tider",
        "FLEKSIBEL": "Fleksibel arbeidstid",
        "GRADVIS_ØKNING": "Gradvis økning av arbeidstid",
    },
    "fysisk": {
        "ARBEIDSSTILLING": "Varierte arbeidsstillinger",
        "ERGONOMI": "Ergonomisk tilpasning",
        "TUNGE_LØFT": "Unngå tunge løft",
        "UNIVERSELL_UTFORMING": "Universell utforming",
    },
    "arbeidshverdagen": {
        "OPPLÆRING": "Tilpasset opplæring",
        "OPPGAVER": "Tilpassede oppgaver",
        "TETT_OPPFØLGING": "Tett oppfølging",
        "STILLE_OG_ROLIG_MILJØ": "Stille og rolig miljø",
        "PERSONLIG_BISTAND": "Personlig bistand",
    },
    "norsk": {"SNAKKE": "Snakke", "SKRIVE": "Skrive", "LESE": "Lese"},
}
NEED_CATEGORY_LABELS = {
    "arbeidstid": "Arbeidstid",
    "fysisk": "Fysisk tilrettelegging",
    "arbeidshverdagen": "Arbeidshverdagen",
    "norsk": "Utfordringer med norsk",
}
NEED_TO_INCLUSION = {
    "arbeidstid": "ARBEIDSTID",
    "fysisk": "FYSISK",
    "arbeidshverdagen": "ARBEIDSMILJØ",
    "norsk": "GRUNNLEGGENDE",
}


def _fk(target: str) -> Any:
    return ForeignKey(target, ondelete="CASCADE")


class PersonFacts:
    """Name, age and "under 30", derived from the stored name and birth date (never stored twice); shared by the
    record and the list's plain rows."""

    if TYPE_CHECKING:  # provided by the class that uses it (mapped columns or dataclass fields)
        first_name: str
        last_name: str
        birth_date: dt.date | None

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def age(self, today: dt.date | None = None) -> int | None:
        birth = self.birth_date
        if birth is None:
            return None
        today = today or today_in_oslo()
        return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))

    def under_30(self, today: dt.date | None = None) -> bool:
        age = self.age(today)
        return age is not None and age < 30


class Candidate(PersonFacts, VersionedMixin, TimestampMixin, ChangeMarkMixin, Base):
    __tablename__ = "candidates"

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    responsible_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    birth_date: Mapped[dt.date | None]
    municipality_code: Mapped[str | None] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(20), default="aktiv")
    email: Mapped[str | None] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    postal_code: Mapped[str | None] = mapped_column(String(4))
    retention_date: Mapped[dt.date | None] = mapped_column(Date, index=True)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The only free text an employer ever sees: written for the purpose, checked by candidates.sensitive_text.
    presentation: Mapped[str] = mapped_column(Text, default="", server_default="")
    skills: Mapped[list[str]] = mapped_column(default=list)
    driving_licences: Mapped[list[str]] = mapped_column(default=list)

    office: Mapped[Office] = relationship(lazy="raise")
    responsible: Mapped[User | None] = relationship(lazy="raise")
    work_experiences: Mapped[list[WorkExperience]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(WorkExperience.start_date.desc(), WorkExperience.id)",
    )
    educations: Mapped[list[Education]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="Education.id"
    )
    certificates: Mapped[list[Certificate]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="Certificate.id"
    )
    languages: Mapped[list[LanguageSkill]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="LanguageSkill.id"
    )
    job_profile: Mapped[JobProfile | None] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    situation: Mapped[Situation | None] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, uselist=False
    )
    programmes: Mapped[list[Programme]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="Programme.id"
    )
    consents: Mapped[list[Consent]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(Consent.given_on.desc(), Consent.id.desc())",
    )


class WorkExperience(Base):
    __tablename__ = "candidate_work_experiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    employer: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    description: Mapped[str] = mapped_column(Text, default="")
    styrk_code: Mapped[str | None] = mapped_column(String(4))
    styrk_source: Mapped[str | None] = mapped_column(String(10))
    styrk_confidence: Mapped[float | None] = mapped_column(Float)

    @property
    def years(self) -> float:
        if self.start_date is None:
            return 0.0
        end = self.end_date or today_in_oslo()
        return max(0.0, round((end - self.start_date).days / 365.25, 1))


class Education(Base):
    __tablename__ = "candidate_educations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    level: Mapped[str] = mapped_column(String(30))
    field: Mapped[str] = mapped_column(String(200), default="")
    institution: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int | None] = mapped_column(Integer)
    end_year: Mapped[int | None] = mapped_column(Integer)


class Certificate(Base):
    """Certificates, courses and trade certificates (truckførerbevis, HMS-kurs, fagbrev …)."""

    __tablename__ = "candidate_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default="sertifikat")
    issuer: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[dt.date | None] = mapped_column(Date)


class LanguageSkill(Base):
    __tablename__ = "candidate_languages"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    language: Mapped[str] = mapped_column(String(100))
    level: Mapped[str | None] = mapped_column(String(2))


class JobProfile(Base):
    """Jobbprofil: what the person wants (occupations, places, percent, working time, engagement, start)."""

    __tablename__ = "candidate_job_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), unique=True)
    wanted_styrk: Mapped[list[str]] = mapped_column(default=list)
    # code → {"source": one of STYRK_SOURCES, "confidence": float | None}, for the codes in wanted_styrk
    wanted_styrk_sources: Mapped[dict[str, Any]] = mapped_column(default=dict)
    wanted_titles: Mapped[list[str]] = mapped_column(default=list)
    municipalities: Mapped[list[str]] = mapped_column(default=list)
    postal_code: Mapped[str | None] = mapped_column(String(4))
    max_commute_minutes: Mapped[int | None] = mapped_column(Integer)
    max_commute_km: Mapped[int | None] = mapped_column(Integer)
    percent_min: Mapped[int | None] = mapped_column(Integer)
    percent_max: Mapped[int | None] = mapped_column(Integer)
    working_time: Mapped[list[str]] = mapped_column(default=list)
    engagement_types: Mapped[list[str]] = mapped_column(default=list)
    earliest_start: Mapped[dt.date | None] = mapped_column(Date)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Situation(Base):
    """RESTRICTED: §14a vedtak, work capacity and tilretteleggingsbehov. Never shown to an employer."""

    __tablename__ = "candidate_situations"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), unique=True)
    innsatsgruppe: Mapped[str | None] = mapped_column(String(40), index=True)
    hovedmal: Mapped[str | None] = mapped_column(String(20))
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    # The current §14a record the innsatsgruppe follows (set by the plans domain when a decision becomes
    # current): while set, the innsatsgruppe is not changed by hand — a lock as data on the row it restricts. Its
    # foreign key to plan_vedtak is declared by the plans domain (plans.models_vedtak), which owns that table: a
    # lower domain does not name a higher one's tables.
    innsatsgruppe_vedtak_id: Mapped[int | None] = mapped_column(Integer)
    capacity_override_percent: Mapped[int | None] = mapped_column(Integer)
    capacity_override_reason: Mapped[str | None] = mapped_column(Text)
    preferred_hours_per_week: Mapped[float | None]
    needs_arbeidstid: Mapped[list[str]] = mapped_column(default=list)
    needs_fysisk: Mapped[list[str]] = mapped_column(default=list)
    needs_arbeidshverdagen: Mapped[list[str]] = mapped_column(default=list)
    needs_norsk: Mapped[list[str]] = mapped_column(default=list)
    needs_note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def needs(self, category: str) -> list[str]:
        return list(getattr(self, f"needs_{category}") or [])


class Programme(Base):
    """RESTRICTED: a programme or benefit (IPS, KVP, AAP, uføretrygd with uføregrad, sosialhjelp …)."""

    __tablename__ = "candidate_programmes"
    __table_args__ = (
        UniqueConstraint("candidate_id", "kind", name="uq_candidate_programmes_candidate_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[dt.date | None] = mapped_column(Date)
    end_date: Mapped[dt.date | None] = mapped_column(Date)
    uforegrad: Mapped[int | None] = mapped_column(Integer)
    aktivitetsplikt: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(Text, default="")

    def active(self, today: dt.date) -> bool:
        return (self.start_date is None or self.start_date <= today) and (
            self.end_date is None or self.end_date >= today
        )


class Consent(Base):
    """Consent to share with one employer (or one of its openings). `named` False is an anonymous presentation:
    the employer sees the short summary only. Withdrawal cuts access at once; the row is kept as the record."""

    __tablename__ = "candidate_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    employer_id: Mapped[int] = mapped_column(_fk("employers.id"), index=True)
    opening_id: Mapped[int | None] = mapped_column(_fk("openings.id"), index=True)
    named: Mapped[bool] = mapped_column(Boolean, default=True)
    given_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_name: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[dt.datetime | None]
    withdrawn_by_name: Mapped[str | None] = mapped_column(String(200))

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class BreakGlass(Base):
    """An admin's recorded reason to read one person's record ("break the glass"): without one the admin is
    refused; with one the reads are allowed for a short while, flagged in the security log, and listed for the
    person's office (its dashboard) and in the record's innsyn. Goes with the person on erasure."""

    __tablename__ = "candidate_break_glass"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(_fk("candidates.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    user_name: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


# The rows that make up a person's record beside the candidate row: a change to any of them is a change to the
# candidate (its `changed_at`, the ranking index's mark). Written beside the flush as a plain UPDATE, so the
# candidate's `version` (optimistic locking of the personalia form) does not move with a CV edit.
_PARTS = (WorkExperience, Education, Certificate, LanguageSkill, JobProfile, Situation, Programme, Consent)


@event.listens_for(Session, "after_flush")
def _touch_candidates(session: Session, _context: Any) -> None:
    # `dirty` also holds rows whose attributes were only set to the same value: those wrote nothing, and a read
    # (a page on the event loop, without the SQLite writer lock) must not start writing because of them
    changed = [obj for obj in session.dirty if session.is_modified(obj, include_collections=False)]
    ids = {
        obj.candidate_id
        for obj in (*session.new, *changed, *session.deleted)
        if isinstance(obj, _PARTS) and obj.candidate_id is not None
    }
    if ids:
        table = cast(Table, Candidate.__table__)  # a declarative model's __table__ is the Table it maps
        session.connection().execute(
            update(table).where(table.c.id.in_(sorted(ids))).values(changed_at=utcnow())
        )
