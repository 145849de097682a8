"""The journal's use cases: list, read, write, edit a draft, share with the person, and what the person sees.

Access is `plans.access_journal` (follow-up caseworkers of the person's office, by service and employment); every
read is audit-logged — the person's record (`candidate`) and each entry read (`plan_journal_entry`) — and every
write too. Writes keep the history: each save adds a `JournalVersion`, a stale `version` is refused (409,
`core.locking`), a shared entry is read-only (409; a correction is a new entry with `corrects_id`).

TryggTekst (`plans.tryggtekst`): a save whose text will be shown to others and names health details returns the
warning with the saved entry (`Saved.warnings`); with `confirm_needed` (the pages) it is refused until
`confirmed`, so the writer sees the warning before anything is saved.

A meeting's referat (activities of type MOTE and SAMTALEREFERAT) is a SAMTALEREFERAT entry linked to the activity
(`activity_id`), written here (`save_referat`, from the activity's page and API) under the same rules: its service
follows the activity's provider where the writer works in it (else the writer's own), its readers are that
service's, a draft is invisible to the person, and once shared it is read-only. Every change of a linked entry,
here or from the journal's own pages, is also a REFERAT_* version of the activity (`plans.activity_versions`) and
needs the activity to be editable; the activity's "shared before FULLFORT" reads `referat_shared`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from candidates import access as candidates_access
from core import audit
from core.cleaning import EVENT_DATE, Cleaner, blank
from core.errors import AccessDenied, Conflict, Forbidden, ValidationFailed
from core.formatting import today_in_oslo
from core.locking import check_version
from core.models import User, utcnow
from plans import access, activity_versions, tryggtekst
from plans.access_journal import may_use_journal, readable_entries, services_for, shared_with_person
from plans.models import MEETING_TYPES, PlanActivity
from plans.models_journal import (
    KIND_LABELS,
    KINDS,
    SERVICE_LABELS,
    SERVICES,
    TEXT_MAX,
    TITLE_MAX,
    JournalEntry,
    JournalVersion,
)

SUBJECT = "plan_journal_entry"
EDITABLE = ("kind", "service", "title", "text", "event_date")
LABELS = {
    "kind": "Type",
    "service": "Tjeneste",
    "title": "Tittel",
    "text": "Tekst",
    "event_date": "Dato",
}
SHARED_READ_ONLY = "Notatet er delt med personen og kan ikke endres lenger. Skriv et nytt notat som retter det (velg «Retter»)."
WRONG_SERVICE = "Du kan bare skrive i journalen til tjenesten du er ansatt i, eller under «Annet»."
CORRECTS_NOT_FOUND = "Fant ikke notatet som rettes (det må høre til samme person)."
CONFIRM_FIELD = "confirm_sensitive"
# A meeting's referat (messages the plan API lists as rules beyond the schema: keep the texts in step)
MSG_NO_REFERAT = "Bare møter og samtalereferater har referat."
MSG_REFERAT_EMPTY = "Skriv referatet før det deles."
MSG_REFERAT_CLEARED = "Et lagret referat kan ikke tømmes. Skriv referatet."
MSG_REFERAT_SHARED = (
    "Referatet er delt med personen og kan ikke endres lenger. Skriv et notat i journalen som retter det."
)
MSG_REFERAT_WRITER = "Et referat skrives av en veileder eller jobbspesialist (det føres i journalen)."
MSG_REFERAT_KIND = "Referatet til et møte eller en samtale er et samtalereferat."
MSG_REFERAT_OTHER_SERVICE = (
    "Referatet er ført i journalen for {service}. Bare de som er ansatt der, kan endre eller dele det."
)
# The journal's service of a referat, from the activity's provider (when the writer works in that service).
PROVIDER_SERVICE = {"NAV_STAT": "STAT", "KOMMUNE_SOSIAL": "KOMMUNE_SOSIAL"}


@dataclass
class Saved:
    """A saved entry and TryggTekst's warnings about it (empty when none)."""

    entry: JournalEntry
    warnings: list[tryggtekst.Mark] = field(default_factory=list)

    @property
    def warning(self) -> str | None:
        if not self.warnings:
            return None
        return tryggtekst.message(self.warnings, service=self.entry.service, shared=self.entry.is_shared)


@dataclass(frozen=True)
class PersonEntry:
    """An entry as the person sees it: what was shared, when, and by which service (no drafts, no history)."""

    id: int
    kind: str
    kind_label: str
    service_label: str
    title: str
    text: str
    event_date: dt.date
    shared_at: dt.datetime
    written_by: str


# --- reads ----------------------------------------------------------------------------------------------------


def _refused(actor: User | None, subject_type: str, subject_id: object, purpose: str) -> AccessDenied:
    return AccessDenied(
        subject_type=subject_type,
        subject_id=subject_id,
        actor_id=actor.id if actor else None,
        purpose=purpose,
    )


def journal_person(session: Session, *, actor: User, candidate_id: int, purpose: str) -> Any:
    """The person whose journal is read: the candidates domain's rule (office, audit of the read) for a
    follow-up caseworker; everyone else is refused (404, logged)."""
    if not may_use_journal(actor):
        raise _refused(actor, "candidate", candidate_id, purpose)
    return candidates_access.get_candidate(session, actor=actor, candidate_id=candidate_id, purpose=purpose)


def list_entries(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    service: str | None = None,
    purpose: str = "oppfølging: journal",
) -> tuple[Any, list[JournalEntry]]:
    """The person and the journal entries the actor reads, newest first (optionally one service's); the read of
    the person and of each entry is logged."""
    if service is not None and service not in SERVICES:
        raise ValidationFailed(f"Ukjent tjeneste: {service!r}.", field="service")
    person = journal_person(session, actor=actor, candidate_id=candidate_id, purpose=purpose)
    stmt = readable_entries(actor).where(JournalEntry.candidate_id == person.id)
    if service is not None:
        stmt = stmt.where(JournalEntry.service == service)
    entries = list(
        session.scalars(
            stmt.order_by(JournalEntry.event_date.desc(), JournalEntry.id.desc()).execution_options(
                populate_existing=True
            )
        )
    )
    audit.record_many(
        session,
        actor=actor,
        subject_type=SUBJECT,
        subject_ids=[e.id for e in entries],
        purpose=purpose,
        detail=f"candidate {person.id}",
    )
    return person, entries


def get_entry(
    session: Session,
    *,
    actor: User,
    entry_id: int,
    purpose: str = "oppfølging: journal",
    history: bool = False,
) -> JournalEntry:
    """One entry the actor reads (404, logged, otherwise); `history` loads its versions. The read is logged for
    the entry and for its person."""
    stmt = (
        readable_entries(actor).where(JournalEntry.id == entry_id).execution_options(populate_existing=True)
    )
    if history:
        stmt = stmt.options(selectinload(JournalEntry.versions))
    entry = session.scalar(stmt)
    if entry is None:
        raise _refused(actor, SUBJECT, entry_id, purpose)
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type=SUBJECT,
        subject_id=entry.id,
        purpose=purpose,
        detail=f"candidate {entry.candidate_id}",
    )
    audit.record(
        session,
        actor=actor,
        action="read",
        subject_type="candidate",
        subject_id=entry.candidate_id,
        purpose=purpose,
    )
    return entry


def _for_change(session: Session, actor: User, entry_id: int, purpose: str) -> JournalEntry:
    entry = session.scalar(
        readable_entries(actor).where(JournalEntry.id == entry_id).execution_options(populate_existing=True)
    )
    if entry is None:
        raise _refused(actor, SUBJECT, entry_id, purpose)
    return entry


def entries_for_person(
    session: Session, *, candidate_id: int, actor: User | None = None
) -> list[PersonEntry]:
    """What the person sees of their journal: the shared entries of every service, newest first; a draft (a
    referat not yet shared) never. `actor` is the person's own door when it comes (None: the system on their
    behalf); it reads only this person's shared entries, so nothing is logged as someone else's read."""
    if actor is not None:
        raise _refused(actor, "candidate", candidate_id, "journal (personens visning)")
    rows = session.scalars(
        shared_with_person(candidate_id).order_by(
            JournalEntry.shared_with_person_at.desc(), JournalEntry.id.desc()
        )
    ).all()
    return [_as_shared(e) for e in rows]


def _as_shared(entry: JournalEntry) -> PersonEntry:
    shared_at = entry.shared_with_person_at
    assert shared_at is not None  # shared_with_person() reads only shared entries
    return PersonEntry(
        id=entry.id,
        kind=entry.kind,
        kind_label=entry.kind_label,
        service_label=entry.service_label,
        title=entry.title,
        text=entry.text,
        event_date=entry.event_date,
        shared_at=shared_at,
        written_by=entry.created_by_name,
    )


# --- writes ---------------------------------------------------------------------------------------------------


def _clean(data: Mapping[str, Any], actor: User, *, partial: bool) -> dict[str, Any]:
    c = Cleaner(data, partial=partial)
    c.choice("kind", "Type", KINDS, required=True, message="Velg notat eller samtalereferat.")
    c.choice(
        "service", "Tjeneste", SERVICES, required=True, message="Velg hvilken tjeneste notatet hører til."
    )
    c.text("title", "Tittel", required=True, max_len=TITLE_MAX)
    c.text("text", "Tekst", required=True, max_len=TEXT_MAX)
    if not partial and blank(data.get("event_date")):
        c.out["event_date"] = today_in_oslo()  # the day it is written, unless another day is given
    else:
        c.date("event_date", "Dato", required=True, bounds=EVENT_DATE)
    out = c.done()
    if "service" in out and out["service"] not in services_for(actor):
        raise ValidationFailed(WRONG_SERVICE, field="service")
    return out


def _version_row(entry: JournalEntry, actor: User, change_type: str) -> JournalVersion:
    return JournalVersion(
        entry_id=entry.id,
        version=entry.version,
        change_type=change_type,
        kind=entry.kind,
        service=entry.service,
        title=entry.title,
        text=entry.text,
        event_date=entry.event_date,
        changed_at=utcnow(),
        changed_by_id=actor.id,
        changed_by_name=actor.name,
        changed_by_type="NAV",
    )


def _recorded(
    session: Session, entry: JournalEntry, actor: User, change_type: str, *, action: str, purpose: str
) -> None:
    """After a change is flushed (so the row's id and version are final): its version row and its audit entry."""
    session.add(_version_row(entry, actor, change_type))
    audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=entry.id,
        purpose=purpose,
        detail=f"candidate {entry.candidate_id}",
    )
    session.flush()


def _check_confirmed(
    warnings: list[tryggtekst.Mark], *, service: str, shared: bool, confirm_needed: bool, confirmed: bool
) -> None:
    if warnings and confirm_needed and not confirmed:
        raise ValidationFailed(
            tryggtekst.message(warnings, service=service, shared=shared), field=CONFIRM_FIELD
        )


def _linked_activity(session: Session, actor: User, entry: JournalEntry, purpose: str) -> PlanActivity | None:
    """The activity whose referat the entry is (None for a note of the journal's own): a change of the referat
    is a change of the activity, so it must be editable (not final, not historical)."""
    if entry.activity_id is None:
        return None
    activity = access.activity_in_reach(session, actor=actor, activity_id=entry.activity_id, purpose=purpose)
    activity_versions.check_editable(activity)
    return activity


def _add(
    session: Session,
    actor: User,
    person: Any,
    values: Mapping[str, Any],
    *,
    purpose: str,
    corrects_id: int | None = None,
    activity: PlanActivity | None = None,
) -> JournalEntry:
    now = utcnow()
    entry = JournalEntry(
        candidate_id=person.id,
        office_id=person.office_id,
        corrects_id=corrects_id,
        activity_id=activity.id if activity else None,
        created_at=now,
        created_by_id=actor.id,
        created_by_name=actor.name,
        updated_at=now,
        updated_by_id=actor.id,
        **values,
    )
    session.add(entry)
    session.flush()
    _recorded(session, entry, actor, "OPPRETTET", action="create", purpose=purpose)
    if activity is not None:
        activity_versions.record(session, activity, actor, "REFERAT_OPPRETTET")
    return entry


def _change(
    session: Session,
    actor: User,
    entry: JournalEntry,
    changed: Mapping[str, Any],
    *,
    purpose: str,
    activity: PlanActivity | None,
) -> None:
    for k, v in changed.items():
        setattr(entry, k, v)
    entry.updated_at = utcnow()
    entry.updated_by_id = actor.id
    session.flush()  # the row's version moves on here (VersionedMixin)
    _recorded(
        session,
        entry,
        actor,
        "ENDRET",
        action="update",
        purpose=f"{purpose}: {', '.join(LABELS[k].lower() for k in changed)}",
    )
    if activity is not None:
        activity_versions.record(session, activity, actor, "REFERAT_ENDRET")


def _share(
    session: Session, actor: User, entry: JournalEntry, *, purpose: str, activity: PlanActivity | None
) -> None:
    now = utcnow()
    entry.shared_with_person_at = now
    entry.shared_by_id = actor.id
    entry.updated_at = now
    entry.updated_by_id = actor.id
    session.flush()
    _recorded(session, entry, actor, "DELT", action="share", purpose=purpose)
    if activity is not None:
        activity_versions.record(session, activity, actor, "REFERAT_PUBLISERT")


def create_entry(
    session: Session,
    *,
    actor: User,
    candidate_id: int,
    data: Mapping[str, Any],
    confirm_needed: bool = False,
    confirmed: bool = False,
) -> Saved:
    """A new entry (a draft until shared): `kind`, `service`, `title`, `text`, `event_date` (default today),
    `corrects_id` (an entry of the same person it corrects). A meeting's referat is written on its activity
    (`save_referat`)."""
    purpose = "oppfølging: journal (nytt notat)"
    if not may_use_journal(actor):
        raise _refused(actor, "candidate", candidate_id, purpose)
    person = candidates_access.load_for_change(
        session, actor=actor, candidate_id=candidate_id, purpose=purpose
    )
    values = _clean(data, actor, partial=False)
    raw_corrects = data.get("corrects_id")
    corrects_id: int | None = None
    if raw_corrects is not None and raw_corrects != "":
        try:
            corrects_id = int(raw_corrects)
        except (TypeError, ValueError) as exc:
            raise ValidationFailed(CORRECTS_NOT_FOUND, field="corrects_id") from exc
        corrected = session.scalar(
            readable_entries(actor).where(
                JournalEntry.id == corrects_id, JournalEntry.candidate_id == person.id
            )
        )
        if corrected is None:
            raise ValidationFailed(CORRECTS_NOT_FOUND, field="corrects_id")
    warnings = tryggtekst.warnings_for(
        title=values["title"], text=values["text"], service=values["service"], shared=False
    )
    _check_confirmed(
        warnings, service=values["service"], shared=False, confirm_needed=confirm_needed, confirmed=confirmed
    )
    entry = _add(session, actor, person, values, purpose=purpose, corrects_id=corrects_id)
    return Saved(entry, warnings)


def update_draft(
    session: Session,
    *,
    actor: User,
    entry_id: int,
    data: Mapping[str, Any],
    version: Any,
    confirm_needed: bool = False,
    confirmed: bool = False,
) -> Saved:
    """Edit a draft (the fields sent; `version` the one read: older → 409 naming what changed). The earlier text
    stays in the history. A shared entry is read-only (409). A meeting's referat stays a samtalereferat, and is
    edited only while its activity may change."""
    purpose = "oppfølging: journal (endret utkast)"
    entry = _for_change(session, actor, entry_id, purpose)
    values = _clean(data, actor, partial=True)
    check_version(session, entry, version, subject_type=SUBJECT, label="Notatet", fields=values)
    if entry.is_shared:
        raise Conflict(SHARED_READ_ONLY, field="version")
    changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
    if entry.activity_id is not None and changed.get("kind", "SAMTALEREFERAT") != "SAMTALEREFERAT":
        raise ValidationFailed(MSG_REFERAT_KIND, field="kind")
    after = {k: changed.get(k, getattr(entry, k)) for k in EDITABLE}
    warnings = tryggtekst.warnings_for(
        title=after["title"], text=after["text"], service=after["service"], shared=False
    )
    if not changed:
        return Saved(entry, warnings)
    activity = _linked_activity(session, actor, entry, purpose)
    _check_confirmed(
        warnings, service=after["service"], shared=False, confirm_needed=confirm_needed, confirmed=confirmed
    )
    _change(session, actor, entry, changed, purpose=purpose, activity=activity)
    return Saved(entry, warnings)


def share_with_person(
    session: Session,
    *,
    actor: User,
    entry_id: int,
    version: Any = None,
    confirm_needed: bool = False,
    confirmed: bool = False,
) -> Saved:
    """Share the entry with the person: from now on they see it, and it can no longer be edited. Logged as a
    share (audit) and in the entry's history (and a referat's in its activity's: REFERAT_PUBLISERT)."""
    purpose = "oppfølging: journal (delt med personen)"
    entry = _for_change(session, actor, entry_id, purpose)
    check_version(session, entry, version, subject_type=SUBJECT, label="Notatet")
    if entry.is_shared:
        raise Conflict("Notatet er allerede delt med personen.", field="version")
    activity = _linked_activity(session, actor, entry, purpose)
    warnings = tryggtekst.warnings_for(title=entry.title, text=entry.text, service=entry.service, shared=True)
    _check_confirmed(
        warnings, service=entry.service, shared=True, confirm_needed=confirm_needed, confirmed=confirmed
    )
    _share(session, actor, entry, purpose=purpose, activity=activity)
    return Saved(entry, warnings)


# --- a meeting's referat --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Referat:
    """A meeting's referat as the activity's reader meets it: whether there is one, whether it is shared (and
    when), its service; the entry itself only when the reader's service reads it (the read then logged)."""

    entry: JournalEntry | None
    exists: bool
    shared_at: dt.datetime | None
    service_label: str
    warnings: list[tryggtekst.Mark] = field(default_factory=list)

    @property
    def shared(self) -> bool:
        return self.shared_at is not None

    @property
    def readable(self) -> bool:
        return self.entry is not None

    @property
    def warning(self) -> str | None:
        if not self.warnings or self.entry is None:
            return None
        return tryggtekst.message(self.warnings, service=self.entry.service, shared=self.entry.is_shared)


def _referat_entry(session: Session, activity_id: int) -> JournalEntry | None:
    return session.scalar(
        select(JournalEntry)
        .where(JournalEntry.activity_id == activity_id)
        .execution_options(populate_existing=True)
    )


def referat_shared(session: Session, *, activity_id: int) -> bool:
    """Whether the activity's referat is shared with the person (NAV's referatPublisert): the state, no text
    read, nothing logged."""
    shared_at = session.scalar(
        select(JournalEntry.shared_with_person_at).where(JournalEntry.activity_id == activity_id)
    )
    return shared_at is not None


def referat_service(provider: str, actor: User) -> str:
    """The journal service of a new referat: the activity provider's (state NAV → STAT, the municipality's social
    services → KOMMUNE_SOSIAL, others → ANNET) when the writer works in it, else the writer's own service."""
    service = PROVIDER_SERVICE.get(provider, "ANNET")
    own = services_for(actor)
    return service if service in own else (own[0] if own else service)


def referat_of(session: Session, *, actor: User, activity: PlanActivity, purpose: str) -> Referat:
    """The referat of a meeting the actor reads (`activity` read through the plan's rule): the entry when the
    actor's service reads it (logged as a journal read), else only whether it exists and is shared."""
    found = _referat_entry(session, activity.id)
    if found is None:
        return Referat(None, False, None, "")
    readable = found.service in services_for(actor)
    entry = get_entry(session, actor=actor, entry_id=found.id, purpose=purpose) if readable else None
    return Referat(
        entry,
        True,
        found.shared_with_person_at,
        found.service_label,
        share_warnings(entry) if entry is not None else [],
    )


def save_referat(
    session: Session,
    *,
    actor: User,
    activity_id: int,
    referat: str | None,
    publish: bool = False,
    version: Any = None,
    confirm_needed: bool = False,
    confirmed: bool = False,
) -> Referat:
    """Writes a meeting's referat in the journal (a SAMTALEREFERAT entry linked to the activity: OPPRETTET, then
    ENDRET while a draft; the activity's versions REFERAT_OPPRETTET, REFERAT_ENDRET) and shares it with the
    person when `publish` (DELT and REFERAT_PUBLISERT: then the activity can be FULLFORT). `version` is the
    activity's. Until shared the person does not see it; once shared it is read-only (409). TryggTekst as for
    every entry."""
    purpose = "oppfølging: plan (referat)"
    activity = access.activity_in_reach(session, actor=actor, activity_id=activity_id, purpose=purpose)
    person = access.person_for_change(
        session, actor=actor, candidate_id=activity.candidate_id, purpose=purpose
    )
    if not may_use_journal(actor):
        raise Forbidden(MSG_REFERAT_WRITER)
    if activity.type not in MEETING_TYPES:
        raise ValidationFailed(MSG_NO_REFERAT, field="referat")
    activity_versions.check_editable(activity)
    check_version(
        session,
        activity,
        version,
        subject_type=activity_versions.SUBJECT,
        label="Aktiviteten",
        fields={"referat": referat},
    )
    c = Cleaner({"referat": referat})
    c.text("referat", "Referat", max_len=TEXT_MAX)
    text = c.done()["referat"]
    entry = _referat_entry(session, activity.id)
    if entry is not None and entry.service not in services_for(actor):
        raise Forbidden(MSG_REFERAT_OTHER_SERVICE.format(service=entry.service_label))
    if entry is not None and entry.is_shared:
        raise Conflict(MSG_REFERAT_SHARED, field="referat")
    if publish and not text:
        raise ValidationFailed(MSG_REFERAT_EMPTY, field="referat")
    if entry is None and not text:
        return Referat(None, False, None, "")
    if entry is not None and not text:
        raise ValidationFailed(MSG_REFERAT_CLEARED, field="referat")
    service = entry.service if entry is not None else referat_service(activity.provider, actor)
    title = entry.title if entry is not None else activity.title[:TITLE_MAX]
    warnings = tryggtekst.warnings_for(title=title, text=text, service=service, shared=publish)
    _check_confirmed(
        warnings, service=service, shared=publish, confirm_needed=confirm_needed, confirmed=confirmed
    )
    if entry is None:
        values = {
            "kind": "SAMTALEREFERAT",
            "service": service,
            "title": title,
            "text": text,
            "event_date": activity.from_date or today_in_oslo(),
        }
        entry = _add(
            session, actor, person, values, purpose="oppfølging: journal (referat)", activity=activity
        )
    elif text != entry.text:
        _change(
            session, actor, entry, {"text": text}, purpose="oppfølging: journal (referat)", activity=activity
        )
    if publish:
        _share(session, actor, entry, purpose="oppfølging: journal (referat delt)", activity=activity)
    return Referat(entry, True, entry.shared_with_person_at, entry.service_label, warnings)


def share_warnings(entry: JournalEntry) -> list[tryggtekst.Mark]:
    """What TryggTekst would say if this draft were shared now (the page shows it beside the share button)."""
    if entry.is_shared:
        return []
    return tryggtekst.warnings_for(title=entry.title, text=entry.text, service=entry.service, shared=True)


def counts_by_service(entries: Sequence[JournalEntry]) -> dict[str, int]:
    out: dict[str, int] = dict.fromkeys(SERVICES, 0)
    for e in entries:
        out[e.service] = out.get(e.service, 0) + 1
    return out


def service_options(actor: User) -> list[tuple[str, str]]:
    """The services the actor writes in, for the form's choice."""
    return [(s, SERVICE_LABELS[s]) for s in services_for(actor)]


def kind_options() -> list[tuple[str, str]]:
    return list(KIND_LABELS.items())


def audit_subjects_of(session: Session, candidate_ids: Sequence[int]) -> list[tuple[str, str]]:
    """The audit log's names for these people's journal entries, so a search of the log by person finds the
    journal's reads, writes and shares too. Ids only (a system read for the admin's audit search)."""
    if not candidate_ids:
        return []
    ids = session.scalars(select(JournalEntry.id).where(JournalEntry.candidate_id.in_(list(candidate_ids))))
    return [(SUBJECT, str(i)) for i in ids]


def entry_count(session: Session, *, actor: User, candidate_id: int) -> int:
    """How many entries the actor may read for the person (no contents read, nothing logged)."""
    stmt = readable_entries(actor).where(JournalEntry.candidate_id == candidate_id)
    return int(session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
