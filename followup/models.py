"""Follow-up tables: the "jobbspor" per person and service, phases, placements, contacts, plan and fidelity.

Other domains are referenced by foreign key only (candidates, employers, openings, praksisplasser, users,
offices); a placement keeps its history when the opening or praksisplass is deleted (SET NULL)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, TimestampMixin, VersionedMixin

# --- code lists (stored keys → bokmål labels) -------------------------------------------------------------

SERVICES = {
    "ips": "IPS (Individuell jobbstøtte)",
    "ips_ung": "IPS ung (16–30 år)",
    "supported_employment": "Supported Employment / arbeid med støtte",
    "kvp": "Kvalifiseringsprogrammet (KVP)",
    "ordinaer": "Ordinær oppfølging",
}
GOALS = {"arbeid": "Arbeid", "utdanning": "Utdanning / lærlingplass"}
STATUSES = {
    "henvist": "Henvist",
    "kartlegging": "Kartlegging",
    "jobbutvikling": "Jobbutvikling",
    "aktiv": "I program",
    "i_jobb": "I jobb",
    "i_utdanning": "I utdanning",
    "nedtrapping": "Nedtrapping",
    "avsluttet": "Avsluttet",
}
_IPS_CHAIN = ("henvist", "kartlegging", "jobbutvikling", "i_jobb", "i_utdanning", "nedtrapping", "avsluttet")
STATUS_CHAINS: dict[str, tuple[str, ...]] = {
    "ips": _IPS_CHAIN,
    "ips_ung": _IPS_CHAIN,
    "supported_employment": _IPS_CHAIN,
    "kvp": ("henvist", "aktiv", "i_jobb", "i_utdanning", "avsluttet"),
    "ordinaer": ("henvist", "aktiv", "i_jobb", "i_utdanning", "avsluttet"),
}
END_CAUSES = {"arbeid": "Arbeid", "utdanning": "Utdanning", "annet": "Annet"}
END_DETAILS = {
    "arbeid_gradert_ufore": "Arbeid kombinert med gradert uføretrygd",
    "arbeid_med_lonnstilskudd": "Arbeid med lønnstilskudd",
    "arbeid_uten_lonnstilskudd": "Arbeid uten lønnstilskudd",
    "sokt_ufore": "Søkt uføretrygd",
    "sykdom": "Sykdom",
    "annet_tiltak": "Annet tiltak",
    "flyttet": "Flyttet",
    "annet": "Annet",
}
PHASES = {
    1: "1 Innledende kontakt",
    2: "2 Kartlegging / yrkesprofil",
    3: "3 Jobbsøk",
    4: "4 Arbeidsgiverkontakt",
    5: "5 Oppfølging på og utenfor arbeidsplassen",
}
PLACEMENT_TYPES = {
    "ordinaer": "Ordinær jobb",
    "lonnstilskudd": "Med lønnstilskudd",
    "arbeidstrening": "Arbeidstrening / praksis",
    "laerling": "Lærling",
    "utdanning": "Utdanning",
}
# Ordinary jobs in ordinary workplaces at ordinary pay (the IPS "competitive" jobs); lønnstilskudd is a subsidy
# to the employer, the job itself is an ordinary one.
COMPETITIVE_TYPES = ("ordinaer", "lonnstilskudd")
JOB_TYPES = ("ordinaer", "lonnstilskudd", "arbeidstrening", "laerling")
WAGE_TYPES = {
    "timelonn": "Timelønn",
    "fastlonn": "Fast månedslønn",
    "ingen": "Ingen lønn (tiltakspenger o.l.)",
}
PLACEMENT_END_REASONS = {
    "sa_opp": "Sa opp",
    "oppsagt": "Oppsagt",
    "midlertidig_utlop": "Midlertidig stilling utløp",
    "helse": "Helse",
    "ny_jobb": "Ny jobb",
    "utdanning": "Utdanning",
}
CONTACT_WITH = {"person": "Personen", "arbeidsgiver": "Arbeidsgiver", "andre": "Andre"}
OTHER_KINDS = {"lege": "Lege", "behandler": "Behandler", "skole": "Skole", "nav_veileder": "NAV-veileder"}
CONTACT_MODES = {
    "arbeidsplassen": "På arbeidsplassen",
    "samfunnet": "Ute i samfunnet",
    "nav": "NAV-kontoret",
    "telefon": "Telefon",
    "digitalt": "Digitalt",
}
FACE_TO_FACE_MODES = ("arbeidsplassen", "samfunnet", "nav")
COMMUNITY_MODES = ("arbeidsplassen", "samfunnet")
MEASURE_KINDS = {
    "midlertidig_lonnstilskudd": "Midlertidig lønnstilskudd",
    "varig_lonnstilskudd": "Varig lønnstilskudd",
    "mentor": "Mentor",
    "arbeidstrening": "Arbeidstrening",
}
COUNSELLING_OCCASIONS = {
    "jobbstart": "Før jobbstart",
    "endring_timer": "Endring i timer",
    "endring_lonn": "Endring i lønn",
    "annet": "Annet",
}
PLAN_KINDS = {
    "first_employer_contact": "Første arbeidsgiverkontakt om personen",
    "before_start": "Kontakt før jobbstart",
    "after_start": "Kontakt etter jobbstart",
    "weekly": "Ukentlig oppfølging (første 4 uker)",
    "monthly": "Månedlig oppfølging",
    "job_loss": "Kontakt etter at jobben tok slutt",
    "progress_report": "Fremdriftsrapport til NAV-veileder",
    "measure_end": "Tiltak løper ut",
    "measure_review": "Vurdering av varig lønnstilskudd",
}


class FollowupRecord(VersionedMixin, TimestampMixin, Base):
    """A "jobbspor": one person in one service, from referral to the end decided by the team."""

    __tablename__ = "followup_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    service: Mapped[str] = mapped_column(String(30))
    goal: Mapped[str] = mapped_column(String(20), default="arbeid")
    status: Mapped[str] = mapped_column(String(20), default="henvist")
    referral_date: Mapped[dt.date]
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    end_cause: Mapped[str | None] = mapped_column(String(20))
    end_detail: Mapped[str | None] = mapped_column(String(40))
    end_note: Mapped[str | None] = mapped_column(Text)
    # Facts at intake, kept with the record: the outcome reports group by them.
    out_of_work_at_intake: Mapped[bool] = mapped_column(Boolean, default=True)
    age_at_start: Mapped[int | None] = mapped_column(Integer)
    target_refugee: Mapped[bool] = mapped_column(Boolean, default=False)
    target_ufore: Mapped[bool] = mapped_column(Boolean, default=False)

    phases: Mapped[list[PhaseEntry]] = relationship(
        lazy="raise", order_by="PhaseEntry.entered_on", cascade="all, delete-orphan"
    )
    placements: Mapped[list[Placement]] = relationship(
        lazy="raise", order_by="Placement.start_date", cascade="all, delete-orphan"
    )
    plan_items: Mapped[list[PlanItem]] = relationship(
        lazy="raise", order_by="PlanItem.due_date", cascade="all, delete-orphan"
    )
    passive_periods: Mapped[list[PassivePeriod]] = relationship(
        lazy="raise", order_by="PassivePeriod.from_date", cascade="all, delete-orphan"
    )

    @property
    def is_ended(self) -> bool:
        return self.status == "avsluttet"

    @property
    def service_label(self) -> str:
        return SERVICES.get(self.service, self.service)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)


class PassivePeriod(Base):
    """Pauses follow-up instead of closing it (zero exclusion): plan items due inside it are not overdue."""

    __tablename__ = "followup_passive_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    from_date: Mapped[dt.date]
    to_date: Mapped[dt.date | None]
    reason: Mapped[str] = mapped_column(String(500), default="")


class OutreachAttempt(Base):
    """A try to reach someone who did not come: logged, never a reason to close the record."""

    __tablename__ = "followup_outreach"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    date: Mapped[dt.date]
    mode: Mapped[str] = mapped_column(String(20))
    reached: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class FollowupProfile(TimestampMixin, Base):
    """What the job search builds on. `health` is restricted: only the record's job specialist reads it."""

    __tablename__ = "followup_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), unique=True)
    preferences: Mapped[str] = mapped_column(Text, default="")
    health: Mapped[str] = mapped_column(Text, default="")
    warning_signs: Mapped[str] = mapped_column(Text, default="")
    coping: Mapped[str] = mapped_column(Text, default="")
    network: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(String(300), default="")
    preferred_hours: Mapped[str] = mapped_column(String(300), default="")
    treatment_team: Mapped[str] = mapped_column(Text, default="")
    nav_veileder: Mapped[str] = mapped_column(String(300), default="")
    ufore_grad: Mapped[int | None] = mapped_column(Integer)


class DisclosurePlan(TimestampMixin, Base):
    """What may and may not be told to an employer, with the person's consent date."""

    __tablename__ = "followup_disclosure_plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), unique=True)
    may_tell: Mapped[str] = mapped_column(Text, default="")
    may_not_tell: Mapped[str] = mapped_column(Text, default="")
    consent_date: Mapped[dt.date | None]


class PhaseEntry(Base):
    """Entering one of the five Supported Employment phases; time in a phase runs until the next entry."""

    __tablename__ = "followup_phases"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    phase: Mapped[int] = mapped_column(Integer)
    entered_on: Mapped[dt.date]
    note: Mapped[str] = mapped_column(String(500), default="")


class Placement(TimestampMixin, Base):
    """A job, apprenticeship, work trial or education the person started."""

    __tablename__ = "followup_placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    employer_id: Mapped[int | None] = mapped_column(
        ForeignKey("employers.id", ondelete="SET NULL"), index=True
    )
    opening_id: Mapped[int | None] = mapped_column(ForeignKey("openings.id", ondelete="SET NULL"), index=True)
    praksisplass_id: Mapped[int | None] = mapped_column(
        ForeignKey("praksisplasser.id", ondelete="SET NULL"), index=True
    )
    specialist_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    type: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    styrk_code: Mapped[str | None] = mapped_column(String(8))
    start_date: Mapped[dt.date]
    percent: Mapped[int] = mapped_column(Integer)
    hours_per_week: Mapped[float] = mapped_column(Float)
    wage_type: Mapped[str] = mapped_column(String(20), default="timelonn")
    contact_person: Mapped[str] = mapped_column(String(300), default="")
    end_date: Mapped[dt.date | None]
    end_reason: Mapped[str | None] = mapped_column(String(30))
    end_note: Mapped[str | None] = mapped_column(Text)

    changes: Mapped[list[PlacementChange]] = relationship(
        lazy="raise", order_by="PlacementChange.changed_on", cascade="all, delete-orphan"
    )

    @property
    def type_label(self) -> str:
        return PLACEMENT_TYPES.get(self.type, self.type)

    @property
    def is_job(self) -> bool:
        return self.type in JOB_TYPES

    @property
    def is_competitive(self) -> bool:
        return self.type in COMPETITIVE_TYPES


class PlacementChange(Base):
    """A change of stillingsprosent or hours: an increase from 20 % to 40 % is an outcome worth recording."""

    __tablename__ = "followup_placement_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(
        ForeignKey("followup_placements.id", ondelete="CASCADE"), index=True
    )
    changed_on: Mapped[dt.date]
    percent: Mapped[int] = mapped_column(Integer)
    hours_per_week: Mapped[float] = mapped_column(Float)
    note: Mapped[str] = mapped_column(String(500), default="")


class FollowupContact(TimestampMixin, Base):
    """One contact with the person, the employer or others; employer contacts count for job development."""

    __tablename__ = "followup_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    date: Mapped[dt.date] = mapped_column(index=True)
    with_whom: Mapped[str] = mapped_column(String(20))
    other_kind: Mapped[str | None] = mapped_column(String(20))
    mode: Mapped[str] = mapped_column(String(20))
    duration_minutes: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, default="")
    employer_id: Mapped[int | None] = mapped_column(ForeignKey("employers.id", ondelete="SET NULL"))
    employer_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("followup_placements.id", ondelete="SET NULL")
    )
    participants: Mapped[str] = mapped_column(String(500), default="")

    @property
    def face_to_face(self) -> bool:
        return self.mode in FACE_TO_FACE_MODES

    @property
    def in_community(self) -> bool:
        return self.mode in COMMUNITY_MODES

    @property
    def mode_label(self) -> str:
        return CONTACT_MODES.get(self.mode, self.mode)

    @property
    def with_label(self) -> str:
        return CONTACT_WITH.get(self.with_whom, self.with_whom)


class MeasurePeriod(Base):
    """A linked NAV measure with its own limits (lønnstilskudd, mentor, arbeidstrening)."""

    __tablename__ = "followup_measures"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("followup_placements.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(30))
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date]
    reduced_work_capacity: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(String(500), default="")

    @property
    def kind_label(self) -> str:
        return MEASURE_KINDS.get(self.kind, self.kind)


class PlanItem(Base):
    """A generated follow-up duty with a due date; the day it was first warned is recorded once. Whether it is
    overdue is computed, never stored (`service_plan.state_of` / `overdue_clause`)."""

    __tablename__ = "followup_plan_items"
    __table_args__ = (
        UniqueConstraint("record_id", "kind", "due_date", "ref_id", name="uq_followup_plan_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    # The placement or measure the item belongs to (0 for the record itself), part of the idempotency key.
    ref_id: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.date]
    due_date: Mapped[dt.date] = mapped_column(index=True)
    warn_date: Mapped[dt.date]
    done_on: Mapped[dt.date | None]
    done_contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("followup_contacts.id", ondelete="SET NULL")
    )
    warned_on: Mapped[dt.date | None]
    note: Mapped[str] = mapped_column(String(300), default="")

    @property
    def kind_label(self) -> str:
        return PLAN_KINDS.get(self.kind, self.kind)


class BenefitsCounselling(Base):
    """Benefits counselling (arbeid og ytelser) before each job start and each change in hours or pay."""

    __tablename__ = "followup_benefits_counselling"

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("followup_records.id", ondelete="CASCADE"), index=True)
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("followup_placements.id", ondelete="SET NULL")
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    date: Mapped[dt.date]
    occasion: Mapped[str] = mapped_column(String(20))
    benefits: Mapped[str] = mapped_column(String(300), default="")
    earnings_year: Mapped[int | None] = mapped_column(Integer)
    earnings_to_date: Mapped[int | None] = mapped_column(Integer)
    expected_annual_earnings: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class FidelityReview(TimestampMixin, Base):
    """The team's self-assessment on the 25 items of the IPS Fidelity Scale, scored 1–5, per review date."""

    __tablename__ = "followup_fidelity_reviews"
    __table_args__ = (UniqueConstraint("office_id", "review_date", name="uq_followup_fidelity_review_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    review_date: Mapped[dt.date]
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    scores: Mapped[list[Any]] = mapped_column(JSON, default=list)
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def total(self) -> int:
        return sum(int(s) for s in self.scores)


class FidelitySnapshot(Base):
    """Weekly figures per office (specialist_id 0) and per job specialist, taken by the scheduler."""

    __tablename__ = "followup_fidelity_snapshots"
    __table_args__ = (
        UniqueConstraint("office_id", "specialist_id", "week_start", name="uq_followup_snapshot_week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    specialist_id: Mapped[int] = mapped_column(Integer, default=0)
    week_start: Mapped[dt.date]
    figures: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
