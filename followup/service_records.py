"""Follow-up records ("jobbspor"): access, enrolment, status, phases, passive periods, profile, contacts.

Access is in the query: a record is readable when its candidate is readable (`candidates.service`), i.e. by the
staff of the candidate's office and admins. Employer users see no record; they see only the contacts they took
part in (`contacts_for_employer_user`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, false, select
from sqlalchemy.orm import Session, selectinload

from candidates import access as candidates_access
from candidates import service as candidates_service
from core import audit
from core.cleaning import EVENT_DATE, PROGRAMME_DATE, Cleaner, DateBounds, bounded_text, check_date
from core.errors import AccessDenied, Conflict, Forbidden, NotFound, ValidationFailed
from core.formatting import date_no, number_no, today_in_oslo
from core.models import User
from core.roles import NAV_STAFF, OFFICE_STAFF
from core.settings import Settings, get_settings
from employers import access as employers_access
from followup import service_plan as plan
from followup.dates import add_months
from followup.models import (
    CONTACT_MODES,
    CONTACT_WITH,
    COUNSELLING_OCCASIONS,
    END_CAUSES,
    END_DETAILS,
    GOALS,
    MEASURE_KINDS,
    OTHER_KINDS,
    PHASES,
    SERVICES,
    STATUS_CHAINS,
    STATUSES,
    BenefitsCounselling,
    DisclosurePlan,
    FollowupContact,
    FollowupProfile,
    FollowupRecord,
    MeasurePeriod,
    OutreachAttempt,
    PassivePeriod,
    PhaseEntry,
    Placement,
    PlanItem,
)

SUBJECT = "followup_record"


def _today() -> dt.date:
    return today_in_oslo()


# --- access -----------------------------------------------------------------------------------------------


def _readable_candidate_ids(actor: User) -> Any:
    # only the id column: a subquery of the whole row would build a proxy of every candidate column on each call
    stmt = candidates_access.readable_candidates(actor)
    return stmt.with_only_columns(stmt.selected_columns.id)


def readable_records(actor: User) -> Select[FollowupRecord]:
    """Every record read starts here (staff of the candidate's office, admins; employer users none)."""
    stmt = select(FollowupRecord)
    if actor.role == "admin":
        return stmt
    if actor.role in OFFICE_STAFF:
        return stmt.where(FollowupRecord.candidate_id.in_(_readable_candidate_ids(actor)))
    return stmt.where(false())


def _check_writer(actor: User) -> None:
    if actor.role not in NAV_STAFF:
        raise Forbidden("Bare NAV-ansatte kan føre oppfølging.")


def check_open(record: FollowupRecord) -> None:
    if record.is_ended:
        raise Conflict("Jobbsporet er avsluttet og kan ikke endres.")


def get_record(
    session: Session, *, actor: User, record_id: int, purpose: str, audit_read: bool = True
) -> FollowupRecord:
    """One record with its phases, placements (and changes), plan and passive periods; the read is logged."""
    record = session.scalar(
        readable_records(actor)
        .where(FollowupRecord.id == record_id)
        .options(
            selectinload(FollowupRecord.phases),
            selectinload(FollowupRecord.placements).selectinload(Placement.changes),
            selectinload(FollowupRecord.plan_items),
            selectinload(FollowupRecord.passive_periods),
        )
        .execution_options(populate_existing=True)
    )
    if record is None:
        raise AccessDenied(subject_type=SUBJECT, subject_id=record_id, actor_id=actor.id, purpose=purpose)
    candidates_access.require_reason(
        session, actor, record.candidate_id
    )  # the admin: a recorded reason first
    if audit_read:
        audit.record(
            session,
            actor=actor,
            action="read",
            subject_type=SUBJECT,
            subject_id=record.id,
            purpose=purpose,
            detail=f"candidate {record.candidate_id}",
        )
    return record


def for_update(
    session: Session, *, actor: User, record_id: int, purpose: str = "oppfølging: endring"
) -> FollowupRecord:
    _check_writer(actor)
    record = get_record(session, actor=actor, record_id=record_id, purpose=purpose, audit_read=False)
    check_open(record)
    return record


def list_records(
    session: Session,
    *,
    actor: User,
    specialist_id: int | None = None,
    include_ended: bool = False,
    candidate_id: int | None = None,
    limit: int = 500,
    offset: int = 0,
) -> Sequence[FollowupRecord]:
    stmt = readable_records(actor)
    if specialist_id is not None:
        stmt = stmt.where(FollowupRecord.specialist_id == specialist_id)
    if candidate_id is not None:
        stmt = stmt.where(FollowupRecord.candidate_id == candidate_id)
    if not include_ended:
        stmt = stmt.where(FollowupRecord.status != "avsluttet")
    stmt = stmt.options(selectinload(FollowupRecord.placements).selectinload(Placement.changes))
    return session.scalars(
        stmt.order_by(FollowupRecord.start_date.desc(), FollowupRecord.id.desc()).limit(limit).offset(offset)
    ).all()


@dataclass(frozen=True)
class CandidateRef:
    id: int
    name: str
    birth_date: dt.date | None


def candidate_refs(
    session: Session, *, actor: User, ids: Sequence[int], purpose: str = "jobbspor (liste)"
) -> dict[int, CandidateRef]:
    """Names for a list page, through the candidates domain's own access rule; each person named is audit-logged
    (one batched insert)."""
    if not ids:
        return {}
    stmt = candidates_access.readable_candidates(actor)
    entity = stmt.column_descriptions[0]["entity"]
    rows = session.scalars(stmt.where(entity.id.in_(list(ids)))).all()
    audit.record_many(
        session, actor=actor, subject_type="candidate", subject_ids=[c.id for c in rows], purpose=purpose
    )
    return {c.id: CandidateRef(c.id, c.full_name, c.birth_date) for c in rows}


def audit_subjects_of(session: Session, candidate_ids: Sequence[int]) -> list[tuple[str, str]]:
    """The audit log's names for what follow-up keeps about these people (their records, the health part of
    each, their jobs), so a search of the log by person finds those rows too. Ids only, no personal data."""
    if not candidate_ids:
        return []
    record_ids = list(
        session.scalars(select(FollowupRecord.id).where(FollowupRecord.candidate_id.in_(list(candidate_ids))))
    )
    if not record_ids:
        return []
    placements = session.scalars(select(Placement.id).where(Placement.record_id.in_(record_ids)))
    return [
        *((SUBJECT, str(r)) for r in record_ids),
        *(("followup_health", str(r)) for r in record_ids),
        *(("followup_placement", str(p)) for p in placements),
    ]


def specialists_of_office(session: Session, office_id: int | None) -> Sequence[User]:
    stmt = select(User).where(User.role == "jobbspesialist", User.is_active.is_(True))
    if office_id is not None:
        stmt = stmt.where(User.office_id == office_id)
    return session.scalars(stmt.order_by(User.name)).all()


# --- enrolment, status, end ---------------------------------------------------------------------------------


def check_bounds(value: dt.date | None, field: str, label: str, bounds: DateBounds = EVENT_DATE) -> None:
    """A follow-up date within its plausible range (core.cleaning, the check every cleaner uses)."""
    if value is None:
        return
    message = check_date(value, bounds, label)
    if message:
        raise ValidationFailed(message, field=field)


def _require(value: Any, field: str, message: str) -> None:
    if value in (None, ""):
        raise ValidationFailed(message, field=field)


def enrol(
    session: Session,
    *,
    actor: User,
    candidate_id: int | str | None,
    service: str,
    referral_date: dt.date | str | None,
    start_date: dt.date | str | None,
    goal: str = "arbeid",
    specialist_id: int | str | None = None,
    out_of_work_at_intake: bool = True,
    target_refugee: bool = False,
    target_ufore: bool = False,
    today: dt.date | None = None,
) -> FollowupRecord:
    """Starts a jobbspor for a candidate of the actor's office; at most one open record per service. Takes the
    form's text or typed values, and names every bad field at once."""
    _check_writer(actor)
    today = today or _today()
    c = Cleaner(
        {
            "candidate_id": candidate_id,
            "service": service,
            "goal": goal,
            "referral_date": referral_date,
            "start_date": start_date,
            "specialist_id": specialist_id,
        }
    )
    c.integer("candidate_id", "Kandidat", required=True, message="Velg en kandidat.")
    c.choice("service", "Tjeneste", SERVICES, required=True, message="Velg en tjeneste.")
    c.choice("goal", "Mål", GOALS, required=True, message="Velg et mål.")
    c.date("referral_date", "Henvisningsdato", required=True, bounds=PROGRAMME_DATE)
    c.date("start_date", "Startdato", required=True, bounds=PROGRAMME_DATE)
    c.integer("specialist_id", "Jobbspesialist", message="Velg en jobbspesialist ved kandidatens NAV-kontor.")
    referral_date, start_date = c.out.get("referral_date"), c.out.get("start_date")
    if referral_date and start_date and start_date < referral_date:
        c.error("start_date", "Startdatoen kan ikke være før henvisningsdatoen.")
    if start_date and start_date > today + dt.timedelta(days=366):
        c.error("start_date", "Startdatoen er mer enn ett år fram i tid.")
    out = c.done()
    service, goal, specialist_id = out["service"], out["goal"], out["specialist_id"]
    assert referral_date is not None and start_date is not None
    candidate = candidates_access.get_candidate(
        session, actor=actor, candidate_id=out["candidate_id"], purpose="oppfølging: innskriving i jobbspor"
    )
    if specialist_id is None and actor.role == "jobbspesialist":
        specialist_id = actor.id
    if specialist_id is not None:
        specialist = session.get(User, specialist_id)
        if (
            specialist is None
            or specialist.role != "jobbspesialist"
            or specialist.office_id != candidate.office_id
        ):
            raise ValidationFailed(
                "Velg en jobbspesialist ved kandidatens NAV-kontor.", field="specialist_id"
            )
    if service == "ips_ung":
        age = candidate.age(start_date)
        if age is not None and not (16 <= age <= 30):
            raise ValidationFailed("IPS ung er for personer mellom 16 og 30 år.", field="service")
    if session.scalar(
        select(FollowupRecord.id).where(
            FollowupRecord.candidate_id == candidate.id,
            FollowupRecord.service == service,
            FollowupRecord.status != "avsluttet",
        )
    ):
        raise Conflict("Kandidaten har allerede et åpent jobbspor i denne tjenesten.", field="service")
    record = FollowupRecord(
        candidate_id=candidate.id,
        office_id=candidate.office_id,
        specialist_id=specialist_id,
        service=service,
        goal=goal,
        status="henvist",
        referral_date=referral_date,
        start_date=start_date,
        out_of_work_at_intake=out_of_work_at_intake,
        age_at_start=candidate.age(start_date),
        target_refugee=target_refugee,
        target_ufore=target_ufore,
    )
    session.add(record)
    session.flush()
    session.add(PhaseEntry(record_id=record.id, phase=1, entered_on=start_date, note="Innskrevet"))
    plan.generate_record_plan(session, record, today)
    audit.record(
        session,
        actor=actor,
        action="create",
        subject_type=SUBJECT,
        subject_id=record.id,
        purpose="innskriving",
    )
    return load(session, record.id)


def load(session: Session, record_id: int) -> FollowupRecord:
    """The record with its collections freshly loaded (services and jobs; no access check, no audit)."""
    record = session.scalar(
        select(FollowupRecord)
        .where(FollowupRecord.id == record_id)
        .options(
            selectinload(FollowupRecord.phases),
            selectinload(FollowupRecord.placements).selectinload(Placement.changes),
            selectinload(FollowupRecord.plan_items),
            selectinload(FollowupRecord.passive_periods),
        )
        .execution_options(populate_existing=True)
    )
    if record is None:
        raise NotFound("Fant ikke jobbsporet.")
    return record


def allowed_statuses(record: FollowupRecord) -> list[str]:
    return [s for s in STATUS_CHAINS.get(record.service, ()) if s != "avsluttet"]


def active_placements(record: FollowupRecord, day: dt.date | None = None) -> list[Placement]:
    day = day or _today()
    return [p for p in record.placements if p.start_date <= day and (p.end_date is None or p.end_date >= day)]


# --- status follows the phase ---------------------------------------------------------------------------------
# The phase is the fact (entered with a date, kept as a timeline); the status is a function of it and of the open
# placements, written by `follow_phase` after every change of either, so the two cannot disagree. Choosing a
# status (set_status) enters the phase it stands for, in the same call.

_PHASE_STATUS = {1: "henvist", 2: "kartlegging", 3: "jobbutvikling", 4: "jobbutvikling"}
_PHASE_STATUS_PLAIN = {1: "henvist", 2: "aktiv", 3: "aktiv", 4: "aktiv"}  # services without the IPS steps
STATUS_PHASE = {
    "henvist": 1,
    "kartlegging": 2,
    "aktiv": 2,
    "jobbutvikling": 3,
    "i_jobb": 5,
    "i_utdanning": 5,
    "nedtrapping": 5,
}


def current_phase(record: FollowupRecord) -> int:
    """The phase last entered (the end of `phase_timeline`); 1 for a record without entries."""
    # an entry not yet flushed (no id) is the newest of its day
    entries = sorted(record.phases, key=lambda e: (e.entered_on, e.id if e.id is not None else 1 << 62))
    return entries[-1].phase if entries else 1


def open_placements(record: FollowupRecord, day: dt.date | None = None) -> list[Placement]:
    """Placements not ended by `day`, including one that starts later (a registered job start)."""
    day = day or _today()
    return [p for p in record.placements if p.end_date is None or p.end_date >= day]


def status_for(record: FollowupRecord, today: dt.date | None = None) -> str:
    """The status the record's phase (and open placements) stand for."""
    if record.status == "avsluttet":
        return "avsluttet"
    chain = STATUS_CHAINS.get(record.service, ())
    phase = current_phase(record)
    if phase == 5:
        if record.status == "nedtrapping" and "nedtrapping" in chain:
            return "nedtrapping"  # tapering off is a step inside phase 5, chosen by the specialist
        placements = open_placements(record, today)
        if placements:
            only_school = not any(p.is_job for p in placements)
            return "i_utdanning" if only_school and "i_utdanning" in chain else "i_jobb"
        phase = 3  # phase 5 without a job (left from before this rule): searching again
    mapping = _PHASE_STATUS if "kartlegging" in chain else _PHASE_STATUS_PLAIN
    return mapping[phase]


def follow_phase(record: FollowupRecord, today: dt.date | None = None) -> str:
    """Writes the status the phase stands for; every change of phase or placement ends here."""
    record.status = status_for(record, today)
    return record.status


def set_status(
    session: Session, *, actor: User, record: FollowupRecord, status: str, today: dt.date | None = None
) -> None:
    """Choosing a status enters the phase it stands for (unless the current phase already stands for it)."""
    _check_writer(actor)
    check_open(record)
    today = today or _today()
    if status == "avsluttet":
        raise ValidationFailed("Bruk «Avslutt jobbsporet» for å avslutte, med årsak.", field="status")
    if status not in allowed_statuses(record):
        raise ValidationFailed(
            f"Statusen {STATUSES.get(status, status)!r} finnes ikke for denne tjenesten.", field="status"
        )
    current = [p for p in record.placements if p.end_date is None or p.end_date >= today]
    if status == "i_jobb" and not any(p.is_job for p in current):
        raise ValidationFailed(
            "«I jobb» krever en registrert jobb. Registrer arbeidsforholdet først.", field="status"
        )
    if status == "i_utdanning" and not any(p.type in ("utdanning", "laerling") for p in current):
        raise ValidationFailed(
            "«I utdanning» krever en registrert utdanning eller læreplass.", field="status"
        )
    if status == "nedtrapping" and current_phase(record) != 5:
        raise ValidationFailed("«Nedtrapping» kommer etter jobbstart (fase 5).", field="status")
    record.status = status
    if status_for(record, today) != status:
        phase = STATUS_PHASE[status]
        entered_on = max(today, record.start_date)
        entry = PhaseEntry(
            record_id=record.id, phase=phase, entered_on=entered_on, note=f"Status: {STATUSES[status]}"
        )
        session.add(entry)
        record.phases.append(entry)
        record.status = status  # i_jobb / i_utdanning: the open placements decide which
        follow_phase(record, today)
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type=SUBJECT,
        subject_id=record.id,
        purpose=f"status: {status}",
    )
    session.flush()


def end_record(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    end_date: dt.date | None,
    cause: str,
    detail: str | None = None,
    note: str = "",
) -> None:
    """Ends a record by decision (never for missed appointments); afterwards it is read-only."""
    _check_writer(actor)
    check_open(record)
    _require(end_date, "end_date", "Sluttdato må fylles ut.")
    assert end_date is not None
    check_bounds(end_date, "end_date", "Sluttdato")
    if end_date < record.start_date:
        raise ValidationFailed("Sluttdatoen kan ikke være før startdatoen.", field="end_date")
    if cause not in END_CAUSES:
        raise ValidationFailed("Velg en sluttårsak.", field="cause")
    if detail and detail not in END_DETAILS:
        raise ValidationFailed("Ukjent utdyping av sluttårsaken.", field="detail")
    record.status = "avsluttet"
    record.end_date = end_date
    record.end_cause = cause
    record.end_detail = detail or None
    record.end_note = note or None
    still_open = session.scalar(
        select(FollowupRecord.id).where(
            FollowupRecord.candidate_id == record.candidate_id,
            FollowupRecord.id != record.id,
            FollowupRecord.status != "avsluttet",
        )
    )
    if still_open is None:  # the person's follow-up has ended: the retention date is set from here
        candidates_service.follow_up_ended(session, candidate_id=record.candidate_id, ended_on=end_date)
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type=SUBJECT,
        subject_id=record.id,
        purpose=f"avsluttet: {cause}",
    )
    session.flush()


# --- phases ---------------------------------------------------------------------------------------------------


def enter_phase(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    phase: int,
    entered_on: dt.date | None,
    note: str = "",
    today: dt.date | None = None,
) -> PhaseEntry:
    """Enters a phase; the status follows (`follow_phase`). Phase 5 is entered by registering the job start."""
    _check_writer(actor)
    check_open(record)
    if phase not in PHASES:
        raise ValidationFailed("Velg en fase fra 1 til 5.", field="phase")
    _require(entered_on, "entered_on", "Datoen må fylles ut.")
    assert entered_on is not None
    check_bounds(entered_on, "entered_on", "Datoen")
    if entered_on < record.start_date:
        raise ValidationFailed("Fasen kan ikke starte før jobbsporet.", field="entered_on")
    if phase == 5 and not open_placements(record, today):
        raise ValidationFailed(
            "Fase 5 er oppfølging i jobb: registrer jobbstarten, så går fasen dit selv.", field="phase"
        )
    entry = PhaseEntry(
        record_id=record.id,
        phase=phase,
        entered_on=entered_on,
        note=bounded_text(note, field="note", label="Merknad", max_len=500),
    )
    session.add(entry)
    record.phases.append(entry)
    follow_phase(record, today)
    session.flush()
    return entry


@dataclass(frozen=True)
class PhaseSpan:
    phase: int
    label: str
    entered_on: dt.date
    left_on: dt.date | None
    days: int


def phase_timeline(record: FollowupRecord, today: dt.date | None = None) -> list[PhaseSpan]:
    """Each phase entry with the time spent in it: until the next entry, or until today / the record's end."""
    today = today or _today()
    entries = sorted(record.phases, key=lambda e: (e.entered_on, e.id or 0))
    spans = []
    for i, e in enumerate(entries):
        left = entries[i + 1].entered_on if i + 1 < len(entries) else record.end_date
        until = left or today
        spans.append(
            PhaseSpan(
                e.phase,
                PHASES.get(e.phase, str(e.phase)),
                e.entered_on,
                left,
                max(0, (until - e.entered_on).days),
            )
        )
    return spans


def days_per_phase(record: FollowupRecord, today: dt.date | None = None) -> dict[int, int]:
    out = dict.fromkeys(PHASES, 0)
    for span in phase_timeline(record, today):
        out[span.phase] += span.days
    return out


# --- passive periods and outreach -------------------------------------------------------------------------------


def add_passive_period(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    from_date: dt.date | None,
    to_date: dt.date | None,
    reason: str,
) -> PassivePeriod:
    _check_writer(actor)
    check_open(record)
    _require(from_date, "from_date", "Fra-dato må fylles ut.")
    assert from_date is not None
    check_bounds(from_date, "from_date", "Fra-datoen")
    check_bounds(to_date, "to_date", "Til-datoen")
    if to_date is not None and to_date < from_date:
        raise ValidationFailed("Til-datoen kan ikke være før fra-datoen.", field="to_date")
    if not reason.strip():
        raise ValidationFailed("Skriv hvorfor oppfølgingen settes på pause.", field="reason")
    period = PassivePeriod(
        record_id=record.id,
        from_date=from_date,
        to_date=to_date,
        reason=bounded_text(reason, field="reason", label="Årsak", max_len=500),
    )
    session.add(period)
    record.passive_periods.append(period)
    session.flush()
    return period


def end_passive_period(
    session: Session, *, actor: User, record: FollowupRecord, period_id: int, to_date: dt.date
) -> None:
    _check_writer(actor)
    check_open(record)
    period = next((p for p in record.passive_periods if p.id == period_id), None)
    if period is None:
        raise NotFound("Fant ikke den passive perioden.")
    check_bounds(to_date, "to_date", "Til-datoen")
    if to_date < period.from_date:
        raise ValidationFailed("Til-datoen kan ikke være før fra-datoen.", field="to_date")
    period.to_date = to_date
    session.flush()


def log_outreach(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    date: dt.date | None,
    mode: str,
    reached: bool,
    note: str = "",
) -> OutreachAttempt:
    _check_writer(actor)
    check_open(record)
    _require(date, "date", "Datoen må fylles ut.")
    if mode not in CONTACT_MODES:
        raise ValidationFailed("Velg hvordan dere forsøkte å nå personen.", field="mode")
    attempt = OutreachAttempt(
        record_id=record.id, user_id=actor.id, date=date, mode=mode, reached=reached, note=note
    )
    session.add(attempt)
    session.flush()
    return attempt


def outreach_attempts(session: Session, record: FollowupRecord) -> Sequence[OutreachAttempt]:
    return session.scalars(
        select(OutreachAttempt)
        .where(OutreachAttempt.record_id == record.id)
        .order_by(OutreachAttempt.date.desc())
    ).all()


# --- profile and disclosure plan -----------------------------------------------------------------------------

PROFILE_FIELDS = (
    "preferences",
    "health",
    "warning_signs",
    "coping",
    "network",
    "transport",
    "preferred_hours",
    "treatment_team",
    "nav_veileder",
)
RESTRICTED_FIELDS = ("health", "warning_signs", "coping", "treatment_team")
PROFILE_LABELS = {
    "preferences": "Ønsker og interesser",
    "health": "Helse slik det påvirker arbeid",
    "warning_signs": "Varseltegn",
    "coping": "Mestring",
    "network": "Nettverk",
    "transport": "Transport",
    "preferred_hours": "Ønsket arbeidstid",
    "treatment_team": "Behandlerteam",
    "nav_veileder": "NAV-veileder",
}


def may_read_restricted(actor: User, record: FollowupRecord) -> bool:
    """Health as it affects work: only the record's own job specialist (and admins)."""
    return actor.role == "admin" or (actor.id == record.specialist_id)


def get_profile(session: Session, *, actor: User, record: FollowupRecord) -> dict[str, Any]:
    profile = session.scalar(select(FollowupProfile).where(FollowupProfile.record_id == record.id))
    data: dict[str, Any] = dict.fromkeys(PROFILE_FIELDS, "")
    data["ufore_grad"] = None
    if profile is not None:
        data.update({f: getattr(profile, f) for f in PROFILE_FIELDS})
        data["ufore_grad"] = profile.ufore_grad
    data["restricted"] = not may_read_restricted(actor, record)
    if data["restricted"]:
        for f in RESTRICTED_FIELDS:
            data[f] = None
    elif profile is not None and any(getattr(profile, f) for f in RESTRICTED_FIELDS):
        audit.record(
            session,
            actor=actor,
            action="read",
            subject_type="followup_health",
            subject_id=record.id,
            purpose="oppfølging: helse slik det påvirker arbeid",
        )
    return data


def save_profile(
    session: Session, *, actor: User, record: FollowupRecord, data: dict[str, Any]
) -> FollowupProfile:
    _check_writer(actor)
    check_open(record)
    profile = session.scalar(select(FollowupProfile).where(FollowupProfile.record_id == record.id))
    if profile is None:
        profile = FollowupProfile(record_id=record.id)
        session.add(profile)
    restricted_ok = may_read_restricted(actor, record)
    for f in PROFILE_FIELDS:
        if f in data and data[f] is not None and (restricted_ok or f not in RESTRICTED_FIELDS):
            setattr(profile, f, bounded_text(data[f], field=f, label=PROFILE_LABELS[f], max_len=5000))
    grad = data.get("ufore_grad")
    if grad is not None and grad != "":
        try:
            grad_i = int(grad)
        except (TypeError, ValueError):
            raise ValidationFailed("Uføregraden må være et tall fra 0 til 100.", field="ufore_grad") from None
        if not 0 <= grad_i <= 100:
            raise ValidationFailed("Uføregraden må være et tall fra 0 til 100.", field="ufore_grad")
        profile.ufore_grad = grad_i
        record.target_ufore = 0 < grad_i < 100 or record.target_ufore
    elif "ufore_grad" in data:
        profile.ufore_grad = None
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type=SUBJECT,
        subject_id=record.id,
        purpose="oppfølgingsprofil",
    )
    session.flush()
    return profile


def get_disclosure(session: Session, record: FollowupRecord) -> DisclosurePlan | None:
    return session.scalar(select(DisclosurePlan).where(DisclosurePlan.record_id == record.id))


def save_disclosure(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    may_tell: str,
    may_not_tell: str,
    consent_date: dt.date | None,
) -> DisclosurePlan:
    _check_writer(actor)
    check_open(record)
    _require(consent_date, "consent_date", "Samtykkedato må fylles ut: planen gjelder bare med samtykke.")
    plan_row = get_disclosure(session, record)
    if plan_row is None:
        plan_row = DisclosurePlan(record_id=record.id)
        session.add(plan_row)
    plan_row.may_tell = bounded_text(
        may_tell, field="may_tell", label="Dette kan arbeidsgiver få vite", max_len=5000
    )
    plan_row.may_not_tell = bounded_text(
        may_not_tell, field="may_not_tell", label="Dette skal ikke deles", max_len=5000
    )
    plan_row.consent_date = consent_date
    audit.record(
        session,
        actor=actor,
        action="update",
        subject_type=SUBJECT,
        subject_id=record.id,
        purpose="plan for åpenhet",
    )
    session.flush()
    return plan_row


# --- contacts -------------------------------------------------------------------------------------------------


def log_contact(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    date: dt.date | str | None,
    with_whom: str,
    mode: str,
    duration_minutes: int | str | None = None,
    content: str = "",
    other_kind: str | None = None,
    employer_id: int | str | None = None,
    employer_user_id: int | str | None = None,
    placement_id: int | str | None = None,
    participants: str = "",
    today: dt.date | None = None,
) -> FollowupContact:
    """Logs a contact; an employer contact also counts as job development, and contacts fulfil plan items. Takes
    the form's text or typed values, and names every bad field at once."""
    _check_writer(actor)
    check_open(record)
    today = today or _today()
    c = Cleaner(
        {
            "date": date,
            "with_whom": with_whom,
            "mode": mode,
            "other_kind": other_kind if with_whom == "andre" else None,
            "duration_minutes": duration_minutes,
            "employer_id": employer_id,
            "employer_user_id": employer_user_id,
            "placement_id": placement_id,
        }
    )
    c.date("date", "Datoen", required=True, bounds=EVENT_DATE)
    c.choice("with_whom", "Hvem", CONTACT_WITH, required=True, message="Velg hvem kontakten var med.")
    c.choice("mode", "Kontaktform", CONTACT_MODES, required=True, message="Velg kontaktform.")
    c.choice("other_kind", "Type kontakt", OTHER_KINDS, message="Ukjent type kontakt.")
    c.integer(
        "duration_minutes",
        "Varigheten",
        minimum=0,
        maximum=24 * 60,
        message="Varigheten må være et helt antall minutter mellom 0 og 1440.",
    )
    c.integer("employer_id", "Arbeidsgiver", message="Fant ikke arbeidsgiveren.")
    c.integer("employer_user_id", "Deltaker", message="Deltakeren må være en arbeidsgiverbruker.")
    c.integer("placement_id", "Arbeidsforhold", message="Fant ikke arbeidsforholdet på dette jobbsporet.")
    out = c.out
    date, employer_id, employer_user_id = out.get("date"), out.get("employer_id"), out.get("employer_user_id")
    if date is not None and date > today:
        c.error("date", "En kontakt kan ikke føres fram i tid.")
    elif date is not None and date < record.start_date - dt.timedelta(days=30):
        c.error("date", "Datoen er lenge før jobbsporet startet.")
    if employer_id is not None:
        if (
            session.scalar(employers_access.readable_employers(session, actor).filter_by(id=employer_id))
            is None
        ):
            c.error("employer_id", "Fant ikke arbeidsgiveren.")
    elif with_whom == "arbeidsgiver" and "employer_id" in out:
        c.error("employer_id", "Velg arbeidsgiveren kontakten var med.")
    if employer_user_id is not None:
        participant = session.get(User, employer_user_id)
        if participant is None or participant.role != "arbeidsgiver":
            c.error("employer_user_id", "Deltakeren må være en arbeidsgiverbruker.")
        elif employer_id is not None and employer_id not in employers_access.employer_ids_for(
            session, participant
        ):
            c.error("employer_user_id", "Deltakeren hører ikke til denne arbeidsgiveren.")
    if out.get("placement_id") is not None and out["placement_id"] not in {p.id for p in record.placements}:
        c.error("placement_id", "Fant ikke arbeidsforholdet på dette jobbsporet.")
    out = c.done()
    contact_date: dt.date = out["date"]  # the `date` argument, cleaned (required: never None here)
    with_whom, mode, other_kind = out["with_whom"], out["mode"], out["other_kind"]
    duration_minutes, placement_id = out["duration_minutes"], out["placement_id"]
    contact = FollowupContact(
        record_id=record.id,
        user_id=actor.id,
        date=contact_date,
        with_whom=with_whom,
        other_kind=other_kind if with_whom == "andre" else None,
        mode=mode,
        duration_minutes=duration_minutes or 0,
        content=bounded_text(content, field="content", label="Innhold", max_len=10000),
        employer_id=employer_id,
        employer_user_id=employer_user_id,
        placement_id=placement_id,
        participants=bounded_text(participants, field="participants", label="Deltakere", max_len=500),
    )
    session.add(contact)
    session.flush()
    plan.satisfy_with_contact(session, record, contact)
    current = phase_timeline(record, today)
    if (
        with_whom == "arbeidsgiver"
        and current
        and current[-1].phase == 3
        and contact_date >= current[-1].entered_on
    ):
        enter_phase(
            session,
            actor=actor,
            record=record,
            phase=4,
            entered_on=contact_date,
            note="Første arbeidsgiverkontakt",
            today=today,
        )
    return contact


def list_contacts(session: Session, record: FollowupRecord, limit: int = 500) -> Sequence[FollowupContact]:
    return session.scalars(
        select(FollowupContact)
        .where(FollowupContact.record_id == record.id)
        .order_by(FollowupContact.date.desc(), FollowupContact.id.desc())
        .limit(limit)
    ).all()


def readable_contacts(actor: User) -> Select[FollowupContact]:
    """Staff: contacts of readable records; employer users: only the contacts they took part in."""
    stmt = select(FollowupContact)
    if actor.role == "arbeidsgiver":
        return stmt.where(FollowupContact.employer_user_id == actor.id)
    sub = readable_records(actor).with_only_columns(FollowupRecord.id).subquery()
    return stmt.where(FollowupContact.record_id.in_(select(sub.c.id)))


def _audit_contacts(
    session: Session, actor: User, contacts: Sequence[FollowupContact], purpose: str
) -> Sequence[FollowupContact]:
    """Contact notes are about a person: each person whose notes are returned is named in the audit log."""
    record_ids = {c.record_id for c in contacts}
    if record_ids:
        people = session.scalars(
            select(FollowupRecord.candidate_id).where(FollowupRecord.id.in_(record_ids)).distinct()
        ).all()
        audit.record_many(session, actor=actor, subject_type="candidate", subject_ids=people, purpose=purpose)
    return contacts


def _without_notes(contact: FollowupContact) -> FollowupContact:
    """What an employer user sees of a meeting they took part in: when, how and how long, never the job
    specialist's note or list of participants (written for colleagues, about the person). A detached copy, so
    the stored row is never touched."""
    return FollowupContact(
        id=contact.id,
        record_id=contact.record_id,
        user_id=contact.user_id,
        date=contact.date,
        with_whom=contact.with_whom,
        other_kind=contact.other_kind,
        mode=contact.mode,
        duration_minutes=contact.duration_minutes,
        content="",
        employer_id=contact.employer_id,
        employer_user_id=contact.employer_user_id,
        placement_id=contact.placement_id,
        participants="",
    )


def readable_contacts_list(session: Session, *, actor: User, limit: int = 100) -> Sequence[FollowupContact]:
    """The newest contacts the actor may read (API `/followup/contacts`), audit-logged per person; an employer
    user gets their meetings without the notes."""
    if actor.role == "arbeidsgiver":
        return contacts_for_employer_user(session, actor=actor, limit=limit)
    contacts = session.scalars(
        readable_contacts(actor).order_by(FollowupContact.date.desc(), FollowupContact.id.desc()).limit(limit)
    ).all()
    return _audit_contacts(session, actor, contacts, "kontakter og notater (liste)")


def contacts_for_employer_user(
    session: Session, *, actor: User, limit: int = 200
) -> Sequence[FollowupContact]:
    """The meetings an employer user took part in, without the notes (`_without_notes`)."""
    if actor.role != "arbeidsgiver":
        return []
    contacts = session.scalars(
        readable_contacts(actor).order_by(FollowupContact.date.desc(), FollowupContact.id.desc()).limit(limit)
    ).all()
    _audit_contacts(session, actor, contacts, "arbeidsgiver: egne kontakter i oppfølgingen")
    return [_without_notes(c) for c in contacts]


# --- benefits counselling and uføretrygd -------------------------------------------------------------------------


def log_counselling(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    date: dt.date | None,
    occasion: str,
    benefits: str = "",
    earnings_to_date: int | None = None,
    expected_annual_earnings: int | None = None,
    placement_id: int | None = None,
    note: str = "",
) -> BenefitsCounselling:
    _check_writer(actor)
    check_open(record)
    _require(date, "date", "Datoen må fylles ut.")
    assert date is not None
    if occasion not in COUNSELLING_OCCASIONS:
        raise ValidationFailed("Velg anledning.", field="occasion")
    for name, value in (
        ("earnings_to_date", earnings_to_date),
        ("expected_annual_earnings", expected_annual_earnings),
    ):
        if value is not None and not (0 <= value <= 10_000_000):
            raise ValidationFailed("Beløpet må være mellom 0 og 10 000 000 kroner.", field=name)
    row = BenefitsCounselling(
        record_id=record.id,
        user_id=actor.id,
        placement_id=placement_id,
        date=date,
        occasion=occasion,
        benefits=bounded_text(benefits, field="benefits", label="Ytelser", max_len=300),
        earnings_year=date.year,
        earnings_to_date=earnings_to_date,
        expected_annual_earnings=expected_annual_earnings,
        note=bounded_text(note, field="note", label="Merknad", max_len=5000),
    )
    session.add(row)
    session.flush()
    return row


def list_counselling(session: Session, record: FollowupRecord) -> Sequence[BenefitsCounselling]:
    return session.scalars(
        select(BenefitsCounselling)
        .where(BenefitsCounselling.record_id == record.id)
        .order_by(BenefitsCounselling.date.desc(), BenefitsCounselling.id.desc())
    ).all()


def counselling_missing(session: Session, record: FollowupRecord) -> list[str]:
    """Job starts and changes in hours without benefits counselling on or before the day."""
    rows = list_counselling(session, record)
    missing = []
    for p in record.placements:
        if not any(r.date <= p.start_date and r.date >= p.start_date - dt.timedelta(days=60) for r in rows):
            missing.append(f"Jobbstart {date_no(p.start_date)} ({p.title or p.type_label})")
        for c in p.changes:
            if not any(c.changed_on - dt.timedelta(days=60) <= r.date <= c.changed_on for r in rows):
                missing.append(f"Endring {date_no(c.changed_on)} til {number_no(c.percent)} %")
    return missing


def ufore_income_status(
    session: Session, *, record: FollowupRecord, year: int, settings: Settings | None = None
) -> dict[str, Any]:
    """The year's earnings (latest counselling that year) against the uføretrygd income limit from settings."""
    settings = settings or get_settings()
    row = session.scalar(
        select(BenefitsCounselling)
        .where(BenefitsCounselling.record_id == record.id, BenefitsCounselling.earnings_year == year)
        .order_by(BenefitsCounselling.date.desc(), BenefitsCounselling.id.desc())
    )
    earnings = None
    expected = None
    if row is not None:
        earnings = row.earnings_to_date
        expected = row.expected_annual_earnings
    limit = settings.inntektsgrense_ufore
    basis = expected if expected is not None else earnings
    return {
        "year": year,
        "grunnbelop": settings.grunnbelop,
        "limit": limit,
        "earnings_to_date": earnings,
        "expected_annual_earnings": expected,
        "share_of_limit": round(basis / limit, 3) if basis is not None and limit else None,
        "over_limit": basis is not None and basis > limit,
        "remaining": (limit - basis) if basis is not None else None,
    }


# --- linked NAV measures ---------------------------------------------------------------------------------------

MEASURE_LIMIT_MONTHS = {
    "midlertidig_lonnstilskudd": (12, 24),  # (normal, with nedsatt arbeidsevne)
    "varig_lonnstilskudd": (None, None),
    "mentor": (6, 6),
    "arbeidstrening": (12, 18),  # 12 months + 6 months extension
}


def add_measure(
    session: Session,
    *,
    actor: User,
    record: FollowupRecord,
    kind: str,
    start_date: dt.date | None,
    end_date: dt.date | None,
    reduced_work_capacity: bool = False,
    placement_id: int | None = None,
    note: str = "",
) -> MeasurePeriod:
    _check_writer(actor)
    check_open(record)
    if kind not in MEASURE_KINDS:
        raise ValidationFailed("Velg tiltak.", field="kind")
    _require(start_date, "start_date", "Startdato må fylles ut.")
    _require(end_date, "end_date", "Sluttdato må fylles ut.")
    assert start_date is not None and end_date is not None
    if end_date < start_date:
        raise ValidationFailed("Sluttdatoen kan ikke være før startdatoen.", field="end_date")
    normal, extended = MEASURE_LIMIT_MONTHS[kind]
    limit = extended if (reduced_work_capacity or kind == "arbeidstrening") else normal
    if limit is not None and end_date > add_months(start_date, limit):
        raise ValidationFailed(f"{MEASURE_KINDS[kind]} kan vare høyst {limit} måneder.", field="end_date")
    measure = MeasurePeriod(
        record_id=record.id,
        placement_id=placement_id,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        reduced_work_capacity=reduced_work_capacity,
        note=bounded_text(note, field="note", label="Merknad", max_len=500),
    )
    session.add(measure)
    session.flush()
    plan.generate_measure_plan(session, record, measure)
    return measure


def list_measures(session: Session, record: FollowupRecord) -> Sequence[MeasurePeriod]:
    return session.scalars(
        select(MeasurePeriod).where(MeasurePeriod.record_id == record.id).order_by(MeasurePeriod.start_date)
    ).all()


def complete_plan_item(
    session: Session, *, actor: User, record: FollowupRecord, item_id: int, done_on: dt.date
) -> None:
    """Marks a duty done by hand (a progress report sent, a measure reviewed)."""
    _check_writer(actor)
    check_open(record)
    item = session.scalar(select(PlanItem).where(PlanItem.id == item_id, PlanItem.record_id == record.id))
    if item is None:
        raise NotFound("Fant ikke punktet i planen.")
    if done_on > _today():
        raise ValidationFailed("Datoen kan ikke være fram i tid.", field="done_on")
    item.done_on = done_on
    session.flush()
