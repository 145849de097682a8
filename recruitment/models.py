"""Candidate lists, their entries and every change to them; labelled outcomes and weight model versions."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, TimestampMixin, utcnow

ENTRY_STATUSES = {
    "VURDERES": "Vurderes",
    "KONTAKTET": "Kontaktet",
    "AKTUELL": "Aktuell",
    "TIL_INTERVJU": "Til intervju",
    "UAKTUELL": "Uaktuell",
    "UINTERESSERT": "Uinteressert",
}
OUTCOMES = {"IKKE_PRESENTERT": "Ikke presentert", "PRESENTERT": "Presentert", "FATT_JOBBEN": "Fått jobben"}
EMPLOYER_ANSWERS = {
    "interessant": "Interessant",
    "intervju": "Ønsker intervju",
    "ansatt": "Ansatt",
    "ikke aktuell": "Ikke aktuell",
}


class CandidateList(TimestampMixin, Base):
    """One list per opening: the people staff consider for it."""

    __tablename__ = "candidate_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    weights_version: Mapped[str] = mapped_column(String(40), default="default")

    entries: Mapped[list[CandidateListEntry]] = relationship(
        back_populates="candidate_list", lazy="raise", order_by="CandidateListEntry.id", passive_deletes=True
    )


class CandidateListEntry(TimestampMixin, Base):
    __tablename__ = "candidate_list_entries"
    __table_args__ = (
        UniqueConstraint("list_id", "candidate_id", name="uq_candidate_list_entries_list_candidate"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("candidate_lists.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="VURDERES")
    status_reason: Mapped[str | None] = mapped_column(String(500))
    outcome: Mapped[str] = mapped_column(String(20), default="IKKE_PRESENTERT")
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Sharing is an act by a person (consent only permits it): who shared, and the reason when the sensitive-text
    # check's marks were overridden. Withdrawing the share clears shared_at (the events keep the history).
    shared_at: Mapped[dt.datetime | None]
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shared_by_name: Mapped[str | None] = mapped_column(String(200))
    share_override_reason: Mapped[str | None] = mapped_column(Text)
    employer_answer: Mapped[str | None] = mapped_column(String(20))
    employer_answer_reason: Mapped[str | None] = mapped_column(String(500))
    employer_answered_at: Mapped[dt.datetime | None]

    candidate_list: Mapped[CandidateList] = relationship(back_populates="entries", lazy="raise")


class EntryEvent(Base):
    """Every change to an entry, with who and when (the list's history)."""

    __tablename__ = "candidate_list_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("candidate_list_entries.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor_name: Mapped[str] = mapped_column(String(200), default="system")
    kind: Mapped[str] = mapped_column(
        String(20)
    )  # added, status, outcome, shared, unshared, answer, override
    old_value: Mapped[str | None] = mapped_column(String(40))
    new_value: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)


class MatchOutcome(Base):
    """A labelled pair for learning: the score components when it was ranked, and what happened."""

    __tablename__ = "match_outcomes"
    __table_args__ = (UniqueConstraint("entry_id", "source", name="uq_match_outcomes_entry_source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("candidate_list_entries.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(20))  # employer_answer, outcome, status
    label: Mapped[int] = mapped_column(Integer)
    components: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class WeightModelVersion(Base):
    """A trained weight model; only one is active, and only after it beat the defaults on held-out outcomes."""

    __tablename__ = "weight_models"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    weights: Mapped[dict[str, Any]] = mapped_column(default=dict)
    metrics: Mapped[dict[str, Any]] = mapped_column(default=dict)
    n_samples: Mapped[int] = mapped_column(Integer, default=0)
    trained_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class TopMatch(Base):
    """The nightly re-match's stored top candidates per published opening (feasible pairs only), so the next
    run can tell which strong matches are new and notify about those alone."""

    __tablename__ = "recruitment_top_matches"

    opening_id: Mapped[int] = mapped_column(ForeignKey("openings.id", ondelete="CASCADE"), primary_key=True)
    candidate_id: Mapped[int] = mapped_column(
        ForeignKey("candidates.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    rank: Mapped[int] = mapped_column(Integer)
    score: Mapped[float] = mapped_column(Float)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
