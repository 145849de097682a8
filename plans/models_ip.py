"""The individuell plan (IP) with koordinator: the IP-only facts of the person's one plan
(../shared/domain/PLAN-KVP-PARTICIPANT.md §4.2, W2-4).

The IP is a *view* over the plan (one plan per person, whatever law it is made under; Prop. 100 L (2020–2021)
ch. 8): goals, "Mitt mål" and the measures with their providers and responsible people stay in the plan's own tables
(plans.models). What only the IP has lives here, one row per oppfølgingsperiode: status, legal bases, the
koordinator, plan period and revision date, the person's consents, resources and needs, the person's own effort and
what their nærpersoner contribute; the participants of the planning work with their contributions; and the
evaluation rounds with the person's own assessment."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, TimestampMixin, VersionedMixin, utcnow

IpStatus = Literal["UNDER_ARBEID", "AKTIV", "AVSLUTTET"]
IP_STATUSES: dict[str, str] = {"UNDER_ARBEID": "Under arbeid", "AKTIV": "Aktiv", "AVSLUTTET": "Avsluttet"}

# The laws an IP may be made under; since 1 August 2022 one common regulation (forskrift om individuell plan ved
# ytelse av velferdstjenester) covers them all, and the person still gets one plan.
LegalBasis = Literal["SOTJL_28", "SOTJL_33", "NAVL_15", "HOL", "SHTL", "PHVL", "PBRL", "BVL", "ANNET"]
LEGAL_BASES: dict[str, str] = {
    "SOTJL_28": "Sosialtjenesteloven § 28 (individuell plan)",
    "SOTJL_33": "Sosialtjenesteloven § 33 (kvalifiseringsprogrammet)",
    "NAVL_15": "NAV-loven § 15",
    "HOL": "Helse- og omsorgstjenesteloven § 7-1",
    "SHTL": "Spesialisthelsetjenesteloven § 2-5",
    "PHVL": "Psykisk helsevernloven § 4-1",
    "PBRL": "Pasient- og brukerrettighetsloven § 2-5",
    "BVL": "Barnevernsloven",
    "ANNET": "Annet lovgrunnlag",
}

# Roles in the planning work (W2-4's ip_deltaker.rolle)
ParticipantRole = Literal[
    "BRUKER",
    "PAARORENDE",
    "NAV_STAT",
    "NAV_KOMMUNE",
    "FASTLEGE",
    "SPESIALISTHELSE",
    "KOMMUNAL_HELSE",
    "SKOLE",
    "BARNEVERN",
    "ANNET",
]
PARTICIPANT_ROLES: dict[str, str] = {
    "BRUKER": "Personen selv",
    "PAARORENDE": "Pårørende eller nærperson",
    "NAV_STAT": "NAV (statlig)",
    "NAV_KOMMUNE": "NAV (kommunal del, sosiale tjenester)",
    "FASTLEGE": "Fastlege",
    "SPESIALISTHELSE": "Spesialisthelsetjenesten",
    "KOMMUNAL_HELSE": "Kommunale helse- og omsorgstjenester",
    "SKOLE": "Skole eller opplæring",
    "BARNEVERN": "Barnevernet",
    "ANNET": "Annen",
}
# Roles that are a service or agency (element 9, cooperation); the person and their nærpersoner are not.
SERVICE_ROLES = tuple(r for r in PARTICIPANT_ROLES if r not in ("BRUKER", "PAARORENDE"))

TEXT_MAX = 4000
NAME_MAX = 200
MAX_PARTICIPANTS = 50


class IndividualPlan(VersionedMixin, TimestampMixin, Base):
    """The IP-only part of one period's plan (one per period; the period is the plan)."""

    __tablename__ = "plan_ip"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("plan_periods.id", ondelete="CASCADE"), unique=True, index=True
    )
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="UNDER_ARBEID")
    legal_bases: Mapped[list[str]] = mapped_column(JSON, default=list)
    koordinator_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    koordinator_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    koordinator_org: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    koordinator_phone: Mapped[str] = mapped_column(String(40), default="")
    period_from: Mapped[dt.date | None] = mapped_column(Date)
    period_to: Mapped[dt.date | None] = mapped_column(Date)
    next_revision: Mapped[dt.date | None] = mapped_column(Date)
    # the person's consent to the plan being made (element 8)
    consent_date: Mapped[dt.date | None] = mapped_column(Date)
    # consent to share between services: when, with whom, and whether it covers confidential information
    share_consent_date: Mapped[dt.date | None] = mapped_column(Date)
    share_with: Mapped[str] = mapped_column(Text, default="")
    share_confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    resources: Mapped[str] = mapped_column(Text, default="")
    needs: Mapped[str] = mapped_column(Text, default="")
    own_effort: Mapped[str] = mapped_column(Text, default="")
    network_contribution: Mapped[str] = mapped_column(Text, default="")
    implementation: Mapped[str] = mapped_column(Text, default="")
    cooperation: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")

    participants: Mapped[list[IpParticipant]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="IpParticipant.position"
    )
    evaluations: Mapped[list[IpEvaluation]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by=lambda: [IpEvaluation.date, IpEvaluation.id],
    )

    @property
    def status_label(self) -> str:
        return IP_STATUSES.get(self.status, self.status)

    @property
    def legal_basis_labels(self) -> list[str]:
        return [LEGAL_BASES.get(code, code) for code in self.legal_bases or []]

    @property
    def latest_evaluation(self) -> IpEvaluation | None:
        return self.evaluations[-1] if self.evaluations else None

    @property
    def kostra_faat_individuell_plan(self) -> int:
        """KOSTRA 11F `FAAT_INDIVIDUELL_PLAN`: 1 (ja) when an IP under sotjl § 28 has been drawn up, else 2."""
        return 1 if "SOTJL_28" in (self.legal_bases or []) and self.status != "UNDER_ARBEID" else 2


class IpParticipant(Base):
    """Someone who takes part in the planning work: the person, a nærperson, a service; what they contribute."""

    __tablename__ = "plan_ip_participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_id: Mapped[int] = mapped_column(ForeignKey("plan_ip.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    role: Mapped[str] = mapped_column(String(20))
    organisation: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    contact: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    contribution: Mapped[str] = mapped_column(Text, default="")

    @property
    def role_label(self) -> str:
        return PARTICIPANT_ROLES.get(self.role, self.role)


class IpEvaluation(Base):
    """One evaluation round: when, who took part, what was evaluated, the person's own assessment, and when the
    next one is due. Recorded once; a later round is a new row."""

    __tablename__ = "plan_ip_evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    ip_id: Mapped[int] = mapped_column(ForeignKey("plan_ip.id", ondelete="CASCADE"), index=True)
    date: Mapped[dt.date] = mapped_column(Date)
    participants: Mapped[str] = mapped_column(Text, default="")
    person_took_part: Mapped[bool] = mapped_column(Boolean, default=True)
    summary: Mapped[str] = mapped_column(Text)
    person_assessment: Mapped[str] = mapped_column(Text, default="")
    next_date: Mapped[dt.date | None] = mapped_column(Date)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_by_name: Mapped[str] = mapped_column(String(NAME_MAX), default="")
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# The IP's own fields, as the forms, the service and the API name them.
IP_FIELDS = (
    "status",
    "legal_bases",
    "koordinator_user_id",
    "koordinator_name",
    "koordinator_org",
    "koordinator_phone",
    "period_from",
    "period_to",
    "next_revision",
    "consent_date",
    "share_consent_date",
    "share_with",
    "share_confidential",
    "resources",
    "needs",
    "own_effort",
    "network_contribution",
    "implementation",
    "cooperation",
)
