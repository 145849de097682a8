"""The §14a record (oppfølgingsvedtak) and its behovsvurdering: a mirror of NAV's decision, not the legal decision
system (../shared/domain/PLAN-KVP-PARTICIPANT.md §2, W2-2; navikt/veilarbvedtaksstotte's `Vedtak`).

One row per decision or draft: an `UTKAST` (the drafting workspace: the help questions as structured answers, the
re-assessment block for people on uføretrygd), then `SENDT` (the decision, `current` while no newer one replaces
it). Earlier decisions are kept (`current` false). The person's current innsatsgruppe, hovedmål and work capacity
live in one place, the candidate's restricted situation (`candidates`), which a record updates through the
candidates service when it becomes current; a row here is the decision behind that value, with its reasons."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from candidates import access as candidates_access
from core.models import Base, TimestampMixin, VersionedMixin

# --- NAV's code lists -------------------------------------------------------------------------------------------
# The innsatsgruppe is stored as NAV's legacy enum (`Innsatsgruppe`, still in NAV's API and the candidate's
# situation); the V2 names (`InnsatsgruppeV2`) and Arena codes are read from it. Labels: candidates.models. The
# Literal types are the value lists (the tables below are keyed by them; tests/plans/test_vedtak.py checks that
# each table has every value).

Innsatsgruppe = Literal[
    "STANDARD_INNSATS",
    "SITUASJONSBESTEMT_INNSATS",
    "SPESIELT_TILPASSET_INNSATS",
    "GRADERT_VARIG_TILPASSET_INNSATS",
    "VARIG_TILPASSET_INNSATS",
]
InnsatsgruppeV2 = Literal[
    "GODE_MULIGHETER",
    "TRENGER_VEILEDNING",
    "TRENGER_VEILEDNING_NEDSATT_ARBEIDSEVNE",
    "JOBBE_DELVIS",
    "LITEN_MULIGHET_TIL_A_JOBBE",
]
INNSATSGRUPPE_V2: dict[str, str] = {
    "STANDARD_INNSATS": "GODE_MULIGHETER",
    "SITUASJONSBESTEMT_INNSATS": "TRENGER_VEILEDNING",
    "SPESIELT_TILPASSET_INNSATS": "TRENGER_VEILEDNING_NEDSATT_ARBEIDSEVNE",
    "GRADERT_VARIG_TILPASSET_INNSATS": "JOBBE_DELVIS",
    "VARIG_TILPASSET_INNSATS": "LITEN_MULIGHET_TIL_A_JOBBE",
}
FROM_V2: dict[str, str] = {v2: legacy for legacy, v2 in INNSATSGRUPPE_V2.items()}
# Arena cannot tell "jobbe delvis" from "varig": both are VARIG there.
ARENA_CODES: dict[str, str] = {
    "STANDARD_INNSATS": "IKVAL",
    "SITUASJONSBESTEMT_INNSATS": "BFORM",
    "SPESIELT_TILPASSET_INNSATS": "BATT",
    "GRADERT_VARIG_TILPASSET_INNSATS": "VARIG",
    "VARIG_TILPASSET_INNSATS": "VARIG",
}
# The two permanent ("varig") groups: a second person (beslutter) approves them (InnsatsgruppeUtils.skalHaBeslutter).
PERMANENT_GROUPS: tuple[Innsatsgruppe, ...] = ("GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS")
# Hovedmål must be empty for this group, and is required for every other.
NO_HOVEDMAL_GROUP: Innsatsgruppe = "VARIG_TILPASSET_INNSATS"
# Begrunnelse is optional only for this group, and then only when the current decision is not a permanent group.
BEGRUNNELSE_OPTIONAL_GROUP: Innsatsgruppe = "STANDARD_INNSATS"
BEGRUNNELSE_MAX = 10_000
BEGRUNNELSE_RECOMMENDED = 4_000

# vedtakStatus and beslutterProsessStatus
VedtakStatus = Literal["UTKAST", "SENDT", "SLETTET"]
STATUSES: dict[VedtakStatus, str] = {"UTKAST": "Utkast", "SENDT": "Fattet", "SLETTET": "Slettet"}
BESLUTTER_STATUSES = {
    "KLAR_TIL_BESLUTTER": "Venter på kvalitetssikring",
    "KLAR_TIL_VEILEDER": "Sendt tilbake til veilederen",
    "GODKJENT_AV_BESLUTTER": "Godkjent av kvalitetssikrer",
}
# Where a record came from (an import keeps NAV's or Arena's decision as it was).
ORIGINS = {
    "ARBEIDSBRO": "Registrert i Arbeidsbro",
    "NAV_IMPORT": "Importert fra NAV",
    "ARENA_IMPORT": "Fra Arena",
}

# Kilder: NAV's three default sources (the veileder ticks them; the text is NAV's own) and the typed free ones.
DefaultSource = Literal["REGISTRERING", "CV_JOBBPROFIL", "EGENVURDERING"]
OtherSource = Literal["REFERAT", "DIALOG", "SLUTTRAPPORT", "LEGEERKLAERING", "ANNET"]
DEFAULT_SOURCES: dict[str, str] = {
    "REGISTRERING": "Det du fortalte oss da du ble registrert som arbeidssøker",
    "CV_JOBBPROFIL": "CV-en/jobbønskene dine på nav.no",
    "EGENVURDERING": "Svarene dine om behov for veiledning",
}
OTHER_SOURCES: dict[str, str] = {
    "REFERAT": "Referat fra møte med veilederen",
    "DIALOG": "Dialogmeldinger i aktivitetsplanen",
    "SLUTTRAPPORT": "Sluttrapport fra tiltaksarrangør",
    "LEGEERKLAERING": "Legeerklæring",
    "ANNET": "Annen kilde",
}
SOURCE_KINDS = {**DEFAULT_SOURCES, **OTHER_SOURCES}
SOURCE_TEXT_MAX = 500
MAX_OTHER_SOURCES = 20

# The help questions, each its own structured answer: the five of NAV's form (begrunnelse-infoboks) and the five
# of the behovsvurdering (NAV's presentation on KVP and §14a). They overlap in part and are kept apart on purpose.
FORM_QUESTIONS = {
    "MULIGHETER": "Hva tenker personen selv om mulighetene sine til å være eller komme i jobb?",
    "ONSKET_ARBEID": "Hvilke typer arbeid ønsker personen, og hva er realistisk i dagens arbeidsmarked?",
    "VEILEDNINGSBEHOV": "Hva slags veiledning trenger personen?",
    "BEGRENSNINGER": "Er jobbmulighetene begrenset, og hvorfor?",
    "TILTAKSBEHOV": "Trenger personen arbeidsrettede aktiviteter og tiltak, og hvorfor?",
}
ASSESSMENT_QUESTIONS = {
    "EGEN_VURDERING": "Hvordan vurderer bruker sine muligheter for å komme i jobb?",
    "ARBEIDSMAAL": "Hva slags arbeid har bruker som mål å skaffe seg?",
    "ENDRING_SIDEN_SIST": "Har noe endret seg siden forrige oppfølging?",
    "AVTALT": "Hva har NAV og bruker blitt enige om?",
    "NAV_VURDERING": "Hvordan har NAV vurdert innsatsbehovet?",
}
QUESTIONS = {**FORM_QUESTIONS, **ASSESSMENT_QUESTIONS}
ANSWER_MAX = 4_000


class Vedtak(VersionedMixin, TimestampMixin, Base):
    """One §14a decision or draft for one person. `current` marks the decision in force (one per person); a
    draft (`UTKAST`, one per person) becomes current when sent, or for the permanent groups when a second person
    approves it."""

    __tablename__ = "plan_vedtak"
    __table_args__ = (
        Index(
            "uq_plan_vedtak_current",
            "candidate_id",
            unique=True,
            sqlite_where=text("is_current"),
            postgresql_where=text("is_current"),
        ),
        Index(
            "uq_plan_vedtak_draft",
            "candidate_id",
            unique=True,
            sqlite_where=text("status = 'UTKAST'"),
            postgresql_where=text("status = 'UTKAST'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    # the office following the person up when the record was made (NAV's oppfolgingsenhet)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    referanse: Mapped[str] = mapped_column(String(36), unique=True)
    origin: Mapped[str] = mapped_column(String(20), default="ARBEIDSBRO")
    status: Mapped[VedtakStatus] = mapped_column(String(10), default="UTKAST")
    is_current: Mapped[bool] = mapped_column(Boolean, default=False)
    innsatsgruppe: Mapped[str | None] = mapped_column(String(40))
    hovedmal: Mapped[str | None] = mapped_column(String(20))
    begrunnelse: Mapped[str] = mapped_column(Text, default="")
    decision_date: Mapped[dt.date | None] = mapped_column(Date)
    drafted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    drafted_by_name: Mapped[str] = mapped_column(String(200), default="")
    beslutter_status: Mapped[str | None] = mapped_column(String(30))
    beslutter_note: Mapped[str] = mapped_column(Text, default="")
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    approved_by_name: Mapped[str | None] = mapped_column(String(200))
    approved_at: Mapped[dt.datetime | None]
    sent_at: Mapped[dt.datetime | None]
    # the re-assessment block (people on uføretrygd who want to work); capacity_percent, when given, becomes the
    # candidate's work capacity with the reason
    uforegrad: Mapped[int | None] = mapped_column(Integer)
    desired_hours_per_week: Mapped[float | None] = mapped_column(Float)
    changes_since_last: Mapped[str] = mapped_column(Text, default="")
    capacity_percent: Mapped[int | None] = mapped_column(Integer)
    capacity_reason: Mapped[str] = mapped_column(Text, default="")

    sources: Mapped[list[VedtakSource]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="VedtakSource.position"
    )
    answers: Mapped[list[VedtakAnswer]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True, order_by="VedtakAnswer.id"
    )

    @property
    def innsatsgruppe_v2(self) -> str | None:
        return INNSATSGRUPPE_V2.get(self.innsatsgruppe or "")

    @property
    def arena_code(self) -> str | None:
        return ARENA_CODES.get(self.innsatsgruppe or "")

    @property
    def needs_approval(self) -> bool:
        return self.innsatsgruppe in PERMANENT_GROUPS

    @property
    def answer_map(self) -> dict[str, str]:
        return {a.question: a.answer for a in self.answers}


class VedtakSource(Base):
    """A kilde the decision rests on: one of NAV's three defaults (their text is NAV's), or a typed one (referat,
    dialog, sluttrapport, legeerklæring, other) with its own text and date."""

    __tablename__ = "plan_vedtak_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    vedtak_id: Mapped[int] = mapped_column(ForeignKey("plan_vedtak.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(SOURCE_TEXT_MAX))
    date: Mapped[dt.date | None] = mapped_column(Date)


class VedtakAnswer(Base):
    """The answer to one help question (QUESTIONS) in the behovsvurdering."""

    __tablename__ = "plan_vedtak_answers"
    __table_args__ = (UniqueConstraint("vedtak_id", "question", name="uq_plan_vedtak_answers_question"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    vedtak_id: Mapped[int] = mapped_column(ForeignKey("plan_vedtak.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(30))
    answer: Mapped[str] = mapped_column(Text)


# The candidate's situation names the current record its innsatsgruppe follows (`innsatsgruppe_vedtak_id`, set by
# plans.service_vedtak); the foreign key is declared here, beside the table it points to, so the candidates domain
# never names a table of a higher one (and a process that has not mapped this table has no dangling key).
candidates_access.SITUATIONS_TABLE.append_constraint(
    ForeignKeyConstraint(["innsatsgruppe_vedtak_id"], ["plan_vedtak.id"], ondelete="SET NULL")
)
