"""One journal per person: notes and samtalereferat of the state and the municipal services in one place.

NAV's insight work on follow-up across state and municipality: "Notatføring er splittet i to" — what concerns the
social case goes into the municipal system, what concerns work-directed follow-up into the state's. Here both sit in
one journal, each entry marked with the service it belongs to, and who may read it follows from that service
(`READERS`, enforced in `plans.access_journal`): the municipal social service's entries by municipal staff of the
person's office, the state's by state staff, `ANNET` (cooperation with others: health services, school) by both.

Entries are append-only in history: every save writes a `JournalVersion` (who, what, when), a draft may be edited
(the row carries `version`, checked on every write), and once shared with the person it is read-only; a correction
is a new entry that refers to it (`corrects_id`). What the person sees is what has been shared
(`shared_with_person_at`); NAV's aktivitetsplan hides a referat's drafts from the participant in the same way.

The referat of a meeting (an activity of type MOTE or SAMTALEREFERAT) is such an entry too, of kind SAMTALEREFERAT
with `activity_id` naming the activity: one home for every referat, written and shared through the journal's
service, and the activity's rule "shared before FULLFORT" reads the entry's shared state."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from sqlalchemy import Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import Base, VersionedMixin, utcnow
from core.roles import Employment

Kind = Literal["NOTAT", "SAMTALEREFERAT"]
KINDS: tuple[Kind, ...] = get_args(Kind)
KIND_LABELS = {"NOTAT": "Notat", "SAMTALEREFERAT": "Samtalereferat"}
Service = Literal["STAT", "KOMMUNE_SOSIAL", "ANNET"]
SERVICES: tuple[Service, ...] = get_args(Service)
SERVICE_LABELS = {
    "STAT": "Statlig oppfølging (NAV stat)",
    "KOMMUNE_SOSIAL": "Kommunal sosialtjeneste",
    "ANNET": "Annet (felles for kontoret)",
}
# Who reads an entry of each service: follow-up caseworkers of the person's office with this employment.
READERS: dict[str, tuple[str, ...]] = {
    "STAT": (Employment.STAT.value,),
    "KOMMUNE_SOSIAL": (Employment.KOMMUNE.value,),
    "ANNET": (Employment.STAT.value, Employment.KOMMUNE.value),
}
# The history's transactions (NAV's AktivitetTransaksjonsType has REFERAT_OPPRETTET/ENDRET/PUBLISERT).
TRANSACTIONS = ("OPPRETTET", "ENDRET", "DELT")
TRANSACTION_LABELS = {"OPPRETTET": "opprettet", "ENDRET": "endret utkastet", "DELT": "delte med personen"}
TITLE_MAX = 100
TEXT_MAX = 5000


def services_readable_by(employment: str | None) -> tuple[str, ...]:
    """The services whose entries a follow-up caseworker with this employment reads (Python side of READERS)."""
    return tuple(s for s, readers in READERS.items() if employment in readers)


class JournalEntry(VersionedMixin, Base):
    """The current state of one entry; its history is in `JournalVersion`."""

    __tablename__ = "plan_journal_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20), index=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)
    event_date: Mapped[dt.date] = mapped_column(Date)
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_journal_entries.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    shared_with_person_at: Mapped[dt.datetime | None]
    shared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The MOTE or SAMTALEREFERAT activity whose referat this is (one referat per activity); None for a note
    # written in the journal itself.
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("plan_activities.id", ondelete="SET NULL"), unique=True
    )

    versions: Mapped[list[JournalVersion]] = relationship(
        back_populates="entry",
        lazy="raise",
        order_by="JournalVersion.version",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def is_shared(self) -> bool:
        return self.shared_with_person_at is not None

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def service_label(self) -> str:
        return SERVICE_LABELS.get(self.service, self.service)


class JournalVersion(Base):
    """Append-only: one row per save of an entry (created, draft edited, shared), never changed afterwards."""

    __tablename__ = "plan_journal_versions"
    __table_args__ = (UniqueConstraint("entry_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("plan_journal_entries.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    change_type: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    service: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    text: Mapped[str] = mapped_column(Text)
    event_date: Mapped[dt.date] = mapped_column(Date)
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    # NAV's Innsender: BRUKER, NAV, SYSTEM (only NAV writes the journal today)
    changed_by_type: Mapped[str] = mapped_column(String(10), default="NAV")

    entry: Mapped[JournalEntry] = relationship(back_populates="versions", lazy="raise")

    @property
    def transaction_label(self) -> str:
        return TRANSACTION_LABELS.get(self.change_type, self.change_type)
