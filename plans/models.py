"""The plan's tables: the oppfølgingsperiode (which owns the person's one plan), goals per life area with "Mitt mål"
and their history, activities (the current state, one row each) and their append-only versions.

Code lists are NAV's own enum names (navikt/veilarbaktivitet, navikt/veilarboppfolging; the domain reference
PLAN-KVP-PARTICIPANT.md §1), so activities can be exchanged one to one; the labels are what NAV's aktivitetsplan
shows the participant. Life areas, providers and the named responsible person are ours (W2-1): municipal and health
services sit in the same plan as the state's work-directed activities.

Other domains are referenced by foreign key only (candidates, offices, users)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, Session, mapped_column

from core.models import Base, TimestampMixin, VersionedMixin, utcnow

# --- code lists (NAV's names → bokmål labels) ---------------------------------------------------------------

# OppfolgingStartBegrunnelse (vbo)
START_REASONS = {
    "MANUELL_REGISTRERING_VEILEDER": "Registrert av veileder",
    "MANUELL_REGISTRERING_BRUKER": "Registrert av personen selv",
    "ARBEIDSSOKER_REGISTRERING": "Registrert som arbeidssøker",
    "ARENA_SYNC_ARBS": "Overført fra Arena (arbeidssøker)",
    "ARENA_SYNC_IARBS": "Overført fra Arena (ikke arbeidssøker)",
    "SYKMELDT_UTEN_ARBEIDSGIVER_4_UKER": "Sykmeldt uten arbeidsgiver i fire uker",
}

LIFE_AREAS = {
    "ARBEID": "Arbeid",
    "KVALIFISERING": "Kvalifisering og utdanning",
    "OKONOMI": "Økonomi",
    "BOLIG": "Bolig",
    "HELSE": "Helse",
    "FAMILIE_NETTVERK": "Familie og nettverk",
}

# Innsender (vba): who made a change. The participant (BRUKER) writes through the person's own channel; staff are
# NAV whether state or municipal; SYSTEM is the application itself (period end, derived cards).
INNSENDER = {"BRUKER": "Personen selv", "NAV": "NAV", "SYSTEM": "Systemet"}

# AktivitetTypeDTO (vba), the API names
ACTIVITY_TYPES = {
    "EGEN": "Jobbrettet egenaktivitet",
    "STILLING": "Stilling jeg vil søke på",
    "SOKEAVTALE": "Jobbsøking (avtale om antall søknader)",
    "IJOBB": "Jobb jeg har nå",
    "BEHANDLING": "Medisinsk behandling",
    "MOTE": "Møte med NAV",
    "SAMTALEREFERAT": "Samtalereferat",
    "STILLING_FRA_NAV": "Stilling fra NAV",
    "EKSTERNAKTIVITET": "Tiltak og avtaler",
}
# The types staff create in the plan; STILLING_FRA_NAV comes only from the recruitment flow and EKSTERNAKTIVITET
# cards from other systems (vba AktivitetAppService).
CREATABLE_TYPES = ("EGEN", "STILLING", "SOKEAVTALE", "IJOBB", "BEHANDLING", "MOTE", "SAMTALEREFERAT")
# What the participant may create and change (§1.4); MOTE and SAMTALEREFERAT belong to the veileder.
PERSON_CREATES = ("BEHANDLING", "EGEN", "STILLING", "IJOBB")
PERSON_CHANGES = ("EGEN", "STILLING", "SOKEAVTALE", "IJOBB", "BEHANDLING", "STILLING_FRA_NAV")
MEETING_TYPES = ("MOTE", "SAMTALEREFERAT")

# AktivitetStatus (vba), in board order, with the labels NAV's plan shows the participant
STATUSES = {
    "BRUKER_ER_INTERESSERT": "Forslag",
    "PLANLAGT": "Planlegger",
    "GJENNOMFORES": "Gjennomfører",
    "FULLFORT": "Fullført",
    "AVBRUTT": "Avbrutt",
}
FINAL_STATUSES = ("FULLFORT", "AVBRUTT")

# AktivitetTransaksjonsType (vba)
TRANSACTIONS = {
    "OPPRETTET": "opprettet aktiviteten",
    "STATUS_ENDRET": "endret status",
    "DETALJER_ENDRET": "endret detaljer",
    "AVTALT": "merket aktiviteten som «Avtalt med NAV»",
    "AVTALT_DATO_ENDRET": "endret fristen",
    "ETIKETT_ENDRET": "endret tilstanden på søknaden",
    "MOTE_TID_OG_STED_ENDRET": "endret tid eller sted for møtet",
    "REFERAT_OPPRETTET": "skrev referat",
    "REFERAT_ENDRET": "endret referatet",
    "REFERAT_PUBLISERT": "delte referatet",
    "BLE_HISTORISK": "Aktiviteten ble automatisk arkivert",
    "FORHAANDSORIENTERING_LEST": "bekreftet å ha lest informasjon om ansvaret sitt",
    "DEL_CV_SVART": "svarte på deling av CV",
    "SOKNADSSTATUS_ENDRET": "endret søknadsstatus",
    "IKKE_FATT_JOBBEN": "fikk ikke jobben",
    "FATT_JOBBEN": "fikk jobben",
    "KASSERT": "kasserte aktiviteten",
}

# Providers: who delivers the activity (ours; the proposal's stat / kommune / spesialisthelse / fastlege / skole)
PROVIDERS = {
    "NAV_STAT": "NAV (statlig)",
    "KOMMUNE_SOSIAL": "Kommunens sosiale tjenester",
    "HELSE": "Helsetjenesten",
    "SKOLE": "Skole eller utdanning",
    "ANNET": "Annen",
}

# Sub-enums (vba)
STILLING_ETIKETTER = {
    "SOKNAD_SENDT": "Søknaden er sendt",
    "INNKALT_TIL_INTERVJU": "Skal på intervju",
    "AVSLAG": "Ikke fått jobben",
    "JOBBTILBUD": "Fått jobbtilbud",
}
JOBB_STATUS = {"HELTID": "Heltid", "DELTID": "Deltid"}
KANALER = {"OPPMOTE": "Oppmøte", "TELEFON": "Telefonmøte", "INTERNETT": "Videomøte"}
SOKNADSSTATUS = {
    "VENTER": "Venter på å bli kontaktet",
    "CV_DELT": "CV-en er delt med arbeidsgiveren",
    "SKAL_PAA_INTERVJU": "Skal på intervju",
    "JOBBTILBUD": "Fått jobbtilbud",
    "AVSLAG": "Arbeidsgiveren har takket nei",
    "IKKE_FATT_JOBBEN": "Ikke fått jobben",
    "FATT_JOBBEN": "Fått jobben",
}
# AktivitetskortType (vba) for the external cards this product derives (the rest of NAV's list is for exchange)
KORT_TYPER = {
    "MIDLERTIDIG_LONNSTILSKUDD": "Midlertidig lønnstilskudd",
    "VARIG_LONNSTILSKUDD": "Varig lønnstilskudd",
    "ARBEIDSTRENING": "Arbeidstrening",
    "MENTOR": "Mentor",
    "VARIG_TILRETTELAGT_ARBEID_I_ORDINAER_VIRKSOMHET": "Varig tilrettelagt arbeid i ordinær virksomhet",
    "ARENA_TILTAK": "Tiltak fra Arena",
    "INDOPPFAG": "Oppfølging",
    "ARBFORB": "Arbeidsforberedende trening",
    "AVKLARAG": "Avklaring",
    "JOBBK": "Jobbklubb",
    "GRUPPEAMO": "Arbeidsmarkedsopplæring (gruppe)",
    "ENKELAMO": "Arbeidsmarkedsopplæring (enkeltplass)",
    "FIREARIG_LONNSTILSKUDD": "Fireårig lønnstilskudd",
    "SOMMERJOBB": "Sommerjobb",
}


class PlanPeriod(VersionedMixin, TimestampMixin, Base):
    """An oppfølgingsperiode: from start to end (open while `end_date` is None); it owns the person's plan, so the
    goals and activities hang on it. At most one open period per person (service rule)."""

    __tablename__ = "plan_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    start_date: Mapped[dt.date]
    end_date: Mapped[dt.date | None]
    started_reason: Mapped[str] = mapped_column(String(40))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    ended_by_name: Mapped[str | None] = mapped_column(String(200))
    end_reason: Mapped[str | None] = mapped_column(String(500))

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def started_reason_label(self) -> str:
        return START_REASONS.get(self.started_reason, self.started_reason)


class PlanGoal(Base):
    """A goal as written at one moment: a life area's goal, or "Mitt mål" (life_area None). Append-only: a new
    text is a new row, and the row it replaces gets `superseded_at`; the rows of one area are its history."""

    __tablename__ = "plan_goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("plan_periods.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    life_area: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(500), default="")
    written_by_type: Mapped[str] = mapped_column(String(10))
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    written_by_name: Mapped[str] = mapped_column(String(200), default="")
    valid_from: Mapped[dt.datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[dt.datetime | None]

    @property
    def area_label(self) -> str:
        return LIFE_AREAS.get(self.life_area, "Mitt mål") if self.life_area else "Mitt mål"


class PlanActivity(VersionedMixin, TimestampMixin, Base):
    """An activity as it is now (one row each; every change bumps `version` and appends a PlanActivityVersion).
    `details` holds the type's own fields (NAV's names, checked per type by the service)."""

    __tablename__ = "plan_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("plan_periods.id", ondelete="CASCADE"), index=True)
    candidate_id: Mapped[int] = mapped_column(ForeignKey("candidates.id", ondelete="CASCADE"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("offices.id"), index=True)
    type: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30))
    from_date: Mapped[dt.date | None]
    to_date: Mapped[dt.date | None]
    link: Mapped[str] = mapped_column(String(2000), default="")
    avtalt: Mapped[bool] = mapped_column(Boolean, default=False)
    end_comment: Mapped[str | None] = mapped_column(String(255))
    life_area: Mapped[str] = mapped_column(String(20))
    provider: Mapped[str] = mapped_column(String(20))
    provider_org: Mapped[str] = mapped_column(String(200), default="")
    responsible_name: Mapped[str] = mapped_column(String(200), default="")
    responsible_org: Mapped[str] = mapped_column(String(200), default="")
    responsible_phone: Mapped[str] = mapped_column(String(40), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # A card derived from another domain that someone made a stored activity (e.g. "ips-jobb:12"): the derived
    # card is then no longer shown beside it.
    source_key: Mapped[str | None] = mapped_column(String(60))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_type: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    transaction_type: Mapped[str] = mapped_column(String(40))
    historic_at: Mapped[dt.datetime | None]

    @property
    def type_label(self) -> str:
        return ACTIVITY_TYPES.get(self.type, self.type)

    @property
    def status_label(self) -> str:
        return STATUSES.get(self.status, self.status)

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_historic(self) -> bool:
        return self.historic_at is not None

    @property
    def editable(self) -> bool:
        """NAV's `endringTillatt()`: neither a final status nor historical."""
        return not self.is_final and not self.is_historic


class PlanActivityVersion(Base):
    """One version of an activity: the whole state after a change, who made it (innsender and name), the
    transaction and when. Rows are only ever added (an ORM guard refuses updates and deletes)."""

    __tablename__ = "plan_activity_versions"
    __table_args__ = (UniqueConstraint("activity_id", "version", name="uq_plan_activity_versions_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("plan_activities.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(30))
    transaction_type: Mapped[str] = mapped_column(String(40))
    changed_by_type: Mapped[str] = mapped_column(String(10))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_by_name: Mapped[str] = mapped_column(String(200), default="")
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str] = mapped_column(Text, default="")

    @property
    def transaction_label(self) -> str:
        return TRANSACTIONS.get(self.transaction_type, self.transaction_type)


class AppendOnly(Exception):
    """A change or deletion of a history row (activity versions, goals) through the ORM."""


@event.listens_for(Session, "before_flush")
def _history_is_append_only(session: Session, _ctx: Any, _instances: Any) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, PlanActivityVersion) and (obj in session.deleted or session.is_modified(obj)):
            raise AppendOnly("Historikken for en aktivitet kan ikke endres eller slettes.")
        if isinstance(obj, PlanGoal):
            changed = {a.key for a in inspect(obj).attrs if a.history.has_changes()}
            if obj in session.deleted or changed - {"superseded_at"}:
                raise AppendOnly("Historikken for et mål kan ikke endres eller slettes.")
